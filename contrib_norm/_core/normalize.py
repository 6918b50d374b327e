"""Applying statistics: y = (x - shift) * scale + offset, per slice.

Every family here ends the same way. From the statistics (mean, variance),
the shift the input was centred with (see `moments.partial_moments`) and
the optional parameters gamma and beta,

    scale  = gamma / sqrt(variance + epsilon)
    offset = beta - (mean - shift) * scale
    y      = (x - shift) * scale + offset
           = gamma * (x - mean) / sqrt(variance + epsilon) + beta

`scale` and `offset` have the (small) shape of the statistics broadcast with
the parameters, e.g. [N, 1, 1, C], so the full-size tensor is touched by one
multiply and one add only (and their gradients reduce to per-slice sums).
Because `x - shift` and `mean - shift` are small, nothing cancels for inputs
with a large offset (`x * scale - mean * scale` would).

When gamma and beta vary along the reduced axes (layer norm over the last
axis, parameters on that axis), `scale` and `offset` would be as large as the
input itself, costing three extra full-size tensors forward and as many
backward; `apply_moments` then normalizes first and applies the parameters
after, `y = ((x - shift) * r + (shift - mean) * r) * gamma + beta` with
`r = 1 / sqrt(variance + epsilon)` of the statistics' shape.
"""

import tensorflow as tf


def scale_and_offset(mean, variance, epsilon, gamma=None, beta=None, shift=None):
    """The per-slice `scale` and `offset` of the module docstring.

    Args:
      mean: the means, in the compute dtype.
      variance: the biased variances, same shape.
      epsilon: a float added to the variance inside the square root.
      gamma: optional scale parameter, broadcastable to the statistics (cast
        to their dtype).
      beta: optional offset parameter, likewise.
      shift: what was subtracted from the input that `apply` will scale
        (None: nothing).

    Returns:
      `(scale, offset)`.
    """
    dtype = mean.dtype.base_dtype
    if tf.is_tensor(epsilon):
        epsilon = tf.cast(epsilon, dtype)
    # A Python float goes straight to `dtype` (not through float32).
    scale = tf.math.rsqrt(variance + epsilon)
    if gamma is not None:
        scale *= tf.cast(gamma, dtype)
    if shift is not None:
        mean = mean - shift
    offset = -mean * scale
    if beta is not None:
        offset += tf.cast(beta, dtype)
    return scale, offset


def apply(centered, scale, offset, dtype, name=None):
    """`centered * scale + offset`, cast to `dtype` (the input's)."""
    outputs = tf.add(centered * scale, offset, name=name)
    if outputs.dtype.base_dtype != dtype:
        outputs = tf.cast(outputs, dtype)
    return outputs


def apply_moments(
    moments,
    epsilon,
    gamma,
    beta,
    dtype,
    mean=None,
    variance=None,
    name=None,
    statistic_params=(),
):
    """Normalizes `moments.centered` with its statistics, gamma and beta.

    Args:
      moments: the `moments.PartialMoments` of the input (its centred copy
        and shift are used, and its statistics unless given).
      epsilon: a float added to the variance inside the square root.
      gamma: optional scale parameter, broadcastable to the statistics.
      beta: optional offset parameter, likewise.
      dtype: the output dtype (the input's).
      mean: the means to normalize with, if not `moments.mean` (e.g. merged
        within groups).
      variance: the matching variances, if not `moments.variance`.
      name: optional name of the output.
      statistic_params: variables that `mean` and `variance` depend on
        (switchable_norm's importance weights), kept connected to the output
        when the input is statically empty (see below).

    For an input whose shape is fully known and has no elements, the output
    is an empty tensor of its shape and `dtype`, computed without the
    statistics: gamma, beta, `statistic_params` and the input stay
    connected, with gradients of zeros.

    Returns:
      gamma * (x - mean) / sqrt(variance + epsilon) + beta, in `dtype`.
    """
    mean = moments.mean if mean is None else mean
    variance = moments.variance if variance is None else variance
    if statically_empty(moments.centered):
        params = (gamma, beta) + tuple(statistic_params)
        return empty_output(moments.centered, params, dtype, name)
    if not _full_size(moments.centered, mean, (gamma, beta)):
        scale, offset = scale_and_offset(
            mean, variance, epsilon, gamma, beta, shift=moments.shift
        )
        return apply(moments.centered, scale, offset, dtype, name)
    # Normalize with the small statistics, then apply the parameters.
    scale, offset = scale_and_offset(mean, variance, epsilon, shift=moments.shift)
    normalized = moments.centered * scale + offset
    compute_dtype = normalized.dtype.base_dtype
    if gamma is not None:
        normalized *= tf.cast(gamma, compute_dtype)
    if beta is None:
        outputs = tf.identity(normalized, name=name)
    else:
        outputs = tf.add(normalized, tf.cast(beta, compute_dtype), name=name)
    return outputs if compute_dtype == dtype else tf.cast(outputs, dtype)


def statically_empty(x):
    """Whether `x` has a fully known shape with no elements."""
    return x.shape.is_fully_defined() and x.shape.num_elements() == 0


def empty_output(centered, params, dtype, name=None):
    """The (empty) output for a statically empty input, params connected.

    Built without the statistics and without broadcasting. On a statically
    empty input, Grappler's arithmetic optimizer takes the empty [0, 1, 1, C]
    `scale` for a constant of ones and rewrites `x * scale` as a Tile whose
    multiples it computes by dividing by the dimensions, 0 among them: the
    process dies of SIGFPE when a Session optimizes the graph. Here each
    parameter contributes a slice of none of its elements, reshaped to the
    output's shape, so that its gradient is zeros (not None, nor the NaN
    that a path through the empty batch's statistics would give).
    """
    compute_dtype = centered.dtype.base_dtype
    parts = [centered]
    for param in params:
        if param is not None:
            flat = tf.reshape(tf.cast(param, compute_dtype), [-1])
            parts.append(tf.reshape(flat[:0], centered.shape))
    outputs = tf.add_n(parts, name=name)
    return outputs if compute_dtype == dtype else tf.cast(outputs, dtype)


def _full_size(x, statistic, params):
    """Whether `statistic` broadcast with `params` has every axis of `x`.

    Then a per-slice scale and offset would be as large as `x`. Unknown
    dimensions count as larger than 1.
    """
    rank = x.shape.rank
    shapes = [statistic.shape.as_list()] + [
        [1] * (rank - p.shape.rank) + p.shape.as_list()
        for p in params
        if p is not None
    ]
    for axis, size in enumerate(x.shape.as_list()):
        if size != 1 and all(shape[axis] == 1 for shape in shapes):
            return False
    return True


def legacy_output(outputs, name):
    """`outputs` under the op name TF1 gave the layer's result.

    Frozen graphs, exported output node names and `get_tensor_by_name` use
    these names (`LayerNorm/batchnorm/add_1`, `GroupNorm/Reshape_2`, ...),
    so the layers compute inside a name scope of their own and end with
    this op, named as in TF1, relative to the layer's scope.
    """
    return tf.identity(outputs, name=name)
