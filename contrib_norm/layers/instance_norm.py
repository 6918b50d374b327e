"""tf.contrib.layers.instance_norm, as TensorFlow 1.x had it."""

import tensorflow as tf

from contrib_norm._core import axes as axes_lib
from contrib_norm._core import data_format as data_format_lib
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import normalize
from contrib_norm._core import params as params_lib
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.framework.arg_scope import add_arg_scope

_PARAM_NAMES = ("beta", "gamma")
# TF1 documented initializers for the moving statistics too (and ignored them).
_INITIALIZER_NAMES = _PARAM_NAMES + ("moving_mean", "moving_variance")


@add_arg_scope
def instance_norm(
    inputs,
    center=True,
    scale=True,
    epsilon=1e-6,
    activation_fn=None,
    param_initializers=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    data_format=DATA_FORMAT_NHWC,
    scope=None,
):
    """Adds an Instance Normalization layer (Ulyanov et al., 2016).

    "Instance Normalization: The Missing Ingredient for Fast Stylization",
    https://arxiv.org/abs/1607.08022.

    For each sample and each channel,

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    where mean and (biased) variance are taken over the spatial axes (every
    axis but the batch and channels axes); gamma and beta have one value per
    channel. The same statistics are used in training and inference.

    The statistics are taken on the input shifted by one element of each
    (sample, channel) slice and applied as `(x - shift) * scale + offset`,
    so unit-variance inputs around 1e4 in float32 are normalized to the
    precision they have (output means within about 1e-3 of zero; TF1's
    unshifted float32 sums drift by up to 1e-2 on large maps).

    Other differences from TF1 (only where TF1 silently failed): a rank-2
    input ([batch, channels], no spatial axes) is a ValueError (TF1 returned
    beta, the normalization of single values); float16 and bfloat16 inputs
    are normalized in float32 and cast back (the variables keep the input
    dtype, as in TF1); misspelt keys in `param_initializers` and
    `variables_collections` are ValueErrors.

    Args:
      inputs: a floating-point tensor of rank 3 or more, batch first; the
        channels axis is the last for NHWC and the second for NCHW, and its
        dimension must be known.
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
      data_format: 'NHWC' (default) or 'NCHW'.
      scope: optional variable scope (default 'InstanceNorm').

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: if `data_format` is neither NHWC nor NCHW; if the rank of
        `inputs` is undefined or below 3; if the channels dimension is
        undefined; for unknown dict keys; if `epsilon` is not finite and
        > 0.
      TypeError: if `inputs` is not floating point.
    """
    inputs_lib.check_numbers(epsilon=epsilon)
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    data_format_lib.validate_data_format(data_format)
    spatial_axes, channels_axis = axes_lib.spatial_and_channels_axes(
        inputs, rank, data_format, "instance_norm"
    )
    channels = inputs_lib.static_dim(
        inputs, channels_axis, "has undefined channels dimension (None,)"
    )
    params_lib.check_keys(
        param_initializers, _INITIALIZER_NAMES, variables_collections, _PARAM_NAMES
    )

    with tf.compat.v1.variable_scope(
        scope, "InstanceNorm", [inputs], reuse=reuse
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
        with tf.name_scope("compute"):
            stats = moments_lib.partial_moments(
                moments_lib.upcast(inputs), spatial_axes
            )
            gamma, beta = params_lib.all_along_axis(
                (gamma, beta), rank, channels_axis
            )
            outputs = normalize.apply_moments(
                stats, epsilon, gamma, beta, inputs.dtype.base_dtype
            )
        # TF1: tf.nn.batch_normalization(..., name="instancenorm")'s last op.
        outputs = normalize.legacy_output(outputs, "instancenorm/add_1")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)

