"""contrib_norm.tf_layers: TF 1.15's tf.layers, without Keras.

Naming shared with batch_normalization, `reuse` and scopes, regularizers,
constraints, `trainable=False`, dropout's `training` flag, the errors for
bad arguments and inputs, and a small TF1-style model that trains. The
numerics are checked against the recording (test_golden_tf_layers.py) and
against tf-keras's legacy layers (test_tf_layers_oracle.py).
"""

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm import tf_layers as L

GK = tf.compat.v1.GraphKeys


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _names(variables):
    return [v.op.name for v in variables]


def _l2(scale):
    return lambda w: scale * tf.nn.l2_loss(w)


# ---- names, scopes and reuse -------------------------------------------------
def test_default_names_count_per_graph_and_share_the_batch_norm_counter(graph):
    x = tf.ones([2, 6, 6, 3])
    y = L.conv2d(x, 4, 3)
    y = L.batch_normalization(y, training=True)
    y = L.conv2d(y, 4, 3)
    y = L.separable_conv2d(y, 4, 1)
    y = L.batch_normalization(y)
    y = L.dense(L.flatten(y), 2)
    L.dense(y, 2)
    assert _names(tf.compat.v1.global_variables()) == [
        "conv2d/kernel", "conv2d/bias",
        "batch_normalization/gamma", "batch_normalization/beta",
        "batch_normalization/moving_mean", "batch_normalization/moving_variance",
        "conv2d_1/kernel", "conv2d_1/bias",
        "separable_conv2d/depthwise_kernel", "separable_conv2d/pointwise_kernel",
        "separable_conv2d/bias",
        "batch_normalization_1/gamma", "batch_normalization_1/beta",
        "batch_normalization_1/moving_mean",
        "batch_normalization_1/moving_variance",
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
    ]  # fmt: skip
    with tf.Graph().as_default():
        L.dense(tf.ones([1, 2]), 1)
        assert _names(tf.compat.v1.global_variables()) == ["dense/kernel", "dense/bias"]


def test_layer_names_are_one_based_per_class(graph):
    assert [L.Dense(1).name, L.Dense(1).name, L.Conv2D(1, 1).name] == [
        "dense_1", "dense_2", "conv2d_1",
    ]  # fmt: skip
    assert L.MaxPool2D(1, 1).name == "max_pooling2d_1"
    assert L.Dense(1, name="head").name == "head"


def test_reuse_true_shares_variables_and_opens_a_new_name_scope(graph):
    x = tf.ones([2, 3])
    a = L.dense(x, 4, name="fc")
    b = L.dense(x, 4, name="fc", reuse=True)
    assert _names(tf.compat.v1.global_variables()) == ["fc/kernel", "fc/bias"]
    assert a.op.name.startswith("fc/") and b.op.name.startswith("fc_1/")
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        np.testing.assert_array_equal(*sess.run([a, b]))


def test_reuse_of_a_missing_layer_fails(graph):
    with pytest.raises(ValueError, match="does not exist"):
        L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, name="missing", reuse=True)


def test_enclosing_scopes_and_auto_reuse(graph):
    x = tf.ones([2, 3])
    with tf.compat.v1.variable_scope("outer"):
        L.dense(x, 2)
        L.conv1d(tf.ones([2, 5, 3]), 2, 2)
    with tf.compat.v1.variable_scope("outer", reuse=True):
        L.dense(x, 2)  # the variables of outer/dense
    with tf.compat.v1.variable_scope("auto", reuse=tf.compat.v1.AUTO_REUSE):
        L.dense(x, 2, name="shared")
        L.dense(x, 2, name="shared")
    assert _names(tf.compat.v1.global_variables()) == [
        "outer/dense/kernel", "outer/dense/bias",
        "outer/conv1d/kernel", "outer/conv1d/bias",
        "auto/shared/kernel", "auto/shared/bias",
    ]  # fmt: skip


