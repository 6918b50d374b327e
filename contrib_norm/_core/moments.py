"""Statistics: batch and weighted moments, partial statistics, combination.

* `moments`: plain and frequency-weighted moments over some axes, in the
  input dtype (batch_norm and the tf.layers path).
* `partial_moments`, `combine_moments`, `group_moments`: per-(sample,
  channel) statistics computed once over the big tensor, then merged within
  groups, samples or the batch on small tensors (group, instance, layer and
  switchable norm).

All are two-pass (the variance is the mean of squared deviations from the
mean), as `tf.nn.moments` computes them, so they do not suffer the
E[x^2] - E[x]^2 cancellation for inputs with a large offset. float16 and
bfloat16 inputs are reduced in float32 (TensorFlow itself does this for
float16 only).
"""

import collections

import tensorflow as tf

from contrib_norm._core import gradients as gradients_lib

HALF_DTYPES = (tf.float16, tf.bfloat16)


def moments(x, axes, keepdims=False, weights=None):
    """Mean and biased variance of `x` over `axes`.

    Without `weights` the forward computation is `tf.nn.moments`'. With
    them it is `tf.nn.weighted_moments`' math, `mean = sum(w x) / W` and
    `variance = sum(w (x - mean)^2) / W` with `W = sum(w)` over the broadcast
    weights, summed in another order: `W` on the weights themselves (not on
    a full-size broadcast of them), and where the weights are constant along
    some reduced axes (batch weights) the sums over those axes come first,
    so that `w * x` is never materialized at full size.

    The gradient is given in closed form, as `partial_moments` gives it
    (`w = 1` and `W` the number of elements reduced without weights):

        d/dx = w * (dmean + 2 * dvariance * (x - mean)) / W

    two elementwise passes over `x` where the automatic gradient of the
    reductions takes five or more: this is what makes batch_norm's moments
    path (`batch_weights`, `renorm`) cheaper in time and memory than the
    same math written with `tf.nn` ops. The weights get their gradient too,
    `(dmean * (x - mean) + dvariance * ((x - mean)^2 - variance)) / W`
    summed where they are broadcast (pruned by Grappler when unused).
    Higher-order gradients work; unlike `tf.nn.moments`' (which stops the
    gradient through the mean inside the variance) the second derivative is
    exact.

    Args:
      x: the input tensor, of known rank.
      axes: the axes to reduce.
      keepdims: keep the reduced axes with size 1.
      weights: optional frequency weights broadcastable to `x` (the legacy
        `batch_weights`, reshaped to [batch, 1, ..., 1]).

    Returns:
      `(mean, variance)`, in the dtype of `x`; zeros for an `x` without
      elements (see `zeros_if_empty`).
    """
    dtype = x.dtype.base_dtype
    if dtype in HALF_DTYPES:
        x = tf.cast(x, tf.float32)
    axes = sorted(int(a) % x.shape.rank for a in axes)
    if weights is None:
        mean, variance = _mean_and_variance(x, axes)
    else:
        weights = tf.convert_to_tensor(weights)
        if weights.dtype.base_dtype != x.dtype.base_dtype:
            weights = tf.cast(weights, x.dtype.base_dtype)
        mean, variance = _weighted_mean_and_variance(x, axes, weights)
    mean, variance = zeros_if_empty(x, mean, variance)
    if not keepdims:
        mean, variance = tf.squeeze(mean, axes), tf.squeeze(variance, axes)
    if dtype in HALF_DTYPES:
        mean, variance = tf.cast(mean, dtype), tf.cast(variance, dtype)
    return mean, variance


def _mean_and_variance(x, axes, one_pass=False):
    """Mean and biased variance over `axes` (kept), closed-form gradient.

    Two-pass by default, exactly as `tf.nn.moments` computes them; with
    `one_pass`, E[x^2] - E[x]^2 clamped at zero.
    """
    reduction_axes = tf.constant(axes, tf.int32)  # int32 even when empty

    @gradients_lib.custom_gradient
    def _moments(d):
        mean = tf.reduce_mean(d, reduction_axes, keepdims=True)
        if one_pass:
            mean_of_squares = tf.reduce_mean(
                tf.square(d), reduction_axes, keepdims=True
            )
            variance = tf.maximum(mean_of_squares - tf.square(mean), 0.0)
        else:
            variance = tf.reduce_mean(
                tf.math.squared_difference(d, mean), reduction_axes, keepdims=True
            )

        def grad(dmean, dvariance):
            count = _reduced_count(d, axes, d.dtype)
            slope = 2.0 * dvariance / count
            return d * slope + (dmean / count - slope * mean)

        return (mean, variance), grad

    return _moments(x)


