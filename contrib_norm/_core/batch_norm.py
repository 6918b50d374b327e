"""The batch-norm engine: what batch_norm, sync_batch_norm and tf.layers'
BatchNormalization share.

* `validate` checks `batch_norm`'s arguments once and returns the `Options`
  record every implementation reads.
* `choose_path` picks TF1's implementation for those options (the fused
  kernel, the tf.layers layer or the moments path) and says whether its
  moving variance is Bessel-corrected; `sync_batch_norm` mirrors it.
* `moving_statistics` (and `params.beta_and_gamma`) create the variables,
  named, typed and ordered as TF1 did, through `model_variables` or the
  tf.layers layer's `legacy_layer.LayerVariables`.
* `moving_updates` builds the update ops of the moving statistics.
* `fused_kernel_fits` and `fused_batch_norm` are the one test for, and the
  one call of, `tf.compat.v1.nn.fused_batch_norm`.
* `check_renorm_clipping`, `renorm_correction` and the renorm branch of
  `moving_updates` are Batch Renormalization (Ioffe, 2017,
  https://arxiv.org/abs/1702.03275).
"""

import collections

import tensorflow as tf

from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import params as params_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import validate_data_format

UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS
FUSED_DTYPES = moments_lib.HALF_DTYPES + (tf.float32,)
# (rank, kept axis) -> the fused kernel's data format.
FUSED_FORMATS = {(4, 1): "NCHW", (4, 3): "NHWC", (5, 1): "NCDHW", (5, 4): "NDHWC"}
PARAM_NAMES = ("beta", "gamma", "moving_mean", "moving_variance")
REGULARIZED_PARAMS = ("beta", "gamma")
RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")

# The implementations of `batch_norm` (see `choose_path`).
FUSED = "fused"
LAYER = "layer"
MOMENTS = "moments"

# `batch_norm`'s arguments (but `inputs`), and the validated input and rank.
Options = collections.namedtuple(
    "Options",
    [
        "inputs",
        "rank",
        "decay",
        "center",
        "scale",
        "epsilon",
        "activation_fn",
        "param_initializers",
        "param_regularizers",
        "updates_collections",
        "is_training",
        "reuse",
        "variables_collections",
        "outputs_collections",
        "trainable",
        "batch_weights",
        "fused",
        "data_format",
        "zero_debias_moving_mean",
        "scope",
        "renorm",
        "renorm_clipping",
        "renorm_decay",
        "adjustment",
    ],
)

# What the chosen implementation decides: its name (FUSED, LAYER, MOMENTS),
# whether the moving variance is Bessel-corrected (n / (n - 1)), the dtype
# of the variables, whether `param_regularizers` apply, and whether gamma is
# created before beta.
Path = collections.namedtuple(
    "Path", ["name", "bessel", "param_dtype", "regularized", "gamma_first"]
)


def validate(function, inputs, **arguments):
    """The argument checks of `batch_norm` (and `sync_batch_norm`).

    Args:
      function: the public name, for the error messages.
      inputs: the `inputs` argument.
      **arguments: every other argument of `batch_norm`, and possibly more
        names, which are ignored (the caller's `locals()`, where autograph
        adds its own).

    Returns:
      The `Options`: the input as a floating-point tensor and its rank, the
      dict arguments as dicts, `fused=None` as True, the rest as given.
    """
    arguments = {name: arguments[name] for name in Options._fields[2:]}
    validate_data_format(arguments["data_format"])
    inputs_lib.check_numbers(
        **{k: arguments[k] for k in ("decay", "epsilon", "renorm_decay")}
    )
    inputs = inputs_lib.as_float_tensor(inputs)
    rank = inputs_lib.known_rank(inputs)
    inputs_lib.require_min_rank(
        inputs, rank, 2, function, expected="rank 2 or more ([batch, channels])"
    )
    _check_dicts(**arguments)
    check_renorm_clipping(arguments["renorm_clipping"])
    training_flag.static_value(arguments["is_training"])
    _check_renorm_alone(**arguments)
    return Options(
        inputs=inputs,
        rank=rank,
        **dict(
            arguments,
            param_initializers=dict(arguments["param_initializers"] or {}),
            param_regularizers=dict(arguments["param_regularizers"] or {}),
            fused=True if arguments["fused"] is None else arguments["fused"],
        ),
    )


def _check_dicts(param_initializers, param_regularizers, variables_collections, **_):
    variables_lib.check_dict("param_initializers", param_initializers, PARAM_NAMES)
    variables_lib.check_dict(
        "param_regularizers", param_regularizers, REGULARIZED_PARAMS
    )
    if isinstance(variables_collections, dict):
        variables_lib.check_dict(
            "variables_collections", variables_collections, PARAM_NAMES
        )


