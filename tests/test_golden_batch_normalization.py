"""Every `bnl_*` golden case of tf.layers.batch_normalization replays exactly.

The recording came from tf-keras's TF1 `tf.layers` code; this process never
imports tf-keras and does not set TF_USE_LEGACY_KERAS (checked below).
"""

import os
import sys

import pytest

import golden_harness

CASES = golden_harness.load_cases("bnl_")


def test_all_cases_present():
    assert len(CASES) == 23  # the golden set has 23 (issue 3 says 24)


@pytest.mark.parametrize("case", CASES, ids=golden_harness.case_ids(CASES))
def test_golden_case(case):
    golden_harness.check_case(case)


def test_no_legacy_keras_in_this_process():
    assert "tf_keras" not in sys.modules
    assert not os.environ.get("TF_USE_LEGACY_KERAS")
