"""tf.contrib.layers.batch_norm, as TensorFlow 1.x had it."""

import tensorflow as tf

from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import DATA_FORMAT_NCHW
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm._core.data_format import validate_data_format
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.layers.batch_normalization import BatchNormalization

_UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS
_PARAM_NAMES = ("beta", "gamma", "moving_mean", "moving_variance")
_REGULARIZED_PARAMS = ("beta", "gamma")


@add_arg_scope
def batch_norm(
    inputs,
    decay=0.999,
    center=True,
    scale=False,
    epsilon=0.001,
    activation_fn=None,
    param_initializers=None,
    param_regularizers=None,
    updates_collections=_UPDATE_OPS,
    is_training=True,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    batch_weights=None,
    fused=None,
    data_format=DATA_FORMAT_NHWC,
    zero_debias_moving_mean=False,
    scope=None,
    renorm=False,
    renorm_clipping=None,
    renorm_decay=0.99,
    adjustment=None,
):
    """Adds a Batch Normalization layer (Ioffe & Szegedy, 2015).

    "Batch Normalization: Accelerating Deep Network Training by Reducing
    Internal Covariate Shift", https://arxiv.org/abs/1502.03167.

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    The statistics are taken over every axis but the channels axis (the last
    for NHWC, the second for NCHW). In training the batch moments are used and
    the moving statistics updated, `m <- decay * m + (1 - decay) * v`; at
    inference the moving statistics are used. By default the update ops go to
    `tf.compat.v1.GraphKeys.UPDATE_OPS` and must run with the train op:

        update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
          train_op = optimizer.minimize(loss)

    With `updates_collections=None` they run in place instead.

    As in TF1, one of three implementations is chosen, each with its own
    variables and numerics (checkpoints depend on them):

    * the fused kernel (`tf.compat.v1.nn.fused_batch_norm`) for rank 2 and 4
      inputs when `zero_debias_moving_mean`, a rank-2 input or a
      non-default `updates_collections` asks for it; float32 parameters;
    * the tf.layers `BatchNormalization` layer otherwise (fused itself for
      rank 4 and 5), also used for `renorm` and `adjustment`;
    * the moments path for `batch_weights` (weighted moments), and for
      `zero_debias_moving_mean` or custom `updates_collections` when the fused
      kernel cannot be used; parameters in the input dtype.

    The fused kernel's moving variance is Bessel-corrected (n / (n - 1)), the
    other paths' is not, exactly as in TF1.

    Differences from TF1 (only where TF1 silently failed or crashed): a rank-1
    input is a ValueError (TF1 normalized it over the batch as if it had one
    channel of size 1); misspelt keys in `param_initializers`,
    `param_regularizers`, `variables_collections` and `renorm_clipping` are
    ValueErrors (TF1 ignored them); float64 inputs bound for the fused kernel
    (which has no float64 version) take the moments path.

    Args:
      inputs: a floating-point tensor of rank 2 or more, batch first.
      decay: decay of the moving averages, e.g. 0.999, 0.99 or 0.9.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma` (off by default: the next layer
        usually scales).
      epsilon: small float added to the variance (inside the square root).
      activation_fn: optional activation applied to the output.
      param_initializers: optional dict of initializers for 'beta', 'gamma',
        'moving_mean' and 'moving_variance'.
      param_regularizers: optional dict of regularizers for 'beta' and 'gamma'.
      updates_collections: collections for the update ops, or None to update
        in place.
      is_training: Python bool or bool tensor/placeholder.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from the variable names above to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add beta and gamma to TRAINABLE_VARIABLES.
      batch_weights: optional [batch] tensor of frequency weights: the moments
        are weighted (to correct for biased example selection).
      fused: None or True to use a fused kernel when possible, False never.
      data_format: 'NHWC' (default) or 'NCHW'.
      zero_debias_moving_mean: zero-debias the moving mean (adds the variables
        'moving_mean/biased' and 'moving_mean/local_step').
      scope: optional variable scope (default 'BatchNorm').
      renorm: use Batch Renormalization (https://arxiv.org/abs/1702.03275).
      renorm_clipping: dict that may map 'rmax', 'rmin', 'dmax' to scalars
        clipping r to [rmin, rmax] and d to [-dmax, dmax].
      renorm_decay: decay of the renorm moving averages.
      adjustment: function of the dynamic input shape returning (scale, bias)
        applied to the normalized values in training, before gamma and beta.

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: if `data_format` is neither NHWC nor NCHW; if the rank of
        `inputs` is undefined or below 2; if the channels dimension is
        undefined; if `renorm` is combined with `batch_weights`,
        `updates_collections` or `zero_debias_moving_mean`; for unknown dict
        keys.
      TypeError: if `inputs` is not floating point, or `is_training` is not
        a bool or bool tensor.
    """
    validate_data_format(data_format)
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    inputs_lib.require_min_rank(
        inputs, rank, 2, "batch_norm", expected="rank 2 or more ([batch, channels])"
    )
    variables_lib.check_dict_keys(
        "param_initializers", param_initializers, _PARAM_NAMES
    )
    variables_lib.check_dict_keys(
        "param_regularizers", param_regularizers, _REGULARIZED_PARAMS
    )
    variables_lib.check_dict_keys(
        "variables_collections", variables_collections, _PARAM_NAMES
    )
    training_flag.static_value(is_training)
    if renorm and (
        batch_weights is not None
        or zero_debias_moving_mean
        or updates_collections != _UPDATE_OPS
    ):
        raise ValueError(
            "renorm is not supported with batch_weights, "
            "updates_collections or zero_debias_moving_mean. "
            f"Received: renorm={renorm!r}, batch_weights="
            f"{batch_weights!r}, updates_collections="
            f"{updates_collections!r}, zero_debias_moving_mean="
            f"{zero_debias_moving_mean!r}"
        )
    param_initializers = dict(param_initializers or {})
    param_regularizers = dict(param_regularizers or {})
    options = dict(
        decay=decay,
        center=center,
        scale=scale,
        epsilon=epsilon,
        param_initializers=param_initializers,
        param_regularizers=param_regularizers,
        updates_collections=updates_collections,
        is_training=is_training,
        reuse=reuse,
        variables_collections=variables_collections,
        trainable=trainable,
        data_format=data_format,
        scope=scope,
    )

    fused = True if fused is None else fused
    possible_to_fuse = (
        batch_weights is None
        and not renorm
        and rank in (2, 4)
        and adjustment is None
        and inputs.dtype.base_dtype != tf.float64
    )
    if (
        fused
        and possible_to_fuse
        and (zero_debias_moving_mean or rank == 2 or updates_collections != _UPDATE_OPS)
    ):
        outputs, sc = _fused_path(
            inputs, zero_debias_moving_mean=zero_debias_moving_mean, **options
        )
    elif (
        batch_weights is None
        and updates_collections == _UPDATE_OPS
        and not zero_debias_moving_mean
    ):
        outputs, sc = _layer_path(
            inputs,
            fused=fused,
            renorm=renorm,
            renorm_clipping=renorm_clipping,
            renorm_decay=renorm_decay,
            adjustment=adjustment,
            **options,
        )
    else:
        outputs, sc = _moments_path(
            inputs,
            batch_weights=batch_weights,
            zero_debias_moving_mean=zero_debias_moving_mean,
            **options,
        )
    if activation_fn is not None:
        with tf.compat.v1.name_scope(sc.original_name_scope):
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _param_variable(
    name,
    params_shape,
    dtype,
    default_initializer,
    param_initializers,
    variables_collections,
    trainable,
    param_regularizers=None,
):
    return variables_lib.model_variable(
        name,
        shape=params_shape,
        dtype=dtype,
        initializer=param_initializers.get(name, default_initializer),
        regularizer=(param_regularizers or {}).get(name),
        collections=variables_lib.collections_for(variables_collections, name),
        trainable=trainable,
        aggregation=tf.VariableAggregation.MEAN,
    )


