"""Every public function of contrib_norm, described once for the reliability matrix.

The reliability tests (`test_reliability_*.py`, one module per concern) all
iterate over `APIS`: one `Api` per public function of `contrib_norm.layers`
and `contrib_norm.nn`, saying how to call it on an input, which layouts
(NHWC / NCHW) it takes, whether it has a training flag, moving statistics or
variables, its float64 NumPy reference, and the bad inputs it must reject.
`VARIANTS` adds the implementations a function switches between (the three
paths of `batch_norm`, the fused and unfused tf.layers paths, renorm, ...),
so that every code path meets every numerical check.

Where a check does not apply to a function, the registry says so with a
`NotApplicable(reason)` instead of leaving it out; the tests check that
every (function, check) pair is decided one way or the other.

The TF1-era code (tf-slim 1.1.0's `tf.contrib.layers` and tf-keras's
`tf.compat.v1.layers`, which recorded the golden data), run on TensorFlow
2.21 on CPU, fails these checks (see the module docstrings of the concerns):

1. Bad input: `batch_norm` accepts a rank-1 input and silently returns beta
   (zeros).
2. Bad input: `batch_normalization` with a `virtual_batch_size` that does not
   divide the batch lets TensorFlow's reshape error out ("Dimension size must
   be evenly divisible by 12 but is 18 for '{{node
   batch_normalization/Reshape}}'"), naming neither the argument nor its value.
3. Numerics, float16: `batch_norm`'s moments path (`batch_weights`, or
   zero-debias / custom update collections off the fused kernel) normalizes
   float16 inputs in float16: around 300 its output means are off by 0.03
   and its outputs by up to 0.065.
4. Numerics, float64: `batch_normalization` (and `batch_norm`'s tf.layers
   path) with `renorm=True`, or an `adjustment` written in float32, raise a
   TypeError inside TensorFlow (float32 mixed into float64 math).
5. Numerics, offsets: `group_norm(mean_close_to_zero=True)` computes
   E[x^2] - E[x]^2 in float32 and returns NaN at an offset of 1e4 (the
   variance cancels to a negative number).

The issue counted four failures and put group_norm and layer_norm at 0.05 -
0.07 from a zero mean at an offset of 1e4; with their default two-pass
`tf.nn.moments` they stay within 2e-3 here (instance_norm and batch_norm
within 6e-3), so only the one-pass option fails that check. The legacy
`batch_normalization` (tf-keras 2.21's TF1 layer) passes the float16 and
bfloat16 check. Besides these, TF1 silently ignored misspelt keys of
`param_initializers`, `variables_collections` and `renorm_clipping`, and
accepted `rmin > rmax`, `rmax < 1` (a negative rmax flipped the output's
sign), `epsilon <= 0` or NaN (NaN outputs) and decays / momenta outside
[0, 1] (at momentum=1.5 the moving variance reached -5.6e5 in 30 steps).
"""

import dataclasses
import re
from typing import Any, Callable, Optional

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm.layers
import contrib_norm.nn
import norm_reference

NHWC = "NHWC"
NCHW = "NCHW"
_GraphKeys = tf.compat.v1.GraphKeys
# alpha' = -lambda * alpha of SELU: the value alpha dropout sets dropped units to.
ALPHA_PRIME = -1.7580993408473766
DROPOUT_SEED = (1, 2)  # graph-level and op-level seeds of the dropout ops
# (rtol, atol) of a result against the float64 reference, per input dtype.
TOLERANCES = norm_reference.TOLERANCES


class NotApplicable(str):
    """A check that does not apply to a function; the string says why."""


class Lazy(object):
    """An argument built when the call is made, by `make(inputs)`."""

    def __init__(self, make):
        self.make = make


class BatchWeights(Lazy):
    """Per-sample batch weights 0.5, 1.25, 2, 0.5, ... for any batch size."""

    def __init__(self):
        super().__init__(
            lambda inputs: tf.constant(self.values(int(inputs.shape[0])), tf.float32)
        )

    @staticmethod
    def values(batch):
        return 0.5 + 0.75 * (np.arange(batch) % 3)


def resolve(kwargs, inputs):
    """`kwargs` with every `Lazy` argument built for `inputs`."""
    return {k: v.make(inputs) if isinstance(v, Lazy) else v for k, v in kwargs.items()}


class Constant(tf.compat.v1.constant_initializer):
    """A constant initializer that remembers its value (for the references)."""

    def __init__(self, value):
        super().__init__(value)
        self.value = np.asarray(value, np.float64)


def constants(values):
    """A param_initializers dict of `Constant`s from a dict of arrays."""
    return {name: Constant(value) for name, value in values.items()}


def _params(kwargs, initializers=None, scale_default=True):
    """The values of the `Constant` initializers among the call's `kwargs`.

    `initializers`: the initializers dict (default: `param_initializers`).
    gamma is left out without `scale` (whose default is `scale_default`),
    beta without `center`.
    """
    if initializers is None:
        initializers = kwargs.get("param_initializers") or {}
    off = set()
    if not kwargs.get("scale", scale_default):
        off.add("gamma")
    if not kwargs.get("center", True):
        off.add("beta")
    return {
        name: init.value
        for name, init in initializers.items()
        if isinstance(init, Constant) and name not in off
    }


# ---------------------------------------------------------------------------
# The bad-input checks.
# ---------------------------------------------------------------------------

CHECKS = (
    "unknown_rank",
    "unknown_channels",
    "rank_1",
    "data_format",
    "axis_out_of_range",
    "overlapping_axes",
    "groups",
    "virtual_batch_size",
    "non_float",
    "renorm_options",
    "keep_prob",
    "dict_keys",
    "renorm_clipping",
    "hyper_parameters",
    "initializers",
)


@dataclasses.dataclass(frozen=True)
class BadInput:
    """A call that must raise `error` matching `pattern` while the graph is built.

    Attributes:
      label: names the call in test ids.
      kwargs: the arguments besides the input (and the layout / flag).
      error: ValueError or TypeError.
      pattern: a regex the message must match: the argument's name and the
        value received.
      shape: the input placeholder's shape (None: unknown rank).
      dtype: the input's dtype.
      data_format: the layout asked for.
    """

    label: str
    kwargs: dict
    error: type
    pattern: str
    shape: Optional[tuple] = (2, 3, 3, 4)
    dtype: str = "float32"
    data_format: Any = NHWC


def _non_float(arg_name, shape=(2, 3, 3, 4)):
    return tuple(
        BadInput(
            dtype,
            {},
            TypeError,
            rf"`{arg_name}` must be a floating-point tensor.*"
            rf"Received: {arg_name} with dtype[= ]{dtype}",
            shape=shape,
            dtype=dtype,
        )
        for dtype in ("int32", "string", "bool")
    )


