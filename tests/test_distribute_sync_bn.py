"""sync_batch_norm and the global moments, in this process (no logical devices).

Outside a replica context sync_batch_norm is batch_norm (same graph); inside
one (here a one-replica OneDeviceStrategy) its variables, outputs,
gradients and moving statistics are batch_norm's, for every data format,
rank and option; bad arguments fail at graph-build time. The two-replica and
two-worker runs are in test_distribute_mirrored.py and
test_distribute_multi_worker.py, except the empty replica batches: a child
process on two logical CPU devices runs sync_batch_norm with one replica's
batch empty (it contributes nothing: the run equals batch_norm on the other
replica's batch) and with both empty (no statistic moves).
"""

import itertools
import pathlib
import re

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm.layers
from contrib_norm._core import distribute
import fresh_interpreter
from distribute_helpers import checks
from distribute_helpers import common
from distribute_helpers import scenarios

_GraphKeys = tf.compat.v1.GraphKeys
_OPTIONS = [
    {},
    {"scale": True, "updates_collections": None},
    {"zero_debias_moving_mean": True},
    {"batch_weights": "data", "scale": True, "param_regularizers": {"gamma": "l2"}},
    {"renorm": True, "scale": True},
    {"fused": False, "scale": True, "param_regularizers": {"gamma": "l2"}},
]
_LAYOUTS = [  # (data_format, input shape without the batch dimension)
    ("NHWC", (3,)),
    ("NCHW", (3,)),
    ("NHWC", (2, 2, 3)),
    ("NCHW", (3, 2, 2)),
]


def _one_device():
    return tf.distribute.OneDeviceStrategy("/cpu:0")


def _case(prefix, options, data_format, tail, flag="static", dtype="float32"):
    kwargs = dict(options)
    if data_format != "NHWC":
        kwargs["data_format"] = data_format
    return scenarios.scenario(
        prefix, "sync_batch_norm", kwargs, tail, flag=flag, dtype=dtype
    )


SYNC_CASES = [
    _case("sync", options, data_format, tail)
    for (data_format, tail), options in itertools.product(_LAYOUTS, _OPTIONS)
] + [
    _case("sync", {"scale": True}, "NHWC", (2, 3), flag="placeholder"),
    _case("sync", {"scale": True}, "NCHW", (3, 2, 2), dtype="float16"),
    _case("sync", {"batch_weights": "data"}, "NHWC", (2, 2, 3), dtype="float16"),
    # float64 renorm once failed under a strategy (a float32 sqrt(epsilon)).
    _case("sync", {"renorm": True, "scale": True}, "NHWC", (2, 2, 3), dtype="float64"),
    _case("sync", {"renorm": True}, "NCHW", (3,), flag="placeholder", dtype="float64"),
    # An adjustment of the last axis's shape is not moved to the channels.
    _case("sync", {"adjustment": "adjust", "scale": True}, "NCHW", (3, 2, 4)),
    _case("sync", {"adjustment": "adjust", "renorm": True}, "NHWC", (2, 3)),
]


@pytest.mark.parametrize("case", SYNC_CASES, ids=[c["id"] for c in SYNC_CASES])
def test_one_replica_matches_batch_norm(case):
    """In a replica context: batch_norm's variables, outputs, gradients, updates."""
    (x, dy), _ = common.batch(case, [4])
    result = {
        "distributed": common.run_layer(case, [(x, dy)], _one_device),
        "reference": [common.run_layer(case, [(x, dy)], layer="batch_norm")],
    }
    checks.check_sync(case, result, wrapped=False)


