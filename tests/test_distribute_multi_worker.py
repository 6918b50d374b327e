"""Normalization layers under MultiWorkerMirroredStrategy: two workers on 127.0.0.1.

Two worker processes (ports chosen free at run time, TF_CONFIG for each, a
hard deadline, always reaped) run a subset of the MirroredStrategy scenarios
in compat.v1 graph mode, one replica each, and compare with the single-device
references they compute themselves. See `distribute_helpers.multi_worker_child`
for what graph mode needs on each worker.
"""

import pathlib

import pytest

from distribute_helpers import checks
from distribute_helpers import cluster
from distribute_helpers import scenarios

pytestmark = pytest.mark.slow

CHILD = pathlib.Path(__file__).parent / "distribute_helpers" / "multi_worker_child.py"
NUM_WORKERS = 2
TIMEOUT_S = 400


@pytest.fixture(scope="module")
def reports():
    return cluster.run_workers(
        CHILD, scenarios.MULTI_WORKER_IDS, NUM_WORKERS, TIMEOUT_S
    )


def test_workers_form_one_group(reports):
    assert [r["num_replicas_in_sync"] for r in reports] == [NUM_WORKERS] * NUM_WORKERS


@pytest.mark.parametrize("scenario_id", scenarios.MULTI_WORKER_IDS)
def test_scenario(reports, scenario_id):
    result = checks.merge_workers(reports, scenario_id)
    getattr(checks, scenarios.check_for(scenario_id))(
        scenarios.by_id(scenario_id), result
    )


def test_tf_config_names_every_worker():
    ports = cluster.free_ports(NUM_WORKERS)
    assert len(set(ports)) == NUM_WORKERS
    config = cluster.tf_config(ports, 1)
    assert f'"127.0.0.1:{ports[1]}"' in config and '"index": 1' in config
