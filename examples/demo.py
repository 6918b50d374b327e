"""`make demo`: an untouched 2017 training script, migrated and trained today.

1. Migrates `examples/legacy/train_digits.py` (TF 1.x, never edited) with
   `contrib-norm-migrate` into `demo-results/migrated/`, report beside it.
2. Runs the migrated program on scikit-learn's digits (1,797 8x8 images,
   shipped with the package) for every normalization and batch size, with
   several seeds (each draws its own train/test split, initialization and
   batches), testing in inference mode (moving statistics).
3. Restores each run's checkpoint in a new graph and session and checks that
   the predictions are identical.
4. Trains the deep SELU network of `examples/selu_vs_batchnorm.py` against
   its ReLU + batch_norm twin.
5. Writes `demo-results/summary.json` and `demo-results/curves.png` (mean
   and spread over the seeds), and prints a table.

`--quick` runs a short subset with one seed, about 1.5 minutes (used by the
test suite).
"""

import argparse
import difflib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = pathlib.Path(__file__).resolve().parent
LEGACY = ROOT / "legacy" / "train_digits.py"

NORMS = ("none", "batch_norm", "batch_normalization", "group_norm",
         "layer_norm", "switchable_norm", "selu")
BATCH_SIZES = (2, 4, 8, 16, 32)
EPOCHS = 8
SEEDS = 3
QUICK_BATCH_SIZES = (8, 32)
QUICK_EPOCHS = 3
QUICK_SEEDS = 1
# The linear scaling rule of the Group Normalization paper (Wu & He, 2018):
# the same number of epochs for every batch size, learning rate ~ batch size.
BASE_LEARNING_RATE = 0.05
BASE_BATCH_SIZE = 32


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a short subset (about 1.5 minutes): batch "
                             "sizes 8 and 32, 3 epochs")
    parser.add_argument("--out", default="demo-results",
                        help="output directory (default: demo-results)")
    parser.add_argument("--norms", default=",".join(NORMS),
                        help="comma-separated normalizations to run")
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per normalization and batch size "
                             f"(default: {SEEDS}; {QUICK_SEEDS} with --quick)")
    return parser.parse_args(argv)


def migrate(out_dir):
    """Runs contrib-norm-migrate on the legacy script; returns its path."""
    migrated_dir = out_dir / "migrated"
    migrated_dir.mkdir(parents=True, exist_ok=True)
    target = migrated_dir / LEGACY.name
    report = migrated_dir / "report.txt"
    command = [sys.executable, "-m", "contrib_norm.migrate",
               "--infile", str(LEGACY), "--outfile", str(target),
               "--reportfile", str(report)]
    print("$ contrib-norm-migrate --infile examples/legacy/train_digits.py "
          f"--outfile {target} --reportfile {report}")
    result = subprocess.run(command, capture_output=True, text=True)
    print(result.stdout.strip())
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"migration failed (exit {result.returncode}); "
                         f"see {report}")
    _print_diff_summary(LEGACY, target)
    return target


def _print_diff_summary(before, after):
    old = before.read_text().splitlines()
    new = after.read_text().splitlines()
    diff = [line for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    removed = [line[1:].strip() for line in diff if line.startswith("-")]
    added = [line[1:].strip() for line in diff if line.startswith("+")]
    print(f"diff: {len(removed)} line(s) changed, {len(added)} written; "
          "the normalization calls now read:")
    for line in added:
        if "contrib_norm" in line:
            print(f"  + {line}")
    left = [line for line in new if "tf.contrib" in line]
    print(f"tf.contrib uses left after migration: {len(left)}")


def load_migrated(path):
    spec = importlib.util.spec_from_file_location("migrated_train_digits",
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_switchable_norm(program):
    """Switchable Normalization (2018) postdates the script: plug it in."""
    import contrib_norm  # pylint: disable=import-outside-toplevel
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    def switchable(net, is_training, scope):
        # Fully-connected features become 1x1 maps (IN's variance is then 0;
        # switchable_norm stays finite and learns to weight LN and BN).
        shape = net.get_shape().as_list()
        if len(shape) == 2:
            net = tf.reshape(net, [-1, 1, 1, shape[-1]])
        net = contrib_norm.layers.switchable_norm(
            net, is_training=is_training, scope=scope + "/SwitchableNorm")
        return tf.reshape(net, [-1, shape[-1]]) if len(shape) == 2 else net

    program.NORMALIZERS["switchable_norm"] = switchable


def check_checkpoint(program, run_dir, results):
    """Restores the run's checkpoint in a new graph; are predictions equal?"""
    import numpy as np  # pylint: disable=import-outside-toplevel
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    _, x_test, _, _ = program.load_data(program.FLAGS.seed)
    expected = np.load(run_dir / "test_logits.npy")
    with tf.Graph().as_default() as graph:
        images = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 1])
        is_training = tf.compat.v1.placeholder(tf.bool, [])
        logits = program.build_model(images, is_training, results["norm"])
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session(graph=graph) as sess:
            saver.restore(sess, results["checkpoint"])
            restored = sess.run(logits, {images: x_test, is_training: False})
    return bool(np.array_equal(restored.argmax(1), expected.argmax(1)) and
                np.allclose(restored, expected, rtol=1e-6, atol=1e-6))


