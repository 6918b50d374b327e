"""Child: the scenarios under MirroredStrategy on two logical CPU devices.

Usage: python mirrored_child.py SCENARIO_ID ...

Splits the CPU into two logical devices (before TensorFlow initializes its
devices, hence a process of its own), runs each scenario in compat.v1 graph
mode with `tf.distribute.MirroredStrategy` and without a strategy, and
reports {scenario id: results or {"error": traceback}} through
`fresh_interpreter.report`.
"""

import pathlib
import sys
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import tensorflow as tf  # noqa: E402

import fresh_interpreter  # noqa: E402

DEVICES = ["/cpu:0", "/cpu:1"]


def main(scenario_ids):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * len(DEVICES)
    )
    from distribute_helpers import common  # noqa: E402
    from distribute_helpers import scenarios  # noqa: E402

    results = {}
    for scenario_id in scenario_ids:
        try:
            results[scenario_id] = common.run_scenario(
                scenarios.by_id(scenario_id),
                lambda: tf.distribute.MirroredStrategy(DEVICES),
            )
        except Exception:  # pylint: disable=broad-except
            results[scenario_id] = {"error": traceback.format_exc()}
    fresh_interpreter.report(results)


if __name__ == "__main__":
    main(sys.argv[1:])
