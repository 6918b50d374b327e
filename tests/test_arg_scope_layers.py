"""contrib_norm's real layers under arg_scope and as a ``normalizer_fn``.

Every public function of ``contrib_norm.layers`` and ``contrib_norm.nn`` is
decorated with ``add_arg_scope``; and, as in TF1 model code, the
normalization layers work as the ``normalizer_fn`` of a user-written conv
helper: called with the conv output and ``normalizer_params``, inside the
helper's variable scope, they create ``<scope>/BatchNorm/...`` and so on.
"""

import inspect

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm
from contrib_norm.framework import add_arg_scope
from contrib_norm.framework import arg_scope
from contrib_norm.framework import has_arg_scope

v1 = tf.compat.v1


def _public_functions(module):
    return [(module.__name__ + "." + name, getattr(module, name))
            for name in module.__all__
            if inspect.isfunction(getattr(module, name))]


PUBLIC_FUNCTIONS = (_public_functions(contrib_norm.layers)
                    + _public_functions(contrib_norm.nn))


def test_public_functions_found():
    names = {name for name, _ in PUBLIC_FUNCTIONS}
    assert {"contrib_norm.layers.batch_norm",
            "contrib_norm.layers.batch_normalization",
            "contrib_norm.nn.alpha_dropout"} <= names


@pytest.mark.parametrize(
    "fn", [fn for _, fn in PUBLIC_FUNCTIONS],
    ids=[name for name, _ in PUBLIC_FUNCTIONS])
def test_public_function_has_arg_scope(fn):
    assert has_arg_scope(fn)


@add_arg_scope
def conv(inputs, num_outputs, normalizer_fn=None, normalizer_params=None,
         scope=None):
    """A user-written TF1 conv helper with the contrib normalizer hooks."""
    with v1.variable_scope(scope, default_name="Conv"):
        kernel = v1.get_variable(
            "weights", [3, 3, int(inputs.shape[-1]), num_outputs])
        outputs = tf.nn.conv2d(inputs, kernel, strides=1, padding="SAME")
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        return outputs


# (layer, normalizer_params, variables created under conv<i>/, update ops
# per call). The names are TF1's.
NORMALIZERS = [
    ("batch_norm", {"is_training": True},
     ["BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance"],
     2),
    ("batch_norm", {"is_training": False, "scale": True},
     ["BatchNorm/beta", "BatchNorm/gamma", "BatchNorm/moving_mean",
      "BatchNorm/moving_variance"], 0),
    ("batch_normalization", {"training": True},
     ["batch_normalization/beta", "batch_normalization/gamma",
      "batch_normalization/moving_mean",
      "batch_normalization/moving_variance"], 2),
    ("group_norm", {"groups": 4},
     ["GroupNorm/beta", "GroupNorm/gamma"], 0),
    ("instance_norm", {}, ["InstanceNorm/beta", "InstanceNorm/gamma"], 0),
    ("layer_norm", {}, ["LayerNorm/beta", "LayerNorm/gamma"], 0),
    ("switchable_norm", {"is_training": True},
     ["SwitchableNorm/beta", "SwitchableNorm/gamma",
      "SwitchableNorm/mean_weight", "SwitchableNorm/var_weight",
      "SwitchableNorm/moving_mean", "SwitchableNorm/moving_variance"], 2),
]


def _layer(name):
    fn = getattr(contrib_norm.layers, name, None)
    if fn is None:
        pytest.skip("contrib_norm.layers.%s is not implemented yet" % name)
    return fn


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(outputs, feed):
    with v1.Session(graph=outputs.graph) as sess:
        sess.run(v1.global_variables_initializer())
        return sess.run(outputs, feed)


@pytest.mark.parametrize(
    "name, params, suffixes, updates", NORMALIZERS,
    ids=["%s-%s" % (n[0], "-".join("%s=%s" % kv for kv in n[1].items()))
         for n in NORMALIZERS])
def test_normalizer_fn_pattern(graph, name, params, suffixes, updates):
    normalizer = _layer(name)
    images = v1.placeholder(tf.float32, [None, 6, 6, 3])
    with arg_scope([conv], normalizer_fn=normalizer,
                   normalizer_params=params):
        net = conv(images, 8, scope="conv1")
        net = conv(net, 8, scope="conv2")
    net = conv(net, 8, scope="conv3")  # Outside the scope: not normalized.

    names = sorted(v.op.name for v in v1.global_variables())
    expected = sorted(["conv%d/weights" % i for i in (1, 2, 3)]
                      + ["conv%d/%s" % (i, s) for i in (1, 2) for s in suffixes])
    assert names == expected
    assert len(v1.get_collection(v1.GraphKeys.UPDATE_OPS)) == 2 * updates

    rng = np.random.RandomState(0)
    out = _run(net, {images: rng.normal(size=(2, 6, 6, 3)).astype(np.float32)})
    assert out.shape == (2, 6, 6, 8) and np.all(np.isfinite(out))


def test_normalizer_configured_by_its_own_arg_scope(graph):
    # TF1 model code: one scope picks the normalizer, another configures it.
    images = v1.placeholder(tf.float32, [None, 6, 6, 3])
    batch_norm = contrib_norm.layers.batch_norm
    with arg_scope([conv], normalizer_fn=batch_norm,
                   normalizer_params={"scale": True}):
        with arg_scope([batch_norm], is_training=False, center=False):
            conv(images, 4, scope="conv1")
        conv(images, 4, scope="conv2")
    names = {v.op.name for v in v1.global_variables()}
    assert "conv1/BatchNorm/gamma" in names
    assert "conv1/BatchNorm/beta" not in names  # center=False from the scope
    assert "conv2/BatchNorm/beta" in names  # the scope has ended
    # is_training=False from the scope: only conv2's batch norm has updates.
    assert [op.name.split("/")[0]
            for op in v1.get_collection(v1.GraphKeys.UPDATE_OPS)] == [
                "conv2", "conv2"]


def test_alpha_dropout_under_arg_scope(graph):
    x = tf.ones([1000])
    with arg_scope([contrib_norm.nn.alpha_dropout], keep_prob=1.0):
        kept = contrib_norm.nn.alpha_dropout(x)
    with arg_scope([contrib_norm.nn.alpha_dropout], keep_prob=1.0):
        # An explicit argument wins over the scoped one.
        dropped = contrib_norm.nn.alpha_dropout(x, keep_prob=0.5, seed=1)
    with v1.Session(graph=graph) as sess:
        kept, dropped = sess.run([kept, dropped])
    np.testing.assert_array_equal(kept, np.ones(1000, np.float32))
    assert np.sum(dropped != 1.0) > 100
