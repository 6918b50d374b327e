"""Assertions on the children's results (see `common.run_scenario`)."""

import numpy as np

import tolerances

# (rtol, atol) per input dtype: the distributed and single-device graphs
# reduce in different orders (and the global moments in float64).
TOLERANCE = tolerances.TABLE["distributed"]
_STATISTICS = ("moving_mean", "moving_variance", "moving_stddev", "renorm_mean")


def _close(actual, expected, scenario, what):
    rtol, atol = TOLERANCE[scenario["dtype"]]
    np.testing.assert_allclose(
        np.asarray(actual, np.float64),
        np.asarray(expected, np.float64),
        rtol=rtol,
        atol=atol,
        err_msg=f"{scenario['id']}: {what}",
    )


def _concatenate(parts):
    """The replicas' results side by side; an empty batch comes back as []
    (JSON keeps no shape), so it is left out."""
    return np.concatenate([p for p in parts if np.size(p)] or [[]])


def _is_statistic(name):
    return name.split("/")[-1] in _STATISTICS + ("renorm_stddev",)


def merge_workers(reports, scenario_id):
    """One result from the workers' reports: their replicas side by side.

    Each worker ran one replica; the per-replica lists are concatenated in
    task order. The cross-replica reads must agree between workers.
    """
    parts = [report[scenario_id] for report in reports]
    for part in parts:
        assert "error" not in part, part["error"]
    merged = parts[0]
    if scenario_id.startswith("train"):
        for part in parts[1:]:
            for name, value in part["distributed"].items():
                np.testing.assert_allclose(value, merged["distributed"][name])
        return merged
    runs = [part["distributed"] for part in parts]
    for key in ("inference",) if "inference" in runs[0] else ():
        _merge_run(merged["distributed"][key], [run[key] for run in runs[1:]])
    for i, step in enumerate(merged["distributed"]["steps"]):
        _merge_run(step, [run["steps"][i] for run in runs[1:]])
    return merged


def _merge_run(into, others):
    for other in others:
        into["y"] = into["y"] + other["y"]
        for name, grads in other.get("grads", {}).items():
            into["grads"][name] = into["grads"][name] + grads
        statistics = other["statistics"]
        for name, value in statistics["global"].items():
            np.testing.assert_allclose(value, into["statistics"]["global"][name])
        for name, copies in statistics["local"].items():
            into["statistics"]["local"][name] += copies


def check_distributed_statistics(scenario, variables, wrapped=True):
    """Moving statistics are distributed variables with MEAN aggregation.

    `wrapped=False` for a one-device strategy, whose variables are plain.
    """
    statistics = {n: v for n, v in variables.items() if _is_statistic(n)}
    assert statistics, scenario["id"]
    for name, (_, _, trainable, synchronization, aggregation, kind) in (
        statistics.items()
    ):
        assert not trainable, name
        assert aggregation == "MEAN", (name, aggregation)
        if wrapped:
            assert kind in ("MirroredVariable", "SyncOnReadVariable"), (name, kind)
        if kind != "MirroredVariable":
            assert synchronization == "ON_READ", (name, synchronization)


def check_per_replica(scenario, result):
    """Each replica normalizes its own batch, as the layer alone on it would.

    The moving statistics read in the cross-replica context are the mean over
    replicas of the single-device values; sync-on-read copies are each
    replica's own single-device value.
    """
    run, references = result["distributed"], result["reference"]
    check_distributed_statistics(scenario, run["variables"])
    if "inference" in run:
        for r, reference in enumerate(references):
            _close(run["inference"]["y"][r], reference["inference"]["y"][0],
                   scenario, f"replica {r} output, flag False")
        initial = references[0]["inference"]["statistics"]["global"]
        for name, value in run["inference"]["statistics"]["global"].items():
            _close(value, initial[name], scenario, f"{name} after flag False")
    step = run["steps"][0]
    for r, reference in enumerate(references):
        _close(step["y"][r], reference["steps"][0]["y"][0], scenario,
               f"replica {r} output")
    for name, value in step["statistics"]["global"].items():
        expected = np.mean(
            [ref["steps"][0]["statistics"]["global"][name] for ref in references],
            axis=0,
        )
        _close(value, expected, scenario, f"cross-replica {name}")
        kind = run["variables"][name][5]
        if kind == "SyncOnReadVariable":
            for r, reference in enumerate(references):
                _close(step["statistics"]["local"][name][r],
                       reference["steps"][0]["statistics"]["global"][name],
                       scenario, f"replica {r}'s copy of {name}")