_UNKNOWN_RANK = (
    BadInput("placeholder", {}, ValueError, r"undefined rank.*<unknown>", shape=None),
)
_UNDEFINED_CHANNELS = r"undefined .*(channel|`C`|`axis`).*"
_UNKNOWN_CHANNELS = (
    BadInput(
        "NHWC",
        {},
        ValueError,
        _UNDEFINED_CHANNELS + r"\(2, 3, 3, None\)",
        shape=(2, 3, 3, None),
    ),
    BadInput(
        "NCHW",
        {},
        ValueError,
        _UNDEFINED_CHANNELS + r"\(2, None, 3, 3\)",
        shape=(2, None, 3, 3),
        data_format=NCHW,
    ),
)


def _min_rank(function, low, high=None):
    """Inputs of rank 1 (and 2 when `low` is 3, 6 when `high` is 5)."""
    shapes = [(8,), (4, 3)][: low - 1] + ([(2, 2, 2, 2, 2, 3)] if high else [])
    return tuple(
        BadInput(
            f"rank_{len(shape)}",
            {},
            ValueError,
            rf"`{function}` needs inputs of rank {low} (or more|to {high}).*"
            rf"Received: inputs with shape={re.escape(str(shape))} "
            rf"\(rank {len(shape)}\)",
            shape=shape,
        )
        for shape in shapes
    )


_DATA_FORMAT = tuple(
    BadInput(
        label,
        {},
        ValueError,
        rf"data_format has to be either NCHW or NHWC\. Received: data_format={shown}",
        data_format=value,
    )
    for label, value, shown in (
        ("NCWH", "NCWH", "'NCWH'"),
        ("lowercase", "nhwc", "'nhwc'"),
        ("None", None, "None"),
    )
)
_VARIABLES_COLLECTIONS_KEY = BadInput(
    "variables_collections",
    {"variables_collections": {"gama": ["extra"]}},
    ValueError,
    r"`variables_collections` has unknown keys \['gama'\].*"
    r"Received: variables_collections=\{'gama': \['extra'\]\}",
)
_PARAM_INITIALIZERS_KEY = BadInput(
    "param_initializers",
    {"param_initializers": {"bta": tf.compat.v1.zeros_initializer()}},
    ValueError,
    r"`param_initializers` has unknown keys \['bta'\].*"
    r"Received: param_initializers=\{'bta'",
)
_DICT_KEYS = (_VARIABLES_COLLECTIONS_KEY, _PARAM_INITIALIZERS_KEY)


_RENORM_CLIPPING = tuple(
    BadInput(
        label,
        dict(renorm=True, renorm_clipping=clipping),
        ValueError,
        pattern,
        shape=(4, 3),
    )
    for label, clipping, pattern in (
        (
            "unknown_key",
            {"r_max": 3.0},
            r"invalid keys for `renorm_clipping` argument: \{'r_max': 3\.0\}",
        ),
        (
            "rmin_above_rmax",
            {"rmin": 3.0, "rmax": 1.0},
            r"rmin <= rmax.*Received: renorm_clipping=\{'rmin': 3\.0, 'rmax': 1\.0\}",
        ),
        (
            "negative_dmax",
            {"dmax": -1.0},
            r"dmax >= 0.*Received: renorm_clipping=\{'dmax': -1\.0\}",
        ),
        (
            "negative_rmax",  # flipped the output's sign
            {"rmax": -1.0},
            r"rmax >= 1.*Received: renorm_clipping=\{'rmax': -1\.0\}",
        ),
        (
            "rmax_below_1",
            {"rmax": 0.5},
            r"rmax >= 1.*Received: renorm_clipping=\{'rmax': 0\.5\}",
        ),
        (
            "negative_rmin",
            {"rmin": -0.5},
            r"0 <= rmin <= 1.*Received: renorm_clipping=\{'rmin': -0\.5\}",
        ),
        (
            "rmin_above_1",
            {"rmin": 1.5, "rmax": 2.0},
            r"0 <= rmin <= 1.*Received: renorm_clipping=\{'rmin': 1\.5, 'rmax': 2\.0\}",
        ),
        (
            "nan_dmax",
            {"dmax": float("nan")},
            r"dmax >= 0.*Received: renorm_clipping=\{'dmax': nan\}",
        ),
    )
)


_RENORM_OPTIONS = tuple(
    BadInput(
        label,
        dict(renorm=True, **kwargs),
        ValueError,
        r"renorm is not supported with batch_weights, updates_collections or "
        rf"zero_debias_moving_mean\..*Received: renorm=True.*{shown}",
        shape=(4, 3),
    )
    for label, kwargs, shown in (
        ("batch_weights", {"batch_weights": BatchWeights()}, "batch_weights=<tf"),
        ("in_place", {"updates_collections": None}, "updates_collections=None"),
        ("zero_debias", {"zero_debias_moving_mean": True}, "moving_mean=True"),
    )
)


def _out_of_range(arg_name, values, pattern, shape=(2, 3, 3, 4)):
    """`arg_name=value` for each value; `pattern` is formatted with it."""
    return tuple(
        BadInput(
            f"{arg_name}={value}",
            {arg_name: value},
            ValueError,
            pattern.format(arg=arg_name, value=value),
            shape=shape,
        )
        for value in values
    )


def _hyper_parameters(*decays):
    """epsilon <= 0, NaN or inf, and each of `decays` outside [0, 1]: the
    legacy code took them (NaN outputs, diverging moving statistics)."""
    cases = _out_of_range(
        "epsilon",
        (0.0, -1e-3, float("nan"), float("inf")),
        r"`{arg}` must be a finite number > 0\. Received: {arg}={value}",
    ) + (
        BadInput(
            "epsilon=tensor",
            {"epsilon": Lazy(lambda inputs: tf.constant(-1.0))},
            ValueError,
            r"`epsilon` must be a finite number > 0\. Received: epsilon=-1\.0",
        ),
    )
    for arg_name in decays:
        cases += _out_of_range(
            arg_name,
            (-0.1, 1.5, float("nan")),
            r"`{arg}` must be in \[0, 1\]\. Received: {arg}={value}",
        )
    return cases


