"""The host layers beyond the golden cases and tf-slim's suite: argument
errors that name the argument and value, channels-first layouts, and the
regularization losses' names and reuse."""

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm import layers

v1 = tf.compat.v1
_GraphKeys = v1.GraphKeys


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _images(shape=(2, 5, 5, 3)):
    return v1.placeholder(tf.float32, shape)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.conv2d(_images((2, 5, 3)), 4, 3),
         "Convolution expects input with rank 4, got 3"),
        (lambda: layers.conv3d(_images(), 4, 3),
         "Convolution expects input with rank 5, got 4"),
        (lambda: layers.convolution(_images((2, 3)), 4, 3),
         "Convolution not supported for input with rank 2"),
        (lambda: layers.convolution(_images(), 4, 3, data_format="CHWN"),
         "Invalid data_format: 'CHWN'"),
        (lambda: layers.conv2d_transpose(_images(), 4, 3, data_format="NDHWC"),
         "data_format has to be either NCHW or NHWC"),
        (lambda: layers.conv3d_transpose(_images((2, 4, 4, 4, 3)), 4, 3,
                                         data_format="NHWC"),
         "data_format has to be either NCDHW or NDHWC"),
        (lambda: layers.separable_conv2d(_images(), 4, 3, data_format="NCW"),
         "data_format has to be either NCHW or NHWC"),
        (lambda: layers.max_pool3d(_images((2, 4, 4, 4, 3)), 2,
                                   data_format="NHWC"),
         "data_format has to be either NCDHW or NDHWC"),
        (lambda: layers.conv2d(_images(), 4, [3]),
         r"`kernel_size` must be an int or a sequence of 2 positive integers. "
         r"Received: kernel_size=\[3\]"),
        (lambda: layers.conv2d(_images(), 4, 3, stride=0),
         "`stride` must hold positive integers. Received: stride=0"),
        (lambda: layers.conv2d(_images(), 4, 3, stride=2, rate=2),
         r"`stride` > 1 is not supported together with `rate` > 1. "
         r"Received: stride=\(2, 2\), rate=\(2, 2\)"),
        (lambda: layers.conv2d(_images(), 4, 3, padding="FULL"),
         "`padding` must be 'SAME' or 'VALID'. Received: padding='FULL'"),
        (lambda: layers.conv2d(_images((2, 5, 5, None)), 4, 3),
         r"undefined channels dimension 3 .*shape=\(2, 5, 5, None\)"),
        (lambda: layers.conv2d(_images(), 0, 3),
         "`num_outputs` must hold positive integers"),
        (lambda: layers.fully_connected(_images((2, 5)), 2.0),
         r"num_outputs type should be one of \[<class 'int'>\], got "
         r"<class 'float'>"),
        (lambda: layers.fully_connected(_images((5,)), 3),
         r"`fully_connected` needs inputs of rank 2 or more. Received: "
         r"inputs with shape=\(5,\)"),
        (lambda: layers.conv2d(_images(), 4, 3,
                               variables_collections={"weight": ["w"]}),
         r"`variables_collections` has unknown keys \['weight'\]"),
        (lambda: layers.bias_add(_images((2, 5, 3)), data_format="NCHW"),
         "Data format NCHW only supports 4D Tensor"),
        (lambda: layers.flatten(v1.placeholder(tf.float32)),
         "has undefined rank"),
        (lambda: layers.pool(_images((2, 5)), 2, "MAX"),
         r"Rank of inputs must be >= 3. Received: inputs with shape=\(2, 5\)"),
        (lambda: layers.softmax(_images((5,))),
         "rank of shape must be at least 2 not: 1"),
        (lambda: layers.unit_norm(_images(), dim=4),
         "dim must be positive but smaller than the input rank. Received: "
         "dim=4"),
        (lambda: layers.stack(_images(), layers.conv2d, 4),
         "stack_args need to be a list or tuple. Received: stack_args=4"),
        (lambda: layers.l2_regularizer(1),
         "scale cannot be an integer: 1"),
        (lambda: layers.l1_regularizer(-0.5),
         "Setting a scale less than 0 on a regularizer: -0.5"),
        (lambda: layers.l1_l2_regularizer(scale_l2=2),
         "scale_l2 cannot be an integer: 2"),
        (lambda: layers.apply_regularization(layers.l2_regularizer(0.1)),
         "No weights to regularize"),
    ],
)
def test_bad_argument_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_is_training_must_be_a_bool():
    with pytest.raises(TypeError, match="`is_training` must be a Python bool"):
        layers.dropout(_images(), is_training="yes")


def _run(outputs, feed=None):
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        return sess.run(outputs, feed)


def _nchw(x):
    return np.moveaxis(x, -1, 1)