def check_sync(scenario, result, wrapped=True):
    """sync_batch_norm equals batch_norm on the concatenated batch.

    Same variables (names, dtypes, shapes, trainable, in the same order);
    outputs and input gradients
    concatenated over replicas, parameter gradients summed over replicas,
    and the moving statistics (cross-replica and each replica's copy) equal
    the single-device ones, step after step.
    """
    run, reference = result["distributed"], result["reference"][0]
    assert [[n] + v[:3] for n, v in run["variables"].items()] == [
        [n] + v[:3] for n, v in reference["variables"].items()
    ]
    assert run["regularization_losses"] == reference["regularization_losses"]
    check_distributed_statistics(scenario, run["variables"], wrapped)
    if "inference" in run:
        _close(_concatenate(run["inference"]["y"]),
               reference["inference"]["y"][0], scenario, "output, flag False")
    for i, (step, expected) in enumerate(zip(run["steps"], reference["steps"])):
        _close(_concatenate(step["y"]), expected["y"][0], scenario,
               f"step {i} output")
        _close(_concatenate(step["grads"]["dx"]), expected["grads"]["dx"][0],
               scenario, f"step {i} input gradient")
        assert set(step["grads"]) == set(expected["grads"])
        for name, grads in step["grads"].items():
            if name != "dx":
                _close(np.sum(grads, axis=0), expected["grads"][name][0],
                       scenario, f"step {i} {name}")
        for name, value in expected["statistics"]["global"].items():
            _close(step["statistics"]["global"][name], value, scenario,
                   f"step {i} {name}")
            for r, copy in enumerate(step["statistics"]["local"][name]):
                _close(copy, value, scenario, f"step {i} replica {r} {name}")


def check_train(scenario, result):
    """After a few SGD steps every variable equals the single-device run's."""
    run, reference = result["distributed"], result["reference"]
    assert sorted(run) == sorted(reference)
    for name, value in reference.items():
        _close(run[name], value, scenario, name)


def check_empty_replica(scenario, result):
    """sync_batch_norm with an empty replica batch.

    With one batch empty, the run is `check_sync`'s batch_norm on the other
    replica's batch alone, and the moving statistics move. With every batch
    empty, the outputs are empty, every parameter gradient is zero and every
    non-trainable variable (moving statistics, renorm and zero-debias state,
    in the cross-replica value and each replica's copy) stays as it was
    before the first step.
    """
    run = result["distributed"]
    before = run["inference"]["statistics"]
    if any(scenario["shards"]):
        check_sync(scenario, result)
        for i, step in enumerate(run["steps"]):
            for name, value in step["statistics"]["global"].items():
                if name.split("/")[-1] in ("moving_mean", "moving_variance"):
                    assert not np.array_equal(value, before["global"][name]), (
                        f"{scenario['id']}: step {i} {name} did not move")
        return
    for i, step in enumerate(run["steps"]):
        assert _concatenate(step["y"]).size == 0
        for name, grads in step["grads"].items():
            for r, grad in enumerate(grads):
                np.testing.assert_array_equal(
                    grad, np.zeros_like(grad),
                    err_msg=f"{scenario['id']}: step {i} replica {r} {name}")
        for name, value in step["statistics"]["global"].items():
            np.testing.assert_array_equal(
                value, before["global"][name],
                err_msg=f"{scenario['id']}: step {i} {name} changed")
            for r, copy in enumerate(step["statistics"]["local"][name]):
                np.testing.assert_array_equal(
                    copy, before["local"][name][r],
                    err_msg=f"{scenario['id']}: step {i} replica {r} {name}")