def _check_renorm_alone(
    renorm, batch_weights, zero_debias_moving_mean, updates_collections, **_
):
    if renorm and (
        batch_weights is not None
        or zero_debias_moving_mean
        or updates_collections != UPDATE_OPS
    ):
        raise ValueError(
            "renorm is not supported with batch_weights, "
            "updates_collections or zero_debias_moving_mean. "
            f"Received: renorm={renorm!r}, batch_weights="
            f"{batch_weights!r}, updates_collections="
            f"{updates_collections!r}, zero_debias_moving_mean="
            f"{zero_debias_moving_mean!r}"
        )


def fused_kernel_fits(dtype, renorm=False, adjustment=None, batch_weights=None,
                      virtual_batch_size=None):
    """Whether `tf.compat.v1.nn.fused_batch_norm` can compute this batch norm
    (the input's rank and layout aside): a float16, bfloat16 or float32 input,
    and none of renorm, an adjustment, batch weights or ghost batches."""
    return (
        tf.as_dtype(dtype).base_dtype in FUSED_DTYPES
        and not renorm
        and adjustment is None
        and batch_weights is None
        and virtual_batch_size is None
    )


def choose_path(options):
    """TF1's implementation of `batch_norm` for `options`, as a `Path`.

    The fused kernel for rank 2 and 4 when zero-debias, a rank-2 input or
    custom `updates_collections` ask for it; else the tf.layers layer (fused
    itself for rank 4 and 5); else (batch weights, or zero-debias and custom
    collections where the kernel cannot be used) the moments path.
    """
    rank = options.rank
    dtype = options.inputs.dtype.base_dtype
    fits = options.fused and fused_kernel_fits(
        dtype, options.renorm, options.adjustment, options.batch_weights
    )
    custom_updates = (
        options.zero_debias_moving_mean
        or options.updates_collections != UPDATE_OPS
    )
    if fits and rank in (2, 4) and (custom_updates or rank == 2):
        name, bessel = FUSED, True
    elif options.batch_weights is None and not custom_updates:
        name, bessel = LAYER, fits and rank in (4, 5)
    else:
        name, bessel = MOMENTS, False
    return Path(
        name=name,
        bessel=bessel,
        param_dtype=dtype if name == MOMENTS else moments_lib.compute_dtype(dtype),
        regularized=name != MOMENTS,
        gamma_first=name == LAYER,
    )


def model_variables(options, path, synchronization=tf.VariableSynchronization.AUTO):
    """How `batch_norm`'s own paths make their variables (`params.ModelVariables`):
    mean-aggregated, regularized where `path` says so, the statistics with
    `synchronization`."""
    return params_lib.ModelVariables(
        options.param_initializers,
        options.variables_collections,
        options.trainable,
        regularizers=options.param_regularizers if path.regularized else None,
        aggregation=tf.VariableAggregation.MEAN,
        synchronization=synchronization,
    )


# The moving statistics; the renorm ones are None without renorm.
Statistics = collections.namedtuple(
    "Statistics",
    ["moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"],
)


def moving_statistics(shape, dtype, renorm, variables):
    """Creates the moving statistics (never partitioned) as `Statistics`.

    With `renorm`, also moving_stddev, renorm_mean and renorm_stddev,
    initialized as the tf.layers layer does (from the moving mean's and
    moving variance's initializers).

    Args:
      variables: what makes them (`params.ModelVariables`, or
        `legacy_layer.LayerVariables` for the tf.layers layer).
    """
    mean_init = variables.initializer(
        "moving_mean", tf.compat.v1.zeros_initializer(), shape
    )
    variance_init = variables.initializer(
        "moving_variance", tf.compat.v1.ones_initializer(), shape
    )
    made = [("moving_mean", mean_init), ("moving_variance", variance_init)]
    if renorm:
        stddev_init = sqrt_initializer(variance_init)
        made += [
            ("moving_stddev", stddev_init),
            ("renorm_mean", mean_init),
            ("renorm_stddev", stddev_init),
        ]
    with variables.no_partitioner():
        made = [variables.statistic(n, shape, dtype, init) for n, init in made]
    return Statistics(*made, *[None] * (len(Statistics._fields) - len(made)))


def sqrt_initializer(variance_initializer):
    """The initializer of a standard deviation from that of its variance."""

    def initializer(*args, **kwargs):
        return tf.sqrt(variance_initializer(*args, **kwargs))

    return initializer


