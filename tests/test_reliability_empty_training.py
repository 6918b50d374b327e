"""Reliability: one training step of the batch-norm family on an empty batch.

Every variant with moving statistics (`test_reliability_updates.VARIANTS`:
batch_norm's fused, tf.layers, unfused and moments paths, batch_normalization
fused, unfused, with renorm, virtual batches and an adjustment,
switchable_norm, sync_batch_norm; updates collected or in place; and
batch_norm with renorm and scale) takes one `GradientDescentOptimizer` step
of `reduce_sum(output)` on a zero-size batch, with a static empty shape
(`tf.zeros([0, ...])`) or a placeholder fed an empty array. Every variable, trainable or not, is exactly unchanged, and the
gradients of the input and of every trainable variable are zeros (finite),
as a sum over no elements is; the output has the name it has for a
non-empty batch.

Legacy failures (contrib_norm before): gamma (and beta) became NaN after the
step for batch_normalization's unfused, renorm and adjustment paths, and
batch_norm's (renorm, scale) gamma gradient was NaN: the moments of an empty
batch are 0 / 0, and the parameters' gradients, sums over no elements, were
multiplied by them (0 * NaN); batch_normalization with
`virtual_batch_size` on a constant empty input killed the process with
SIGFPE inside Grappler once gradients were built. Hence each variant runs in
a child process (this file run as a script); a crash shows as a child that
reported nothing.
"""

import sys
import traceback

import pytest

import empty_batch_checks
import fresh_interpreter

SETUPS = ("static_shape", "placeholder")
CHECKS = ("training", "gradients", "output_name")


def _all_variants():
    """test_reliability_updates' VARIANTS, and batch_norm with renorm."""
    import dataclasses

    from test_reliability_updates import VARIANTS

    layer = next(v for v in VARIANTS if v.id == "batch_norm[layer]")
    renorm = dataclasses.replace(
        layer, label="renorm", kwargs={"renorm": True, "scale": True}
    )
    return tuple(VARIANTS) + (renorm,)


def _variant_ids():
    return [v.id for v in _all_variants()]


# --------------------------------------------------------------------------
# The parent: the pytest process.

@pytest.fixture(scope="module")
def variant_runs(tmp_path_factory):
    keys = [(index, setup) for index in range(len(_variant_ids())) for setup in SETUPS]
    runs = empty_batch_checks.child_runs(__file__, keys, tmp_path_factory)
    yield runs
    runs.close()


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize(
    "index", range(len(_variant_ids())), ids=_variant_ids()
)
def test_empty_batch_training_step(variant_runs, index, setup, check):
    outcomes = fresh_interpreter.result_of(variant_runs.get((index, setup)))
    status, detail = outcomes.get(check, ("fail", "the child did not run it"))
    assert status == "ok", detail


# --------------------------------------------------------------------------
# The child: this file run as a script, in a fresh interpreter.

def _build(tf, variant, static_shape):
    """The variant on an empty input: (x, y, feed)."""
    import numpy as np

    import reliability_cases as cases

    shape = cases.shape_for(variant)
    if static_shape:
        x = tf.zeros([0] + shape[1:])
        feed = {}
    else:
        x = tf.compat.v1.placeholder(tf.float32, [None] + shape[1:])
        feed = {x: np.zeros([0] + shape[1:], np.float32)}
    kwargs = {}
    if "batch_weights" in variant.kwargs:  # for any batch size
        kwargs["batch_weights"] = tf.ones(tf.shape(x)[:1])
    y = variant.call(x, cases.NHWC, True, **kwargs)
    return x, y, feed


def _check_training(tf, np, variant, static_shape):
    value = empty_batch_checks.check_training_step(
        tf, np, lambda: _build(tf, variant, static_shape))
    assert value.shape[0] == 0, value.shape


def _check_gradients(tf, np, variant, static_shape):
    value = empty_batch_checks.check_gradients(
        tf, np, lambda: _build(tf, variant, static_shape))
    assert value.shape[0] == 0, value.shape


def _check_output_name(tf, np, variant, static_shape):
    import reliability_cases as cases

    with tf.Graph().as_default():
        _, y, _ = _build(tf, variant, static_shape)
    with tf.Graph().as_default():
        y_ref = variant.call(tf.zeros(cases.shape_for(variant)), cases.NHWC, True)
    assert y.name == y_ref.name, (y.name, y_ref.name)


def main(index, setup):
    import numpy as np
    import tensorflow as tf

    variant = _all_variants()[index]
    outcomes = {}
    for check, fn in (("training", _check_training),
                      ("gradients", _check_gradients),
                      ("output_name", _check_output_name)):
        try:
            fn(tf, np, variant, setup == "static_shape")
            outcomes[check] = ("ok", "")
        except Exception:  # pylint: disable=broad-except
            outcomes[check] = ("fail", traceback.format_exc())
    fresh_interpreter.report(outcomes)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
