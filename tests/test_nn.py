"""Tests for contrib_norm.nn: selu, alpha_dropout, dropout_selu."""

import math

import numpy as np
import pytest
import tensorflow as tf
from scipy import integrate, special

from contrib_norm import initializers, nn

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717
ALPHA_PRIME = -LAMBDA * ALPHA


def selu_ref(x):
    """float64 NumPy reference."""
    x = np.asarray(x, np.float64)
    return np.where(x > 0, LAMBDA * x, LAMBDA * ALPHA * np.expm1(np.minimum(x, 0)))


def alpha_dropout_affine(keep_prob, alpha=ALPHA_PRIME, mean=0.0, var=1.0):
    """The (a, b) of the general fixed-point correction, in float64."""
    q = keep_prob
    a = math.sqrt(var / (q * ((1 - q) * (alpha - mean) ** 2 + var)))
    b = mean - a * (q * mean + (1 - q) * alpha)
    return a, b


# --------------------------------------------------------------------------
# The SELU constants
# --------------------------------------------------------------------------

def _gauss_expectation(f):
    """E[f(z)] for z ~ N(0, 1), integrating each side of the kink separately."""
    pdf = lambda z: math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    opts = dict(epsabs=1e-14, epsrel=1e-14, limit=200)
    neg, _ = integrate.quad(lambda z: f(z) * pdf(z), -np.inf, 0.0, **opts)
    pos, _ = integrate.quad(lambda z: f(z) * pdf(z), 0.0, np.inf, **opts)
    return neg + pos


@pytest.mark.parametrize("power, expected", [(1, 0.0), (2, 1.0)])
def test_constants_make_zero_mean_unit_variance_the_fixed_point(power, expected):
    # E[selu(z)] = 0 and E[selu(z)^2] = 1 for z ~ N(0, 1).
    moment = _gauss_expectation(lambda z: float(selu_ref(z)) ** power)
    assert abs(moment - expected) < 1e-10


def test_module_constants_match_closed_form():
    # Klambauer et al. (2017): alpha_01 and lambda_01 in closed form.
    e = math.e
    c = special.erfc(1 / math.sqrt(2))
    alpha = -math.sqrt(2 / math.pi) / (c * math.exp(0.5) - 1)
    lam = ((1 - c * math.sqrt(e)) * math.sqrt(2 * math.pi)
           * (2 * special.erfc(math.sqrt(2)) * e ** 2 + math.pi * c ** 2 * e
              - 2 * (2 + math.pi) * c * math.sqrt(e) + math.pi + 2) ** -0.5)
    assert nn.SELU_ALPHA == pytest.approx(alpha, rel=1e-14)
    assert nn.SELU_SCALE == pytest.approx(lam, rel=1e-14)
    assert nn.SELU_ALPHA == ALPHA and nn.SELU_SCALE == LAMBDA


def test_alpha_prime_is_the_selu_saturation_value():
    assert nn._ALPHA_PRIME == pytest.approx(-LAMBDA * ALPHA, rel=2e-16)
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        low = sess.run(nn.selu(tf.constant([-800.0], tf.float64)))
    assert low[0] == pytest.approx(nn._ALPHA_PRIME, rel=1e-15)


# --------------------------------------------------------------------------
# selu
# --------------------------------------------------------------------------

def _selu_test_points():
    rng = np.random.RandomState(0)
    special_points = [0.0, -0.0, 1e-300, -1e-300, 1e-12, -1e-12, -1e-8, -1e-4,
                      -0.5, -1.0, -5.0, -40.0, -745.0, -1e6, 0.5, 3.0, 1e6,
                      1e300]
    return np.concatenate([special_points, rng.standard_normal(10000) * 3,
                           -np.logspace(-15, 2, 200)]).astype(np.float64)


def test_selu_float64_matches_reference():
    x = _selu_test_points()
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        y = nn.selu(tf.constant(x))
        assert y.dtype == tf.float64
        got = sess.run(y)
    ref = selu_ref(x)
    np.testing.assert_allclose(got, ref, rtol=1e-15, atol=0)


