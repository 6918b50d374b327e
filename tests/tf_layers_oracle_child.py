"""Child of test_tf_layers_oracle.py: contrib_norm.tf_layers beside the real
legacy `tf.compat.v1.layers` (tf-keras, TF_USE_LEGACY_KERAS=1).

Reports, as one JSON result (see `fresh_interpreter.report`):

* `signatures`: the names whose signature (parameter names, kinds and
  defaults; initializer defaults by class) differs from the legacy one;
* `aliases`: TF1's module-level aliases, as {alias: target};
* `pairs`: for each scenario, the largest difference of the outputs and of
  the input gradients, ours against legacy's with the same variable values,
  and whether the static shapes and variable shapes agree;
* `naming`: the variable names, output name scopes and regularization-loss
  count of one TF1-style program built by each implementation.
"""

import inspect
import os
import sys

assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import fresh_interpreter  # noqa: E402
from contrib_norm import tf_layers as ours  # noqa: E402

legacy = tf.compat.v1.layers
ALIAS_MODULES = ("core", "convolutional", "pooling")


def _describe_default(value):
    if value is inspect.Parameter.empty:
        return "<required>"
    if isinstance(value, (bool, int, float, str, tuple, type(None))):
        return repr(value)
    return type(value).__name__


def _signature(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    return [
        (p.name, str(p.kind), _describe_default(p.default))
        for p in inspect.signature(target).parameters.values()
    ]


def signature_differences():
    differences = {}
    for name in ours.TF1_NAMES:
        mine = _signature(getattr(ours, name))
        theirs = _signature(getattr(legacy, name))
        if mine != theirs:
            differences[name] = {"ours": mine, "legacy": theirs}
    return differences


def legacy_aliases():
    import importlib

    aliases = {}
    for module_name in ALIAS_MODULES:
        module = importlib.import_module("tf_keras.src.legacy_tf_layers." + module_name)
        public = {
            n: getattr(module, n) for n in dir(module) if not n.startswith("_")
        }
        for alias, obj in public.items():
            if getattr(obj, "__name__", alias) != alias and obj.__name__ in public:
                if getattr(obj, "__module__", "").endswith(module_name):
                    aliases[alias] = obj.__name__
    return aliases


# (name, function, input shape, kwargs) for both implementations.
SCENARIOS = [
    ("dense_rank4_nobias", "dense", [2, 3, 4, 5], dict(units=3, use_bias=False)),
    ("conv1d_causal", "conv1d", [2, 9, 3],
     dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2)),
    ("conv1d_channels_first", "conv1d", [2, 3, 9],
     dict(filters=4, kernel_size=2, strides=2, data_format="channels_first",
          bias_initializer=tf.compat.v1.constant_initializer(0.3))),
    ("conv2d_channels_first", "conv2d", [2, 3, 7, 6],
     dict(filters=5, kernel_size=(3, 2), strides=2, padding="same",
          data_format="channels_first", activation=tf.nn.relu)),
    ("conv3d_dilated_channels_first", "conv3d", [2, 2, 6, 6, 6],
     dict(filters=3, kernel_size=2, dilation_rate=(1, 2, 2),
          data_format="channels_first")),
    ("separable_conv1d_strided_first", "separable_conv1d", [2, 3, 11],
     dict(filters=4, kernel_size=3, strides=2, padding="same",
          depth_multiplier=2, data_format="channels_first")),
    ("separable_conv1d_causal", "separable_conv1d", [2, 9, 3],
     dict(filters=2, kernel_size=3, padding="causal")),
    ("separable_conv2d_dilated_first", "separable_conv2d", [2, 3, 8, 8],
     dict(filters=4, kernel_size=3, dilation_rate=2, padding="same",
          data_format="channels_first")),
    ("conv2d_transpose_first_valid", "conv2d_transpose", [2, 3, 4, 5],
     dict(filters=2, kernel_size=(3, 2), strides=(2, 1),
          data_format="channels_first")),
    ("conv2d_transpose_unknown_batch", "conv2d_transpose", [None, 4, 4, 3],
     dict(filters=2, kernel_size=3, strides=2, padding="same")),
    ("conv3d_transpose_first_same", "conv3d_transpose", [2, 2, 3, 3, 3],
     dict(filters=2, kernel_size=3, strides=(1, 2, 2), padding="same",
          data_format="channels_first")),
    ("flatten_channels_first", "flatten", [2, 3, 4, 5],
     dict(data_format="channels_first")),
    ("max_pooling1d_first", "max_pooling1d", [2, 3, 9],
     dict(pool_size=3, strides=2, data_format="channels_first")),
    ("average_pooling2d_first", "average_pooling2d", [2, 3, 7, 7],
     dict(pool_size=3, strides=2, padding="same", data_format="channels_first")),
    ("max_pooling3d_first", "max_pooling3d", [2, 3, 4, 5, 5],
     dict(pool_size=2, strides=(1, 2, 2), data_format="channels_first")),
    ("average_pooling3d_same", "average_pooling3d", [2, 5, 5, 5, 2],
     dict(pool_size=3, strides=2, padding="same")),
    ("dropout_training_seeded", "dropout", [4, 6, 5],
     dict(rate=0.4, seed=7, training=True, noise_shape=[None, 1, 5])),
]  # fmt: skip