def run_all(program, out_dir, norms, batch_sizes, epochs, seeds):
    flags = program.FLAGS
    flags([LEGACY.name])
    runs = []
    for norm in norms:
        for batch_size in batch_sizes:
            for seed in range(seeds):
                run_dir = (out_dir / "runs" /
                           f"{norm}-{batch_size}-seed{seed}")
                flags.norm = norm
                flags.batch_size = batch_size
                flags.epochs = epochs
                flags.seed = seed
                flags.learning_rate = (BASE_LEARNING_RATE * batch_size /
                                       BASE_BATCH_SIZE)
                flags.train_dir = str(run_dir)
                results = program.main(None)
                results["seed"] = seed
                results["checkpoint_restored_identically"] = (
                    check_checkpoint(program, run_dir, results))
                runs.append(results)
    return runs


def spread(runs):
    """Mean, min and max over the seeds, per (norm, batch size).

    Returns {(norm, batch_size): {"test_accuracy": (mean, low, high),
    "curve": [(mean, low, high) per epoch], "seeds": n}}.
    """
    grouped = {}
    for run in runs:
        grouped.setdefault((run["norm"], run["batch_size"]), []).append(run)

    def stats(values):
        return (sum(values) / len(values), min(values), max(values))

    return {key: {"test_accuracy": stats([r["test_accuracy"] for r in group]),
                  "curve": [stats(epoch) for epoch in
                            zip(*(r["curve"] for r in group))],
                  "seeds": len(group)}
            for key, group in grouped.items()}


def print_table(runs, norms, batch_sizes):
    by_key = spread(runs)
    seeds = max(s["seeds"] for s in by_key.values())
    width = 21 if seeds > 1 else 10
    title = ("test accuracy (inference mode)" +
             (f": mean (min-max) of {seeds} seeds" if seeds > 1 else ""))
    header = (" " * 22 +
              "".join(f"{'batch ' + str(b):>{width}}" for b in batch_sizes))
    print()
    print(title)
    print(header)
    print("-" * len(header))
    for norm in norms:
        cells = []
        for b in batch_sizes:
            stats = by_key.get((norm, b))
            if stats is None:
                cells.append(f"{'-':>{width}}")
                continue
            mean, low, high = stats["test_accuracy"]
            cell = (f"{mean:.3f} ({low:.3f}-{high:.3f})" if seeds > 1
                    else f"{mean:.3f}")
            cells.append(f"{cell:>{width}}")
        print(norm.ljust(22) + "".join(cells))
    print()


# One look per normalization: colour, line style and marker all differ, so
# that the series are told apart without colour too.
_LINE_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _style(index):
    return {"color": f"C{index}",
            "linestyle": _LINE_STYLES[index % len(_LINE_STYLES)],
            "marker": _MARKERS[index % len(_MARKERS)]}


