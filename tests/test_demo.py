"""`make demo QUICK=1`: migrate the 2017 script, train it, check the results."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
import demo  # noqa: E402  pylint: disable=wrong-import-position

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

CHANCE = 0.1


@pytest.fixture(scope="module")
def quick_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py"), "--quick",
         "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=str(ROOT))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out, result.stdout


def test_the_legacy_script_is_untouched_tf1_code():
    source = (ROOT / "examples" / "legacy" / "train_digits.py").read_text()
    for legacy_use in ("tf.placeholder", "tf.contrib.layers.batch_norm",
                       "tf.contrib.layers.group_norm",
                       "tf.contrib.layers.layer_norm",
                       "tf.contrib.framework.arg_scope",
                       "tf.layers.batch_normalization",
                       "tf.contrib.nn.alpha_dropout", "tf.nn.selu",
                       "tf.GraphKeys.UPDATE_OPS", "tf.train.Saver",
                       "flags.DEFINE_string('norm'",
                       "flags.DEFINE_integer('batch_size'",
                       "slim = tf.contrib.slim", "slim.arg_scope(",
                       "normalizer_fn=tf.contrib.layers.batch_norm",
                       "slim.conv2d(", "slim.fully_connected(",
                       "slim.flatten(", "tf.layers.conv2d(",
                       "tf.layers.dense(", "tf.layers.max_pooling2d("):
        assert legacy_use in source, legacy_use
    assert "contrib_norm" not in source


@pytest.mark.slow
def test_migration_leaves_no_tf_contrib(quick_demo):
    out, stdout = quick_demo
    migrated = (out / "migrated" / "train_digits.py").read_text()
    assert "tf.contrib" not in migrated
    assert "contrib_norm.layers.batch_norm" in migrated
    # No call through tf.layers is left (the comments may still say it).
    assert not re.search(r"tf\.(compat\.v1\.)?layers\.\w+\(", migrated)
    assert "contrib_norm.slim.conv2d(" in migrated
    assert "contrib_norm.tf_layers.dense(" in migrated
    assert (out / "migrated" / "report.txt").exists()
    assert "tf.contrib uses left after migration: 0" in stdout


@pytest.mark.slow
def test_summary_is_complete(quick_demo):
    out, _ = quick_demo
    summary = json.loads((out / "summary.json").read_text())
    runs = {(r["norm"], r["batch_size"], r["seed"]): r
            for r in summary["runs"]}
    expected = {(n, b, s) for n in demo.NORMS for b in demo.QUICK_BATCH_SIZES
                for s in range(demo.QUICK_SEEDS)}
    assert set(runs) == expected
    assert summary["seeds"] == demo.QUICK_SEEDS
    assert len(summary["test_accuracy_over_seeds"]) == len(
        demo.NORMS) * len(demo.QUICK_BATCH_SIZES)
    for run in runs.values():
        for key in ("test_accuracy", "train_mode_accuracy", "seconds",
                    "steps", "curve"):
            assert key in run
        assert run["steps"] > 0 and run["seconds"] > 0
        assert len(run["curve"]) == summary["epochs"]
        assert run["checkpoint_restored_identically"]
    assert (out / "curves.png").stat().st_size > 10000
    deep = summary["selu_vs_batchnorm"]
    assert set(deep) == {"selu", "relu_bn"}
    for model in deep.values():
        assert model["test_accuracy"] > CHANCE + 0.1


@pytest.mark.slow
def test_accuracies_are_sane(quick_demo):
    out, _ = quick_demo
    runs = {(r["norm"], r["batch_size"]): r
            for r in json.loads((out / "summary.json").read_text())["runs"]}
    for key, run in runs.items():
        assert run["test_accuracy"] > CHANCE + 0.1, (key, run["test_accuracy"])
    bn = runs[("batch_norm", 32)]
    assert bn["test_accuracy"] > 0.8
    # Moving statistics (inference mode) reproduce batch statistics.
    assert abs(bn["test_accuracy"] - bn["train_mode_accuracy"]) < 0.05


def test_spread_and_plot_over_seeds(tmp_path):
    # The full demo's several seeds, without training: made-up runs.
    runs = [{"norm": norm, "batch_size": b, "seed": seed,
             "test_accuracy": 0.9 + 0.01 * seed,
             "curve": [0.5 + 0.01 * seed, 0.9 + 0.01 * seed]}
            for norm in demo.NORMS for b in (2, 32) for seed in range(3)]
    stats = demo.spread(runs)
    assert stats[("selu", 2)]["seeds"] == 3
    assert stats[("selu", 2)]["test_accuracy"] == pytest.approx(
        (0.91, 0.9, 0.92))
    assert stats[("selu", 2)]["curve"][0] == pytest.approx((0.51, 0.5, 0.52))
    looks = {tuple(sorted(demo._style(i).items()))  # pylint: disable=protected-access
             for i in range(len(demo.NORMS))}
    assert len(looks) == len(demo.NORMS)
    markers = {demo._style(i)["marker"]  # pylint: disable=protected-access
               for i in range(len(demo.NORMS))}
    assert len(markers) == len(demo.NORMS)  # told apart without colour
    demo.plot(runs, demo.NORMS, (2, 32), tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 10000