def test_a_layer_object_reuses_its_variables_on_each_call(graph):
    layer = L.Conv2D(3, 2, padding="same")
    first = layer.apply(tf.ones([1, 4, 4, 2]))
    second = layer.apply(first[..., :2])
    assert len(tf.compat.v1.global_variables()) == 2
    assert layer.kernel.shape.as_list() == [2, 2, 2, 3]
    assert second.shape.as_list() == [1, 4, 4, 3]
    assert layer.count_params() == 2 * 2 * 2 * 3 + 3


def test_the_scope_initializer_applies_to_a_default_kernel(graph):
    with tf.compat.v1.variable_scope("s", initializer=tf.compat.v1.ones_initializer()):
        y = L.dense(tf.ones([1, 3]), 2)
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), [[3.0, 3.0]])


# ---- regularizers, constraints, trainable --------------------------------------
def test_weight_and_activity_regularizers(graph):
    x = tf.ones([4, 3])
    layer = L.Dense(
        2,
        kernel_initializer=tf.compat.v1.constant_initializer(0.5),
        bias_initializer=tf.compat.v1.constant_initializer(1.0),
        kernel_regularizer=_l2(0.1),
        bias_regularizer=_l2(1.0),
        activity_regularizer=tf.reduce_sum,
    )
    layer.apply(x)
    losses = tf.compat.v1.get_collection(GK.REGULARIZATION_LOSSES)
    assert len(losses) == 3 and len(layer.losses) == 3
    assert len(layer.get_losses_for(None)) == 2
    assert len(layer.get_losses_for(x)) == 1
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        kernel, bias, activity = sess.run(losses)
    assert kernel == pytest.approx(0.1 * 6 * 0.25 / 2)
    assert bias == pytest.approx(1.0)
    # Each output is 3 * 0.5 + 1 = 2.5; the sum over the batch / batch size.
    assert activity == pytest.approx(2 * 2.5)


def test_regularizers_are_added_once_with_reuse(graph):
    x = tf.ones([2, 3, 3, 2])
    for reuse in (None, True):
        L.conv2d(x, 2, 2, name="c", reuse=reuse, kernel_regularizer=_l2(1.0))
    assert len(tf.compat.v1.get_collection(GK.REGULARIZATION_LOSSES)) == 1


def test_constraints_project_after_an_optimizer_step(graph):
    x = tf.ones([2, 4, 4, 2])
    y = L.separable_conv2d(
        x, 2, 3,
        depthwise_constraint=lambda w: tf.clip_by_value(w, -0.1, 0.1),
        pointwise_constraint=lambda w: tf.clip_by_value(w, 0.0, 0.2),
        bias_constraint=lambda w: tf.clip_by_value(w, -0.05, 0.05),
    )  # fmt: skip
    step = tf.compat.v1.train.GradientDescentOptimizer(10.0).minimize(
        tf.reduce_sum(y * y)
    )
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        sess.run(step)
        depthwise, pointwise, bias = sess.run(tf.compat.v1.global_variables())
    assert np.abs(depthwise).max() <= 0.1 + 1e-7
    assert pointwise.min() >= 0 and pointwise.max() <= 0.2 + 1e-7
    assert np.abs(bias).max() <= 0.05 + 1e-7


def test_trainable_false(graph):
    layer = L.Conv3D(2, 2, trainable=False)
    layer.apply(tf.ones([1, 3, 3, 3, 1]))
    assert tf.compat.v1.trainable_variables() == []
    assert layer.trainable_weights == []
    assert _names(layer.non_trainable_weights) == ["conv3d/kernel", "conv3d/bias"]


def test_use_bias_false_and_dtype_from_the_input(graph):
    y = L.conv2d_transpose(tf.ones([1, 2, 2, 3], tf.float64), 2, 2, use_bias=False)
    assert _names(tf.compat.v1.global_variables()) == ["conv2d_transpose/kernel"]
    assert tf.compat.v1.global_variables()[0].dtype.base_dtype == tf.float64
    assert y.dtype == tf.float64 and y.shape.as_list() == [1, 3, 3, 2]


