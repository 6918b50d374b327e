"""How a layer's training step grows with the batch size.

At each batch size the steps of every layer are timed interleaved (as the
comparisons are), so each layer's time is also given as a ratio to the
first layer's (the raw fused kernel) at the same size. Per layer, the
per-sample time at each size relative to the smallest, and the slope of
log(time) against log(batch), show how the cost grows (linear: slope 1);
the ratios to the fused kernel show whether it grows as the kernel's does.
"""

import numpy as np
import tensorflow as tf

from benchmarks import cases
from benchmarks import step as step_lib
from benchmarks import timing


def run(keys, shape, batches, budget, dtype=tf.float32, device=None, log=print):
    """Times each layer's step at each batch size.

    Args:
      keys: keys of `cases.BUILDERS`; the first is the reference.
      shape: the input shape; its first dimension is replaced by each batch.
      batches: the batch sizes, increasing.
      budget: a `timing.Budget` per batch size.
      dtype: the input dtype.
      device: optional device.
      log: called with a line of progress.

    Returns:
      A list of dicts, one per layer: `layer`, `batches`, `ms` (median per
      step), `vs_reference` (median per-round ratio to the first layer),
      `per_sample_vs_smallest` and `slope` (of the log-log fit).
    """
    ms = np.zeros((len(keys), len(batches)))
    ratios = np.zeros_like(ms)
    for j, batch in enumerate(batches):
        steps = [
            step_lib.build(
                key, (batch,) + tuple(shape[1:]), cases.TRAIN, dtype, device
            )
            for key in keys
        ]
        try:
            times = timing.interleaved(steps, budget)
        finally:
            for step in steps:
                step.session.close()
        ms[:, j] = 1e3 * np.median(times, axis=0)
        ratios[:, j] = np.median(times / times[:, :1], axis=0)
        log(f"  batch {batch}: " + ", ".join(f"{m:.1f}" for m in ms[:, j]) + " ms")
    rows = []
    for i, key in enumerate(keys):
        per_sample = ms[i] / np.asarray(batches, dtype=float)
        rows.append(
            {
                "layer": key,
                "shape": list(shape[1:]),
                "batches": list(batches),
                "ms": [float(m) for m in ms[i]],
                "vs_reference": [float(r) for r in ratios[i]],
                "per_sample_vs_smallest": [
                    float(p / per_sample[0]) for p in per_sample
                ],
                "slope": float(np.polyfit(np.log(batches), np.log(ms[i]), 1)[0]),
            }
        )
    return rows
