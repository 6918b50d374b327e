"""Self-normalizing ops: selu, alpha_dropout, dropout_selu (Klambauer et al. 2017).

Also ``conv2d_transpose`` (and ``conv2d_transpose_v1``, TF1's signature):
TensorFlow's own, with TF1's static output shape, which TF1-era code reads
(``tf.reshape(deconv, deconv.get_shape())``).
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

import numbers

import numpy as np
import tensorflow as tf

from contrib_norm._core import moments as moments_lib
from contrib_norm.framework.arg_scope import add_arg_scope

__all__ = ["selu", "alpha_dropout", "dropout_selu", "SELU_ALPHA", "SELU_SCALE",
           "conv2d_transpose", "conv2d_transpose_v1"]

# The two SELU constants of Klambauer et al. (2017), to 32 digits.
# With them, mean 0 / variance 1 is a fixed point of a SELU layer whose
# weights have sum 0 and squared sum 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
# lambda * alpha, correctly rounded (what TensorFlow's Selu kernel uses).
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123
# alpha' = -lambda * alpha: the value SELU saturates to for x -> -inf, and the
# value dropped units are set to. This is the literal tf.contrib.nn and the
# paper code used (the double product -SELU_SCALE * SELU_ALPHA).
_ALPHA_PRIME = -1.7580993408473766


def _float_tensor(value, arg, fn):
    """Converts ``value`` to a tensor and checks it is floating point."""
    if isinstance(value, (tf.Tensor, tf.Variable)):
        tensor = tf.convert_to_tensor(value)
    else:
        try:
            tensor = tf.convert_to_tensor(value, name=arg)
        except (TypeError, ValueError) as err:
            raise TypeError(
                "%s: `%s` must be convertible to a floating-point tensor. "
                "Received: %s=%r (%s)" % (fn, arg, arg, value, err)) from None
    if not tensor.dtype.is_floating:
        raise TypeError(
            "%s: `%s` must be a floating-point tensor (float16, bfloat16, "
            "float32 or float64). Received: %s with dtype %s"
            % (fn, arg, arg, tensor.dtype.name))
    return tensor


def _scalar_float(value, arg, fn, dtype):
    """Returns ``(tensor, python_value)`` for a scalar float argument.

    ``value`` may be a Python/NumPy real number or a scalar floating-point
    tensor; the tensor is cast to ``dtype``. ``python_value`` is the value as a
    Python float when it is known at graph-build time, else ``None``.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("%s: `%s` must be a float or a scalar floating-point "
                        "tensor, not a bool. Received: %s=%r"
                        % (fn, arg, arg, value))
    if isinstance(value, numbers.Real):
        tensor = tf.constant(float(value), dtype=dtype, name=arg)
        # The value after rounding to ``dtype`` (1e-9 is 0 in float16).
        return tensor, float(tf.get_static_value(tensor))
    try:
        tensor = tf.convert_to_tensor(value)
    except (TypeError, ValueError) as err:
        raise TypeError("%s: `%s` must be a float or a scalar floating-point "
                        "tensor. Received: %s=%r (%s)"
                        % (fn, arg, arg, value, err)) from None
    if not tensor.dtype.is_floating:
        raise TypeError("%s: `%s` must be a float or a scalar floating-point "
                        "tensor. Received: %s with dtype %s"
                        % (fn, arg, arg, tensor.dtype.name))
    if not tensor.shape.is_compatible_with([]):
        raise ValueError("%s: `%s` must be a scalar. Received: %s with shape %s"
                         % (fn, arg, arg, tensor.shape))
    if tensor.dtype != dtype:
        tensor = tf.cast(tensor, dtype)
    static = tf.get_static_value(tensor)
    return tensor, (None if static is None else float(static))


def _check_range(value, lo, hi, lo_open, hi_open, arg, fn, received=None):
    """Raises ValueError unless ``value`` lies in the interval (lo, hi)."""
    ok = (lo < value if lo_open else lo <= value) and (
        value < hi if hi_open else value <= hi)
    if not ok:  # also catches NaN
        interval = "%s%g, %g%s" % ("(" if lo_open else "[", lo, hi,
                                   ")" if hi_open else "]")
        raise ValueError("%s: `%s` must be a float or a scalar tensor in the "
                         "range %s. Received: %s=%r"
                         % (fn, arg, interval, arg,
                            value if received is None else received))