# ---- dropout -----------------------------------------------------------------
def test_dropout_with_a_bool_tensor_training(graph):
    flag = tf.compat.v1.placeholder(tf.bool, [])
    x = tf.ones([1000])
    y = L.dropout(x, rate=0.25, training=flag, seed=1)
    assert y.op.name.startswith("dropout/")
    with tf.compat.v1.Session() as sess:
        dropped = sess.run(y, {flag: True})
        kept = sess.run(y, {flag: False})
    np.testing.assert_array_equal(kept, np.ones(1000))
    assert set(np.unique(dropped)) == {0.0, np.float32(1 / 0.75)}
    assert 0.15 < np.mean(dropped == 0) < 0.35


def test_dropout_python_flags_and_noise_shape(graph):
    x = tf.ones([8, 50])
    assert L.dropout(x, training=False).op.type == "Identity"
    y = L.dropout(x, 0.5, noise_shape=[None, 1], training=True, seed=3)
    with tf.compat.v1.Session() as sess:
        value = sess.run(y)
    # Whole rows are kept or dropped.
    assert all(len(set(row)) == 1 for row in value)


def test_dropout_rejects_a_non_bool_training(graph):
    with pytest.raises(TypeError, match="training"):
        L.dropout(tf.ones([2]), training=tf.constant(1.0))
    with pytest.raises(TypeError, match="training"):
        L.dropout(tf.ones([2]), training="yes")


# ---- shapes ------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, shape",
    [
        (L.Conv1D(4, 3, strides=2, padding="same"), [2, 7, 3]),
        (L.Conv2D(4, (3, 2), strides=(2, 1), data_format="channels_first"),
         [2, 3, 8, 6]),
        (L.Conv3D(2, 2, dilation_rate=2), [2, 5, 5, 5, 1]),
        (L.SeparableConv1D(3, 3, padding="causal"), [2, 6, 2]),
        (L.Conv2DTranspose(2, 3, strides=2), [2, 4, 5, 3]),
        (L.Conv3DTranspose(2, 3, strides=(1, 2, 2), padding="same"),
         [2, 3, 3, 3, 1]),
        (L.AveragePooling1D(2, 2, data_format="channels_first"), [2, 3, 9]),
        (L.MaxPooling3D(2, 1, padding="same"), [2, 3, 3, 3, 1]),
        (L.Flatten(), [2, 3, 4]),
        (L.Dense(3), [2, 4, 5]),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, list) else str(v),
)  # fmt: skip
def test_compute_output_shape_is_the_static_output_shape(graph, layer, shape):
    y = layer.apply(tf.compat.v1.placeholder(tf.float32, shape))
    assert layer.compute_output_shape(shape) == y.shape


def test_unknown_batch_dimensions_stay_unknown(graph):
    x = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 3])
    y = L.conv2d_transpose(x, 2, 3, strides=2, padding="same")
    assert y.shape.as_list() == [None, 16, 16, 2]
    assert L.flatten(L.max_pooling2d(y, 2, 2)).shape.as_list() == [None, 128]


def test_get_config_rebuilds_an_equal_layer(graph):
    layer = L.SeparableConv2D(4, 3, strides=2, depth_multiplier=2, name="sep")
    config = layer.get_config()
    assert config["depth_multiplier"] == 2 and config["strides"] == (2, 2)
    assert "kernel_initializer" not in config
    clone = L.SeparableConv2D.from_config(config)
    assert clone.get_config() == config