def test_selu_agrees_with_tf_nn_selu_in_float32():
    x = np.random.RandomState(1).standard_normal(1000).astype(np.float32) * 4
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        ours, theirs = sess.run([nn.selu(x), tf.nn.selu(x)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype, rtol", [
    (tf.float16, 1e-3), (tf.bfloat16, 8e-3), (tf.float32, 1e-6),
    (tf.float64, 1e-15)])
def test_selu_keeps_dtype(dtype, rtol):
    x = np.linspace(-6, 6, 241)
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        xt = tf.cast(tf.constant(x), dtype)
        y = nn.selu(xt)
        assert y.dtype == dtype
        assert y.shape.as_list() == [241]
        x_rounded, got = sess.run([tf.cast(xt, tf.float64), tf.cast(y, tf.float64)])
    # Compared against the reference on the rounded input, up to one rounding
    # of the output.
    np.testing.assert_allclose(got, selu_ref(x_rounded), rtol=rtol, atol=1e-7)


def test_selu_gradient():
    x = np.concatenate([_selu_test_points()[:17], np.linspace(-5, 5, 101)])
    x = x[np.abs(x) < 700]  # exp(x) overflows float64 beyond that
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        xt = tf.constant(x)
        (grad,) = tf.gradients(nn.selu(xt), xt)
        got = sess.run(grad)
    expected = np.where(x < 0, LAMBDA * ALPHA * np.exp(x), LAMBDA)
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=0)


def test_selu_gradient_is_finite_for_large_inputs():
    # A naive tf.where(x > 0, ..., expm1(x)) gives NaN gradients here.
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        xt = tf.constant([100.0, 1000.0, 3e38, -3e38], tf.float32)
        (grad,) = tf.gradients(nn.selu(xt), xt)
        got = sess.run(grad)
    np.testing.assert_allclose(got, [LAMBDA, LAMBDA, LAMBDA, 0.0], rtol=1e-6)


def test_selu_numerical_gradient_check():
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g):
        xt = tf.constant(np.random.RandomState(2).standard_normal([4, 5]) + 0.05)
        err = tf.compat.v1.test.compute_gradient_error(xt, [4, 5], nn.selu(xt),
                                                       [4, 5])
    assert err < 1e-6


@pytest.mark.parametrize("value, dtype_name", [
    (np.array([1, 2], np.int32), "int32"),
    ([1, 2], "int32"),
    (np.array([1, 2], np.int64), "int64"),
    (["a", "b"], "string"),
    ([True, False], "bool"),
])
def test_selu_rejects_non_float(value, dtype_name):
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match=r"`features`.*%s" % dtype_name):
            nn.selu(tf.constant(value))
        with pytest.raises(TypeError, match=r"`features`.*%s" % dtype_name):
            nn.selu(value)


def test_selu_name_scope():
    with tf.Graph().as_default():
        assert nn.selu(tf.zeros([2])).op.name == "selu"
        assert nn.selu(tf.zeros([2]), name="act").op.name == "act"
        assert nn.selu(tf.zeros([2], tf.float16)).op.name.startswith("selu")


# --------------------------------------------------------------------------
# alpha_dropout
# --------------------------------------------------------------------------

N_LARGE = 10 ** 6


@pytest.mark.parametrize("keep_prob, as_tensor", [
    (0.5, False), (0.8, False), (0.95, False), (0.7, True)])
def test_alpha_dropout_keeps_mean_and_variance(keep_prob, as_tensor):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(1234)
        x = tf.random.normal([N_LARGE], seed=1, dtype=tf.float32)
        if as_tensor:
            kp = tf.compat.v1.placeholder(tf.float32, [], name="kp")
            y = nn.alpha_dropout(x, kp, seed=2)
            xv, yv = sess.run([x, y], {kp: keep_prob})
        else:
            y = nn.alpha_dropout(x, keep_prob, seed=2)
            xv, yv = sess.run([x, y])
    assert yv.shape == xv.shape and yv.dtype == np.float32
    # The input really is N(0, 1)...
    assert abs(xv.mean()) < 0.005 and abs(xv.var() - 1) < 0.005
    # ... and so is the output, to within sampling error (~1e-3).
    assert abs(yv.mean()) < 0.01
    assert abs(yv.var() - 1) < 0.01
    # The dropped fraction: dropped units all equal a * alpha' + b.
    a, b = alpha_dropout_affine(keep_prob)
    dropped = np.isclose(yv, a * ALPHA_PRIME + b, rtol=1e-5, atol=1e-6)
    assert abs(dropped.mean() - (1 - keep_prob)) < 0.003
    # The kept units are the affine image of the input.
    np.testing.assert_allclose(yv[~dropped], a * xv[~dropped] + b,
                               rtol=1e-5, atol=1e-5)