def _checked_at_run_time(tensor, lo_open, hi_open, arg, fn):
    """Returns ``tensor``, asserting at run time that it lies in [0, 1].

    The ends of the interval are open when ``lo_open`` / ``hi_open``; the
    assertion fails with an ``InvalidArgumentError`` naming ``arg``.
    """
    message = "%s: %s must be in %s0, 1%s" % (
        fn, arg, "(" if lo_open else "[", ")" if hi_open else "]")
    zero = tf.zeros([], tensor.dtype)
    one = tf.ones([], tensor.dtype)
    lower = tf.debugging.assert_greater if lo_open else (
        tf.debugging.assert_greater_equal)
    upper = tf.debugging.assert_less if hi_open else (
        tf.debugging.assert_less_equal)
    checks = [lower(tensor, zero, message=message),
              upper(tensor, one, message=message)]
    with tf.control_dependencies(checks):
        return tf.identity(tensor)


def _noise_shape_tensor(x, noise_shape, fn):
    """Validates ``noise_shape`` against ``x`` and returns it as a 1-D tensor.

    As in ``tf.nn.dropout``, ``None`` entries of a noise shape with the rank of
    ``x`` are taken from ``x``'s dynamic shape. Every statically known
    dimension must be 1 (mask shared along it) or equal to that of ``x``.
    """
    if noise_shape is None:
        return tf.shape(x)
    if isinstance(noise_shape, (tf.Tensor, tf.Variable)):
        tensor = tf.convert_to_tensor(noise_shape)
        if not tensor.dtype.is_integer:
            raise TypeError("%s: `noise_shape` must be a 1-D integer tensor or "
                            "a list of ints. Received: noise_shape with dtype "
                            "%s" % (fn, tensor.dtype.name))
        if not tensor.shape.is_compatible_with([None]):
            raise ValueError("%s: `noise_shape` must be 1-D. Received: "
                             "noise_shape with shape %s" % (fn, tensor.shape))
        static = tf.get_static_value(tensor)
        if static is None:
            return tensor
        dims = [int(d) for d in static]
    else:
        try:
            dims = tf.TensorShape(noise_shape).as_list()
        except ValueError as err:
            raise ValueError("%s: `noise_shape` must be a list of non-negative "
                             "ints. Received: noise_shape=%r (%s)"
                             % (fn, noise_shape, err)) from None
        except TypeError as err:
            raise TypeError("%s: `noise_shape` must be a 1-D integer tensor or "
                            "a list of ints (or None). Received: noise_shape=%r "
                            "(%s)" % (fn, noise_shape, err)) from None
        if dims is None:
            raise ValueError("%s: `noise_shape` must have a known rank. "
                             "Received: noise_shape=%r" % (fn, noise_shape))
    x_dims = x.shape.as_list() if x.shape.rank is not None else None
    bad = any(d is not None and d < 0 for d in dims)
    if x_dims is not None:
        if len(dims) > len(x_dims):
            bad = True
        else:
            aligned = x_dims[len(x_dims) - len(dims):]
            bad = bad or any(d is not None and xd is not None and d not in (1, xd)
                             for d, xd in zip(dims, aligned))
    if bad:
        raise ValueError(
            "%s: `noise_shape` must broadcast to the shape of `x` (%s): each "
            "dimension must be 1 (to share the mask) or equal to x's. "
            "Received: noise_shape=%s" % (fn, x.shape, dims))
    if all(d is not None for d in dims):
        return tf.constant(dims, dtype=tf.int32)
    if x_dims is None or len(dims) != len(x_dims):
        raise ValueError("%s: `noise_shape` may contain None only when it has "
                         "the rank of `x` (%s). Received: noise_shape=%s"
                         % (fn, x.shape, dims))
    dynamic = tf.shape(x)
    return tf.stack([dynamic[i] if d is None else tf.constant(d, tf.int32)
                     for i, d in enumerate(dims)])