def compare_pairs():
    results = {}
    rng = np.random.RandomState(0)
    for name, function, shape, kwargs in SCENARIOS:
        with tf.Graph().as_default():
            tf.compat.v1.set_random_seed(3)
            x = tf.compat.v1.placeholder(tf.float32, shape)
            mine = getattr(ours, function)(x, **kwargs)
            mine_vars = tf.compat.v1.global_variables()
            theirs = getattr(legacy, function)(x, **kwargs)
            theirs_vars = tf.compat.v1.global_variables()[len(mine_vars):]
            dx_mine = tf.gradients(tf.reduce_sum(mine * mine), x)[0]
            dx_theirs = tf.gradients(tf.reduce_sum(theirs * theirs), x)[0]
            fed = [2 if d is None else d for d in shape]
            with tf.compat.v1.Session() as sess:
                sess.run(tf.compat.v1.global_variables_initializer())
                for a, b in zip(mine_vars, theirs_vars):
                    a.load(sess.run(b), sess)
                feed = {x: rng.normal(size=fed).astype(np.float32)}
                y_a, y_b, g_a, g_b = sess.run(
                    [mine, theirs, dx_mine, dx_theirs], feed
                )
            results[name] = {
                "y": float(np.abs(y_a - y_b).max()),
                "dx": float(np.abs(g_a - g_b).max()),
                "output_shape": [mine.shape.as_list(), theirs.shape.as_list()],
                "variables": [
                    [(v.op.name.split("/", 1)[1], v.shape.as_list()) for v in vs]
                    for vs in (mine_vars, theirs_vars)
                ],
            }
    return results


def naming_program(layers):
    """A TF1-style program; returns what it named."""
    l2 = lambda w: 0.01 * tf.nn.l2_loss(w)  # noqa: E731
    with tf.Graph().as_default() as graph:
        x = tf.compat.v1.placeholder(tf.float32, [2, 8, 8, 3])
        outputs = [layers.conv2d(x, 4, 3, kernel_regularizer=l2)]
        outputs.append(layers.batch_normalization(outputs[-1], training=True))
        outputs.append(layers.conv2d(outputs[-1], 4, 3, name="conv", padding="same"))
        outputs.append(
            layers.conv2d(outputs[-1], 4, 3, name="conv", padding="same", reuse=True)
        )
        outputs.append(layers.separable_conv2d(outputs[-1], 4, 3))
        outputs.append(layers.max_pooling2d(outputs[-1], 2, 2))
        outputs.append(layers.max_pooling2d(outputs[-1], 1, 1, name="pool"))
        outputs.append(layers.max_pooling2d(outputs[-1], 1, 1, name="pool"))
        outputs.append(layers.flatten(outputs[-1]))
        with tf.compat.v1.variable_scope("head"):
            outputs.append(layers.dense(outputs[-1], 5, activity_regularizer=l2))
            outputs.append(layers.Dense(5, name="fc").apply(outputs[-1]))
            outputs.append(layers.dropout(outputs[-1], 0.5, training=False))
        with tf.compat.v1.variable_scope("head", reuse=True):
            outputs.append(layers.dense(outputs[-3], 5, name="fc"))
        with tf.compat.v1.variable_scope("tail", reuse=tf.compat.v1.AUTO_REUSE):
            for _ in range(2):
                outputs.append(layers.dense(outputs[-1], 5, name="shared"))
        dense_layer = layers.Dense(5)
        outputs.append(dense_layer.apply(outputs[-1]))
        outputs.append(dense_layer.apply(outputs[-1]))
        return {
            "variables": [
                (v.op.name, v.shape.as_list(), v in tf.compat.v1.trainable_variables())
                for v in tf.compat.v1.global_variables()
            ],
            "scopes": [t.name.rsplit("/", 1)[0] for t in outputs],
            "regularization_losses": len(
                graph.get_collection(tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES)
            ),
            "layer_names": [layers.Dense(1).name, layers.Conv2D(1, 1).name],
        }


def main():
    fresh_interpreter.report(
        {
            "legacy_module": legacy.Dense.__module__,
            "signatures": signature_differences(),
            "aliases": legacy_aliases(),
            "pairs": compare_pairs(),
            "naming": [naming_program(ours), naming_program(legacy)],
        }
    )


if __name__ == "__main__":
    sys.exit(main())
