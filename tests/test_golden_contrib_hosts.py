"""Every `hc_*` golden case of tf.contrib.layers' host layers (conv2d,
fully_connected, pooling, flatten, dropout, repeat, stack, under arg_scope
and with normalizers) replays exactly with contrib_norm.layers."""

import pytest

import golden_host_harness

CASES = golden_host_harness.load_cases("hc_")


def test_all_cases_present():
    assert len(CASES) == 35


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case(case):
    golden_host_harness.check_case(case)
