"""Replays the golden cases recorded from the TF1-era implementations.

`tests/fixtures/golden/` is a copy of the golden data set (see
`tests/fixtures/GOLDEN_README.md` for its format). For each case this module
rebuilds the graph with contrib_norm, runs the same three training steps and
the inference pass, and compares everything that was recorded: variables and
their collections, update-op and regularization-loss counts, output aliases,
outputs, gradients, variable values after each step, regularization losses
and the inference output.
"""

import json
import pathlib

import numpy as np
import tensorflow as tf

import contrib_norm.layers
import tolerances

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "golden"
_GraphKeys = tf.compat.v1.GraphKeys
_BASE_COLLECTIONS = {
    _GraphKeys.GLOBAL_VARIABLES,
    _GraphKeys.TRAINABLE_VARIABLES,
    _GraphKeys.MODEL_VARIABLES,
}
_FLAG_NAME = {"batch_norm": "is_training", "batch_normalization": "training"}
# (rtol, atol) for values, then for gradients.
_TOLERANCE = {
    dtype: (value, tolerances.TABLE["golden_gradient"][dtype])
    for dtype, value in tolerances.TABLE["golden"].items()
}


def load_cases(prefix):
    """The cases whose id starts with `prefix` (e.g. "bn_")."""
    with open(FIXTURES / "cases.json") as f:
        cases = json.load(f)["cases"]
    return [c for c in cases if c["id"].startswith(prefix)]


def case_ids(cases):
    return [c["id"] for c in cases]


def _l2(coefficient):
    return lambda w: coefficient * tf.nn.l2_loss(w)


def _clip(bounds):
    lo, hi = bounds
    return lambda w: tf.clip_by_value(w, lo, hi)


def _adjustment(pair):
    s, b = pair
    return lambda shape: (tf.fill(shape[-1:], s), tf.fill(shape[-1:], b))


def decode_kwargs(case, placeholders):
    """Turns the JSON-encoded kwargs into real arguments (see the README)."""
    decoded = {
        key: decode_value(key, value, case, placeholders)
        for key, value in case["kwargs"].items()
    }
    api = case["api"]
    if api == "batch_normalization" and "training" not in decoded:
        decoded["training"] = True  # The recording ran in training mode.
    return decoded


def decode_value(key, value, case, placeholders):
    """One JSON-encoded argument `key: value` of `case` as a real argument.

    A flag or batch-weights placeholder is made once and kept in
    `placeholders` (under "flag" / "batch_weights").
    """
    if key == "param_initializers":
        return {k: tf.compat.v1.constant_initializer(v) for k, v in value.items()}
    if key.endswith("_initializer"):
        return tf.compat.v1.constant_initializer(value)
    if key == "param_regularizers":
        return {k: _l2(v) for k, v in value.items()}
    if key.endswith("_regularizer"):
        return _l2(value)
    if key.endswith("_constraint"):
        return _clip(value)
    if key in ("activation_fn", "activation"):
        return {"relu": tf.nn.relu}[value]
    if key == "updates_collections":
        return {"UPDATE_OPS": _GraphKeys.UPDATE_OPS, "None": None}.get(value, value)
    if key == "adjustment":
        return _adjustment(value)
    if key in ("is_training", "training") and value == "placeholder":
        return placeholders.setdefault(
            "flag", tf.compat.v1.placeholder(tf.bool, [], name="flag")
        )
    if key == "batch_weights" and value == "given":
        return placeholders.setdefault(
            "batch_weights",
            tf.compat.v1.placeholder(
                tf.float32, [case["shape"][0]], name="batch_weights"
            ),
        )
    return value


def other_collections(graph, variable):
    """The collections holding `variable`, but the global / trainable /
    model ones, sorted."""
    found = []
    for key in graph.get_all_collection_keys():
        if key in _BASE_COLLECTIONS:
            continue
        if any(item is variable for item in graph.get_collection(key)):
            found.append(key)
    return sorted(found)


def describe_variables(graph):
    """The golden `expect.variables`: every global variable, described."""
    model_vars = graph.get_collection(_GraphKeys.MODEL_VARIABLES)
    trainable = graph.get_collection(_GraphKeys.TRAINABLE_VARIABLES)
    variables = []
    for v in graph.get_collection(_GraphKeys.GLOBAL_VARIABLES):
        variables.append(
            {
                "name": v.op.name,
                "shape": v.shape.as_list(),
                "dtype": v.dtype.base_dtype.name,
                "trainable": any(t is v for t in trainable),
                "model_variable": any(m is v for m in model_vars),
                "other_collections": other_collections(graph, v),
            }
        )
    return variables


def describe_graph(graph, case):
    """What the golden `expect` records, computed from our graph."""
    updates = case["kwargs"].get("updates_collections")
    custom = (
        len(graph.get_collection(updates))
        if updates not in (None, "None", "UPDATE_OPS")
        else 0
    )
    outputs = case["kwargs"].get("outputs_collections")
    aliases = (
        [list(getattr(t, "aliases", [])) for t in graph.get_collection(outputs)]
        if outputs
        else []
    )
    return {
        "variables": describe_variables(graph),
        "update_ops": len(graph.get_collection(_GraphKeys.UPDATE_OPS)),
        "custom_update_ops": custom,
        "regularization_losses": len(
            graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)
        ),
        "outputs_collection_aliases": aliases,
    }


