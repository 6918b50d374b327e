"""tf.contrib.layers.batch_norm, as TensorFlow 1.x had it.

A call runs `engine.validate` (the `Options`), then `build_batch_norm`:
`engine.choose_path` picks TF1's implementation, one of

* `_fused_path`: tf.contrib.layers' own call of the fused kernel (rank 2
  and 4 with zero-debias or custom `updates_collections`);
* `_layer_path`: tf.layers' `BatchNormalization` (the default, e.g. for
  rank 4: `BatchNormalization._call_fused`);
* `_moments_path`: the moments (batch weights), also `sync_batch_norm`'s
  for every path, with the global moments.

`engine` is `contrib_norm._core.batch_norm`: every path makes its
variables with its helpers (`engine.model_variables`) and its updates with
`engine.moving_updates`.
"""

import tensorflow as tf

from contrib_norm._core import batch_norm as engine
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
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.layers.batch_normalization import BatchNormalization


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
    updates_collections=engine.UPDATE_OPS,
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

    # Here `locals()` holds the arguments (and, under autograph, its names).
    return build_batch_norm(engine.validate("batch_norm", **locals()))


def build_batch_norm(options, moments_fn=None):
    """`batch_norm` on validated `options` (see `engine.validate`).

    Args:
      options: the `engine.Options`.
      moments_fn: None, or `moments_fn(x, axes, weights)` returning the
        `(mean, variance, count)` to normalize with in training instead of
        the batch's own (`sync_batch_norm`'s global moments). Then the
        moments path computes whichever implementation `batch_norm` would
        choose, with its variables (the moving statistics sync-on-read)
        and its Bessel correction.

    Returns:
      The output tensor.
    """
    path = engine.choose_path(options)
    if moments_fn is not None:
        outputs, sc = _moments_path(options, path, moments_fn)
    elif path.name == engine.FUSED:
        outputs, sc = _fused_path(options, path)
    elif path.name == engine.LAYER:
        outputs, sc = _layer_path(options)
    else:
        outputs, sc = _moments_path(options, path, _batch_moments)
    if options.activation_fn is not None:
        with tf.compat.v1.name_scope(sc.original_name_scope):
            outputs = options.activation_fn(outputs)
    return variables_lib.collect_named_outputs(
        options.outputs_collections, sc.name, outputs
    )


def _fused_path(options, path):
    """tf.contrib.layers' own fused implementation (rank 2 and 4)."""
    inputs, data_format = options.inputs, options.data_format
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
        # float32 parameters, also for float16 / bfloat16 inputs.
        variables = engine.model_variables(options, path)
        beta, gamma = params_lib.beta_and_gamma(
            [channels], tf.float32, options.center, options.scale, variables
        )
        statistics = engine.moving_statistics(
            [channels], tf.float32, options.renorm, variables
        )
        moving_mean = statistics.moving_mean
        moving_variance = statistics.moving_variance
        outputs, mean, variance = engine.fused_batch_norm(
            inputs,
            gamma,
            beta,
            moving_mean,
            moving_variance,
            options.epsilon,
            data_format,
            options.is_training,
        )
        if training_flag.needs_training_branch(options.is_training):
            # An empty batch leaves the moving statistics unchanged.
            gate = moving_averages.update_gate(options.is_training, original_inputs)
            # `variance` is Bessel-corrected by the fused kernel, as in TF1.
            updates = _make_updates(options, path, statistics, None)(
                mean, variance, gate
            )
            outputs = moving_averages.collect_or_force(
                updates, options.updates_collections, outputs, options.is_training
            )
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


def _model_variable_scope(options):
    """The layer's scope (default 'BatchNorm'), making model variables.

    Every variable created inside, the zero-debias ones included, also goes
    to MODEL_VARIABLES, as under TF1's layer variable getter.
    """
    return tf.compat.v1.variable_scope(
        options.scope,
        "BatchNorm",
        [options.inputs],
        reuse=options.reuse,
        custom_getter=variables_lib.model_variable_getter,
    )


def _layer_path(options):
    """The tf.layers BatchNormalization path (TF1's default for rank 4)."""
    axis = 1 if options.data_format == DATA_FORMAT_NCHW else -1
    channels = tf.compat.dimension_value(options.inputs.shape[axis])
    # None: undefined, which the layer reports.
    shape = None if channels is None else [channels]
    initializers = {
        name + "_initializer": variables_lib.param_initializer(
            options.param_initializers, name, default, shape
        )
        for name, default in (
            ("beta", tf.compat.v1.zeros_initializer()),
            ("gamma", tf.compat.v1.ones_initializer()),
            ("moving_mean", tf.compat.v1.zeros_initializer()),
            ("moving_variance", tf.compat.v1.ones_initializer()),
        )
    }
    regularizers = options.param_regularizers
    with _model_variable_scope(options) as sc:
        layer = BatchNormalization(
            axis=axis,
            momentum=options.decay,
            epsilon=options.epsilon,
            center=options.center,
            scale=options.scale,
            beta_regularizer=regularizers.get("beta"),
            gamma_regularizer=regularizers.get("gamma"),
            trainable=options.trainable,
            renorm=options.renorm,
            renorm_clipping=options.renorm_clipping,
            renorm_momentum=options.renorm_decay,
            adjustment=options.adjustment,
            name=sc.name,
            _scope=sc,
            _reuse=options.reuse,
            fused=options.fused,
            **initializers,
        )
        outputs = layer.apply(options.inputs, training=options.is_training)
        for name in ("moving_mean", "moving_variance", "beta", "gamma"):
            variable = getattr(layer, name)
            if variable is not None:
                variables_lib.add_to_collections_once(
                    variable,
                    variables_lib.collections_for(options.variables_collections, name),
                )
    return outputs, sc