def zeros_if_empty(x, *statistics):
    """`statistics` of `x`, or zeros where `x` has no elements.

    The moments of an empty batch are 0 / 0, NaN: in a training step the
    parameters' gradients, sums over no elements times functions of those
    statistics, became NaN (0 * NaN) though the output is empty. Zeros make
    them zeros, as a sum over no elements is; the gradient into the
    statistics is zeros too. A batch whose shape is known and has elements
    costs no extra op; a statically empty one gets zeros (still connected);
    otherwise the choice is made at run time.
    """
    shape = x.shape
    if shape.is_fully_defined() and shape.num_elements() > 0:
        return statistics
    if shape.is_fully_defined():
        nonempty = tf.constant(False)
    else:
        nonempty = tf.size(x) > 0
    return tuple(tf.where(nonempty, s, tf.zeros_like(s)) for s in statistics)


def _weighted_mean_and_variance(x, axes, weights):
    """Frequency-weighted mean and biased variance over `axes` (kept).

    Where the weights are constant along some reduced axes (batch weights,
    [N, 1, ..., 1]: along all but the batch axis), the sums run over those
    axes first and the weights multiply the small partial sums, so that no
    full-size `weights * x` is materialized, forward or backward.
    """
    rank = x.shape.rank
    if weights.shape.rank is not None and weights.shape.rank < rank:
        missing = rank - weights.shape.rank
        weights = tf.reshape(
            weights, tf.concat([tf.ones([missing], tf.int32), tf.shape(weights)], 0)
        )
    constant = [a for a in axes if weights.shape[a] == 1]
    varying = [a for a in axes if a not in constant]

    def weighted_sum(w, t):
        """sum over `axes` of w * t, kept with size 1."""
        if constant:
            t = tf.reduce_sum(t, constant, keepdims=True)
        return tf.reduce_sum(w * t, varying, keepdims=True)

    @gradients_lib.custom_gradient
    def _moments(x, w):
        # Each weight stands for count_x / count_w elements of a slice.
        repeats = _reduced_count(x, axes, x.dtype) / _reduced_count(w, axes, x.dtype)
        weight_sum = tf.reduce_sum(w, axes, keepdims=True) * repeats
        divisor = tf.math.reciprocal(weight_sum)
        mean = weighted_sum(w, x) * divisor
        variance = weighted_sum(w, tf.math.squared_difference(x, mean)) * divisor

        def grad(dmean, dvariance):
            # w * (dmean + 2 dvariance (x - mean)) / W, with the small factors
            # gathered first.
            slope = 2.0 * dvariance * divisor
            dx = x * (w * slope) + w * (dmean * divisor - slope * mean)
            deviation = x - mean
            per_element = (
                dmean * deviation + dvariance * (tf.square(deviation) - variance)
            ) * divisor
            w_shape = tf.shape(w)
            summed, _ = tf.raw_ops.BroadcastGradientArgs(
                s0=w_shape, s1=tf.shape(per_element)
            )
            dw = tf.reshape(tf.reduce_sum(per_element, summed), w_shape)
            return dx, dw

        return (mean, variance), grad

    return _moments(x, weights)


def compute_dtype(dtype):
    """The dtype statistics are computed in: float32 for float16/bfloat16."""
    dtype = tf.as_dtype(dtype).base_dtype
    return tf.float32 if dtype in HALF_DTYPES else dtype


def upcast(x):
    """`x` in its compute dtype (see `compute_dtype`)."""
    dtype = compute_dtype(x.dtype)
    return x if x.dtype.base_dtype == dtype else tf.cast(x, dtype)


