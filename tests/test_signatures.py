"""Every public function has the legacy signature: names, order, defaults."""

import inspect

import pytest
import tensorflow as tf

import contrib_norm
from contrib_norm import initializers, layers, nn, tf_layers

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


_REQUIRED = inspect.Parameter.empty
_ZEROS = "Zeros"  # a tf.compat.v1.zeros_initializer() instance
_KERNEL_ARGS = [
    ("activation", None), ("use_bias", True), ("kernel_initializer", None),
    ("bias_initializer", _ZEROS), ("kernel_regularizer", None),
    ("bias_regularizer", None), ("activity_regularizer", None),
    ("kernel_constraint", None), ("bias_constraint", None),
    ("trainable", True), ("name", None), ("reuse", None),
]
_CONV_HEAD = [
    ("inputs", _REQUIRED), ("filters", _REQUIRED), ("kernel_size", _REQUIRED),
    ("strides", (1, 1)), ("padding", "valid"), ("data_format", "channels_last"),
]
_POOLING = [
    ("inputs", _REQUIRED), ("pool_size", _REQUIRED), ("strides", _REQUIRED),
    ("padding", "valid"), ("data_format", "channels_last"), ("name", None),
]
# TF 1.15's tf.layers (test_tf_layers_oracle.py compares every one with
# tf-keras's legacy implementation).
TF_LAYERS = {
    tf_layers.dense: [("inputs", _REQUIRED), ("units", _REQUIRED)] + _KERNEL_ARGS,
    tf_layers.conv2d: _CONV_HEAD + [("dilation_rate", (1, 1))] + _KERNEL_ARGS,
    tf_layers.conv2d_transpose: _CONV_HEAD + _KERNEL_ARGS,
    tf_layers.separable_conv2d: _CONV_HEAD + [
        ("dilation_rate", (1, 1)), ("depth_multiplier", 1), ("activation", None),
        ("use_bias", True), ("depthwise_initializer", None),
        ("pointwise_initializer", None), ("bias_initializer", _ZEROS),
        ("depthwise_regularizer", None), ("pointwise_regularizer", None),
        ("bias_regularizer", None), ("activity_regularizer", None),
        ("depthwise_constraint", None), ("pointwise_constraint", None),
        ("bias_constraint", None), ("trainable", True), ("name", None),
        ("reuse", None),
    ],
    tf_layers.max_pooling2d: _POOLING,
    tf_layers.average_pooling3d: _POOLING,
    tf_layers.dropout: [
        ("inputs", _REQUIRED), ("rate", 0.5), ("noise_shape", None),
        ("seed", None), ("training", False), ("name", None),
    ],
    tf_layers.flatten: [
        ("inputs", _REQUIRED), ("name", None), ("data_format", "channels_last"),
    ],
    tf_layers.batch_normalization: None,  # checked against layers' below
}


@pytest.mark.parametrize("function", list(TF_LAYERS), ids=lambda f: f.__name__)
def test_tf_layers_signature(function):
    expected = TF_LAYERS[function]
    if expected is None:
        assert function is layers.batch_normalization
        return
    parameters = inspect.signature(function).parameters.values()
    assert [
        (p.name, p.default if type(p.default).__name__ != _ZEROS else _ZEROS)
        for p in parameters
    ] == expected


def test_data_format_constants():
    assert (layers.DATA_FORMAT_NHWC, layers.DATA_FORMAT_NCHW) == ("NHWC", "NCHW")


def test_public_names():
    assert set(layers.__all__) >= {
        "batch_norm", "batch_normalization", "BatchNormalization", "group_norm",
        "instance_norm", "layer_norm", "switchable_norm", "sync_batch_norm",
        "DATA_FORMAT_NHWC", "DATA_FORMAT_NCHW",
    }
    assert callable(contrib_norm.install)
    assert contrib_norm.tf_layers is tf_layers
    assert set(tf_layers.__all__) >= {
        "dense", "conv2d", "separable_conv1d", "conv3d_transpose",
        "max_pooling3d", "average_pooling1d", "dropout", "flatten",
        "batch_normalization", "Layer", "Dense", "Conv2D", "MaxPool2D",
        "Convolution2D", "AvgPool2D", "BatchNormalization",
    }
    for name in ("arg_scope", "add_arg_scope", "has_arg_scope",
                 "arg_scoped_arguments", "current_arg_scope"):
        assert callable(getattr(contrib_norm.framework, name))
