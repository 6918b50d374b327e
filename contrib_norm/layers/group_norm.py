"""tf.contrib.layers.group_norm, as TensorFlow 1.x had it."""

import numpy as np
import tensorflow as tf

from contrib_norm._core import axes as axes_lib
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import normalize
from contrib_norm._core import params as params_lib
from contrib_norm._core import variables as variables_lib
from contrib_norm.framework.arg_scope import add_arg_scope

_PARAM_NAMES = ("beta", "gamma")
# TF1 documented initializers for the moving statistics too (and ignored them).
_INITIALIZER_NAMES = _PARAM_NAMES + ("moving_mean", "moving_variance")


@add_arg_scope
def group_norm(
    inputs,
    groups=32,
    channels_axis=-1,
    reduction_axes=(-3, -2),
    center=True,
    scale=True,
    epsilon=1e-6,
    activation_fn=None,
    param_initializers=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
    mean_close_to_zero=False,
):
    """Adds a Group Normalization layer (Wu & He, 2018).

    "Group Normalization", https://arxiv.org/abs/1803.08494.

    The channels are split into `groups` groups of `C / groups` consecutive
    channels. For each group and each position along the axes that are
    neither `channels_axis` nor in `reduction_axes` (normally: each sample),

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    where mean and (biased) variance are taken over the group's channels and
    `reduction_axes`; gamma and beta have one value per channel.

    The statistics are computed per (position, channel) over
    `reduction_axes` first, then merged within each group on the small
    tensor (two-pass, `mean_g = mean_c(mean_c)`, `var_g = mean_c(var_c +
    (mean_c - mean_g)^2)`), and the output is `(x - shift) * scale +
    offset` with a per-(position, channel) scale and offset, `shift` being
    one element of each slice. When the reduction axes are exactly the axes
    after `channels_axis` (NCHW, or no reduction axes: a [N, C] input), the
    group's elements are contiguous and are reduced at once instead, on the
    input viewed as [..., groups, C / groups, ...]. This gives the TF1
    results (to float32 rounding; the golden cases replay within 1e-5) at a
    fraction of the cost.

    Deliberate differences from TF1:

    * Accuracy at large offsets: the slices are reduced after the shift, so
      unit-variance inputs around 1e4 in float32 give output group means
      within about 1e-3 of zero (the precision the input itself has); TF1's
      unshifted float32 sums drift further, by several 1e-3 on large maps.
    * `mean_close_to_zero=True` computes the one-pass variance on the
      shifted input and clamps it at zero (TF1: unshifted, unclamped).
    * Unknown batch and spatial dimensions work (TF1 required the reduction
      axes to be known).
    * float16 and bfloat16 inputs are normalized in float32 and cast back
      (the variables keep the input dtype, as in TF1).
    * Misspelt keys in `param_initializers` and `variables_collections`,
      negative out-of-range axes, duplicate reduction axes and non-positive
      `groups` are ValueErrors.

    Args:
      inputs: a floating-point tensor with a channels axis; the channels
        dimension must be known.
      groups: the number of groups; must divide the number of channels.
      channels_axis: the channels axis, split into `groups`. Must not be in
        `reduction_axes`. Negative values count from the end.
      reduction_axes: the axes over which the statistics are accumulated
        (besides the group's channels), e.g. `(-3, -2)` for NHWC or
        `(-2, -1)` for NCHW with `channels_axis=-3`.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      epsilon: small float added to the variance (inside the square root).
      activation_fn: optional activation applied to the output.
      param_initializers: optional dict of initializers for 'beta' and
        'gamma' ('moving_mean' and 'moving_variance' are accepted, as in TF1,
        and unused). Each is an initializer or one of 'zeros', 'ones',
        'glorot_uniform', 'glorot_normal'; anything else (an ndarray, another
        string) or a constant_initializer whose values cannot fill the
        parameter (TF1 padded a short list silently) is a named error.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from 'beta' / 'gamma' to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add beta and gamma to TRAINABLE_VARIABLES.
      scope: optional variable scope (default 'GroupNorm').
      mean_close_to_zero: compute the variance in one pass, E[d^2] - E[d]^2
        on the shifted input d (TF1's `nn.sufficient_statistics` choice for
        inputs whose mean is close to zero). The default two-pass variance
        is accurate for any mean.

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: if the rank of `inputs` is undefined; if the channels
        dimension is undefined; if `channels_axis` or a reduction axis is out
        of bounds; if `reduction_axes` contains `channels_axis` or a
        duplicate; if `groups` is not positive, larger than the number of
        channels, or does not divide it; for unknown dict keys; if `epsilon`
        is not finite and > 0.
      TypeError: if `inputs` is not floating point, or an axis or `groups`
        is not an int.
    """
    inputs_lib.check_numbers(epsilon=epsilon)
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    channels_axis = _axis_in_bounds(channels_axis, rank, "channels_axis")
    channels = inputs_lib.static_dim(
        inputs,
        channels_axis,
        f"has undefined channel dimension: {channels_axis}",
    )
    reduction_axes = _reduction_axes(reduction_axes, rank, channels_axis)
    for axis in reduction_axes:  # before the groups, as TF1
        inputs_lib.static_dim(inputs, axis, f"has undefined dimensions {axis}")
    groups = _check_groups(groups, channels)
    params_lib.check_keys(
        param_initializers, _INITIALIZER_NAMES, variables_collections, _PARAM_NAMES
    )

    with tf.compat.v1.variable_scope(
        scope, "GroupNorm", [inputs], reuse=reuse
    ) as sc:
        beta, gamma = params_lib.beta_and_gamma(
            [channels],
            inputs.dtype.base_dtype,
            center,
            scale,
            params_lib.ModelVariables(
                param_initializers, variables_collections, trainable
            ),
        )
        with tf.name_scope("groupnorm"):
            x = moments_lib.upcast(inputs)
            if _trailing(reduction_axes, channels_axis, rank):
                # The group's channels and the reduction axes are contiguous:
                # reduce over both at once, [..., groups, C / groups, ...].
                stats = moments_lib.partial_moments(
                    moments_lib.split_axis(x, channels_axis, groups),
                    range(channels_axis + 1, rank + 1),
                    one_pass=mean_close_to_zero,
                )
                mean = variance = None
                trailing_axes = rank - 1 - channels_axis
                gamma, beta = (
                    _split_param(p, groups, trailing_axes) for p in (gamma, beta)
                )
            else:
                stats = moments_lib.partial_moments(
                    x, reduction_axes, one_pass=mean_close_to_zero
                )
                mean, variance = moments_lib.group_moments(
                    stats.mean, stats.variance, channels_axis, groups
                )
                gamma, beta = params_lib.all_along_axis(
                    (gamma, beta), rank, channels_axis
                )
            outputs = normalize.apply_moments(
                stats,
                epsilon,
                gamma,
                beta,
                inputs.dtype.base_dtype,
                mean=mean,
                variance=variance,
            )
        # TF1 reshaped beta and gamma (when there), then the output back to
        # the input's shape: its last op is that reshape.
        name = _legacy_reshape_name(int(center) + int(scale))
        if outputs.shape.rank != rank:
            outputs = tf.reshape(outputs, tf.shape(inputs), name=name)
            outputs.set_shape(inputs.shape)
        else:
            outputs = normalize.legacy_output(outputs, name)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _legacy_reshape_name(earlier_reshapes):
    """`Reshape`, `Reshape_1`, ...: TF1's name of its final reshape."""
    return "Reshape_%d" % earlier_reshapes if earlier_reshapes else "Reshape"


