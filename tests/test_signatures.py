"""Every public function has the legacy signature: names, order, defaults."""

import inspect

import pytest
import tensorflow as tf

import contrib_norm
from contrib_norm import initializers, layers, nn

UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS

BATCH_NORM = [
    ("inputs", inspect.Parameter.empty), ("decay", 0.999), ("center", True),
    ("scale", False), ("epsilon", 0.001), ("activation_fn", None),
    ("param_initializers", None), ("param_regularizers", None),
    ("updates_collections", UPDATE_OPS), ("is_training", True),
    ("reuse", None), ("variables_collections", None),
    ("outputs_collections", None), ("trainable", True),
    ("batch_weights", None), ("fused", None), ("data_format", "NHWC"),
    ("zero_debias_moving_mean", False), ("scope", None), ("renorm", False),
    ("renorm_clipping", None), ("renorm_decay", 0.99), ("adjustment", None),
]

EXPECTED = {
    layers.batch_norm: BATCH_NORM,
    layers.sync_batch_norm: BATCH_NORM,
    layers.group_norm: [
        ("inputs", inspect.Parameter.empty), ("groups", 32),
        ("channels_axis", -1), ("reduction_axes", (-3, -2)), ("center", True),
        ("scale", True), ("epsilon", 1e-6), ("activation_fn", None),
        ("param_initializers", None), ("reuse", None),
        ("variables_collections", None), ("outputs_collections", None),
        ("trainable", True), ("scope", None), ("mean_close_to_zero", False),
    ],
    layers.instance_norm: [
        ("inputs", inspect.Parameter.empty), ("center", True), ("scale", True),
        ("epsilon", 1e-6), ("activation_fn", None), ("param_initializers", None),
        ("reuse", None), ("variables_collections", None),
        ("outputs_collections", None), ("trainable", True),
        ("data_format", "NHWC"), ("scope", None),
    ],
    layers.layer_norm: [
        ("inputs", inspect.Parameter.empty), ("center", True), ("scale", True),
        ("activation_fn", None), ("reuse", None),
        ("variables_collections", None), ("outputs_collections", None),
        ("trainable", True), ("begin_norm_axis", 1),
        ("begin_params_axis", -1), ("scope", None),
    ],
    layers.switchable_norm: [
        ("inputs", inspect.Parameter.empty), ("decay", 0.9), ("center", True),
        ("scale", True), ("epsilon", 1e-5), ("activation_fn", None),
        ("param_initializers", None), ("updates_collections", UPDATE_OPS),
        ("is_training", True), ("reuse", None),
        ("variables_collections", None), ("outputs_collections", None),
        ("trainable", True), ("data_format", "NHWC"),
        ("using_moving_average", True), ("using_bn", True), ("scope", None),
    ],
    nn.selu: [("features", inspect.Parameter.empty), ("name", None)],
    nn.alpha_dropout: [
        ("x", inspect.Parameter.empty), ("keep_prob", inspect.Parameter.empty),
        ("noise_shape", None), ("seed", None), ("name", None),
    ],
    nn.dropout_selu: [
        ("x", inspect.Parameter.empty), ("rate", inspect.Parameter.empty),
        ("alpha", -1.7580993408473766), ("fixedPointMean", 0.0),
        ("fixedPointVar", 1.0), ("noise_shape", None), ("seed", None),
        ("name", None), ("training", False),
    ],
    initializers.lecun_normal: [("seed", None)],
    initializers.variance_scaling_initializer: [
        ("factor", 2.0), ("mode", "FAN_IN"), ("uniform", False),
        ("seed", None), ("dtype", tf.float32),
    ],
}


@pytest.mark.parametrize("function", list(EXPECTED), ids=lambda f: f.__name__)
def test_signature(function):
    parameters = inspect.signature(function).parameters
    assert [(p.name, p.default) for p in parameters.values()] == EXPECTED[function]


def test_data_format_constants():
    assert (layers.DATA_FORMAT_NHWC, layers.DATA_FORMAT_NCHW) == ("NHWC", "NCHW")


def test_public_names():
    assert set(layers.__all__) >= {
        "batch_norm", "batch_normalization", "BatchNormalization", "group_norm",
        "instance_norm", "layer_norm", "switchable_norm", "sync_batch_norm",
        "DATA_FORMAT_NHWC", "DATA_FORMAT_NCHW",
    }
    assert callable(contrib_norm.install)
    for name in ("arg_scope", "add_arg_scope", "has_arg_scope",
                 "arg_scoped_arguments", "current_arg_scope"):
        assert callable(getattr(contrib_norm.framework, name))
