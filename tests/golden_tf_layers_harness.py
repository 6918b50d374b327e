"""Replays the host-layer golden cases (`hl_*`: tf.layers around the norms).

`tests/fixtures/golden_hosts/` holds a copy of those cases (see its
README.md, "Host-layer cases"). A case is a small program on `x`: the call
`api(x, **kwargs)`, then each entry of `then` applied to the previous output
(or to `x`). This module rebuilds it with contrib_norm, assigns the recorded
initial values to the variables, runs the three recorded steps (with an SGD
step of its own `session.run` after each, for `sgd` cases) and the
inference pass, and compares what `golden_harness.check_case` compares, plus
the output's static shape.
"""

import json
import pathlib

import numpy as np
import tensorflow as tf

import golden_harness

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "golden_hosts"
_GraphKeys = tf.compat.v1.GraphKeys


def load_cases(prefix, filename="hl_cases.json"):
    """The cases of `filename` whose id starts with `prefix`."""
    with open(FIXTURES / filename) as f:
        cases = json.load(f)["cases"]
    return [c for c in cases if c["id"].startswith(prefix)]


def _resolve(api, modules):
    """`"tf_layers.dense"` -> `modules["tf_layers"].dense`; a capitalized
    name is a class, built with the kwargs and applied with `.apply(x)`."""
    module_name, name = api.split(".")
    target = getattr(modules[module_name], name)
    if name[:1].isupper():

        def build_and_apply(inputs, **kwargs):
            return target(**kwargs).apply(inputs)

        return build_and_apply
    return target


def _build_program(case, modules, x, placeholders):
    """Applies the case's calls in order; returns the last output."""
    y = None
    steps = [{"api": case["api"], "kwargs": case["kwargs"]}] + case.get("then", [])
    for step in steps:
        fn = _resolve(step.get("api", case["api"]), modules)
        inputs = x if y is None or step.get("input") == "x" else y
        kwargs = golden_harness.decode_kwargs(
            {"api": step.get("api", case["api"]), "kwargs": step["kwargs"],
             "shape": case["shape"]},
            placeholders,
        )  # fmt: skip
        y = fn(inputs, **kwargs)
    return y


def _assign_initial_values(sess, arrays):
    """Overwrites every variable with its recorded `init/VAR` value."""
    for v in tf.compat.v1.global_variables():
        key = "init/" + v.op.name
        assert key in arrays.files, f"no recorded initial value for {v.op.name}"
        v.load(arrays[key], sess)


def run_case(case, modules):
    """Builds and runs `case`; returns (expect, output_shape, arrays)."""
    arrays = np.load(FIXTURES / case["arrays"])
    shape = list(case["shape"])
    if case.get("batch_unknown"):
        shape[0] = None
    results = {}
    with tf.Graph().as_default() as graph:
        placeholders = {}
        x = tf.compat.v1.placeholder(tf.float32, shape, name="x")
        y = _build_program(case, modules, x, placeholders)
        expect = golden_harness.describe_graph(graph, case)
        output_shape = y.shape.as_list()
        dy = tf.compat.v1.placeholder(tf.float32, y.shape, name="dy")
        loss = tf.reduce_sum(y * dy)
        trainables = tf.compat.v1.trainable_variables()
        grads = tf.gradients(loss, [x] + trainables)
        fetches = {
            "y": y,
            "dx": grads[0],
            "grads": {
                v.op.name: g for v, g in zip(trainables, grads[1:]) if g is not None
            },
            "reg": graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES),
            "updates": graph.get_collection(_GraphKeys.UPDATE_OPS),
        }
        sgd_op = None
        if case.get("sgd"):
            rate = case.get("sgd_rate", 0.5)
            sgd_op = tf.compat.v1.train.GradientDescentOptimizer(rate).minimize(loss)
        global_vars = tf.compat.v1.global_variables()
        flag = placeholders.get("flag")
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            _assign_initial_values(sess, arrays)
            for step in range(3):
                feed = {x: arrays[f"x_{step}"], dy: arrays["dy"]}
                if flag is not None:
                    feed[flag] = case.get("flag_value", True)
                out = sess.run(fetches, feed)
                if sgd_op is not None:
                    sess.run(sgd_op, feed)
                results[f"y_{step}"] = out["y"]
                results[f"dx_{step}"] = out["dx"]
                for name, value in out["grads"].items():
                    results[f"grad_{step}/{name}"] = value
                for i, value in enumerate(out["reg"]):
                    results[f"reg_{step}_{i}"] = value
                for v, value in zip(global_vars, sess.run(global_vars)):
                    results[f"var_{step}/" + v.op.name] = value
            feed = {x: arrays["x_test"]}
            if flag is not None:
                feed[flag] = False
            results["y_infer"] = sess.run(y, feed)
    return expect, output_shape, results


def check_case(case, modules):
    """Runs `case` and asserts agreement with the recording."""
    expect, output_shape, results = run_case(case, modules)
    golden = case["expect"]
    assert output_shape == golden["output_shape"], (
        f"{case['id']}: output_shape {output_shape} != {golden['output_shape']}"
    )
    arrays = np.load(FIXTURES / case["arrays"])
    golden_harness.compare(case, expect, results, arrays)
