"""Reliability, moving statistics: a False training flag never updates them.

Every variant with moving statistics (`reliability_cases.VARIANTS`), their
updates in UPDATE_OPS or in place, is built with a bool placeholder as its
training flag: without a strategy, under `tf.distribute.OneDeviceStrategy`
and under a one-device `MirroredStrategy` (in-process; the two-replica runs
are in test_distribute_mirrored.py). Running the outputs and every update op
with the flag fed False leaves every non-trainable variable (moving
statistics, batch counts, zero-debias and renorm accumulators) unchanged;
fed True, each of them moves.

Under a strategy with a run-time flag, the updates cannot sit in a `tf.cond`
(a `merge_call` is not allowed there), so each assignment is gated by the
flag instead; switchable_norm's cumulative average (`using_moving_average=
False`) used to assign without the gate and updated its statistics even when
the flag was False.

No legacy failure here: TF1 had no tf.distribute support for these layers.
"""

import dataclasses
import inspect

import numpy as np
import pytest
import tensorflow as tf

import norm_reference
import reliability_cases as cases

_GraphKeys = tf.compat.v1.GraphKeys


def _variants():
    """The moving-statistics variants, and in place where they collect.

    (switchable_norm without its batch-norm branch has no moving statistics.)
    """
    moving = [
        v
        for v in cases.VARIANTS
        if v.api.moving_statistics and v.kwargs.get("using_bn", True)
    ]
    in_place = [
        dataclasses.replace(
            v,
            label=v.label + "_in_place",
            kwargs=dict(v.kwargs, updates_collections=None),
        )
        for v in moving
        if "updates_collections" in inspect.signature(v.api.function).parameters
        and "updates_collections" not in v.kwargs
    ]
    return moving + in_place


VARIANTS = _variants()
STRATEGIES = {
    "no_strategy": lambda: None,
    "one_device": lambda: tf.distribute.OneDeviceStrategy("/cpu:0"),
    "mirrored": lambda: tf.distribute.MirroredStrategy(["/cpu:0"]),
}


def _build(variants, flag):
    """Builds every variant on its own input; returns the outputs."""
    outputs = {}
    for variant in variants:
        shape = cases.shape_for(variant)
        x = norm_reference.random_inputs(shape, offset=2.0, scale=3.0)
        x = tf.constant(x, tf.float32)
        scope = {variant.api.scope_arg: _scope(variant)}
        outputs[variant.id] = variant.call(x, cases.NHWC, flag, **scope)
    return outputs


@pytest.fixture(scope="module", params=sorted(STRATEGIES))
def steps(request):
    """Per variant: its non-trainable variables before, after False, after True."""
    with tf.Graph().as_default() as graph:
        strategy = STRATEGIES[request.param]()
        flag = tf.compat.v1.placeholder(tf.bool, [])
        if strategy is None:
            outputs = _build(VARIANTS, flag)
        else:
            with strategy.scope():
                outputs = strategy.run(lambda: _build(VARIANTS, flag))
            outputs = {
                key: strategy.experimental_local_results(value)
                for key, value in outputs.items()
            }
        updates = graph.get_collection(_GraphKeys.UPDATE_OPS)
        trainable = {id(v) for v in tf.compat.v1.trainable_variables()}
        statistics = {}
        for variable in tf.compat.v1.global_variables():
            if id(variable) in trainable:
                continue
            parts = [variable]
            if strategy is not None:
                parts = strategy.experimental_local_results(variable)
            # (The `op` of a sync-on-read variable is a read, named Identity.)
            statistics[variable.name.split(":")[0]] = list(parts)
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            values = [sess.run(statistics)]
            for fed in (False, True):
                sess.run([outputs, updates], {flag: fed})
                values.append(sess.run(statistics))
    return values


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_false_flag_never_updates(steps, variant):
    initial, after_false, after_true = steps
    names = [n for n in initial if n.startswith(_scope(variant) + "/")]
    assert names, f"no moving statistics found for {variant.id}"
    for name in names:
        for before, after in zip(initial[name], after_false[name]):
            np.testing.assert_array_equal(after, before, err_msg=f"{name} moved")
        moved = any(
            not np.array_equal(before, after)
            for before, after in zip(after_false[name], after_true[name])
        )
        assert moved, f"{name} did not move in training"


def _scope(variant):
    """The variable scope the variant's layer is built in."""
    return f"layer{VARIANTS.index(variant)}"