# ---- errors ------------------------------------------------------------------
@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, data_format="NHWC"),
         "data_format='NHWC'"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, padding="full"),
         "padding='full'"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, padding="causal"),
         "padding='causal'"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 0, 3), "filters=0"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, (3, 3, 3)),
         r"kernel_size=\(3, 3, 3\)"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, strides=0), "strides=0"),
        (lambda: L.conv2d(tf.ones([1, 9, 9, 2]), 2, 3, strides=2, dilation_rate=2),
         "strides=2 and dilation_rate=2"),
        (lambda: L.conv2d(tf.ones([1, 2, 2, 2]), 2, 3), "empty output"),
        (lambda: L.conv2d(tf.ones([4, 4, 2]), 2, 3), r"rank 4.*rank 3"),
        (lambda: L.separable_conv2d(tf.ones([1, 6, 6, 2]), 2, 3, strides=(2, 1)),
         r"equal strides.*strides=\(2, 1\)"),
        (lambda: L.separable_conv1d(tf.ones([1, 6, 2]), 2, 3, depth_multiplier=-1),
         "depth_multiplier=-1"),
        (lambda: L.dense(tf.ones([2, 3]), 0), "units=0"),
        (lambda: L.dense(tf.ones([2, 3]), -2), "units=-2"),
        (lambda: L.dense(tf.ones([3]), 2), r"rank 2 or more"),
        (lambda: L.dropout(tf.ones([3]), rate=1.5), "rate=1.5"),
        (lambda: L.max_pooling2d(tf.ones([1, 4, 4, 1]), 2, None), "strides=None"),
        (lambda: L.average_pooling1d(tf.ones([1, 4, 1]), 0, 1), "pool_size=0"),
        (lambda: L.flatten(tf.ones([2, 2]), data_format="NCHW"),
         "data_format='NCHW'"),
        (lambda: L.conv2d(tf.ones([1, 4, 4, 2]), 2, 3, activation="nope"),
         "activation='nope'"),
    ],
)  # fmt: skip
def test_bad_arguments_fail_at_graph_build_time(graph, build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_undefined_last_dimension_of_dense(graph):
    x = tf.compat.v1.placeholder(tf.float32, [2, None])
    with pytest.raises(ValueError) as error:
        L.dense(x, 3)
    assert str(error.value).startswith(
        "The last dimension of the inputs to `Dense` should be defined. "
        "Found `None`."
    )


def test_undefined_channels_of_a_convolution(graph):
    x = tf.compat.v1.placeholder(tf.float32, [2, 5, 5, None])
    with pytest.raises(ValueError, match="channel dimension .* `Conv2D`.*`None`"):
        L.conv2d(x, 3, 3)


def test_a_built_layer_rejects_other_features(graph):
    layer = L.Dense(2)
    layer.apply(tf.ones([2, 3]))
    with pytest.raises(ValueError, match=r"built for inputs with 3 features"):
        layer.apply(tf.ones([2, 4]))


def test_non_callable_regularizer(graph):
    with pytest.raises(TypeError, match="kernel_regularizer=0.1"):
        L.Dense(2, kernel_regularizer=0.1)


# ---- a TF1-style model ---------------------------------------------------------
def test_a_tf1_style_model_trains():
    rng = np.random.RandomState(0)
    images = rng.normal(size=[8, 8, 8, 3]).astype(np.float32)
    labels = rng.randint(0, 3, size=[8])
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(0)
        x = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 3])
        training = tf.compat.v1.placeholder_with_default(False, [])
        net = L.conv2d(x, 8, 3, padding="same", activation=tf.nn.relu)
        net = L.batch_normalization(net, training=training)
        net = L.max_pooling2d(net, 2, 2)
        net = L.flatten(net)
        net = L.dense(net, 16, activation=tf.nn.relu, kernel_regularizer=_l2(1e-4))
        net = L.dropout(net, rate=0.1, training=training)
        logits = L.dense(net, 3)
        loss = tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits)
        loss += tf.compat.v1.losses.get_regularization_loss()
        with tf.control_dependencies(tf.compat.v1.get_collection(GK.UPDATE_OPS)):
            train = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            losses = [sess.run(loss, {x: images})]
            for _ in range(3):
                sess.run(train, {x: images, training: True})
                losses.append(sess.run(loss, {x: images}))
    assert losses[-1] < losses[0]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
