"""A checkpoint written by TF1-era code restores into contrib_norm's graph.

``fixtures/checkpoint/`` was trained by the TF1-era implementations of the
five legacy functions (batch_norm, batch_normalization, group_norm,
instance_norm, layer_norm) on the model of ``fixtures/legacy_model.py``.
Built with contrib_norm, the same graph must restore it with a plain
``tf.compat.v1.train.Saver()`` (no name mapping) and reproduce the recorded
inference logits and the inference output of every normalization layer
(``endpoint_0`` ... ``endpoint_5``, the collection ``legacy_model_endpoints``
in build order). The fixture was regenerated on 2026-12-06 (the model now
max-pools after instance norm: the earlier mean of instance-normalized maps
was beta alone, so its logits were the same for every input).
"""

import importlib.util
import json
import pathlib

import numpy as np
import pytest
import tensorflow as tf

import contrib_norm

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
CHECKPOINT = FIXTURES / "checkpoint"
ATOL = 1e-4  # float32 logits, as the fixture's contract states

v1 = tf.compat.v1


def _legacy_model():
    spec = importlib.util.spec_from_file_location(
        "legacy_model", FIXTURES / "legacy_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def restored():
    """Builds the model with contrib_norm, restores, runs inference."""
    for name in ("group_norm", "instance_norm", "layer_norm"):
        if not hasattr(contrib_norm.layers, name):
            pytest.skip("contrib_norm.layers.%s is not implemented yet" % name)
    expected = np.load(CHECKPOINT / "expected.npz")
    with tf.Graph().as_default() as graph:
        images = v1.placeholder(tf.float32, [None, 8, 8, 3])
        is_training = v1.placeholder_with_default(False, [])
        logits = _legacy_model().build(images, is_training, contrib_norm.layers)
        saver = v1.train.Saver()
        variables = {v.op.name: v.shape.as_list()
                     for v in v1.global_variables()}
        endpoints = v1.get_collection(_legacy_model().ENDPOINTS)
        with v1.Session(graph=graph) as sess:
            saver.restore(sess, str(CHECKPOINT / "model.ckpt"))
            got, got_endpoints = sess.run(
                [logits, endpoints], {images: expected["x_test"]})
    return {"variables": variables, "logits": got,
            "expected": expected["logits_inference"],
            "endpoints": got_endpoints,
            "expected_endpoints": [expected["endpoint_%d" % i]
                                   for i in range(len(got_endpoints))],
            "recorded_endpoints": sum(k.startswith("endpoint_")
                                      for k in expected.files)}


def test_variables_match_the_checkpoint(restored):
    recorded = json.loads((CHECKPOINT / "variables.json").read_text())
    assert restored["variables"] == recorded


def test_checkpoint_reader_agrees():
    # The fixture itself: the checkpoint holds exactly the recorded variables.
    recorded = json.loads((CHECKPOINT / "variables.json").read_text())
    reader = tf.train.load_checkpoint(str(CHECKPOINT / "model.ckpt"))
    assert reader.get_variable_to_shape_map() == recorded


def test_inference_logits_match(restored):
    np.testing.assert_allclose(restored["logits"], restored["expected"],
                               rtol=0, atol=ATOL)


def test_every_normalization_endpoint_matches(restored):
    assert len(restored["endpoints"]) == restored["recorded_endpoints"] == 6
    for i, (got, want) in enumerate(zip(restored["endpoints"],
                                        restored["expected_endpoints"])):
        np.testing.assert_allclose(got, want, rtol=0, atol=ATOL,
                                   err_msg="endpoint_%d" % i)


def test_logits_depend_on_the_input(restored):
    # The regenerated fixture's point: different inputs, different logits.
    logits = restored["expected"]
    assert np.ptp(logits, axis=0).max() > 1e-3