def _moving_statistics(params_shape, dtype, param_initializers, variables_collections):
    """Creates moving_mean and moving_variance (never partitioned)."""
    with variables_lib.partitioner_disabled():
        moving_mean = _param_variable(
            "moving_mean",
            params_shape,
            dtype,
            tf.compat.v1.zeros_initializer(),
            param_initializers,
            variables_collections,
            trainable=False,
        )
        moving_variance = _param_variable(
            "moving_variance",
            params_shape,
            dtype,
            tf.compat.v1.ones_initializer(),
            param_initializers,
            variables_collections,
            trainable=False,
        )
    return moving_mean, moving_variance


def _fused_path(
    inputs,
    decay,
    center,
    scale,
    epsilon,
    param_initializers,
    param_regularizers,
    updates_collections,
    is_training,
    reuse,
    variables_collections,
    trainable,
    data_format,
    zero_debias_moving_mean,
    scope,
):
    """tf.contrib.layers' own fused implementation (rank 2 and 4)."""
    with tf.compat.v1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        original_inputs = inputs
        channels = inputs_lib.static_dim(
            inputs,
            1 if data_format == DATA_FORMAT_NCHW else -1,
            "has undefined `C` dimension",
        )
        if original_inputs.shape.rank == 2:
            new_shape = (
                [-1, channels, 1, 1]
                if data_format == DATA_FORMAT_NCHW
                else [-1, 1, 1, channels]
            )
            inputs = tf.reshape(inputs, new_shape)
        params_shape = [channels]
        # float32 parameters, also for float16 / bfloat16 inputs.
        param_dtype = tf.float32
        if center:
            beta = _param_variable(
                "beta",
                params_shape,
                param_dtype,
                tf.compat.v1.zeros_initializer(),
                param_initializers,
                variables_collections,
                trainable,
                param_regularizers,
            )
        else:
            beta = tf.constant(0.0, param_dtype, params_shape)
        if scale:
            gamma = _param_variable(
                "gamma",
                params_shape,
                param_dtype,
                tf.compat.v1.ones_initializer(),
                param_initializers,
                variables_collections,
                trainable,
                param_regularizers,
            )
        else:
            gamma = tf.constant(1.0, param_dtype, params_shape)
        moving_mean, moving_variance = _moving_statistics(
            params_shape, param_dtype, param_initializers, variables_collections
        )

        def train():
            return tf.compat.v1.nn.fused_batch_norm(
                inputs, gamma, beta, epsilon=epsilon, data_format=data_format
            )

        def infer():
            return tf.compat.v1.nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=moving_mean,
                variance=moving_variance,
                epsilon=epsilon,
                is_training=False,
                data_format=data_format,
            )

        outputs, mean, variance = training_flag.smart_cond(is_training, train, infer)

        def make_updates():
            # `variance` is Bessel-corrected by the fused kernel, as in TF1.
            return (
                moving_averages.assign_moving_average(
                    moving_mean, mean, decay, zero_debias=zero_debias_moving_mean
                ),
                moving_averages.assign_moving_average(
                    moving_variance, variance, decay, zero_debias=False
                ),
            )

        def forced_result(update_ops):
            with tf.control_dependencies(update_ops):
                return tf.identity(outputs)

        if training_flag.needs_training_branch(is_training):
            in_place = moving_averages.wire_updates(
                is_training,
                make_updates,
                lambda: (moving_mean, moving_variance),
                updates_collections,
                forced_result,
                lambda: outputs,
            )
            if in_place is not None:
                outputs = in_place
        outputs.set_shape(inputs.shape)
        if original_inputs.shape.rank == 2:
            outputs = _reshape_back(outputs, original_inputs)
    return outputs, sc


