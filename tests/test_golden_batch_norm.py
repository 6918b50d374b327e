"""Every `bn_*` golden case of tf.contrib.layers.batch_norm replays exactly."""

import pytest

import golden_harness

CASES = golden_harness.load_cases("bn_")


def test_all_cases_present():
    assert len(CASES) == 38


@pytest.mark.parametrize("case", CASES, ids=golden_harness.case_ids(CASES))
def test_golden_case(case):
    golden_harness.check_case(case)
