"""Smoke test of examples/selu_vs_batchnorm.py."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")

EXAMPLE = (pathlib.Path(__file__).resolve().parent.parent / "examples"
           / "selu_vs_batchnorm.py")


def _load_example():
    spec = importlib.util.spec_from_file_location("selu_vs_batchnorm", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_beats_chance(capsys):
    results = _load_example().main(["--quick"])
    out = capsys.readouterr().out
    assert "test accuracy" in out
    for model in ("selu", "relu_bn"):
        assert results[model]["accuracy"] > 0.1, (model, results[model])


def test_bad_flag_is_reported():
    with pytest.raises(SystemExit):
        _load_example().main(["--keep-prob", "1.5"])
