"""contrib_norm.tf_layers against the real legacy tf.layers (tf-keras).

A child process with `TF_USE_LEGACY_KERAS=1` (tests/tf_layers_oracle_child.py)
builds each layer both ways on the same input and with the same variable
values, and the same TF1-style program with each implementation. Checked
here: identical signatures and aliases, outputs and input gradients, static
shapes, variable names and shapes, name scopes, and layer names.
"""

import importlib.util
import pathlib

import pytest
import tensorflow as tf

import fresh_interpreter
from contrib_norm import tf_layers

pytestmark = pytest.mark.legacy_keras

TESTS = pathlib.Path(__file__).parent


@pytest.fixture(scope="module")
def oracle():
    if importlib.util.find_spec("tf_keras") is None:
        pytest.skip("tf-keras is not installed")
    proc = fresh_interpreter.run(
        [str(TESTS / "tf_layers_oracle_child.py")],
        cwd=TESTS,
        timeout=300,
        env={"TF_USE_LEGACY_KERAS": "1"},
    )
    return fresh_interpreter.result_of(proc)


def test_the_oracle_is_tf_keras(oracle):
    assert oracle["legacy_module"].startswith("tf_keras")


def test_signatures_are_the_legacy_ones(oracle):
    assert oracle["signatures"] == {}


def test_aliases_are_the_legacy_ones(oracle):
    ours = {alias: getattr(tf_layers, alias).__name__ for alias in tf_layers.ALIASES}
    assert ours == oracle["aliases"]


def test_outputs_and_gradients_match(oracle):
    assert len(oracle["pairs"]) == 17
    for name, pair in oracle["pairs"].items():
        assert pair["y"] <= 1e-5, (name, pair)
        assert pair["dx"] <= 1e-4, (name, pair)


def test_static_shapes_and_variables_match(oracle):
    for name, pair in oracle["pairs"].items():
        mine, theirs = pair["output_shape"]
        assert mine == theirs, name
        mine, theirs = pair["variables"]
        assert mine == theirs, name


def test_same_program_same_names(oracle):
    mine, theirs = oracle["naming"]
    assert mine == theirs
    assert mine["regularization_losses"] == 2
    assert [v[0] for v in mine["variables"]][:3] == [
        "conv2d/kernel", "conv2d/bias", "batch_normalization/gamma",
    ]  # fmt: skip
