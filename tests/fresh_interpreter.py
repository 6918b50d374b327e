"""Runs Python in a fresh interpreter, as a user's script would run.

The child gets the test process's environment without TF_USE_LEGACY_KERAS
(unless asked for), with TensorFlow's C++ logging quiet, and reports back
through one JSON line on stdout after a marker.
"""

import concurrent.futures
import json
import os
import subprocess
import sys

MARKER = "@@CONTRIB_NORM_RESULT@@ "


def clean_env(**overrides):
    """The environment for a child: no TF_USE_LEGACY_KERAS, plus overrides."""
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env.update(overrides)
    return env


def run(argv, cwd, timeout, env=None):
    """Runs ``python *argv`` in ``cwd``; returns the CompletedProcess.

    ``env`` holds overrides of :func:`clean_env`'s environment.
    """
    return subprocess.run(
        [sys.executable, *argv], cwd=str(cwd), env=clean_env(**(env or {})),
        capture_output=True, text=True, timeout=timeout, check=False)


def tf_slim_suite(suite, classes, cwd, timeout=300):
    """Runs test classes of one of tf-slim's own suites against contrib_norm
    (``tf_slim_layers_child.py SUITE CLASS...``); returns the outcomes by
    test id."""
    tests = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join([os.path.dirname(tests), tests,
                            os.environ.get("PYTHONPATH", "")])
    proc = run([os.path.join(tests, "tf_slim_layers_child.py"), suite,
                *classes], cwd=cwd, timeout=timeout,
               env={"PYTHONPATH": path})
    return result_of(proc)


def report(result):
    """In the child: prints ``result`` (JSON-serializable) for the parent."""
    sys.stdout.write("\n" + MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()


def result_of(proc):
    """In the parent: the child's reported result; fails with its output."""
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise AssertionError(
        "the child reported nothing (exit code %d).\nstdout:\n%s\nstderr:\n%s"
        % (proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:]))


class Runs(object):
    """Child runs, started ahead of need a few at a time, collected by key.

    The first ``get`` starts every job (the requested one first), so that
    children run side by side on a machine with several cores. Under
    pytest-xdist, where the workers already share the cores, each job starts
    only when asked for.

    Args:
        jobs: dict from a key to the keyword arguments of :func:`run`.
    """

    def __init__(self, jobs):
        self._jobs = dict(jobs)
        self._ahead = "PYTEST_XDIST_WORKER" not in os.environ
        workers = min(len(self._jobs), os.cpu_count() or 1, 4)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, workers if self._ahead else 1))
        self._futures = {}

    def _submit(self, key):
        if key not in self._futures:
            self._futures[key] = self._pool.submit(run, **self._jobs[key])

    def get(self, key):
        """The CompletedProcess of job ``key``, waiting for it if needed."""
        self._submit(key)
        if self._ahead:
            for other in self._jobs:
                self._submit(other)
        return self._futures[key].result()

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)
