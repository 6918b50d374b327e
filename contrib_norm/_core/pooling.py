"""Pooling of channels-first inputs that stays correct on a CPU.

TF1's Keras-based layers moved channels-first inputs to channels last on a
machine without a GPU (Keras' "NCHW support" check), and its 3-D pooling
always ran channels last. Here too: without a GPU, every channels-first 2-D
and 3-D pool runs channels last, transposed there and back. It is not only
speed: TensorFlow 2.15's CPU max pool in NCHW (a oneDNN kernel) returns
wrong values in some processes, depending on the pools run before it
(measured: 2.12 off in a `max_pooling1d(data_format='channels_first')` of
values near 1, in 3 of 20 processes). With a GPU, 2-D pooling runs NCHW
natively, as TF1 did.
"""

import functools

import tensorflow as tf


@functools.lru_cache(maxsize=None)
def _gpu_present():
    # Physical devices: listing them does not initialize the runtime, so
    # tf.config.set_visible_devices stays possible afterwards.
    return bool(tf.config.list_physical_devices("GPU"))


def channels_first_pool(pool_fn, inputs, window, strides, padding, op_name):
    """`pool_fn` (a `tf.nn` 2-D or 3-D pool) over `[N, C, *spatial]` inputs.

    Args:
      pool_fn: `tf.nn.max_pool2d`, `avg_pool2d`, `max_pool3d` or `avg_pool3d`.
      inputs: a channels-first tensor of rank 4 or 5.
      window, strides: ints per spatial dimension.
      padding: 'SAME' or 'VALID'.
      op_name: the pool op's name. A 2-D pool run channels last names its
        last transpose so, so that the output keeps the native op's name
        (`.../MaxPool:0`); a 3-D pool keeps TF1's names (the pool op, then
        `transpose_1`).

    Returns:
      The pooled tensor, channels first.
    """
    spatial = inputs.shape.rank - 2
    window, strides = list(window), list(strides)
    if spatial == 2 and _gpu_present():
        return pool_fn(
            inputs, window, strides, padding, data_format="NCHW", name=op_name
        )
    to_last = [0] + list(range(2, spatial + 2)) + [1]
    to_first = [0, spatial + 1] + list(range(1, spatial + 1))
    channels_last = "NHWC" if spatial == 2 else "NDHWC"
    pooled = pool_fn(
        tf.transpose(inputs, to_last),
        window,
        strides,
        padding,
        data_format=channels_last,
        name=op_name if spatial == 3 else op_name + "_channels_last",
    )
    return tf.transpose(pooled, to_first, name=None if spatial == 3 else op_name)
