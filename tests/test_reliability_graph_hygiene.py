"""Reliability, graph hygiene: reuse creates nothing, building many layers is linear.

For every public function of `reliability_cases.APIS`, with the options that
touch the most collections (`Api.hygiene_kwargs`: extra variables and output
collections, regularizers, zero-debias, renorm, ...):

* building it a second time with `reuse=True` creates no variable and adds
  nothing to the variable and regularization-loss collections (only the
  output and update-op collections get the second call's tensors), and no
  collection holds an item twice;
* building N and then 2N layers scans the graph collections about twice as
  much, not four times: there is no per-layer scan of a collection whose size
  grows with the number of layers, with a static training flag or a
  placeholder (whose `tf.cond` branch graphs share the outer collections).
  The work is counted, not timed: the watched collections are replaced by
  lists that count the items any reader (contrib_norm or TensorFlow)
  iterates over or slices.

The elementwise ops of `contrib_norm.nn` have no variables (the reuse check
does not apply to them); they take the linear-build check.

The TF1-era code scanned collections per variable and per update op
(`tf.layers`' `add_weight` and `__call__`, tf.contrib.layers'
`_add_variable_to_collections`), which is quadratic, and so does
`tf.custom_gradient` in graph mode (it lists the scope's variables twice per
call); contrib_norm keeps incremental indexes of the collections
(`_core.variables.in_collection`) and attaches its closed-form gradients
without that scan (`_core.gradients`). This is not one of the legacy
failures listed in `reliability_cases`, which are about results.
"""

import numpy as np
import pytest
import tensorflow as tf

import reliability_cases as cases

_GraphKeys = tf.compat.v1.GraphKeys
SHAPE = (2, 3, 3, 4)
EXTRA = ("extra", "outputs")
WATCHED = (
    _GraphKeys.GLOBAL_VARIABLES,
    _GraphKeys.TRAINABLE_VARIABLES,
    _GraphKeys.MODEL_VARIABLES,
    _GraphKeys.UPDATE_OPS,
    _GraphKeys.REGULARIZATION_LOSSES,
) + EXTRA
# Collections a second call with reuse=True adds its new tensors to.
GROWING = (_GraphKeys.UPDATE_OPS, "outputs")
LAYERS = 4
# Linear work doubles with twice the layers; a per-layer scan quadruples.
MAX_RATIO = 2.6
SLACK = 16  # visits that do not grow with the layers (e.g. one first scan)


class _Visits(object):
    count = 0


class _CountingList(list):
    """A collection that counts the items read by iterating or slicing it."""

    def _visit(self, items):
        _Visits.count += items

    def __iter__(self):
        self._visit(len(self))
        return super().__iter__()

    def __reversed__(self):
        self._visit(len(self))
        return super().__reversed__()

    def __contains__(self, item):
        self._visit(len(self))
        return super().__contains__(item)

    def __getitem__(self, index):
        result = super().__getitem__(index)
        if isinstance(index, slice):
            self._visit(len(result))
        return result

    def index(self, *args):
        self._visit(len(self))
        return super().index(*args)

    def count(self, item):
        self._visit(len(self))
        return super().count(item)

    def remove(self, item):
        self._visit(len(self))
        return super().remove(item)

    def copy(self):
        self._visit(len(self))
        return super().copy()


def _watch_collections(graph):
    """Replaces the watched collections of `graph` (still empty) by counting lists.

    tf.Graph keeps its collections in the private `_collections` dict; there
    is no public way to give it a list of our own.
    """
    lists = {}
    for key in WATCHED:
        assert not graph.get_collection(key)
        lists[key] = _CountingList()
        graph._collections[key] = lists[key]  # pylint: disable=protected-access
    return lists


def _visits_building(api, layers, flag):
    """Items of the watched collections read while building `layers` layers."""
    with tf.Graph().as_default() as graph:
        lists = _watch_collections(graph)
        inputs = tf.compat.v1.placeholder(tf.float32, SHAPE)
        if flag == "placeholder":
            flag = tf.compat.v1.placeholder(tf.bool, [])
        _Visits.count = 0
        for _ in range(layers):
            api.call(inputs, cases.NHWC, flag, **api.hygiene_kwargs)
        visits = _Visits.count
        for key, items in lists.items():
            assert graph.get_collection_ref(key) is items, f"{key} was replaced"
    return visits


