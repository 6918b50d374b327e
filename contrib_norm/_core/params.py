"""The variables of the normalizations: beta, gamma and friends.

Every family creates its variables through `ModelVariables` (tf.contrib
layers' model variables) or, for tf.layers' batch normalization, through the
layer (`legacy_layer.LayerVariables`), which have the same three methods;
`beta_and_gamma` is the one helper for the affine parameters.
"""

import tensorflow as tf

from contrib_norm._core import variables as variables_lib


class ModelVariables(object):
    """How tf.contrib.layers makes a layer's variables: model variables.

    Each is a model variable named as in TF1 in the current variable scope,
    its initializer `param_initializers[name]` when given, its extra
    collections from `variables_collections` (a list, or a dict keyed by
    name). The batch-norm engine makes tf.layers' variables through the same
    three methods (`legacy_layer.LayerVariables`), so one helper creates each
    kind of variable for every implementation.

    Args:
      param_initializers: dict of initializers by name, or None.
      variables_collections: a list, a dict keyed by name, or None.
      trainable: whether the parameters (`param`) are trainable.
      regularizers: dict of regularizers by name (the parameters').
      aggregation: the parameters' `tf.VariableAggregation`.
      synchronization: the statistics' `tf.VariableSynchronization`
        (`sync_batch_norm`'s are sync-on-read).
    """

    def __init__(
        self,
        param_initializers,
        variables_collections,
        trainable,
        regularizers=None,
        aggregation=tf.VariableAggregation.NONE,
        synchronization=tf.VariableSynchronization.AUTO,
    ):
        self._initializers = param_initializers
        self._collections = variables_collections
        self._trainable = trainable
        self._regularizers = dict(regularizers or {})
        self._aggregation = aggregation
        self._synchronization = synchronization

    def initializer(self, name, default, shape):
        """`param_initializers[name]` if given, else `default`."""
        return variables_lib.param_initializer(
            self._initializers, name, default, shape
        )

    def param(self, name, shape, dtype, initializer):
        """Gets or creates the parameter `name` (trainable if the layer is)."""
        return self._variable(
            name,
            shape,
            dtype,
            initializer,
            trainable=self._trainable,
            aggregation=self._aggregation,
            regularizer=self._regularizers.get(name),
        )

    def statistic(
        self, name, shape, dtype, initializer,
        aggregation=tf.VariableAggregation.MEAN,
    ):
        """Gets or creates the non-trainable statistic `name`."""
        return self._variable(
            name,
            shape,
            dtype,
            initializer,
            trainable=False,
            aggregation=aggregation,
            synchronization=self._synchronization,
        )

    def no_partitioner(self):
        """A context creating variables without the scope's partitioner."""
        return variables_lib.partitioner_disabled()

    def _variable(self, name, shape, dtype, initializer, **kwargs):
        return variables_lib.model_variable(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            collections=variables_lib.collections_for(self._collections, name),
            **kwargs,
        )


def beta_and_gamma(shape, dtype, center, scale, variables, gamma_first=False):
    """Creates `beta` (zeros) if `center` and `gamma` (ones) if `scale`.

    beta is created before gamma, as tf.contrib.layers did (checkpoints and
    `tf.compat.v1.global_variables()` order depend on it); tf.layers' batch
    normalization created gamma first (`gamma_first`).

    Args:
      variables: what makes the variables (`ModelVariables`, or a layer's
        `legacy_layer.LayerVariables`).

    Returns:
      `(beta, gamma)`, each a variable or None.
    """
    wanted = {
        "beta": (center, tf.compat.v1.zeros_initializer()),
        "gamma": (scale, tf.compat.v1.ones_initializer()),
    }
    created = {}
    for name in ("gamma", "beta") if gamma_first else ("beta", "gamma"):
        enabled, default = wanted[name]
        if enabled:
            initializer = variables.initializer(name, default, shape)
            created[name] = variables.param(name, shape, dtype, initializer)
    return created.get("beta"), created.get("gamma")


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
