"""Runs a local MultiWorkerMirroredStrategy cluster: worker processes on 127.0.0.1.

Ports are chosen free at run time, every worker gets a hard deadline, and all
worker processes are killed and reaped whatever happens.
"""

import contextlib
import json
import socket
import subprocess
import sys
import time

import fresh_interpreter


def free_ports(count):
    """`count` distinct TCP ports that were free on 127.0.0.1 a moment ago."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


def tf_config(ports, index):
    """The TF_CONFIG of worker `index` in a cluster of workers on `ports`."""
    return json.dumps(
        {
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index},
        }
    )


def run_workers(script, args, num_workers, timeout):
    """Runs `python script *args` as each worker; returns their reports.

    Args:
      script: the worker program (reports through `fresh_interpreter`).
      args: its command-line arguments (the same for every worker).
      num_workers: how many workers.
      timeout: seconds all workers together may take.

    Returns:
      The workers' reported results, in task order.

    Raises:
      AssertionError: if a worker did not finish in time or reported nothing
        (with its output).
    """
    ports = free_ports(num_workers)
    workers = []
    try:
        for index in range(num_workers):
            workers.append(
                subprocess.Popen(
                    [sys.executable, str(script), *args],
                    env=fresh_interpreter.clean_env(TF_CONFIG=tf_config(ports, index)),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        deadline = time.monotonic() + timeout
        finished = []
        for index, worker in enumerate(workers):
            try:
                stdout, stderr = worker.communicate(
                    timeout=max(deadline - time.monotonic(), 1)
                )
            except subprocess.TimeoutExpired:
                worker.kill()
                stdout, stderr = worker.communicate()
                raise AssertionError(
                    f"worker {index} did not finish in {timeout} s.\n"
                    f"stdout:\n{stdout[-3000:]}\nstderr:\n{stderr[-3000:]}"
                ) from None
            finished.append(
                subprocess.CompletedProcess(
                    worker.args, worker.returncode, stdout, stderr
                )
            )
        return [fresh_interpreter.result_of(proc) for proc in finished]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.communicate()
