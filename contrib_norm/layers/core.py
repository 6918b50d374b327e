"""tf.contrib.layers' small layers: bias_add, flatten, dropout, softmax,
unit_norm and one_hot_encoding, as TensorFlow 1.x had them."""

import functools
import operator

import tensorflow as tf

from contrib_norm._core import host
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import validate_data_format
from contrib_norm.framework.arg_scope import add_arg_scope


@add_arg_scope
def bias_add(
    inputs,
    activation_fn=None,
    initializer=tf.compat.v1.zeros_initializer(),
    regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    data_format="NHWC",
    scope=None,
):
    """Adds the model variable `biases` to the channels of `inputs`.

    Usable as the `normalizer_fn` of conv2d and fully_connected.

    Args:
      inputs: a tensor of rank 2 or more with a known channels dimension (the
        last one, or the second for 'NCHW').
      activation_fn: an optional activation (default None: linear).
      initializer: the biases' initializer (default zeros).
      regularizer: an optional regularizer of the biases.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for the variable, or a
        dict with the key 'biases'.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add the biases to TRAINABLE_VARIABLES.
      data_format: 'NHWC' (default) or 'NCHW' (4-D inputs only).
      scope: optional variable scope (default 'BiasAdd').

    Returns:
      The output tensor.

    Raises:
      ValueError: if `data_format` is neither 'NHWC' nor 'NCHW', the rank of
        `inputs` is unknown, 'NCHW' is given with inputs that are not 4-D, or
        the channels dimension is undefined.
    """
    validate_data_format(data_format)
    variables_lib.check_dict_keys(
        "variables_collections", variables_collections, ("biases",)
    )
    with tf.compat.v1.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.rank
        if rank is None:
            raise ValueError(
                "Dims of shape must be known but is None. Received: inputs "
                f"with shape={inputs.shape}"
            )
        if rank != 4 and data_format == "NCHW":
            raise ValueError(
                "Data format NCHW only supports 4D Tensor. Received: inputs "
                f"with shape={inputs.shape}"
            )
        axis = 1 if data_format == "NCHW" else -1
        num_features = tf.compat.dimension_value(inputs.shape[axis])
        if num_features is None:
            raise ValueError(
                "`C` dimension must be known but is None. Received: inputs "
                f"with shape={inputs.shape}, data_format={data_format!r}"
            )
        biases = host.weights_variable(
            "biases",
            [num_features],
            inputs.dtype.base_dtype,
            initializer,
            regularizer,
            variables_collections,
            trainable,
            collection_key="biases",
        )
        outputs = tf.nn.bias_add(inputs, biases, data_format=data_format)
        outputs = host.activate(outputs, activation_fn)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """Flattens `inputs` to `[batch, k]`, keeping the first (batch) dimension.

    A 1-D input becomes `[batch, 1]`.

    Args:
      inputs: a tensor of known rank, 1 or more.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional name scope (default 'Flatten').

    Returns:
      The flattened tensor.

    Raises:
      ValueError: if the rank of `inputs` is unknown or 0.
    """
    with tf.compat.v1.name_scope(scope, "Flatten", [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs_lib.known_rank(inputs)
        inputs_lib.require_min_rank(inputs, rank, 1, "flatten")
        with tf.name_scope("flatten"):
            outputs = _flatten(inputs, rank)
    return variables_lib.collect_named_outputs(outputs_collections, sc, outputs)


def _flatten(inputs, rank):
    """The `[batch, k]` reshape, as static as the input's shape allows."""
    if rank == 1:
        return tf.expand_dims(inputs, axis=1)
    batch = tf.compat.dimension_value(inputs.shape[0])
    rest = inputs.shape[1:]
    if rest.is_fully_defined():
        shape = [-1, functools.reduce(operator.mul, rest.as_list(), 1)]
    elif batch is not None:
        shape = [batch, -1]
    else:
        shape = [tf.shape(inputs)[0], -1]
    return tf.reshape(inputs, shape)


@add_arg_scope
def dropout(
    inputs,
    keep_prob=0.5,
    noise_shape=None,
    is_training=True,
    outputs_collections=None,
    scope=None,
    seed=None,
):
    """Dropout in training, the identity otherwise.

    In training each element is kept with probability `keep_prob` and
    scaled by `1 / keep_prob` (so the expected sum is unchanged), or set to
    0.

    Args:
      inputs: the tensor to drop elements of.
      keep_prob: the probability to keep an element (a scalar, or a scalar
        tensor).
      noise_shape: an optional 1-D int32 tensor, the shape of the random
        keep / drop flags (broadcast over `inputs`).
      is_training: a Python bool or a scalar bool tensor; when it is known
        while the graph is built, only that branch is built, else a `tf.cond`
        chooses.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional variable scope (default 'Dropout').
      seed: an optional Python int, the op-level seed.

    Returns:
      The output tensor, shaped as `inputs`.

    Raises:
      TypeError: if `is_training` is neither a bool nor a bool tensor.
    """
    with tf.compat.v1.variable_scope(scope, "Dropout", [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        outputs = training_flag.smart_cond(
            is_training,
            lambda: tf.nn.dropout(
                inputs, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed
            ),
            lambda: tf.identity(inputs),
        )
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _last_dimension(shape, min_rank):
    """The static last dimension of `shape`, or TF1's ValueError."""
    if shape.rank is None:
        raise ValueError(
            f"dims of shape must be known but is None. Received: shape={shape}"
        )
    if shape.rank < min_rank:
        raise ValueError(
            "rank of shape must be at least %d not: %d. Received: shape=%s"
            % (min_rank, shape.rank, shape)
        )
    value = tf.compat.dimension_value(shape[-1])
    if value is None:
        raise ValueError(
            f"dimension -1 of shape must be known but is None: {shape}"
        )
    return value


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last dimension of N-dimensional logits (N > 1).

    Args:
      logits: a tensor of rank 2 or more with a known last dimension.
      scope: optional variable scope (default 'softmax').

    Returns:
      A tensor shaped and typed as `logits`.

    Raises:
      ValueError: if the rank is unknown or below 2, or the last dimension is
        undefined.
    """
    with tf.compat.v1.variable_scope(scope, "softmax", [logits]):
        logits = tf.convert_to_tensor(logits)
        num_logits = _last_dimension(logits.shape, min_rank=2)
        predictions = tf.nn.softmax(tf.reshape(logits, [-1, num_logits]))
        predictions = tf.reshape(predictions, tf.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """Scales `inputs` to unit L2 length along dimension `dim`:
    `inputs / sqrt(epsilon + sum(inputs ** 2, dim))`.

    Args:
      inputs: a tensor of known rank.
      dim: the dimension to normalize along, in `[0, rank)`.
      epsilon: added to the squared length, avoiding a division by zero.
      scope: optional variable scope (default 'UnitNorm').

    Returns:
      The normalized tensor.

    Raises:
      ValueError: if the rank of `inputs` is unknown, or `dim` is not in
        `[0, rank)`.
    """
    with tf.compat.v1.variable_scope(scope, "UnitNorm", [inputs]):
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.rank
        if rank is None:
            raise ValueError(
                "The input rank must be known. Received: inputs with "
                f"shape={inputs.shape}"
            )
        if not isinstance(dim, int) or not 0 <= dim < rank:
            raise ValueError(
                "dim must be positive but smaller than the input rank. "
                f"Received: dim={dim!r} for inputs of rank {rank}"
            )
        lengths = tf.sqrt(
            epsilon + tf.reduce_sum(tf.square(inputs), dim, keepdims=True)
        )
        return tf.math.truediv(inputs, lengths)


@add_arg_scope
def one_hot_encoding(
    labels,
    num_classes,
    on_value=1.0,
    off_value=0.0,
    outputs_collections=None,
    scope=None,
):
    """One-hot encodes integer `labels` (`tf.one_hot`); int32 labels are
    taken as int64, as TF1 did.

    Args:
      labels: integer target labels, e.g. `[batch]`.
      num_classes: the number of classes (the depth of the encoding).
      on_value: the value for the label's class.
      off_value: the value for the other classes.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional name scope (default 'OneHotEncoding').

    Returns:
      The one-hot tensor, `labels.shape + [num_classes]`.
    """
    with tf.compat.v1.name_scope(
        scope, "OneHotEncoding", [labels, num_classes]
    ) as sc:
        labels = tf.convert_to_tensor(labels)
        if labels.dtype == tf.int32:
            labels = tf.cast(labels, tf.int64)
        outputs = tf.one_hot(
            labels, num_classes, on_value=on_value, off_value=off_value
        )
    return variables_lib.collect_named_outputs(outputs_collections, sc, outputs)
