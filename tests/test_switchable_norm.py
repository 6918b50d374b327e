"""contrib_norm.layers.switchable_norm against a float64 NumPy implementation."""

import numpy as np
import pytest
import tensorflow as tf

import norm_reference as ref
from contrib_norm import framework
from contrib_norm.layers import switchable_norm

_GraphKeys = tf.compat.v1.GraphKeys
CHANNELS = 4
DECAY = 0.9
EPSILON = 1e-5
# Non-uniform importance weights (logits), IN / LN / BN.
MEAN_WEIGHT = [0.3, -0.5, 1.2]
VAR_WEIGHT = [-0.8, 0.6, 0.1]


def _shape(data_format, rank, batch=3, spatial=(3, 4, 2)):
    spatial = list(spatial[: rank - 2])
    if data_format == "NHWC":
        return [batch] + spatial + [CHANNELS]
    return [batch, CHANNELS] + spatial


def _softmax(logits):
    e = np.exp(np.asarray(logits, np.float64) - np.max(logits))
    return e / e.sum()


def reference(x, data_format, params, moving=None, using_bn=True):
    """The formula of the docstring, in float64, statistics from their definitions.

    Args:
      x: the input.
      params: dict with gamma, beta, mean_weight, var_weight.
      moving: None in training, else (moving_mean, moving_variance) for BN.
    """
    x = np.asarray(x, np.float64)
    if data_format == "NCHW":
        x = np.moveaxis(x, 1, -1)
    rank = x.ndim
    spatial = tuple(range(1, rank - 1))
    sample = tuple(range(1, rank))
    batch = tuple(range(rank - 1))
    means = [x.mean(spatial, keepdims=True), x.mean(sample, keepdims=True)]
    variances = [x.var(spatial, keepdims=True), x.var(sample, keepdims=True)]
    if using_bn:
        if moving is None:
            means.append(x.mean(batch, keepdims=True))
            variances.append(x.var(batch, keepdims=True))
        else:
            means.append(moving[0])
            variances.append(moving[1])
    mean_weight = _softmax(params["mean_weight"])
    var_weight = _softmax(params["var_weight"])
    mean = sum(w * m for w, m in zip(mean_weight, means))
    variance = sum(w * v for w, v in zip(var_weight, variances))
    y = ref.normalize(x, mean, variance, EPSILON, params["gamma"], params["beta"])
    return np.moveaxis(y, -1, 1) if data_format == "NCHW" else y


def batch_moments(x, data_format):
    """The BN statistics the moving averages follow: per channel, biased."""
    x = np.asarray(x, np.float64)
    channels_axis = 1 if data_format == "NCHW" else x.ndim - 1
    axes = tuple(a for a in range(x.ndim) if a != channels_axis)
    return x.mean(axes), x.var(axes)


def _params(using_bn=True, seed=11):
    rng = np.random.RandomState(seed)
    branches = 3 if using_bn else 2
    return {
        "gamma": 1.0 + 0.3 * rng.standard_normal(CHANNELS),
        "beta": rng.standard_normal(CHANNELS),
        "mean_weight": np.array(MEAN_WEIGHT[:branches]),
        "var_weight": np.array(VAR_WEIGHT[:branches]),
    }


def _initializers(values):
    return {k: tf.compat.v1.constant_initializer(v) for k, v in values.items()}


def _moving(seed=12):
    rng = np.random.RandomState(seed)
    return rng.standard_normal(CHANNELS), 0.5 + rng.uniform(size=CHANNELS)


def _variables_by_name():
    return {v.op.name.split("/")[-1]: v for v in tf.compat.v1.global_variables()}


@pytest.mark.parametrize("using_bn", [True, False])
@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_training_matches_reference(data_format, rank, using_bn):
    shape = _shape(data_format, rank)
    x = ref.random_inputs(shape, offset=1.5, scale=2.0)
    params = _params(using_bn)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        y = switchable_norm(
            inputs,
            decay=DECAY,
            param_initializers=_initializers(params),
            data_format=data_format,
            using_bn=using_bn,
        )
        updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
        variables = _variables_by_name()
        sess.run(tf.compat.v1.global_variables_initializer())
        out, _ = sess.run([y, updates], {inputs: x})
        moving = sess.run(
            [variables[n] for n in ("moving_mean", "moving_variance") if n in variables]
        )
    ref.assert_close(out, reference(x, data_format, params, using_bn=using_bn))
    assert len(updates) == (2 if using_bn else 0)
    if using_bn:
        mean, variance = batch_moments(x, data_format)
        ref.assert_close(moving[0], (1 - DECAY) * mean)
        ref.assert_close(moving[1], DECAY + (1 - DECAY) * variance)


@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_inference_matches_reference(data_format, rank):
    shape = _shape(data_format, rank)
    x = ref.random_inputs(shape, offset=-1.0, scale=1.5)
    params = _params()
    moving_mean, moving_variance = _moving()
    initializers = dict(
        params, moving_mean=moving_mean, moving_variance=moving_variance
    )
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        y = switchable_norm(
            inputs,
            param_initializers=_initializers(initializers),
            is_training=False,
            data_format=data_format,
        )
        assert tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS) == []
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {inputs: x})
    moving = [moving_mean, moving_variance]
    ref.assert_close(out, reference(x, data_format, params, moving=moving))


