"""Tests for contrib_norm.initializers."""

import math

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm import initializers

# Standard deviation of a standard normal truncated to [-2, 2].
TRUNC_STD = 0.87962566103423978

# (shape, fan_in, fan_out), worked out by hand: dense [in, out], conv
# [h, w, in, out] (fans times the receptive field h * w), 1-D and scalar.
FANS = [
    ([], 1, 1),
    ([300], 300, 300),
    ([400, 300], 400, 300),
    ([3, 3, 32, 64], 288, 576),
    ([5, 40, 20], 200, 100),
    ([2, 3, 3, 16, 8], 288, 144),
]


def _sample(init, shape, dtype=None, graph_seed=0):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(graph_seed)
        tensor = init(shape) if dtype is None else init(shape, dtype=dtype)
        assert tensor.shape.as_list() == list(shape)
        return sess.run(tensor)


def test_truncation_constant():
    scipy_stats = pytest.importorskip("scipy.stats")
    assert scipy_stats.truncnorm.std(-2, 2) == pytest.approx(TRUNC_STD, rel=1e-15)


# --------------------------------------------------------------------------
# lecun_normal
# --------------------------------------------------------------------------

@pytest.mark.parametrize("shape, fan_in", [
    ([1024, 512], 1024), ([256, 2048], 256), ([3, 3, 64, 256], 576)])
def test_lecun_normal_std_is_sqrt_one_over_fan_in(shape, fan_in):
    w = _sample(initializers.lecun_normal(seed=1), shape)
    target = math.sqrt(1.0 / fan_in)
    assert abs(w.mean()) < 0.01 * target
    assert w.std() == pytest.approx(target, rel=0.01)
    # Truncated at two standard deviations of the underlying normal.
    assert np.abs(w).max() <= 2 * target / TRUNC_STD * (1 + 1e-6)
    assert np.abs(w).max() > 1.9 * target / TRUNC_STD


@pytest.mark.parametrize("shape, fan_in, fan_out", FANS)
def test_lecun_normal_is_the_corrected_truncated_normal(shape, fan_in, fan_out):
    del fan_out
    stddev = math.sqrt(1.0 / fan_in) / TRUNC_STD
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(3)
        got = initializers.lecun_normal(seed=4)(shape)
        want = tf.random.truncated_normal(shape, 0.0, stddev, seed=4)
        got, want = sess.run([got, want])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_lecun_normal_with_get_variable(dtype):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(0)
        var = tf.compat.v1.get_variable(
            "w", [400, 100], dtype=dtype,
            initializer=initializers.lecun_normal(seed=1))
        sess.run(tf.compat.v1.global_variables_initializer())
        value = sess.run(var)
    assert var.dtype.base_dtype == dtype
    assert value.astype(np.float64).std() == pytest.approx(0.05, rel=0.03)


def test_lecun_normal_is_seeded():
    a = _sample(initializers.lecun_normal(seed=5), [50, 50])
    b = _sample(initializers.lecun_normal(seed=5), [50, 50])
    c = _sample(initializers.lecun_normal(seed=6), [50, 50])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("seed", ["1", 1.5, True])
def test_lecun_normal_bad_seed(seed):
    with pytest.raises(TypeError, match="seed=%r" % (seed,)):
        initializers.lecun_normal(seed=seed)


# --------------------------------------------------------------------------
# variance_scaling_initializer
# --------------------------------------------------------------------------

def _n(mode, fan_in, fan_out):
    return {"FAN_IN": fan_in, "FAN_OUT": fan_out,
            "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]


@pytest.mark.parametrize("mode", ["FAN_IN", "FAN_OUT", "FAN_AVG"])
@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("shape, fan_in, fan_out", FANS)
def test_variance_scaling_is_exactly_the_legacy_draw(shape, fan_in, fan_out,
                                                     mode, uniform):
    # Same graph and op seed as the reference random op: the same numbers.
    factor = 1.7
    n = _n(mode, fan_in, fan_out)
    init = initializers.variance_scaling_initializer(
        factor=factor, mode=mode, uniform=uniform, seed=9)
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(2)
        got = init(shape)
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            want = tf.random.uniform(shape, -limit, limit, seed=9)
        else:
            want = tf.random.truncated_normal(
                shape, 0.0, math.sqrt(1.3 * factor / n), seed=9)
        assert got.dtype == tf.float32
        got, want = sess.run([got, want])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)


@pytest.mark.parametrize("mode", ["FAN_IN", "FAN_OUT", "FAN_AVG"])
@pytest.mark.parametrize("shape, fan_in, fan_out", [
    ([600, 400], 600, 400), ([3, 3, 48, 96], 432, 864)])
@pytest.mark.parametrize("factor", [2.0, 1.0])
@pytest.mark.parametrize("uniform", [True, False])
def test_variance_scaling_statistics(shape, fan_in, fan_out, mode, factor,
                                     uniform):
    n = _n(mode, fan_in, fan_out)
    w = _sample(initializers.variance_scaling_initializer(
        factor=factor, mode=mode, uniform=uniform, seed=1), shape)
    if uniform:
        bound = math.sqrt(3.0 * factor / n)  # the uniform limit
        expected_std = bound / math.sqrt(3.0)
    else:
        stddev = math.sqrt(1.3 * factor / n)  # legacy: no exact correction
        bound = 2 * stddev  # truncated at two standard deviations
        # The sample std is stddev * 0.8796 = 1.0029 * sqrt(factor / n).
        expected_std = stddev * TRUNC_STD
    assert np.abs(w).max() <= bound * (1 + 1e-6)
    assert np.abs(w).max() > 0.95 * bound
    assert w.std() == pytest.approx(expected_std, rel=0.01)
    # Either way, the variance is (about) factor / n.
    assert w.std() == pytest.approx(math.sqrt(factor / n), rel=0.015)


