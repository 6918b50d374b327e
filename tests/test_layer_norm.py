"""contrib_norm.layers.layer_norm against a float64 NumPy reference."""

import numpy as np
import pytest
import tensorflow as tf

import norm_reference as ref
from contrib_norm import framework
from contrib_norm.layers import layer_norm

SHAPES = {2: [3, 5], 3: [3, 4, 5], 4: [2, 3, 4, 5]}
LEGACY_EPSILON = 1e-12


def _load_random_params(sess, seed=5):
    """Gives beta and gamma random values; returns them by variable name."""
    rng = np.random.RandomState(seed)
    values = {}
    for variable in tf.compat.v1.global_variables():
        value = rng.standard_normal(variable.shape.as_list())
        variable.load(value, sess)
        values[variable.op.name.split("/")[-1]] = value
    return values


def _reference(x, begin_norm_axis, epsilon, gamma=None, beta=None):
    axes = range(begin_norm_axis % x.ndim, x.ndim)
    return ref.standardize(x, axes, epsilon, gamma, beta)


@pytest.mark.parametrize("center, scale", [(True, True), (False, False)])
@pytest.mark.parametrize("begin_params_axis", [-1, 1])
@pytest.mark.parametrize("begin_norm_axis", [1, -1, 0])
@pytest.mark.parametrize("rank", [2, 3, 4])
def test_matches_reference(rank, begin_norm_axis, begin_params_axis, center, scale):
    shape = SHAPES[rank]
    x = ref.random_inputs(shape, offset=2.0, scale=0.5)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, [None] + shape[1:])
        y = layer_norm(
            inputs,
            center=center,
            scale=scale,
            begin_norm_axis=begin_norm_axis,
            begin_params_axis=begin_params_axis,
        )
        variables = tf.compat.v1.global_variables()
        sess.run(tf.compat.v1.global_variables_initializer())
        params = _load_random_params(sess)
        out = sess.run(y, {inputs: x})
    params_shape = shape[begin_params_axis:]
    assert [(v.op.name, v.shape.as_list()) for v in variables] == (
        [("LayerNorm/beta", params_shape)] * center
        + [("LayerNorm/gamma", params_shape)] * scale
    )
    expected = _reference(
        x, begin_norm_axis, LEGACY_EPSILON, params.get("gamma"), params.get("beta")
    )
    ref.assert_close(out, expected)


@pytest.mark.parametrize(
    "begin_norm_axis, begin_params_axis", [(1, -1), (-1, -1), (2, 1)]
)
def test_gradients_match_central_differences(begin_norm_axis, begin_params_axis):
    shape = [2, 3, 4]
    x = ref.random_inputs(shape, offset=0.3)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = layer_norm(
            inputs, begin_norm_axis=begin_norm_axis, begin_params_axis=begin_params_axis
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        _load_random_params(sess)
        ref.check_gradients(sess, y, inputs, x, tf.compat.v1.trainable_variables())


@pytest.mark.parametrize("offset", [1e4, 1e5, 1e6])
def test_large_offset(offset):
    ref.assert_standardized_at_offset(layer_norm, [4, 8, 8, 16], offset, (1, 2, 3))


@pytest.mark.parametrize("shape", [[1, 6], [4, 1, 1, 6]], ids=["batch1", "1x1"])
def test_zero_variance_gives_beta(shape):
    run = ref.build_and_run(layer_norm, np.full(shape, 0.75))
    ref.assert_gives_beta(run, 0.0)  # beta's initial value


@pytest.mark.parametrize(
    "dtype, epsilon",
    [("float16", 1e-3), ("bfloat16", LEGACY_EPSILON), ("float64", LEGACY_EPSILON)],
)
def test_dtypes_and_legacy_epsilon(dtype, epsilon):
    # Variance 1e-3: epsilon 1e-3 (TF1's float16 value) visibly shrinks the
    # output, 1e-12 does not.
    x = ref.random_inputs([4, 64], offset=1.0, scale=0.03)
    run = ref.build_and_run(layer_norm, x, dtype)
    ref.assert_keeps_dtype(run, dtype, variable_dtype=dtype)  # as in TF1
    ref.assert_close(run.outputs, _reference(run.inputs, 1, epsilon), dtype)


def test_collections_reuse_and_arg_scope():
    with ref.graph_session():
        x = tf.zeros([2, 3, 4])
        with framework.arg_scope([layer_norm], begin_params_axis=1):
            y = layer_norm(
                x,
                scope="ln",
                variables_collections={"beta": ["betas"]},
                outputs_collections="outputs",
            )
            layer_norm(x, scope="ln", reuse=True)
        variables = tf.compat.v1.global_variables()
        assert [v.shape.as_list() for v in variables] == [[3, 4], [3, 4]]
        assert len(tf.compat.v1.get_collection("betas")) == 1
        assert tf.compat.v1.get_collection("outputs") == [y]
        assert y.aliases == ["ln"]
    assert framework.has_arg_scope(layer_norm)


@pytest.mark.parametrize(
    "make_inputs, kwargs, error, message",
    [
        (
            lambda: tf.compat.v1.placeholder(tf.float32),
            {},
            ValueError,
            "has undefined rank",
        ),
        (
            lambda: tf.zeros([2, 3, 4]),
            dict(begin_norm_axis=3),
            ValueError,
            r"must be < rank\(inputs\) \(3\).*begin_norm_axis=3",
        ),
        (
            lambda: tf.zeros([2, 3, 4]),
            dict(begin_params_axis=-4),
            ValueError,
            "begin_params_axis=-4",
        ),
        (
            lambda: tf.zeros([2, 3, 4]),
            dict(begin_norm_axis=1.0),
            TypeError,
            "begin_norm_axis=1.0",
        ),
        (
            lambda: tf.compat.v1.placeholder(tf.float32, [2, 3, None]),
            {},
            ValueError,
            r"shape\(inputs\)\[2:\] is not fully defined",
        ),
        (lambda: tf.zeros([2, 3], tf.int64), {}, TypeError, "int64"),
        (
            lambda: tf.zeros([2, 3]),
            dict(variables_collections={"gamma": [], "scale": []}),
            ValueError,
            "scale",
        ),
    ],
    ids=[
        "unknown_rank",
        "norm_axis",
        "params_axis",
        "float_axis",
        "unknown_params_shape",
        "integer",
        "collection_key",
    ],
)
def test_bad_input(make_inputs, kwargs, error, message):
    ref.assert_build_error(layer_norm, make_inputs, kwargs, error, message)