@pytest.mark.parametrize("updates_collections", ["UPDATE_OPS", "custom", None])
def test_training_flag_placeholder_and_update_wiring(updates_collections):
    collection = {"UPDATE_OPS": _GraphKeys.UPDATE_OPS}.get(
        updates_collections, updates_collections
    )
    shape = _shape("NHWC", 4)
    x = ref.random_inputs(shape)
    params = _params()
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        flag = tf.compat.v1.placeholder(tf.bool, [])
        y = switchable_norm(
            inputs,
            decay=DECAY,
            param_initializers=_initializers(params),
            is_training=flag,
            updates_collections=collection,
        )
        updates = tf.compat.v1.get_collection(collection) if collection else []
        assert len(updates) == (2 if collection else 0)
        variables = _variables_by_name()
        moving = [variables["moving_mean"], variables["moving_variance"]]
        sess.run(tf.compat.v1.global_variables_initializer())
        out_train, _ = sess.run([y, updates], {inputs: x, flag: True})
        after_train = sess.run(moving)
        out_infer, _ = sess.run([y, updates], {inputs: x, flag: False})
        after_infer = sess.run(moving)
    mean, variance = batch_moments(x, "NHWC")
    expected_moving = [(1 - DECAY) * mean, DECAY + (1 - DECAY) * variance]
    for actual, expected in zip(after_train + after_infer, expected_moving * 2):
        ref.assert_close(actual, expected)  # updated once, in training only
    ref.assert_close(out_train, reference(x, "NHWC", params))
    ref.assert_close(out_infer, reference(x, "NHWC", params, moving=expected_moving))


def test_cumulative_average_pools_every_batch():
    shape = _shape("NCHW", 4)
    batches = [ref.random_inputs(shape, seed=s, offset=s) for s in range(3)]
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float32, shape)
        switchable_norm(
            inputs, using_moving_average=False, data_format="NCHW", scope="sn"
        )
        updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
        variables = _variables_by_name()
        sess.run(tf.compat.v1.global_variables_initializer())
        for batch in batches:
            sess.run(updates, {inputs: batch})
        moving_mean, moving_variance, count = sess.run(
            [variables[n] for n in ("moving_mean", "moving_variance", "num_batches")]
        )
    assert count == 3
    assert not variables["num_batches"].trainable
    mean, variance = batch_moments(np.concatenate(batches), "NCHW")
    ref.assert_close(moving_mean, mean)
    ref.assert_close(moving_variance, variance)


@pytest.mark.parametrize(
    "is_training, using_bn", [(True, True), (False, True), (True, False)]
)
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_gradients_match_central_differences(data_format, is_training, using_bn):
    shape = _shape(data_format, 4, batch=2, spatial=(2, 3))
    x = ref.random_inputs(shape, offset=0.4)
    params = _params(using_bn)
    with ref.graph_session() as sess:
        inputs = tf.compat.v1.placeholder(tf.float64, shape)
        y = switchable_norm(
            inputs,
            param_initializers=_initializers(params),
            is_training=is_training,
            using_bn=using_bn,
            data_format=data_format,
        )
        sess.run(tf.compat.v1.global_variables_initializer())
        ref.check_gradients(sess, y, inputs, x, tf.compat.v1.trainable_variables())


@pytest.mark.parametrize("offset", [1e4, 1e5, 1e6])
def test_large_offset(offset):
    # The textbook E[s2 + mu^2] - mu^2 combination gives NaN here.
    params = dict(
        gamma=np.ones(CHANNELS),
        beta=np.zeros(CHANNELS),
        mean_weight=np.ones(3),
        var_weight=np.ones(3),
    )
    with ref.graph_session() as sess:
        inputs = tf.constant(
            ref.random_inputs([4, 8, 8, CHANNELS], offset=offset), tf.float32
        )
        y = switchable_norm(inputs)
        sess.run(tf.compat.v1.global_variables_initializer())
        out, x = sess.run([y, tf.cast(inputs, tf.float64)])
    error = out - reference(x, "NHWC", params)
    bound = ref.offset_bound(offset)
    assert np.abs(error.mean(axis=(1, 2))).max() < bound
    assert np.abs(error).max() < 2 * bound


@pytest.mark.parametrize("is_training", [True, False])
@pytest.mark.parametrize("batch", [1, 4])
def test_one_by_one_spatial_maps_are_finite(batch, is_training):
    # The PyTorch reference's unbiased IN variance is NaN here.
    x = ref.random_inputs([batch, 1, 1, CHANNELS])
    params = _params()
    run = ref.build_and_run(
        lambda t: switchable_norm(
            t, param_initializers=_initializers(params), is_training=is_training
        ),
        x,
    )
    assert np.all(np.isfinite(run.outputs)) and np.all(np.isfinite(run.dx))
    moving = None if is_training else [np.zeros(CHANNELS), np.ones(CHANNELS)]
    ref.assert_close(run.outputs, reference(x, "NHWC", params, moving=moving))