def test_variance_scaling_defaults_are_he_normal():
    w = _sample(initializers.variance_scaling_initializer(seed=3), [500, 700])
    assert w.std() == pytest.approx(math.sqrt(2.0 / 500) * 1.0029, rel=0.01)


@pytest.mark.parametrize("uniform", [True, False])
def test_xavier_initializer_is_fan_avg_factor_one(uniform):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(1)
        a = initializers.xavier_initializer(uniform=uniform, seed=3)([3, 3, 8, 16])
        b = initializers.variance_scaling_initializer(
            factor=1.0, mode="FAN_AVG", uniform=uniform, seed=3)([3, 3, 8, 16])
        a, b = sess.run([a, b])
    np.testing.assert_array_equal(a, b)
    assert initializers.xavier_initializer_conv2d is initializers.xavier_initializer


def test_xavier_uniform_limit():
    w = _sample(initializers.xavier_initializer(seed=1), [300, 500])
    limit = math.sqrt(6.0 / (300 + 500))
    assert limit * 0.999 < np.abs(w).max() <= limit * (1 + 1e-6)


@pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.float64, "float64",
                                   np.float32])
def test_variance_scaling_dtypes(dtype):
    init = initializers.variance_scaling_initializer(dtype=dtype, seed=1)
    with tf.Graph().as_default():
        assert init([4, 5]).dtype == tf.as_dtype(dtype)
        # A call-time dtype overrides the default.
        assert init([4, 5], dtype=tf.float32).dtype == tf.float32


def test_variance_scaling_with_get_variable_and_partition_info():
    init = initializers.variance_scaling_initializer(factor=1.0, uniform=True)
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        var = tf.compat.v1.get_variable("w", [100, 10], initializer=init,
                                        dtype=tf.float64)
        sess.run(tf.compat.v1.global_variables_initializer())
        value = sess.run(var)
    assert var.dtype.base_dtype == tf.float64
    assert np.abs(value).max() <= math.sqrt(3.0 / 100)


@pytest.mark.parametrize("dtype, name", [
    (tf.int32, "int32"), (tf.bool, "bool"), (tf.string, "string"),
    (tf.complex64, "complex64"), ("int64", "int64")])
def test_variance_scaling_non_float_dtype(dtype, name):
    pattern = ("Cannot create initializer for non-floating point type. "
               "Received: dtype=%s" % name)
    with pytest.raises(TypeError, match=pattern):
        initializers.variance_scaling_initializer(dtype=dtype)
    with pytest.raises(TypeError, match=pattern):
        initializers.xavier_initializer(dtype=dtype)
    # Also when the dtype comes at call time.
    init = initializers.variance_scaling_initializer()
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match=pattern):
            init([3, 3], dtype=dtype)


def test_variance_scaling_invalid_dtype_object():
    with pytest.raises(TypeError, match="dtype='no_such_type'"):
        initializers.variance_scaling_initializer(dtype="no_such_type")


@pytest.mark.parametrize("mode", ["fan_in", "FAN", "FAN_SUM", None, 1])
def test_variance_scaling_bad_mode(mode):
    # tf.contrib.layers raised TypeError; the error is a ValueError as well.
    for error in (ValueError, TypeError):
        with pytest.raises(error, match=r"Unknown mode .*\[FAN_IN, FAN_OUT, "
                                        r"FAN_AVG\]. Received: mode=%s"
                                        % repr(mode)):
            initializers.variance_scaling_initializer(mode=mode)


@pytest.mark.parametrize("factor, error", [
    (-1.0, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
    ("2", TypeError), (None, TypeError), (True, TypeError)])
def test_variance_scaling_bad_factor(factor, error):
    with pytest.raises(error, match="factor=%s" % repr(factor)):
        initializers.variance_scaling_initializer(factor=factor)


def test_variance_scaling_zero_factor_gives_zeros():
    w = _sample(initializers.variance_scaling_initializer(factor=0.0), [3, 4])
    np.testing.assert_array_equal(w, np.zeros([3, 4]))


def test_variance_scaling_empty_shape():
    w = _sample(initializers.variance_scaling_initializer(), [0, 4])
    assert w.shape == (0, 4)


@pytest.mark.parametrize("shape", [[None, 3], tf.TensorShape(None)])
def test_variance_scaling_needs_a_defined_shape(shape):
    init = initializers.variance_scaling_initializer()
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="fully defined"):
            init(shape)


@pytest.mark.parametrize("shape, error", [([-1, 3], ValueError),
                                          (["a", 3], TypeError)])
def test_variance_scaling_bad_shape(shape, error):
    init = initializers.variance_scaling_initializer()
    with tf.Graph().as_default():
        with pytest.raises(error, match=r"shape=\[%r, 3\]" % shape[0]):
            init(shape)


def test_variance_scaling_bad_seed():
    with pytest.raises(TypeError, match="seed='x'"):
        initializers.variance_scaling_initializer(seed="x")
