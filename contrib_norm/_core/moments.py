"""Batch statistics: plain and frequency-weighted moments.

Both are two-pass (the variance is the mean of squared deviations from the
mean), as `tf.nn.moments` computes them, so they do not suffer the
E[x^2] - E[x]^2 cancellation for inputs with a large offset. float16 and
bfloat16 inputs are reduced in float32 and the results cast back (TensorFlow
itself does this for float16 only).
"""

import tensorflow as tf

_HALF_TYPES = (tf.float16, tf.bfloat16)


def moments(x, axes, keepdims=False, weights=None):
    """Mean and biased variance of `x` over `axes`.

    Args:
      x: the input tensor.
      axes: the axes to reduce.
      keepdims: keep the reduced axes with size 1.
      weights: optional frequency weights broadcastable to `x` (the legacy
        `batch_weights`, reshaped to [batch, 1, ..., 1]).

    Returns:
      `(mean, variance)`, in the dtype of `x`.
    """
    dtype = x.dtype.base_dtype
    if dtype in _HALF_TYPES:
        x = tf.cast(x, tf.float32)
        if weights is not None:
            weights = tf.cast(weights, tf.float32)
    if weights is None:
        mean, variance = tf.nn.moments(x, axes, keepdims=keepdims)
    else:
        mean, variance = tf.nn.weighted_moments(x, axes, weights, keepdims=keepdims)
    if dtype in _HALF_TYPES:
        mean, variance = tf.cast(mean, dtype), tf.cast(variance, dtype)
    return mean, variance
