"""`python -m benchmarks.host_layers`: the host layers against the legacy code.

Three comparisons of contrib_norm against the code it replaces, each side
in its own child process (the legacy side needs TF_USE_LEGACY_KERAS=1,
which must not leak into contrib_norm's):

* `conv step`: a training step of a small conv model, contrib_norm.layers'
  `conv2d(normalizer_fn=batch_norm, normalizer_params={'is_training':
  True})` x 3, `flatten`, `fully_connected`, against the same model with
  tf-slim 1.1.0 (tf.contrib.layers' code); target <= 1.05.
* `dense step`: a training step of an MLP of `contrib_norm.tf_layers.dense`
  against tf-keras' legacy `tf.compat.v1.layers.dense`; target <= 1.05.
* `resnet_v1_50 build`: graph construction of slim's ResNet-50 (bottleneck
  units, conv2d + batch_norm under arg_scope, max_pool2d) with
  contrib_norm.layers + contrib_norm.framework.arg_scope against tf-slim;
  target <= 1.0. Each sample builds a fresh graph.

Both children build their graph and session first, then the parent times
them in interleaved rounds (A B B A, `timing.interleaved`), one request per
run over a pipe, so that both sides see the same machine load; the figure
is the median of the per-round ratios with their IQR (`timing.
ratio_summary`). The models are in `host_models`.

Usage::

    python -m benchmarks.host_layers [--quick] [--tiny] [--json PATH]

`--quick`: a short budget per comparison (a smoke run, not figures to
quote); `--tiny`: tiny models and inputs (for the tests).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchmarks import report
from benchmarks import timing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (model, input shape, tiny input shape, model kwargs when tiny,
#        step or build, target)
CASES = {
    "conv step": ("conv_model", [32, 32, 32, 16], [2, 8, 8, 4],
                  {"filters": 4}, "step", 1.05),
    "dense step": ("dense_model", [256, 1024], [4, 16], {"units": 16},
                   "step", 1.05),
    "resnet_v1_50 build": ("resnet_v1", [1, 224, 224, 3], [1, 32, 32, 3],
                           {"units": (1, 1, 1, 1), "num_classes": 10},
                           "build", 1.0),
}
SIDES = {
    "ours": "contrib_norm",
    "legacy": "tf-slim 1.1.0 / tf.compat.v1.layers (TF_USE_LEGACY_KERAS=1)",
}
BUDGETS = {
    # (full, quick) per kind of comparison.
    "step": (timing.Budget(seconds=30.0, min_rounds=20),
             timing.Budget(seconds=1.0, min_rounds=3)),
    "build": (timing.Budget(seconds=50.0, min_rounds=5, warmup=1,
                            min_sample_s=0.0),
              timing.Budget(seconds=1.0, min_rounds=1, warmup=1,
                            min_sample_s=0.0)),
}


# --- The child: one side, driven by requests on stdin. ---------------------


def _child(side):
    """Serves requests, one JSON line each, answering one JSON line each.

    `{"setup": CASE, "tiny": bool}` builds the case (a step's graph and
    session, or nothing for a build) and answers with its graph profile;
    `{"run": 1}` runs the step once (or builds a fresh graph) and answers
    `{}`. The answers go to the original stdout; anything else printed goes
    to stderr.
    """
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    from benchmarks import host_models  # pylint: disable=g-import-not-at-top
    from benchmarks import step as step_lib  # pylint: disable=g-import-not-at-top

    api = host_models.legacy() if side == "legacy" else host_models.ours()
    # Where the layers come from, so that a report shows which code ran.
    modules = sorted({f.__module__ for f in (api.conv2d, api.batch_norm,
                                             api.dense, api.arg_scope)})
    run = None
    for line in sys.stdin:
        request = json.loads(line)
        if "setup" in request:
            model_name, shape, tiny_shape, tiny_kwargs, kind, _ = CASES[
                request["setup"]]
            kwargs = tiny_kwargs if request["tiny"] else {}
            shape = tiny_shape if request["tiny"] else shape

            def model(api_, x, kwargs=kwargs, name=model_name):
                return getattr(host_models, name)(api_, x, **kwargs)

            if kind == "step":
                step = host_models.training_step(api, model, shape)
                run = (lambda s=step: s.session.run(s.fetch))
                answer = dict(step.profile,
                              **step_lib.optimized_profile(step))
            else:
                graph = host_models.construct(api, model, shape)
                run = (lambda: host_models.construct(api, model, shape))
                answer = {"ops": len(graph.get_operations()),
                          "op_types": host_models.op_types(graph)}
            answer["modules"] = modules
        else:
            run()
            answer = {}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


# --- The parent. -----------------------------------------------------------


class _Side(object):
    """A child process seen as a `step.Step`: `session.run(fetch)` runs it.

    `timing.interleaved` times `session.run(fetch)` calls; here each call is
    one request to the child, answered when its run is done, so the time
    measured includes one round trip over the pipe (tens of microseconds,
    the same on both sides).
    """

    def __init__(self, side):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
                   PYTHONPATH=os.pathsep.join(
                       [ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        env.pop("TF_USE_LEGACY_KERAS", None)
        if side == "legacy":
            env["TF_USE_LEGACY_KERAS"] = "1"
        self.name = side
        self.session, self.fetch, self.profile = self, {"run": 1}, None
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.host_layers", "--_child", side],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=env, cwd=ROOT, text=True)

    def request(self, message):
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            tail = self._stderr.read()[-4000:].decode(errors="replace")
            raise RuntimeError(
                f"the {self.name} child stopped (exit {self._proc.poll()}):\n"
                + tail)
        return json.loads(line)

    def run(self, fetch):
        return self.request(fetch)

    def setup(self, case, tiny):
        self.profile = self.request({"setup": case, "tiny": tiny})

    def close(self):
        self._proc.stdin.close()
        self._proc.wait(timeout=60)
        self._stderr.close()


def _op_type_differences(ours, legacy):
    """{op type: (ours, legacy)} where the two graphs' counts differ."""
    return {
        t: (ours.get(t, 0), legacy.get(t, 0))
        for t in sorted(set(ours) | set(legacy))
        if ours.get(t, 0) != legacy.get(t, 0)
    }


