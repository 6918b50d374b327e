"""Reliability, properties: random shapes, axes, groups and options (hypothesis).

For every public function of `reliability_cases.APIS`, on examples drawn by
hypothesis (the seeded "ci" profile of conftest.py, with fewer examples per
function than its 25 so that the matrix stays fast; small shapes):

* the outputs match the float64 NumPy reference of the registry (random
  ranks, layouts, axes, groups, training flags, initial parameters and
  options: batch weights, in-place updates, zero-debias, virtual batches,
  renorm, one-pass variance, importance weights, noise shapes, ...);
* NHWC and NCHW agree, for the functions that take both;
* group_norm with groups=1 is layer_norm over the same axes, and with
  groups=C it is instance_norm;
* gradients match numerical ones (`tf.compat.v1.test.compute_gradient`,
  central differences) in float64 on small shapes.

None of the legacy failures listed in `reliability_cases` is specific to
these properties.
"""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import norm_reference
import reliability_cases as cases
import tolerances

# Every example builds a graph: fewer per function than the profile's.
FEW = max(1, settings.default.max_examples * 2 // 5)
FEWER = max(1, settings.default.max_examples // 4)
GRADIENT_TOLERANCE = tolerances.of("property_gradient")
GRADIENT_DELTA = 1e-5
MAX_GRADIENT_SIZE = 48
LAYOUT_TOLERANCE = tolerances.of("layout")
DTYPES = ("float32", "float64")


class Example(object):
    """One drawn call: input shape and values, layout, flag and arguments."""

    def __init__(self, draw, shape, data_format, kwargs, training, dtypes):
        self.shape = list(shape)
        self.data_format = data_format
        self.kwargs = kwargs
        self.training = training if training is not None else draw(st.booleans())
        self.dtype = draw(st.sampled_from(dtypes))
        seed = draw(st.integers(0, 99))
        self.x = norm_reference.random_inputs(shape, seed=seed, offset=0.5, scale=2.0)

    def __repr__(self):
        return (
            f"Example(shape={self.shape}, data_format={self.data_format}, "
            f"training={self.training}, dtype={self.dtype}, kwargs={self.kwargs})"
        )


def _shape(draw, rank, data_format, channels=None):
    """A small shape: batch 1-4, spatial 1-3, channels 1-4 (or as given)."""
    batch = draw(st.integers(1, 4))
    if rank == 1:
        return [batch]
    channels = channels or draw(st.sampled_from([1, 2, 3, 4]))
    spatial = [draw(st.integers(1, 3)) for _ in range(rank - 2)]
    if data_format == cases.NCHW:
        return [batch, channels] + spatial
    return [batch] + spatial + [channels]


def _layout_and_shape(draw, api, layout, channels=None):
    low, high = api.ranks
    rank = draw(st.integers(max(low, 1), min(high or 5, 5)))
    data_format = layout or draw(st.sampled_from(api.layouts))
    return data_format, _shape(draw, rank, data_format, channels)


def _initializers(draw, names, size):
    """Random `Constant`s for some of `names` (positive scales and variances)."""
    values = {}
    for name in names:
        if draw(st.booleans()):
            low = 0.2 if name in ("gamma", "moving_variance") else -1.0
            floats = st.lists(st.floats(low, 2.0), min_size=size, max_size=size)
            values[name] = np.asarray(draw(floats), np.float64)
    return cases.constants(values)


def _center_scale(draw):
    return dict(center=draw(st.booleans()), scale=draw(st.booleans()))


_BN_PARAMS = ("beta", "gamma", "moving_mean", "moving_variance")


@st.composite
def batch_norm_examples(draw, api, layout=None, dtypes=DTYPES):
    data_format, shape = _layout_and_shape(draw, api, layout)
    channels = shape[cases.channels_axis(data_format, len(shape))]
    path = draw(
        st.sampled_from(
            [
                {},
                {"updates_collections": None},
                {"batch_weights": cases.BatchWeights()},
                {"zero_debias_moving_mean": True},
                {"fused": False},
            ]
        )
    )
    kwargs = dict(
        path,
        epsilon=draw(st.sampled_from([1e-3, 1e-5])),
        param_initializers=_initializers(draw, _BN_PARAMS, channels),
        **_center_scale(draw),
    )
    return Example(draw, shape, data_format, kwargs, None, dtypes)


@st.composite
def batch_normalization_examples(draw, api, layout=None, dtypes=DTYPES):
    data_format, shape = _layout_and_shape(draw, api, layout)
    rank = len(shape)
    kwargs = _center_scale(draw)
    keep = [cases.channels_axis(data_format, rank)]
    if layout is None and draw(st.booleans()):
        # Any non-empty set of kept axes but the batch axis, some negative.
        keep = draw(st.lists(st.integers(1, rank - 1), min_size=1, unique=True))
        axes = [a - rank if draw(st.booleans()) else a for a in keep]
        kwargs["axis"] = axes if len(axes) > 1 or draw(st.booleans()) else axes[0]
    option = draw(st.sampled_from(["plain", "unfused", "renorm", "virtual"]))
    if option == "unfused":
        kwargs["fused"] = False
    elif option == "renorm":
        kwargs.update(renorm=True, renorm_clipping=cases.IDENTITY_RENORM)
    elif option == "virtual":
        divisors = [d for d in range(1, shape[0] + 1) if shape[0] % d == 0]
        kwargs["virtual_batch_size"] = draw(st.sampled_from(divisors))
    size = int(np.prod([shape[a % rank] for a in keep]))
    for name, init in _initializers(draw, _BN_PARAMS, size).items():
        kwargs[name + "_initializer"] = init
    return Example(draw, shape, data_format, kwargs, None, dtypes)


@st.composite
def group_norm_examples(draw, api, layout=None, dtypes=DTYPES):
    channels = draw(st.sampled_from([1, 2, 4, 6]))
    data_format, shape = _layout_and_shape(draw, api, layout, channels)
    rank = len(shape)
    groups = draw(st.sampled_from([g for g in (1, 2, 3, 6) if channels % g == 0]))
    kwargs = dict(
        groups=groups,
        epsilon=draw(st.sampled_from([1e-6, 1e-3])),
        mean_close_to_zero=draw(st.booleans()),
        param_initializers=_initializers(draw, ("beta", "gamma"), channels),
        **_center_scale(draw),
    )
    if layout is None and rank > 1 and draw(st.booleans()):
        # Any channels axis, and any other non-batch axes to reduce.
        axis = draw(st.integers(1, rank - 1))
        others = [a for a in range(1, rank) if a != axis]
        reduction = []
        if others:
            reduction = draw(st.lists(st.sampled_from(others), unique=True))
        shape[cases.channels_axis(data_format, rank)] = shape[axis]
        shape[axis] = channels
        kwargs.update(
            channels_axis=axis - rank if draw(st.booleans()) else axis,
            reduction_axes=tuple(
                a - rank if draw(st.booleans()) else a for a in reduction
            ),
        )
    return Example(draw, shape, data_format, kwargs, True, dtypes)


@st.composite
def instance_norm_examples(draw, api, layout=None, dtypes=DTYPES):
    data_format, shape = _layout_and_shape(draw, api, layout)
    channels = shape[cases.channels_axis(data_format, len(shape))]
    kwargs = dict(
        epsilon=draw(st.sampled_from([1e-6, 1e-3])),
        param_initializers=_initializers(draw, ("beta", "gamma"), channels),
        **_center_scale(draw),
    )
    return Example(draw, shape, data_format, kwargs, True, dtypes)


@st.composite
def layer_norm_examples(draw, api, layout=None, dtypes=DTYPES):
    rank = draw(st.integers(1, 5))
    shape = _shape(draw, rank, cases.NHWC)
    kwargs = dict(
        begin_norm_axis=draw(st.integers(-rank, rank - 1)),
        begin_params_axis=draw(st.integers(-rank, rank - 1)),
        **_center_scale(draw),
    )
    return Example(draw, shape, cases.NHWC, kwargs, True, dtypes)


@st.composite
def switchable_norm_examples(draw, api, layout=None, dtypes=DTYPES):
    data_format, shape = _layout_and_shape(draw, api, layout)
    channels = shape[cases.channels_axis(data_format, len(shape))]
    using_bn = draw(st.booleans())
    params = _initializers(draw, _BN_PARAMS, channels)
    params.update(_initializers(draw, ("mean_weight", "var_weight"), 2 + using_bn))
    kwargs = dict(
        epsilon=draw(st.sampled_from([1e-5, 1e-3])),
        using_bn=using_bn,
        using_moving_average=draw(st.booleans()),
        param_initializers=params,
        **_center_scale(draw),
    )
    return Example(draw, shape, data_format, kwargs, None, dtypes)


def _any_shape(draw, min_rank=0):
    return draw(st.lists(st.integers(1, 4), min_size=min_rank, max_size=4))


@st.composite
def selu_examples(draw, api, layout=None, dtypes=DTYPES):
    return Example(draw, _any_shape(draw), cases.NHWC, {}, True, dtypes)


@st.composite
def alpha_dropout_examples(draw, api, layout=None, dtypes=DTYPES):
    shape = _any_shape(draw, 1)
    kwargs = {"keep_prob": draw(st.floats(0.1, 1.0))}
    if draw(st.booleans()):
        kwargs["noise_shape"] = [d if draw(st.booleans()) else 1 for d in shape]
    return Example(draw, shape, cases.NHWC, kwargs, True, dtypes)


@st.composite
def dropout_selu_examples(draw, api, layout=None, dtypes=DTYPES):
    kwargs = {"rate": draw(st.floats(0.0, 0.9))}
    return Example(draw, _any_shape(draw, 1), cases.NHWC, kwargs, None, dtypes)


EXAMPLES = {
    "batch_norm": batch_norm_examples,
    "batch_normalization": batch_normalization_examples,
    "group_norm": group_norm_examples,
    "instance_norm": instance_norm_examples,
    "layer_norm": layer_norm_examples,
    "switchable_norm": switchable_norm_examples,
    "sync_batch_norm": batch_norm_examples,
    "selu": selu_examples,
    "alpha_dropout": alpha_dropout_examples,
    "dropout_selu": dropout_selu_examples,
}
NO_NUMERICAL_GRADIENT = cases.NotApplicable(
    "the random mask is drawn again on every run, so finite differences see a "
    "different function each time (test_nn checks the gradient is a * mask)"
)
GRADIENTS = {
    api.name: NO_NUMERICAL_GRADIENT if api.random else api for api in cases.APIS
}
LAYOUTS = [api for api in cases.APIS if len(api.layouts) == 2]


def test_every_function_has_examples_and_a_gradient_decision():
    assert set(EXAMPLES) == set(cases.API_BY_NAME) == set(GRADIENTS)
    for api in cases.APIS:
        if api not in LAYOUTS:
            assert isinstance(api.layout_arg, cases.NotApplicable), api.name


@pytest.mark.parametrize("api", cases.APIS, ids=str)
def test_matches_float64_reference(api):
    variant = cases.Variant(api, "", {})

    @settings(max_examples=FEW)
    @given(example=EXAMPLES[api.name](api))
    def check(example):
        result = cases.run(
            variant,
            example.x,
            dtype=example.dtype,
            data_format=example.data_format,
            training=example.training,
            gradient=False,
            **example.kwargs,
        )
        expected = variant.reference(
            result.inputs,
            example.data_format,
            example.training,
            example.dtype,
            example.kwargs,
            result.outputs,
        )
        np.testing.assert_allclose(
            result.outputs, expected, **cases.TOLERANCES[example.dtype]
        )

    check()


def _to_nchw(x):
    return np.moveaxis(x, -1, 1)


@pytest.mark.parametrize("api", LAYOUTS, ids=str)
def test_nhwc_and_nchw_agree(api):
    @settings(max_examples=FEWER)
    @given(example=EXAMPLES[api.name](api, layout=cases.NHWC, dtypes=("float64",)))
    def check(example):
        with norm_reference.graph_session() as sess:
            nhwc = api.call(
                tf.constant(example.x), cases.NHWC, example.training, **example.kwargs
            )
            nchw = api.call(
                tf.constant(_to_nchw(example.x)),
                cases.NCHW,
                example.training,
                **example.kwargs,
            )
            sess.run(tf.compat.v1.global_variables_initializer())
            out_nhwc, out_nchw = sess.run([nhwc, nchw])
        np.testing.assert_allclose(_to_nchw(out_nhwc), out_nchw, **LAYOUT_TOLERANCE)

    check()


@st.composite
def _per_sample_shapes(draw):
    data_format = draw(st.sampled_from([cases.NHWC, cases.NCHW]))
    shape = _shape(draw, draw(st.integers(3, 5)), data_format)
    return shape, data_format, draw(st.integers(0, 99))


@settings(max_examples=FEW)
@given(drawn=_per_sample_shapes())
def test_group_norm_extremes_are_layer_and_instance_norm(drawn):
    shape, data_format, seed = drawn
    rank = len(shape)
    channels = shape[cases.channels_axis(data_format, rank)]
    channels_axis, reduction_axes = cases.group_norm_layout(data_format, rank)
    functions = {api.name: api.function for api in cases.APIS}
    x_value = norm_reference.random_inputs(shape, seed=seed, offset=0.5, scale=2.0)
    with norm_reference.graph_session() as sess:
        x = tf.constant(x_value)

        def grouped(groups, epsilon):
            return functions["group_norm"](
                x,
                groups=groups,
                channels_axis=channels_axis,
                reduction_axes=reduction_axes,
                epsilon=epsilon,
            )

        pairs = [
            # layer_norm's epsilon is fixed at 1e-12.
            (grouped(1, 1e-12), functions["layer_norm"](x)),
            (
                grouped(channels, 1e-6),
                functions["instance_norm"](x, data_format=data_format),
            ),
        ]
        sess.run(tf.compat.v1.global_variables_initializer())
        for grouped_out, other_out in sess.run(pairs):
            np.testing.assert_allclose(grouped_out, other_out, **LAYOUT_TOLERANCE)


@pytest.mark.parametrize(
    "api", [api for api in GRADIENTS.values() if isinstance(api, cases.Api)], ids=str
)
def test_gradients_match_numerical_gradients(api):
    @settings(max_examples=FEWER)
    @given(example=EXAMPLES[api.name](api, dtypes=("float64",)))
    def check(example):
        if np.prod(example.shape) > MAX_GRADIENT_SIZE:
            example.shape[0] = 1
            example.x = example.x[:1]
        with norm_reference.graph_session() as sess:
            x = tf.compat.v1.placeholder(tf.float64, example.shape)
            y = api.call(x, example.data_format, example.training, **example.kwargs)
            sess.run(tf.compat.v1.global_variables_initializer())
            theoretical, numerical = tf.compat.v1.test.compute_gradient(
                x,
                example.shape,
                y,
                example.shape,
                x_init_value=example.x,
                delta=GRADIENT_DELTA,
            )
        np.testing.assert_allclose(theoretical, numerical, **GRADIENT_TOLERANCE)

    check()
