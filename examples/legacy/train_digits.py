"""Trains a small convnet on the 8x8 digits, with a choice of normalization.

Written for TensorFlow 1.4 (2017). Example:

    python train_digits.py --norm=group_norm --batch_size=4

--norm is one of: none, batch_norm, batch_normalization, group_norm,
layer_norm, selu (SELU activations with alpha dropout, no normalization).
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import os
import time

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

flags = tf.app.flags
flags.DEFINE_string('norm', 'batch_norm', 'Normalization layer to use.')
flags.DEFINE_integer('batch_size', 32, 'Training batch size.')
flags.DEFINE_integer('epochs', 6, 'Passes over the training set.')
flags.DEFINE_float('learning_rate', 0.02, 'Learning rate (momentum SGD).')
flags.DEFINE_float('keep_prob', 0.95, 'Alpha dropout keep probability (selu).')
flags.DEFINE_integer('seed', 0, 'Random seed for the split, init and batches.')
flags.DEFINE_string('train_dir', '/tmp/digits_train', 'Checkpoint directory.')
FLAGS = flags.FLAGS

DEPTHS = [16, 32]
HIDDEN = 64
NUM_CLASSES = 10


def load_data(seed):
  """The 1,797 digits as [N, 8, 8, 1] floats in [0, 1], split 75/25."""
  digits = load_digits()
  images = digits.images.astype(np.float32)[..., np.newaxis] / 16.0
  labels = digits.target.astype(np.int64)
  return train_test_split(images, labels, test_size=0.25, random_state=seed,
                          stratify=labels)


# The normalization applied after each tf.layers convolution and after the
# hidden dense layer (batch_norm instead runs inside slim's layers, see
# build_model). Each entry takes the layer's output, the training flag and a
# scope name.
NORMALIZERS = {
    'batch_normalization':
        lambda net, is_training, scope: tf.layers.batch_normalization(
            net, momentum=0.9, training=is_training, name=scope + '/bn'),
    'group_norm':
        lambda net, is_training, scope: tf.contrib.layers.group_norm(
            net, reduction_axes=(-3, -2) if net.get_shape().ndims == 4 else (),
            scope=scope + '/GroupNorm'),
    'layer_norm':
        lambda net, is_training, scope: tf.contrib.layers.layer_norm(
            net, scope=scope + '/LayerNorm'),
}


slim = tf.contrib.slim


def build_model(images, is_training, norm, keep_prob=1.0):
  """Returns the logits of the convnet for [N, 8, 8, 1] images.

  With batch_norm, the slim way: conv2d and fully_connected run the
  normalizer themselves (normalizer_fn, no biases). Otherwise tf.layers
  conv2d / dense, then the normalization and the activation.
  """
  if norm == 'selu':
    activation = tf.nn.selu
    initializer = tf.contrib.layers.variance_scaling_initializer(
        factor=1.0, mode='FAN_IN')
  else:
    activation = tf.nn.relu
    initializer = tf.glorot_uniform_initializer()

  def normalize_and_activate(net, scope):
    if norm in NORMALIZERS:
      net = NORMALIZERS[norm](net, is_training, scope)
    net = activation(net)
    if norm == 'selu':
      net = tf.cond(is_training,
                    lambda: tf.contrib.nn.alpha_dropout(net, keep_prob),
                    lambda: net)
    return net

  def conv(net, depth, scope):
    if norm == 'batch_norm':
      return slim.conv2d(net, depth, [3, 3], scope=scope)
    net = tf.layers.conv2d(net, depth, 3, padding='same',
                           kernel_initializer=initializer, name=scope)
    return normalize_and_activate(net, scope)

  def fully_connected(net, units, scope):
    if norm == 'batch_norm':
      return slim.fully_connected(net, units, scope=scope)
    net = tf.layers.dense(net, units, kernel_initializer=initializer,
                          name=scope)
    return normalize_and_activate(net, scope)

  with slim.arg_scope([slim.conv2d, slim.fully_connected],
                      activation_fn=activation,
                      weights_initializer=initializer,
                      normalizer_fn=tf.contrib.layers.batch_norm):
    with tf.contrib.framework.arg_scope(
        [tf.contrib.layers.batch_norm],
        is_training=is_training, decay=0.9, scale=True):
      with tf.contrib.framework.arg_scope([tf.contrib.layers.group_norm],
                                          groups=4):
        net = images
        for i, depth in enumerate(DEPTHS):
          net = conv(net, depth, 'conv%d' % (i + 1))
          net = tf.layers.max_pooling2d(net, 2, 2, padding='same')
        net = slim.flatten(net)
        net = fully_connected(net, HIDDEN, 'fc1')
  return tf.layers.dense(net, NUM_CLASSES, kernel_initializer=initializer,
                         name='logits')


def evaluate(sess, accuracy, images, labels, is_training, x, y, training,
             batch_size):
  """Mean accuracy over the data, in batches of `batch_size`."""
  correct = 0.0
  for start in range(0, len(x), batch_size):
    xb, yb = x[start:start + batch_size], y[start:start + batch_size]
    correct += len(xb) * sess.run(accuracy, {images: xb, labels: yb,
                                             is_training: training})
  return correct / len(x)


def main(_):
  x_train, x_test, y_train, y_test = load_data(FLAGS.seed)
  graph = tf.Graph()
  with graph.as_default():
    tf.set_random_seed(FLAGS.seed)
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name='images')
    labels = tf.placeholder(tf.int64, [None], name='labels')
    is_training = tf.placeholder(tf.bool, [], name='is_training')
    logits = build_model(images, is_training, FLAGS.norm, FLAGS.keep_prob)
    predictions = tf.argmax(logits, 1, name='predictions')
    accuracy = tf.reduce_mean(tf.to_float(tf.equal(predictions, labels)))
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.MomentumOptimizer(FLAGS.learning_rate, 0.9)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
      train_op = optimizer.minimize(loss, global_step=global_step)
    saver = tf.train.Saver()

    rng = np.random.RandomState(FLAGS.seed)
    steps_per_epoch = len(x_train) // FLAGS.batch_size
    curve = []
    start_time = time.time()
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      progress = tqdm(total=FLAGS.epochs * steps_per_epoch, unit='step',
                      desc='%-19s batch %2d' % (FLAGS.norm, FLAGS.batch_size))
      for epoch in range(FLAGS.epochs):
        order = rng.permutation(len(x_train))
        for step in range(steps_per_epoch):
          batch = order[step * FLAGS.batch_size:(step + 1) * FLAGS.batch_size]
          sess.run(train_op, {images: x_train[batch], labels: y_train[batch],
                              is_training: True})
          progress.update(1)
        test_accuracy = sess.run(accuracy, {images: x_test, labels: y_test,
                                            is_training: False})
        curve.append(float(test_accuracy))
        progress.set_postfix(test_accuracy='%.3f' % test_accuracy)
      progress.close()
      seconds = time.time() - start_time
      train_mode_accuracy = evaluate(sess, accuracy, images, labels,
                                     is_training, x_test, y_test, True,
                                     FLAGS.batch_size)
      if not os.path.exists(FLAGS.train_dir):
        os.makedirs(FLAGS.train_dir)
      checkpoint = saver.save(sess, os.path.join(FLAGS.train_dir, 'model.ckpt'))
      test_logits = sess.run(logits, {images: x_test, is_training: False})
      steps = int(sess.run(global_step))
  results = {
      'norm': FLAGS.norm,
      'batch_size': FLAGS.batch_size,
      'test_accuracy': curve[-1],
      'train_mode_accuracy': float(train_mode_accuracy),
      'curve': curve,
      'steps': steps,
      'seconds': seconds,
      'checkpoint': checkpoint,
  }
  with open(os.path.join(FLAGS.train_dir, 'results.json'), 'w') as f:
    json.dump(results, f)
  np.save(os.path.join(FLAGS.train_dir, 'test_logits.npy'), test_logits)
  return results


if __name__ == '__main__':
  tf.app.run()