def _trailing(reduction_axes, channels_axis, rank):
    """Whether `reduction_axes` are exactly the axes after `channels_axis`."""
    return sorted(reduction_axes) == list(range(channels_axis + 1, rank))


def _split_param(param, groups, trailing_axes):
    """A [C] parameter as [groups, C / groups, 1, ...] (None stays None)."""
    if param is None:
        return None
    return tf.reshape(param, [groups, -1] + [1] * trailing_axes)


def _axis_in_bounds(axis, rank, arg_name):
    """Maps `axis` into [0, rank) or raises TF1's 'Axis is out of bounds.'."""
    axis = axes_lib.as_int(axis, arg_name)
    if not -rank <= axis < rank:
        raise ValueError(
            f"Axis is out of bounds. Received: {arg_name}={axis} for inputs "
            f"of rank {rank}"
        )
    return axis % rank


def _reduction_axes(reduction_axes, rank, channels_axis):
    if isinstance(reduction_axes, (int, np.integer)):
        reduction_axes = [reduction_axes]
    try:
        given = list(reduction_axes)
    except TypeError:
        raise TypeError(
            "`reduction_axes` must be a sequence of ints. Received: "
            f"reduction_axes={reduction_axes!r}"
        ) from None
    axes = [_axis_in_bounds(a, rank, "reduction_axes") for a in given]
    if channels_axis in axes:
        raise ValueError(
            "reduction_axis must be mutually exclusive with channels_axis. "
            f"Received: reduction_axes={tuple(given)}, "
            f"channels_axis={channels_axis} for inputs of rank {rank}"
        )
    if len(set(axes)) != len(axes):
        raise ValueError(
            "`reduction_axes` contains a duplicate axis. Received: "
            f"reduction_axes={tuple(given)}"
        )
    return axes


def _check_groups(groups, channels):
    groups = axes_lib.as_int(groups, "groups")
    if groups <= 0:
        raise ValueError(f"`groups` must be positive. Received: groups={groups}")
    if groups > channels:
        raise ValueError(
            f"Invalid groups {groups} for {channels} channels. "
            f"Received: groups={groups}"
        )
    if channels % groups != 0:
        raise ValueError(
            f"{channels} channels is not commensurate with {groups} groups. "
            f"Received: groups={groups}"
        )
    return groups