@pytest.mark.parametrize("is_training", [True, False])
def test_zero_variance_gives_beta(is_training):
    params = _params()
    run = ref.build_and_run(
        lambda t: switchable_norm(
            t,
            param_initializers=_initializers(
                dict(params, moving_mean=np.full(CHANNELS, 4.0))
            ),
            is_training=is_training,
        ),
        np.full([2, 3, 3, CHANNELS], 4.0),
    )
    ref.assert_gives_beta(run, params["beta"])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_dtypes(dtype):
    params = _params()
    run = ref.build_and_run(
        lambda t: switchable_norm(t, param_initializers=_initializers(params)),
        ref.random_inputs(_shape("NHWC", 4), offset=1.0),
        dtype,
    )
    # Variables (and statistics) in float32 for half inputs.
    ref.assert_keeps_dtype(
        run, dtype, variable_dtype="float64" if dtype == "float64" else "float32"
    )
    ref.assert_close(run.outputs, reference(run.inputs, "NHWC", params), dtype)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (
            {},
            [
                ("beta", [4], True),
                ("gamma", [4], True),
                ("mean_weight", [3], True),
                ("var_weight", [3], True),
                ("moving_mean", [4], False),
                ("moving_variance", [4], False),
            ],
        ),
        (
            dict(using_bn=False, center=False, trainable=False),
            [
                ("gamma", [4], False),
                ("mean_weight", [2], False),
                ("var_weight", [2], False),
            ],
        ),
        (
            dict(using_moving_average=False, scale=False),
            [
                ("beta", [4], True),
                ("mean_weight", [3], True),
                ("var_weight", [3], True),
                ("moving_mean", [4], False),
                ("moving_variance", [4], False),
                ("num_batches", [], False),
            ],
        ),
    ],
    ids=["default", "no_bn", "cumulative"],
)
def test_variables(kwargs, expected):
    with ref.graph_session():
        switchable_norm(
            tf.zeros([2, 3, 3, 4]), variables_collections=["sn_vars"], **kwargs
        )
        variables = tf.compat.v1.global_variables()
        trainable = tf.compat.v1.trainable_variables()
        model_variables = tf.compat.v1.get_collection(_GraphKeys.MODEL_VARIABLES)
        assert [
            (v.op.name, v.shape.as_list(), any(v is t for t in trainable))
            for v in variables
        ] == [("SwitchableNorm/" + n, s, t) for n, s, t in expected]
        assert len(model_variables) == len(variables)
        assert len(tf.compat.v1.get_collection("sn_vars")) == len(variables)


def test_reuse_outputs_collections_and_arg_scope():
    with ref.graph_session():
        x = tf.zeros([2, 4, 3, 3])
        with framework.arg_scope([switchable_norm], data_format="NCHW"):
            y = switchable_norm(x, scope="sn", outputs_collections="outputs")
            switchable_norm(x, scope="sn", reuse=True, is_training=False)
        assert len(tf.compat.v1.global_variables()) == 6
        assert tf.compat.v1.get_collection("outputs") == [y]
        assert y.aliases == ["sn"]
    assert framework.has_arg_scope(switchable_norm)


@pytest.mark.parametrize(
    "make_inputs, kwargs, error, message",
    [
        (lambda: tf.zeros([2, 4]), {}, ValueError, "no spatial axes"),
        (lambda: tf.zeros([2, 2, 2, 2, 2, 4]), {}, ValueError, "rank 3 to 5"),
        (
            lambda: tf.compat.v1.placeholder(tf.float32),
            {},
            ValueError,
            "has undefined rank",
        ),
        (
            lambda: tf.compat.v1.placeholder(tf.float32, [2, None, 3, 3]),
            dict(data_format="NCHW"),
            ValueError,
            "has undefined channels dimension",
        ),
        (lambda: tf.zeros([2, 3, 3, 4], tf.int32), {}, TypeError, "int32"),
        (
            lambda: tf.zeros([2, 3, 3, 4]),
            dict(data_format="CHWN"),
            ValueError,
            "data_format has to be either NCHW or NHWC.*'CHWN'",
        ),
        (lambda: tf.zeros([2, 3, 3, 4]), dict(decay=1.5), ValueError, "decay=1.5"),
        (
            lambda: tf.zeros([2, 3, 3, 4]),
            dict(is_training="yes"),
            TypeError,
            "is_training='yes'",
        ),
        (
            lambda: tf.zeros([2, 3, 3, 4]),
            dict(param_initializers={"mean_weights": None}),
            ValueError,
            "mean_weights",
        ),
        (
            lambda: tf.zeros([2, 3, 3, 4]),
            dict(variables_collections={"moving_var": []}),
            ValueError,
            "moving_var",
        ),
    ],
    ids=[
        "rank2",
        "rank6",
        "unknown_rank",
        "unknown_channels",
        "integer",
        "data_format",
        "decay",
        "training_flag",
        "initializer_key",
        "collection_key",
    ],
)
def test_bad_input(make_inputs, kwargs, error, message):
    ref.assert_build_error(switchable_norm, make_inputs, kwargs, error, message)