def _reshape_back(outputs, original_inputs):
    """Reshapes a [N, 1, 1, C] result back to the rank-2 input's shape."""
    dims = original_inputs.shape.as_list()
    if sum(d is None for d in dims) <= 1:
        return tf.reshape(outputs, [-1 if d is None else d for d in dims])
    return tf.reshape(outputs, tf.shape(original_inputs))


def _layer_path(
    inputs,
    decay,
    center,
    scale,
    epsilon,
    param_initializers,
    param_regularizers,
    updates_collections,
    is_training,
    reuse,
    variables_collections,
    trainable,
    data_format,
    scope,
    fused,
    renorm,
    renorm_clipping,
    renorm_decay,
    adjustment,
):
    """The tf.layers BatchNormalization path (TF1's default for rank 4)."""
    del updates_collections  # Always UPDATE_OPS on this path.
    with tf.compat.v1.variable_scope(
        scope,
        "BatchNorm",
        [inputs],
        reuse=reuse,
        custom_getter=variables_lib.model_variable_getter,
    ) as sc:
        layer = BatchNormalization(
            axis=1 if data_format == DATA_FORMAT_NCHW else -1,
            momentum=decay,
            epsilon=epsilon,
            center=center,
            scale=scale,
            beta_initializer=param_initializers.get(
                "beta", tf.compat.v1.zeros_initializer()
            ),
            gamma_initializer=param_initializers.get(
                "gamma", tf.compat.v1.ones_initializer()
            ),
            moving_mean_initializer=param_initializers.get(
                "moving_mean", tf.compat.v1.zeros_initializer()
            ),
            moving_variance_initializer=param_initializers.get(
                "moving_variance", tf.compat.v1.ones_initializer()
            ),
            beta_regularizer=param_regularizers.get("beta"),
            gamma_regularizer=param_regularizers.get("gamma"),
            trainable=trainable,
            renorm=renorm,
            renorm_clipping=renorm_clipping,
            renorm_momentum=renorm_decay,
            adjustment=adjustment,
            name=sc.name,
            _scope=sc,
            _reuse=reuse,
            fused=fused,
        )
        outputs = layer.apply(inputs, training=is_training)
        for name in ("moving_mean", "moving_variance", "beta", "gamma"):
            variable = getattr(layer, name)
            if variable is not None:
                variables_lib.add_to_collections_once(
                    variable, variables_lib.collections_for(variables_collections, name)
                )
    return outputs, sc


