"""Runs the case table: each contrib_norm step against its anchor's."""

import tensorflow as tf

from benchmarks import cases
from benchmarks import report
from benchmarks import step as step_lib
from benchmarks import timing


class _Steps:
    """The steps of one input shape, built once and shared by comparisons."""

    def __init__(self, dtype, device):
        self._dtype = dtype
        self._device = device
        self._steps = {}

    def get(self, key, shape, mode):
        """The step of layer `key` on `shape` in `mode`, built on first use."""
        name = (key, shape, mode)
        if name not in self._steps:
            self._steps[name] = step_lib.build(
                key, shape, mode, dtype=self._dtype, device=self._device
            )
        return self._steps[name]

    def close(self):
        """Closes every session."""
        for step in self._steps.values():
            step.session.close()
        self._steps.clear()


def run(comparisons, shape_keys, budget, dtype=tf.float32, device=None, log=print):
    """Times every comparison on every applicable shape.

    Args:
      comparisons: `cases.Comparison`s.
      shape_keys: the keys of `cases.SHAPES` to measure.
      budget: a `timing.Budget` per comparison.
      dtype: the input dtype.
      device: optional device, e.g. '/GPU:0'.
      log: called with a line of progress.

    Returns:
      A list of dicts, one per (comparison, shape): the comparison's fields,
      `shape`, the `timing.ratio_summary` figures, `meets_target` (None
      without a target), `verdict` (`report.ratio_verdict`), `profile`
      (graph-level counts of both sides) and, for comparisons with a floor,
      `floor` (the floor's ratio to the anchor: `ratio`, `q25`, `q75`, and
      its median time `ms`).
    """
    rows = []
    for shape_key in shape_keys:
        steps = _Steps(dtype, device)
        try:
            for comparison in comparisons:
                if shape_key not in comparison.shapes:
                    continue
                shape = cases.input_shape(shape_key, comparison.data_format)
                ours = steps.get(comparison.ours, shape, comparison.mode)
                anchor = steps.get(comparison.anchor, shape, comparison.mode)
                timed = [ours, anchor]
                if comparison.floor:
                    timed.append(steps.get(cases.FLOOR, shape, comparison.mode))
                times = timing.interleaved(timed, budget)
                row = {
                    "ours": comparison.ours,
                    "anchor": comparison.anchor,
                    "shape_key": shape_key,
                    "shape": list(shape),
                    "data_format": comparison.data_format,
                    "mode": comparison.mode,
                    "target": comparison.target,
                }
                row.update(timing.ratio_summary(times[:, 0], times[:, 1]))
                if comparison.floor:
                    row["floor"] = _floor(times[:, 2], times[:, 1])
                row["meets_target"] = (
                    None
                    if comparison.target is None
                    else row["ratio"] <= comparison.target
                )
                row["verdict"] = report.ratio_verdict(row)
                row["profile"] = {
                    "ours": dict(ours.profile, **step_lib.optimized_profile(ours)),
                    "anchor": dict(
                        anchor.profile, **step_lib.optimized_profile(anchor)
                    ),
                }
                rows.append(row)
                log(_progress(row))
        finally:
            steps.close()
    return rows


def _floor(floor_times, anchor_times):
    """The floor's ratio to the anchor (median, quartiles) and its time.

    The floor (`cases.FLOOR`) was timed in the same rounds: its median ratio
    to the anchor is, in practice, the best a formulation in TensorFlow ops
    could reach there, so a target below it is out of reach on that input.
    """
    summary = timing.ratio_summary(floor_times, anchor_times)
    return {key: summary[key] for key in ("ratio", "q25", "q75", "ms")}


def _progress(row):
    floor = f", floor {row['floor']['ratio']:.3f}" if "floor" in row else ""
    return (
        f"  {row['shape_key']:>5} {row['ours']} / {row['anchor']}: "
        f"{row['ratio']:.3f}{floor} ({row['rounds']} rounds)"
    )
