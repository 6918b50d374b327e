"""Replays the golden host-layer cases (`hc_*`: tf.contrib.layers' conv2d,
fully_connected, pooling, ...; see "Host-layer cases" in
`tests/fixtures/GOLDEN_README.md`).

A case is a small program: `api(x, **kwargs)`, then each entry of `then` on
the previous output, inside the nested `arg_scope`s it names. This module
rebuilds it with contrib_norm, loads the recorded initial values (`init/VAR`)
into the variables, runs the three training steps (each optionally followed
by its own SGD step) and the inference pass, and compares what was recorded
with `golden_harness.compare_expect` / `compare_arrays`, plus the output's
static shape.

The functions a case names (`"contrib.conv2d"`, `"contrib.batch_norm"`) are
looked up in `namespaces`: by default both the `contrib` prefix and the
`route: "slim"` cases resolve to `contrib_norm.layers`.
"""

import contextlib
import json
import pathlib

import numpy as np
import tensorflow as tf

import contrib_norm.layers
import golden_harness
from contrib_norm.framework import arg_scope

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "golden_hosts"
_GraphKeys = tf.compat.v1.GraphKeys
NAMESPACES = {"contrib": contrib_norm.layers}
_FUNCTION_KEYS = ("normalizer_fn", "layer")


def load_cases(prefix, index="hc_cases.json"):
    """The cases of `index` whose id starts with `prefix` (e.g. "hc_")."""
    with open(FIXTURES / index) as f:
        cases = json.load(f)["cases"]
    return [c for c in cases if c["id"].startswith(prefix)]


def resolve(name, namespaces):
    """The function `"prefix.NAME"` names: `NAME` in `namespaces[prefix]`."""
    prefix, _, attribute = name.partition(".")
    return getattr(namespaces[prefix], attribute)


def decode_kwargs(kwargs, case, placeholders, namespaces):
    """The JSON-encoded `kwargs` of a call as real arguments."""
    decoded = {}
    for key, value in kwargs.items():
        if value is None:
            decoded[key] = None
        elif key in _FUNCTION_KEYS:
            decoded[key] = resolve(value, namespaces)
        elif key == "normalizer_params":
            decoded[key] = decode_kwargs(value, case, placeholders, namespaces)
        elif key == "activation" and value == "relu":
            decoded[key] = tf.nn.relu
        else:
            decoded[key] = golden_harness.decode_value(key, value, case, placeholders)
    return decoded


def _calls(case):
    """The program's calls: `(api, kwargs, takes_x)`, the case's own first."""
    calls = [(case["api"], case["kwargs"], True)]
    for step in case.get("then", []):
        calls.append(
            (step.get("api", case["api"]), step["kwargs"], step.get("input") == "x")
        )
    return calls


def _all_kwargs(case):
    """Every kwargs dict the case holds (calls, arg scopes, normalizer
    params), in the order they appear."""
    found = [kwargs for _, kwargs, _ in _calls(case)]
    found += [scope["kwargs"] for scope in case.get("arg_scope", [])]
    for kwargs in list(found):
        if isinstance(kwargs.get("normalizer_params"), dict):
            found.append(kwargs["normalizer_params"])
    return found


def _named_collections(case, key):
    """The collection names the case gives for `key`, unique, in order."""
    names = []
    for kwargs in _all_kwargs(case):
        value = kwargs.get(key)
        for name in [value] if isinstance(value, str) else value or []:
            if name not in names:
                names.append(name)
    return names


def describe_graph(graph, case, y):
    """What the golden `expect` records, computed from our graph."""
    custom = [
        name
        for name in _named_collections(case, "updates_collections")
        if name not in ("None", "UPDATE_OPS")
    ]
    aliases = [
        list(getattr(t, "aliases", []))
        for name in _named_collections(case, "outputs_collections")
        for t in graph.get_collection(name)
    ]
    return {
        "variables": golden_harness.describe_variables(graph),
        "update_ops": len(graph.get_collection(_GraphKeys.UPDATE_OPS)),
        "custom_update_ops": sum(len(graph.get_collection(c)) for c in custom),
        "regularization_losses": len(
            graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)
        ),
        "outputs_collection_aliases": aliases,
        "output_shape": y.shape.as_list(),
    }