def _static_bool(training):
    """Returns ``training`` as a Python bool, or a scalar bool tensor."""
    if isinstance(training, (bool, np.bool_)):
        return bool(training)
    if isinstance(training, numbers.Integral) and training in (0, 1):
        return bool(training)
    if isinstance(training, (tf.Tensor, tf.Variable)):
        tensor = tf.convert_to_tensor(training)
        if tensor.dtype != tf.bool:
            raise TypeError("dropout_selu: `training` must be a Python bool or "
                            "a scalar bool tensor. Received: training with "
                            "dtype %s" % tensor.dtype.name)
        if not tensor.shape.is_compatible_with([]):
            raise ValueError("dropout_selu: `training` must be a scalar. "
                             "Received: training with shape %s" % tensor.shape)
        static = tf.get_static_value(tensor)
        return tensor if static is None else bool(static)
    raise TypeError("dropout_selu: `training` must be a Python bool or a scalar "
                    "bool tensor. Received: training=%r" % (training,))


@add_arg_scope
def selu(features, name=None):
    """Scaled exponential linear unit (SELU).

    Computes, elementwise::

        selu(x) = lambda * x                       if x > 0
        selu(x) = lambda * alpha * (exp(x) - 1)    if x <= 0

    with ``alpha = 1.6732632423543772848170429916717`` and
    ``lambda = 1.0507009873554804934193349852946``. These constants make
    mean 0 and variance 1 a stable and attracting fixed point of the layer
    statistics (for weights of zero mean and variance ``1/fan_in``), see
    Klambauer, Unterthiner, Mayr and Hochreiter (2017), "Self-Normalizing
    Neural Networks", NeurIPS, https://arxiv.org/abs/1706.02515.

    The negative branch uses ``expm1``, so the result is accurate to a few ulp
    in float64 also for ``x`` close to 0 (``tf.nn.selu`` computes
    ``exp(x) - 1`` and loses digits there). float16 and bfloat16 inputs are
    computed in float32 and the result is cast back to the input dtype. The
    gradient is ``lambda`` for ``x >= 0`` and ``lambda * alpha * exp(x)``
    for ``x < 0`` (as ``tf.nn.selu``), and it is finite for every finite ``x``.

    Args:
        features: A floating-point tensor (float16, bfloat16, float32 or
            float64), or something convertible to one.
        name: Optional name for the operation; defaults to ``"selu"``.

    Returns:
        A tensor of the same shape and dtype as ``features``.

    Raises:
        TypeError: If ``features`` is not floating point (e.g. int, bool,
            string) or cannot be converted to a tensor.
    """
    with tf.compat.v1.name_scope(name, "selu", [features]) as scope:
        x = _float_tensor(features, "features", "selu")
        compute_dtype = moments_lib.compute_dtype(x.dtype)
        xc = tf.cast(x, compute_dtype) if compute_dtype != x.dtype else x
        scale = tf.constant(SELU_SCALE, dtype=compute_dtype, name="scale")
        scale_alpha = tf.constant(_SELU_SCALE_ALPHA, dtype=compute_dtype,
                                  name="scale_alpha")
        # Clamp before expm1 so that the unused branch cannot overflow; an
        # inf there would turn the tf.where gradient into NaN.
        negative = scale_alpha * tf.math.expm1(
            tf.minimum(xc, tf.zeros([], compute_dtype)))
        positive = scale * xc
        if compute_dtype == x.dtype:
            return tf.where(xc < 0, negative, positive, name=scope)
        return tf.cast(tf.where(xc < 0, negative, positive), x.dtype,
                       name=scope)