def run_case(case, layers=contrib_norm.layers, separate_sgd=False):
    """Builds and runs `case` with `layers`; returns (expect, arrays).

    With `separate_sgd`, the optimizer step of `sgd` cases runs in its own
    `session.run` after the forward and backward pass. TF1 reference
    variables (`disable_v2_behavior`) give no read-before-update ordering
    inside one run, unlike the resource variables the recording used.
    """
    arrays = np.load(FIXTURES / case["arrays"])
    dtype = tf.as_dtype(case.get("dtype", "float32"))
    api = case["api"]
    fn = getattr(layers, api)
    results = {}
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(0)
        placeholders = {}
        x = tf.compat.v1.placeholder(dtype, case["shape"], name="x")
        kwargs = decode_kwargs(case, placeholders)
        y = fn(x, **kwargs)
        for _ in range(case.get("calls", 1) - 1):
            fn(x, **kwargs)
        flag_name = _FLAG_NAME.get(api)
        y_infer = None
        if flag_name and "y_infer" in arrays.files and "flag" not in placeholders:
            infer_kwargs = dict(kwargs, reuse=True)
            infer_kwargs[flag_name] = False
            y_infer = fn(x, **infer_kwargs)
        expect = describe_graph(graph, case)

        dy = tf.compat.v1.placeholder(dtype, case["shape"], name="dy")
        loss = tf.reduce_sum(y * dy)
        trainables = tf.compat.v1.trainable_variables()
        grads = tf.gradients(loss, [x] + trainables)
        named_grads = {"dx": grads[0]}
        for v, g in zip(trainables, grads[1:]):
            if g is not None:
                named_grads["grad/" + v.op.name] = g
        fetches = {
            "y": y,
            "grads": named_grads,
            "reg": graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES),
            "updates": graph.get_collection(_GraphKeys.UPDATE_OPS),
        }
        updates = kwargs.get("updates_collections")
        if updates is not None and updates != _GraphKeys.UPDATE_OPS:
            fetches["custom_updates"] = graph.get_collection(updates)
        sgd_op = None
        if case.get("sgd"):
            sgd_op = tf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(loss)
            if not separate_sgd:
                fetches["sgd"] = sgd_op
        global_vars = tf.compat.v1.global_variables()
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for step in range(3):
                feed = {x: arrays[f"x_{step}"], dy: arrays["dy"]}
                if "flag" in placeholders:
                    feed[placeholders["flag"]] = True
                if "batch_weights" in placeholders:
                    feed[placeholders["batch_weights"]] = arrays[
                        f"batch_weights_{step}"
                    ]
                out = sess.run(fetches, feed)
                if separate_sgd and sgd_op is not None:
                    sess.run(sgd_op, feed)
                results[f"y_{step}"] = out["y"]
                results[f"dx_{step}"] = out["grads"]["dx"]
                for key, value in out["grads"].items():
                    if key != "dx":
                        results[f"grad_{step}/" + key[len("grad/") :]] = value
                for i, value in enumerate(out["reg"]):
                    results[f"reg_{step}_{i}"] = value
                for v, value in zip(global_vars, sess.run(global_vars)):
                    results[f"var_{step}/" + v.op.name] = value
            if "y_infer" in arrays.files:
                feed = {x: arrays["x_test"]}
                if y_infer is None:
                    feed[placeholders["flag"]] = False
                    results["y_infer"] = sess.run(y, feed)
                else:
                    results["y_infer"] = sess.run(y_infer, feed)
    return expect, results


def check_case(case, layers=contrib_norm.layers, separate_sgd=False):
    """Runs `case` and asserts agreement with the recording."""
    expect, results = run_case(case, layers, separate_sgd)
    compare_expect(case, expect)
    compare_arrays(case, results, np.load(FIXTURES / case["arrays"]))


_EXPECT_KEYS = (
    "variables",
    "update_ops",
    "custom_update_ops",
    "regularization_losses",
    "outputs_collection_aliases",
)
_INPUT_PREFIXES = ("x_", "batch_weights_")


def compare_expect(case, expect):
    """Asserts that `expect` agrees with the recorded `case["expect"]`."""
    golden = case["expect"]
    for key in _EXPECT_KEYS:
        assert expect[key] == golden[key], (
            f"{case['id']}: {key} differs\n ours:   {expect[key]}\n golden: "
            f"{golden[key]}"
        )


def compare_arrays(case, results, arrays, input_prefixes=_INPUT_PREFIXES):
    """Asserts that `results` holds every recorded array of `arrays` but the
    inputs (`dy`, `x_test`, and the keys starting with `input_prefixes`),
    each equal to it within the case's tolerance."""
    recorded = {
        k
        for k in arrays.files
        if not k.startswith(input_prefixes) and k not in ("dy", "x_test")
    }
    assert set(results) == recorded, (
        f"{case['id']}: different arrays\n only ours: "
        f"{sorted(set(results) - recorded)}\n only golden: "
        f"{sorted(recorded - set(results))}"
    )
    (rtol, atol), (grtol, gatol) = _TOLERANCE[case.get("dtype", "float32")]
    for key in sorted(recorded):
        is_grad = key.startswith(("dx_", "grad_"))
        np.testing.assert_allclose(
            np.asarray(results[key], np.float64),
            np.asarray(arrays[key], np.float64),
            rtol=grtol if is_grad else rtol,
            atol=gatol if is_grad else atol,
            err_msg=f"{case['id']}: {key}",
        )


def compare(case, expect, results, arrays):
    """Asserts that a replay's graph description `expect` and its `results`
    (arrays by name) agree with the case and its recorded `arrays` (the
    recorded initial values, `init/...`, are inputs of the replay)."""
    compare_expect(case, expect)
    compare_arrays(case, results, arrays,
                   input_prefixes=_INPUT_PREFIXES + ("init/",))
