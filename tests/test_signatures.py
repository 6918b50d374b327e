"""Every public function has the legacy signature: names, order, defaults."""

import inspect

import numpy as np
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


class _GlorotUniform(object):
    """Equal to an initializer drawing Glorot (xavier) uniform values: on
    [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)), variance
    limit ** 2 / 3."""

    def __eq__(self, initializer):
        values = np.asarray(initializer([200, 300], dtype=tf.float32))
        limit = np.sqrt(6.0 / 500)
        return bool(
            np.abs(values).max() <= limit
            and np.abs(values).max() > 0.99 * limit
            and abs(values.std() - limit / np.sqrt(3)) < 0.02 * limit
        )


class _Zeros(object):
    """Equal to an initializer that gives zeros."""

    def __eq__(self, initializer):
        values = np.asarray(initializer([3], dtype=tf.float32))
        return bool((values == 0).all())


_E = inspect.Parameter.empty
_RELU = tf.nn.relu
_CONV_TAIL = [
    ("activation_fn", _RELU), ("normalizer_fn", None),
    ("normalizer_params", None), ("weights_initializer", _GlorotUniform()),
    ("weights_regularizer", None), ("biases_initializer", _Zeros()),
    ("biases_regularizer", None), ("reuse", None),
    ("variables_collections", None), ("outputs_collections", None),
    ("trainable", True), ("scope", None),
]
_CONV_ND = [
    ("inputs", _E), ("num_outputs", _E), ("kernel_size", _E), ("stride", 1),
    ("padding", "SAME"), ("data_format", None), ("rate", 1),
] + _CONV_TAIL


def _transpose(data_format):
    return [
        ("inputs", _E), ("num_outputs", _E), ("kernel_size", _E),
        ("stride", 1), ("padding", "SAME"), ("data_format", data_format),
    ] + _CONV_TAIL


def _pool(data_format):
    return [
        ("inputs", _E), ("kernel_size", _E), ("stride", 2),
        ("padding", "VALID"), ("data_format", data_format),
        ("outputs_collections", None), ("scope", None),
    ]


HOST_EXPECTED = {
    layers.convolution: _CONV_ND + [("conv_dims", None)],
    layers.convolution1d: _CONV_ND,
    layers.convolution2d: _CONV_ND,
    layers.convolution3d: _CONV_ND,
    layers.convolution2d_transpose: _transpose("NHWC"),
    layers.convolution3d_transpose: _transpose("NDHWC"),
    layers.separable_convolution2d: [
        ("inputs", _E), ("num_outputs", _E), ("kernel_size", _E),
        ("depth_multiplier", 1), ("stride", 1), ("padding", "SAME"),
        ("data_format", "NHWC"), ("rate", 1), ("activation_fn", _RELU),
        ("normalizer_fn", None), ("normalizer_params", None),
        ("weights_initializer", _GlorotUniform()),
        ("pointwise_initializer", None), ("weights_regularizer", None),
        ("biases_initializer", _Zeros()), ("biases_regularizer", None),
        ("reuse", None), ("variables_collections", None),
        ("outputs_collections", None), ("trainable", True), ("scope", None),
    ],
    layers.fully_connected: [("inputs", _E), ("num_outputs", _E)] + _CONV_TAIL,
    layers.bias_add: [
        ("inputs", _E), ("activation_fn", None), ("initializer", _Zeros()),
        ("regularizer", None), ("reuse", None),
        ("variables_collections", None), ("outputs_collections", None),
        ("trainable", True), ("data_format", "NHWC"), ("scope", None),
    ],
    layers.max_pool2d: _pool("NHWC"),
    layers.avg_pool2d: _pool("NHWC"),
    layers.max_pool3d: _pool("NDHWC"),
    layers.avg_pool3d: _pool("NDHWC"),
    layers.pool: [
        ("inputs", _E), ("kernel_size", _E), ("pooling_type", _E),
        ("padding", "VALID"), ("data_format", None), ("dilation_rate", 1),
        ("stride", 1), ("outputs_collections", None), ("scope", None),
    ],
    layers.flatten: [
        ("inputs", _E), ("outputs_collections", None), ("scope", None),
    ],
    layers.dropout: [
        ("inputs", _E), ("keep_prob", 0.5), ("noise_shape", None),
        ("is_training", True), ("outputs_collections", None), ("scope", None),
        ("seed", None),
    ],
    layers.repeat: [
        ("inputs", _E), ("repetitions", _E), ("layer", _E), ("args", _E),
        ("kwargs", _E),
    ],
    layers.stack: [
        ("inputs", _E), ("layer", _E), ("stack_args", _E), ("kwargs", _E),
    ],
    layers.one_hot_encoding: [
        ("labels", _E), ("num_classes", _E), ("on_value", 1.0),
        ("off_value", 0.0), ("outputs_collections", None), ("scope", None),
    ],
    layers.softmax: [("logits", _E), ("scope", None)],
    layers.unit_norm: [
        ("inputs", _E), ("dim", _E), ("epsilon", 1e-7), ("scope", None),
    ],
    layers.l1_regularizer: [("scale", _E), ("scope", None)],
    layers.l2_regularizer: [("scale", _E), ("scope", None)],
    layers.l1_l2_regularizer: [
        ("scale_l1", 1.0), ("scale_l2", 1.0), ("scope", None),
    ],
    layers.sum_regularizer: [("regularizer_list", _E), ("scope", None)],
    layers.apply_regularization: [
        ("regularizer", _E), ("weights_list", None),
    ],
}


@pytest.mark.parametrize(
    "function", list(HOST_EXPECTED), ids=lambda f: f.__name__
)
def test_host_signature(function):
    parameters = inspect.signature(function).parameters
    assert [(p.name, p.default) for p in parameters.values()] == (
        HOST_EXPECTED[function]
    )


def test_host_aliases():
    assert layers.conv1d is layers.convolution1d
    assert layers.conv2d is layers.convolution2d
    assert layers.conv3d is layers.convolution3d
    assert layers.conv2d_transpose is layers.convolution2d_transpose
    assert layers.conv3d_transpose is layers.convolution3d_transpose
    assert layers.separable_conv2d is layers.separable_convolution2d
    # repeat / stack name their scopes after the function.
    assert layers.conv2d.__name__ == "convolution2d"
    for partial, activation in (
        (layers.linear, None), (layers.relu, tf.nn.relu),
        (layers.relu6, tf.nn.relu6), (layers.elu, tf.nn.elu),
    ):
        assert partial.func is layers.fully_connected
        assert partial.keywords == {"activation_fn": activation}