@add_arg_scope
def alpha_dropout(x, keep_prob, noise_shape=None, seed=None, name=None):
    """Alpha dropout, the dropout that keeps SELU networks self-normalizing.

    Each element (or each slice, see ``noise_shape``) is kept with probability
    ``keep_prob``; dropped elements are set to ``alpha' = -lambda * alpha
    = -1.7580993408473766``, the value SELU saturates to. Then the affine map
    ``a * y + b`` with::

        a = (keep_prob + alpha'^2 * keep_prob * (1 - keep_prob)) ** -0.5
        b = -a * alpha' * (1 - keep_prob)

    restores mean 0 and variance 1 for inputs of mean 0 and variance 1
    (Klambauer et al. 2017, "Self-Normalizing Neural Networks", NeurIPS,
    https://arxiv.org/abs/1706.02515, section "New dropout technique").

    Matches ``tf.contrib.nn.alpha_dropout``: the ops are created under the
    name scope ``"alpha_dropout"``; the mask is drawn as
    ``tf.random.uniform(noise_shape, seed=seed, dtype=x.dtype) >=
    1 - keep_prob``, so a given graph-level and op-level seed gives the same
    mask as the legacy op; and when ``keep_prob`` is statically 1 the input
    tensor itself is returned. Unlike the legacy op, a ``keep_prob`` tensor
    whose value is only known at run time is checked at run time (an
    ``InvalidArgumentError`` when it is outside ``(0, 1]``).

    Args:
        x: A floating-point tensor.
        keep_prob: The probability that each element is kept: a float in
            ``(0, 1]`` or a scalar floating-point tensor (cast to ``x.dtype``).
        noise_shape: Optional 1-D integer tensor or list, the shape of the
            random keep/drop mask. It must broadcast to the shape of ``x``: a
            dimension of 1 shares the mask along that axis, as in
            ``tf.nn.dropout``. ``None`` entries are taken from ``x``. Defaults
            to the shape of ``x``.
        seed: Optional Python integer, the op-level seed (see
            ``tf.compat.v1.set_random_seed``).
        name: Optional name scope; defaults to ``"alpha_dropout"``.

    Returns:
        A tensor of the same shape and dtype as ``x``; ``x`` itself when
        ``keep_prob`` is statically 1.

    Raises:
        ValueError: If ``keep_prob`` is known at graph-build time and is not in
            ``(0, 1]``, if it is not a scalar, or if ``noise_shape`` does not
            broadcast to the shape of ``x``.
        TypeError: If ``x`` is not floating point, or ``keep_prob`` or
            ``noise_shape`` has an unusable type.
    """
    fn = "alpha_dropout"
    with tf.compat.v1.name_scope(name, "alpha_dropout", [x]) as scope:
        x = _float_tensor(x, "x", fn)
        received = keep_prob
        if isinstance(keep_prob, numbers.Real) and not isinstance(
                keep_prob, (bool, np.bool_)):
            _check_range(float(keep_prob), 0.0, 1.0, True, False, "keep_prob",
                         fn, received=keep_prob)
        keep_prob, static = _scalar_float(keep_prob, "keep_prob", fn, x.dtype)
        if static is not None:
            if not 0.0 < static <= 1.0:
                if isinstance(received, numbers.Real):
                    # In range as given, but not after the cast to x.dtype.
                    raise ValueError(
                        "alpha_dropout: `keep_prob` must be in (0, 1] in the "
                        "dtype of x; it rounds to %r in %s. Received: "
                        "keep_prob=%r" % (static, x.dtype.name, received))
                _check_range(static, 0.0, 1.0, True, False, "keep_prob", fn)
            if static == 1.0:
                return x
        else:
            keep_prob = _checked_at_run_time(keep_prob, True, False,
                                             "keep_prob", fn)

        shape = _noise_shape_tensor(x, noise_shape, fn)
        alpha_p = tf.constant(_ALPHA_PRIME, dtype=x.dtype, name="alpha_prime")
        one = tf.ones([], x.dtype)
        uniform = tf.random.uniform(shape, seed=seed, dtype=x.dtype)
        kept = uniform >= one - keep_prob
        masked = tf.where(kept, x, alpha_p)
        a = (keep_prob + keep_prob * (one - keep_prob) * alpha_p ** 2) ** -0.5
        b = -a * alpha_p * (one - keep_prob)
        out = tf.add(a * masked, b, name=scope)
        out.set_shape(x.shape)
        return out


