"""Batch statistics in training, moving statistics in inference.

`batch_or_moving` is the branch of batch_norm's moments path and of
switchable norm's batch-norm statistics: in training it normalizes with the
batch's statistics and updates the moving statistics, in inference it uses
the moving ones. The update ops go to `updates_collections`, or run in place
when it is None, exactly as tf.contrib.layers.batch_norm wires them.
`cumulative_updates` is switchable norm's "batch average" rule.
"""

import tensorflow as tf

from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import training_flag


def moving_values(moving):
    """The current values of the `moving` variables, in the compute dtype
    (float32 for float16 / bfloat16 variables)."""
    return tuple(moments_lib.upcast(tf.identity(value)) for value in moving)


def batch_or_moving(
    is_training, batch_statistics, moving, make_updates, updates_collections, gate
):
    """The statistics to normalize with, wiring the updates in training.

    Args:
      is_training: Python bool or bool tensor / placeholder.
      batch_statistics: builds the batch `(mean, variance)`, shaped like the
        moving variables and in their compute dtype; only called when
        training is possible.
      moving: the `(moving_mean, moving_variance)` variables.
      make_updates: `make_updates(mean, variance, gate)` builds the update
        ops of the moving variables towards the batch statistics
        (`batch_norm.moving_updates`, or `cumulative_updates`).
      updates_collections: collections for the update ops, or None to run
        them in place (the batch statistics then depend on them).
      gate: the updates' `moving_averages.update_gate`.

    Returns:
      `(mean, variance)`: the batch's when training, else the moving ones,
      in the compute dtype.
    """
    if not training_flag.needs_training_branch(is_training):
        return moving_values(moving)
    mean, variance = batch_statistics()
    return moving_averages.collect_or_force(
        make_updates(mean, variance, gate),
        updates_collections,
        (mean, variance),
        is_training,
        lambda: moving_values(moving),
    )


def cumulative_updates(count, moving_mean, moving_variance):
    """`make_updates` for the equal-weight average of every batch seen.

    With `count` batches seen before, the new batch (mean mu, variance s2)
    is merged as a part of equal size (Chan et al.):

        k    = count + 1,  w = 1 / k,  d = mu - m
        m   <- m + w * d
        v   <- (1 - w) * v + w * s2 + w * (1 - w) * d^2

    so after K batches the moving statistics are the mean and (biased)
    variance of all K batches pooled: the "batch average" of the
    switchable-normalization paper once `count`, `moving_mean` and
    `moving_variance` are reset. The first batch replaces the initial values.

    Args:
      count: a scalar non-trainable variable counting the batches, zero at
        the start.
      moving_mean, moving_variance: the variables averaged.

    Returns:
      `make_updates(mean, variance, gate)` for `batch_or_moving`.
    """

    def make_updates(mean, variance, gate=None):
        with tf.compat.v1.name_scope(None, "AssignCumulativeAvg"):
            dtype = moving_mean.dtype.base_dtype
            new_count = tf.identity(count) + tf.ones([], count.dtype)
            weight = tf.cast(1.0 / new_count, dtype)
            old_mean = tf.identity(moving_mean)
            old_variance = tf.identity(moving_variance)
            delta = tf.cast(mean, dtype) - old_mean
            new_mean = old_mean + weight * delta
            new_variance = (
                (1.0 - weight) * old_variance
                + weight * tf.cast(variance, dtype)
                + weight * (1.0 - weight) * tf.square(delta)
            )
            # The assignments go through moving_averages, so that they are
            # gated like every other update.
            with tf.control_dependencies([new_mean, new_variance]):
                count_update = moving_averages.assign(count, new_count, gate=gate)
            with tf.control_dependencies([count_update]):
                return (
                    moving_averages.assign(moving_mean, new_mean, gate=gate),
                    moving_averages.assign(moving_variance, new_variance, gate=gate),
                )

    return make_updates
