"""What the host layers of tf.contrib.layers share: integer-tuple arguments,
their `weights` / `biases` model variables, the normalizer-or-biases step and
the activation.

The host layers (convolutions, fully_connected, ...) wrap a linear op in a
variable scope. TF1 built them on the Keras-based `tf.layers` classes; here
the op is called directly and the variables are made with `model_variable`,
under the names the `tf.layers` classes were renamed to (`kernel` ->
`weights`, `bias` -> `biases`).
"""

import numbers

import tensorflow as tf

from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import variables as variables_lib

_PADDINGS = ("SAME", "VALID")
_GraphKeys = tf.compat.v1.GraphKeys
_GLOBAL_VARIABLES = _GraphKeys.GLOBAL_VARIABLES


def positive_ints(value, n, arg_name):
    """`value` (an int, or a sequence / TensorShape of `n` ints) as a tuple of
    `n` positive ints.

    Raises:
      ValueError: for a sequence of another length, or a value below 1,
        naming `arg_name` and what was received.
    """
    if isinstance(value, tf.TensorShape):
        value = value.as_list()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            values = None
        if values is None or len(values) != n:
            raise ValueError(
                f"`{arg_name}` must be an int or a sequence of {n} positive "
                f"integers. Received: {arg_name}={value!r}"
            )
    if any(v < 1 for v in values):
        raise ValueError(
            f"`{arg_name}` must hold positive integers. Received: "
            f"{arg_name}={value!r}"
        )
    return values


def padding(value):
    """'SAME' or 'VALID' (either case, as the tf.layers classes took it)."""
    upper = value.upper() if isinstance(value, str) else None
    if upper not in _PADDINGS:
        raise ValueError(
            f"`padding` must be 'SAME' or 'VALID'. Received: padding={value!r}"
        )
    return upper


def check_data_format(data_format, allowed):
    """TF1's ValueError unless `data_format` is one of `allowed` (two names)."""
    if not isinstance(data_format, str) or data_format not in allowed:
        first, second = sorted(allowed, key=lambda f: not f.startswith("NC"))
        raise ValueError(
            f"data_format has to be either {first} or {second}. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def check_rate_and_stride(rate, stride):
    """Dilation and striding do not combine (as in the tf.layers classes)."""
    if any(r != 1 for r in rate) and any(s != 1 for s in stride):
        raise ValueError(
            "`stride` > 1 is not supported together with `rate` > 1. "
            f"Received: stride={stride}, rate={rate}"
        )


def channels(inputs, axis, function, min_rank):
    """The static size of the channels `axis` of `inputs`.

    Raises:
      ValueError: if the rank is unknown or below `min_rank`, or the size is
        not known, naming `function` and the shape received.
    """
    rank = inputs_lib.known_rank(inputs)
    inputs_lib.require_min_rank(inputs, rank, min_rank, function)
    return inputs_lib.static_dim(
        inputs,
        axis,
        f"has an undefined channels dimension {axis % rank} (`{function}` "
        "needs its size to create the weights)",
    )


def weights_variable(
    name,
    shape,
    dtype,
    initializer,
    regularizer,
    variables_collections,
    trainable,
    collection_key="weights",
    layer_name=None,
):
    """Gets or creates the model variable `name` of a host layer.

    `variables_collections` is a list of collections for every variable or a
    dict keyed by `collection_key` ('weights' or 'biases').

    When the variable is created (not reused) and `regularizer` gives a
    loss, the loss tensor goes to REGULARIZATION_LOSSES, its ops under
    `SCOPE/NAME/Regularizer/`, NAME being `layer_name` when given: TF1 made
    these variables through the tf.layers classes, so the loss of
    `Conv/weights` was `Conv/kernel/Regularizer/...`. (TF2's `get_variable`
    would file a lazily built loss instead, and build its ops twice.)
    """
    scope = tf.compat.v1.get_variable_scope().name
    path = f"{scope}/{name}" if scope else name
    existed = variables_lib.op_name_in_collection(path, _GLOBAL_VARIABLES)
    variable = variables_lib.model_variable(
        name,
        shape=list(shape),
        dtype=dtype,
        initializer=initializer,
        trainable=trainable,
        collections=variables_lib.collections_for(
            variables_collections, collection_key
        ),
    )
    if regularizer is not None and not existed:
        loss_path = f"{scope}/{layer_name or name}" if scope else layer_name or name
        with tf.compat.v1.name_scope(loss_path + "/Regularizer/"):
            loss = regularizer(variable)
        if loss is not None:
            tf.compat.v1.add_to_collection(_GraphKeys.REGULARIZATION_LOSSES, loss)
    return variable


def check_collections(variables_collections):
    """Rejects a dict `variables_collections` with keys other than 'weights'
    and 'biases' (TF1 silently ignored a misspelt key)."""
    variables_lib.check_dict_keys(
        "variables_collections", variables_collections, ("weights", "biases")
    )


def finish(
    outputs,
    layout=None,
    *,
    activation_fn,
    normalizer_fn,
    normalizer_params,
    biases_initializer,
    biases_regularizer,
    variables_collections,
    trainable,
    layer_names=True,
    **unused_arguments,
):
    """The steps after the linear op, as TF1's host layers took them:
    `normalizer_fn` when given, else biases (unless `biases_initializer` is
    None), then `activation_fn` (unless None).

    The keyword arguments are the host layer's own (its other arguments,
    e.g. a `locals()` copy, are accepted and unused). `layout`, the data
    format of `outputs`, gives the channels axis of the biases: second when
    it starts with "NC", else last. With `layer_names`, the biases'
    regularization loss is named as the tf.layers classes named it
    (`SCOPE/bias/Regularizer/...`, see `weights_variable`).
    """
    del unused_arguments
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    elif biases_initializer is not None:
        axis = 1 if layout and layout.startswith("NC") else -1
        biases = weights_variable(
            "biases",
            [tf.compat.dimension_value(outputs.shape[axis])],
            outputs.dtype.base_dtype,
            biases_initializer,
            biases_regularizer,
            variables_collections,
            trainable,
            collection_key="biases",
            layer_name="bias" if layer_names else None,
        )
        outputs = bias_add(outputs, biases, layout)
    return activate(outputs, activation_fn)


def bias_add(outputs, biases, data_format=None):
    """`tf.nn.bias_add` on the channels axis of `data_format` (last if None)."""
    if data_format and data_format.startswith("NC"):
        if outputs.shape.rank == 3:
            # BiasAdd takes no 'NCW': broadcast along the width instead.
            return tf.add(outputs, tf.reshape(biases, [1, -1, 1]), name="BiasAdd")
    return tf.nn.bias_add(outputs, biases, data_format=data_format)


def activate(outputs, activation_fn):
    """`activation_fn(outputs)`, or `outputs` when it is None."""
    return outputs if activation_fn is None else activation_fn(outputs)
