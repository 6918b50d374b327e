"""Every `gn_*`, `in_*` and `ln_*` golden case replays exactly.

The cases were recorded from tf.contrib.layers' group_norm, instance_norm
and layer_norm (tf-slim 1.1.0): variables, collections, outputs, gradients
and the variables after three SGD-free steps.
"""

import pytest

import golden_harness

CASES = (
    golden_harness.load_cases("gn_")
    + golden_harness.load_cases("in_")
    + golden_harness.load_cases("ln_")
)


def test_all_cases_present():
    assert len(CASES) == 19


@pytest.mark.parametrize("case", CASES, ids=golden_harness.case_ids(CASES))
def test_golden_case(case):
    golden_harness.check_case(case)