def fused_batch_norm(
    inputs,
    gamma,
    beta,
    moving_mean,
    moving_variance,
    epsilon,
    data_format,
    training,
    arg_name="is_training",
):
    """`tf.compat.v1.nn.fused_batch_norm`, in training or inference.

    Args:
      gamma, beta: the parameters, or None (then ones and zeros shaped and
        typed like `moving_mean`).
      training: the training flag; a `tf.cond` chooses when it is a tensor.

    Returns:
      `(outputs, mean, variance)`: the batch moments (the variance
      Bessel-corrected, as in TF1) in training, else the moving ones.
    """
    shape, dtype = moving_mean.shape, moving_mean.dtype.base_dtype
    if gamma is None:
        gamma = tf.constant(1.0, dtype, shape)
    if beta is None:
        beta = tf.constant(0.0, dtype, shape)

    def fused(is_training, **statistics):
        return tf.compat.v1.nn.fused_batch_norm(
            inputs,
            gamma,
            beta,
            epsilon=epsilon,
            is_training=is_training,
            data_format=data_format,
            **statistics,
        )

    return training_flag.smart_cond(
        training,
        lambda: fused(True),
        lambda: fused(False, mean=moving_mean, variance=moving_variance),
        arg_name=arg_name,
    )


# TF1 clips r to [rmin, rmax] and d to [-dmax, dmax]; r = 1, d = 0 (no
# correction) must stay reachable, and r is never negative.
_RENORM_CLIPPING_RANGES = {
    "rmax": ("rmax >= 1", lambda v: v >= 1),
    "rmin": ("0 <= rmin <= 1", lambda v: 0 <= v <= 1),
    "dmax": ("dmax >= 0", lambda v: v >= 0),
}


def check_renorm_clipping(renorm_clipping):
    """Validates `renorm_clipping`'s keys and, as far as static, its values:
    rmax >= 1, 0 <= rmin <= 1 (missing: 0, as in TF1), dmax >= 0, rmin <=
    rmax, none NaN. Returns it as a dict ({} for None)."""
    if renorm_clipping is None:
        return {}
    if not isinstance(renorm_clipping, dict):
        raise TypeError(
            "`renorm_clipping` must be a dict with keys among "
            f"{list(RENORM_CLIPPING_KEYS)}. Received: "
            f"renorm_clipping={renorm_clipping!r}"
        )
    unknown = sorted(set(renorm_clipping) - set(RENORM_CLIPPING_KEYS), key=str)
    if unknown:
        raise ValueError(
            "Received invalid keys for `renorm_clipping` argument: "
            f"{renorm_clipping}. Supported values: "
            f"{list(RENORM_CLIPPING_KEYS)}."
        )
    inputs_lib.check_numbers(**renorm_clipping)
    static = {k: inputs_lib.static_number(v) for k, v in renorm_clipping.items()}
    rmin, rmax = static.get("rmin"), static.get("rmax")
    if rmin is not None and rmax is not None and rmin > rmax:
        raise ValueError(
            "`renorm_clipping` needs rmin <= rmax. Received: "
            f"renorm_clipping={renorm_clipping!r}"
        )
    for key, value in static.items():
        phrase, holds = _RENORM_CLIPPING_RANGES[key]
        if value is not None and not holds(value):
            raise ValueError(
                f"`renorm_clipping` needs {phrase}. Received: "
                f"renorm_clipping={renorm_clipping!r}"
            )
    return dict(renorm_clipping)


def renorm_correction(
    statistics, mean, variance, epsilon, clipping, training, arg_name="is_training"
):
    """Batch Renormalization's correction of the batch moments.

    r = stddev / renorm_stddev and d = (mean - renorm_mean) / renorm_stddev,
    with stddev = sqrt(variance + epsilon), renorm_stddev at least
    sqrt(epsilon) (no division by zero early in training), r clipped to
    [rmin, rmax] and d to [-dmax, dmax] (`clipping`'s keys, each optional).
    All in the dtype of `mean` (TF1 built sqrt(epsilon) in float32, which
    broke float64 inputs).

    Args:
      statistics: the `Statistics` (renorm_mean and renorm_stddev are read
        before this step's updates).
      mean, variance: the batch moments.
      training: the training flag; outside training r = 1 and d = 0.

    Returns:
      `(r, d, mean, variance)`: the correction, gradients stopped, and the
      moments to update the statistics with, read after the correction.
    """
    dtype = mean.dtype.base_dtype
    stddev = tf.sqrt(variance + epsilon)
    renorm_stddev = tf.maximum(
        tf.cast(statistics.renorm_stddev, dtype), tf.sqrt(tf.cast(epsilon, dtype))
    )
    r = stddev / renorm_stddev
    d = (mean - tf.cast(statistics.renorm_mean, dtype)) / renorm_stddev
    rmin, rmax, dmax = (clipping.get(k) for k in ("rmin", "rmax", "dmax"))
    if rmin is not None:
        r = tf.maximum(r, rmin)
    if rmax is not None:
        r = tf.minimum(r, rmax)
    if dmax is not None:
        d = tf.maximum(d, -dmax)
        d = tf.minimum(d, dmax)
    # The updates follow the correction (made from the previous values).
    with tf.control_dependencies([r, d]):
        mean, variance = tf.identity(mean), tf.identity(variance)
    r, d = only_in_training(training, r, d, arg_name=arg_name)
    r = tf.stop_gradient(r, name="renorm_r")
    d = tf.stop_gradient(d, name="renorm_d")
    return r, d, mean, variance


