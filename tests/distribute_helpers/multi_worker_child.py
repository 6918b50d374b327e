"""Child: one worker of a MultiWorkerMirroredStrategy cluster (TF_CONFIG).

Usage: TF_CONFIG=... python multi_worker_child.py SCENARIO_ID ...

compat.v1 graph mode needs, on every worker:

1. the strategy built inside a graph (`tf.distribute.MultiWorkerMirroredStrategy`
   built eagerly would start its own in-process server instead);
2. a `tf.distribute.Server` for this task, started with the session config
   from `strategy.update_config_proto` (collective group leader, device
   filters);
3. sessions on `server.target` with that config.

Every worker builds the same graphs in the same order (collective keys are
handed out in building order), and reports {scenario id: its own replica's
results and the single-device references} through `fresh_interpreter`.
"""

import pathlib
import sys
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import tensorflow as tf  # noqa: E402

import fresh_interpreter  # noqa: E402
from distribute_helpers import common  # noqa: E402
from distribute_helpers import scenarios  # noqa: E402


def main(scenario_ids):
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    with tf.Graph().as_default():
        strategy = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
        config = strategy.update_config_proto(tf.compat.v1.ConfigProto())
    server = tf.distribute.Server(
        resolver.cluster_spec(),
        job_name=resolver.task_type,
        task_index=resolver.task_id,
        config=config,
        start=True,
    )

    def session_fn(graph):
        return tf.compat.v1.Session(server.target, graph=graph, config=config)

    results = {"num_replicas_in_sync": strategy.num_replicas_in_sync}
    for scenario_id in scenario_ids:
        try:
            results[scenario_id] = common.run_scenario(
                scenarios.by_id(scenario_id), lambda: strategy, session_fn
            )
        except Exception:  # pylint: disable=broad-except
            results[scenario_id] = {"error": traceback.format_exc()}
            break  # The other worker now waits in a collective: stop here.
    fresh_interpreter.report(results)


if __name__ == "__main__":
    main(sys.argv[1:])
