"""Weight initializers of tf.contrib.layers, plus lecun_normal for SELU networks."""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

import math
import numbers

import numpy as np
import tensorflow as tf

__all__ = [
    "lecun_normal",
    "variance_scaling_initializer",
    "xavier_initializer",
    "xavier_initializer_conv2d",
]

_MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


def _check_seed(seed, fn):
    if seed is not None and (isinstance(seed, (bool, np.bool_))
                             or not isinstance(seed, numbers.Integral)):
        raise TypeError("%s: `seed` must be a Python integer or None. "
                        "Received: seed=%r" % (fn, seed))


def _float_dtype(dtype, fn):
    """Returns ``dtype`` as a ``tf.DType``; TypeError unless floating point."""
    try:
        as_dtype = tf.as_dtype(dtype)
    except TypeError:
        raise TypeError("%s: `dtype` is not a valid data type. Received: "
                        "dtype=%r" % (fn, dtype)) from None
    if not as_dtype.is_floating:
        # The first sentence is the legacy tf.contrib.layers message.
        raise TypeError("Cannot create initializer for non-floating point "
                        "type. Received: dtype=%s" % as_dtype.name)
    return as_dtype


class InvalidModeError(ValueError, TypeError):
    """A bad ``mode``.

    tf.contrib.layers raised ``TypeError`` here (while documenting
    ``ValueError``); this error is both, so either ``except`` clause in old
    code keeps working.
    """


