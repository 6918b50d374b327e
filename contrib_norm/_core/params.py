"""The learned parameters of per-sample normalizations: beta, gamma and friends.

Every family creates its parameters the same way: a model variable named as
in TF1, its initializer taken from `param_initializers[name]` when given,
its extra collections from `variables_collections` (a list, or a dict keyed
by name), and `trainable` applied. beta is created before gamma, as TF1 did
(checkpoints and `tf.compat.v1.global_variables()` order depend on it).
"""

import tensorflow as tf

from contrib_norm._core import variables as variables_lib


def model_param(
    name,
    shape,
    dtype,
    default_initializer,
    param_initializers,
    variables_collections,
    trainable,
    aggregation=tf.VariableAggregation.NONE,
    regularizer=None,
    synchronization=tf.VariableSynchronization.AUTO,
):
    """Gets or creates the model variable `name` in the current scope."""
    return variables_lib.model_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=variables_lib.param_initializer(
            param_initializers, name, default_initializer, shape
        ),
        regularizer=regularizer,
        collections=variables_lib.collections_for(variables_collections, name),
        trainable=trainable,
        aggregation=aggregation,
        synchronization=synchronization,
    )


def model_params(
    specs,
    shape,
    dtype,
    param_initializers,
    variables_collections,
    trainable,
    aggregation=tf.VariableAggregation.NONE,
):
    """`model_param` for each `(name, default_initializer)` of `specs`.

    Returns:
      A tuple of the variables, in the order of `specs`.
    """
    return tuple(
        model_param(
            name,
            shape,
            dtype,
            initializer,
            param_initializers,
            variables_collections,
            trainable,
            aggregation,
        )
        for name, initializer in specs
    )


def beta_and_gamma(
    shape, dtype, center, scale, param_initializers, variables_collections, trainable
):
    """Creates `beta` (zeros) if `center` and `gamma` (ones) if `scale`.

    Returns:
      `(beta, gamma)`, each a variable or None.
    """
    specs = [
        ("beta", tf.compat.v1.zeros_initializer()) if center else None,
        ("gamma", tf.compat.v1.ones_initializer()) if scale else None,
    ]
    created = iter(
        model_params(
            [spec for spec in specs if spec],
            shape,
            dtype,
            param_initializers,
            variables_collections,
            trainable,
        )
    )
    return tuple(next(created) if spec else None for spec in specs)


def along_axis(param, rank, axis):
    """Reshapes a [C] parameter to broadcast along `axis` of a rank-`rank` input.

    None stays None; a parameter already on the last axis is left as it is.
    """
    if param is None or axis == rank - 1:
        return param
    shape = [1] * rank
    shape[axis] = -1
    return tf.reshape(param, shape)


def all_along_axis(params, rank, axis):
    """`along_axis` for each of `params`; returns a tuple."""
    return tuple(along_axis(param, rank, axis) for param in params)


def check_keys(
    param_initializers, initializer_names, variables_collections, variable_names
):
    """Rejects unknown keys in the `param_initializers` and
    `variables_collections` dicts (TF1 silently ignored misspelt ones)."""
    variables_lib.check_dict("param_initializers", param_initializers, initializer_names)
    variables_lib.check_dict_keys(
        "variables_collections", variables_collections, variable_names
    )
