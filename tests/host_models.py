"""Two TF1 models in the styles of 2017 code, written once for any namespace.

`slim_model` is slim-style (normalizer_fn in arg_scope, repeat, pooling,
flatten, fully_connected); `layers_model` uses tf.layers (conv2d,
batch_normalization, max_pooling2d, flatten, dense, dropout). Given TF1's own
modules (tf-slim 1.1.0 and tf-keras's legacy tf.layers) they build the
legacy graph that wrote `fixtures/host_checkpoints/`; given contrib_norm's,
the graph that must restore it with no name mapping. The guide page
migration_guide/host_layers.md shows the same code.
"""

import tensorflow as tf


def slim_model(slim, images, is_training):
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        normalizer_fn=slim.batch_norm,
                        normalizer_params={"is_training": is_training,
                                           "decay": 0.9},
                        weights_regularizer=slim.l2_regularizer(1e-4)):
        net = slim.repeat(images, 2, slim.conv2d, 8, [3, 3], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.conv2d(net, 16, [3, 3], scope="conv2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 32, scope="fc1")
        return slim.fully_connected(net, 10, activation_fn=None,
                                    normalizer_fn=None, scope="logits")


def layers_model(layers, images, training):
    net = layers.conv2d(images, 8, 3, padding="same", activation=tf.nn.relu)
    net = layers.batch_normalization(net, training=training)
    net = layers.max_pooling2d(net, 2, 2)
    net = layers.conv2d(net, 16, 3, padding="same")
    net = layers.batch_normalization(net, training=training)
    net = tf.nn.relu(net)
    net = layers.flatten(net)
    net = layers.dense(net, 32, activation=tf.nn.relu)
    net = layers.dropout(net, 0.5, training=training)
    return layers.dense(net, 10)


MODELS = {"slim": slim_model, "layers": layers_model}
SHAPE = [4, 8, 8, 3]


def train_and_save(name, namespace, directory, seed=0, steps=3):
    """Builds model `name` with `namespace`, trains `steps` SGD steps with
    UPDATE_OPS on random data, saves a checkpoint in `directory` and returns
    (variables {name: shape}, inference logits on a fixed test input)."""
    import numpy as np  # pylint: disable=import-outside-toplevel

    rng = np.random.RandomState(seed)
    x_test = rng.randn(*SHAPE).astype(np.float32)
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(seed)
        images = tf.compat.v1.placeholder(tf.float32, SHAPE)
        training = tf.compat.v1.placeholder_with_default(False, [])
        logits = MODELS[name](namespace, images, training)
        loss = tf.reduce_mean(tf.square(logits)) + tf.add_n(
            tf.compat.v1.get_collection(
                tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES) or [0.0])
        update_ops = tf.compat.v1.get_collection(
            tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = tf.compat.v1.train.GradientDescentOptimizer(
                0.1).minimize(loss)
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(steps):
                sess.run(train_op, {images: rng.randn(*SHAPE).astype(
                    np.float32), training: True})
            saver.save(sess, "%s/%s.ckpt" % (directory, name))
            out = sess.run(logits, {images: x_test})
        shapes = {v.op.name: v.shape.as_list()
                  for v in tf.compat.v1.global_variables()}
    return shapes, x_test, out


def restore_and_run(name, namespace, checkpoint, x_test):
    """Builds model `name` with `namespace`, restores `checkpoint` with no
    name mapping, and returns (variables {name: shape}, inference logits)."""
    with tf.Graph().as_default() as graph:
        images = tf.compat.v1.placeholder(tf.float32, SHAPE)
        training = tf.compat.v1.placeholder_with_default(False, [])
        logits = MODELS[name](namespace, images, training)
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session(graph=graph) as sess:
            saver.restore(sess, checkpoint)
            out = sess.run(logits, {images: x_test})
        shapes = {v.op.name: v.shape.as_list()
                  for v in tf.compat.v1.global_variables()}
    return shapes, out
