"""contrib_norm.layers.instance_norm against a float64 NumPy reference."""

import numpy as np
import pytest
import tensorflow as tf

import norm_reference as ref
from contrib_norm import framework
from contrib_norm.layers import instance_norm

CHANNELS = 6


def _shape(data_format, rank, batch=2):
    spatial = [4, 3, 2][: rank - 2]
    if data_format == "NHWC":
        return [batch] + spatial + [CHANNELS]
    return [batch, CHANNELS] + spatial


def _axes(data_format, rank):
    """(spatial axes, channels axis)."""
    channels_axis = rank - 1 if data_format == "NHWC" else 1
    return [a for a in range(1, rank) if a != channels_axis], channels_axis


def _params():
    rng = np.random.RandomState(3)
    gamma, beta = 1.0 + 0.5 * rng.standard_normal(CHANNELS), rng.standard_normal(
        CHANNELS
    )
    initializers = {
        "beta": tf.compat.v1.constant_initializer(beta),
        "gamma": tf.compat.v1.constant_initializer(gamma),
    }
    return gamma, beta, initializers


def _reference(x, data_format, epsilon=1e-6, gamma=None, beta=None):
    spatial_axes, channels_axis = _axes(data_format, x.ndim)
    if gamma is not None:
        gamma = ref.along_axis(gamma, x.ndim, channels_axis)
    if beta is not None:
        beta = ref.along_axis(beta, x.ndim, channels_axis)
    return ref.standardize(x, spatial_axes, epsilon, gamma, beta)


@pytest.mark.parametrize(
    "center, scale", [(True, True), (False, True), (True, False), (False, False)]
)
@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_matches_reference(data_format, rank, center, scale):
    shape = _shape(data_format, rank)
    x = ref.random_inputs(shape, offset=-0.7, scale=3.0)
    gamma, beta, initializers = _params()
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        y = instance_norm(
            inputs,
            center=center,
            scale=scale,
            epsilon=1e-3,
            param_initializers=initializers,
            data_format=data_format,
        )
        names = [v.op.name for v in tf.compat.v1.global_variables()]
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {inputs: x})
    assert names == ["InstanceNorm/beta"] * center + ["InstanceNorm/gamma"] * scale
    expected = _reference(
        x, data_format, 1e-3, gamma if scale else None, beta if center else None
    )
    ref.assert_close(out, expected)


@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_gradients_match_central_differences(data_format, rank):
    shape = _shape(data_format, rank, batch=1)
    x = ref.random_inputs(shape, offset=0.3)
    _, _, initializers = _params()
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = instance_norm(
            inputs,
            epsilon=1e-3,
            param_initializers=initializers,
            data_format=data_format,
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        ref.check_gradients(sess, y, inputs, x, tf.compat.v1.trainable_variables())


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_unknown_batch_and_spatial_dimensions(data_format):
    shape = _shape(data_format, 4)
    x = ref.random_inputs(shape)
    unknown = [None] * 4
    unknown[_axes(data_format, 4)[1]] = CHANNELS
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, unknown)
        y = instance_norm(inputs, data_format=data_format)
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {inputs: x})
    ref.assert_close(out, _reference(x, data_format))


@pytest.mark.parametrize("offset", [1e4, 1e5, 1e6])
def test_large_offset(offset):
    ref.assert_standardized_at_offset(instance_norm, [4, 8, 8, 16], offset, (1, 2))


@pytest.mark.parametrize(
    "shape", [[1, 4, 4, CHANNELS], [2, 1, 1, CHANNELS]], ids=["batch1", "1x1"]
)
def test_zero_variance_gives_beta(shape):
    _, beta, initializers = _params()
    run = ref.build_and_run(
        lambda t: instance_norm(t, param_initializers=initializers),
        np.full(shape, -2.5),
    )
    ref.assert_gives_beta(run, beta)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_dtypes(dtype):
    x = ref.random_inputs(_shape("NHWC", 4), offset=1.0)
    run = ref.build_and_run(instance_norm, x, dtype)
    ref.assert_keeps_dtype(run, dtype, variable_dtype=dtype)  # as in TF1
    ref.assert_close(run.outputs, _reference(run.inputs, "NHWC"), dtype)


def test_collections_reuse_and_arg_scope():
    with ref.graph_session():
        x = tf.zeros(_shape("NCHW", 4))
        with framework.arg_scope([instance_norm], data_format="NCHW"):
            y = instance_norm(
                x,
                scope="in",
                variables_collections=["norms"],
                outputs_collections="outputs",
            )
            instance_norm(x, scope="in", reuse=True)
        assert len(tf.compat.v1.global_variables()) == 2
        assert len(tf.compat.v1.get_collection("norms")) == 2
        assert tf.compat.v1.get_collection("outputs") == [y]
        assert y.aliases == ["in"]
    assert framework.has_arg_scope(instance_norm)


@pytest.mark.parametrize(
    "make_inputs, kwargs, error, message",
    [
        (lambda: tf.zeros([2, CHANNELS]), {}, ValueError, "no spatial axes"),
        (
            lambda: tf.compat.v1.placeholder(tf.float32),
            {},
            ValueError,
            "has undefined rank",
        ),
        (
            lambda: tf.compat.v1.placeholder(tf.float32, [2, 4, 4, None]),
            {},
            ValueError,
            "has undefined channels dimension",
        ),
        (lambda: tf.zeros([2, 4, 4, 3], tf.int32), {}, TypeError, "int32"),
        (
            lambda: tf.zeros([2, 4, 4, 3]),
            dict(data_format="NCWH"),
            ValueError,
            "data_format has to be either NCHW or NHWC.*'NCWH'",
        ),
        (
            lambda: tf.zeros([2, 4, 4, 3]),
            dict(param_initializers={"gama": None}),
            ValueError,
            "gama",
        ),
        (
            lambda: tf.zeros([2, 4, 4, 3]),
            dict(variables_collections={"moving_mean": []}),
            ValueError,
            "moving_mean",
        ),
    ],
    ids=[
        "rank2",
        "unknown_rank",
        "unknown_channels",
        "integer",
        "data_format",
        "initializer_key",
        "collection_key",
    ],
)
def test_bad_input(make_inputs, kwargs, error, message):
    ref.assert_build_error(instance_norm, make_inputs, kwargs, error, message)
