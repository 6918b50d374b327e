"""Checks of a layer on an empty input, shared by the child processes of
test_reliability_empty_static.py and test_reliability_empty_training.py.

`build` is a function that builds the layer in the current (fresh) graph and
returns `(x, y, feed)`: its input, its output and the feed dict to run them.
"""

import os

import fresh_interpreter


def child_runs(script, keys, tmp_path_factory, timeout=300):
    """`fresh_interpreter.Runs` of `script KEY...` for each tuple in `keys`."""
    tests = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join(
        [os.path.dirname(tests), tests, os.environ.get("PYTHONPATH", "")]
    )
    jobs = {
        key: {
            "argv": [os.path.abspath(script), *map(str, key)],
            "cwd": tmp_path_factory.mktemp("_".join(map(str, key))),
            "timeout": timeout,
            "env": {"PYTHONPATH": path},
        }
        for key in keys
    }
    return fresh_interpreter.Runs(jobs)


def check_training_step(tf, np, build, label=""):
    """One SGD step of reduce_sum(y) changes no variable; returns y's value."""
    with tf.Graph().as_default() as graph:
        _, y, feed = build()
        optimizer = tf.compat.v1.train.GradientDescentOptimizer(0.5)
        train = optimizer.minimize(tf.reduce_sum(y))
        updates = graph.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        variables = tf.compat.v1.global_variables()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            before = sess.run(variables)
            value, _, _ = sess.run([y, train, updates], feed)
            after = sess.run(variables)
    for variable, old, new in zip(variables, before, after):
        np.testing.assert_array_equal(
            new, old, err_msg=f"{variable.name} changed{label}"
        )
    return value


def check_gradients(tf, np, build):
    """The gradients of reduce_sum(y) for x and every trainable variable
    exist, the variables' are zeros of their shape; returns x's gradient."""
    with tf.Graph().as_default():
        x, y, feed = build()
        variables = tf.compat.v1.trainable_variables()
        assert variables, "no trainable variables"
        grads = tf.gradients(tf.reduce_sum(y), [x] + variables)
        missing = [v.name for v, g in zip([x] + variables, grads) if g is None]
        assert not missing, f"no gradient for {missing}"
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            values = sess.run(grads, feed)
    for variable, value in zip(variables, values[1:]):
        assert value.shape == tuple(variable.shape), (variable.name, value.shape)
        np.testing.assert_array_equal(
            value, np.zeros_like(value), err_msg=variable.name
        )
    return values[0]
