"""Switchable Normalization: a learned mixture of instance, layer and batch norm."""


import tensorflow as tf

from contrib_norm._core import axes as axes_lib
from contrib_norm._core import batch_norm as engine
from contrib_norm._core import batch_statistics
from contrib_norm._core import data_format as data_format_lib
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import normalize
from contrib_norm._core import params as params_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.framework.arg_scope import add_arg_scope

_UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS
_INITIALIZED_NAMES = (
    "beta",
    "gamma",
    "mean_weight",
    "var_weight",
    "moving_mean",
    "moving_variance",
)
_VARIABLE_NAMES = _INITIALIZED_NAMES + ("num_batches",)
_MAX_RANK = 5


@add_arg_scope
def switchable_norm(
    inputs,
    decay=0.9,
    center=True,
    scale=True,
    epsilon=1e-5,
    activation_fn=None,
    param_initializers=None,
    updates_collections=_UPDATE_OPS,
    is_training=True,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    data_format=DATA_FORMAT_NHWC,
    using_moving_average=True,
    using_bn=True,
    scope=None,
):
    """Adds a Switchable Normalization layer (Luo et al., 2018).

    "Differentiable Learning-to-Normalize via Switchable Normalization",
    https://arxiv.org/abs/1806.10779.

    Three sets of statistics are computed, each with biased variances:

    * IN, per sample n and channel c over the spatial axes: mu_in, s2_in;
    * LN, per sample, from IN: mu_ln = mean_c(mu_in),
      s2_ln = mean_c(s2_in + (mu_in - mu_ln)^2);
    * BN, per channel, from IN: mu_bn = mean_n(mu_in),
      s2_bn = mean_n(s2_in + (mu_in - mu_bn)^2) in training; the moving
      statistics in inference.

    They are mixed with learned importance weights and the input normalized:

        mu     = sum_k softmax(mean_weight)_k * mu_k
        s2     = sum_k softmax(var_weight)_k  * s2_k,   k in (IN, LN, BN)
        y      = gamma * (x - mu) / sqrt(s2 + epsilon) + beta

    (without the BN branch when `using_bn` is False). The LN and BN variances
    are the mean of the parts' variances plus the spread of their means:
    mathematically the paper's E[s2 + mu^2] - mu^2, but that form cancels
    catastrophically (NaN for inputs around 1e4 in float32); this one does
    not. The per-(sample, channel) statistics are computed once over the
    input, everything else on small tensors.

    In training the moving statistics are updated from the batch's
    (mu_bn, s2_bn): with `using_moving_average`, m <- decay * m + (1 - decay)
    * value, as batch_norm does; without it, the moving statistics are the
    equal-weight average of every batch seen (pooled mean and variance,
    counted by a `num_batches` variable), i.e. the paper's "batch average"
    once they are reset before a pass over some batches. The update ops go to
    `updates_collections` (default `tf.compat.v1.GraphKeys.UPDATE_OPS`,
    which must run with the train op), or run in place when it is None.

    Differences from the PyTorch reference implementation
    (switchablenorms/Switchable-Normalization): the IN variance is biased
    (the reference's is unbiased, so it gives NaN for 1x1 spatial maps, where
    this gives finite outputs); the LN and BN variances are computed in the
    non-cancelling form above; the moving variance starts at ones (zeros
    there) and the moving statistics are the biased batch values;
    `using_moving_average=False` keeps averaged statistics instead of raw
    sums.

    An empty batch (zero-size input, e.g. [0, H, W, C]) in training returns
    an empty output and leaves the moving statistics exactly unchanged; TF1
    set them to NaN for good. NaN or Inf values in the input still propagate
    to the output and the moving statistics, as in TF1.

    Args:
      inputs: a floating-point tensor of rank 3 to 5, batch first, with
        spatial axes; the channels axis is the last for NHWC and the second
        for NCHW, and its dimension must be known.
      decay: decay of the moving averages.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      epsilon: small float added to the variance (inside the square root).
      activation_fn: optional activation applied to the output.
      param_initializers: optional dict of initializers for 'beta', 'gamma',
        'mean_weight', 'var_weight', 'moving_mean' and 'moving_variance'. Each
        is an initializer or one of 'zeros', 'ones', 'glorot_uniform',
        'glorot_normal'; anything else (an ndarray, another string) or a
        constant_initializer whose values cannot fill the parameter (TF1
        padded a short list silently) is a named error.
      updates_collections: collections for the update ops, or None to update
        in place.
      is_training: Python bool or bool tensor/placeholder: batch statistics
        and updates (True) or the moving statistics (False) for the BN branch.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from the variable names above (and 'num_batches') to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add beta, gamma, mean_weight and var_weight to
        TRAINABLE_VARIABLES.
      data_format: 'NHWC' (default) or 'NCHW'.
      using_moving_average: exponential moving averages (True) or the
        cumulative batch average (False) for the moving statistics.
      using_bn: if False, mix only IN and LN (two importance weights, no
        moving statistics, no updates).
      scope: optional variable scope (default 'SwitchableNorm').

    Variables (model variables; for float16 and bfloat16 inputs they are
    float32, and the statistics are computed in float32): `beta` and
    `gamma` [C]; `mean_weight` and `var_weight` [3] ([2] without BN), ones;
    `moving_mean` (zeros) and `moving_variance` (ones) [C], non-trainable;
    `num_batches` (scalar, zero) without `using_moving_average`.

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: if `data_format` is neither NHWC nor NCHW; if the rank of
        `inputs` is undefined or not 3 to 5 (rank 2 has no spatial axes); if
        the channels dimension is undefined; if `decay` is not in [0, 1] or
        `epsilon` not finite and > 0; for unknown dict keys.
      TypeError: if `inputs` is not floating point, or `is_training` is not
        a bool or bool tensor.
    """
    inputs, rank, spatial_axes, channels_axis, channels = _validate(
        inputs, data_format, decay, epsilon
    )
    params_lib.check_keys(
        param_initializers, _INITIALIZED_NAMES, variables_collections, _VARIABLE_NAMES
    )
    training_flag.static_value(is_training)
    with tf.compat.v1.variable_scope(
        scope, "SwitchableNorm", [inputs], reuse=reuse
    ) as sc:
        dtype = moments_lib.compute_dtype(inputs.dtype)
        variables = params_lib.ModelVariables(
            param_initializers, variables_collections, trainable
        )
        beta, gamma = params_lib.beta_and_gamma(
            [channels], dtype, center, scale, variables
        )
        mean_weight, var_weight = (
            _importance_weight(name, 3 if using_bn else 2, dtype, variables)
            for name in ("mean_weight", "var_weight")
        )
        if using_bn:
            moving_mean, moving_variance, make_updates = _moving_statistics(
                [channels], dtype, decay, using_moving_average, variables
            )

        stats = moments_lib.partial_moments(moments_lib.upcast(inputs), spatial_axes)
        mean_in, var_in = stats.mean, stats.variance
        mean_ln, var_ln = moments_lib.combine_moments(mean_in, var_in, [channels_axis])
        means, variances = [mean_in, mean_ln], [var_in, var_ln]
        if using_bn:
            mean_bn, var_bn = _bn_branch(
                inputs,
                stats,
                channels,
                is_training,
                (moving_mean, moving_variance, make_updates),
                updates_collections,
            )
            mean_bn, var_bn = params_lib.all_along_axis(
                (mean_bn, var_bn), rank, channels_axis
            )
            means.append(mean_bn)
            variances.append(var_bn)

        gamma, beta = params_lib.all_along_axis((gamma, beta), rank, channels_axis)
        outputs = normalize.apply_moments(
            stats,
            epsilon,
            gamma,
            beta,
            inputs.dtype.base_dtype,
            mean=_mix(means, mean_weight),
            variance=_mix(variances, var_weight),
            name="switchablenorm",
            statistic_params=(mean_weight, var_weight),
        )
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _bn_branch(inputs, stats, channels, is_training, moving, updates_collections):
    """The BN branch's statistics [C]: the batch's (with the moving-average
    updates) in training, the moving statistics in inference."""
    moving_mean, moving_variance, make_updates = moving
    batch_axis = [0]

    def batch_moments():
        mean_bn, var_bn = moments_lib.combine_moments(
            stats.mean, stats.variance, batch_axis
        )
        shape = inputs.shape
        if not (shape.is_fully_defined() and shape.num_elements() > 0):
            # An empty batch has no statistics (NaN): zeros keep the
            # importance weights' gradient zero instead of NaN.
            nonempty = tf.size(inputs) > 0
            mean_bn, var_bn = (
                tf.where(nonempty, s, tf.zeros_like(s)) for s in (mean_bn, var_bn)
            )
        return tf.reshape(mean_bn, [channels]), tf.reshape(var_bn, [channels])

    return batch_statistics.batch_or_moving(
        is_training,
        batch_moments,
        (moving_mean, moving_variance),
        make_updates,
        updates_collections,
        # An empty batch leaves the moving statistics unchanged.
        moving_averages.update_gate(is_training, inputs),
    )


