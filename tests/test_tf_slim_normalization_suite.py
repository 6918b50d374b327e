"""tf-slim 1.1.0's own tests of the normalizations pass with contrib_norm's.

`tf_slim/layers/normalization_test.py` (InstanceNormTest, GroupNormTest) and
the LayerNormTest of `tf_slim/layers/layers_test.py`, from the tf-slim wheel
(the `test` extra), run in a fresh interpreter by `tf_slim_layers_child`
with contrib_norm's group_norm, instance_norm and layer_norm patched into
tf-slim's namespaces. They check op names (`LayerNorm/batchnorm/...`) and
the order of TF1's error messages too.
"""

import pytest

import fresh_interpreter

pytest.importorskip(
    "tf_slim", reason="tf-slim 1.1.0 (the `test` extra) provides the suite"
)

CLASSES = ("GroupNormTest", "InstanceNormTest", "LayerNormTest")
NOT_A_TEST = "skipped: Not a test."


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return fresh_interpreter.tf_slim_suite(
        "normalization", CLASSES,
        cwd=tmp_path_factory.mktemp("tf_slim_normalization"))


@pytest.mark.parametrize("test_class", CLASSES)
def test_class_passes(outcomes, test_class):
    ran = {name: outcome for name, outcome in outcomes.items()
           if name.startswith(test_class + ".") and outcome != NOT_A_TEST}
    assert len(ran) >= 5, sorted(outcomes)
    failed = {name: outcome for name, outcome in ran.items()
              if outcome != "passed"}
    assert not failed, "\n\n".join("%s: %s" % kv for kv in failed.items())
