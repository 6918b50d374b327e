"""sync_batch_norm: batch_norm over the global batch of all tf.distribute replicas."""

import tensorflow as tf

from contrib_norm._core import distribute
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import normalize
from contrib_norm._core import params as params_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm._core.data_format import channels_axis as channels_axis_of
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.layers.batch_norm import _batch_weights  # Same checks.
from contrib_norm.layers.batch_norm import _validate_arguments
from contrib_norm.layers.batch_norm import batch_norm

_UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS
# The arguments `batch_norm`'s checks look at.
_VALIDATED = (
    "param_initializers",
    "param_regularizers",
    "variables_collections",
    "is_training",
    "data_format",
    "renorm",
    "renorm_clipping",
    "batch_weights",
    "zero_debias_moving_mean",
    "updates_collections",
    "decay",
    "epsilon",
    "renorm_decay",
)
_FUSED_DTYPES = (tf.float16, tf.bfloat16, tf.float32)
_ON_READ = dict(
    synchronization=tf.VariableSynchronization.ON_READ,
    aggregation=tf.VariableAggregation.MEAN,
)


@add_arg_scope
def sync_batch_norm(
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
    """Batch normalization with the moments of the global batch (all replicas).

    Batch Normalization (Ioffe & Szegedy, 2015,
    https://arxiv.org/abs/1502.03167) whose batch moments, inside a
    `tf.distribute` replica context (`strategy.run`,
    `strategy.extended.call_for_each_replica`), are those of the global batch,
    the union of every replica's batch ("cross-replica" or "synchronized"
    batch normalization, as in Peng et al., 2018, MegDet,
    https://arxiv.org/abs/1711.07240):

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    with `mean` and `variance` over every axis but the channels axis and over
    all replicas. Each replica's (count, mean, centred sum of squares) is
    packed into one vector of 2C+1 values and summed over replicas by one
    all-reduce (`contrib_norm._core.distribute.global_moments`), so the result
    is exact for unequal replica batches. Gradients flow through the
    all-reduce (its gradient is an all-reduce of the upstream gradients), so
    a model trained under MirroredStrategy or MultiWorkerMirroredStrategy
    matches single-device `batch_norm` on the concatenated batch.

    Outside a replica context (no strategy, or a strategy's cross-replica
    context) this is exactly `batch_norm`: same call, same graph.

    Inside one, variables and numerics are those `batch_norm` would give on
    the concatenated batch, so checkpoints are interchangeable: the variable
    names (`BatchNorm/beta`, `gamma`, `moving_mean`, `moving_variance`, and
    the renorm and zero-debias ones), shapes and dtypes of the implementation
    `batch_norm` would choose for the same arguments (parameters in float32
    for float16/bfloat16 inputs, except where `batch_norm` uses its moments
    path, e.g. with `batch_weights`); the moving variance Bessel-corrected
    (n / (n - 1), n the global count) exactly where `batch_norm` uses a fused
    kernel; `param_regularizers` ignored where `batch_norm` ignores them.
    Differences from `batch_norm` inside a replica context (deliberate): the
    moving statistics are sync-on-read variables (MEAN aggregation), updated
    by each replica on its own copy with the identical global moments, so
    the update costs no communication; the batch moments are computed
    unfused, even where `batch_norm` would call the fused kernel; with a
    tensor `is_training` the all-reduce runs also when it is False (an
    all-reduce cannot sit in a `tf.cond` branch).

    An empty batch (zero-size input, e.g. [0, H, W, C]) in training returns
    an empty output and leaves the moving statistics (and the renorm and
    zero-debias accumulators) exactly unchanged (a replica whose batch is
    empty contributes nothing to the global moments); TF1 set them to NaN
    for good. NaN or Inf values in the input still propagate to the output
    and the moving statistics, as in TF1.

    Args:
      inputs: a floating-point tensor of rank 2 or more, batch first.
      decay: decay of the moving averages.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      epsilon: small float added to the variance (inside the square root).
      activation_fn: optional activation applied to the output.
      param_initializers: optional dict of initializers for 'beta', 'gamma',
        'moving_mean' and 'moving_variance'. Each is an initializer or one of
        'zeros', 'ones', 'glorot_uniform', 'glorot_normal'; anything else (an
        ndarray, another string) or a constant_initializer whose values cannot
        fill the parameter (TF1 padded a short list silently) is a named
        error.
      param_regularizers: optional dict of regularizers for 'beta' and 'gamma'.
      updates_collections: collections for the update ops, or None to update
        in place.
      is_training: Python bool or bool tensor/placeholder.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from the variable names above to lists.
      outputs_collections: collections to add the output to.
      trainable: if True, add beta and gamma to TRAINABLE_VARIABLES.
      batch_weights: optional [batch] tensor of frequency weights (weighted
        global moments).
      fused: as for `batch_norm`; inside a replica context it only decides
        the moving variance's Bessel correction, as it would in `batch_norm`.
      data_format: 'NHWC' (default) or 'NCHW'.
      zero_debias_moving_mean: zero-debias the moving mean.
      scope: optional variable scope (default 'BatchNorm').
      renorm: use Batch Renormalization (https://arxiv.org/abs/1702.03275).
      renorm_clipping: dict that may map 'rmax', 'rmin', 'dmax' to scalars.
      renorm_decay: decay of the renorm moving averages.
      adjustment: function of the dynamic input shape returning (scale, bias)
        applied to the normalized values in training.

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: as `batch_norm`: bad `data_format`, undefined rank or rank
        below 2, undefined channels dimension, `renorm` combined with
        `batch_weights`, `updates_collections` or `zero_debias_moving_mean`,
        unknown dict keys, `epsilon` not finite and > 0, `decay` or
        `renorm_decay` outside [0, 1], `renorm_clipping` values outside
        rmax >= 1, 0 <= rmin <= rmax, dmax >= 0.
      TypeError: if `inputs` is not floating point, `is_training` is not a
        bool or bool tensor, or a dict argument is not a dict.
      RuntimeError: if gradients through the global moments are built
        outside the replica context.
    """
    arguments = dict(
        decay=decay,
        center=center,
        scale=scale,
        epsilon=epsilon,
        activation_fn=activation_fn,
        param_initializers=param_initializers,
        param_regularizers=param_regularizers,
        updates_collections=updates_collections,
        is_training=is_training,
        reuse=reuse,
        variables_collections=variables_collections,
        outputs_collections=outputs_collections,
        trainable=trainable,
        batch_weights=batch_weights,
        fused=fused,
        data_format=data_format,
        zero_debias_moving_mean=zero_debias_moving_mean,
        scope=scope,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        renorm_decay=renorm_decay,
        adjustment=adjustment,
    )
    if not distribute.in_replica_context():
        return batch_norm(inputs, **arguments)
    inputs, rank = _validate_arguments(
        "sync_batch_norm",
        inputs,
        **{k: arguments[k] for k in _VALIDATED},
    )
    return _sync_batch_norm(inputs, rank, **arguments)


class _Mirror(object):
    """What `batch_norm` would do with the same arguments, where it matters.

    `batch_norm` picks one of three implementations (see its docstring); the
    variables' dtypes, the moving variance's Bessel correction and whether
    `param_regularizers` apply depend on that choice.
    """

    def __init__(
        self, rank, dtype, fused, batch_weights, renorm, adjustment, zero_debias, uc
    ):
        fused = True if fused is None else fused
        plain = batch_weights is None and not renorm and adjustment is None
        if (
            fused
            and plain
            and rank in (2, 4)
            and dtype != tf.float64
            and (zero_debias or rank == 2 or uc != _UPDATE_OPS)
        ):
            path, bessel = "fused", True
        elif batch_weights is None and uc == _UPDATE_OPS and not zero_debias:
            # The tf.layers layer, itself fused for rank 4 and 5.
            path = "layer"
            bessel = fused and plain and rank in (4, 5) and dtype in _FUSED_DTYPES
        else:
            path, bessel = "moments", False
        self.bessel = bessel
        self.regularized = path != "moments"
        self.gamma_first = path == "layer"
        self.param_dtype = (
            dtype if path == "moments" else moments_lib.compute_dtype(dtype)
        )


def _sync_batch_norm(
    inputs,
    rank,
    decay,
    center,
    scale,
    epsilon,
    activation_fn,
    param_initializers,
    param_regularizers,
    updates_collections,
    is_training,
    reuse,
    variables_collections,
    outputs_collections,
    trainable,
    batch_weights,
    fused,
    data_format,
    zero_debias_moving_mean,
    scope,
    renorm,
    renorm_clipping,
    renorm_decay,
    adjustment,
):
    """The replica-context recipe: variables, global moments, normalize, update."""
    dtype = inputs.dtype.base_dtype
    mirror = _Mirror(
        rank,
        dtype,
        fused,
        batch_weights,
        renorm,
        adjustment,
        zero_debias_moving_mean,
        updates_collections,
    )
    axis = channels_axis_of(data_format, rank)
    reduction_axes = [a for a in range(rank) if a != axis]

    def to_axis(param):
        return params_lib.along_axis(param, rank, axis)

    with tf.compat.v1.variable_scope(
        scope,
        "BatchNorm",
        [inputs],
        reuse=reuse,
        custom_getter=variables_lib.model_variable_getter,
    ) as sc:
        channels = inputs_lib.static_dim(
            inputs, axis, "has undefined channels dimension (None,)"
        )
        variables = _Variables(
            [channels],
            mirror.param_dtype,
            mirror.gamma_first,
            center,
            scale,
            renorm,
            dict(param_initializers or {}),
            dict(param_regularizers or {}) if mirror.regularized else {},
            variables_collections,
            trainable,
        )
        weights = None
        if batch_weights is not None:
            weights = _batch_weights(batch_weights, inputs)
        x = moments_lib.upcast(inputs)
        gamma = to_axis(variables.value("gamma"))
        beta = to_axis(variables.value("beta"))
        training = training_flag.needs_training_branch(is_training)
        if training:
            statistics = _GlobalStatistics(
                variables, x, reduction_axes, weights, mirror.bessel, epsilon
            )
            mean = training_flag.smart_cond(
                is_training,
                lambda: statistics.mean,
                lambda: variables.value("moving_mean"),
            )
            variance = training_flag.smart_cond(
                is_training,
                lambda: statistics.variance,
                lambda: variables.value("moving_variance"),
            )
            if adjustment is not None:
                adj_scale, adj_bias = _only_in_training(
                    is_training,
                    [tf.cast(t, x.dtype) for t in adjustment(tf.shape(x))],
                )
                gamma, beta = _compose(adj_scale, adj_bias, gamma, beta)
            if renorm:
                r, d = _only_in_training(
                    is_training, statistics.renorm_correction(renorm_clipping)
                )
                gamma, beta = _compose(to_axis(r), to_axis(d), gamma, beta)
        else:
            mean = variables.value("moving_mean")
            variance = variables.value("moving_variance")
        scale_, offset = normalize.scale_and_offset(
            to_axis(mean), to_axis(variance), epsilon, gamma, beta
        )
        outputs = normalize.apply(x, scale_, offset, inputs.dtype.base_dtype)
        if training:

            def forced_result(update_ops):
                with tf.control_dependencies(update_ops):
                    return tf.identity(outputs)

            # Unchanged moving statistics when every replica's batch is empty.
            with moving_averages.skip_empty_batch(count=statistics.count):
                in_place = moving_averages.wire_updates(
                    is_training,
                    lambda: statistics.updates(
                        decay, zero_debias_moving_mean, renorm, renorm_decay
                    ),
                    lambda: (variables.moving_mean, variables.moving_variance),
                    updates_collections,
                    forced_result,
                    lambda: outputs,
                )
            if in_place is not None:
                outputs = in_place
        outputs.set_shape(inputs.shape)
        if activation_fn is not None:
            with tf.compat.v1.name_scope(sc.original_name_scope):
                outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _only_in_training(is_training, pair):
    """(scale, offset) in training, (1, 0) otherwise, as the tf.layers path."""
    scale_, offset = pair
    return (
        training_flag.smart_cond(
            is_training, lambda: scale_, lambda: tf.ones_like(scale_)
        ),
        training_flag.smart_cond(
            is_training, lambda: offset, lambda: tf.zeros_like(offset)
        ),
    )


def _compose(scale_, offset, then_scale, then_offset):
    """(x * scale_ + offset) * then_scale + then_offset, as (scale, offset)."""
    if then_scale is not None:
        scale_ = scale_ * then_scale
        offset = offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale_, offset


class _Variables(object):
    """beta, gamma and the moving statistics, named and typed as batch_norm's.

    Created in the order of `batch_norm`'s chosen implementation (gamma first
    on the tf.layers path), so `tf.compat.v1.global_variables()` lists them
    alike.

    The moving statistics are sync-on-read (MEAN): each replica updates its
    own copy with the same global moments; reading one in the cross-replica
    context (or saving it) gives the mean over replicas.
    """

    def __init__(
        self,
        shape,
        dtype,
        gamma_first,
        center,
        scale,
        renorm,
        initializers,
        regularizers,
        variables_collections,
        trainable,
    ):
        def variable(name, initializer, **kwargs):
            return variables_lib.model_variable(
                name,
                shape=shape,
                dtype=dtype,
                initializer=variables_lib.param_initializer(
                    initializers, name, initializer, shape
                ),
                collections=variables_lib.collections_for(
                    variables_collections, name
                ),
                **kwargs,
            )

        zeros = tf.compat.v1.zeros_initializer()
        ones = tf.compat.v1.ones_initializer()
        trained = dict(trainable=trainable, aggregation=tf.VariableAggregation.MEAN)
        statistic = dict(trainable=False, **_ON_READ)
        made = {}
        wanted = {"beta": (center, zeros), "gamma": (scale, ones)}
        for name in ("gamma", "beta") if gamma_first else ("beta", "gamma"):
            wanted_here, initializer = wanted[name]
            if wanted_here:
                made[name] = variable(
                    name, initializer, regularizer=regularizers.get(name), **trained
                )
        self.beta, self.gamma = made.get("beta"), made.get("gamma")
        with variables_lib.partitioner_disabled():
            self.moving_mean = variable("moving_mean", zeros, **statistic)
            self.moving_variance = variable("moving_variance", ones, **statistic)
            self.moving_stddev = self.renorm_mean = self.renorm_stddev = None
            if renorm:
                # Initialized as the tf.layers path of batch_norm does.
                variance_init = variables_lib.param_initializer(
                    initializers, "moving_variance", ones, shape
                )

                def stddev_init(*args, **kwargs):
                    return tf.sqrt(variance_init(*args, **kwargs))

                mean_init = variables_lib.param_initializer(
                    initializers, "moving_mean", zeros, shape
                )
                self.moving_stddev = variable("moving_stddev", stddev_init, **statistic)
                self.renorm_mean = variable("renorm_mean", mean_init, **statistic)
                self.renorm_stddev = variable("renorm_stddev", stddev_init, **statistic)

    def value(self, name):
        """The named variable read in the compute dtype, or None if absent."""
        variable = getattr(self, name)
        if variable is None:
            return None
        return moments_lib.upcast(tf.convert_to_tensor(variable))


class _GlobalStatistics(object):
    """The global batch moments and the updates and corrections built on them."""

    def __init__(self, variables, x, axes, weights, bessel, epsilon):
        self._variables = variables
        self._epsilon = epsilon
        self.mean, self.variance, count = distribute.global_moments(x, axes, weights)
        self.count = count  # over every replica: an empty one adds nothing
        self._variance_for_update = self.variance
        if bessel:
            # The fused kernel's unbiased estimate, with the global count.
            factor = count / tf.maximum(count - 1.0, 1.0)
            self._variance_for_update = self.variance * tf.cast(
                factor, self.variance.dtype
            )
        self._renorm_inputs = []

    def renorm_correction(self, renorm_clipping):
        """Batch Renormalization's (r, d), from the moving values before update.

        r = stddev / renorm_stddev and d = (mean - renorm_mean) / renorm_stddev,
        clipped to [rmin, rmax] and [-dmax, dmax], without gradient.
        """
        variables = self._variables
        stddev = tf.sqrt(self.variance + self._epsilon)
        renorm_stddev = tf.maximum(
            variables.value("renorm_stddev"),
            tf.sqrt(tf.cast(self._epsilon, stddev.dtype)),
        )
        r = stddev / renorm_stddev
        d = (self.mean - variables.value("renorm_mean")) / renorm_stddev
        clipping = renorm_clipping or {}
        if clipping.get("rmin") is not None:
            r = tf.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = tf.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = tf.clip_by_value(d, -clipping["dmax"], clipping["dmax"])
        self._renorm_inputs = [r, d]
        return tf.stop_gradient(r, name="renorm_r"), tf.stop_gradient(
            d, name="renorm_d"
        )

    def updates(self, decay, zero_debias, renorm, renorm_decay):
        """The moving-statistics updates (moving_mean, moving_variance)."""
        variables = self._variables
        update = moving_averages.assign_moving_average
        if not renorm:
            return (
                update(variables.moving_mean, self.mean, decay, zero_debias),
                update(variables.moving_variance, self._variance_for_update, decay),
            )
        stddev = tf.sqrt(self.variance + self._epsilon)
        # The corrections used this step's values from before the update.
        with tf.control_dependencies(self._renorm_inputs):
            renorm_updates = [
                update(variables.renorm_mean, self.mean, renorm_decay),
                update(variables.renorm_stddev, stddev, renorm_decay),
            ]
        with tf.control_dependencies(renorm_updates):
            new_mean = update(variables.moving_mean, self.mean, decay)
            new_stddev = update(variables.moving_stddev, stddev, decay)
            new_variance = moving_averages.assign_new_value(
                variables.moving_variance,
                tf.nn.relu(new_stddev * new_stddev - self._epsilon),
            )
        return new_mean, new_variance