def plot(runs, norms, batch_sizes, path):
    """Accuracy against batch size, and the curves at the smallest and largest
    batch size: the mean over the seeds, with their range as error bars and
    bands. The three panels show the same quantity on one shared y-axis."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    by_key = spread(runs)
    seeds = max(s["seeds"] for s in by_key.values())
    small, large = min(batch_sizes), max(batch_sizes)
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2), sharey=True)
    for index, norm in enumerate(norms):
        style = _style(index)
        sizes = [b for b in batch_sizes if (norm, b) in by_key]
        means, lows, highs = zip(*(by_key[(norm, b)]["test_accuracy"]
                                   for b in sizes)) if sizes else ((), (), ())
        # Side by side around each batch size, so that error bars stay apart.
        dodge = 2 ** ((index - (len(norms) - 1) / 2) * 0.035)
        axes[0].errorbar([b * dodge for b in sizes], means,
                         yerr=[[m - lo for m, lo in zip(means, lows)],
                               [hi - m for m, hi in zip(means, highs)]],
                         capsize=3, markersize=5, label=norm, **style)
        for ax, b in ((axes[1], small), (axes[2], large)):
            if (norm, b) not in by_key:
                continue
            mean, low, high = zip(*by_key[(norm, b)]["curve"])
            epochs = range(1, len(mean) + 1)
            ax.plot(epochs, mean, markersize=4, label=norm, **style)
            if seeds > 1:
                ax.fill_between(epochs, low, high, color=style["color"],
                                alpha=0.12, linewidth=0)
    axes[0].set_xscale("log", base=2)
    axes[0].set_xticks(list(batch_sizes))
    axes[0].set_xticklabels([str(b) for b in batch_sizes])
    axes[0].minorticks_off()
    axes[0].set_xlabel("batch size")
    axes[0].set_ylabel("test accuracy (inference mode)")
    axes[0].set_title("After training, against batch size")
    for ax, b in ((axes[1], small), (axes[2], large)):
        ax.set_xlabel("epoch")
        ax.set_title(f"During training, batch size {b}")
        ax.yaxis.set_tick_params(labelleft=True)
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    spread_note = (f"mean of {seeds} seeds; bars and bands: min to max"
                   if seeds > 1 else "one seed")
    fig.suptitle("A 2017 TF1 script, migrated by contrib-norm-migrate, on "
                 f"TensorFlow today (sklearn digits; {spread_note})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    out_dir = pathlib.Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    norms = tuple(n for n in args.norms.split(",") if n)
    unknown = sorted(set(norms) - set(NORMS))
    if unknown:
        raise SystemExit(f"--norms: unknown {unknown}; choose from {NORMS}")
    batch_sizes = QUICK_BATCH_SIZES if args.quick else BATCH_SIZES
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    seeds = args.seeds or (QUICK_SEEDS if args.quick else SEEDS)
    start = time.time()

    print("== 1. Migrate the 2017 script ==")
    migrated = migrate(out_dir)
    print("\n== 2. Train the migrated script on sklearn digits ==")
    program = load_migrated(migrated)
    add_switchable_norm(program)
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    print(f"TensorFlow {tf.__version__}; {len(norms)} normalizations x "
          f"batch sizes {list(batch_sizes)} x {seeds} seed(s), {epochs} "
          "epochs each")
    runs = run_all(program, out_dir, norms, batch_sizes, epochs, seeds)

    print("\n== 3. Checkpoints ==")
    restored = sum(r["checkpoint_restored_identically"] for r in runs)
    print(f"{restored}/{len(runs)} checkpoints restored in a new graph and "
          "session gave identical predictions")

    print("\n== 4. A deep SELU network against ReLU + batch_norm ==")
    sys.path.insert(0, str(ROOT))
    import selu_vs_batchnorm  # pylint: disable=import-outside-toplevel
    deep = selu_vs_batchnorm.main(["--quick"] if args.quick else [])

    print("\n== 5. Report ==")
    summary = {
        "tensorflow": tf.__version__,
        "quick": args.quick,
        "epochs": epochs,
        "seeds": seeds,
        "learning_rate": f"{BASE_LEARNING_RATE} * batch_size / "
                         f"{BASE_BATCH_SIZE}",
        "norms": list(norms),
        "batch_sizes": list(batch_sizes),
        "seconds": time.time() - start,
        "runs": [{k: r[k] for k in ("norm", "batch_size", "seed",
                                    "test_accuracy",
                                    "train_mode_accuracy", "seconds",
                                    "steps", "curve",
                                    "checkpoint_restored_identically")}
                 for r in runs],
        "test_accuracy_over_seeds": [
            {"norm": norm, "batch_size": b, "seeds": stats["seeds"],
             "mean": stats["test_accuracy"][0],
             "min": stats["test_accuracy"][1],
             "max": stats["test_accuracy"][2]}
            for (norm, b), stats in spread(runs).items()],
        "selu_vs_batchnorm": {
            model: {"test_accuracy": r["accuracy"],
                    "init_hidden_mean": r["init_hidden_mean"],
                    "init_hidden_std": r["init_hidden_std"]}
            for model, r in deep.items()},
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    plot(runs, norms, batch_sizes, out_dir / "curves.png")
    print_table(runs, norms, batch_sizes)
    print(f"Wrote {out_dir / 'summary.json'} and {out_dir / 'curves.png'} "
          f"in {summary['seconds']:.0f} s.")
    if restored != len(runs):
        raise SystemExit("some checkpoints did not restore identically")
    return summary


if __name__ == "__main__":
    main()
