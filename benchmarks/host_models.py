"""The models of `benchmarks.host_layers`, written once for both sides.

Each model takes an `api`: a namespace of the TF1 host layers, either
contrib_norm's (`ours()`) or the legacy code (`legacy()`: tf-slim 1.1.0,
which is tf.contrib.layers' code, and TF1's `tf.compat.v1.layers` from
tf-keras). The same function then builds the same graph with either, so
that a difference in time is the layers' own.

`legacy()` must run in a process started with TF_USE_LEGACY_KERAS=1, so
that `tf.compat.v1.layers` is tf-keras' legacy code; it is never imported
by contrib_norm's side.
"""

import importlib
import sys
import types

import tensorflow as tf

from benchmarks import step as step_lib

v1 = tf.compat.v1

_NAMES = (
    "arg_scope", "batch_norm", "conv2d", "dense", "flatten",
    "fully_connected", "l2_regularizer", "max_pool2d",
    "variance_scaling_initializer",
)


def ours():
    """contrib_norm's host layers, `tf_layers.dense` and `arg_scope`."""
    import contrib_norm.initializers  # pylint: disable=g-import-not-at-top
    import contrib_norm.layers as layers  # pylint: disable=g-import-not-at-top
    from contrib_norm import tf_layers  # pylint: disable=g-import-not-at-top
    from contrib_norm.framework import arg_scope  # pylint: disable=g-import-not-at-top

    api = {name: getattr(layers, name, None) for name in _NAMES}
    api.update(
        arg_scope=arg_scope,
        dense=tf_layers.dense,
        variance_scaling_initializer=(
            contrib_norm.initializers.variance_scaling_initializer),
    )
    return types.SimpleNamespace(**api)


def alias_legacy_tf_layers():
    """Lets tf-slim's batch_norm find tf-keras' legacy layers.

    tf-slim reaches them through `tensorflow.python.layers.normalization`,
    which lazily imports `tf_keras.legacy_tf_layers`; tf-keras 2.16+ ships
    that package as `tf_keras.src.legacy_tf_layers` only. The modules are
    registered under the old name (the same code, nothing else changes).
    """
    for name in ("", ".base", ".convolutional", ".core", ".normalization",
                 ".pooling"):
        sys.modules.setdefault(
            "tf_keras.legacy_tf_layers" + name,
            importlib.import_module("tf_keras.src.legacy_tf_layers" + name),
        )


def legacy():
    """tf-slim 1.1.0's layers and `tf.compat.v1.layers.dense` (tf-keras)."""
    alias_legacy_tf_layers()
    import tf_slim  # pylint: disable=g-import-not-at-top

    api = {name: getattr(tf_slim, name) for name in _NAMES if name != "dense"}
    api["dense"] = v1.layers.dense
    return types.SimpleNamespace(**api)


def conv_model(api, x, layers=3, filters=32):
    """`layers` conv2d + batch_norm (training), flatten, fully_connected(10)."""
    h = x
    for i in range(layers):
        h = api.conv2d(
            h, filters, [3, 3],
            normalizer_fn=api.batch_norm,
            normalizer_params={"is_training": True},
            scope="conv%d" % i,
        )
    return api.fully_connected(
        api.flatten(h), 10, activation_fn=None, scope="logits")


def dense_model(api, x, layers=3, units=1024):
    """`layers` dense layers of `units`, relu (tf.layers.dense)."""
    h = x
    for i in range(layers):
        h = api.dense(h, units, activation=tf.nn.relu, name="dense%d" % i)
    return h


