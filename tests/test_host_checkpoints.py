"""Checkpoints written by TF1's own host layers restore into contrib_norm.

`fixtures/host_checkpoints/` was written by tests/make_host_checkpoints.py
with tf-slim 1.1.0 (the slim model: arg_scope with normalizer_fn=batch_norm,
repeat, pooling, flatten, fully_connected) and tf-keras's legacy tf.layers
(conv2d, batch_normalization, max_pooling2d, flatten, dense, dropout), after
three training steps. The same model code (tests/host_models.py, shown in
migration_guide/host_layers.md) built with contrib_norm restores them with no
name mapping and gives the legacy inference logits.
"""

import json
import pathlib

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm
import host_models

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "host_checkpoints"

NAMESPACES = {
    "slim": lambda: contrib_norm.slim,
    "layers": lambda: contrib_norm.tf_layers,
}


@pytest.mark.parametrize("name", sorted(NAMESPACES))
def test_legacy_checkpoint_restores_exactly(name):
    expected = np.load(FIXTURES / "expected.npz")
    legacy_names = json.loads((FIXTURES / "variables.json").read_text())[name]
    shapes, logits = host_models.restore_and_run(
        name, NAMESPACES[name](), str(FIXTURES / ("%s.ckpt" % name)),
        expected["x_test"])
    assert shapes == legacy_names
    np.testing.assert_allclose(logits, expected[name], rtol=1e-5, atol=1e-5)


def test_checkpoint_variables_are_all_in_the_checkpoint():
    for name in NAMESPACES:
        saved = dict(tf.train.list_variables(str(FIXTURES / ("%s.ckpt" % name))))
        legacy = json.loads((FIXTURES / "variables.json").read_text())[name]
        assert {k: list(v) for k, v in saved.items()} == legacy
