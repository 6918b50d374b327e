"""Every ```python block of README.md and migration_guide/*.md runs alone,
as a user runs it: from an installed wheel, not from the checkout.

A wheel is built from the tree once per module and installed (``pip install
--no-deps --target``) into a temporary directory; each block runs in a fresh
interpreter whose ``PYTHONPATH`` is that directory alone, from a temporary
working directory (no TF_USE_LEGACY_KERAS), and reports where it imported
contrib_norm from. A block preceded by the line ``<!-- continues -->`` (blank
lines between are allowed) continues the one before it, like a notebook cell:
it runs after it in the same interpreter and namespace. Blocks that are not
meant to run use another fence (```text, ```sh, ```diff, ...).

This file is also the child: run as a script, it executes the blocks given in
a JSON file and reports each one's outcome.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import time
import traceback

import pytest

import built_package
import fresh_interpreter

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDE = ROOT / "migration_guide"

# Pages of the guide that README.md must link to (some are written by other
# issues; a missing one is reported, not failed).
OWN_PAGES = ("README.md", "install.md", "update_ops.md", "checkpoints.md",
             "bessel_correction.md", "keras3.md", "worked_example.md",
             "host_layers.md")
PENDING_PAGES = ()

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^\s`]*)[^`]*$")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
CONTINUES = "<!-- continues -->"


def python_blocks(text, with_continues=False):
    """Returns ``[(line, source)]`` for the ```python blocks of ``text``.

    ``line`` is the 1-based line of the opening fence. With
    ``with_continues``, each item has a third element: whether the block is
    marked as continuing the one before.
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
        before = [line.strip() for line in lines[:start] if line.strip()]
        continues = bool(before) and before[-1] == CONTINUES
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence)
                                      and not lines[i].strip()[len(fence):]
                                      .strip()):
            body.append(lines[i])
            i += 1
        if language.lower() in ("python", "py", "python3"):
            indent = len(lines[start]) - len(lines[start].lstrip())
            source = "\n".join(line[indent:] if line[:indent].isspace()
                               else line for line in body) + "\n"
            blocks.append((start + 1, source, continues) if with_continues
                          else (start + 1, source))
        i += 1
    return blocks


def runs_of(text):
    """The blocks of ``text`` grouped into runs: ``[[(line, source)...]]``.

    A run is a block and the blocks that continue it.
    """
    runs = []
    for line, source, continues in python_blocks(text, with_continues=True):
        if continues:
            assert runs, "line %d continues no block" % line
            runs[-1].append((line, source))
        else:
            runs.append([(line, source)])
    return runs


PAGES = sorted(GUIDE.glob("*.md"))
DOCS = [ROOT / "README.md"] + PAGES
DOCS_WITH_CODE = [p for p in DOCS if python_blocks(p.read_text())]
DOC_IDS = [p.relative_to(ROOT).as_posix() for p in DOCS_WITH_CODE]


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


def test_continuation_marker():
    text = ("```python\na = 1\n```\n\n<!-- continues -->\n\n```python\n"
            "b = a\n```\n```python\nc = 3\n```\n")
    assert runs_of(text) == [[(1, "a = 1\n"), (7, "b = a\n")],
                             [(10, "c = 3\n")]]


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """The directory where the wheel built from this tree is installed."""
    work_dir = tmp_path_factory.mktemp("wheel")
    wheel = built_package.build("wheel", work_dir)
    site = work_dir / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-compile", "--disable-pip-version-check", "--target", str(site),
         str(wheel)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def doc_runs(tmp_path_factory, installed_wheel):
    jobs = {}
    for page, page_id in zip(DOCS_WITH_CODE, DOC_IDS):
        for index, run in enumerate(runs_of(page.read_text())):
            work_dir = tmp_path_factory.mktemp(page.stem)
            spec = work_dir / "blocks.json"
            spec.write_text(json.dumps({"page": page_id, "blocks": run}))
            jobs[page_id, index] = {
                "argv": [__file__, str(spec)], "cwd": work_dir,
                "timeout": 600, "env": {"PYTHONPATH": str(installed_wheel)}}
    runs = fresh_interpreter.Runs(jobs)
    yield runs
    runs.close()


@pytest.mark.slow
@pytest.mark.parametrize("page", DOCS_WITH_CODE, ids=DOC_IDS)
def test_page_examples_run(page, doc_runs, installed_wheel):
    page_id = page.relative_to(ROOT).as_posix()
    failures = []
    for index, run in enumerate(runs_of(page.read_text())):
        outcomes = fresh_interpreter.result_of(doc_runs.get((page_id, index)))
        assert len(outcomes) == len(run), outcomes
        for outcome in outcomes:
            if outcome["contrib_norm"]:  # Not every block imports it.
                imported = pathlib.Path(outcome["contrib_norm"]).resolve()
                assert installed_wheel.resolve() in imported.parents, (
                    "contrib_norm came from %s, not the wheel" % imported)
        failures += ["%s, line %d:\n%s" % (page_id, o["line"], o["error"])
                     for o in outcomes if o["error"]]
    assert not failures, "\n\n".join(failures)


# --------------------------------------------------------------------------
# The child.

def _run_blocks(spec_path):
    """Runs one block and the blocks that continue it, in one namespace."""
    spec = json.loads(pathlib.Path(spec_path).read_text())
    # This script's directory (tests/) is not where contrib_norm may come from.
    sys.path = [p for p in sys.path
                if p and os.path.abspath(p) != os.path.dirname(
                    os.path.abspath(__file__))]
    namespace = {"__name__": "__main__"}
    outcomes = []
    for line, source in spec["blocks"]:
        filename = "%s[line %d]" % (spec["page"], line)
        start = time.perf_counter()
        error = ""
        try:
            exec(compile(source, filename, "exec"),  # pylint: disable=exec-used
                 namespace)
        except BaseException:  # pylint: disable=broad-except
            error = traceback.format_exc()
        module = sys.modules.get("contrib_norm")
        outcomes.append({"line": line, "error": error,
                         "contrib_norm": getattr(module, "__file__", None),
                         "seconds": round(time.perf_counter() - start, 2)})
    fresh_interpreter.report(outcomes)


if __name__ == "__main__":
    _run_blocks(sys.argv[1])