def test_channels_first_matches_channels_last():
    """The same weights give the same outputs in both layouts, for the
    layers that run channels-first on CPU (transposed convolutions, 3-D
    pooling, 1-D convolution with its biases)."""
    rng = np.random.RandomState(0)
    x = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)
    x3 = rng.standard_normal((2, 4, 4, 4, 3)).astype(np.float32)
    biases = v1.constant_initializer(0.5)
    last = [
        layers.conv2d_transpose(tf.constant(x), 2, 3, stride=2, scope="t",
                                biases_initializer=biases),
        layers.conv3d_transpose(tf.constant(x3), 2, 2, stride=2, scope="t3",
                                biases_initializer=biases),
        layers.avg_pool3d(tf.constant(x3), 2),
        layers.max_pool3d(tf.constant(x3), 2, padding="SAME"),
    ]
    first = [
        layers.conv2d_transpose(tf.constant(_nchw(x)), 2, 3, stride=2,
                                data_format="NCHW", scope="t", reuse=True,
                                biases_initializer=biases),
        layers.conv3d_transpose(tf.constant(_nchw(x3)), 2, 2, stride=2,
                                data_format="NCDHW", scope="t3", reuse=True,
                                biases_initializer=biases),
        layers.avg_pool3d(tf.constant(_nchw(x3)), 2, data_format="NCDHW"),
        layers.max_pool3d(tf.constant(_nchw(x3)), 2, padding="SAME",
                          data_format="NCDHW"),
    ]
    for a, b in zip(last, first):
        assert b.shape.as_list() == list(_nchw(np.zeros(a.shape)).shape)
    values_last, values_first = _run([last, first])
    for a, b in zip(values_last, values_first):
        np.testing.assert_allclose(_nchw(a), b, rtol=1e-5, atol=1e-5)


def test_conv1d_channels_first_adds_biases_per_channel():
    x = np.arange(2 * 3 * 5, dtype=np.float32).reshape(2, 3, 5)  # N, C, W
    y = layers.conv1d(
        tf.constant(x), 4, 1, data_format="NCW", activation_fn=None,
        weights_initializer=v1.zeros_initializer(),
        biases_initializer=v1.constant_initializer([1.0, 2.0, 3.0, 4.0]),
    )
    assert y.shape.as_list() == [2, 4, 5]
    expected = np.broadcast_to(np.array([1.0, 2, 3, 4])[None, :, None], (2, 4, 5))
    np.testing.assert_allclose(_run(y), expected)


def test_transpose_with_unknown_spatial_size():
    x = v1.placeholder(tf.float32, (None, None, None, 3))
    y = layers.conv2d_transpose(x, 2, 3, stride=2, padding="VALID")
    assert y.shape.as_list() == [None, None, None, 2]
    out = _run(y, {x: np.ones((1, 4, 5, 3), np.float32)})
    assert out.shape == (1, 9, 11, 2)


def test_regularization_losses_named_as_tf1_and_not_repeated_on_reuse(graph):
    x = _images()
    regularizer = layers.l2_regularizer(0.1)
    for reuse in (None, True):
        layers.conv2d(x, 4, 3, scope="conv", reuse=reuse,
                      weights_regularizer=regularizer,
                      biases_regularizer=regularizer)
    layers.separable_conv2d(x, None, 3, weights_regularizer=regularizer)
    layers.bias_add(x, regularizer=regularizer)
    losses = graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)
    assert [loss.op.name for loss in losses] == [
        "conv/kernel/Regularizer/l2_regularizer",
        "conv/bias/Regularizer/l2_regularizer",
        # TF1 made these two with model_variable, not a tf.layers class.
        "SeparableConv2d/depthwise_weights/Regularizer/l2_regularizer",
        "BiasAdd/biases/Regularizer/l2_regularizer",
    ]
    assert not [op for op in graph.get_operations()
                if op.name.startswith("conv_1/")
                and "Regularizer" in op.name]


def test_zero_scale_disables_the_regularizer(graph):
    layers.fully_connected(_images((2, 5)), 3,
                           weights_regularizer=layers.l2_regularizer(0.0))
    assert not graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)


def test_l1_l2_and_apply_regularization_values():
    w = tf.constant([[1.0, -2.0], [3.0, -4.0]])
    l1_l2 = layers.l1_l2_regularizer(scale_l1=0.5, scale_l2=0.25)(w)
    total = layers.apply_regularization(layers.l1_regularizer(0.5), [w, w])
    values = _run([l1_l2, total])
    np.testing.assert_allclose(values, [0.5 * 10 + 0.25 * 30 / 2, 10.0])


def test_repeat_and_stack_scopes():
    x = _images()
    y = layers.repeat(x, 2, layers.conv2d, 3, [3, 3], scope="block")
    z = layers.stack(_images((2, 5)), layers.linear, [4, (6,)])
    assert y.op.name == "block/block_2/Relu"
    assert z.op.name == "Stack/fully_connected_2/BiasAdd"
    assert z.shape.as_list() == [2, 6]