@add_arg_scope
def dropout_selu(x, rate, alpha=_ALPHA_PRIME, fixedPointMean=0.0,
                 fixedPointVar=1.0, noise_shape=None, seed=None, name=None,
                 training=False):  # pylint: disable=invalid-name
    """Dropout for SELU networks with a general fixed-point correction.

    The ``dropout_selu`` of the paper's reference code (bioinf-jku/SNNs,
    ``selu.py``). With ``keep_prob = 1 - rate``, each element of ``x`` is kept
    with probability ``keep_prob`` and otherwise set to ``alpha``; then the
    affine map ``a * y + b`` with::

        a = sqrt(fixedPointVar / (keep_prob * ((1 - keep_prob)
                 * (alpha - fixedPointMean)**2 + fixedPointVar)))
        b = fixedPointMean - a * (keep_prob * fixedPointMean
                                  + (1 - keep_prob) * alpha)

    makes an input of mean ``fixedPointMean`` and variance ``fixedPointVar``
    come out with that same mean and variance. With the defaults
    (``alpha = -lambda * alpha_selu``, mean 0, variance 1) it is
    :func:`alpha_dropout`. Klambauer et al. (2017), "Self-Normalizing Neural
    Networks", NeurIPS, https://arxiv.org/abs/1706.02515.

    As in the paper code, the ops live under the name scope ``"dropout"``,
    the mask is ``floor(keep_prob + U)`` for ``U ~ uniform[0, 1)`` of shape
    ``noise_shape`` and dtype ``x.dtype``, and when not training the result
    is ``tf.identity(x)``.

    Args:
        x: A floating-point tensor.
        rate: The probability that an element is dropped: a float in
            ``[0, 1)`` or a scalar floating-point tensor.
        alpha: The value dropped elements are set to (float or scalar tensor).
        fixedPointMean: The mean to preserve (float or scalar tensor).
        fixedPointVar: The variance to preserve, > 0 (float or scalar tensor).
        noise_shape: Optional shape of the random mask; must broadcast to the
            shape of ``x`` (a dimension of 1 shares the mask), as in
            ``tf.nn.dropout``. Defaults to the shape of ``x``.
        seed: Optional Python integer, the op-level seed.
        name: Optional name scope; defaults to ``"dropout"``.
        training: A Python bool or a scalar bool tensor (e.g. a placeholder).
            When it is statically known only one branch is built; otherwise
            ``tf.cond`` chooses at run time. When false, ``x`` passes through
            unchanged.

    Returns:
        A tensor of the same shape and dtype as ``x``.

    Raises:
        ValueError: If ``rate`` is known at graph-build time and not in
            ``[0, 1)``, if ``fixedPointVar`` is known and not > 0, if a scalar
            argument is not a scalar, or if ``noise_shape`` does not broadcast
            to the shape of ``x``.
        TypeError: If ``x`` is not floating point, ``training`` is not a bool
            or bool tensor, or another argument has an unusable type.
    """
    fn = "dropout_selu"
    with tf.compat.v1.name_scope(name, "dropout", [x]):
        x = _float_tensor(x, "x", fn)
        if isinstance(rate, (bool, np.bool_)):
            raise TypeError("dropout_selu: `rate` must be a float or a scalar "
                            "floating-point tensor, not a bool. Received: "
                            "rate=%r" % (rate,))
        if isinstance(rate, numbers.Real):
            _check_range(float(rate), 0.0, 1.0, False, True, "rate", fn,
                         received=rate)
            static_rate = float(rate)
        else:
            rate_t, static_rate = _scalar_float(rate, "rate", fn, x.dtype)
            if static_rate is not None:
                _check_range(static_rate, 0.0, 1.0, False, True, "rate", fn)
        if static_rate is not None:
            # As in the paper code: 1 - rate in double, then cast to x.dtype.
            keep_prob = tf.constant(1.0 - static_rate, dtype=x.dtype,
                                    name="keep_prob")
            static_keep = float(tf.get_static_value(keep_prob))
            if not static_keep > 0:
                raise ValueError(
                    "dropout_selu: `rate` must be in [0, 1) in the dtype of x; "
                    "1 - rate rounds to %r in %s. Received: rate=%r"
                    % (static_keep, x.dtype.name, rate))
        else:
            static_keep = None
            rate_t = _checked_at_run_time(rate_t, False, True, "rate", fn)
            keep_prob = tf.subtract(tf.ones([], x.dtype), rate_t,
                                    name="keep_prob")
        alpha_t, _ = _scalar_float(alpha, "alpha", fn, x.dtype)
        mean_t, _ = _scalar_float(fixedPointMean, "fixedPointMean", fn, x.dtype)
        var_t, var_static = _scalar_float(fixedPointVar, "fixedPointVar", fn,
                                          x.dtype)
        if var_static is not None and not var_static > 0:
            raise ValueError("dropout_selu: `fixedPointVar` must be > 0. "
                             "Received: fixedPointVar=%r" % (fixedPointVar,))
        training = _static_bool(training)
        shape = _noise_shape_tensor(x, noise_shape, fn)

        def _dropped():
            if static_keep == 1.0:
                return x
            one = tf.ones([], x.dtype)
            uniform = tf.random.uniform(shape, seed=seed, dtype=x.dtype)
            kept = keep_prob + uniform >= one  # floor(keep_prob + U) == 1
            masked = tf.where(kept, x, alpha_t)
            a = tf.sqrt(var_t / (keep_prob * ((one - keep_prob)
                                              * tf.square(alpha_t - mean_t)
                                              + var_t)))
            b = mean_t - a * (keep_prob * mean_t + (one - keep_prob) * alpha_t)
            out = a * masked + b
            out.set_shape(x.shape)
            return out

        if training is True:
            return _dropped()
        if training is False:
            return tf.identity(x)
        out = tf.cond(training, _dropped, lambda: tf.identity(x))
        out.set_shape(x.shape)
        return out