def moving_updates(
    statistics, mean, variance, decay, gate, local=False, zero_debias_mean=False,
    renorm=None,
):
    """The update ops of the moving statistics: every batch-norm
    implementation builds them here.

    Each moving statistic follows `m <- decay * m + (1 - decay) * value`
    (TF1's rule for tf.contrib.layers, `moving_averages.assign_moving_average`,
    or for tf.layers, `assign_moving_average_local`, with `local`).

    Args:
      statistics: the `Statistics`.
      mean, variance: the batch moments, shaped like the statistics.
      decay: the momentum of the moving averages.
      gate: the updates' `moving_averages.update_gate` (None: always run).
      local: tf.layers' rule instead of tf.contrib.layers'.
      zero_debias_mean: zero-debias the moving mean (tf.contrib.layers).
      renorm: None, or `(epsilon, renorm_decay)` for Batch Renormalization's
        updates (see `_renorm_updates`).

    Returns:
      `(mean_update, variance_update)`: the updated moving mean and variance
      (with renorm, they run after the renorm statistics' updates).
    """
    if local:

        def update(variable, value, decay):
            return moving_averages.assign_moving_average_local(
                variable, value, decay, gate=gate
            )

    else:

        def update(variable, value, decay, zero_debias=False):
            return moving_averages.assign_moving_average(
                variable, value, decay, zero_debias=zero_debias, gate=gate
            )

    if renorm is not None:
        return _renorm_updates(
            statistics, mean, variance, decay, update, gate, *renorm
        )
    if zero_debias_mean:
        mean_update = update(statistics.moving_mean, mean, decay, zero_debias=True)
    else:
        mean_update = update(statistics.moving_mean, mean, decay)
    return mean_update, update(statistics.moving_variance, variance, decay)


def _renorm_updates(
    statistics, mean, variance, decay, update, gate, epsilon, renorm_decay
):
    """Batch Renormalization's updates of `statistics` with `update(variable,
    value, decay)`, gated by `gate` like it.

    renorm_mean and renorm_stddev follow the batch with `renorm_decay`; after
    them the moving mean and moving stddev follow with `decay`, and the
    moving variance is set to moving_stddev^2 - epsilon (at least 0): the
    moving stddev carries epsilon, mirroring training. `mean` and `variance`
    are read after the renorm corrections.
    """
    stddev = tf.sqrt(variance + epsilon)
    renorm = [
        update(statistics.renorm_mean, mean, renorm_decay),
        update(statistics.renorm_stddev, stddev, renorm_decay),
    ]
    # The inference statistics are updated after the renorm ones.
    with tf.control_dependencies(renorm):
        new_mean = update(statistics.moving_mean, mean, decay)
        new_stddev = update(statistics.moving_stddev, stddev, decay)
        new_variance = moving_averages.assign_new_value(
            statistics.moving_variance,
            tf.nn.relu(new_stddev * new_stddev - epsilon),
            gate=gate,
        )
    return new_mean, new_variance


def compose_transforms(scale, offset, then_scale, then_offset):
    """(x * scale + offset) * then_scale + then_offset, as (scale, offset)."""
    if then_scale is not None:
        scale = scale * then_scale
        offset = offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


def adjustment_transform(adjustment, x, training, arg_name="is_training"):
    """The `(scale, offset)` of an `adjustment` function of `x`'s dynamic
    shape in training, `(1, 0)` otherwise; in `x`'s (compute) dtype, so that
    adjustments written for float32 (tf.ones, tf.random.uniform, ...) also
    serve float64 inputs."""
    scale, offset = (tf.cast(t, x.dtype) for t in adjustment(tf.shape(x)))
    return only_in_training(training, scale, offset, arg_name=arg_name)


def only_in_training(training, scale, offset, arg_name="is_training"):
    """(scale, offset) in training, (1, 0) otherwise (a cond if dynamic)."""
    return (
        training_flag.smart_cond(
            training, lambda: scale, lambda: tf.ones_like(scale), arg_name=arg_name
        ),
        training_flag.smart_cond(
            training, lambda: offset, lambda: tf.zeros_like(offset), arg_name=arg_name
        ),
    )
