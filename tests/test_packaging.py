"""The package's metadata: one version everywhere, a license, the Python range.

Nothing here imports TensorFlow.
"""

import ast
import contextlib
import io
import pathlib
import re

from setuptools.config.setupcfg import read_configuration

import contrib_norm
from contrib_norm.migrate import cli

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _changelog_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.search(r"^## (\S+)", text, re.MULTILINE).group(1)


def test_one_version_string():
    version = contrib_norm.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    metadata = read_configuration(str(ROOT / "setup.cfg"))["metadata"]
    assert metadata["version"] == version
    assert _changelog_version() == version
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        cli.main(["--version"])
    assert out.getvalue().split() == ["contrib-norm-migrate", version]


def test_license_and_typing_marker_ship():
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (ROOT / "contrib_norm" / "py.typed").is_file()
    config = read_configuration(str(ROOT / "setup.cfg"))
    assert config["metadata"]["license"] == "Apache-2.0"
    assert "py.typed" in config["options"]["package_data"]["contrib_norm"]


def test_source_parses_as_oldest_allowed_python():
    # python_requires admits 3.9; only 3.11 is run, so at least check syntax.
    config = read_configuration(str(ROOT / "setup.cfg"))
    assert config["options"]["python_requires"] == ">=3.9"
    for path in sorted((ROOT / "contrib_norm").rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), str(path),
                  feature_version=(3, 9))
