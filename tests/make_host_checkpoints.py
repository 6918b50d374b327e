"""Writes tests/fixtures/host_checkpoints/ with TF1's own code.

Run once, with tf-slim 1.1.0 and tf-keras installed:

    TF_USE_LEGACY_KERAS=1 python tests/make_host_checkpoints.py

The slim model is built with tf_slim (tf.contrib.slim's code), the tf.layers
model with tf-keras's legacy tf.compat.v1.layers (TF 1.15's tf.layers code).
Each gets a checkpoint, and `expected.npz` holds the test input and both
models' inference logits after training; `variables.json` the saved names.
"""

import json
import os
import pathlib
import sys

import numpy as np

assert os.environ.get("TF_USE_LEGACY_KERAS") == "1", "set TF_USE_LEGACY_KERAS=1"

import tensorflow as tf  # noqa: E402
import tf_slim  # noqa: E402

# tf_slim 1.1.0 reads `ops.Tensor` and `control_flow_ops.cond`, which TF
# 2.21's private modules no longer have (the oracle only: contrib_norm
# itself uses public TensorFlow).
from tensorflow.python.framework import ops as _ops  # noqa: E402
from tensorflow.python.ops import control_flow_ops as _cf  # noqa: E402
if not hasattr(_ops, "Tensor"):
    _ops.Tensor = tf.Tensor
if not hasattr(_cf, "cond"):
    _cf.cond = tf.compat.v1.cond
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import host_models  # noqa: E402
from benchmarks.host_models import alias_legacy_tf_layers  # noqa: E402

# tf_slim's batch_norm loads `tf_keras.legacy_tf_layers`, which tf-keras
# 2.16+ keeps under `tf_keras.src` (the benchmarks' legacy side does the same).
alias_legacy_tf_layers()

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "host_checkpoints"


def main():
    tf.compat.v1.disable_eager_execution()
    OUT.mkdir(parents=True, exist_ok=True)
    arrays, names = {}, {}
    for name, namespace in (("slim", tf_slim),
                            ("layers", tf.compat.v1.layers)):
        shapes, x_test, logits = host_models.train_and_save(
            name, namespace, str(OUT))
        arrays["x_test"] = x_test
        arrays[name] = logits
        names[name] = shapes
    np.savez(OUT / "expected.npz", **arrays)
    (OUT / "variables.json").write_text(json.dumps(names, indent=1,
                                                   sort_keys=True) + "\n")
    for stale in list(OUT.glob("checkpoint")) + list(OUT.glob("*.meta")):
        stale.unlink()  # absolute paths; graph dumps a restore does not need


if __name__ == "__main__":
    main()