def _initializers(name="beta", arg=None, extra=()):
    """Initializers that cannot initialize a [4] parameter `name`: an
    ndarray, an unknown string, constant_initializers of 2 and 5 values (TF1
    padded the short one silently, and failed deep inside TensorFlow for the
    rest). `arg`: how the function takes it (default param_initializers)."""
    shown = re.escape(arg or f"param_initializers['{name}']")

    def kwargs(value):
        return {arg: value} if arg else {"param_initializers": {name: value}}

    return (
        BadInput(
            "ndarray",
            kwargs(np.zeros(4)),
            TypeError,
            rf"`{shown}` must be callable\. Received: {shown}=array\(\[0\., 0\.",
        ),
        BadInput(
            "unknown_string",
            kwargs("zeroes"),
            ValueError,
            rf"`{shown}` must be an initializer or one of \['glorot_normal', "
            rf"'glorot_uniform', 'ones', 'zeros'\]\. Received: {shown}='zeroes'",
        ),
        BadInput(
            "short_constant",
            kwargs(tf.compat.v1.constant_initializer([1.0, 2.0])),
            ValueError,
            rf"`{shown}` is a constant of 2 values, which cannot fill the "
            rf"parameter's shape \[4\] \(4 values\)\. "
            rf"Received: {shown}=constant_initializer\(\[1\.0, 2\.0\]\)",
        ),
        BadInput(
            "long_constant_v2",
            kwargs(tf.constant_initializer([1.0, 2.0, 3.0, 4.0, 5.0])),
            ValueError,
            rf"`{shown}` is a constant of 5 values, which cannot fill the "
            rf"parameter's shape \[4\]",
        ),
    ) + tuple(extra)


def _keep_probs(arg_name, values, interval):
    return _out_of_range(
        arg_name,
        values,
        rf"`{{arg}}` must be a float or a scalar tensor in the range {interval}\. "
        r"Received: {arg}={value}",
        shape=(2, 3),
    )


_NOT_A_NORMALIZATION = NotApplicable(
    "elementwise op: it has no channels axis or rank requirement"
)
_AXIS_FROM_DATA_FORMAT = NotApplicable(
    "the channels axis comes from data_format (checked by data_format)"
)
_NO_OVERLAP = NotApplicable(
    "the reduction axes are implied: every axis but the channels (kept) ones"
)
_ONLY_GROUP_NORM = NotApplicable("only group_norm has groups")
_ONLY_VIRTUAL = NotApplicable("only batch_normalization has virtual_batch_size")
_NO_RENORM = NotApplicable("has no renorm")
_NO_DROPOUT = NotApplicable("has no keep_prob / rate")


def _decided(**checks):
    """A complete check -> cases mapping: the given ones, else NotApplicable."""
    defaults = dict(
        groups=_ONLY_GROUP_NORM,
        virtual_batch_size=_ONLY_VIRTUAL,
        renorm_options=_NO_RENORM,
        renorm_clipping=_NO_RENORM,
        keep_prob=_NO_DROPOUT,
        overlapping_axes=_NO_OVERLAP,
        axis_out_of_range=_AXIS_FROM_DATA_FORMAT,
        unknown_rank=_UNKNOWN_RANK,
        unknown_channels=_UNKNOWN_CHANNELS,
        non_float=_non_float("inputs"),
        dict_keys=_DICT_KEYS,
        data_format=_DATA_FORMAT,
        hyper_parameters=_hyper_parameters(),
        initializers=_initializers(),
    )
    defaults.update(checks)
    assert set(defaults) == set(CHECKS), set(defaults) ^ set(CHECKS)
    return defaults


def _batch_norm_checks(function):
    return _decided(
        rank_1=_min_rank(function, 2),
        renorm_options=_RENORM_OPTIONS,
        renorm_clipping=_RENORM_CLIPPING,
        hyper_parameters=_hyper_parameters("decay", "renorm_decay"),
        initializers=_initializers()
        + _initializers("moving_variance")[2:]
        + (
            BadInput(
                "moments_path",
                {
                    "zero_debias_moving_mean": True,
                    "param_initializers": {
                        "moving_mean": tf.compat.v1.constant_initializer([1.0, 2.0])
                    },
                },
                ValueError,
                r"`param_initializers\['moving_mean'\]` is a constant of 2 values",
            ),
        ),
    )


_BATCH_NORMALIZATION_CHECKS = _decided(
    rank_1=_min_rank("batch_normalization", 2),
    data_format=NotApplicable(
        "batch_normalization takes `axis` (checked by axis_out_of_range)"
    ),
    dict_keys=NotApplicable("its initializers are separate arguments, not a dict"),
    axis_out_of_range=_out_of_range(
        "axis", (4, -5), r"`axis` is out of range.*Received: axis={value}"
    )
    + (
        BadInput(
            "axis=[1, 9]",
            {"axis": [1, 9]},
            ValueError,
            r"`axis` is out of range.*Received: axis=9",
        ),
        BadInput("axis=1.0", {"axis": 1.0}, TypeError, r"'axis'.*received: 1\.0"),
    ),
    overlapping_axes=(
        BadInput(
            "duplicate_axis",
            {"axis": [1, -3]},
            ValueError,
            r"`axis` contains a duplicate axis\. Received: axis=\[1, -3\]",
        ),
        BadInput(
            "virtual_batch_axis_0",
            {"axis": [0, 1], "virtual_batch_size": 2},
            ValueError,
            r"axis cannot include 0\. Received: axis=\[0, 1\]",
            shape=(4, 3),
        ),
    ),
    virtual_batch_size=(
        BadInput(
            "not_dividing",
            {"virtual_batch_size": 4},
            ValueError,
            r"`virtual_batch_size` \(4\) must divide the batch size \(6\)\. "
            r"Received: virtual_batch_size=4",
            shape=(6, 3),
        ),
        BadInput(
            "above_batch",
            {"virtual_batch_size": 4},
            ValueError,
            r"Received: virtual_batch_size=4",
            shape=(2, 3),
        ),
    )
    + _out_of_range(
        "virtual_batch_size",
        (0, 2.0),
        r"positive integer.*Received: {arg}={value}",
        shape=(4, 3),
    ),
    renorm_options=NotApplicable(
        "tf.layers renorm composes with every other option (fused=True falls "
        "back to the unfused path, as in TF1)"
    ),
    renorm_clipping=_RENORM_CLIPPING,
    hyper_parameters=_hyper_parameters("momentum", "renorm_momentum"),
    initializers=_initializers(arg="beta_initializer")
    + _initializers(arg="moving_variance_initializer")[2:],
)