def _graph_of(layer, kwargs, x_value):
    """Builds `layer` on a placeholder; returns what a checkpoint and a user see."""
    with tf.Graph().as_default() as graph:
        x = tf.compat.v1.placeholder(tf.float32, x_value.shape)
        y = getattr(contrib_norm.layers, layer)(x, **kwargs)
        variables = [
            (v.op.name, v.dtype.name, v.shape.as_list(), v.trainable)
            for v in tf.compat.v1.global_variables()
        ]
        collections = {
            key: len(graph.get_collection(key))
            for key in (
                _GraphKeys.UPDATE_OPS,
                _GraphKeys.MODEL_VARIABLES,
                _GraphKeys.REGULARIZATION_LOSSES,
            )
        }
        ops = [op.type for op in graph.get_operations()]
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            outputs = sess.run(
                [y, graph.get_collection(_GraphKeys.UPDATE_OPS)], {x: x_value}
            )[0]
            values = sess.run(tf.compat.v1.global_variables())
    return variables, collections, ops, outputs, values


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"scale": True, "data_format": "NCHW"},
        {"updates_collections": None, "zero_debias_moving_mean": True},
        {"renorm": True, "is_training": True},
        {"is_training": False},
    ],
    ids=str,
)
@pytest.mark.parametrize("shape", [(4, 3), (4, 2, 2, 3)], ids=str)
def test_outside_a_strategy_it_is_batch_norm(kwargs, shape):
    x_value = np.random.RandomState(0).randn(*shape).astype(np.float32)
    ours = _graph_of("sync_batch_norm", kwargs, x_value)
    theirs = _graph_of("batch_norm", kwargs, x_value)
    assert ours[:3] == theirs[:3]
    np.testing.assert_array_equal(ours[3], theirs[3])
    for a, b in zip(ours[4], theirs[4]):
        np.testing.assert_array_equal(a, b)


def _in_replica(fn):
    """Calls `fn()` in the replica context of a one-device strategy (graph mode)."""
    with tf.Graph().as_default():
        strategy = _one_device()
        with strategy.scope():
            return strategy.run(fn)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"data_format": "NDHWC"}, ValueError, "data_format='NDHWC'"),
        ({"param_initializers": {"gama": 1.0}}, ValueError, "'gama'"),
        ({"renorm_clipping": {"r_max": 2.0}}, ValueError, "'r_max'"),
        ({"renorm_clipping": {"rmin": 2.0, "rmax": 1.0}}, ValueError, "rmin <= rmax"),
        ({"param_regularizers": [None]}, TypeError, "param_regularizers=[None]"),
        ({"renorm": True, "zero_debias_moving_mean": True}, ValueError, "renorm"),
        ({"is_training": 1.5}, TypeError, "is_training=1.5"),
        ({"shape": [4]}, ValueError, "rank 2 or more"),
        ({"dtype": tf.int32}, TypeError, "dtype=int32"),
        ({"shape": [4, None]}, ValueError, "channels dimension"),
        ({"batch_weights": [1.0, 2.0]}, ValueError, "vector of the batch size"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_arguments_fail_at_build_time(kwargs, error, words):
    kwargs = dict(kwargs)
    shape = kwargs.pop("shape", [4, 3])
    dtype = kwargs.pop("dtype", tf.float32)

    def fn():
        x = tf.compat.v1.placeholder(dtype, shape)
        return contrib_norm.layers.sync_batch_norm(x, **kwargs)

    with pytest.raises(error, match=re.escape(words)):
        _in_replica(fn)


def _moments_in_replica(x_value, weights=None):
    def fn():
        w = None if weights is None else tf.constant(weights)
        return distribute.global_moments(tf.constant(x_value), [0, 1], w)

    with tf.Graph().as_default() as graph:
        strategy = _one_device()
        with strategy.scope():
            moments = strategy.run(fn)
        with tf.compat.v1.Session(graph=graph) as sess:
            return sess.run(moments)


def test_global_moments_stay_exact_far_from_zero():
    """float32 data around 1e4: no E[x^2] - E[x]^2 cancellation."""
    rng = np.random.RandomState(0)
    x = (1e4 + rng.randn(64, 5, 3)).astype(np.float32)
    mean, variance, count = _moments_in_replica(x)
    exact = x.astype(np.float64).reshape(-1, 3)
    assert count == exact.shape[0]
    np.testing.assert_allclose(mean, exact.mean(0), rtol=1e-6)
    np.testing.assert_allclose(variance, exact.var(0), rtol=1e-4)


def test_global_moments_are_weighted_and_empty_batches_are_zero():
    rng = np.random.RandomState(1)
    x = rng.randn(6, 2, 3).astype(np.float32)
    w = rng.uniform(0.5, 2.0, [6, 1, 1]).astype(np.float32)
    mean, variance, count = _moments_in_replica(x, w)
    wide = np.broadcast_to(w, x.shape).astype(np.float64).reshape(-1, 3)
    flat = x.astype(np.float64).reshape(-1, 3)
    expected_mean = (wide * flat).sum(0) / wide.sum(0)
    np.testing.assert_allclose(count, wide.sum(0)[0], rtol=1e-6)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-5)
    np.testing.assert_allclose(
        variance, (wide * (flat - expected_mean) ** 2).sum(0) / wide.sum(0), rtol=1e-5
    )
    empty = _moments_in_replica(np.zeros([0, 2, 3], np.float32))
    assert [np.asarray(v).tolist() for v in empty] == [[0.0] * 3, [0.0] * 3, 0.0]


