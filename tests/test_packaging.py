"""The package's metadata: one version everywhere, a license, the Python range.

Nothing here imports TensorFlow.
"""

import ast
import contextlib
import io
import pathlib
import re
import tarfile

from setuptools.config.setupcfg import read_configuration

import contrib_norm
from contrib_norm.migrate import cli

import built_package

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


def test_sdist_holds_the_package_and_no_tests(tmp_path):
    # The tests stay in the repository (they need its fixtures, helpers and
    # conftest.py); MANIFEST.in prunes them, since setuptools >= 69 would
    # otherwise ship tests/test*.py alone, which cannot run.
    sdist = built_package.build("sdist", tmp_path)
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames()
                 if "/" in name]
    top = {name.split("/")[0] for name in names}
    assert top == {"contrib_norm", "contrib_norm.egg-info", "LICENSE",
                   "README.md", "CHANGELOG.md", "PKG-INFO", "setup.cfg",
                   "pyproject.toml", "MANIFEST.in"}, sorted(top)
    shipped = {name for name in names if name.startswith("contrib_norm/")
               and name.endswith((".py", ".typed"))}
    expected = {path.relative_to(ROOT).as_posix()
                for path in (ROOT / "contrib_norm").rglob("*")
                if path.suffix in (".py", ".typed")}
    assert shipped == expected
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "prune tests" in manifest.splitlines()