_GROUP_NORM_CHECKS = _decided(
    rank_1=(
        BadInput(
            "rank_1",
            {"channels_axis": -1, "reduction_axes": (-3, -2)},  # the defaults
            ValueError,
            r"Axis is out of bounds\. Received: reduction_axes=-3 for inputs of rank 1",
            shape=(8,),
        ),
    ),
    data_format=NotApplicable(
        "group_norm takes channels_axis / reduction_axes (checked by "
        "axis_out_of_range and overlapping_axes)"
    ),
    axis_out_of_range=_out_of_range(
        "channels_axis", (4, -5), r"Axis is out of bounds\. Received: {arg}={value}"
    )
    + (
        BadInput(
            "reduction_axes=(1, 5)",
            {"reduction_axes": (1, 5)},
            ValueError,
            r"Axis is out of bounds\. Received: reduction_axes=5",
        ),
    ),
    overlapping_axes=(
        BadInput(
            "channels_in_reduction",
            {"channels_axis": -1, "reduction_axes": (-3, -1)},
            ValueError,
            r"reduction_axis must be mutually exclusive with channels_axis\. "
            r"Received: reduction_axes=\(-3, -1\), channels_axis=3",
        ),
        BadInput(
            "duplicate_reduction_axis",
            {"channels_axis": -1, "reduction_axes": (1, -3)},
            ValueError,
            r"duplicate axis\. Received: reduction_axes=\(1, -3\)",
        ),
    ),
    groups=(
        BadInput(
            "not_dividing",
            {"groups": 3},
            ValueError,
            r"4 channels is not commensurate with 3 groups\. Received: groups=3",
        ),
        BadInput(
            "above_channels",
            {"groups": 8},
            ValueError,
            r"Invalid groups 8 for 4 channels\. Received: groups=8",
        ),
        BadInput("zero", {"groups": 0}, ValueError, r"Received: groups=0"),
        BadInput("float", {"groups": 2.0}, TypeError, r"Received: groups=2\.0"),
    ),
)


def _per_sample_checks(function, max_rank=None, decays=(), initializers=()):
    return _decided(
        rank_1=_min_rank(function, 3, max_rank),
        hyper_parameters=_hyper_parameters(*decays),
        initializers=_initializers() + tuple(initializers),
    )


_LAYER_NORM_CHECKS = _decided(
    unknown_channels=(
        BadInput(
            "unknown_param_dims",
            {},
            ValueError,
            r"shape\(inputs\)\[3:\] is not fully defined.*"
            r"Received: inputs with shape=\(2, 3, 3, None\), begin_params_axis=3",
            shape=(2, 3, 3, None),
        ),
    ),
    rank_1=(
        BadInput(
            "rank_1",
            {},
            ValueError,
            r"must be < rank\(inputs\) \(1\).*Received: begin_norm_axis=1",
            shape=(8,),
        ),
    ),
    data_format=NotApplicable(
        "layer_norm normalizes the trailing axes from begin_norm_axis: "
        "it has no data_format"
    ),
    axis_out_of_range=tuple(
        bad
        for arg in ("begin_norm_axis", "begin_params_axis")
        for bad in _out_of_range(
            arg,
            (4, -5),
            r"must be < rank\(inputs\) \(4\).*Received: .*{arg}={value}",
        )
    )
    + (
        BadInput(
            "begin_norm_axis=1.5",
            {"begin_norm_axis": 1.5},
            TypeError,
            r"`begin_norm_axis` must be an int\. Received: begin_norm_axis=1\.5",
        ),
    ),
    overlapping_axes=NotApplicable(
        "layer_norm's normalized and parameter axes may overlap by design"
    ),
    dict_keys=(_VARIABLES_COLLECTIONS_KEY,),
    hyper_parameters=NotApplicable("layer_norm's epsilon is fixed (TF1's)"),
    initializers=NotApplicable("layer_norm takes no initializers"),
)


def _nn_checks(arg_name, keep_prob):
    return _decided(
        unknown_rank=_NOT_A_NORMALIZATION,
        unknown_channels=_NOT_A_NORMALIZATION,
        rank_1=NotApplicable("elementwise op: any rank, rank 1 included, is valid"),
        data_format=_NOT_A_NORMALIZATION,
        axis_out_of_range=_NOT_A_NORMALIZATION,
        overlapping_axes=_NOT_A_NORMALIZATION,
        non_float=_non_float(arg_name, shape=(2, 3)),
        keep_prob=keep_prob,
        dict_keys=NotApplicable("takes no dict arguments"),
        hyper_parameters=NotApplicable(
            "no epsilon or decay (keep_prob / rate: the keep_prob check)"
        ),
        initializers=NotApplicable("has no variables"),
    )


# ---------------------------------------------------------------------------
# float64 NumPy references.
# ---------------------------------------------------------------------------


def channels_axis(data_format, rank):
    return 1 if data_format == NCHW else rank - 1


def spatial_axes(data_format, rank):
    channels = channels_axis(data_format, rank)
    return tuple(a for a in range(1, rank) if a != channels)


def _along_axes(value, shape, axes):
    """A flat parameter over the kept `axes` of `shape`, ready to broadcast."""
    if value is None:
        return None
    value = np.asarray(value, np.float64)
    if value.ndim == 0:
        return value
    return np.reshape(value, [shape[a] if a in axes else 1 for a in range(len(shape))])