def test_alpha_dropout_affine_constants_match_the_formula():
    # Drop everything but a sliver: with x = 0, kept units give b, dropped
    # ones a * alpha' + b.
    keep_prob = 0.6
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        y = sess.run(nn.alpha_dropout(tf.zeros([20000], tf.float64), keep_prob,
                                      seed=3))
    a, b = alpha_dropout_affine(keep_prob)
    assert a == pytest.approx(
        (keep_prob + ALPHA_PRIME ** 2 * keep_prob * (1 - keep_prob)) ** -0.5)
    assert b == pytest.approx(-a * ALPHA_PRIME * (1 - keep_prob))
    values = np.unique(y)
    np.testing.assert_allclose(sorted(values), sorted([b, a * ALPHA_PRIME + b]),
                               rtol=1e-14)


@pytest.mark.parametrize("one", [1.0, 1, np.float32(1.0)])
def test_alpha_dropout_keep_prob_one_returns_x_itself(one):
    with tf.Graph().as_default():
        x = tf.random.normal([3, 4])
        assert nn.alpha_dropout(x, one) is x
        assert nn.alpha_dropout(x, tf.constant(1.0)) is x


def test_alpha_dropout_matches_legacy_mask_for_same_seeds():
    # tf.contrib.nn.alpha_dropout drew uniform(noise_shape, seed, x.dtype) and
    # kept units with u >= 1 - keep_prob; same graph and op seed, same mask.
    keep_prob = 0.75
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(42)
        x = tf.constant(np.random.RandomState(0).standard_normal([64, 32]),
                        tf.float32)
        y = nn.alpha_dropout(x, keep_prob, seed=7)
        u = tf.random.uniform([64, 32], seed=7, dtype=tf.float32)
        kept = tf.cast(u >= 1 - keep_prob, tf.float32)
        legacy = x * kept + ALPHA_PRIME * (1 - kept)
        a = (keep_prob + keep_prob * (1 - keep_prob) * ALPHA_PRIME ** 2) ** -0.5
        legacy = a * legacy + (-a * ALPHA_PRIME * (1 - keep_prob))
        got, want = sess.run([y, legacy])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("noise_shape, shared_axis", [
    ([2000, 1], 1), ([1, 64], 0), ([None, 1], 1), ([64], 0)])
def test_alpha_dropout_noise_shape_shares_the_mask(noise_shape, shared_axis):
    keep_prob = 0.6
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(5)
        # float64, so that no kept value comes within rounding of the drop
        # value by chance.
        x = tf.random.normal([2000, 64], seed=1, dtype=tf.float64)
        y = nn.alpha_dropout(x, keep_prob, noise_shape=noise_shape, seed=2)
        assert y.shape.as_list() == [2000, 64]
        yv = sess.run(y)
    a, b = alpha_dropout_affine(keep_prob)
    dropped = np.isclose(yv, a * ALPHA_PRIME + b, rtol=1e-13, atol=0)
    # Along the shared axis the mask is constant...
    assert np.all(dropped.all(axis=shared_axis) | ~dropped.any(axis=shared_axis))
    # ... and across the other one it is a fair draw.
    per_slice = dropped.all(axis=shared_axis)
    assert 0 < per_slice.mean() < 1
    assert abs(dropped.mean() - (1 - keep_prob)) < 0.15


def test_alpha_dropout_noise_shape_as_tensor():
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        x = tf.compat.v1.placeholder(tf.float32, [None, 8])
        shape = tf.stack([tf.shape(x)[0], 1])
        y = nn.alpha_dropout(x, 0.5, noise_shape=shape, seed=3)
        yv = sess.run(y, {x: np.zeros([500, 8], np.float32)})
    assert np.all(yv == yv[:, :1])  # each row shares one mask value
    assert len(np.unique(yv[:, 0])) == 2  # some rows kept, some dropped


