"""sync_batch_norm: batch_norm over the global batch of all tf.distribute replicas."""

from contrib_norm._core import batch_norm as engine
from contrib_norm._core import distribute
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.layers.batch_norm import build_batch_norm


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
    # Here `locals()` holds the arguments (and, under autograph, its names).
    arguments = dict(locals())
    if not distribute.in_replica_context():
        return build_batch_norm(engine.validate("batch_norm", **arguments))
    return build_batch_norm(
        engine.validate("sync_batch_norm", **arguments),
        moments_fn=distribute.global_moments,
    )
