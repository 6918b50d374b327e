"""The variables of every batch-norm implementation, made in one place.

`params.beta_and_gamma` and `_core.batch_norm.moving_statistics` create the
variables of tf.contrib.layers' batch_norm (each path), sync_batch_norm,
switchable_norm's batch-norm branch and tf.layers' BatchNormalization, through
`params.ModelVariables` or the layer's `legacy_layer.LayerVariables`. These
tests pin what each makes: names and order, trainability, MODEL_VARIABLES,
synchronization and aggregation, and that the two makers offer the same
methods.
"""

import inspect

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm._core import legacy_layer
from contrib_norm._core import params as params_lib
from contrib_norm.layers import batch_norm
from contrib_norm.layers import batch_normalization
from contrib_norm.layers import switchable_norm
from contrib_norm.layers import sync_batch_norm

_GraphKeys = tf.compat.v1.GraphKeys
AUTO = tf.VariableSynchronization.AUTO
ON_READ = tf.VariableSynchronization.ON_READ
NONE = tf.VariableAggregation.NONE
MEAN = tf.VariableAggregation.MEAN
FIRST = tf.VariableAggregation.ONLY_FIRST_REPLICA

# (name, trainable, model variable, synchronization, aggregation)
TF_LAYERS_PARAM = (True, False, AUTO, NONE)
TF_LAYERS_STATISTIC = (False, False, ON_READ, MEAN)
CONTRIB_PARAM = (True, True, AUTO, MEAN)
CONTRIB_STATISTIC = (False, True, AUTO, MEAN)
RENORM_STATISTICS = ("moving_stddev", "renorm_mean", "renorm_stddev")


def _rows(scope, params, statistic, names, param_names=("beta", "gamma")):
    return [
        (f"{scope}/{name}",) + (params if name in param_names else statistic)
        for name in names
    ]


def _input(shape=(6, 3, 3, 4)):
    return tf.constant(np.random.RandomState(0).randn(*shape), tf.float32)


SWITCHABLE_PARAMS = ("beta", "gamma", "mean_weight", "var_weight")
SWITCHABLE_ROWS = _rows(
    "SwitchableNorm", (True, True, AUTO, NONE), CONTRIB_STATISTIC,
    SWITCHABLE_PARAMS + ("moving_mean", "moving_variance"),
    param_names=SWITCHABLE_PARAMS,
)

GAMMA_FIRST = ("gamma", "beta", "moving_mean", "moving_variance")
BETA_FIRST = ("beta", "gamma", "moving_mean", "moving_variance")
# batch_norm's layer path: tf.layers' variables, made model variables.
LAYER_PATH = ((True, True, AUTO, NONE), (False, True, ON_READ, MEAN))


def _tf_layers_rows(names):
    return _rows("batch_normalization", TF_LAYERS_PARAM, TF_LAYERS_STATISTIC, names)


CASES = {
    "tf_layers_fused": (
        lambda: batch_normalization(_input(), training=True),
        _tf_layers_rows(GAMMA_FIRST),
    ),
    "tf_layers_renorm": (
        lambda: batch_normalization(_input((6, 4)), training=True, renorm=True),
        _tf_layers_rows(GAMMA_FIRST + RENORM_STATISTICS),
    ),
    "batch_norm_layer_path": (
        lambda: batch_norm(_input(), scale=True),
        _rows("BatchNorm", *LAYER_PATH, GAMMA_FIRST),
    ),
    "batch_norm_fused_path": (
        lambda: batch_norm(_input(), scale=True, updates_collections=None),
        _rows("BatchNorm", CONTRIB_PARAM, CONTRIB_STATISTIC, BETA_FIRST),
    ),
    "batch_norm_moments_path": (
        lambda: batch_norm(_input(), scale=True, batch_weights=tf.ones([6])),
        _rows("BatchNorm", CONTRIB_PARAM, CONTRIB_STATISTIC, BETA_FIRST),
    ),
    # Outside a replica context sync_batch_norm is batch_norm.
    "sync_batch_norm": (
        lambda: sync_batch_norm(_input((6, 4)), renorm=True, scale=True),
        _rows("BatchNorm", *LAYER_PATH, GAMMA_FIRST + RENORM_STATISTICS),
    ),
    "switchable_norm_moving_average": (
        lambda: switchable_norm(_input()),
        SWITCHABLE_ROWS,
    ),
    "switchable_norm_batch_average": (
        lambda: switchable_norm(_input(), using_moving_average=False),
        SWITCHABLE_ROWS + [("SwitchableNorm/num_batches", False, True, AUTO, FIRST)],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_variables_of_each_implementation(case):
    build, expected = CASES[case]
    with tf.Graph().as_default() as graph:
        build()
        trainable = graph.get_collection(_GraphKeys.TRAINABLE_VARIABLES)
        model = graph.get_collection(_GraphKeys.MODEL_VARIABLES)
        found = [
            (
                v.op.name,
                any(v is t for t in trainable),
                any(v is m for m in model),
                v.synchronization,
                v.aggregation,
            )
            for v in graph.get_collection(_GraphKeys.GLOBAL_VARIABLES)
        ]
    assert found == expected


def test_both_makers_offer_the_same_methods():
    def methods(cls):
        return {
            name: list(inspect.signature(member).parameters)[:5]
            for name, member in vars(cls).items()
            if not name.startswith("_") and callable(member)
        }

    assert methods(params_lib.ModelVariables) == methods(legacy_layer.LayerVariables)