def _static_or_dynamic_shape(x):
    """The shape of `x` as a list: ints where known, scalar tensors elsewhere."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dynamic = tf.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(static)]


def _reduced_count(x, axes, dtype):
    """The number of elements each statistic of `x` over `axes` summarizes."""
    sizes = [tf.compat.dimension_value(x.shape[a]) for a in axes]
    if all(s is not None for s in sizes):
        count = 1
        for s in sizes:
            count *= int(s)
        return tf.constant(count, dtype)
    return tf.cast(tf.reduce_prod(tf.gather(tf.shape(x), axes)), dtype)


class PartialMoments(collections.namedtuple(
    "PartialMoments", ["centered", "shift", "mean", "variance"]
)):
    """Per-slice statistics of `x`, and `x` shifted for accurate normalizing.

    Attributes:
      centered: `x - shift`, full size.
      shift: one element of `x` per slice (no gradient flows through it).
      mean: the mean of each slice.
      variance: the biased variance of each slice.
    """


def partial_moments(x, axes, one_pass=False):
    """Mean and biased variance of `x` over `axes` (kept with size 1).

    These are the "partial" statistics every per-sample normalization starts
    from, e.g. per (sample, channel) over the spatial axes; `combine_moments`
    merges them into group, layer or batch statistics without touching the
    full tensor again.

    Numerical choices:

    * `x` must already be in its compute dtype (`upcast`): float16 and
      bfloat16 inputs are reduced in float32.
    * Shifted data: each slice is reduced after subtracting one of its own
      elements (the first), so a large common offset (1e4 on unit-variance
      data, say) costs no accuracy in the float32 sums, which otherwise lose
      about `offset * 2^-24 * sqrt(n)`. The shifted tensor is returned, so
      that the normalization `(x - shift) * scale + offset` does not cancel
      either: the result is accurate to the precision the input has.
    * Two passes by default: the variance is the mean of the squared
      deviations from the mean.
    * `one_pass=True` uses E[d^2] - E[d]^2 on the shifted data d instead,
      clamped at zero (the legacy `group_norm(mean_close_to_zero=True)`
      choice; TF1 did it on unshifted data, without the clamp).

    The gradient is given in closed form, d/dx = dmean / n + 2 dvariance
    (x - mean) / n, which costs two elementwise passes over `x` instead of the
    half dozen the automatic gradient of the reductions would (the term through
    the mean vanishes because the deviations sum to zero). It is built from
    differentiable ops, so higher-order gradients work. No gradient flows
    through the shift: the normalized output does not depend on it.

    Args:
      x: a floating-point tensor in its compute dtype.
      axes: the (non-negative) axes to reduce.
      one_pass: use the one-pass variance formula.

    Returns:
      A `PartialMoments`; `shift`, `mean` and `variance` have the shape of
      `x` with `axes` set to 1.
    """
    axes = sorted(axes)
    rank = x.shape.rank
    shift = tf.stop_gradient(
        tf.slice(x, [0] * rank, [1 if a in axes else -1 for a in range(rank)])
    )
    centered = x - shift
    mean, variance = _mean_and_variance(centered, axes, one_pass)
    return PartialMoments(
        centered,
        shift,
        tf.add(shift, mean, name="mean"),
        tf.identity(variance, name="variance"),
    )


def combine_moments(mean, variance, axes):
    """Merges partial statistics of equal counts over `axes` (kept, size 1).

    Chan et al.'s parallel formula, in a form that does not cancel:

        mean_g     = mean_k(mean_k)
        variance_g = mean_k(variance_k + (mean_k - mean_g)^2)

    (E[x^2] - E[x]^2, i.e. mean_k(variance_k + mean_k^2) - mean_g^2, would
    lose every digit for inputs around 1e4 in float32.)

    Args:
      mean: partial means, e.g. per (sample, channel).
      variance: the matching biased variances.
      axes: the axes to merge over.

    Returns:
      `(mean, variance)` of the union of the parts.
    """
    merged_mean = tf.reduce_mean(mean, axes, keepdims=True)
    merged_variance = tf.reduce_mean(
        variance + tf.math.squared_difference(mean, merged_mean),
        axes,
        keepdims=True,
    )
    return merged_mean, merged_variance


def split_axis(x, axis, parts):
    """`x` with `axis` split in two: [..., parts, size / parts, ...].

    Args:
      x: a tensor whose dimension at `axis` is static and divisible by
        `parts`.
      axis: the (non-negative) axis to split.
      parts: the size of the first of the two new axes.

    Returns:
      The reshaped `x` (a view: no data is copied).
    """
    shape = _static_or_dynamic_shape(x)
    size = int(x.shape[axis])
    return tf.reshape(x, shape[:axis] + [parts, size // parts] + shape[axis + 1 :])


def group_moments(mean, variance, axis, groups):
    """Merges per-channel statistics within `groups` groups of channels.

    Channels `[g * C / groups, (g + 1) * C / groups)` form group `g`, as in
    `group_norm`. The group statistics are broadcast back to every channel,
    so the result has the shape of `mean`.

    Args:
      mean: partial means with a static channels dimension at `axis`.
      variance: the matching biased variances.
      axis: the (non-negative) channels axis.
      groups: the number of groups; divides the number of channels.

    Returns:
      `(mean, variance)` per group, repeated for each channel of the group.
    """
    channels = int(mean.shape[axis])
    if groups == channels:
        return mean, variance
    shape = _static_or_dynamic_shape(mean)
    split_shape = shape[:axis] + [groups, channels // groups] + shape[axis + 1 :]
    split_mean = tf.reshape(mean, split_shape)
    split_variance = tf.reshape(variance, split_shape)
    group_mean, group_variance = combine_moments(
        split_mean, split_variance, [axis + 1]
    )
    results = []
    for stat in (group_mean, group_variance):
        stat = tf.broadcast_to(stat, tf.shape(split_mean))
        stat = tf.reshape(stat, shape)
        stat.set_shape(mean.shape)
        results.append(stat)
    return tuple(results)
