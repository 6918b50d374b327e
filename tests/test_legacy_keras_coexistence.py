"""contrib_norm next to tf-keras's legacy tf.layers, in one graph.

Real pix2pix-style scripts run with `TF_USE_LEGACY_KERAS=1` and tf-keras
installed, mixing `tf.compat.v1.layers.conv2d` with batch normalization. A
child process builds such a graph with contrib_norm's and tf-keras's
`batch_normalization` side by side on the same input, trains it a few SGD
steps with UPDATE_OPS, and reports: both give the same outputs, moving
statistics and parameters; default names do not collide (both go through the
variable-scope counter); and tf-keras's layer can reuse contrib_norm's
variables by name, as a TF1 checkpoint would be shared.
"""

import importlib.util
import pathlib
import textwrap

import pytest

import fresh_interpreter

pytestmark = pytest.mark.legacy_keras

_CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    import tensorflow as tf
    import contrib_norm.layers as cn
    import fresh_interpreter

    legacy = tf.compat.v1.layers
    GK = tf.compat.v1.GraphKeys
    PAIRS = [  # (name, kwargs) given to both implementations
        ("default", dict(momentum=0.9)),
        ("unfused", dict(momentum=0.9, fused=False, center=False)),
        ("nchw_axis", dict(axis=1, momentum=0.8, epsilon=1e-5)),
        ("multi_axis", dict(axis=[1, 3], momentum=0.9)),
        ("renorm", dict(renorm=True, renorm_momentum=0.8,
                        renorm_clipping={"rmax": 1.2, "dmax": 0.1})),
    ]
    result = {"legacy_module": type(legacy.BatchNormalization(name="probe")).__module__}
    rng = np.random.RandomState(0)
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(1)
        x = tf.compat.v1.placeholder(tf.float32, [4, 6, 6, 3])
        flag = tf.compat.v1.placeholder(tf.bool, [])
        net = legacy.conv2d(x, 8, 3, padding="same")
        outputs = {}
        for name, kwargs in PAIRS:
            ours = cn.batch_normalization(net, training=flag, **kwargs)
            theirs = legacy.batch_normalization(net, training=flag, **kwargs)
            outputs[name] = (ours, theirs)
        # tf-keras reusing contrib_norm's variables by name, and back.
        shared = cn.batch_normalization(net, training=flag, name="shared")
        shared_legacy = legacy.batch_normalization(
            net, training=flag, name="shared", reuse=True)
        outputs["shared"] = (shared, shared_legacy)
        head = legacy.dense(tf.reshape(tf.add_n(outputs["default"]), [4, -1]), 2)
        result["update_ops"] = len(graph.get_collection(GK.UPDATE_OPS))
        result["variables"] = [v.op.name for v in tf.compat.v1.global_variables()]
        weights = [tf.constant(rng.normal(size=[4, 6, 6, 8]), tf.float32)
                   for _ in outputs]
        loss = tf.reduce_sum(head) + tf.add_n([
            tf.reduce_sum(o * w) for pair, w in zip(outputs.values(), weights)
            for o in pair])
        with tf.control_dependencies(graph.get_collection(GK.UPDATE_OPS)):
            train = tf.compat.v1.train.GradientDescentOptimizer(0.01).minimize(loss)
        by_name = {v.op.name: v for v in tf.compat.v1.global_variables()}
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            diffs = {name: 0.0 for name in outputs}
            for step in range(4):
                feed = {x: rng.normal(1.0, 2.0, size=[4, 6, 6, 3]), flag: step < 3}
                values, _ = sess.run([outputs, train if step < 3 else []], feed)
                for name, (a, b) in values.items():
                    diffs[name] = max(diffs[name], float(np.abs(a - b).max()))
            variable_diffs = {}
            for name, variable in by_name.items():
                prefix, _, rest = name.partition("/")
                if prefix == "batch_normalization" or (
                        prefix.startswith("batch_normalization_")
                        and int(prefix.rsplit("_", 1)[1]) % 2 == 0):
                    index = 0 if prefix == "batch_normalization" else int(
                        prefix.rsplit("_", 1)[1])
                    twin = by_name["batch_normalization_%d/%s" % (index + 1, rest)]
                    variable_diffs[name] = float(
                        np.abs(sess.run(variable) - sess.run(twin)).max())
    result["output_diffs"] = diffs
    result["variable_diffs"] = variable_diffs
    fresh_interpreter.report(result)
    """
)


@pytest.fixture(scope="module")
def child_result():
    if importlib.util.find_spec("tf_keras") is None:
        pytest.skip("tf-keras is not installed")
    tests = pathlib.Path(__file__).parent
    proc = fresh_interpreter.run(
        ["-c", _CHILD], cwd=tests, timeout=120, env={"TF_USE_LEGACY_KERAS": "1"}
    )
    return fresh_interpreter.result_of(proc)


def test_the_legacy_layer_is_tf_keras(child_result):
    assert child_result["legacy_module"].startswith("tf_keras")


def test_same_outputs_in_training_and_inference(child_result):
    for name, diff in child_result["output_diffs"].items():
        assert diff < 1e-4, (name, diff)


def test_same_moving_statistics_and_parameters(child_result):
    diffs = child_result["variable_diffs"]
    # 5 pairs: 4 variables each, 3 more with renorm, one pair without beta.
    assert len(diffs) == 5 * 4 + 3 - 1
    for name, diff in diffs.items():
        assert diff < 1e-4, (name, diff)


def test_names_do_not_collide(child_result):
    scopes = []
    for name in child_result["variables"]:
        scope = name.rsplit("/", 1)[0]
        if scope not in scopes:
            scopes.append(scope)
    assert scopes == (
        ["conv2d"]
        + ["batch_normalization"]
        + [f"batch_normalization_{i}" for i in range(1, 10)]
        + ["shared", "dense"]
    )
    assert len(set(child_result["variables"])) == len(child_result["variables"])


def test_update_ops_of_both(child_result):
    # Two per layer: 10 side by side, then the shared pair (updates of both).
    assert child_result["update_ops"] == 2 * 12
