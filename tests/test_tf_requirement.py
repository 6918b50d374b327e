"""TensorFlow is the extra `tf`, checked where contrib_norm first imports it.

The checks run in child processes with TensorFlow hidden or replaced by a
stand-in module (nothing is uninstalled), so none of them loads TensorFlow.
"""

import ast
import pathlib
import re
import subprocess
import sys
import textwrap

from setuptools.config.setupcfg import read_configuration

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "contrib_norm"

# The modules that do not use TensorFlow.
WITHOUT_TF = {"contrib_norm", "contrib_norm.legacy_names"}


def _modules_using_tf():
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name not in WITHOUT_TF and not name.startswith("contrib_norm.migrate"):
            names.append(name)
    return names


def _run_child(code):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=str(ROOT),
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_without_tensorflow_every_module_names_the_extra():
    out = _run_child("""
        import importlib, sys
        sys.modules["tensorflow"] = None  # as if not installed
        import contrib_norm
        assert contrib_norm.__version__
        import contrib_norm.legacy_names, contrib_norm.migrate.cli
        for name in %r + ["install"]:
            try:
                if name == "install":
                    contrib_norm.install
                else:
                    importlib.import_module(name)
            except ImportError as error:
                message = str(error)
                assert "pip install contrib_norm[tf]" in message, message
                assert "TensorFlow build >= 2.15" in message, message
                assert "2.15 to 2.21" in message, message
            else:
                raise AssertionError(name + " imported without TensorFlow")
        print("checked", %d + 1)
    """ % (_modules_using_tf(), len(_modules_using_tf())))
    assert out.split() == ["checked", str(len(_modules_using_tf()) + 1)]


def test_untested_version_warns_at_first_import():
    out = _run_child("""
        import sys, types, warnings
        for version, expect_warning in [("2.22.0", True), ("2.14.1", True),
                                        ("2.22.0-rc0", True), ("3.0.0", True),
                                        ("2.15.1", False), ("2.16.0", False),
                                        ("2.21.0", False),
                                        ("2.19.0rc1", False)]:
            sys.modules.pop("contrib_norm._tf", None)
            fake = types.ModuleType("tensorflow")
            fake.__version__ = version
            sys.modules["tensorflow"] = fake
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                import contrib_norm._tf
            messages = [str(w.message) for w in caught]
            if expect_warning:
                assert len(messages) == 1, (version, messages)
                assert "TensorFlow " + version in messages[0], messages
                assert "tested with TensorFlow 2.15 to 2.21" in messages[0]
            else:
                assert messages == [], (version, messages)
        print("ok")
    """)
    assert out.split() == ["ok"]


def _tested_range():
    tree = ast.parse((PACKAGE / "_tf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "TESTED":
            return ast.literal_eval(node.value)
    raise AssertionError("no TESTED in contrib_norm/_tf.py")


def test_extra_bounds_are_the_range_ci_tests():
    (old_major, old_minor), (new_major, new_minor) = _tested_range()
    options = read_configuration(str(ROOT / "setup.cfg"))["options"]
    assert not any(r.startswith("tensorflow") for r in options["install_requires"])
    assert options["extras_require"]["tf"] == [
        "tensorflow>=%d.%d,<%d.%d" % (old_major, old_minor, new_major,
                                      new_minor + 1)]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    ci = dict(re.findall(r"^(TF_VERSION|OLDEST_TF_VERSION) \?= (\S+)$",
                         makefile, re.MULTILINE))
    assert ci == {"TF_VERSION": "%d.%d" % (new_major, new_minor),
                  "OLDEST_TF_VERSION": "%d.%d" % (old_major, old_minor)}


def test_readme_support_matrix_names_the_ci_versions():
    (old_major, old_minor), (new_major, new_minor) = _tested_range()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    in_ci = re.findall(r"^\| (\d+\.\d+) \|.*\| CI: ", readme, re.MULTILINE)
    assert sorted(in_ci) == sorted(["%d.%d" % (old_major, old_minor),
                                    "%d.%d" % (new_major, new_minor)])
    assert "TensorFlow >=%d.%d,<%d.%d" % (old_major, old_minor, new_major,
                                          new_minor + 1) in readme
