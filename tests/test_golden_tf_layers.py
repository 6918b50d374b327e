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


# TensorFlow 2.15's CPU max-pool gradient for NCHW (a oneDNN kernel there)
# comes out wrong for this case once test_golden_contrib_hosts'
# hc_max_pool2d_same_stride, an NHWC max pool with the same output shape,
# ran in the same process. Both layers are one tf.nn.max_pool2d call and
# keep no state; the case passes in a process of its own (`pytest
# tests/test_golden_tf_layers.py`), and on TensorFlow 2.16+ in any order.
_ORDER_DEPENDENT_ON_TF215 = {"hl_max_pooling2d_channels_first"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case(case):
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    if (case["id"] in _ORDER_DEPENDENT_ON_TF215
            and tf.__version__.startswith("2.15.")):
        pytest.skip("TensorFlow 2.15's NCHW max-pool gradient depends on "
                    "earlier pools in the process; see the comment above")
    golden_tf_layers_harness.check_case(case, MODULES)


def test_no_legacy_keras_in_this_process():
    assert "tf_keras" not in sys.modules
    assert not os.environ.get("TF_USE_LEGACY_KERAS")
