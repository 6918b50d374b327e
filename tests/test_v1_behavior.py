"""Everything still holds under `tf.compat.v1.disable_v2_behavior()`.

The most common TF2 migration recipe starts with
`import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()`, which brings
back TF1 semantics process-wide: `Dimension` objects in shapes, reference
variables, v1 control flow. It cannot be undone, so the golden cases replay
in a child interpreter that calls it first.
"""

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

TESTS = pathlib.Path(__file__).resolve().parent

CHILD = textwrap.dedent(
    """
    import json, sys, traceback
    import tensorflow as tf
    tf.compat.v1.disable_v2_behavior()
    sys.path.insert(0, {tests!r})
    import golden_harness
    failures = {{}}
    cases = golden_harness.load_cases("")
    for case in cases:
        try:
            golden_harness.check_case(case, separate_sgd=True)
        except Exception:  # pylint: disable=broad-except
            failures[case["id"]] = traceback.format_exc()[-1500:]
    print("RESULT " + json.dumps({{"n": len(cases), "failures": failures}}))
    """
)


@pytest.mark.slow
def test_golden_cases_replay_with_v2_behavior_disabled():
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(tests=str(TESTS))],
        capture_output=True, text=True, timeout=900,
    )
    lines = [l for l in result.stdout.splitlines() if l.startswith("RESULT ")]
    assert lines, result.stdout[-2000:] + result.stderr[-4000:]
    outcome = json.loads(lines[-1][len("RESULT "):])
    assert outcome["n"] == 80
    assert not outcome["failures"], "\n\n".join(
        f"{k}:\n{v}" for k, v in outcome["failures"].items()
    )
