"""The anchors: what a user would otherwise write, in raw TensorFlow or Keras 3.

Each function takes the input tensor `x` (built in a `tf.Graph`, inside a
variable scope of its own) and returns the output. Trainable parameters go
to TRAINABLE_VARIABLES (the step differentiates with respect to them) and
the moving-statistics updates to UPDATE_OPS (the step runs them), exactly
where contrib_norm puts its own, so both sides of a comparison do the same
work.

* `fused_training`, `fused_inference`: `tf.compat.v1.nn.fused_batch_norm`,
  plus the two moving-average assigns a TF1 user wrote by hand.
* `weighted_moments_batch_norm`, `renorm_batch_norm`: batch_norm's legacy
  unfused math (frequency-weighted moments; Batch Renormalization) written
  with plain `tf.nn` ops.
* `keras_group_norm`, `keras_layer_norm`: Keras 3 layers called on graph
  tensors (Keras 3 builds its variables and ops in the enclosing
  `tf.Graph`, so no wrapping is needed; see README.md).
* `three_moments_switchable_norm`: the usual hand-written switchable norm,
  with three independent `tf.nn.moments` calls.
* `affine_floor`: not an anchor but a floor, `x * gamma + beta` alone: the
  part of every normalization layer's step that no formulation avoids.
"""

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
UPDATE_OPS = v1.GraphKeys.UPDATE_OPS


def channels_axis(x, data_format):
    """The channels axis of `x` for 'NHWC' (last) or 'NCHW' (second)."""
    return 1 if data_format == "NCHW" else x.shape.rank - 1


def _param(name, channels, initializer, dtype=tf.float32, trainable=True):
    return v1.get_variable(
        name, [channels], dtype, initializer=initializer, trainable=trainable
    )


def _moving_statistics(channels, dtype=tf.float32):
    return (
        _param("moving_mean", channels, v1.zeros_initializer(), dtype, False),
        _param("moving_variance", channels, v1.ones_initializer(), dtype, False),
    )


def moving_average_update(variable, value, decay):
    """`variable -= (variable - value) * (1 - decay)`, added to UPDATE_OPS."""
    update = v1.assign_sub(variable, (variable - value) * (1.0 - decay))
    v1.add_to_collection(UPDATE_OPS, update)
    return update


def _beta_gamma(channels, center, scale, dtype=tf.float32):
    beta = _param("beta", channels, v1.zeros_initializer(), dtype) if center else None
    gamma = _param("gamma", channels, v1.ones_initializer(), dtype) if scale else None
    return beta, gamma


def _as_4d(x, data_format):
    """A rank-2 [N, C] input as [N, 1, 1, C] (NHWC) for the fused kernel."""
    if x.shape.rank == 4:
        return x
    if data_format == "NCHW":
        return tf.reshape(x, [-1, x.shape[1], 1, 1])
    return tf.reshape(x, [-1, 1, 1, x.shape[-1]])


def _fused(x, data_format, center, scale, epsilon, **statistics):
    """fused_batch_norm on `x` (rank 2 or 4) with float32 parameters."""
    channels = x.shape[channels_axis(x, data_format)]
    beta, gamma = _beta_gamma(channels, center, scale)
    beta = tf.zeros([channels]) if beta is None else beta
    gamma = tf.ones([channels]) if gamma is None else gamma
    y, mean, variance = v1.nn.fused_batch_norm(
        _as_4d(x, data_format),
        gamma,
        beta,
        epsilon=epsilon,
        data_format=data_format,
        **statistics,
    )
    return tf.reshape(y, tf.shape(x)) if x.shape.rank == 2 else y, mean, variance


def fused_training(
    x, data_format="NHWC", center=True, scale=True, decay=0.999, epsilon=1e-3
):
    """Raw fused batch norm in training, plus the two moving-average assigns."""
    channels = x.shape[channels_axis(x, data_format)]
    moving_mean, moving_variance = _moving_statistics(channels)
    y, mean, variance = _fused(
        x, data_format, center, scale, epsilon, is_training=True
    )
    moving_average_update(moving_mean, mean, decay)
    moving_average_update(moving_variance, variance, decay)
    return y