def test_alpha_dropout_gradient_is_a_times_mask():
    keep_prob = 0.8
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        x = tf.constant(np.random.RandomState(3).standard_normal([5000]))
        y = nn.alpha_dropout(x, keep_prob, seed=4)
        (grad,) = tf.gradients(y, x)
        yv, gv = sess.run([y, grad])
    a, b = alpha_dropout_affine(keep_prob)
    dropped = np.isclose(yv, a * ALPHA_PRIME + b, rtol=1e-12)
    np.testing.assert_allclose(gv, np.where(dropped, 0.0, a), rtol=1e-12)


@pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.float64])
def test_alpha_dropout_keeps_dtype(dtype):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        x = tf.cast(tf.random.normal([20000], seed=1), dtype)
        y = nn.alpha_dropout(x, 0.9, seed=2)
        assert y.dtype == dtype
        yv = sess.run(tf.cast(y, tf.float64))
    assert abs(yv.mean()) < 0.05 and abs(yv.var() - 1) < 0.05


def test_alpha_dropout_name_scope():
    with tf.Graph().as_default():
        x = tf.zeros([4])
        y = nn.alpha_dropout(x, 0.5)
        assert y.op.name == "alpha_dropout"
        assert nn.alpha_dropout(x, 0.5, name="drop").op.name == "drop"
        ops = [op.name for op in tf.compat.v1.get_default_graph().get_operations()]
        assert any(name.startswith("alpha_dropout/random_uniform") for name in ops)


@pytest.mark.parametrize("keep_prob, shown", [
    (0.0, "keep_prob=0.0"), (0, "keep_prob=0"), (-0.1, "keep_prob=-0.1"),
    (1.5, "keep_prob=1.5"), (float("nan"), "keep_prob=nan"),
    ("const2", "keep_prob=2.0"),
])
def test_alpha_dropout_bad_keep_prob(keep_prob, shown):
    with tf.Graph().as_default():
        if keep_prob == "const2":
            keep_prob = tf.constant(2.0)
        with pytest.raises(ValueError, match=r"keep_prob.*\(0, 1\]") as info:
            nn.alpha_dropout(tf.zeros([3]), keep_prob)
        assert "Received: " + shown in str(info.value)


def test_alpha_dropout_keep_prob_that_rounds_to_zero():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"keep_prob.*float16.*1e-09"):
            nn.alpha_dropout(tf.zeros([3], tf.float16), 1e-9)


@pytest.mark.parametrize("keep_prob, error, pattern", [
    (True, TypeError, r"keep_prob.*bool"),
    ("0.5", TypeError, r"keep_prob.*string"),
    (np.array([0.5, 0.5]), ValueError, r"keep_prob.*scalar.*\(2,\)"),
    ("int_tensor", TypeError, r"keep_prob.*int32"),
])
def test_alpha_dropout_keep_prob_types(keep_prob, error, pattern):
    with tf.Graph().as_default():
        if isinstance(keep_prob, str) and keep_prob == "int_tensor":
            keep_prob = tf.constant(1, tf.int32)
        with pytest.raises(error, match=pattern):
            nn.alpha_dropout(tf.zeros([3]), keep_prob)


def test_alpha_dropout_runtime_keep_prob_is_checked():
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        kp = tf.compat.v1.placeholder(tf.float32, [])
        y = nn.alpha_dropout(tf.zeros([3]), kp)
        assert sess.run(y, {kp: 1.0}).tolist() == [0.0, 0.0, 0.0]
        with pytest.raises(tf.errors.InvalidArgumentError, match="keep_prob"):
            sess.run(y, {kp: 0.0})
        with pytest.raises(tf.errors.InvalidArgumentError, match="keep_prob"):
            sess.run(y, {kp: 1.5})


@pytest.mark.parametrize("value, dtype_name", [
    (np.array([1, 2], np.int32), "int32"), (["a"], "string"),
    ([True], "bool"), (np.array([1 + 2j]), "complex128")])
def test_alpha_dropout_rejects_non_float_x(value, dtype_name):
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match=r"`x`.*%s" % dtype_name):
            nn.alpha_dropout(value, 0.5)