def _batch_moments(x, axes, weights):
    """The batch's own `(mean, variance, None)`, of shape [channels]."""
    mean, variance = moments_lib.moments(x, axes, keepdims=True, weights=weights)
    return tf.reshape(mean, [-1]), tf.reshape(variance, [-1]), None


def _moments_path(options, path, moments_fn):
    """TF1's own unfused implementation: weighted moments, custom updates.

    Also `sync_batch_norm`'s, for every `path`, with `moments_fn` the
    global moments: then the moving statistics are sync-on-read (each
    replica updates its copy with the same values), and renorm and
    `adjustment` are applied as the tf.layers layer applies them.

    On the moments path proper the parameters are in the input dtype and
    `param_regularizers` are ignored (as in TF1). float16 / bfloat16 inputs
    are normalized in float32 (TF1 cast the moments back and normalized in
    half precision, which loses every digit for inputs far from zero).
    """
    inputs, rank = options.inputs, options.rank
    synchronization = tf.VariableSynchronization.AUTO
    if moments_fn is not _batch_moments:
        synchronization = tf.VariableSynchronization.ON_READ
    with _model_variable_scope(options) as sc:
        weights = None
        if options.batch_weights is not None:
            weights = _batch_weights(options.batch_weights, inputs)
        axis = channels_axis(options.data_format, rank)
        channels = inputs_lib.static_dim(
            inputs, axis, "has undefined channels dimension (None,)"
        )
        variables = engine.model_variables(options, path, synchronization)
        beta, gamma = params_lib.beta_and_gamma(
            [channels],
            path.param_dtype,
            options.center,
            options.scale,
            variables,
            path.gamma_first,
        )
        statistics = engine.moving_statistics(
            [channels], path.param_dtype, options.renorm, variables
        )
        x = moments_lib.upcast(inputs)
        if training_flag.needs_training_branch(options.is_training):
            axes = [i for i in range(rank) if i != axis]
            mean, variance, adjustment, renorm = _training_statistics(
                options, path, statistics, x, moments_fn(x, axes, weights)
            )
        else:
            mean, variance = batch_statistics.moving_values(
                (statistics.moving_mean, statistics.moving_variance)
            )
            adjustment = renorm = None
        beta, gamma = (
            None if p is None else moments_lib.upcast(p) for p in (beta, gamma)
        )
        mean, variance, beta, gamma = params_lib.all_along_axis(
            (mean, variance, beta, gamma), rank, axis
        )
        if adjustment is not None:
            gamma, beta = engine.compose_transforms(*adjustment, gamma, beta)
        if renorm is not None:
            r, d = params_lib.all_along_axis(renorm, rank, axis)
            gamma, beta = engine.compose_transforms(r, d, gamma, beta)
        outputs = tf.nn.batch_normalization(
            x, mean, variance, beta, gamma, options.epsilon
        )
        if outputs.dtype.base_dtype != inputs.dtype.base_dtype:
            outputs = tf.cast(outputs, inputs.dtype.base_dtype)
        outputs.set_shape(inputs.shape)
    return outputs, sc


def _training_statistics(options, path, statistics, x, moments):
    """The statistics to normalize with, wiring the updates in training.

    Args:
      moments: `(mean, variance, count)` of the batch (`count` None: the
        batch is `options.inputs`).

    Returns:
      `(mean, variance, adjustment, renorm)`: the batch moments in training
      (else the moving ones), and the `(scale, offset)` pairs to compose,
      in this order, into gamma and beta in training, or None: the
      `adjustment`'s (broadcastable to `x`) and renorm's `(r, d)` ([C]).
    """
    mean, variance, count = moments
    is_training = options.is_training
    adjustment = renorm = None
    if options.adjustment is not None:
        adjustment = engine.adjustment_transform(options.adjustment, x, is_training)
    if options.renorm:
        r, d, mean, variance = engine.renorm_correction(
            statistics,
            mean,
            variance,
            options.epsilon,
            options.renorm_clipping or {},
            is_training,
        )
        renorm = (r, d)
    # An empty (global) batch leaves the moving statistics unchanged.
    gate = moving_averages.update_gate(
        is_training, options.inputs if count is None else None, count
    )
    mean, variance = batch_statistics.batch_or_moving(
        is_training,
        lambda: (mean, variance),
        (statistics.moving_mean, statistics.moving_variance),
        _make_updates(options, path, statistics, count),
        options.updates_collections,
        gate,
    )
    return mean, variance, adjustment, renorm


def _make_updates(options, path, statistics, count):
    """`make_updates(mean, variance, gate)`: `engine.moving_updates`, the
    variance Bessel-corrected with the global `count` where `path` says so
    (as the fused kernel corrects it)."""
    renorm = (options.epsilon, options.renorm_decay) if options.renorm else None

    def make_updates(mean, variance, gate):
        if path.bessel and count is not None and renorm is None:
            variance *= tf.cast(count / tf.maximum(count - 1.0, 1.0), variance.dtype)
        return engine.moving_updates(
            statistics,
            mean,
            variance,
            options.decay,
            gate,
            zero_debias_mean=options.zero_debias_moving_mean,
            renorm=renorm,
        )

    return make_updates


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
