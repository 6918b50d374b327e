"""tf.distribute support: replica contexts and batch moments over all replicas.

Under a `tf.distribute` strategy (MirroredStrategy, MultiWorkerMirroredStrategy)
a layer called inside `strategy.run` / `strategy.extended.call_for_each_replica`
sees one replica's share of the batch. `global_moments` computes the moments
of the whole (global) batch instead, with a single all-reduce of one packed
vector per call:

    [sum_r n_r * m_r  (C values),
     sum_r (M2_r + n_r * m_r^2)  (C values),
     sum_r n_r  (1 value)]

where replica r has n_r elements per channel, local mean m_r and centred sum
of squares M2_r = sum (x - m_r)^2 (two passes over the data, as
`tf.nn.moments` makes). Then

    mean = S1 / n,    variance = S2 / n - mean^2,

which is the exact combination of the replicas' moments (Chan et al., 1979,
"Updating formulae and a pairwise algorithm for computing sample variances").
The packed vector is reduced in float64, so the final subtraction loses only
float64 precision (relative error ~1e-16 * mean^2 / variance) even for inputs
far from zero; unequal replica batches, empty ones and frequency weights are
exact.
"""

import tensorflow as tf

from contrib_norm._core import moments as moments_lib

_SUM = tf.distribute.ReduceOp.SUM


def in_replica_context():
    """True inside a replica function of a (non-default) tf.distribute strategy.

    False outside any strategy, and in a strategy's cross-replica context
    (under `strategy.scope()` but outside `strategy.run`).
    """
    return (
        tf.distribute.has_strategy() and tf.distribute.get_replica_context() is not None
    )


def num_replicas_in_sync():
    """The number of replicas of the current strategy (1 without one)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def all_reduce_sum(value):
    """Sums `value` over all replicas in sync; differentiable.

    The gradient of an all-reduced sum with respect to one replica's term is
    the sum of the upstream gradients of every replica, so the backward pass
    is itself an all-reduce sum. It is attached here with `tf.custom_gradient`
    rather than left to `ReplicaContext.all_reduce`, which differentiates
    only on its `merge_call` implementation, and whose graph-mode gradient
    wrapper fails when the reduced value depends on mirrored variables (its
    search for variables walks into the other replicas' graphs and meets
    their per-device variable handles). Both all-reduces therefore get a
    `tf.stop_gradient` input, which bounds that search to this replica.
    Gradients must be built in the replica context, as optimizers do.

    Args:
      value: a tensor, the same shape and dtype on every replica.

    Returns:
      The sum over replicas, on every replica.
    """

    @tf.custom_gradient
    def _all_reduce(local):
        def grad(upstream):
            return _sum_over_replicas(upstream, "the gradient of an all-reduce")

        return _sum_over_replicas(local, "an all-reduce"), grad

    return _all_reduce(value)


def _sum_over_replicas(value, what):
    context = _replica_context(what)
    return context.all_reduce(_SUM, tf.stop_gradient(value))


def _replica_context(what):
    if not in_replica_context():
        raise RuntimeError(
            f"contrib_norm needs a tf.distribute replica context to build "
            f"{what}: build it inside `strategy.run` (or "
            "`strategy.extended.call_for_each_replica`), where the "
            "optimizer's `compute_gradients` / `minimize` also belongs."
        )
    return tf.distribute.get_replica_context()


def global_moments(x, axes, weights=None):
    """Mean, biased variance and element count of `x` over `axes` and replicas.

    Args:
      x: this replica's input tensor (any floating dtype).
      axes: the axes to reduce (all but the channels axis).
      weights: optional frequency weights broadcastable to `x` (e.g. batch
        weights of shape [batch, 1, ..., 1]).

    Returns:
      `(mean, variance, count)`: mean and variance of shape [channels] in
      float32 for float16/bfloat16 inputs and in the input dtype otherwise,
      and the global count (sum of weights times the reduced non-batch
      size) as a float64 scalar.
    """
    compute_dtype = moments_lib.compute_dtype(x.dtype)
    x = tf.cast(x, compute_dtype)
    count = _local_count(x, axes, weights)
    if weights is None:
        local_sum = tf.reduce_sum(x, axes, keepdims=True)
    else:
        weights = tf.cast(weights, compute_dtype)
        local_sum = tf.reduce_sum(x * weights, axes, keepdims=True)
    local_mean = tf.math.divide_no_nan(local_sum, tf.cast(count, compute_dtype))
    squared = tf.math.squared_difference(x, tf.stop_gradient(local_mean))
    if weights is not None:
        squared *= weights
    # Centring on the local mean: its gradient through the deviations is zero
    # in exact arithmetic (sum of deviations), so it is not differentiated.
    local_m2 = tf.reduce_sum(squared, axes)
    local_mean = tf.reshape(local_mean, [-1])

    wide = tf.float64
    count = tf.cast(count, wide)
    local_mean = tf.cast(local_mean, wide)
    packed = tf.concat(
        [
            count * local_mean,
            tf.cast(local_m2, wide) + count * tf.square(local_mean),
            tf.reshape(count, [1]),
        ],
        axis=0,
    )
    total = all_reduce_sum(packed)
    channels = tf.shape(local_mean)[0]
    sum_x, sum_x2, total_count = tf.split(total, [channels, channels, 1])
    total_count = tf.reshape(total_count, [])
    mean = tf.math.divide_no_nan(sum_x, total_count)
    variance = tf.nn.relu(tf.math.divide_no_nan(sum_x2, total_count) - tf.square(mean))
    return (
        tf.cast(mean, compute_dtype),
        tf.cast(variance, compute_dtype),
        total_count,
    )


def _local_count(x, axes, weights):
    """Elements per channel on this replica (or their total weight)."""
    shape = tf.shape(x)
    if weights is None:
        return tf.reduce_prod(tf.gather(shape, tf.constant(axes, tf.int32)))
    other_axes = tf.constant([a for a in axes if a != 0], tf.int32)
    per_row = tf.cast(tf.reduce_prod(tf.gather(shape, other_axes)), x.dtype)
    return tf.reduce_sum(tf.cast(weights, x.dtype)) * per_row