def fused_inference(x, data_format="NHWC", center=True, scale=False, epsilon=1e-3):
    """Raw fused batch norm with the moving statistics (inference)."""
    channels = x.shape[channels_axis(x, data_format)]
    moving_mean, moving_variance = _moving_statistics(channels)
    y, _, _ = _fused(
        x,
        data_format,
        center,
        scale,
        epsilon,
        is_training=False,
        mean=moving_mean,
        variance=moving_variance,
    )
    return y


def batch_weights_for(x):
    """The [batch] frequency weights both sides of the batch_weights case use."""
    batch = int(x.shape[0])
    return tf.constant(np.linspace(0.5, 1.5, batch), x.dtype)


def _reduction_axes(x, data_format):
    axis = channels_axis(x, data_format)
    return [a for a in range(x.shape.rank) if a != axis]


def _along_channels(t, x, data_format):
    """A [C] tensor broadcastable against `x` (only NCHW needs a reshape)."""
    if t is None or data_format == "NHWC":
        return t
    shape = [1] * x.shape.rank
    shape[1] = -1
    return tf.reshape(t, shape)


def weighted_moments_batch_norm(
    x, data_format="NHWC", center=True, scale=False, decay=0.999, epsilon=1e-3
):
    """batch_norm(batch_weights=w)'s math: weighted moments, plain tf.nn ops."""
    channels = x.shape[channels_axis(x, data_format)]
    beta, gamma = _beta_gamma(channels, center, scale, x.dtype)
    moving_mean, moving_variance = _moving_statistics(channels, x.dtype)
    weights = tf.reshape(batch_weights_for(x), [-1] + [1] * (x.shape.rank - 1))
    mean, variance = tf.nn.weighted_moments(
        x, _reduction_axes(x, data_format), weights
    )
    moving_average_update(moving_mean, mean, decay)
    moving_average_update(moving_variance, variance, decay)
    mean, variance, beta, gamma = (
        _along_channels(t, x, data_format) for t in (mean, variance, beta, gamma)
    )
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)


def renorm_batch_norm(
    x,
    data_format="NHWC",
    center=True,
    scale=False,
    decay=0.999,
    renorm_decay=0.99,
    epsilon=1e-3,
):
    """batch_norm(renorm=True)'s math (Ioffe, 2017), plain tf.nn ops.

    r = stddev / renorm_stddev and d = (mean - renorm_mean) / renorm_stddev
    (no gradient) correct the batch-normalized output; the renorm averages
    and the moving mean and stddev are updated after r and d are read, and
    the moving variance is derived from the moving stddev.
    """
    channels = x.shape[channels_axis(x, data_format)]
    beta, gamma = _beta_gamma(channels, center, scale)
    moving_mean, moving_variance = _moving_statistics(channels)
    ones, zeros = v1.ones_initializer(), v1.zeros_initializer()
    moving_stddev = _param("moving_stddev", channels, ones, x.dtype, False)
    renorm_mean = _param("renorm_mean", channels, zeros, x.dtype, False)
    renorm_stddev = _param("renorm_stddev", channels, ones, x.dtype, False)
    mean, variance = tf.nn.moments(x, _reduction_axes(x, data_format))
    stddev = tf.sqrt(variance + epsilon)
    clamped = tf.maximum(renorm_stddev, np.sqrt(epsilon).astype(np.float32))
    r = tf.stop_gradient(stddev / clamped)
    d = tf.stop_gradient((mean - renorm_mean) / clamped)
    with tf.control_dependencies([r, d]):
        mean_after, stddev_after = tf.identity(mean), tf.identity(stddev)
    renorm_updates = [
        moving_average_update(renorm_mean, mean_after, renorm_decay),
        moving_average_update(renorm_stddev, stddev_after, renorm_decay),
    ]
    with tf.control_dependencies(renorm_updates):
        moving_average_update(moving_mean, tf.identity(mean_after), decay)
        new_stddev = v1.assign_sub(
            moving_stddev, (moving_stddev - stddev_after) * (1.0 - decay)
        )
        v1.add_to_collection(
            UPDATE_OPS,
            v1.assign(moving_variance, tf.nn.relu(new_stddev * new_stddev - epsilon)),
        )
    # (x_hat * r + d) * gamma + beta, as one scale and offset.
    new_scale = r if gamma is None else r * gamma
    new_offset = d if gamma is None else d * gamma
    if beta is not None:
        new_offset += beta
    mean, variance, new_offset, new_scale = (
        _along_channels(t, x, data_format)
        for t in (mean, variance, new_offset, new_scale)
    )
    return tf.nn.batch_normalization(x, mean, variance, new_offset, new_scale, epsilon)