@pytest.mark.parametrize(
    "api, flag",
    [pytest.param(api, True, id=f"{api}-static") for api in cases.APIS]
    + [
        pytest.param(api, "placeholder", id=f"{api}-placeholder")
        for api in cases.APIS
        if api.training_arg is not None
    ],
)
def test_building_many_layers_is_linear(api, flag):
    few = _visits_building(api, LAYERS, flag)
    many = _visits_building(api, 2 * LAYERS, flag)
    assert many <= MAX_RATIO * few + SLACK, (few, many)


def _snapshot(graph):
    return {key: list(graph.get_collection(key)) for key in WATCHED}


def _reuse_kwargs(api):
    return {api.scope_arg: "layer", "reuse": True}


@pytest.mark.parametrize(
    "api", [api for api in cases.APIS if api.scope_arg is not None], ids=str
)
@pytest.mark.parametrize(
    "same_inputs", [True, False], ids=["same_inputs", "new_inputs"]
)
def test_reuse_creates_no_variables(api, same_inputs):
    with tf.Graph().as_default() as graph:
        first_inputs = tf.compat.v1.placeholder(tf.float32, SHAPE)
        scope = {api.scope_arg: "layer"}
        api.call(first_inputs, cases.NHWC, True, **scope, **api.hygiene_kwargs)
        before = _snapshot(graph)
        assert before[_GraphKeys.GLOBAL_VARIABLES]
        inputs = first_inputs
        if not same_inputs:
            inputs = tf.compat.v1.placeholder(tf.float32, SHAPE)
        api.call(inputs, cases.NHWC, True, **_reuse_kwargs(api), **api.hygiene_kwargs)
        after = _snapshot(graph)
    for key in WATCHED:
        items = after[key]
        assert len({id(item) for item in items}) == len(items), f"duplicates in {key}"
        if key in GROWING:
            assert items[: len(before[key])] == before[key], key
        else:
            assert [id(i) for i in items] == [id(i) for i in before[key]], key


def test_counting_lists_see_scans():
    """The counter sees TensorFlow's own collection reads (a sanity check)."""
    with tf.Graph().as_default() as graph:
        _watch_collections(graph)
        for index in range(3):
            tf.compat.v1.get_variable(f"v{index}", [1])
        _Visits.count = 0
        tf.compat.v1.global_variables()
        tf.compat.v1.trainable_variables()
        assert _Visits.count == 6
        assert np.isfinite(_Visits.count)


# Options that give each path its own variables: the fused and tf.layers
# paths, the moments path (renorm / weights), zero-debias, virtual batches.
_PARTITIONED_OPTIONS = {
    "batch_norm": ({}, {"fused": False}, {"renorm": True},
                   {"zero_debias_moving_mean": True}, {"updates_collections": None}),
    "batch_normalization": ({}, {"fused": False}, {"renorm": True},
                            {"virtual_batch_size": 1}),
    "sync_batch_norm": ({}, {"fused": False}),
}
_UNPARTITIONED = ("moving_", "renorm_", "biased", "local_step")


@pytest.mark.parametrize(
    "api, options",
    [
        pytest.param(api, options, id=f"{api}-{sorted(options)}")
        for api in cases.APIS
        if api.slice_axes is not None  # the normalizations (they have variables)
        for options in _PARTITIONED_OPTIONS.get(api.name, ({},))
    ],
)
def test_partitioned_variable_scope(api, options):
    """Under `variable_scope(partitioner=...)`, as TF1: the parameters are
    partitioned, the moving statistics (and zero-debias variables) are not,
    and a training step with the updates runs."""
    with tf.Graph().as_default():
        x = tf.constant(np.random.RandomState(0).randn(*SHAPE), tf.float32)
        partitioner = tf.compat.v1.fixed_size_partitioner(2)
        with tf.compat.v1.variable_scope("model", partitioner=partitioner):
            y = api.call(x, cases.NHWC, True, **options)
        names = [v.name for v in tf.compat.v1.global_variables()]
        parts = [n for n in names if "/part_" in n]
        assert parts, names
        assert not [p for p in parts if any(u in p for u in _UNPARTITIONED)]
        updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(updates):
            step = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(
                tf.reduce_sum(tf.square(y))
            )
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            sess.run(step)
            assert np.isfinite(sess.run(y)).all()
