"""tf.contrib.layers.layer_norm, as TensorFlow 1.x had it."""

import tensorflow as tf

from contrib_norm._core import axes as axes_lib
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import normalize
from contrib_norm._core import params as params_lib
from contrib_norm._core import variables as variables_lib
from contrib_norm.framework.arg_scope import add_arg_scope

_PARAM_NAMES = ("beta", "gamma")
# TF1's fixed variance epsilon: 1e-12, raised to 1e-3 for float16 inputs.
_EPSILON = 1e-12
_FLOAT16_EPSILON = 1e-3


@add_arg_scope
def layer_norm(
    inputs,
    center=True,
    scale=True,
    activation_fn=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    begin_norm_axis=1,
    begin_params_axis=-1,
    scope=None,
):
    """Adds a Layer Normalization layer (Ba et al., 2016).

    "Layer Normalization", https://arxiv.org/abs/1607.06450.

    For an input of rank R, with mean and (biased) variance taken over the
    axes `begin_norm_axis ... R - 1` (by default all but the batch axis),

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    gamma and beta have the shape `inputs.shape[begin_params_axis:]` (by
    default the last axis) and are broadcast. epsilon is TF1's fixed
    1e-12 (1e-3 for float16 inputs); it is not an argument.

    The statistics are taken on the input shifted by one element of each
    normalized slice and applied as `(x - shift) * scale + offset`, so
    unit-variance inputs around 1e4 in float32 are normalized to the
    precision they have (output means within about 1e-3 of zero, TF1's
    unshifted sums slightly further).

    Other differences from TF1 (only where TF1 silently failed): float16
    and bfloat16 inputs are normalized in float32 and cast back (the
    variables keep the input dtype, as in TF1); negative axes below -rank
    and misspelt keys in `variables_collections` are ValueErrors.

    Args:
      inputs: a floating-point tensor of known rank R.
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      activation_fn: optional activation applied to the output.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from 'beta' / 'gamma' to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add beta and gamma to TRAINABLE_VARIABLES.
      begin_norm_axis: the first normalized axis: the statistics are taken
        over `begin_norm_axis ... R - 1`. Negative values count from the end.
      begin_params_axis: the first parameter axis: beta and gamma have the
        shape `inputs.shape[begin_params_axis:]`, which must be known.
      scope: optional variable scope (default 'LayerNorm').

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      ValueError: if the rank of `inputs` is undefined; if `begin_norm_axis`
        or `begin_params_axis` is not in [-R, R); if
        `inputs.shape[begin_params_axis:]` is not fully defined; for unknown
        dict keys.
      TypeError: if `inputs` is not floating point, or an axis is not an
        int.
    """
    with tf.compat.v1.variable_scope(
        scope, "LayerNorm", [inputs], reuse=reuse
    ) as sc:
        inputs = inputs_lib.as_float_tensor(inputs)
        rank = inputs_lib.known_rank(inputs)
        begin_norm_axis, begin_params_axis = _begin_axes(
            begin_norm_axis, begin_params_axis, rank
        )
        params_shape = inputs.shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(
                f"Inputs {inputs_lib.describe(inputs)}: "
                f"shape(inputs)[{begin_params_axis}:] is not fully defined: "
                f"{inputs.shape}. Received: inputs with shape={inputs.shape}, "
                f"begin_params_axis={begin_params_axis}"
            )
        variables_lib.check_dict_keys(
            "variables_collections", variables_collections, _PARAM_NAMES
        )
        dtype = inputs.dtype.base_dtype
        beta, gamma = params_lib.beta_and_gamma(
            params_shape,
            dtype,
            center,
            scale,
            params_lib.ModelVariables(None, variables_collections, trainable),
        )
        with tf.name_scope("layernorm"):
            stats = moments_lib.partial_moments(
                moments_lib.upcast(inputs), list(range(begin_norm_axis, rank))
            )
            epsilon = _FLOAT16_EPSILON if dtype == tf.float16 else _EPSILON
            outputs = normalize.apply_moments(stats, epsilon, gamma, beta, dtype)
        # TF1 normalized with tf.nn.batch_normalization: its last op.
        outputs = normalize.legacy_output(outputs, "batchnorm/add_1")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


def _begin_axes(begin_norm_axis, begin_params_axis, rank):
    """Both axes mapped into [0, rank), or TF1's ValueError."""
    result = [
        axes_lib.as_int(begin_norm_axis, "begin_norm_axis"),
        axes_lib.as_int(begin_params_axis, "begin_params_axis"),
    ]
    if not all(-rank <= axis < rank for axis in result):
        raise ValueError(
            f"begin_params_axis ({begin_params_axis}) and begin_norm_axis "
            f"({begin_norm_axis}) must be < rank(inputs) ({rank}) (and >= "
            f"-{rank}). Received: begin_norm_axis={begin_norm_axis}, "
            f"begin_params_axis={begin_params_axis}"
        )
    return [axis % rank for axis in result]