def _conv2d_same(api, x, depth, kernel, stride, scope):
    """slim's `resnet_utils.conv2d_same`: explicit padding when strided."""
    if stride == 1:
        return api.conv2d(x, depth, kernel, stride=1, padding="SAME",
                          scope=scope)
    pad = kernel - 1
    x = tf.pad(x, [[0, 0], [pad // 2, pad - pad // 2],
                   [pad // 2, pad - pad // 2], [0, 0]])
    return api.conv2d(x, depth, kernel, stride=stride, padding="VALID",
                      scope=scope)


def _bottleneck(api, x, depth, stride):
    """slim's `resnet_v1.bottleneck` (the shortcut as in resnet_v1)."""
    with v1.variable_scope("bottleneck_v1"):
        if depth == x.shape[-1]:
            shortcut = x if stride == 1 else api.max_pool2d(
                x, [1, 1], stride=stride, scope="shortcut")
        else:
            shortcut = api.conv2d(x, depth, [1, 1], stride=stride,
                                  activation_fn=None, scope="shortcut")
        r = api.conv2d(x, depth // 4, [1, 1], stride=1, scope="conv1")
        r = _conv2d_same(api, r, depth // 4, 3, stride, scope="conv2")
        r = api.conv2d(r, depth, [1, 1], stride=1, activation_fn=None,
                       scope="conv3")
        return tf.nn.relu(shortcut + r)


def resnet_v1(api, x, units=(3, 4, 6, 3), num_classes=1000):
    """slim's resnet_v1_50 (units (3, 4, 6, 3)) under its `resnet_arg_scope`.

    Root conv 7x7/2 and max pool 3x3/2, four blocks of bottleneck units
    (depths 256 to 2048, the stride on each block's last unit but the
    fourth's), global mean pool and 1x1 logits; every conv2d has
    batch_norm (decay 0.997, epsilon 1e-5, scale, training) as its
    normalizer_fn, an L2 regularizer and He initialization.
    """
    bn = {"decay": 0.997, "epsilon": 1e-5, "scale": True,
          "updates_collections": v1.GraphKeys.UPDATE_OPS, "is_training": True}
    with api.arg_scope(
            [api.conv2d],
            weights_regularizer=api.l2_regularizer(1e-4),
            weights_initializer=api.variance_scaling_initializer(),
            activation_fn=tf.nn.relu,
            normalizer_fn=api.batch_norm,
            normalizer_params=bn), \
            api.arg_scope([api.batch_norm], **bn), \
            api.arg_scope([api.max_pool2d], padding="SAME"), \
            v1.variable_scope("resnet_v1_50"):
        net = _conv2d_same(api, x, 64, 7, 2, scope="conv1")
        net = api.max_pool2d(net, [3, 3], stride=2, scope="pool1")
        for block, (depth, count, stride) in enumerate(
                zip((256, 512, 1024, 2048), units, (2, 2, 2, 1))):
            with v1.variable_scope("block%d" % (block + 1)):
                for unit in range(count):
                    with v1.variable_scope("unit_%d" % (unit + 1)):
                        net = _bottleneck(api, net, depth,
                                          stride if unit == count - 1 else 1)
        net = tf.reduce_mean(net, [1, 2], keepdims=True)
        return api.conv2d(net, num_classes, [1, 1], activation_fn=None,
                          normalizer_fn=None, scope="logits")


def op_types(graph):
    """{op type: count} of a graph."""
    counts = {}
    for op in graph.get_operations():
        counts[op.type] = counts.get(op.type, 0) + 1
    return counts


def construct(api, model, shape):
    """Builds `model` on a placeholder of `shape` in a fresh graph."""
    graph = tf.Graph()
    with graph.as_default():
        model(api, v1.placeholder(tf.float32, shape))
    return graph


def training_step(api, model, shape):
    """A complete graph-mode training step of `model` on an input of `shape`.

    The input and the upstream gradient of the output are non-trainable
    variables (nothing is fed); the step is the forward pass, the gradients
    of every trainable variable, a plain SGD update of each, and the
    moving-statistics updates in UPDATE_OPS. Fetching the step's op runs
    it all (its updates are stateful, so Grappler keeps them).

    Returns:
      A `step.Step`: an open session, the op to run, and the graph profile
      (`step.profile`, plus the graph's op types).
    """
    graph = tf.Graph()
    with graph.as_default():
        x = tf.identity(step_lib._random_variable(  # pylint: disable=protected-access
            "bench_x", shape, tf.float32, seed=1))
        first = len(graph.get_operations())
        y = model(api, x)
        dy = step_lib._random_variable(  # pylint: disable=protected-access
            "bench_dy", y.shape, tf.float32, seed=2)
        variables = v1.trainable_variables()
        grads = tf.gradients(y, variables, grad_ys=tf.identity(dy))
        sgd = v1.train.GradientDescentOptimizer(1e-3)
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            fetch = sgd.apply_gradients(zip(grads, variables))
        layer_ops = graph.get_operations()[first:]
        init = v1.global_variables_initializer()
    session = v1.Session(graph=graph)
    session.run(init)
    counts = step_lib.profile(layer_ops, x.shape.num_elements())
    counts["op_types"] = op_types(graph)
    return step_lib.Step(session, fetch, counts)
