"""Normalization layers under tf.distribute.MirroredStrategy, compat.v1 graph mode.

One child process splits the CPU into two logical devices (this must happen
before TensorFlow initializes its devices) and runs every scenario of
`distribute_helpers.scenarios` with a two-replica MirroredStrategy, through
`strategy.run` or `strategy.extended.call_for_each_replica`, and without a
strategy for the references:

* plain batch_norm (each implementation), batch_normalization and
  switchable_norm normalize each replica's batch on its own; their moving
  statistics are distributed MEAN variables whose cross-replica value is the
  mean over replicas, updated through UPDATE_OPS or in place, with a static
  or a placeholder training flag, renorm included;
* sync_batch_norm's outputs, gradients and moving statistics equal
  single-device batch_norm on the concatenated batch, with unequal replica
  batches;
* a few SGD steps of a small model with sync_batch_norm, group_norm,
  instance_norm or layer_norm leave every variable as the single-device run.
"""

import pathlib

import pytest

import fresh_interpreter
from distribute_helpers import checks
from distribute_helpers import scenarios

pytestmark = pytest.mark.slow

CHILD = pathlib.Path(__file__).parent / "distribute_helpers" / "mirrored_child.py"
SCENARIOS = (
    scenarios.PER_REPLICA + scenarios.SWITCHABLE + scenarios.SYNC + scenarios.TRAIN
)
TIMEOUT_S = 400


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    proc = fresh_interpreter.run(
        [str(CHILD), *(s["id"] for s in SCENARIOS)],
        cwd=tmp_path_factory.mktemp("mirrored"),
        timeout=TIMEOUT_S,
    )
    return fresh_interpreter.result_of(proc)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_scenario(results, scenario):
    result = results[scenario["id"]]
    assert "error" not in result, result["error"]
    getattr(checks, scenarios.check_for(scenario["id"]))(scenario, result)