def _validate(inputs, data_format, decay, epsilon):
    """The checks of `switchable_norm`'s input and numbers.

    Returns:
      `(inputs, rank, spatial_axes, channels_axis, channels)`: the input as
      a floating-point tensor, its rank, axes and number of channels.
    """
    data_format_lib.validate_data_format(data_format)
    inputs_lib.check_numbers(decay=decay, epsilon=epsilon)
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    spatial_axes, channels_axis = axes_lib.spatial_and_channels_axes(
        inputs, rank, data_format, "switchable_norm"
    )
    if rank > _MAX_RANK:
        raise ValueError(
            "`switchable_norm` needs inputs of rank 3 to 5. Received: inputs "
            f"with shape={inputs.shape} (rank {rank})"
        )
    channels = inputs_lib.static_dim(
        inputs, channels_axis, "has undefined channels dimension (None,)"
    )
    return inputs, rank, spatial_axes, channels_axis, channels


def _importance_weight(name, branches, dtype, variables):
    """`mean_weight` or `var_weight`, [branches], initialized to ones."""
    shape = [branches]
    initializer = variables.initializer(
        name, tf.compat.v1.ones_initializer(), shape
    )
    return variables.param(name, shape, dtype, initializer)


def _moving_statistics(shape, dtype, decay, using_moving_average, variables):
    """moving_mean, moving_variance (and num_batches) and their update rule."""
    statistics = engine.moving_statistics(shape, dtype, False, variables)
    moving = statistics.moving_mean, statistics.moving_variance
    if using_moving_average:

        def make_updates(mean, variance, gate):
            return engine.moving_updates(statistics, mean, variance, decay, gate)

    else:
        with variables.no_partitioner():
            count = variables.statistic(
                "num_batches",
                [],
                dtype,
                tf.compat.v1.zeros_initializer(),
                aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA,
            )
        make_updates = batch_statistics.cumulative_updates(count, *moving)
    return (*moving, make_updates)


def _mix(statistics, weights):
    """sum_k softmax(weights)_k * statistics[k] (broadcasting the shapes)."""
    importance = tf.unstack(tf.nn.softmax(weights))
    mixed = importance[0] * statistics[0]
    for weight, statistic in zip(importance[1:], statistics[1:]):
        mixed += weight * statistic
    return mixed
