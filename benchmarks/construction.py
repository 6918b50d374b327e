"""Graph-construction time per layer: what a call adds to model building."""

import time

import numpy as np
import tensorflow as tf

from benchmarks import cases

v1 = tf.compat.v1


def _build_once(key, shape):
    """Seconds to build the layer, then its gradients, in a fresh graph."""
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, shape)
        start = time.perf_counter()
        with v1.variable_scope("case"):
            y = cases.BUILDERS[key](x)
        built = time.perf_counter()
        tf.gradients(y, [x] + v1.trainable_variables())
        done = time.perf_counter()
    return built - start, done - built


def run(keys, shape, repeats):
    """Median construction times of each layer in `keys`.

    Args:
      keys: keys of `cases.BUILDERS`.
      shape: the (static) input shape.
      repeats: timed builds per layer (after one untimed build, which
        imports and traces what the first call needs).

    Returns:
      A list of dicts: `layer`, `build_ms` (the call) and `gradients_ms`
      (`tf.gradients` of its output), medians over `repeats` fresh graphs.
    """
    rows = []
    for key in keys:
        _build_once(key, shape)
        times = np.array([_build_once(key, shape) for _ in range(repeats)])
        rows.append(
            {
                "layer": key,
                "shape": list(shape),
                "build_ms": 1e3 * float(np.median(times[:, 0])),
                "gradients_ms": 1e3 * float(np.median(times[:, 1])),
            }
        )
    return rows
