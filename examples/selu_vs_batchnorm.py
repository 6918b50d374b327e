"""A deep SELU network against a ReLU + batch-norm network, in TF1 graph mode.

Two multilayer perceptrons of the same depth and width are trained on
scikit-learn's 8x8 digits (bundled with scikit-learn, no download) with the
same split, seed, optimizer and number of steps:

* SELU: ``contrib_norm.nn.selu`` activations, ``lecun_normal`` weights and
  ``alpha_dropout``; no normalization layer at all, the activations
  normalize themselves (Klambauer et al. 2017, "Self-Normalizing Neural
  Networks").
* ReLU + BN: He-initialized weights, ``contrib_norm.layers.batch_norm`` (the
  ``tf.contrib.layers.batch_norm`` API) and ReLU; the moving statistics are
  updated through the ``UPDATE_OPS`` collection, as in TF 1.x.

Run::

    python examples/selu_vs_batchnorm.py            # full run
    python examples/selu_vs_batchnorm.py --quick    # a few seconds

or from Python: ``main(["--quick"])`` returns the test accuracies.
"""

import argparse
import sys

import numpy as np
import tensorflow as tf

from contrib_norm import initializers, nn

NUM_CLASSES = 10


def load_data(seed=0, test_size=0.25):
    """Returns standardized ``(x_train, y_train, x_test, y_test)`` digits."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data.astype(np.float32), digits.target.astype(np.int64),
        test_size=test_size, random_state=seed, stratify=digits.target)
    scaler = StandardScaler().fit(x_train)
    return (scaler.transform(x_train).astype(np.float32), y_train,
            scaler.transform(x_test).astype(np.float32), y_test)


def _dense(inputs, units, initializer, use_bias, scope):
    with tf.compat.v1.variable_scope(scope):
        kernel = tf.compat.v1.get_variable(
            "weights", [int(inputs.shape[-1]), units], initializer=initializer)
        outputs = tf.matmul(inputs, kernel)
        if use_bias:
            bias = tf.compat.v1.get_variable(
                "biases", [units], initializer=tf.compat.v1.zeros_initializer())
            outputs = tf.nn.bias_add(outputs, bias)
        return outputs


def selu_mlp(inputs, keep_prob, depth, width, seed=0):
    """SELU network: lecun_normal weights, selu, alpha_dropout.

    Args:
        inputs: ``[batch, features]`` float tensor.
        keep_prob: Scalar float tensor (1.0 at evaluation time).
        depth: Number of hidden layers.
        width: Units per hidden layer.
        seed: Base op-level seed.

    Returns:
        ``(logits, last_hidden)``.
    """
    net = inputs
    for i in range(depth):
        net = _dense(net, width, initializers.lecun_normal(seed=seed + i),
                     True, "selu_%d" % i)
        net = nn.selu(net)
        net = nn.alpha_dropout(net, keep_prob, seed=seed + 1000 + i)
    hidden = net
    logits = _dense(net, NUM_CLASSES, initializers.lecun_normal(seed=seed + 999),
                    True, "logits")
    return logits, hidden


def relu_bn_mlp(inputs, is_training, depth, width, seed=0, decay=0.9):
    """ReLU network with batch normalization before each activation.

    Args:
        inputs: ``[batch, features]`` float tensor.
        is_training: Scalar bool tensor: batch statistics (True) or moving
            statistics (False).
        depth: Number of hidden layers.
        width: Units per hidden layer.
        seed: Base op-level seed.
        decay: Decay of the moving averages.

    Returns:
        ``(logits, last_hidden)``.
    """
    from contrib_norm.layers import batch_norm

    net = inputs
    for i in range(depth):
        # No bias: batch_norm's beta (center=True) takes its place. scale=False
        # because ReLU is followed by a linear layer, as the TF1 docs advise.
        net = _dense(net, width,
                     initializers.variance_scaling_initializer(seed=seed + i),
                     False, "relu_%d" % i)
        net = batch_norm(net, decay=decay, center=True, scale=False,
                         is_training=is_training, activation_fn=tf.nn.relu,
                         scope="relu_%d/BatchNorm" % i)
    hidden = net
    logits = _dense(net, NUM_CLASSES,
                    initializers.variance_scaling_initializer(
                        factor=1.0, seed=seed + 999),
                    True, "logits")
    return logits, hidden


def train_and_evaluate(model, data, steps, depth, width, batch_size=64,
                       learning_rate=1e-3, keep_prob=0.95, seed=0):
    """Trains one model in a fresh graph and returns its results.

    Args:
        model: ``"selu"`` or ``"relu_bn"``.
        data: ``(x_train, y_train, x_test, y_test)`` as from :func:`load_data`.
        steps: Number of Adam steps.
        depth: Number of hidden layers.
        width: Units per hidden layer.
        batch_size: Mini-batch size.
        learning_rate: Adam learning rate.
        keep_prob: alpha_dropout keep probability while training (SELU only).
        seed: Graph-level seed, op-level seed base and mini-batch order.

    Returns:
        A dict with ``accuracy`` (test set), ``loss`` (final training loss)
        and ``init_hidden_mean`` / ``init_hidden_std``: the statistics of the
        last hidden layer at initialization, on the test set in evaluation
        mode (near 0 / 1 for SELU without any normalization layer).

    Raises:
        ValueError: If ``model`` is unknown.
    """
    if model not in ("selu", "relu_bn"):
        raise ValueError("model must be 'selu' or 'relu_bn'. Received: "
                         "model=%r" % (model,))
    x_train, y_train, x_test, y_test = data
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(seed)
        x = tf.compat.v1.placeholder(tf.float32, [None, x_train.shape[1]], "x")
        y = tf.compat.v1.placeholder(tf.int64, [None], "y")
        feed_train, feed_eval = {}, {}
        if model == "selu":
            kp = tf.compat.v1.placeholder_with_default(
                tf.constant(1.0), [], name="keep_prob")
            logits, hidden = selu_mlp(x, kp, depth, width, seed=seed)
            feed_train[kp] = keep_prob
        else:
            is_training = tf.compat.v1.placeholder_with_default(
                False, [], name="is_training")
            logits, hidden = relu_bn_mlp(x, is_training, depth, width, seed=seed)
            feed_train[is_training] = True
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=logits))
        # Moving-average updates of batch_norm (none for the SELU model) run
        # with every training step.
        update_ops = tf.compat.v1.get_collection(
            tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = tf.compat.v1.train.AdamOptimizer(learning_rate).minimize(
                loss)
        correct = tf.equal(tf.argmax(logits, axis=1), y)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        init = tf.compat.v1.global_variables_initializer()

    rng = np.random.RandomState(seed)
    feed_eval.update({x: x_test, y: y_test})
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        h_init = sess.run(hidden, feed_eval)
        last_loss = float("nan")
        for _ in range(steps):
            idx = rng.choice(len(x_train), batch_size, replace=False)
            feed = dict(feed_train)
            feed.update({x: x_train[idx], y: y_train[idx]})
            _, last_loss = sess.run([train_op, loss], feed)
        acc = sess.run(accuracy, feed_eval)
    return {"accuracy": float(acc), "loss": float(last_loss),
            "init_hidden_mean": float(h_init.mean()),
            "init_hidden_std": float(h_init.std())}


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500,
                        help="training steps per model (default 1500)")
    parser.add_argument("--quick", action="store_true",
                        help="a short smoke run: 150 steps, depth 8")
    parser.add_argument("--depth", type=int, default=12,
                        help="hidden layers (default 12)")
    parser.add_argument("--width", type=int, default=128,
                        help="units per hidden layer (default 128)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--keep-prob", type=float, default=0.95,
                        help="alpha_dropout keep probability (default 0.95)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = min(args.steps, 150)
        args.depth = min(args.depth, 8)
    for flag in ("steps", "depth", "width", "batch_size"):
        if getattr(args, flag) < 1:
            parser.error("--%s must be >= 1. Received: %s"
                         % (flag.replace("_", "-"), getattr(args, flag)))
    if not 0 < args.keep_prob <= 1:
        parser.error("--keep-prob must be in (0, 1]. Received: %s"
                     % args.keep_prob)
    return args


def main(argv=None):
    """Trains both networks and prints their test accuracy.

    Args:
        argv: Command-line arguments without the program name; defaults to
            ``sys.argv[1:]``.

    Returns:
        ``{"selu": results, "relu_bn": results}``, each as returned by
        :func:`train_and_evaluate`.
    """
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    data = load_data(seed=args.seed)
    print("digits: %d train / %d test, %d hidden layers of %d units, %d steps"
          % (len(data[0]), len(data[2]), args.depth, args.width, args.steps))
    results = {}
    for model, label in (("selu", "SELU (lecun_normal + alpha_dropout)"),
                         ("relu_bn", "ReLU + batch_norm")):
        results[model] = train_and_evaluate(
            model, data, args.steps, args.depth, args.width,
            batch_size=args.batch_size, learning_rate=args.learning_rate,
            keep_prob=args.keep_prob, seed=args.seed)
        r = results[model]
        print("%-36s test accuracy %.4f   (last hidden layer at init: "
              "mean %+.2f, std %.2f)" % (label, r["accuracy"],
                                         r["init_hidden_mean"],
                                         r["init_hidden_std"]))
    return results


if __name__ == "__main__":
    main()
