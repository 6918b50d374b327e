"""Float64 NumPy references and graph helpers for the per-sample norm tests.

Shared by test_group_norm, test_instance_norm, test_layer_norm and
test_switchable_norm: the reference formulas, one tolerance per dtype, a
graph-mode runner and a central-difference gradient check.
"""

import collections
import contextlib

import numpy as np
import pytest
import tensorflow as tf

import tolerances

# (rtol, atol) of a float32 / half result against the float64 reference.
TOLERANCES = tolerances.row("reference")
# Our float64 gradients against central differences of our float64 loss.
GRADIENT_TOLERANCE = tolerances.of("numerical_gradient")
_DELTA = 1e-5


def assert_close(actual, expected, dtype="float32", err_msg=""):
    np.testing.assert_allclose(
        np.asarray(actual, np.float64),
        np.asarray(expected, np.float64),
        err_msg=err_msg,
        **TOLERANCES[tf.as_dtype(dtype).name],
    )


@contextlib.contextmanager
def graph_session():
    """A fresh graph as default, with its session."""
    with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph) as sess:
        yield sess


def normalize(x, mean, variance, epsilon, gamma=None, beta=None):
    y = (x - mean) / np.sqrt(variance + epsilon)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def along_axis(param, rank, axis):
    """A [C] array shaped to broadcast along `axis`."""
    shape = [1] * rank
    shape[axis] = -1
    return np.reshape(param, shape)


def standardize(x, axes, epsilon, gamma=None, beta=None):
    """gamma * (x - mean) / sqrt(var + eps) + beta, statistics over `axes`."""
    x = np.asarray(x, np.float64)
    axes = tuple(axes)
    return normalize(
        x,
        x.mean(axes, keepdims=True),
        x.var(axes, keepdims=True),
        epsilon,
        gamma,
        beta,
    )


def group_norm(x, groups, channels_axis, reduction_axes, epsilon, gamma=None,
               beta=None):
    """Group norm from its definition: split the channels, standardize."""
    x = np.asarray(x, np.float64)
    rank = x.ndim
    channels_axis %= rank
    channels = x.shape[channels_axis]
    split = x.reshape(
        x.shape[:channels_axis]
        + (groups, channels // groups)
        + x.shape[channels_axis + 1 :]
    )
    axes = [channels_axis + 1] + [
        a % rank + (1 if a % rank > channels_axis else 0) for a in reduction_axes
    ]
    y = standardize(split, axes, epsilon).reshape(x.shape)
    if gamma is not None:
        y = y * along_axis(gamma, rank, channels_axis)
    if beta is not None:
        y = y + along_axis(beta, rank, channels_axis)
    return y


def offset_bound(offset):
    """How far from 0 / 1 the output mean / std may be at a large offset.

    1e-2 up to an offset of 1e4 (float32); beyond, twice the spacing of
    float32 numbers at the offset, the precision the input itself has.
    """
    return max(1e-2, 2.0 * float(np.spacing(np.float32(offset))))


def random_inputs(shape, seed=0, offset=0.0, scale=1.0):
    rng = np.random.RandomState(seed)
    return offset + scale * rng.standard_normal(shape)


def loss_and_gradients(y, x, variables, seed=1):
    """The loss sum(y * dy) and its gradients w.r.t. x and `variables`."""
    dy = random_inputs(y.shape.as_list(), seed)
    loss = tf.reduce_sum(y * tf.constant(dy, y.dtype))
    grads = tf.gradients(loss, [x] + list(variables))
    return loss, grads


def check_gradients(sess, y, x, x_value, variables=(), feed=None):
    """Compares tf.gradients with central differences (float64 graphs)."""
    feed = dict(feed or {})
    loss, grads = loss_and_gradients(y, x, variables)
    feed[x] = x_value
    analytic = sess.run(grads, feed)

    def loss_at(x_val):
        return sess.run(loss, {**feed, x: x_val})

    numeric = [_central_differences(loss_at, x_value)]
    for variable in variables:
        value = sess.run(variable)

        def loss_with(v_val, variable=variable):
            variable.load(v_val, sess)
            return sess.run(loss, feed)

        numeric.append(_central_differences(loss_with, value))
        variable.load(value, sess)
    names = ["x"] + [v.op.name for v in variables]
    for name, a, n in zip(names, analytic, numeric):
        np.testing.assert_allclose(
            a, n, err_msg=f"gradient w.r.t. {name}", **GRADIENT_TOLERANCE
        )


def _central_differences(function, value):
    value = np.array(value, np.float64)
    grad = np.zeros_like(value)
    flat = value.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + _DELTA
        plus = function(value)
        flat[i] = saved - _DELTA
        minus = function(value)
        flat[i] = saved
        grad.reshape(-1)[i] = (plus - minus) / (2 * _DELTA)
    return grad


Run = collections.namedtuple(
    "Run", ["outputs", "dx", "inputs", "output_dtype", "dx_dtype", "variable_dtypes"]
)


def build_and_run(build, value, dtype="float32"):
    """Runs `build(inputs)` on a constant input of `dtype` (one training step).

    Returns:
      A `Run`: the outputs and d sum(outputs) / d inputs as arrays, the input
      as the layer saw it (rounded to `dtype`) in float64, and the dtypes of
      the outputs, the gradient and the variables.
    """
    with graph_session() as sess:
        inputs = tf.constant(value, dtype)
        y = build(inputs)
        dx = tf.gradients(y, inputs)[0]
        variables = tf.compat.v1.global_variables()
        updates = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        sess.run(tf.compat.v1.global_variables_initializer())
        out, grad, x, _ = sess.run([y, dx, tf.cast(inputs, tf.float64), updates])
    return Run(
        out,
        grad,
        x,
        y.dtype.name,
        dx.dtype.name,
        {v.dtype.base_dtype.name for v in variables},
    )


def assert_gives_beta(run, beta):
    """Zero-variance input: the output is beta and the gradient finite."""
    np.testing.assert_allclose(
        run.outputs, np.broadcast_to(beta, run.outputs.shape), atol=1e-5
    )
    assert np.all(np.isfinite(run.dx))


def assert_keeps_dtype(run, dtype, variable_dtype):
    assert run.output_dtype == dtype and run.dx_dtype == dtype
    assert run.variable_dtypes == {variable_dtype}


def assert_build_error(function, make_inputs, kwargs, error, message):
    """`function(make_inputs(), **kwargs)` raises `error` matching `message`."""
    with graph_session():
        with pytest.raises(error, match=message):
            function(make_inputs(), **kwargs)


def assert_standardized_at_offset(build, shape, offset, axes, view=None):
    """Inputs of unit variance around `offset`: output mean 0 and std 1.

    Args:
      build: the layer, called on a float32 constant.
      shape: the input shape.
      offset: the inputs' mean.
      axes: the axes each normalized slice spans (of `view(outputs)`).
      view: optional reshape of the outputs (e.g. splitting groups).
    """
    run = build_and_run(build, random_inputs(shape, offset=offset))
    out = np.asarray(run.outputs, np.float64)
    if view is not None:
        out = view(out)
    bound = offset_bound(offset)
    assert np.abs(out.mean(axis=axes)).max() < bound
    assert np.abs(out.std(axis=axes) - 1.0).max() < bound
