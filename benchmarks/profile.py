"""Where a step's time goes: per-op times from a traced run, and op counts.

`python -m benchmarks.profile KEY [KEY ...] [--shape 32,56,56,64]
[--mode train|forward] [--top 15]` prints, for each layer of
`cases.BUILDERS`, the graph-level counts (ops, transposes, full-size
tensors), then the ops that took the most time over a few traced runs
(TensorFlow's step stats, after Grappler's rewrites), with the shape of
their first output. This is how the formulations were profiled (see
README.md).
"""

import argparse
import collections
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from benchmarks import cases  # noqa: E402
from benchmarks import step as step_lib  # noqa: E402

v1 = tf.compat.v1


def op_times(step, runs=5):
    """Total microseconds per node over `runs` traced runs, largest first.

    Returns:
      A list of `(node name, op type, microseconds per run, output shape)`.
    """
    totals = collections.Counter()
    kinds, shapes = {}, {}
    options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
    for _ in range(runs):
        metadata = v1.RunMetadata()
        step.session.run(step.fetch, options=options, run_metadata=metadata)
        for device in metadata.step_stats.dev_stats:
            for node in device.node_stats:
                name = node.node_name.split(":")[0]
                totals[name] += node.op_end_rel_micros - node.op_start_rel_micros
                kinds[name] = node.timeline_label.split("=")[-1].split("(")[0].strip()
                if node.output:
                    dims = node.output[0].tensor_description.shape.dim
                    shapes[name] = [d.size for d in dims]
    return [
        (name, kinds.get(name, ""), micros / runs, shapes.get(name))
        for name, micros in totals.most_common()
    ]


def main(argv=None):
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keys", nargs="+", help="keys of benchmarks.cases.BUILDERS")
    parser.add_argument("--shape", default="32,56,56,64")
    parser.add_argument(
        "--mode", default=cases.TRAIN, choices=(cases.TRAIN, cases.FORWARD)
    )
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    shape = tuple(int(d) for d in args.shape.split(","))
    for key in args.keys:
        step = step_lib.build(key, shape, args.mode)
        for _ in range(2):
            step.session.run(step.fetch)
        rows = op_times(step)
        total = sum(r[2] for r in rows)
        counts = dict(step.profile, **step_lib.optimized_profile(step))
        print(
            f"\n{key} {shape} {args.mode}: {counts}; "
            f"traced op time {total / 1e3:.1f} ms"
        )
        for name, kind, micros, out in rows[: args.top]:
            print(f"  {micros / 1e3:7.2f} ms  {kind:28.28s} {name[-60:]:60s} {out}")
        step.session.close()


if __name__ == "__main__":
    main()