def test_all_reduce_needs_a_replica_context():
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="replica context"):
            distribute.all_reduce_sum(tf.zeros([3]))


@pytest.mark.parametrize("kwargs", _OPTIONS, ids=lambda k: ",".join(sorted(k)) or "defaults")
@pytest.mark.parametrize("data_format, tail", _LAYOUTS[:2] + _LAYOUTS[3:])
def test_one_all_reduce_of_2c_plus_1_values(monkeypatch, kwargs, data_format, tail):
    """The moments of a layer cost one all-reduce of 2C + 1 values (the sums,
    the sums of squares or centred equivalents, and the count); its gradient
    one more, in the backward pass."""
    calls = []
    sum_over_replicas = distribute._sum_over_replicas

    def counting(value, what):
        calls.append((what, value.shape.as_list()))
        return sum_over_replicas(value, what)

    monkeypatch.setattr(distribute, "_sum_over_replicas", counting)
    kwargs = {k: v for k, v in kwargs.items() if k != "param_regularizers"}
    channels = tail[0] if data_format == "NCHW" else tail[-1]

    def fn():
        x = tf.compat.v1.placeholder(tf.float32, [4, *tail])
        extra = dict(kwargs)
        if extra.get("batch_weights") == "data":
            extra["batch_weights"] = tf.ones([4])
        y = contrib_norm.layers.sync_batch_norm(x, data_format=data_format, **extra)
        forward = list(calls)
        tf.gradients(y, x)
        return forward

    forward = _in_replica(fn)
    assert forward == [("an all-reduce", [2 * channels + 1])]
    assert calls[1:] == [("the gradient of an all-reduce", [2 * channels + 1])]


_MIRRORED_CHILD = (
    pathlib.Path(__file__).parent / "distribute_helpers" / "mirrored_child.py"
)


@pytest.fixture(scope="module")
def empty_replica_results(tmp_path_factory):
    proc = fresh_interpreter.run(
        [str(_MIRRORED_CHILD), *(s["id"] for s in scenarios.EMPTY_REPLICA)],
        cwd=tmp_path_factory.mktemp("empty_replica"),
        timeout=400,
    )
    return fresh_interpreter.result_of(proc)


@pytest.mark.parametrize(
    "scenario", scenarios.EMPTY_REPLICA, ids=[s["id"] for s in scenarios.EMPTY_REPLICA]
)
def test_two_replicas_with_an_empty_batch(empty_replica_results, scenario):
    """Two replicas, one or both batches empty: see checks.check_empty_replica."""
    result = empty_replica_results[scenario["id"]]
    assert "error" not in result, result["error"]
    checks.check_empty_replica(scenario, result)