def lecun_normal(seed=None):
    """LeCun normal initializer, the weight initialization for SELU networks.

    Draws from a normal distribution with mean 0 truncated at two standard
    deviations, with ``stddev = sqrt(1 / fan_in) / 0.87962566103423978``; the
    divisor is the standard deviation of a standard normal truncated to
    ``[-2, 2]``, so the samples have variance ``1 / fan_in`` after the
    truncation (as ``tf.keras.initializers.lecun_normal`` in TF 1.x, and
    ``tf.compat.v1.variance_scaling_initializer(scale=1.0, mode="fan_in",
    distribution="truncated_normal")``). ``fan_in`` is ``shape[-2]`` times the
    receptive field size ``prod(shape[:-2])`` (``shape[0]`` for a 1-D shape).

    Weights of variance ``1 / fan_in`` (and mean 0) are what makes mean 0 /
    variance 1 the fixed point of SELU layers: LeCun et al. (1998),
    "Efficient BackProp"; Klambauer et al. (2017), "Self-Normalizing Neural
    Networks", NeurIPS, https://arxiv.org/abs/1706.02515.

    Args:
        seed: Optional Python integer, the op-level seed (see
            ``tf.compat.v1.set_random_seed``).

    Returns:
        An initializer, callable as ``init(shape, dtype=None,
        partition_info=None)``, usable with ``tf.compat.v1.get_variable`` and
        the ``kernel_initializer`` / ``weights_initializer`` of layers.

    Raises:
        TypeError: If ``seed`` is not an integer or None.
    """
    _check_seed(seed, "lecun_normal")
    return tf.compat.v1.variance_scaling_initializer(
        scale=1.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False,
                                 seed=None, dtype=tf.float32):
    """``tf.contrib.layers.variance_scaling_initializer``.

    Returns an initializer whose samples have variance ``factor / n``, where::

        n = fan_in                  if mode == 'FAN_IN'
        n = fan_out                 if mode == 'FAN_OUT'
        n = (fan_in + fan_out) / 2  if mode == 'FAN_AVG'

    For a shape ``[..., fan_in_base, fan_out_base]`` (dense ``[in, out]``,
    conv ``[h, w, in, out]``), ``fan_in = shape[-2] * prod(shape[:-2])`` and
    ``fan_out = shape[-1] * prod(shape[:-2])``; a 1-D shape has
    ``fan_in = fan_out = shape[0]`` and a scalar shape 1.

    * ``uniform=True``: uniform on ``[-limit, limit]`` with
      ``limit = sqrt(3 * factor / n)``.
    * ``uniform=False``: normal truncated at two standard deviations, with
      ``stddev = sqrt(1.3 * factor / n)``. As in TF 1.x this is not corrected
      exactly for the truncation (the exact divisor would be 0.8796^2 ~ 1/1.2925
      instead of 1/1.3), so the sample variance is about ``1.0058 * factor / n``.

    ``factor=2.0, mode='FAN_IN', uniform=False`` (the default) is He et al.
    (2015), "Delving Deep into Rectifiers"; ``factor=1.0, mode='FAN_AVG'`` is
    Glorot and Bengio (2010); ``factor=1.0, mode='FAN_IN'`` with a normal
    distribution is the LeCun initialization SELU networks need (Klambauer et
    al. 2017, "Self-Normalizing Neural Networks"; see also
    :func:`lecun_normal`, which corrects the truncation exactly).

    Args:
        factor: A non-negative float, the multiplicative factor.
        mode: One of ``'FAN_IN'``, ``'FAN_OUT'``, ``'FAN_AVG'``.
        uniform: Whether to draw from a uniform distribution (True) or a
            truncated normal one (False).
        seed: Optional Python integer, the op-level seed (see
            ``tf.compat.v1.set_random_seed``).
        dtype: The default data type; only floating-point types are
            supported. A ``dtype`` passed at call time overrides it.

    Returns:
        An initializer ``init(shape, dtype=dtype, partition_info=None)``
        returning a tensor of that shape and dtype.

    Raises:
        TypeError: If ``dtype`` is not a floating-point type (also at call
            time), or ``seed`` is not an integer.
        ValueError: If ``mode`` is not one of the three modes (the error is
            also a ``TypeError``, which tf.contrib.layers raised), or
            ``factor`` is negative or not a number; at call time, if the shape
            is not fully defined.
    """
    fn = "variance_scaling_initializer"
    dtype = _float_dtype(dtype, fn)
    if mode not in _MODES:
        raise InvalidModeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]. "
                         "Received: mode=%r" % (mode, mode))
    if isinstance(factor, (bool, np.bool_)) or not isinstance(
            factor, numbers.Real):
        raise TypeError("%s: `factor` must be a non-negative float. "
                        "Received: factor=%r" % (fn, factor))
    if not factor >= 0 or math.isinf(factor):
        raise ValueError("%s: `factor` must be a finite non-negative float. "
                         "Received: factor=%r" % (fn, factor))
    factor = float(factor)
    _check_seed(seed, fn)
    default_dtype = dtype

    def _initializer(shape, dtype=default_dtype, partition_info=None):
        """Returns a random tensor of ``shape`` (fans taken from ``shape``).

        ``partition_info`` is accepted and ignored, as in tf.contrib.layers:
        for a partitioned variable the fans come from the partition's shape.
        """
        del partition_info
        dtype = _float_dtype(default_dtype if dtype is None else dtype, fn)
        try:
            tensor_shape = tf.TensorShape(shape)
        except ValueError as err:
            raise ValueError("%s: the shape must be a list of non-negative "
                             "ints. Received: shape=%r (%s)"
                             % (fn, shape, err)) from None
        except TypeError as err:
            raise TypeError("%s: the shape must be a list of non-negative "
                            "ints. Received: shape=%r (%s)"
                            % (fn, shape, err)) from None
        if not tensor_shape.is_fully_defined():
            raise ValueError("%s: the shape must be fully defined. Received: "
                             "shape=%r" % (fn, shape))
        dims = tensor_shape.as_list()
        if dims:
            fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
            fan_out = float(dims[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in dims[:-2]:
            fan_in *= dim
            fan_out *= dim
        if mode == "FAN_IN":
            n = fan_in
        elif mode == "FAN_OUT":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        # n == 0 only for a shape with no elements; any finite scale will do.
        n = n if n > 0 else 1.0
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return tf.random.uniform(dims, -limit, limit, dtype=dtype,
                                     seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return tf.random.truncated_normal(dims, 0.0, stddev, dtype=dtype,
                                          seed=seed)

    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    """``tf.contrib.layers.xavier_initializer`` (Glorot initialization).

    Same as ``variance_scaling_initializer(factor=1.0, mode='FAN_AVG',
    uniform=uniform, seed=seed, dtype=dtype)``: uniform on ``[-x, x]`` with
    ``x = sqrt(6 / (fan_in + fan_out))``, or a truncated normal with
    ``stddev = sqrt(1.3 * 2 / (fan_in + fan_out))``. Glorot and Bengio (2010),
    "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS.

    Args:
        uniform: Whether to use a uniform (True) or truncated normal (False)
            distribution.
        seed: Optional Python integer, the op-level seed.
        dtype: The default data type; only floating-point types are supported.

    Returns:
        An initializer ``init(shape, dtype=dtype, partition_info=None)``.

    Raises:
        TypeError: If ``dtype`` is not a floating-point type, or ``seed`` is
            not an integer.
    """
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG",
                                        uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