def build(case, placeholders, namespaces):
    """Builds the case's program on a new placeholder `x`; returns (x, y)."""
    shape = list(case["shape"])
    if case.get("batch_unknown"):
        shape[0] = None
    dtype = tf.as_dtype(case.get("dtype", "float32"))
    x = tf.compat.v1.placeholder(dtype, shape, name="x")
    with contextlib.ExitStack() as stack:
        for scope in case.get("arg_scope", []):
            functions = [resolve(name, namespaces) for name in scope["fns"]]
            kwargs = decode_kwargs(scope["kwargs"], case, placeholders, namespaces)
            stack.enter_context(arg_scope(functions, **kwargs))
        y = x
        for api, kwargs, takes_x in _calls(case):
            fn = resolve(api, namespaces)
            kwargs = decode_kwargs(kwargs, case, placeholders, namespaces)
            y = fn(x if takes_x else y, **kwargs)
    return x, y


def run_case(case, namespaces=NAMESPACES):
    """Builds and runs `case`; returns (expect, arrays)."""
    arrays = np.load(FIXTURES / case["arrays"])
    results = {}
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(0)
        placeholders = {}
        x, y = build(case, placeholders, namespaces)
        expect = describe_graph(graph, case, y)
        loss = tf.reduce_sum(y * tf.constant(arrays["dy"]))
        trainables = tf.compat.v1.trainable_variables()
        grads = tf.gradients(loss, [x] + trainables)
        named_grads = {"dx": grads[0]}
        for v, g in zip(trainables, grads[1:]):
            if g is not None:
                named_grads[v.op.name] = g
        fetches = {
            "y": y,
            "grads": named_grads,
            "reg": graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES),
            "updates": graph.get_collection(_GraphKeys.UPDATE_OPS),
        }
        sgd_op = None
        if case.get("sgd"):
            optimizer = tf.compat.v1.train.GradientDescentOptimizer(
                case.get("sgd_rate", 0.5)
            )
            sgd_op = optimizer.minimize(loss)
        global_vars = tf.compat.v1.global_variables()
        init_values = {
            k[len("init/") :]: arrays[k] for k in arrays.files if k.startswith("init/")
        }
        assert sorted(init_values) == sorted(v.op.name for v in global_vars), (
            f"{case['id']}: the recorded initial values are not those of our "
            "variables"
        )
        loads = [v.assign(init_values[v.op.name]) for v in global_vars]
        flag = placeholders.get("flag")
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            sess.run(loads)
            for step in range(3):
                feed = {x: arrays[f"x_{step}"]}
                if flag is not None:
                    feed[flag] = case.get("flag_value", True)
                out = sess.run(fetches, feed)
                if sgd_op is not None:
                    sess.run(sgd_op, feed)
                results[f"y_{step}"] = out["y"]
                for name, value in out["grads"].items():
                    key = "dx" if name == "dx" else "grad"
                    suffix = "" if name == "dx" else "/" + name
                    results[f"{key}_{step}{suffix}"] = value
                for i, value in enumerate(out["reg"]):
                    results[f"reg_{step}_{i}"] = value
                for v, value in zip(global_vars, sess.run(global_vars)):
                    results[f"var_{step}/" + v.op.name] = value
            feed = {x: arrays["x_test"]}
            if flag is not None:
                feed[flag] = False
            results["y_infer"] = sess.run(y, feed)
    return expect, results


def check_case(case, namespaces=NAMESPACES):
    """Runs `case` and asserts agreement with the recording."""
    expect, results = run_case(case, namespaces)
    golden_harness.compare_expect(case, expect)
    assert expect["output_shape"] == case["expect"]["output_shape"], (
        f"{case['id']}: output shape {expect['output_shape']}, recorded "
        f"{case['expect']['output_shape']}"
    )
    golden_harness.compare_arrays(
        case,
        results,
        np.load(FIXTURES / case["arrays"]),
        # The initial values are an input here: run_case loads them.
        input_prefixes=("x_", "init/"),
    )
