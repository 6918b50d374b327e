"""contrib_norm.layers.group_norm against a float64 NumPy reference."""

import numpy as np
import pytest
import tensorflow as tf

import norm_reference as ref
from contrib_norm import framework
from contrib_norm.layers import group_norm

_GraphKeys = tf.compat.v1.GraphKeys
CHANNELS = 8


def _layout(data_format, rank):
    """(shape, channels_axis, reduction_axes) of a small input."""
    spatial = [3, 4, 2][: rank - 2]
    if data_format == "NHWC":
        return [2] + spatial + [CHANNELS], -1, tuple(range(-rank + 1, -1))
    return [2, CHANNELS] + spatial, 1, tuple(range(2, rank))


def _gamma_beta(channels=CHANNELS):
    rng = np.random.RandomState(7)
    return 1.0 + 0.5 * rng.standard_normal(channels), rng.standard_normal(channels)


def _params(gamma, beta):
    return {
        "beta": tf.compat.v1.constant_initializer(beta),
        "gamma": tf.compat.v1.constant_initializer(gamma),
    }


@pytest.mark.parametrize("mean_close_to_zero", [False, True])
@pytest.mark.parametrize("groups", [1, 4, CHANNELS])
@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_matches_reference(data_format, rank, groups, mean_close_to_zero):
    shape, channels_axis, reduction_axes = _layout(data_format, rank)
    x = ref.random_inputs(shape, offset=0.5, scale=2.0)
    gamma, beta = _gamma_beta()
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        y = group_norm(
            inputs,
            groups=groups,
            channels_axis=channels_axis,
            reduction_axes=reduction_axes,
            param_initializers=_params(gamma, beta),
            mean_close_to_zero=mean_close_to_zero,
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {inputs: x})
    expected = ref.group_norm(
        x, groups, channels_axis, reduction_axes, 1e-6, gamma, beta
    )
    ref.assert_close(out, expected)


@pytest.mark.parametrize(
    "center, scale", [(True, True), (False, True), (True, False), (False, False)]
)
def test_center_and_scale(center, scale):
    shape, channels_axis, reduction_axes = _layout("NHWC", 4)
    x = ref.random_inputs(shape)
    gamma, beta = _gamma_beta()
    with ref.graph_session() as sess:
        y = group_norm(
            tf.constant(x, tf.float32),
            groups=2,
            center=center,
            scale=scale,
            param_initializers=_params(gamma, beta),
        )
        names = [v.op.name for v in tf.compat.v1.global_variables()]
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y)
    assert names == ["GroupNorm/beta"] * center + ["GroupNorm/gamma"] * scale
    expected = ref.group_norm(
        x,
        2,
        channels_axis,
        reduction_axes,
        1e-6,
        gamma if scale else None,
        beta if center else None,
    )
    ref.assert_close(out, expected)