def _with_tf1_static_shape(outputs, output_shape):
    """Gives a transposed convolution TF1's static shape: whatever of
    `output_shape` is known when the graph is built (TensorFlow 2 leaves the
    batch dimension unknown when the input's is)."""
    known = tf.get_static_value(tf.convert_to_tensor(output_shape), partial=True)
    if known is not None and np.ndim(known) == 1:
        outputs.set_shape([None if v is None else int(v) for v in known])
    return outputs


@add_arg_scope
def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # pylint: disable=redefined-builtin
                     data_format="NHWC", dilations=None, name=None):
    """`tf.nn.conv2d_transpose` with TF1's static output shape.

    The arguments and the result's values are TensorFlow 2's. The static
    shape is `output_shape` where it is known when the graph is built, as in
    TF 1.x: for an input with an unknown batch dimension and
    `output_shape=[64, 8, 8, 16]`, TensorFlow 2 gives (None, 8, 8, 16) and
    this gives (64, 8, 8, 16). contrib-norm-migrate rewrites
    `tf.nn.conv2d_transpose` to this.
    """
    outputs = tf.nn.conv2d_transpose(
        input, filters, output_shape, strides, padding=padding,
        data_format=data_format, dilations=dilations, name=name)
    return _with_tf1_static_shape(outputs, output_shape)


@add_arg_scope
def conv2d_transpose_v1(value=None, filter=None, output_shape=None,  # pylint: disable=redefined-builtin
                        strides=None, padding="SAME", data_format="NHWC",
                        name=None, input=None, filters=None, dilations=None):  # pylint: disable=redefined-builtin
    """`tf.compat.v1.nn.conv2d_transpose` (TF1's signature) with TF1's static
    output shape (see `conv2d_transpose`)."""
    outputs = tf.compat.v1.nn.conv2d_transpose(
        value=value, filter=filter, output_shape=output_shape,
        strides=strides, padding=padding, data_format=data_format, name=name,
        input=input, filters=filters, dilations=dilations)
    return _with_tf1_static_shape(outputs, output_shape)
