"""Every ```python block of migration_guide/*.md runs.

Each page runs in one fresh interpreter (no TF_USE_LEGACY_KERAS, cwd a
temporary directory): its blocks in order, each in a namespace of its own
and after ``tf.compat.v1.reset_default_graph()``, as if each were a script.
A block that disables eager execution does so for the blocks after it on the
same page, so pages keep eager-only (native TF2 / Keras 3) examples before
graph-mode ones. Blocks that are not meant to run use another fence
(```text, ```sh, ...).

This file is also the child: run as a script, it executes the blocks given in
a JSON file and reports each one's outcome.
"""

import json
import pathlib
import re
import sys
import time
import traceback

import pytest

import fresh_interpreter

GUIDE = pathlib.Path(__file__).resolve().parent.parent / "migration_guide"

# Pages of the guide that README.md must link to (some are written by other
# issues; a missing one is reported, not failed).
OWN_PAGES = ("README.md", "install.md", "update_ops.md", "checkpoints.md",
             "bessel_correction.md", "keras3.md", "worked_example.md",
             "host_layers.md")
PENDING_PAGES = ()

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^\s`]*)[^`]*$")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def python_blocks(text):
    """Returns ``[(line, source)]`` for the ```python blocks of ``text``.

    ``line`` is the 1-based line of the opening fence.
    """
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence, language, start = match.group(1), match.group(2), i
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence)
                                      and not lines[i].strip()[len(fence):]
                                      .strip()):
            body.append(lines[i])
            i += 1
        if language.lower() in ("python", "py", "python3"):
            indent = len(lines[start]) - len(lines[start].lstrip())
            blocks.append((start + 1, "\n".join(
                line[indent:] if line[:indent].isspace() else line
                for line in body) + "\n"))
        i += 1
    return blocks


PAGES = sorted(GUIDE.glob("*.md"))
PAGES_WITH_CODE = [p for p in PAGES if python_blocks(p.read_text())]


# --------------------------------------------------------------------------
# The parent.

def test_guide_has_pages():
    names = {p.name for p in PAGES}
    assert set(OWN_PAGES) <= names, sorted(set(OWN_PAGES) - names)


def test_readme_links_every_page():
    readme = (GUIDE / "README.md").read_text()
    linked = {target for target in _LINK.findall(readme)
              if "/" not in target}
    expected = set(OWN_PAGES) - {"README.md"}
    expected |= {p.name for p in PAGES} - {"README.md"}
    expected |= set(PENDING_PAGES)
    assert expected <= linked, sorted(expected - linked)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page):
    missing = []
    for target in _LINK.findall(page.read_text()):
        if "://" in target or target.startswith("mailto:"):
            continue
        if not (page.parent / target).exists():
            missing.append(target)
    broken = [t for t in missing if pathlib.PurePath(t).name
              not in PENDING_PAGES]
    assert not broken, "%s links to missing %s" % (page.name, broken)
    if missing:
        pytest.skip("pages not written yet: %s" % sorted(set(missing)))


def test_fence_parser():
    text = ("x\n```python\na = 1\n```\n```text\nnot run\n```\n"
            "  ```python\n  b = 2\n  ```\n````python\n```\nc = 3\n````\n")
    assert python_blocks(text) == [(2, "a = 1\n"), (8, "b = 2\n"),
                                   (11, "```\nc = 3\n")]


@pytest.fixture(scope="module")
def page_runs(tmp_path_factory):
    jobs = {}
    for page in PAGES_WITH_CODE:
        work_dir = tmp_path_factory.mktemp(page.stem)
        spec = work_dir / "blocks.json"
        spec.write_text(json.dumps(
            {"page": page.name, "blocks": python_blocks(page.read_text())}))
        jobs[page.name] = {"argv": [__file__, str(spec)], "cwd": work_dir,
                           "timeout": 600}
    runs = fresh_interpreter.Runs(jobs)
    yield runs
    runs.close()


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES_WITH_CODE,
                         ids=[p.name for p in PAGES_WITH_CODE])
def test_page_examples_run(page, page_runs):
    blocks = python_blocks(page.read_text())
    outcomes = fresh_interpreter.result_of(page_runs.get(page.name))
    assert len(outcomes) == len(blocks), outcomes
    failures = ["%s, block %d (line %d):\n%s" % (page.name, o["index"],
                                                  o["line"], o["error"])
                for o in outcomes if o["error"]]
    assert not failures, "\n\n".join(failures)


# --------------------------------------------------------------------------
# The child.

def _run_blocks(spec_path):
    spec = json.loads(pathlib.Path(spec_path).read_text())
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    outcomes = []
    for index, (line, source) in enumerate(spec["blocks"]):
        tf.compat.v1.reset_default_graph()
        filename = "%s[block %d, line %d]" % (spec["page"], index, line)
        start = time.perf_counter()
        error = ""
        try:
            exec(compile(source, filename, "exec"),  # pylint: disable=exec-used
                 {"__name__": "__main__"})
        except BaseException:  # pylint: disable=broad-except
            error = traceback.format_exc()
        outcomes.append({"index": index, "line": line, "error": error,
                         "seconds": round(time.perf_counter() - start, 2)})
    fresh_interpreter.report(outcomes)


if __name__ == "__main__":
    _run_blocks(sys.argv[1])