def _keras_layer(layer, x):
    """Calls a Keras 3 layer on a graph tensor (its variables are trainable)."""
    y = layer(x)
    trainable = v1.trainable_variables()
    for weight in layer.trainable_weights:
        # Keras 3 wraps a tf.Variable (its `value`); Keras 2 (TensorFlow
        # 2.15) gives the tf.Variable itself, whose `value` is a method.
        variable = weight if isinstance(weight, tf.Variable) else weight.value
        if variable not in trainable:
            v1.add_to_collection(v1.GraphKeys.TRAINABLE_VARIABLES, variable)
    return y


def keras_group_norm(x, groups, epsilon=1e-6):
    """Keras 3 `keras.layers.GroupNormalization` on the last axis."""
    import keras  # pylint: disable=g-import-not-at-top

    return _keras_layer(
        keras.layers.GroupNormalization(groups=groups, epsilon=epsilon), x
    )


def keras_layer_norm(x, axis=-1, epsilon=1e-12):
    """Keras 3 `keras.layers.LayerNormalization` (contrib's epsilon: 1e-12)."""
    import keras  # pylint: disable=g-import-not-at-top

    return _keras_layer(keras.layers.LayerNormalization(axis=axis, epsilon=epsilon), x)


def three_moments_switchable_norm(x, decay=0.9, epsilon=1e-5):
    """Switchable norm from three independent `tf.nn.moments` calls (NHWC).

    The moving statistics of the BN branch are updated as contrib_norm's
    `switchable_norm` does, so both sides do the same work.
    """
    channels = x.shape[-1]
    beta, gamma = _beta_gamma(channels, True, True)
    mean_weight = _param("mean_weight", 3, v1.ones_initializer())
    var_weight = _param("var_weight", 3, v1.ones_initializer())
    moving_mean, moving_variance = _moving_statistics(channels)
    spatial = list(range(1, x.shape.rank - 1))
    mean_in, var_in = tf.nn.moments(x, spatial, keepdims=True)
    mean_ln, var_ln = tf.nn.moments(x, spatial + [x.shape.rank - 1], keepdims=True)
    mean_bn, var_bn = tf.nn.moments(x, [0] + spatial, keepdims=True)
    moving_average_update(moving_mean, tf.reshape(mean_bn, [channels]), decay)
    moving_average_update(moving_variance, tf.reshape(var_bn, [channels]), decay)
    wm = tf.nn.softmax(mean_weight)
    wv = tf.nn.softmax(var_weight)
    mean = wm[0] * mean_in + wm[1] * mean_ln + wm[2] * mean_bn
    variance = wv[0] * var_in + wv[1] * var_ln + wv[2] * var_bn
    return (x - mean) / tf.sqrt(variance + epsilon) * gamma + beta


def affine_floor(x):
    """`x * gamma + beta` with per-channel (last axis) gamma and beta.

    A normalization layer's training step does at least the work of this
    one: the output from the input and two per-channel parameters, the
    gradient of the input and the two parameter gradients (a full-size
    product and two reductions), besides the session call, the input reads
    and the fetch that every step has. With nothing else, no statistics and
    no updates, its step time is a floor for every layer's: its ratio to an
    anchor is, in practice, the best ratio a formulation in TensorFlow ops
    could reach on that input.
    """
    beta, gamma = _beta_gamma(int(x.shape[-1]), True, True, x.dtype.base_dtype)
    return x * gamma + beta
