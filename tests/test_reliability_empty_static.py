"""Reliability: a statically empty input, in a tf.compat.v1 graph and Session.

group_norm, instance_norm, layer_norm and switchable_norm on an input whose
empty shape is known while the graph is built (`tf.zeros([0, 3, 5, 4])`)
return an empty output of the input's shape and dtype, under the same
output name as for a non-empty input; training (switchable_norm with
is_training True and False, the others as they are) takes one optimizer step
that changes no variable, and the gradients of the input and of every
trainable variable are zeros, not None (nor NaN).

Legacy failure (contrib_norm before): Grappler's arithmetic optimizer took
the empty per-sample scale for a constant of ones and rewrote `x * scale` as
a Tile, dividing by the zero batch size: the process died of SIGFPE on the
first `Session.run`, forward only, for all four layers. Hence each layer
runs in a child process (this file run as a script, see test_install.py);
a crash shows as a child that reported nothing.
"""

import sys
import traceback

import pytest

import empty_batch_checks
import fresh_interpreter

LAYERS = ("group_norm", "instance_norm", "layer_norm", "switchable_norm")
CHECKS = ("inference", "inference_float16", "training", "gradients")
SHAPE = [3, 5, 4]  # without the batch dimension


# --------------------------------------------------------------------------
# The parent: the pytest process.

@pytest.fixture(scope="module")
def layer_runs(tmp_path_factory):
    runs = empty_batch_checks.child_runs(
        __file__, [(layer,) for layer in LAYERS], tmp_path_factory
    )
    yield runs
    runs.close()


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("layer", LAYERS)
def test_statically_empty_input(layer_runs, layer, check):
    outcomes = fresh_interpreter.result_of(layer_runs.get((layer,)))
    status, detail = outcomes.get(check, ("fail", "the child did not run it"))
    assert status == "ok", detail


# --------------------------------------------------------------------------
# The child: this file run as a script, in a fresh interpreter.

def _call(tf, layer, x, is_training):
    import contrib_norm.layers

    fn = getattr(contrib_norm.layers, layer)
    if layer == "group_norm":
        return fn(x, groups=2)
    if layer == "switchable_norm":
        return fn(x, is_training=is_training)
    return fn(x)


def _build(tf, layer, batch, dtype="float32", is_training=True):
    """The layer on a constant [batch, 3, 5, 4] input: (x, y)."""
    x = tf.zeros([batch] + SHAPE, dtype)
    return x, _call(tf, layer, x, is_training)


def _check_inference(tf, np, layer, dtype="float32"):
    with tf.Graph().as_default():
        _, reference = _build(tf, layer, 2, dtype, is_training=False)
    with tf.Graph().as_default():
        x, y = _build(tf, layer, 0, dtype, is_training=False)
        assert y.name == reference.name, (y.name, reference.name)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            value = sess.run(y)
    assert value.shape == (0, *SHAPE), value.shape
    assert value.dtype == np.dtype(dtype), value.dtype


def _check_training(tf, np, layer):
    for is_training in (True, False) if layer == "switchable_norm" else (True,):
        value = empty_batch_checks.check_training_step(
            tf, np, lambda: _build(tf, layer, 0, is_training=is_training) + ({},),
            label=f" (is_training={is_training})")
        assert value.shape == (0, *SHAPE), value.shape


def _check_gradients(tf, np, layer):
    value = empty_batch_checks.check_gradients(
        tf, np, lambda: _build(tf, layer, 0) + ({},))
    assert value.shape == (0, *SHAPE), value.shape


def main(layer):
    import numpy as np
    import tensorflow as tf

    outcomes = {}
    for check, fn in (
        ("inference", _check_inference),
        ("inference_float16", lambda *a: _check_inference(*a, "float16")),
        ("training", _check_training),
        ("gradients", _check_gradients),
    ):
        try:
            fn(tf, np, layer)
            outcomes[check] = ("ok", "")
        except Exception:  # pylint: disable=broad-except
            outcomes[check] = ("fail", traceback.format_exc())
    fresh_interpreter.report(outcomes)


if __name__ == "__main__":
    main(sys.argv[1])
