"""The benchmark suite still builds and runs (no timing is asserted).

Each case of `benchmarks.cases` is built on the small and rank-2 inputs and
run for a couple of steps through the same code the suite uses; the suite's
command line is run end to end on one case; memory, construction and
scaling are measured on tiny inputs.
"""

import json
import math
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import cases  # noqa: E402
from benchmarks import comparisons  # noqa: E402
from benchmarks import construction  # noqa: E402
from benchmarks import memory  # noqa: E402
from benchmarks import scaling  # noqa: E402
from benchmarks import suite  # noqa: E402
from benchmarks import timing  # noqa: E402

ONE_ROUND = timing.Budget(seconds=0.0, min_rounds=1, max_rounds=1, warmup=1)


def _quiet(_):
    pass


@pytest.mark.slow
def test_every_comparison_runs():
    rows = comparisons.run(
        cases.COMPARISONS, ["small", "rank2"], ONE_ROUND, log=_quiet
    )
    expected = sum(
        shape in c.shapes for c in cases.COMPARISONS for shape in ("small", "rank2")
    )
    assert len(rows) == expected
    for row in rows:
        assert math.isfinite(row["ratio"]) and row["ratio"] > 0, row
        assert row["rounds"] == 1
        for side in ("ours", "anchor"):
            profile = row["profile"][side]
            assert profile["ops"] > 0 and profile["run_nodes"] > 0, row
            assert profile["full_size"] >= 1, row
        if "floor" in row:
            assert row["floor"]["ratio"] > 0 and row["floor"]["ms"] > 0, row
    assert sum("floor" in row for row in rows) == sum(
        c.floor and shape in c.shapes
        for c in cases.COMPARISONS
        for shape in ("small", "rank2")
    )


def test_every_builder_is_compared():
    used = {c.ours for c in cases.COMPARISONS} | {c.anchor for c in cases.COMPARISONS}
    if any(c.floor for c in cases.COMPARISONS):
        used.add(cases.FLOOR)
    assert used == set(cases.BUILDERS)


def test_command_line_writes_results(tmp_path, capsys):
    output = tmp_path / "results.json"
    suite.run(
        [
            "--shapes", "small",
            "--only", "switchable_norm",
            "--seconds", "0",
            "--rounds", "1",
            "--skip", "construction,memory,scaling",
            "--output", str(output),
        ]
    )
    results = json.loads(output.read_text())
    assert results["machine"]["tensorflow"]
    assert {r["anchor"] for r in results["comparisons"]} == {
        "three tf.nn.moments switchable",
        "raw fused + 2 assigns (scale)",
    }
    assert results["summary"]["other_inputs"]["checked"] == 1
    assert "time ratios" in capsys.readouterr().out


def test_memory_construction_and_scaling_run():
    figures = memory.measure("group_norm(groups=32)", [2, 4, 4, 32], steps=2)
    assert figures["peak_mb"] >= figures["before_steps_mb"] > 0
    rows = construction.run(["layer_norm()"], [2, 4, 4, 8], repeats=1)
    assert rows[0]["build_ms"] > 0 and rows[0]["gradients_ms"] > 0
    rows = scaling.run(
        ["raw fused + 2 assigns (scale)", "batch_norm()"],
        [None, 4, 4, 8],
        [2, 4],
        ONE_ROUND,
        log=_quiet,
    )
    assert [r["layer"] for r in rows] == [
        "raw fused + 2 assigns (scale)",
        "batch_norm()",
    ]
    assert rows[0]["vs_reference"] == [1.0, 1.0]


def test_migrate_speed_runs_both_commands_on_a_tiny_file(tmp_path):
    import ast
    import json as json_lib

    from benchmarks import migrate_speed

    code = migrate_speed.generate(3000)
    ast.parse(code)
    assert len(code) >= 3000 and "tf.contrib.layers.batch_norm" in code
    out = tmp_path / "rows.json"
    migrate_speed.main(["--sizes", "0.002", "--json", str(out)])
    row, = json_lib.loads(out.read_text())
    assert row["tf_upgrade_v2"]["status"] == 0
    assert row["contrib-norm-migrate"]["status"] in (0, 1)
    assert row["ratio"] > 0
    assert row["contrib-norm-migrate"]["peak_mib"] > 0


def test_host_layers_command_runs_both_sides(tmp_path):
    import json as json_lib
    import subprocess

    out = tmp_path / "host_layers.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.host_layers", "--quick", "--tiny",
         "--json", str(out)],
        cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300,
        check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json_lib.loads(out.read_text())
    rows = results["rows"]
    assert [r["case"] for r in rows] == [
        "conv step", "dense step", "resnet_v1_50 build"]
    for row in rows:
        assert row["rounds"] >= 1, row
        for key in ("ms", "anchor_ms", "ratio", "q25", "q75"):
            assert math.isfinite(row[key]) and row[key] > 0, (key, row)
        assert row["ops"]["ours"] > 0 and row["ops"]["legacy"] > 0, row
        assert all(m.startswith("contrib_norm.") for m in row["modules"]["ours"])
        assert any(m.startswith("tf_slim.") for m in row["modules"]["legacy"])
        assert any(m.startswith("tf_keras.") for m in row["modules"]["legacy"])
        assert row["verdict"] in ("ok", "ok~", "MISSED", "MISSED~"), row
        if row["kind"] == "step":
            assert row["run_nodes"]["ours"] > 0, row
            assert row["run_nodes"]["legacy"] > 0, row
    assert "resnet_v1_50 build" in proc.stdout