def _moments_path(
    inputs,
    decay,
    center,
    scale,
    epsilon,
    param_initializers,
    param_regularizers,
    updates_collections,
    is_training,
    reuse,
    variables_collections,
    trainable,
    data_format,
    scope,
    batch_weights,
    zero_debias_moving_mean,
):
    """TF1's own unfused implementation: weighted moments, custom updates."""
    del param_regularizers  # TF1 ignored them on this path.
    with tf.compat.v1.variable_scope(
        scope,
        "BatchNorm",
        [inputs],
        reuse=reuse,
        custom_getter=variables_lib.model_variable_getter,
    ) as sc:
        inputs_shape = inputs.shape
        rank = inputs_shape.rank
        dtype = inputs.dtype.base_dtype
        if batch_weights is not None:
            batch_weights = tf.convert_to_tensor(batch_weights)
            inputs_shape[0:1].assert_is_compatible_with(batch_weights.shape)
            batch_weights = tf.reshape(batch_weights, [-1] + [1] * (rank - 1))
        if data_format == DATA_FORMAT_NCHW:
            moments_axes = [0] + list(range(2, rank))
            channels_axis = 1
        else:
            moments_axes = list(range(rank - 1))
            channels_axis = rank - 1
        channels = inputs_lib.static_dim(
            inputs, channels_axis, "has undefined channels dimension"
        )
        params_shape = [channels]
        broadcast_shape = None
        if data_format == DATA_FORMAT_NCHW:
            broadcast_shape = [1, channels] + [1] * (rank - 2)
        beta = gamma = None
        if center:
            beta = _param_variable(
                "beta",
                params_shape,
                dtype,
                tf.compat.v1.zeros_initializer(),
                param_initializers,
                variables_collections,
                trainable,
            )
        if scale:
            gamma = _param_variable(
                "gamma",
                params_shape,
                dtype,
                tf.compat.v1.ones_initializer(),
                param_initializers,
                variables_collections,
                trainable,
            )
        moving_mean, moving_variance = _moving_statistics(
            params_shape, dtype, param_initializers, variables_collections
        )

        if training_flag.needs_training_branch(is_training):
            mean, variance = moments_lib.moments(
                inputs,
                moments_axes,
                keepdims=data_format == DATA_FORMAT_NCHW,
                weights=batch_weights,
            )
            if data_format == DATA_FORMAT_NCHW:
                mean = tf.reshape(mean, [-1])
                variance = tf.reshape(variance, [-1])

            def make_updates():
                return (
                    moving_averages.assign_moving_average(
                        moving_mean, mean, decay, zero_debias=zero_debias_moving_mean
                    ),
                    moving_averages.assign_moving_average(
                        moving_variance, variance, decay, zero_debias=False
                    ),
                )

            def stale():
                return moving_mean, moving_variance

            def forced_result(update_ops):
                with tf.control_dependencies(update_ops):
                    return tf.identity(mean), tf.identity(variance)

            in_place = moving_averages.wire_updates(
                is_training,
                make_updates,
                stale,
                updates_collections,
                forced_result,
                stale,
            )
            if in_place is None:
                mean, variance = training_flag.smart_cond(
                    is_training, lambda: (mean, variance), stale
                )
            else:
                mean, variance = in_place
        else:
            mean, variance = moving_mean, moving_variance
        if broadcast_shape is not None:
            mean = tf.reshape(mean, broadcast_shape)
            variance = tf.reshape(variance, broadcast_shape)
            if beta is not None:
                beta = tf.reshape(beta, broadcast_shape)
            if gamma is not None:
                gamma = tf.reshape(gamma, broadcast_shape)
        outputs = tf.nn.batch_normalization(
            inputs, mean, variance, beta, gamma, epsilon
        )
        outputs.set_shape(inputs_shape)
    return outputs, sc
