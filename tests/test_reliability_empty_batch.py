"""Reliability, moving statistics: an empty batch leaves them unchanged.

Every variant with moving statistics (`test_reliability_updates.VARIANTS`:
batch_norm's fused, tf.layers, unfused and moments paths, rank 2 included,
batch_normalization with renorm and virtual batches, switchable_norm's two
averages, sync_batch_norm; updates collected or in place) is trained one step
on a zero-size batch ([0, ...], as detection models produce), with a static
empty shape or a placeholder fed an empty array, and a static or a tensor
training flag. The output is empty and every non-trainable variable (moving
statistics, batch counts, zero-debias and renorm accumulators) is exactly
unchanged; then clean steps still train them (finite and moving). Under a
one-device `MirroredStrategy` sync_batch_norm takes its replica-context path
(global moments), where an empty batch on every replica updates nothing.

A training step of switchable_norm on an empty batch changes none of its
variables, the importance weights included (their gradient was NaN).

switchable_norm on a *static* empty shape ([0, 3, 5, 4] known while the
graph is built) killed the process with SIGFPE inside Grappler before the
layers short-cut statically empty inputs; it is built here like the others,
and test_reliability_empty_static.py checks the four per-sample layers in
child processes.

Legacy failure (tf-slim 1.1.0 / tf-keras, and contrib_norm before): one
empty step left moving_mean and moving_variance at NaN for good, on every
path.
"""

import functools

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm.layers
import norm_reference
import reliability_cases as cases
from test_reliability_updates import VARIANTS

_GraphKeys = tf.compat.v1.GraphKeys
_SETUPS = {
    # (static empty shape, tensor flag, strategy)
    "static_shape-static_flag": (True, False, None),
    "static_shape-tensor_flag": (True, True, None),
    "placeholder-static_flag": (False, False, None),
    "placeholder-tensor_flag": (False, True, None),
    "mirrored-placeholder-tensor_flag": (
        False,
        True,
        lambda: tf.distribute.MirroredStrategy(["/cpu:0"]),
    ),
}




def _scope(variant):
    return f"layer{VARIANTS.index(variant)}"


@functools.lru_cache(maxsize=None)
def _steps(setup):
    """Per setup: outputs of the empty step, statistics before / after it,
    and after two clean steps (None for a static empty shape)."""
    static_shape, tensor_flag, make_strategy = _SETUPS[setup]
    strategy = make_strategy() if make_strategy else None
    with tf.Graph().as_default() as graph:
        flag = tf.compat.v1.placeholder(tf.bool, []) if tensor_flag else True
        inputs, clean = {}, {}

        def build():
            outputs = {}
            for variant in VARIANTS:
                shape = cases.shape_for(variant)
                if static_shape:
                    x = tf.zeros([0] + shape[1:])
                else:
                    x = tf.compat.v1.placeholder(tf.float32, [None] + shape[1:])
                    inputs[variant.id] = x
                    clean[variant.id] = norm_reference.random_inputs(
                        shape, offset=2.0, scale=3.0
                    )
                kwargs = {variant.api.scope_arg: _scope(variant)}
                if "batch_weights" in variant.kwargs:  # for any batch size
                    kwargs["batch_weights"] = tf.ones(tf.shape(x)[:1])
                outputs[variant.id] = variant.call(x, cases.NHWC, flag, **kwargs)
            return outputs

        if strategy is None:
            outputs = build()
        else:
            with strategy.scope():
                outputs = strategy.run(build)
            outputs = {
                k: strategy.experimental_local_results(v)[0] for k, v in outputs.items()
            }
        updates = graph.get_collection(_GraphKeys.UPDATE_OPS)
        trainable = {id(v) for v in tf.compat.v1.trainable_variables()}
        statistics = {
            v.name.split(":")[0]: (
                list(strategy.experimental_local_results(v)) if strategy else [v]
            )
            for v in tf.compat.v1.global_variables()
            if id(v) not in trainable
        }
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            before = sess.run(statistics)
            feed = {flag: True} if tensor_flag else {}
            empty_feed = dict(feed)
            for variant in VARIANTS:
                if not static_shape:
                    shape = cases.shape_for(variant)
                    empty_feed[inputs[variant.id]] = np.zeros([0] + shape[1:])
            empty_outputs, _ = sess.run([outputs, updates], empty_feed)
            after_empty = sess.run(statistics)
            after_clean = None
            if not static_shape:
                clean_feed = dict(feed)
                clean_feed.update((inputs[k], v) for k, v in clean.items())
                for _ in range(2):
                    sess.run([outputs, updates], clean_feed)
                after_clean = sess.run(statistics)
    return empty_outputs, before, after_empty, after_clean


@pytest.mark.parametrize(
    "setup, variant",
    [
        pytest.param(setup, variant, id=f"{setup}-{variant.id}")
        for setup in sorted(_SETUPS)
        for variant in VARIANTS
    ],
)
def test_empty_batch_leaves_statistics_unchanged(setup, variant):
    empty_outputs, before, after_empty, after_clean = _steps(setup)
    output = np.asarray(empty_outputs[variant.id])
    assert output.shape == tuple([0] + cases.shape_for(variant)[1:])
    names = [n for n in before if n.startswith(_scope(variant) + "/")]
    assert names, f"no moving statistics found for {variant.id}"
    for name in names:
        for initial, after in zip(before[name], after_empty[name]):
            np.testing.assert_array_equal(after, initial, err_msg=f"{name} moved")
        if after_clean is None:
            continue
        for initial, trained in zip(before[name], after_clean[name]):
            assert np.all(np.isfinite(trained)), f"{name} is not finite"
            assert not np.array_equal(trained, initial), f"{name} did not train"


@pytest.mark.parametrize("tensor_flag", [False, True], ids=["static_flag", "tensor_flag"])
def test_switchable_norm_empty_training_step_changes_no_variable(tensor_flag):
    """One SGD step on an empty batch (fed through a placeholder) leaves every
    variable of switchable_norm unchanged, the importance weights included,
    and a clean step after it trains them (finite).

    Failure before: the batch-norm branch's statistics of an empty batch are
    NaN, and their product with a zero gradient made mean_weight and
    var_weight NaN for good.
    """
    with tf.Graph().as_default() as graph:
        flag = tf.compat.v1.placeholder(tf.bool, []) if tensor_flag else True
        x = tf.compat.v1.placeholder(tf.float32, [None, 3, 5, 4])
        y = contrib_norm.layers.switchable_norm(x, is_training=flag)
        weights = np.random.RandomState(3).randn(1, 3, 5, 4).astype(np.float32)
        loss = tf.reduce_sum(y * weights)
        train = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        updates = graph.get_collection(_GraphKeys.UPDATE_OPS)
        variables = tf.compat.v1.global_variables()
        feed = {flag: True} if tensor_flag else {}
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            before = sess.run(variables)
            sess.run([train, updates], {x: np.zeros([0, 3, 5, 4]), **feed})
            after_empty = sess.run(variables)
            clean = norm_reference.random_inputs([2, 3, 5, 4], offset=2.0, scale=3.0)
            sess.run([train, updates], {x: clean, **feed})
            after_clean = sess.run(variables)
    for variable, old, new, trained in zip(variables, before, after_empty, after_clean):
        np.testing.assert_array_equal(new, old, err_msg=f"{variable.op.name} changed")
        assert np.all(np.isfinite(trained)), f"{variable.op.name} is not finite"