@pytest.mark.parametrize("noise_shape", [[3], [4, 3], [2, 5, 3], [-1, 1]])
def test_alpha_dropout_bad_noise_shape(noise_shape):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"noise_shape.*Received: "
                                             r"noise_shape=\[" ):
            nn.alpha_dropout(tf.zeros([4, 5]), 0.5, noise_shape=noise_shape)


def test_alpha_dropout_noise_shape_type_errors():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="noise_shape.*float32"):
            nn.alpha_dropout(tf.zeros([4, 5]), 0.5,
                             noise_shape=tf.constant([4.0, 1.0]))
        with pytest.raises(TypeError, match="noise_shape"):
            nn.alpha_dropout(tf.zeros([4, 5]), 0.5, noise_shape="ab")


# --------------------------------------------------------------------------
# dropout_selu
# --------------------------------------------------------------------------

@pytest.mark.parametrize("rate, alpha, mean, var", [
    (0.05, ALPHA_PRIME, 0.0, 1.0),
    (0.2, ALPHA_PRIME, 0.0, 1.0),
    (0.5, ALPHA_PRIME, 0.0, 1.0),
    (0.3, -1.0, 0.5, 2.0),
    (0.1, 2.0, -1.0, 0.25),
])
def test_dropout_selu_keeps_the_fixed_point(rate, alpha, mean, var):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(99)
        x = mean + math.sqrt(var) * tf.random.normal([N_LARGE], seed=1)
        y = nn.dropout_selu(x, rate, alpha=alpha, fixedPointMean=mean,
                            fixedPointVar=var, seed=2, training=True)
        yv = sess.run(y)
    assert abs(yv.mean() - mean) < 0.01 * max(1.0, math.sqrt(var))
    assert abs(yv.var() / var - 1) < 0.01
    a, b = alpha_dropout_affine(1 - rate, alpha, mean, var)
    dropped = np.isclose(yv, a * alpha + b, rtol=1e-5, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.003


def test_dropout_selu_defaults_are_alpha_dropout():
    # Same correction; the mask is drawn as floor(keep_prob + u) instead of
    # u >= 1 - keep_prob, which differs only by float rounding at the edge.
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(3)
        x = tf.random.normal([100000], seed=1)
        y1 = nn.dropout_selu(x, 0.25, seed=5, training=True)
        y2 = nn.alpha_dropout(x, 0.75, seed=5)
        v1, v2 = sess.run([y1, y2])
    assert np.mean(np.isclose(v1, v2, rtol=1e-6, atol=1e-6)) > 0.999


@pytest.mark.parametrize("training", [False, 0, np.bool_(False),
                                      "const_false"])
def test_dropout_selu_not_training_passes_through(training):
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        if training == "const_false":
            training = tf.constant(False)
        x = tf.random.normal([1000], seed=1)
        y = nn.dropout_selu(x, 0.5, seed=2, training=training)
        assert y.op.type == "Identity"
        assert y.op.name.startswith("dropout")
        xv, yv = sess.run([x, y])
    np.testing.assert_array_equal(xv, yv)


def test_dropout_selu_training_placeholder_works_both_ways():
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(11)
        x = tf.random.normal([200000], seed=1)
        training = tf.compat.v1.placeholder(tf.bool, [], name="training")
        y = nn.dropout_selu(x, 0.1, seed=2, training=training)
        assert y.shape.as_list() == [200000]
        xv, yv_off = sess.run([x, y], {training: False})
        xv2, yv_on = sess.run([x, y], {training: True})
    np.testing.assert_array_equal(xv, yv_off)
    a, b = alpha_dropout_affine(0.9)
    dropped = np.isclose(yv_on, a * ALPHA_PRIME + b, rtol=1e-5, atol=1e-6)
    assert abs(dropped.mean() - 0.1) < 0.005
    assert abs(yv_on.mean()) < 0.01 and abs(yv_on.var() - 1) < 0.02
    np.testing.assert_allclose(yv_on[~dropped], a * xv2[~dropped] + b,
                               rtol=1e-5, atol=1e-5)


def test_dropout_selu_default_training_is_false():
    with tf.Graph().as_default():
        y = nn.dropout_selu(tf.zeros([3]), 0.5)
        assert y.op.type == "Identity"


def test_dropout_selu_rate_zero_returns_x():
    with tf.Graph().as_default():
        x = tf.zeros([3])
        assert nn.dropout_selu(x, 0.0, training=True) is x


def test_dropout_selu_rate_as_tensor():
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        rate = tf.compat.v1.placeholder(tf.float32, [])
        x = tf.random.normal([200000], seed=1)
        y = nn.dropout_selu(x, rate, seed=2, training=True)
        yv = sess.run(y, {rate: 0.3})
        assert abs(yv.mean()) < 0.01 and abs(yv.var() - 1) < 0.02
        with pytest.raises(tf.errors.InvalidArgumentError, match="rate"):
            sess.run(y, {rate: 1.0})


@pytest.mark.parametrize("rate", [1.0, 1, -0.1, 1.5, float("nan")])
def test_dropout_selu_bad_rate(rate):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"rate.*\[0, 1\).*Received: "
                                             r"rate=%s" % rate):
            nn.dropout_selu(tf.zeros([3]), rate, training=True)
        # Checked whether or not training.
        with pytest.raises(ValueError, match="rate"):
            nn.dropout_selu(tf.zeros([3]), rate)


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(training="yes"), TypeError, "training.*'yes'"),
    (dict(training=2), TypeError, "training=2"),
    (dict(training="float_tensor"), TypeError, "training.*float32"),
    (dict(fixedPointVar=0.0), ValueError, "fixedPointVar=0.0"),
    (dict(fixedPointVar=-1.0), ValueError, "fixedPointVar=-1.0"),
    (dict(alpha="x"), TypeError, "alpha"),
    (dict(rate=True), TypeError, "rate.*bool"),
    (dict(noise_shape=[7]), ValueError, "noise_shape=\\[7\\]"),
])
def test_dropout_selu_argument_errors(kwargs, error, pattern):
    with tf.Graph().as_default():
        if kwargs.get("training") == "float_tensor":
            kwargs["training"] = tf.constant(1.0)
        kwargs.setdefault("rate", 0.1)
        with pytest.raises(error, match=pattern):
            nn.dropout_selu(tf.zeros([3]), **kwargs)


