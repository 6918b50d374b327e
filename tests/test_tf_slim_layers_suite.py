"""tf-slim 1.1.0's own tests of the host layers pass with contrib_norm's.

`tf_slim/layers/layers_test.py` (shipped in the tf-slim wheel; the `test`
extra installs it) is run in a fresh interpreter by `tf_slim_layers_child`,
with contrib_norm's functions patched into tf-slim's namespaces, for the
test classes of the host layers below. Each class must pass whole, but for
the exclusions listed with their reason.
"""

import pytest

import fresh_interpreter

pytest.importorskip(
    "tf_slim", reason="tf-slim 1.1.0 (the `test` extra) provides the suite"
)

CLASSES = (
    "AvgPool2DTest",
    "AvgPool3DTest",
    "BiasAddTest",
    "Convolution2dTransposeTests",
    "ConvolutionTest",
    "DropoutTest",
    "FCTest",
    "FlattenTest",
    "MaxPool2DTest",
    "MaxPool3DTest",
    "OneHotEncodingTest",
    "PoolTest",
    "RepeatTests",
    "SeparableConv2dTest",
    "SoftmaxTests",
    "StackTests",
    "UnitNormTests",
)
EXCLUDED = {
    # Asserts the op name 'dropout/dropout_1/mul_1' of TF 1.x's
    # tf.nn.dropout, which TF 2.21 builds otherwise: tf-slim's own dropout
    # fails it on TF 2.21 too.
    "DropoutTest.testCreateDropout",
}
# tf.test.TestCase.test_session, which unittest collects and which skips
# itself.
NOT_A_TEST = "skipped: Not a test."
TIMEOUT_S = 300


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return fresh_interpreter.tf_slim_suite(
        "layers", CLASSES, cwd=tmp_path_factory.mktemp("tf_slim_layers"),
        timeout=TIMEOUT_S)


@pytest.mark.parametrize("test_class", CLASSES)
def test_class_passes(outcomes, test_class):
    ran = {
        name: outcome
        for name, outcome in outcomes.items()
        if name.startswith(test_class + ".") and outcome != NOT_A_TEST
    }
    assert len(ran) >= 2, f"{test_class}: too few tests ran: {sorted(ran)}"
    failed = {
        name: outcome
        for name, outcome in ran.items()
        if outcome != "passed" and name not in EXCLUDED
    }
    assert not failed, "\n\n".join(f"{n}: {o}" for n, o in sorted(failed.items()))


def test_exclusions_are_real_tests(outcomes):
    assert EXCLUDED <= set(outcomes)