def compare(case, sides, budget, tiny=False, log=print):
    """One row: `case` timed on both sides in interleaved rounds."""
    for side in sides:
        side.setup(case, tiny)
    times = timing.interleaved(sides, budget)
    row = timing.ratio_summary(times[:, 0], times[:, 1])
    ours, legacy = (side.profile for side in sides)
    row.update(
        case=case,
        kind=CASES[case][4],
        shape=CASES[case][2] if tiny else CASES[case][1],
        target=CASES[case][5],
        ops={"ours": ours["ops"], "legacy": legacy["ops"]},
        modules={"ours": ours["modules"], "legacy": legacy["modules"]},
        run_nodes={"ours": ours.get("run_nodes"),
                   "legacy": legacy.get("run_nodes")},
        op_type_differences=_op_type_differences(
            ours["op_types"], legacy["op_types"]),
    )
    row["verdict"] = report.ratio_verdict(row)
    log(f"{case}: {row['ratio']:.3f} (IQR {row['q25']:.2f}-{row['q75']:.2f},"
        f" {row['rounds']} rounds) {row['verdict']}")
    return row


def table(rows):
    """The printed table of `compare`'s rows."""
    header = ["case", "shape", "ms", "legacy ms", "ratio", "IQR", "min-max",
              "rounds", "target", "", "ops", "run nodes"]
    body = [
        [r["case"], "x".join(map(str, r["shape"])), f"{r['ms']:.2f}",
         f"{r['anchor_ms']:.2f}", f"{r['ratio']:.3f}",
         f"{r['q25']:.2f}-{r['q75']:.2f}", f"{r['min']:.2f}-{r['max']:.2f}",
         r["rounds"], f"<= {r['target']}", r["verdict"],
         f"{r['ops']['ours']}/{r['ops']['legacy']}",
         "{ours}/{legacy}".format(**r["run_nodes"]) if r["kind"] == "step"
         else ""]
        for r in rows
    ]
    return report._table(header, body)  # pylint: disable=protected-access


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a short budget per comparison")
    parser.add_argument("--tiny", action="store_true",
                        help="tiny models and inputs (for the tests)")
    parser.add_argument("--only", help="run the cases containing this text")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._child:
        _child(args._child)
        return None
    budget_index = 1 if args.quick else 0
    start = time.perf_counter()
    sides = [_Side("ours"), _Side("legacy")]
    from benchmarks import machine  # pylint: disable=g-import-not-at-top

    load_before = machine.load_average()
    try:
        rows = [
            compare(case, sides, BUDGETS[CASES[case][4]][budget_index],
                    tiny=args.tiny)
            for case in CASES if not args.only or args.only in case
        ]
    finally:
        for side in sides:
            side.close()
    results = {
        "machine": dict(machine.describe(), load_before=load_before,
                        load_after=machine.load_average()),
        "sides": SIDES,
        "quick": args.quick,
        "tiny": args.tiny,
        "seconds": round(time.perf_counter() - start, 1),
        "rows": rows,
    }
    print()
    print(table(rows))
    print("ratio: contrib_norm / legacy, median of the per-round ratios; "
          "ops: graph ops (a step: the model's, its gradients' and updates'), "
          "run nodes: nodes run after Grappler; both contrib_norm/legacy")
    for r in rows:
        if r["op_type_differences"]:
            print(f"{r['case']}: op types that differ (ours, legacy): "
                  f"{r['op_type_differences']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2, default=_jsonable)
    return results


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    main()