def test_dropout_selu_rejects_non_float_x():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match=r"`x`.*int32"):
            nn.dropout_selu(tf.constant([1, 2]), 0.1, training=True)


# --------------------------------------------------------------------------
# Self-normalization of a deep SELU network
# --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_deep_selu_network_normalizes_its_activations(seed):
    depth, width, batch = 16, 256, 1000
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.set_random_seed(seed)
        # Inputs far from the fixed point: mean 2, std 3.
        net = 2.0 + 3.0 * tf.random.normal([batch, width], seed=1)
        stats = []
        for i in range(depth):
            w = tf.compat.v1.get_variable(
                "w%d" % i, [width, width],
                initializer=initializers.lecun_normal(seed=100 + i))
            net = nn.selu(tf.matmul(net, w))
            stats.append((tf.reduce_mean(net), tf.math.reduce_std(net)))
        sess.run(tf.compat.v1.global_variables_initializer())
        stats = sess.run(stats)
    first_mean, first_std = stats[0]
    last_mean, last_std = stats[-1]
    assert first_std > 2  # the first layer is still far off
    assert abs(last_mean) < 0.1
    assert abs(last_std - 1) < 0.15


# --------------------------------------------------------------------------
# arg_scope
# --------------------------------------------------------------------------

def test_ops_take_part_in_arg_scope():
    arg_scope_mod = pytest.importorskip("contrib_norm.framework.arg_scope")
    for op in (nn.selu, nn.alpha_dropout, nn.dropout_selu):
        assert arg_scope_mod.has_arg_scope(op)
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        x = tf.zeros([4])
        with arg_scope_mod.arg_scope([nn.selu], name="act"):
            assert nn.selu(x).op.name == "act"
        with arg_scope_mod.arg_scope([nn.alpha_dropout], noise_shape=[1]):
            shared = nn.alpha_dropout(x, 0.5, seed=1)
        with arg_scope_mod.arg_scope([nn.dropout_selu], training=True):
            y = nn.dropout_selu(x, 0.5)
            z = nn.dropout_selu(x, 0.5, training=False)  # explicit wins
        assert y.op.type != "Identity" and z.op.type == "Identity"
        assert len(set(sess.run(shared).tolist())) == 1
