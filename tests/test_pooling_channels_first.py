"""Channels-first pooling (`_core.pooling`): without a GPU it runs channels
last, transposed there and back, as TF1's layers did on a CPU.

TensorFlow 2.15's CPU max pool in NCHW (a oneDNN kernel) returned wrong
values in some processes, depending on the pools run before it (2.12 off in
3 of 20 processes for `max_pooling1d(data_format='channels_first')`); the
golden cases and the tf.layers oracle now compare outputs and gradients of
every channels-first pool on 2.15 too. These tests pin the graph: no NCHW
pool op on a machine without a GPU, the values against NumPy, and TF1's
output names.
"""

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm import layers
from contrib_norm import tf_layers

if tf.config.list_physical_devices("GPU"):
    pytest.skip("a GPU runs 2-D pooling in NCHW natively", allow_module_level=True)


def _reference(x, window, stride, reduce):
    """VALID pooling of a channels-first array over its spatial axes."""
    spatial = x.shape[2:]
    out_shape = [(n - w) // s + 1 for n, w, s in zip(spatial, window, stride)]
    out = np.empty(x.shape[:2] + tuple(out_shape), x.dtype)
    for index in np.ndindex(*out_shape):
        box = tuple(slice(i * s, i * s + w) for i, w, s in zip(index, window, stride))
        out[(Ellipsis,) + index] = reduce(x[(Ellipsis,) + box], axis=tuple(
            range(2, x.ndim)))
    return out


# (module, function, window, data_format, input shape, NumPy reduction,
# TF1's output name); every case pools with stride 2, VALID.
CASES = [
    (tf_layers, "max_pooling1d", 3, "channels_first", (2, 3, 9), np.max,
     "max_pooling1d/Squeeze:0"),
    (tf_layers, "average_pooling1d", 3, "channels_first", (2, 3, 9), np.mean,
     "average_pooling1d/Squeeze:0"),
    (tf_layers, "max_pooling2d", 3, "channels_first", (2, 3, 7, 7), np.max,
     "max_pooling2d/MaxPool:0"),
    (tf_layers, "average_pooling2d", 3, "channels_first", (2, 3, 7, 7),
     np.mean, "average_pooling2d/AvgPool:0"),
    (tf_layers, "max_pooling3d", 2, "channels_first", (2, 3, 4, 4, 4), np.max,
     "max_pooling3d/transpose_1:0"),
    (layers, "max_pool2d", 3, "NCHW", (2, 3, 7, 7), np.max,
     "MaxPool2D/MaxPool:0"),
    (layers, "avg_pool2d", 3, "NCHW", (2, 3, 7, 7), np.mean,
     "AvgPool2D/AvgPool:0"),
    (layers, "max_pool3d", 2, "NCDHW", (2, 3, 4, 4, 4), np.max,
     "MaxPool3D/transpose_1:0"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_channels_first_pooling_runs_channels_last(case):
    module, function, window, data_format, shape, reduce, name = case
    x_value = np.random.RandomState(0).randn(*shape).astype(np.float32)
    with tf.Graph().as_default() as graph:
        x = tf.compat.v1.placeholder(tf.float32, shape)
        y = getattr(module, function)(x, window, 2, data_format=data_format)
        pools = [op for op in graph.get_operations() if "Pool" in op.type]
        assert pools and all(
            op.get_attr("data_format") in (b"NHWC", b"NDHWC") for op in pools)
        assert y.name == name
        with tf.compat.v1.Session() as session:
            value = session.run(y, {x: x_value})
    spatial = len(shape) - 2
    expected = _reference(x_value, (window,) * spatial, (2,) * spatial, reduce)
    np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-6)
