"""Every `hl_*` golden case of tf.layers' host layers replays exactly.

The recording came from tf-keras's TF1 `tf.compat.v1.layers` code; this
process never imports tf-keras and does not set TF_USE_LEGACY_KERAS
(checked below). Each case compares the variables (names, shapes,
trainable, collections), the regularization-loss and update-op counts, the
output's static shape, and for three steps the outputs, gradients,
variables and regularization losses, then the inference output.
"""

import os
import sys

import pytest

import golden_tf_layers_harness
from contrib_norm import tf_layers

CASES = golden_tf_layers_harness.load_cases("hl_")
MODULES = {"tf_layers": tf_layers}


def test_all_cases_present():
    assert len(CASES) == 25


def test_every_function_family_is_covered():
    apis = {c["api"].split(".")[1] for c in CASES}
    assert apis >= {
        "dense", "conv1d", "conv2d", "conv3d", "conv2d_transpose",
        "conv3d_transpose", "separable_conv1d", "separable_conv2d",
        "max_pooling1d", "max_pooling2d", "max_pooling3d",
        "average_pooling1d", "average_pooling2d", "average_pooling3d",
        "dropout", "flatten", "Dense", "Conv2D",
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case(case):
    golden_tf_layers_harness.check_case(case, MODULES)


def test_no_legacy_keras_in_this_process():
    assert "tf_keras" not in sys.modules
    assert not os.environ.get("TF_USE_LEGACY_KERAS")
