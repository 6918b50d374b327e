"""tf.contrib.layers.batch_norm, as TensorFlow 1.x had it."""

import collections

import tensorflow as tf

from contrib_norm._core import batch_statistics
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import params as params_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import DATA_FORMAT_NCHW
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm._core.data_format import channels_axis
from contrib_norm._core.data_format import validate_data_format
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.layers.batch_normalization import BatchNormalization
from contrib_norm.layers.batch_normalization import _check_renorm_clipping

_UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS
_PARAM_NAMES = ("beta", "gamma", "moving_mean", "moving_variance")
_REGULARIZED_PARAMS = ("beta", "gamma")

# The arguments every implementation reads, validated once by `batch_norm`.
_Options = collections.namedtuple(
    "_Options",
    [
        "decay",
        "center",
        "scale",
        "epsilon",
        "param_initializers",
        "param_regularizers",
        "updates_collections",
        "is_training",
        "reuse",
        "variables_collections",
        "trainable",
        "data_format",
        "zero_debias_moving_mean",
        "scope",
    ],
)


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
    (which has no float64 version) take the moments path, or the tf.layers
    one; `batch_weights` of another dtype than `inputs` are cast to it; on
    the moments path float16 and bfloat16 inputs are normalized in float32
    and cast back (TF1 normalized them in half precision, which loses every
    digit a few hundred away from zero; the variables keep the input dtype);
    `is_training=None` is a TypeError (TF1 read Keras's learning phase on
    the rank-4 default path and crashed on the others; contrib_norm has no
    Keras learning phase); non-numbers for `decay`, `epsilon` and
    `renorm_decay` are TypeErrors naming them, and impossible values
    (`epsilon <= 0` or NaN, a decay outside [0, 1], a `renorm_clipping`
    with rmax < 1 or rmin outside [0, 1]) ValueErrors (TF1 took them and
    returned NaN or diverging statistics).

    An empty batch (zero-size input, e.g. [0, H, W, C]) in training returns an
    empty output and leaves the moving statistics (and the renorm and
    zero-debias accumulators) exactly unchanged; TF1 set them to NaN for
    good. NaN or Inf values in the input still propagate to the output and
    the moving statistics, as in TF1.

    Args:
      inputs: a floating-point tensor of rank 2 or more, batch first.
      decay: decay of the moving averages, e.g. 0.999, 0.99 or 0.9.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma` (off by default: the next layer
        usually scales).
      epsilon: small float added to the variance (inside the square root).
      activation_fn: optional activation applied to the output.
      param_initializers: optional dict of initializers for 'beta', 'gamma',
        'moving_mean' and 'moving_variance'. Each is an initializer or one of
        'zeros', 'ones', 'glorot_uniform', 'glorot_normal'; anything else (an
        ndarray, another string) or a constant_initializer whose values cannot
        fill the parameter (TF1 padded a short list silently) is a named
        error.
      param_regularizers: optional dict of regularizers for 'beta' and 'gamma'
        (ignored by the moments path, as in TF1).
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
        keys; for `epsilon` not finite and > 0, `decay` or `renorm_decay`
        outside [0, 1], or `renorm_clipping` values outside rmax >= 1,
        0 <= rmin <= rmax, dmax >= 0; if `batch_weights` is not [batch].
      TypeError: if `inputs` is not floating point, `is_training` is not a
        bool or bool tensor, or a dict argument is not a dict.
    """
    inputs, rank = _validate_arguments(
        "batch_norm",
        inputs,
        param_initializers=param_initializers,
        param_regularizers=param_regularizers,
        variables_collections=variables_collections,
        is_training=is_training,
        data_format=data_format,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        batch_weights=batch_weights,
        zero_debias_moving_mean=zero_debias_moving_mean,
        updates_collections=updates_collections,
        decay=decay,
        epsilon=epsilon,
        renorm_decay=renorm_decay,
    )
    options = _Options(
        decay=decay,
        center=center,
        scale=scale,
        epsilon=epsilon,
        param_initializers=dict(param_initializers or {}),
        param_regularizers=dict(param_regularizers or {}),
        updates_collections=updates_collections,
        is_training=is_training,
        reuse=reuse,
        variables_collections=variables_collections,
        trainable=trainable,
        data_format=data_format,
        zero_debias_moving_mean=zero_debias_moving_mean,
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
    # An empty batch leaves the moving statistics unchanged.
    with moving_averages.skip_empty_batch(inputs):
        if (
            fused
            and possible_to_fuse
            and (
                zero_debias_moving_mean
                or rank == 2
                or updates_collections != _UPDATE_OPS
            )
        ):
            outputs, sc = _fused_path(inputs, options)
        elif (
            batch_weights is None
            and updates_collections == _UPDATE_OPS
            and not zero_debias_moving_mean
        ):
            outputs, sc = _layer_path(
                inputs,
                options,
                fused=fused,
                renorm=renorm,
                renorm_clipping=renorm_clipping,
                renorm_decay=renorm_decay,
                adjustment=adjustment,
            )
        else:
            outputs, sc = _moments_path(inputs, options, batch_weights)
    if activation_fn is not None:
        with tf.compat.v1.name_scope(sc.original_name_scope):
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _validate_arguments(
    function,
    inputs,
    param_initializers,
    param_regularizers,
    variables_collections,
    is_training,
    data_format,
    renorm,
    renorm_clipping,
    batch_weights,
    zero_debias_moving_mean,
    updates_collections,
    decay,
    epsilon,
    renorm_decay,
):
    """The argument checks of `batch_norm` (and `sync_batch_norm`).

    Returns:
      `(inputs, rank)`: the input as a floating-point tensor, and its rank.
    """
    validate_data_format(data_format)
    inputs_lib.check_numbers(decay=decay, epsilon=epsilon, renorm_decay=renorm_decay)
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    inputs_lib.require_min_rank(
        inputs, rank, 2, function, expected="rank 2 or more ([batch, channels])"
    )
    check_dict = variables_lib.check_dict
    check_dict("param_initializers", param_initializers, _PARAM_NAMES)
    check_dict("param_regularizers", param_regularizers, _REGULARIZED_PARAMS)
    if isinstance(variables_collections, dict):
        check_dict("variables_collections", variables_collections, _PARAM_NAMES)
    _check_renorm_clipping(renorm_clipping)
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
    return inputs, rank


def _beta_and_gamma(params_shape, dtype, options, regularized):
    """beta (if `center`) then gamma (if `scale`), else None.

    `regularized`: apply `param_regularizers` (the moments path ignores them).
    """
    created = {}
    for name, enabled, initializer in (
        ("beta", options.center, tf.compat.v1.zeros_initializer()),
        ("gamma", options.scale, tf.compat.v1.ones_initializer()),
    ):
        if enabled:
            created[name] = params_lib.model_param(
                name,
                params_shape,
                dtype,
                initializer,
                options.param_initializers,
                options.variables_collections,
                options.trainable,
                aggregation=tf.VariableAggregation.MEAN,
                regularizer=(
                    options.param_regularizers.get(name) if regularized else None
                ),
            )
    return created.get("beta"), created.get("gamma")


def _moving_statistics(params_shape, dtype, options):
    """Creates moving_mean and moving_variance (never partitioned)."""
    with variables_lib.partitioner_disabled():
        return params_lib.model_params(
            (
                ("moving_mean", tf.compat.v1.zeros_initializer()),
                ("moving_variance", tf.compat.v1.ones_initializer()),
            ),
            params_shape,
            dtype,
            options.param_initializers,
            options.variables_collections,
            trainable=False,
            aggregation=tf.VariableAggregation.MEAN,
        )


def _make_updates(options):
    """`make_updates(moving_mean, moving_variance, mean, variance)`."""
    return batch_statistics.exponential_updates(
        options.decay, zero_debias_mean=options.zero_debias_moving_mean
    )


def _fused_path(inputs, options):
    """tf.contrib.layers' own fused implementation (rank 2 and 4)."""
    data_format = options.data_format
    with tf.compat.v1.variable_scope(
        options.scope, "BatchNorm", [inputs], reuse=options.reuse
    ) as sc:
        original_inputs = inputs
        axis = channels_axis(data_format, inputs.shape.rank)
        if inputs.shape.rank == 2 and inputs.shape[axis] is None:
            raise ValueError(
                "`C` dimension must be known but is None. Received: inputs "
                f"with shape={inputs.shape}"
            )
        channels = inputs_lib.static_dim(
            inputs, axis, "has undefined `C` dimension (None,)"
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
        beta, gamma = _beta_and_gamma(params_shape, param_dtype, options, True)
        if beta is None:
            beta = tf.constant(0.0, param_dtype, params_shape)
        if gamma is None:
            gamma = tf.constant(1.0, param_dtype, params_shape)
        moving_mean, moving_variance = _moving_statistics(
            params_shape, param_dtype, options
        )

        def fused(is_training, **statistics):
            return tf.compat.v1.nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                epsilon=options.epsilon,
                is_training=is_training,
                data_format=data_format,
                **statistics,
            )

        outputs, mean, variance = training_flag.smart_cond(
            options.is_training,
            lambda: fused(True),
            lambda: fused(False, mean=moving_mean, variance=moving_variance),
        )

        def forced_result(update_ops):
            with tf.control_dependencies(update_ops):
                return tf.identity(outputs)

        if training_flag.needs_training_branch(options.is_training):
            # `variance` is Bessel-corrected by the fused kernel, as in TF1.
            in_place = moving_averages.wire_updates(
                options.is_training,
                lambda: _make_updates(options)(
                    moving_mean, moving_variance, mean, variance
                ),
                lambda: (moving_mean, moving_variance),
                options.updates_collections,
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


def _model_variable_scope(inputs, options):
    """The layer's scope (default 'BatchNorm'), making model variables.

    Every variable created inside, the zero-debias ones included, also goes
    to MODEL_VARIABLES, as under TF1's layer variable getter.
    """
    return tf.compat.v1.variable_scope(
        options.scope,
        "BatchNorm",
        [inputs],
        reuse=options.reuse,
        custom_getter=variables_lib.model_variable_getter,
    )


def _layer_path(
    inputs, options, fused, renorm, renorm_clipping, renorm_decay, adjustment
):
    """The tf.layers BatchNormalization path (TF1's default for rank 4)."""
    axis = 1 if options.data_format == DATA_FORMAT_NCHW else -1
    channels = tf.compat.dimension_value(inputs.shape[axis])
    # None: undefined, which the layer reports.
    shape = None if channels is None else [channels]

    def initializer(name, default):
        return variables_lib.param_initializer(
            options.param_initializers, name, default, shape
        )

    regularizers = options.param_regularizers
    with _model_variable_scope(inputs, options) as sc:
        layer = BatchNormalization(
            axis=axis,
            momentum=options.decay,
            epsilon=options.epsilon,
            center=options.center,
            scale=options.scale,
            beta_initializer=initializer(
                "beta", tf.compat.v1.zeros_initializer()
            ),
            gamma_initializer=initializer(
                "gamma", tf.compat.v1.ones_initializer()
            ),
            moving_mean_initializer=initializer(
                "moving_mean", tf.compat.v1.zeros_initializer()
            ),
            moving_variance_initializer=initializer(
                "moving_variance", tf.compat.v1.ones_initializer()
            ),
            beta_regularizer=regularizers.get("beta"),
            gamma_regularizer=regularizers.get("gamma"),
            trainable=options.trainable,
            renorm=renorm,
            renorm_clipping=renorm_clipping,
            renorm_momentum=renorm_decay,
            adjustment=adjustment,
            name=sc.name,
            _scope=sc,
            _reuse=options.reuse,
            fused=fused,
        )
        outputs = layer.apply(inputs, training=options.is_training)
        for name in ("moving_mean", "moving_variance", "beta", "gamma"):
            variable = getattr(layer, name)
            if variable is not None:
                variables_lib.add_to_collections_once(
                    variable,
                    variables_lib.collections_for(options.variables_collections, name),
                )
    return outputs, sc


def _moments_path(inputs, options, batch_weights):
    """TF1's own unfused implementation: weighted moments, custom updates.

    Its parameters are in the input dtype, and `param_regularizers` are
    ignored (as in TF1). float16 / bfloat16 inputs are normalized in float32
    (TF1 cast the moments back and normalized in half precision, which loses
    every digit for inputs far from zero).
    """
    data_format = options.data_format
    with _model_variable_scope(inputs, options) as sc:
        inputs_shape = inputs.shape
        rank = inputs_shape.rank
        dtype = inputs.dtype.base_dtype
        weights = None
        if batch_weights is not None:
            weights = _batch_weights(batch_weights, inputs)
        axis = channels_axis(data_format, rank)
        moments_axes = [i for i in range(rank) if i != axis]
        channels = inputs_lib.static_dim(
            inputs, axis, "has undefined channels dimension (None,)"
        )
        params_shape = [channels]
        beta, gamma = _beta_and_gamma(params_shape, dtype, options, False)
        moving_mean, moving_variance = _moving_statistics(params_shape, dtype, options)

        x = moments_lib.upcast(inputs)

        def batch_moments():
            mean, variance = moments_lib.moments(
                x, moments_axes, keepdims=True, weights=weights
            )
            return tf.reshape(mean, [-1]), tf.reshape(variance, [-1])

        mean, variance = batch_statistics.batch_or_moving(
            options.is_training,
            batch_moments,
            moving_mean,
            moving_variance,
            _make_updates(options),
            options.updates_collections,
        )
        beta, gamma = (
            None if p is None else moments_lib.upcast(p)
            for p in (beta, gamma)
        )
        if data_format == DATA_FORMAT_NCHW:
            mean, variance, beta, gamma = (
                params_lib.along_axis(t, rank, axis)
                for t in (mean, variance, beta, gamma)
            )
        outputs = tf.nn.batch_normalization(
            x, mean, variance, beta, gamma, options.epsilon
        )
        if outputs.dtype.base_dtype != dtype:
            outputs = tf.cast(outputs, dtype)
        outputs.set_shape(inputs_shape)
    return outputs, sc


def _batch_weights(batch_weights, inputs):
    """`batch_weights` as a [batch, 1, ..., 1] tensor in the inputs' dtype."""
    batch_weights = tf.convert_to_tensor(batch_weights)
    if batch_weights.shape.rank not in (None, 1) or not inputs.shape[
        0:1
    ].is_compatible_with(batch_weights.shape):
        raise ValueError(
            "`batch_weights` must be a vector of the batch size "
            f"({inputs.shape[0]}). Received: batch_weights with shape="
            f"{batch_weights.shape} for inputs with shape={inputs.shape}"
        )
    if batch_weights.dtype.base_dtype != inputs.dtype.base_dtype:
        batch_weights = tf.cast(batch_weights, inputs.dtype.base_dtype)
    return tf.reshape(batch_weights, [-1] + [1] * (inputs.shape.rank - 1))
