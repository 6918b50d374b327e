"""The benchmark suite: `python -m benchmarks [--quick]` (or `make bench`).

Prints the tables and writes benchmarks/results.json (see README.md):

1. time ratios, contrib_norm against its anchor, per case and input;
2. graph-construction time per layer;
3. peak process memory of the [32, 56, 56, 64] training step against the
   raw fused kernel's, each in a fresh process;
4. how the training step's time grows with the batch size.

`--quick` measures the main input only, with a short budget, and skips 3
and 4: a smoke run of a minute or so, not the recorded figures.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from benchmarks import cases  # noqa: E402
from benchmarks import comparisons as comparisons_lib  # noqa: E402
from benchmarks import construction  # noqa: E402
from benchmarks import machine  # noqa: E402
from benchmarks import memory  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks import scaling  # noqa: E402
from benchmarks import timing  # noqa: E402

MAIN_SHAPE = "main"
MEMORY_TARGET = 1.1
MEMORY_ANCHOR = "raw fused + 2 assigns (scale)"
# The layers whose construction, memory and scaling are reported.
CONTRIB_LAYERS = (
    "batch_norm()",
    "batch_norm(fused=True, scale=True)",
    "batch_normalization(training=True)",
    "batch_norm(batch_weights=w)",
    "batch_norm(renorm=True)",
    "group_norm(groups=32)",
    "instance_norm()",
    "layer_norm()",
    "switchable_norm()",
)
CONSTRUCTION_ANCHORS = (
    "raw fused + 2 assigns (scale)",
    "keras GroupNormalization(32)",
    "keras LayerNormalization(axis=1..)",
    "three tf.nn.moments switchable",
)
SCALING_LAYERS = (
    "raw fused + 2 assigns (scale)",
    "batch_norm()",
    "group_norm(groups=32)",
    "instance_norm()",
    "layer_norm()",
    "switchable_norm()",
)
SCALING_BATCHES = (8, 32, 128)
SECTIONS = ("comparisons", "construction", "memory", "scaling")

QUICK = dict(
    shapes=("main",),
    budget=timing.Budget(seconds=1.0, min_rounds=3, warmup=1),
    construction_repeats=3,
    skip=("memory", "scaling"),
)
FULL = dict(
    shapes=cases.ALL_SHAPES,
    budget=timing.Budget(seconds=8.0, min_rounds=20),
    construction_repeats=10,
    skip=(),
)
SCALING_BUDGET = timing.Budget(seconds=8.0, min_rounds=5)


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="main input, short budget, no memory/scaling",
    )
    parser.add_argument(
        "--output", default=report.DEFAULT_OUTPUT, help="where to write the JSON"
    )
    parser.add_argument(
        "--shapes", help="comma-separated inputs among " + ",".join(cases.ALL_SHAPES)
    )
    parser.add_argument(
        "--only", help="only the comparisons whose layer or anchor contains this"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated sections among " + ",".join(SECTIONS),
    )
    parser.add_argument(
        "--seconds", type=float, help="timing budget per comparison (seconds)"
    )
    parser.add_argument("--rounds", type=int, help="minimum timed rounds")
    parser.add_argument(
        "--device", default="cpu", choices=("cpu", "gpu"), help="where to run"
    )
    parser.add_argument(
        "--dtype", default="float32", choices=("float32", "float16", "bfloat16")
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a target is missed"
    )
    return parser.parse_args(argv)


def _settings(args):
    settings = dict(QUICK if args.quick else FULL)
    if args.shapes:
        settings["shapes"] = tuple(s.strip() for s in args.shapes.split(","))
        unknown = set(settings["shapes"]) - set(cases.ALL_SHAPES)
        if unknown:
            raise SystemExit(f"unknown --shapes {sorted(unknown)}")
    skip = set(settings["skip"]) | {s for s in args.skip.split(",") if s}
    if skip - set(SECTIONS):
        raise SystemExit(f"unknown --skip {sorted(skip - set(SECTIONS))}")
    settings["skip"] = tuple(sorted(skip))
    budget = settings["budget"]
    if args.seconds is not None or args.rounds is not None:
        budget = timing.Budget(
            seconds=budget.seconds if args.seconds is None else args.seconds,
            min_rounds=budget.min_rounds if args.rounds is None else args.rounds,
            warmup=budget.warmup,
        )
    settings["budget"] = budget
    settings["device"] = "/GPU:0" if args.device == "gpu" else None
    settings["dtype"] = tf.as_dtype(args.dtype)
    return settings


def _section(title, text):
    print(f"\n== {title} ==")
    print(text)
    sys.stdout.flush()


def _selected(only):
    if not only:
        return cases.COMPARISONS
    return tuple(c for c in cases.COMPARISONS if only in c.ours or only in c.anchor)


def _summary(rows, memory_rows):
    """Targets met and missed: the main input's, and the other inputs'.

    The targets are set for the main input; on the small and rank-2 inputs
    the same targets are checked and reported separately (see README.md).
    """

    def line(r):
        """One line about row `r`."""
        floor = f", floor {r['floor']['ratio']:.3f}" if "floor" in r else ""
        return (
            f"{r['shape_key']}: {r['ours']} / {r['anchor']} = {r['ratio']:.3f} "
            f"(IQR {r['q25']:.2f}-{r['q75']:.2f}, target {r['target']}{floor}, "
            f"{r['verdict']})"
        )

    checked = [r for r in rows if r["meets_target"] is not None]
    main = [r for r in checked if r["shape_key"] == MAIN_SHAPE]
    others = [r for r in checked if r["shape_key"] != MAIN_SHAPE]
    missed = [line(r) for r in main if not r["meets_target"]]
    missed += [
        f"memory: {r['layer']} = {r['ratio']:.3f} (target {MEMORY_TARGET})"
        for r in memory_rows
        if r["ratio"] > MEMORY_TARGET
    ]
    targets = len(main) + len(memory_rows)
    return {
        "targets": targets,
        "met": targets - len(missed),
        "missed": missed,
        "other_inputs": {
            "checked": len(others),
            "met": sum(bool(r["meets_target"]) for r in others),
            "missed": [line(r) for r in others if not r["meets_target"]],
        },
    }


def run(argv=None):
    """Runs the suite; returns the results written to the JSON file."""
    return _run(_parse(argv))


def _time_ratios(args, settings):
    rows = comparisons_lib.run(
        _selected(args.only),
        settings["shapes"],
        settings["budget"],
        dtype=settings["dtype"],
        device=settings["device"],
    )
    _section(
        "time ratios (median of interleaved rounds)", report.comparisons_table(rows)
    )
    return rows


def _construction(args, settings):
    del args  # unused
    rows = construction.run(
        CONTRIB_LAYERS + CONSTRUCTION_ANCHORS,
        cases.SHAPES[MAIN_SHAPE],
        settings["construction_repeats"],
    )
    _section("graph construction per layer", report.construction_table(rows))
    return rows


def _memory(args, settings):
    del args, settings  # unused: always float32 on the CPU
    rows = memory.run(CONTRIB_LAYERS, MEMORY_ANCHOR, cases.SHAPES[MAIN_SHAPE])
    _section(
        f"peak process memory, {cases.SHAPES[MAIN_SHAPE]} training step",
        report.memory_table(rows, MEMORY_TARGET),
    )
    return rows


def _scaling(args, settings):
    del args  # unused
    rows = scaling.run(
        SCALING_LAYERS,
        cases.SHAPES[MAIN_SHAPE],
        SCALING_BATCHES,
        SCALING_BUDGET,
        dtype=settings["dtype"],
        device=settings["device"],
    )
    _section("time against batch size", report.scaling_table(rows))
    return rows


_SECTION_FUNCTIONS = {
    "comparisons": _time_ratios,
    "construction": _construction,
    "memory": _memory,
    "scaling": _scaling,
}


def _header(args, settings):
    results = {
        "mode": "quick" if args.quick else "full",
        "machine": machine.describe(settings["device"]),
        "device": args.device,
        "dtype": args.dtype,
        "load_average_start": machine.load_average(),
        "settings": {
            "shapes": {k: list(cases.SHAPES[k]) for k in settings["shapes"]},
            "budget": vars(settings["budget"]),
            "skipped": list(settings["skip"]),
        },
    }
    info = results["machine"]
    print(
        f"contrib_norm benchmarks ({results['mode']}): TensorFlow "
        f"{info['tensorflow']}, Keras {info['keras']}, {info['cpu']} "
        f"({info['usable_cores']} cores), device {args.device}, {args.dtype}, "
        f"load {results['load_average_start']}"
    )
    if args.device == "gpu" and not info["gpus"]:
        print("warning: no GPU is visible; the ops run on the CPU (soft placement)")
    return results


def _print_summary(results, output):
    for row in results["comparisons"]:
        if row["anchor"] == cases.SAME_AS_ANCHOR:
            print(
                f"A/A noise floor ({row['shape_key']}): {row['ratio']:.3f}, IQR "
                f"{row['q25']:.2f}-{row['q75']:.2f} over {row['rounds']} rounds"
            )
    summary = results["summary"]
    print(
        f"\n{summary['met']}/{summary['targets']} targets (main input, memory) "
        f"met in {results['seconds']} s; load {results['load_average_end']}; "
        f"wrote {output}"
    )
    for line in summary["missed"]:
        print("  missed: " + line)
    others = summary["other_inputs"]
    if others["checked"]:
        print(
            "small and rank-2 inputs, against the same targets: "
            f"{others['met']}/{others['checked']}"
        )
        for line in others["missed"]:
            print("  over: " + line)


def _run(args):
    settings = _settings(args)
    results = _header(args, settings)
    started = time.perf_counter()
    for section, function in _SECTION_FUNCTIONS.items():
        skipped = section in settings["skip"]
        results[section] = [] if skipped else function(args, settings)
    results["memory"] = {"target": MEMORY_TARGET, "rows": results["memory"]}
    results["load_average_end"] = machine.load_average()
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["summary"] = _summary(results["comparisons"], results["memory"]["rows"])
    report.write_json(results, args.output)
    _print_summary(results, args.output)
    return results


def main(argv=None):
    """The command line: runs the suite (exit 1 with --strict on a miss)."""
    args = _parse(argv)
    results = _run(args)
    if args.strict and results["summary"]["missed"]:
        sys.exit(1)