@pytest.mark.parametrize("mean_close_to_zero", [False, True])
@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_gradients_match_central_differences(data_format, rank, mean_close_to_zero):
    shape, channels_axis, reduction_axes = _layout(data_format, rank)
    shape[0] = 1
    x = ref.random_inputs(shape, offset=0.3)
    gamma, beta = _gamma_beta()
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = group_norm(
            inputs,
            groups=4,
            channels_axis=channels_axis,
            reduction_axes=reduction_axes,
            param_initializers=_params(gamma, beta),
            mean_close_to_zero=mean_close_to_zero,
            epsilon=1e-3,
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        ref.check_gradients(sess, y, inputs, x, tf.compat.v1.trainable_variables())


@pytest.mark.parametrize(
    "channels_axis, reduction_axes",
    [(-1, ()), (-1, (0, 1, 2)), (1, (3,)), (2, (0, -1))],
    ids=["no_reduction_axes", "batch_axis_too", "middle_channels", "around"],
)
def test_uncommon_axes(channels_axis, reduction_axes):
    # TF1 accepted any axes that do not overlap the channels axis; the other
    # axes keep their own statistics.
    shape = [2, 3, 2, 4]
    shape[channels_axis] = 4
    x = ref.random_inputs(shape, offset=0.2)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = group_norm(
            inputs,
            groups=2,
            channels_axis=channels_axis,
            reduction_axes=reduction_axes,
            epsilon=1e-3,
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {inputs: x})
        ref.check_gradients(sess, y, inputs, x, tf.compat.v1.trainable_variables())
    expected = ref.group_norm(x, 2, channels_axis, reduction_axes, 1e-3)
    ref.assert_close(out, expected, "float64")


def test_second_order_gradients_match_central_differences():
    # The closed-form gradient of the statistics is itself differentiable.
    shape = [1, 2, 3, 4]
    x = ref.random_inputs(shape)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = group_norm(inputs, groups=2, epsilon=1e-3)
        loss, (dx,) = ref.loss_and_gradients(y, inputs, [])
        penalty = tf.reduce_sum(tf.square(dx))
        sess.run(tf.compat.v1.global_variables_initializer())
        ref.check_gradients(sess, penalty, inputs, x)


@pytest.mark.parametrize(
    "placeholder_shape",
    [[None, 3, 4, CHANNELS], [None, None, None, CHANNELS], None],
    ids=["unknown_batch", "unknown_spatial", "unknown_rank"],
)
def test_unknown_dimensions(placeholder_shape):
    shape, channels_axis, reduction_axes = _layout("NHWC", 4)
    x = ref.random_inputs(shape)
    with ref.graph_session() as sess:
        if placeholder_shape is None:
            inputs = tf.compat.v1.placeholder(tf.float32, None)
            with pytest.raises(ValueError, match="has undefined rank"):
                group_norm(inputs, groups=4)
            return
        if placeholder_shape[1] is None:
            # TF1 needs the reduction axes' sizes, and says so before it
            # checks groups against channels (tf-slim's own test).
            inputs = tf.compat.v1.placeholder(tf.float32, placeholder_shape)
            with pytest.raises(ValueError, match="has undefined dimensions 1"):
                group_norm(inputs, groups=4 * CHANNELS)
            return
        inputs = tf.compat.v1.placeholder(tf.float32, placeholder_shape)
        y = group_norm(inputs, groups=4)
        dx = tf.gradients(y * y, inputs)[0]
        sess.run(tf.compat.v1.global_variables_initializer())
        out, grad = sess.run([y, dx], {inputs: x})
    assert y.shape.as_list() == placeholder_shape
    ref.assert_close(out, ref.group_norm(x, 4, channels_axis, reduction_axes, 1e-6))
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize("offset", [1e4, 1e5, 1e6])
def test_large_offset(offset):
    ref.assert_standardized_at_offset(
        lambda t: group_norm(t, groups=8),
        [4, 8, 8, 32],
        offset,
        axes=(1, 2, 4),
        view=lambda y: y.reshape(4, 8, 8, 8, 4),
    )


@pytest.mark.parametrize(
    "shape", [[1, 4, 4, 8], [2, 1, 1, 8], [1, 1, 1, 8]], ids=["batch1", "1x1", "both"]
)
def test_degenerate_shapes_and_zero_variance_give_beta(shape):
    gamma, beta = _gamma_beta()
    run = ref.build_and_run(
        lambda t: group_norm(t, groups=8, param_initializers=_params(gamma, beta)),
        np.full(shape, 3.0),
    )
    ref.assert_gives_beta(run, beta)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_dtypes(dtype):
    shape, channels_axis, reduction_axes = _layout("NHWC", 4)
    run = ref.build_and_run(
        lambda t: group_norm(t, groups=4), ref.random_inputs(shape, offset=1.0), dtype
    )
    ref.assert_keeps_dtype(run, dtype, variable_dtype=dtype)  # as in TF1
    expected = ref.group_norm(run.inputs, 4, channels_axis, reduction_axes, 1e-6)
    ref.assert_close(run.outputs, expected, dtype)


def test_collections_reuse_and_arg_scope():
    x = np.zeros([2, 3, 3, 8])
    with ref.graph_session():
        with framework.arg_scope([group_norm], groups=2):
            y = group_norm(
                tf.constant(x, tf.float32),
                scope="gn",
                variables_collections={"gamma": ["gammas"]},
                outputs_collections="outputs",
            )
            group_norm(tf.constant(x, tf.float32), scope="gn", reuse=True)
        assert [v.op.name for v in tf.compat.v1.get_collection("gammas")] == [
            "gn/gamma"
        ]
        assert len(tf.compat.v1.global_variables()) == 2
        assert len(tf.compat.v1.get_collection(_GraphKeys.MODEL_VARIABLES)) == 2
        assert tf.compat.v1.get_collection("outputs") == [y]
        assert y.aliases == ["gn"]
    assert framework.has_arg_scope(group_norm)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(groups=3), ValueError, "8 channels is not commensurate with 3 groups"),
        (dict(groups=16), ValueError, "Invalid groups 16 for 8 channels"),
        (dict(groups=0), ValueError, "groups=0"),
        (dict(groups=2.0), TypeError, "groups=2.0"),
        (dict(channels_axis=4), ValueError, "Axis is out of bounds.*channels_axis=4"),
        (dict(channels_axis=-5), ValueError, "channels_axis=-5"),
        (dict(reduction_axes=(1, 4)), ValueError, "Axis is out of bounds"),
        (
            dict(reduction_axes=(-3, -1)),
            ValueError,
            "reduction_axis must be mutually exclusive with channels_axis",
        ),
        (dict(reduction_axes=(1, 1)), ValueError, "duplicate"),
        (dict(param_initializers={"gama": 1.0}), ValueError, "gama"),
        (dict(variables_collections={"betta": ["c"]}), ValueError, "betta"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    kwargs.setdefault("groups", 4)
    ref.assert_build_error(
        group_norm, lambda: tf.zeros([2, 3, 3, 8]), kwargs, error, message
    )


@pytest.mark.parametrize(
    "inputs, error, message",
    [
        (lambda: tf.zeros([2, 3, 3, 8], tf.int32), TypeError, "int32"),
        (
            lambda: tf.compat.v1.placeholder(tf.float32, [2, 3, 3, None]),
            ValueError,
            "has undefined channel dimension: 3",
        ),
    ],
    ids=["integer", "unknown_channels"],
)
def test_bad_inputs(inputs, error, message):
    ref.assert_build_error(group_norm, inputs, dict(groups=4), error, message)