def batch_norm_reference(
    x, keep_axes, training, epsilon, params=None, weights=None, ghost=None
):
    """Batch norm with statistics over every axis but `keep_axes`.

    In inference the moving statistics (params 'moving_mean' /
    'moving_variance', default 0 / 1) are used. `weights`: frequency weights
    per sample. `ghost`: the virtual batch size (strided ghost batches, as
    TensorFlow reshapes [N, ...] to [ghost, N / ghost, ...]).
    """
    x = np.asarray(x, np.float64)
    rank = x.ndim
    keep_axes = tuple(sorted(a % rank for a in keep_axes))
    params = {k: _along_axes(v, x.shape, keep_axes) for k, v in (params or {}).items()}
    gamma, beta = params.get("gamma"), params.get("beta")
    if not training:
        return norm_reference.normalize(
            x,
            params.get("moving_mean", 0.0),
            params.get("moving_variance", 1.0),
            epsilon,
            gamma,
            beta,
        )
    axes = tuple(a for a in range(rank) if a not in keep_axes)
    if ghost is not None:
        grouped = x.reshape((ghost, x.shape[0] // ghost) + x.shape[1:])
        ghost_axes = tuple([0] + [a + 1 for a in axes if a != 0])
        y = norm_reference.standardize(grouped, ghost_axes, epsilon).reshape(x.shape)
        y = y if gamma is None else y * gamma
        return y if beta is None else y + beta
    if weights is None:
        mean, variance = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    else:
        w = np.reshape(weights, [-1] + [1] * (rank - 1)) * np.ones_like(x)
        total = w.sum(axes, keepdims=True)
        mean = (w * x).sum(axes, keepdims=True) / total
        variance = (w * (x - mean) ** 2).sum(axes, keepdims=True) / total
    return norm_reference.normalize(x, mean, variance, epsilon, gamma, beta)


def _softmax(logits):
    e = np.exp(np.asarray(logits, np.float64) - np.max(logits))
    return e / e.sum()


def switchable_norm_reference(
    x, data_format, training, epsilon, params=None, using_bn=True
):
    """Switchable norm: IN / LN / BN statistics mixed by softmax weights."""
    x = np.asarray(x, np.float64)
    rank = x.ndim
    params = params or {}
    channels = [channels_axis(data_format, rank)]
    spatial = spatial_axes(data_format, rank)
    batch = tuple(a for a in range(rank) if a not in channels)
    parts = [spatial, tuple(range(1, rank))]
    means = [x.mean(axes, keepdims=True) for axes in parts]
    variances = [x.var(axes, keepdims=True) for axes in parts]
    if using_bn and training:
        means.append(x.mean(batch, keepdims=True))
        variances.append(x.var(batch, keepdims=True))
    elif using_bn:
        means.append(_along_axes(params.get("moving_mean", 0.0), x.shape, channels))
        variances.append(
            _along_axes(params.get("moving_variance", 1.0), x.shape, channels)
        )

    def mix(weights, statistics):
        weights = _softmax(params.get(weights, np.ones(len(statistics))))
        return sum(w * statistic for w, statistic in zip(weights, statistics))

    mean, variance = mix("mean_weight", means), mix("var_weight", variances)
    gamma, beta = (
        _along_axes(params.get(name), x.shape, channels) for name in ("gamma", "beta")
    )
    return norm_reference.normalize(x, mean, variance, epsilon, gamma, beta)


def selu_reference(x):
    x = np.asarray(x, np.float64)
    scale, alpha = contrib_norm.nn.SELU_SCALE, contrib_norm.nn.SELU_ALPHA
    with np.errstate(invalid="ignore"):
        return np.where(x > 0, scale * x, scale * alpha * np.expm1(np.minimum(x, 0)))


def dropout_reference(x, keep_prob, outputs, dtype):
    """Alpha dropout's output, the mask read off the actual `outputs`.

    A unit is dropped where the output is the dropped value a * alpha' + b
    (to the tolerance of `dtype`); kept units must be a * x + b (NaN where x
    is NaN).
    """
    x = np.asarray(x, np.float64)
    a = (keep_prob + ALPHA_PRIME**2 * keep_prob * (1 - keep_prob)) ** -0.5
    b = -a * ALPHA_PRIME * (1 - keep_prob)
    dropped_value = a * ALPHA_PRIME + b
    # Where a * x + b is as close, either reading passes the comparison.
    dropped = np.isclose(
        np.asarray(outputs, np.float64),
        dropped_value,
        **TOLERANCES[tf.as_dtype(dtype).name],
    )
    return np.where(dropped, dropped_value, a * x + b)


# ---------------------------------------------------------------------------
# How to call each function, and its reference.
# ---------------------------------------------------------------------------


def group_norm_layout(data_format, rank):
    """(channels_axis, reduction_axes) of group_norm for a layout and rank."""
    spatial = spatial_axes(data_format, rank)
    if data_format == NCHW:
        return 1, spatial
    return -1, tuple(a - rank for a in spatial)


def _layout_kwargs(api, x, data_format, kwargs):
    """The function's own layout arguments for `data_format`."""
    rank = x.shape.rank
    if api.layout_arg == "data_format":
        return {"data_format": data_format}
    if api.layout_arg == "axis":
        return {"axis": 1 if data_format == NCHW else -1}
    if api.layout_arg == "channels_axis" and rank is not None:
        channels, reduction = group_norm_layout(data_format, rank)
        return {"channels_axis": channels, "reduction_axes": reduction}
    return {}


def _build(api, x, data_format, training, **kwargs):
    """Calls `api.function` on `x`; its layout, flag and defaults filled in."""
    arguments = dict(api.defaults)
    arguments.update(_layout_kwargs(api, x, data_format, kwargs))
    if api.training_arg is not None:
        arguments[api.training_arg] = training
    arguments.update(resolve(kwargs, x))
    if api.random:
        tf.compat.v1.set_random_seed(DROPOUT_SEED[0])
        arguments["seed"] = DROPOUT_SEED[1]
    return api.function(x, **arguments)


def _batch_norm_reference(x, data_format, training, dtype, kwargs, outputs):
    del dtype, outputs
    params = _params(kwargs, scale_default=False)
    weights = None
    if kwargs.get("batch_weights") is not None:
        weights = BatchWeights.values(np.shape(x)[0])
    return batch_norm_reference(
        x,
        [channels_axis(data_format, np.ndim(x))],
        training,
        kwargs.get("epsilon", 1e-3),
        params,
        weights=weights,
    )


def _batch_normalization_reference(x, data_format, training, dtype, kwargs, outputs):
    del dtype, outputs
    axis = kwargs.get("axis", channels_axis(data_format, np.ndim(x)))
    initializers = {
        name: kwargs.get(name + "_initializer")
        for name in ("beta", "gamma", "moving_mean", "moving_variance")
    }
    params = _params(kwargs, initializers)
    clipping = kwargs.get("renorm_clipping") or {}
    if kwargs.get("renorm") and clipping != IDENTITY_RENORM:
        raise ValueError("only renorm clipped to r = 1, d = 0 has a reference here")
    return batch_norm_reference(
        x,
        axis if isinstance(axis, (list, tuple)) else [axis],
        training,
        kwargs.get("epsilon", 1e-3),
        params,
        ghost=kwargs.get("virtual_batch_size") if training else None,
    )


def _group_norm_reference(x, data_format, training, dtype, kwargs, outputs):
    del training, dtype, outputs
    channels, reduction = group_norm_layout(data_format, np.ndim(x))
    params = _params(kwargs)
    return norm_reference.group_norm(
        x,
        kwargs.get("groups", 2),
        kwargs.get("channels_axis", channels),
        kwargs.get("reduction_axes", reduction),
        kwargs.get("epsilon", 1e-6),
        params.get("gamma"),
        params.get("beta"),
    )


def _instance_norm_reference(x, data_format, training, dtype, kwargs, outputs):
    del training, dtype, outputs
    channels = [channels_axis(data_format, np.ndim(x))]
    params = _params(kwargs)
    gamma = _along_axes(params.get("gamma"), np.shape(x), channels)
    beta = _along_axes(params.get("beta"), np.shape(x), channels)
    spatial = spatial_axes(data_format, np.ndim(x))
    epsilon = kwargs.get("epsilon", 1e-6)
    return norm_reference.standardize(x, spatial, epsilon, gamma, beta)


def _layer_norm_reference(x, data_format, training, dtype, kwargs, outputs):
    del data_format, training, outputs
    rank = np.ndim(x)
    begin = kwargs.get("begin_norm_axis", 1) % rank
    # TF1's fixed epsilon, raised for float16.
    epsilon = 1e-3 if tf.as_dtype(dtype) == tf.float16 else 1e-12
    return norm_reference.standardize(x, range(begin, rank), epsilon)


def _switchable_norm_reference(x, data_format, training, dtype, kwargs, outputs):
    del dtype, outputs
    params = _params(kwargs)
    return switchable_norm_reference(
        x,
        data_format,
        training,
        kwargs.get("epsilon", 1e-5),
        params,
        using_bn=kwargs.get("using_bn", True),
    )


def _selu_reference(x, data_format, training, dtype, kwargs, outputs):
    del data_format, training, dtype, kwargs, outputs
    return selu_reference(x)


def _alpha_dropout_reference(x, data_format, training, dtype, kwargs, outputs):
    del data_format, training
    return dropout_reference(x, kwargs["keep_prob"], outputs, dtype)


def _dropout_selu_reference(x, data_format, training, dtype, kwargs, outputs):
    del data_format
    if not training:
        return np.asarray(x, np.float64)
    return dropout_reference(x, 1.0 - kwargs["rate"], outputs, dtype)


def _channel_slices(rank, data_format, kwargs):
    """Batch-norm slices: every axis but the kept ones."""
    keep = kwargs.get("axis", channels_axis(data_format, rank))
    keep = [a % rank for a in (keep if isinstance(keep, (list, tuple)) else [keep])]
    return tuple(a for a in range(rank) if a not in keep), None


def _group_slices(rank, data_format, kwargs):
    channels, reduction = group_norm_layout(data_format, rank)
    channels = kwargs.get("channels_axis", channels) % rank
    reduction = [a % rank for a in kwargs.get("reduction_axes", reduction)]
    return tuple(sorted(reduction + [channels])), (channels, kwargs.get("groups", 2))


def _spatial_slices(rank, data_format, kwargs):
    del kwargs
    return spatial_axes(data_format, rank), None


def _sample_slices(rank, data_format, kwargs):
    del data_format
    return tuple(range(kwargs.get("begin_norm_axis", 1) % rank, rank)), None


# ---------------------------------------------------------------------------
# The registry.
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Api:
    """One public function and everything the reliability matrix needs of it.

    Attributes:
      name: the public name, in `contrib_norm.layers` or `contrib_norm.nn`.
      function: the function itself.
      reference: `reference(x, data_format, training, dtype, kwargs, outputs)`
        -> the float64 expected outputs (the mask of a random function is
        read off its `outputs`).
      bad_inputs: check -> tuple of `BadInput`, or NotApplicable.
      slice_axes: `slice_axes(rank, data_format, kwargs)` -> the axes each
        normalized slice spans and, for groups, a `(axis, groups)` split of
        the channels; None for the elementwise ops.
      layout_arg: how NHWC / NCHW is asked for ("data_format", "axis" or
        "channels_axis"), or NotApplicable.
      ranks: (lowest, highest or None) input rank taken.
      training_arg: the name of its training flag, or None.
      moving_statistics: whether it keeps moving statistics.
      scope_arg: the argument naming its variable scope, or None (no
        variables).
      half_variable_dtype: the dtype of its variables for float16 / bfloat16
        inputs: "float32" (as the fused kernel's parameters), "input" (as
        TF1), or None (no variables).
      defaults: arguments always given in the tests (e.g. groups, keep_prob).
      hygiene_kwargs: the options that touch the most collections, for the
        graph-hygiene checks.
      random: whether the output is random (dropout).
    """

    name: str
    function: Callable
    reference: Callable
    bad_inputs: dict
    slice_axes: Optional[Callable] = None
    layout_arg: Any = "data_format"
    ranks: tuple = (2, None)
    training_arg: Optional[str] = None
    moving_statistics: bool = False
    scope_arg: Optional[str] = "scope"
    half_variable_dtype: Optional[str] = "input"
    defaults: dict = dataclasses.field(default_factory=dict)
    hygiene_kwargs: dict = dataclasses.field(default_factory=dict)
    random: bool = False

    def __str__(self):
        return self.name

    @property
    def layouts(self):
        if isinstance(self.layout_arg, NotApplicable):
            return (NHWC,)
        return (NHWC, NCHW)

    def call(self, x, data_format=NHWC, training=True, **kwargs):
        """Calls the function on `x` in the given layout and training mode."""
        return _build(self, x, data_format, training, **kwargs)


_COLLECTIONS = dict(variables_collections=["extra"], outputs_collections=["outputs"])
_BATCH_NORM = dict(
    reference=_batch_norm_reference,
    slice_axes=_channel_slices,
    training_arg="is_training",
    moving_statistics=True,
    half_variable_dtype="float32",
)
_ELEMENTWISE = dict(
    slice_axes=None,
    layout_arg=NotApplicable("elementwise op: no channels axis"),
    ranks=(0, None),
    scope_arg=None,
    half_variable_dtype=None,
)

APIS = (
    Api(
        "batch_norm",
        contrib_norm.layers.batch_norm,
        bad_inputs=_batch_norm_checks("batch_norm"),
        hygiene_kwargs=dict(
            _COLLECTIONS,
            scale=True,
            zero_debias_moving_mean=True,
            param_regularizers={"beta": tf.nn.l2_loss},
        ),
        **_BATCH_NORM,
    ),
    Api(
        "batch_normalization",
        contrib_norm.layers.batch_normalization,
        _batch_normalization_reference,
        _BATCH_NORMALIZATION_CHECKS,
        slice_axes=_channel_slices,
        layout_arg="axis",
        training_arg="training",
        moving_statistics=True,
        scope_arg="name",
        half_variable_dtype="float32",
        hygiene_kwargs=dict(
            renorm=True, beta_regularizer=tf.nn.l2_loss, gamma_regularizer=tf.nn.l2_loss
        ),
    ),
    Api(
        "group_norm",
        contrib_norm.layers.group_norm,
        _group_norm_reference,
        _GROUP_NORM_CHECKS,
        slice_axes=_group_slices,
        layout_arg="channels_axis",
        defaults={"groups": 2},
        hygiene_kwargs=_COLLECTIONS,
    ),
    Api(
        "instance_norm",
        contrib_norm.layers.instance_norm,
        _instance_norm_reference,
        _per_sample_checks("instance_norm"),
        slice_axes=_spatial_slices,
        ranks=(3, None),
        hygiene_kwargs=_COLLECTIONS,
    ),
    Api(
        "layer_norm",
        contrib_norm.layers.layer_norm,
        _layer_norm_reference,
        _LAYER_NORM_CHECKS,
        slice_axes=_sample_slices,
        layout_arg=NotApplicable("normalizes the trailing axes: no channels axis"),
        hygiene_kwargs=_COLLECTIONS,
    ),
    Api(
        "switchable_norm",
        contrib_norm.layers.switchable_norm,
        _switchable_norm_reference,
        _per_sample_checks(
            "switchable_norm",
            max_rank=5,
            decays=("decay",),
            initializers=(
                BadInput(
                    "mean_weight_constant",
                    {
                        "param_initializers": {
                            "mean_weight": tf.compat.v1.constant_initializer([1.0, 2.0])
                        }
                    },
                    ValueError,
                    r"`param_initializers\['mean_weight'\]` is a constant of 2 "
                    r"values, which cannot fill the parameter's shape \[3\]",
                ),
            ),
        ),
        slice_axes=_spatial_slices,
        ranks=(3, 5),
        training_arg="is_training",
        moving_statistics=True,
        half_variable_dtype="float32",
        hygiene_kwargs=dict(_COLLECTIONS, using_moving_average=False),
    ),
    Api(
        "sync_batch_norm",
        contrib_norm.layers.sync_batch_norm,
        # Outside a replica context it is batch_norm (same checks and
        # messages); its replica-context path is in test_distribute_*.
        bad_inputs=_batch_norm_checks("batch_norm"),
        hygiene_kwargs=dict(_COLLECTIONS, scale=True),
        **_BATCH_NORM,
    ),
    Api(
        "selu",
        contrib_norm.nn.selu,
        _selu_reference,
        _nn_checks("features", NotApplicable("selu has no keep_prob")),
        **_ELEMENTWISE,
    ),
    Api(
        "alpha_dropout",
        contrib_norm.nn.alpha_dropout,
        _alpha_dropout_reference,
        _nn_checks(
            "x", _keep_probs("keep_prob", (0.0, -0.1, 1.5, float("nan")), r"\(0, 1\]")
        ),
        defaults={"keep_prob": 0.8},
        random=True,
        **_ELEMENTWISE,
    ),
    Api(
        "dropout_selu",
        contrib_norm.nn.dropout_selu,
        _dropout_selu_reference,
        # keep_prob = 1 - rate must be in (0, 1]: rate in [0, 1).
        _nn_checks(
            "x", _keep_probs("rate", (1.0, -0.1, 1.5, float("nan")), r"\[0, 1\)")
        ),
        training_arg="training",
        defaults={"rate": 0.2},
        random=True,
        **_ELEMENTWISE,
    ),
)

API_BY_NAME = {api.name: api for api in APIS}

# Public names that are not functions of their own, and why they are covered.
COVERED_ELSEWHERE = {
    "BatchNormalization": "the class batch_normalization builds and applies",
    "DATA_FORMAT_NCHW": "a constant",
    "DATA_FORMAT_NHWC": "a constant",
    "SELU_ALPHA": "a constant",
    "SELU_SCALE": "a constant",
    # contrib_norm.nn.conv2d_transpose shares its name with the host layer
    # below; both nn functions are TensorFlow's own op (and its checks) with
    # TF1's static shape, tested in tests/test_migrate_idioms.py.
    "conv2d_transpose_v1": "TensorFlow's own op and its checks, with TF1's "
                           "static shape: tests/test_migrate_idioms.py",
}

#: tf.contrib.layers' host layers (convolutions, fully_connected, pooling,
#: ...) and its regularizers and activations: not normalizations, so not in
#: this matrix; their bad input is tested in tests/test_host_layers.py.
HOST_LAYERS = (
    "apply_regularization", "avg_pool2d", "avg_pool3d", "bias_add", "conv1d",
    "conv2d", "conv2d_transpose", "conv3d", "conv3d_transpose", "convolution",
    "convolution1d", "convolution2d", "convolution2d_transpose",
    "convolution3d", "convolution3d_transpose", "dropout", "elu", "flatten",
    "fully_connected", "l1_l2_regularizer", "l1_regularizer",
    "l2_regularizer", "linear", "max_pool2d", "max_pool3d",
    "one_hot_encoding", "pool", "relu", "relu6", "repeat",
    "separable_conv2d", "separable_convolution2d", "softmax", "stack",
    "sum_regularizer", "unit_norm",
)
COVERED_ELSEWHERE.update(
    (name, "a host layer: tests/test_host_layers.py") for name in HOST_LAYERS)


@dataclasses.dataclass(frozen=True)
class Variant:
    """One implementation (code path) of an `Api`, chosen by `kwargs`.

    `ranks` are the input ranks that take this path; `training` the flag
    values it is tried with; `half_variable_dtype` overrides the Api's.
    """

    api: Api
    label: str
    kwargs: dict
    ranks: tuple = (2, 3, 4, 5)
    training: tuple = (True,)
    half_variable_dtype: Optional[str] = "api"

    @property
    def id(self):
        return f"{self.api.name}[{self.label}]" if self.label else self.api.name

    def __str__(self):
        return self.id

    @property
    def variable_dtype_for_half(self):
        """The variables' dtype for float16 / bfloat16 inputs (see `Api`)."""
        if self.half_variable_dtype == "api":
            return self.api.half_variable_dtype
        return self.half_variable_dtype

    def call(self, x, data_format=NHWC, training=True, **kwargs):
        return self.api.call(x, data_format, training, **{**self.kwargs, **kwargs})

    def reference(self, x, data_format, training, dtype, kwargs=None, outputs=None):
        kwargs = {**self.api.defaults, **self.kwargs, **(kwargs or {})}
        return self.api.reference(x, data_format, training, dtype, kwargs, outputs)


def _variant(name, label, kwargs, **options):
    return Variant(API_BY_NAME[name], label, kwargs, **options)


IDENTITY_RENORM = {"rmin": 1.0, "rmax": 1.0, "dmax": 0.0}
_BOTH = (True, False)


def _float32_adjustment(shape):
    """An identity adjustment written as users do: float32 tensors."""
    return tf.ones(shape[-1:]), tf.zeros(shape[-1:])


VARIANTS = (
    # batch_norm's three implementations (see its docstring).
    _variant(
        "batch_norm",
        "fused",
        {"updates_collections": None},
        ranks=(2, 4),
        training=_BOTH,
    ),
    _variant("batch_norm", "layer", {}, ranks=(3, 4, 5), training=_BOTH),
    _variant("batch_norm", "layer_unfused", {"fused": False}),
    _variant(
        "batch_norm",
        "moments",
        {"batch_weights": BatchWeights()},
        training=_BOTH,
        half_variable_dtype="input",
    ),
    _variant("batch_normalization", "fused", {}, ranks=(4, 5), training=_BOTH),
    _variant("batch_normalization", "unfused", {"fused": False}, training=_BOTH),
    _variant(
        "batch_normalization",
        "renorm",
        {"renorm": True, "renorm_clipping": IDENTITY_RENORM},
        training=_BOTH,
    ),
    _variant(
        "batch_normalization",
        "virtual_batch",
        {"virtual_batch_size": 2},
        training=_BOTH,
    ),
    _variant("batch_normalization", "adjustment", {"adjustment": _float32_adjustment}),
    _variant("group_norm", "", {}),
    _variant("group_norm", "one_pass", {"mean_close_to_zero": True}),
    _variant("instance_norm", "", {}, ranks=(3, 4, 5)),
    _variant("layer_norm", "", {}),
    _variant("switchable_norm", "", {}, ranks=(3, 4, 5), training=_BOTH),
    _variant(
        "switchable_norm",
        "batch_average",
        {"using_moving_average": False},
        ranks=(3, 4, 5),
        training=_BOTH,
    ),
    _variant("switchable_norm", "no_bn", {"using_bn": False}, ranks=(3, 4, 5)),
    _variant("sync_batch_norm", "", {}, training=_BOTH),
    _variant("selu", "", {}),
    _variant("alpha_dropout", "", {}),
    _variant("dropout_selu", "", {}, training=_BOTH),
)

NORMALIZATIONS = tuple(v for v in VARIANTS if v.api.slice_axes is not None)


def variant_modes(variants, modes=(True, False)):
    """pytest params (variant, training): each mode in `modes` it takes."""
    return [
        pytest.param(v, training, id=f"{v.id}-{'train' if training else 'infer'}")
        for v in variants
        for training in v.training
        if training in modes
    ]


def shape_for(variant, data_format=NHWC, batch=4, spatial=(3, 5), channels=4):
    """A small input shape of the variant's preferred rank (4 if it takes it)."""
    rank = 4 if 4 in variant.ranks else max(variant.ranks)
    spatial = (list(spatial) + [2] * rank)[: rank - 2]
    if data_format == NCHW:
        return [batch, channels] + spatial
    return [batch] + spatial + [channels]


def normalized_slices(variant, array, data_format, kwargs=None):
    """`array` as [slices, elements]: one row per normalized slice."""
    kwargs = {**variant.api.defaults, **variant.kwargs, **(kwargs or {})}
    rank = array.ndim
    axes, split = variant.api.slice_axes(rank, data_format, kwargs)
    if split is not None:
        axis, groups = split
        shape = list(array.shape)
        array = array.reshape(
            shape[:axis] + [groups, shape[axis] // groups] + shape[axis + 1 :]
        )
        axes = [a + 1 if a >= axis else a for a in axes]
        rank += 1
    others = [a for a in range(rank) if a not in axes]
    moved = np.transpose(array, others + list(axes))
    return moved.reshape(int(np.prod(moved.shape[: len(others)])), -1)


# ---------------------------------------------------------------------------
# Running calls.
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Job:
    """One call to run: the variant, its input and how to call it."""

    variant: Variant
    x: Any
    dtype: str = "float32"
    data_format: str = NHWC
    training: bool = True
    gradient: bool = True
    kwargs: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Result:
    """What one step of a `Job` gave, as float64 arrays."""

    outputs: np.ndarray
    gradient: Optional[np.ndarray]
    inputs: np.ndarray
    output_dtype: str
    variables: dict  # name -> (dtype name, value after the step)


def run(
    variant,
    x,
    dtype="float32",
    data_format=NHWC,
    training=True,
    gradient=True,
    **kwargs,
):
    """Builds `variant` on the constant `x` in a fresh graph and runs one step."""
    job = Job(variant, x, dtype, data_format, training, gradient, kwargs)
    result = run_all({"job": job})["job"]
    if isinstance(result, Exception):
        raise result
    return result


def run_all(jobs):
    """Runs many `Job`s in one graph and one session: one step each.

    A step runs the outputs, d sum(outputs * dy) / d inputs (a fixed random
    dy) unless `gradient` is False, and the update ops; the variables are
    read after it.

    Returns:
      A dict from each key of `jobs` to its `Result`, or to the exception
      building it raised. If the joint run fails, each job is run on its own,
      so that only the faulty ones report the error.
    """
    with tf.Graph().as_default() as graph:
        built, fetches = {}, {}
        for key, job in jobs.items():
            try:
                built[key], fetches[key] = _build_job(graph, job)
            except Exception as error:  # pylint: disable=broad-except
                built[key] = error
        config = tf.compat.v1.ConfigProto()
        # Grappler's rewrites cost more than these small runs.
        config.graph_options.rewrite_options.disable_meta_optimizer = True
        with tf.compat.v1.Session(graph=graph, config=config) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            try:
                values = sess.run(fetches)
            except tf.errors.OpError:
                if len(jobs) == 1:
                    raise
                values = None
    if values is None:
        return {key: run_all({key: job})[key] for key, job in jobs.items()}
    results = {}
    for key, job in jobs.items():
        if isinstance(built[key], Exception):
            results[key] = built[key]
            continue
        outputs, variables = built[key]
        value = values[key]
        results[key] = Result(
            outputs=np.asarray(value["outputs"], np.float64),
            gradient=(
                np.asarray(value["gradient"], np.float64) if job.gradient else None
            ),
            inputs=value["inputs"],
            output_dtype=outputs.dtype.base_dtype.name,
            variables={
                v.op.name: (v.dtype.base_dtype.name, np.asarray(after, np.float64))
                for v, after in zip(variables, value["variables"])
            },
        )
    return results


def _build_job(graph, job):
    """Builds one job; returns ((outputs, variables), fetches)."""
    before = len(graph.get_collection(_GraphKeys.GLOBAL_VARIABLES))
    updates_before = len(graph.get_collection(_GraphKeys.UPDATE_OPS))
    inputs = tf.constant(np.asarray(job.x), job.dtype)
    outputs = job.variant.call(inputs, job.data_format, job.training, **job.kwargs)
    fetches = {"outputs": outputs, "inputs": tf.cast(inputs, tf.float64)}
    if job.gradient:
        dy = np.random.RandomState(5).standard_normal(np.shape(job.x))
        loss = tf.reduce_sum(outputs * tf.constant(dy, outputs.dtype))
        fetches["gradient"] = tf.gradients(loss, inputs)[0]
    variables = graph.get_collection(_GraphKeys.GLOBAL_VARIABLES)[before:]
    updates = graph.get_collection(_GraphKeys.UPDATE_OPS)[updates_before:]
    # The variables are read after this job's step (its outputs and updates).
    with tf.control_dependencies(list(fetches.values()) + updates):
        fetches["variables"] = [tf.identity(v) for v in variables]
    return (outputs, variables), fetches
