"""Builds contrib_norm's wheel or sdist as pip would, from a copy of the tree.

The copy (everything but version control, virtual environments and build
outputs) keeps the checkout free of build/ and *.egg-info churn, so that two
test processes can build at once. The build runs setuptools' PEP 517 backend
in the test interpreter: no network, no build isolation.
"""

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".hypothesis", "demo-results")


def build(kind, work_dir):
    """Builds ``kind`` ("wheel" or "sdist") under ``work_dir``; its path."""
    work_dir = pathlib.Path(work_dir)
    source = work_dir / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_COPIED)
    out = work_dir / "dist"
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom setuptools import build_meta\n"
         "print(getattr(build_meta, 'build_' + sys.argv[1])(sys.argv[2]))",
         kind, str(out)],
        cwd=str(source), capture_output=True, text=True, timeout=300,
        check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / result.stdout.strip().splitlines()[-1]
