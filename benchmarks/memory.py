"""Peak process memory of a training step, each in a fresh process.

Peak RSS only grows within a process, so each layer's step is measured in a
child of its own: it imports the same modules whatever the layer (the
layers are imported by `benchmarks.cases`; Keras 3 is only imported by the
Keras anchors, which are not measured here), builds the step, runs it and
reports, from /proc/self/status (`resource.getrusage` elsewhere):

* `baseline_mb`: the resident memory after the imports;
* `before_steps_mb`: after building the graph and initializing its
  variables (the input and upstream gradient included);
* `peak_mb`: the peak resident memory (VmHWM) after the steps.

The ratio reported is the peak against the raw fused kernel's (the target is
on this whole-process figure), with the net peak above the baseline (what
the step itself needs) alongside.

The children run with `MALLOC_MMAP_THRESHOLD_=1048576`. With glibc's
default, the threshold for mapping a block of its own rises after the first
large free, later 25 MB tensors come from the heap and are kept there, and
the peak RSS then depends on the allocation history: the same graph
measured, e.g., 773, 847 and 872 MiB in three children. With a fixed 1 MiB
threshold each tensor is mapped and unmapped, the resident size follows the
live tensors, and the figure is the same in every child (to the MiB). Each
layer is still measured in `repeats` children, interleaved with the
anchor's, and the medians compared (the min-max is reported).

Run a child by hand: `python -m benchmarks.memory KEY 32,56,56,64`.
"""

import json
import os
import resource
import subprocess
import sys

import numpy as np

MARKER = "@@BENCH_MEMORY@@ "


def _status_mb(field):
    """A /proc/self/status field in MiB, or None where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _peak_mb():
    peak = _status_mb("VmHWM")
    if peak is None:  # ru_maxrss is in KiB on Linux, bytes on macOS.
        scale = 1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    return peak


def _rss_mb():
    rss = _status_mb("VmRSS")
    return _peak_mb() if rss is None else rss


def measure(key, shape, steps=5):
    """In this process: the memory figures of `key`'s training step."""
    # Imported here so that the figures include exactly these imports.
    from benchmarks import cases  # pylint: disable=g-import-not-at-top
    from benchmarks import step as step_lib  # pylint: disable=g-import-not-at-top

    baseline = _rss_mb()
    step = step_lib.build(key, tuple(shape), cases.TRAIN)
    before = _rss_mb()
    for _ in range(steps):
        step.session.run(step.fetch)
    peak = _peak_mb()
    step.session.close()
    return {
        "layer": key,
        "shape": list(shape),
        "baseline_mb": baseline,
        "before_steps_mb": before,
        "peak_mb": peak,
        "net_peak_mb": peak - baseline,
    }


def measure_in_child(key, shape, steps=5, timeout=600):
    """`measure` in a fresh Python process; returns its dict."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    # glibc: every block of 1 MiB or more gets its own mapping, returned to
    # the system when freed, so the resident size follows the live tensors
    # (see the module docstring).
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (root, env.get("PYTHONPATH")) if p
    )
    argv = [sys.executable, "-m", "benchmarks.memory", key]
    argv += [",".join(str(d) for d in shape), str(steps)]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError(
        f"the memory child for {key!r} failed (exit {result.returncode}):\n"
        + result.stderr[-3000:]
    )


def run(keys, anchor, shape, steps=5, repeats=2, log=print):
    """Peak memory of each layer's step against `anchor`'s, one child each.

    Every layer (and the anchor) is measured in `repeats` children, in
    turn, and the medians are compared.

    Returns:
      A list of dicts: `layer`, `shape`, `peak_mb` and `net_peak_mb`
      (medians), `peak_range_mb` ([min, max]), the anchor's
      `anchor_peak_mb` and `anchor_net_peak_mb`, `ratio` (peak / anchor's
      peak) and `net_ratio`.
    """
    names = [anchor] + list(keys)
    figures = {name: [] for name in names}
    for _ in range(repeats):
        for name in names:
            figures[name].append(measure_in_child(name, shape, steps))

    def median(name, field):
        """The median of `field` over `name`'s children."""
        return float(np.median([f[field] for f in figures[name]]))

    anchor_peak = median(anchor, "peak_mb")
    anchor_net = median(anchor, "net_peak_mb")
    log(f"  {anchor}: peak {anchor_peak:.0f} MiB")
    rows = []
    for key in keys:
        peaks = [f["peak_mb"] for f in figures[key]]
        row = {
            "layer": key,
            "shape": list(shape),
            "peak_mb": median(key, "peak_mb"),
            "peak_range_mb": [min(peaks), max(peaks)],
            "net_peak_mb": median(key, "net_peak_mb"),
            "anchor": anchor,
            "anchor_peak_mb": anchor_peak,
            "anchor_net_peak_mb": anchor_net,
            "repeats": repeats,
        }
        row["ratio"] = row["peak_mb"] / anchor_peak
        row["net_ratio"] = row["net_peak_mb"] / anchor_net
        rows.append(row)
        log(f"  {key}: peak {row['peak_mb']:.0f} MiB ({row['ratio']:.3f}x)")
    return rows


def main(argv=None):
    """The child: `KEY SHAPE [STEPS]`; prints `measure`'s dict after MARKER."""
    argv = sys.argv[1:] if argv is None else argv
    key, shape = argv[0], [int(d) for d in argv[1].split(",")]
    steps = int(argv[2]) if len(argv) > 2 else 5
    result = measure(key, shape, steps)
    sys.stdout.write("\n" + MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
