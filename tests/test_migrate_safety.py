"""contrib-norm-migrate never loses, corrupts or silently skips a user's code.

Each case of the data-safety issue, against the real pipeline (with
TensorFlow's tf_upgrade_v2 where it matters: one tree run shared by the
tests that inspect it) and, where it helps, against tf_upgrade_v2 alone on the
same input.
"""

import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from contrib_norm.migrate import cli
from contrib_norm.migrate import contain
from contrib_norm.migrate import files
from contrib_norm.migrate import line_endings
from contrib_norm.migrate import upgrade_v2


def src(text):
    return textwrap.dedent(text).lstrip("\n")


GOOD = src("""
    import tensorflow as tf

    def net(x, training):
        return tf.contrib.layers.batch_norm(x, is_training=training)
    """)
GOOD_CONVERTED = src("""
    import tensorflow as tf
    import contrib_norm

    def net(x, training):
        return contrib_norm.layers.batch_norm(x, is_training=training)
    """)

# LibCST and pasta parse these; CPython 3.11 does not.
CPYTHON_REJECTS = {
    "unknown_name.py": 's = "\\N{NO SUCH NAME}"\n' + GOOD,
    "parens300.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\n" + GOOD,
    "py312.py": "type Vector = list[float]\n" + GOOD,
    "bytes_mix.py": 'x = "a" b"b"\n' + GOOD,
    "parens5000.py": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + GOOD,
}
# pasta scrambles every token after a form feed (`class A:` -> `classA:`).
FORM_FEED = ("import tensorflow as tf\n\x0c\nclass A:\n    def f(self, x):\n"
             "        return tf.contrib.layers.batch_norm(x)\n")
# tf_upgrade_v2's log quotes this name with double quotes.
QUOTED_NAME = "it's.py"
QUOTED = src("""
    import tensorflow as tf
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.contrib.layers.embed_sequence(x, 8, 3)
    """)
MIXED = b"import tensorflow as tf\r\nx = 1\ny = tf.contrib.layers.layer_norm(x)\r\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_main(args):
    return cli.main([str(a) for a in args])


def notebook(cells):
    return {
        "cells": [
            {"cell_type": kind, "execution_count": None, "id": "c%d" % i,
             "metadata": {"tags": ["t%d" % i]},
             "outputs": [{"output_type": "stream", "name": "stdout",
                          "text": ["kept %d\n" % i]}] if kind == "code" else [],
             "source": source}
            if kind == "code" else
            {"cell_type": kind, "id": "c%d" % i, "metadata": {},
             "source": source}
            for i, (kind, source) in enumerate(cells)],
        "metadata": {"kernelspec": {"name": "python3"}, "custom": "kept"},
        "nbformat": 4, "nbformat_minor": 5}


NOTEBOOK = notebook([
    ("markdown", ["# tf.contrib.layers.batch_norm in prose stays\n"]),
    ("code", ["%matplotlib inline\n", "import tensorflow as tf\n",
              "!pip list | grep tensorflow"]),
    ("code", ["x = tf.placeholder(tf.float32, [None, 4])\n",
              "files = !ls\n",
              "y = tf.contrib.layers.batch_norm(x, is_training=True)"]),
    ("code", "%%bash\necho tf.contrib.layers.batch_norm\n"),
    ("code", ["tf.contrib.layers.batch_norm?"]),
])


def dumps_like_jupyter(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# --- The full pipeline over a tree of hard files, in place --------------

@pytest.fixture(scope="module")
def hard_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("hard") / "src"
    originals = {}
    for name, code in CPYTHON_REJECTS.items():
        originals[name] = write(root / name, code).read_bytes()
    originals["form_feed.py"] = write(root / "form_feed.py", FORM_FEED).read_bytes()
    originals[QUOTED_NAME] = write(root / QUOTED_NAME, QUOTED).read_bytes()
    originals["good.py"] = write(root / "good.py", GOOD).read_bytes()
    originals["mixed.py"] = write(root / "mixed.py", MIXED).read_bytes()
    script = write(root / "bin" / "train.py", "#!/usr/bin/env python\n" + GOOD)
    script.chmod(0o755)
    originals["nb.ipynb"] = write(root / "nb.ipynb",
                                  dumps_like_jupyter(NOTEBOOK)).read_bytes()
    report = root.parent / "report.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "contrib_norm.migrate", "--intree", str(root),
         "--inplace", "--reportfile", str(report)],
        capture_output=True, text=True, check=False, timeout=900)
    return root, originals, proc, report.read_text(encoding="utf-8")


def test_hard_tree_exit_status_2_and_every_file_accounted_for(hard_tree):
    root, _, proc, report = hard_tree
    assert proc.returncode == 2, proc.stdout + proc.stderr
    failed = list(CPYTHON_REJECTS) + ["form_feed.py"]
    assert "%d file(s) could not be converted or copied" % len(failed) in report
    for name in failed:
        assert "%s: " % os.path.join(str(root), name) in report
        assert "%s: " % os.path.join(str(root), name) in proc.stdout


@pytest.mark.parametrize("name", sorted(CPYTHON_REJECTS))
def test_code_cpython_rejects_is_left_byte_for_byte(hard_tree, name):
    root, originals, _, report = hard_tree
    assert (root / name).read_bytes() == originals[name]
    line = next(l for l in report.splitlines()
                if l.startswith(os.path.join(str(root), name) + ": "))
    assert "cannot parse as Python (line 1)" in line


def test_tf_upgrade_v2_alone_empties_such_a_file(tmp_path):
    # What the tool guards against: tf_upgrade_v2 writes an empty file.
    infile = write(tmp_path / "in.py", CPYTHON_REJECTS["unknown_name.py"])
    subprocess.run(upgrade_v2.command() + [
        "--infile", str(infile), "--outfile", str(tmp_path / "out.py"),
        "--reportfile", str(tmp_path / "r.txt")],
        capture_output=True, check=False, timeout=600)
    assert (tmp_path / "out.py").read_bytes() == b""
    assert "ERROR: Failed to parse" in (tmp_path / "r.txt").read_text()


def test_form_feed_scrambled_by_pasta_is_not_written(hard_tree):
    root, originals, _, report = hard_tree
    assert (root / "form_feed.py").read_bytes() == originals["form_feed.py"]
    assert ("%s: the converted code does not parse" % os.path.join(
        str(root), "form_feed.py")) in report or (
        "%s: tf_upgrade_v2's output cannot be parsed" % os.path.join(
            str(root), "form_feed.py")) in report


def test_quoted_file_name_keeps_its_messages(hard_tree):
    root, _, _, report = hard_tree
    path = os.path.join(str(root), QUOTED_NAME)
    assert ("%s:2 (output line 3): tf.placeholder -> tf.compat.v1.placeholder"
            % path) in report
    assert "%s:3 (output line 4): tf.contrib.layers.embed_sequence: use" % path in report
    assert "tf.compat.v1.placeholder" in (root / QUOTED_NAME).read_text()


def test_good_files_beside_bad_ones_are_converted(hard_tree):
    root, _, _, _ = hard_tree
    assert (root / "good.py").read_text() == GOOD_CONVERTED


def test_executable_script_keeps_its_mode(hard_tree):
    root, _, _, _ = hard_tree
    script = root / "bin" / "train.py"
    assert "contrib_norm.layers.batch_norm" in script.read_text()
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


def test_mixed_line_endings_are_kept_line_by_line(hard_tree):
    root, _, _, _ = hard_tree
    assert (root / "mixed.py").read_bytes() == (
        b"import tensorflow as tf\r\nimport contrib_norm\r\nx = 1\n"
        b"y = contrib_norm.layers.layer_norm(x)\r\n")


def test_notebook_in_tree_is_migrated_and_keeps_the_rest(hard_tree):
    root, originals, _, report = hard_tree
    nb = json.loads((root / "nb.ipynb").read_text(encoding="utf-8"))
    old = json.loads(originals["nb.ipynb"])
    assert nb["metadata"] == old["metadata"]
    for new_cell, old_cell in zip(nb["cells"], old["cells"]):
        assert set(new_cell) == set(old_cell)
        for key in new_cell:
            if key != "source":
                assert new_cell[key] == old_cell[key]
    code = ["".join(c["source"]) for c in nb["cells"]]
    assert code[0] == "".join(old["cells"][0]["source"])  # markdown
    assert code[1].startswith("%matplotlib inline\nimport tensorflow as tf\n")
    assert code[1].endswith("!pip list | grep tensorflow")
    assert code[2] == ("x = tf.compat.v1.placeholder(tf.float32, [None, 4])\n"
                       "files = !ls\n"
                       "y = contrib_norm.layers.batch_norm(x, is_training=True)")
    assert "import contrib_norm" in code[1]
    assert code[3] == "%%bash\necho tf.contrib.layers.batch_norm\n"
    assert code[4] == "tf.contrib.layers.batch_norm?"
    assert isinstance(nb["cells"][2]["source"], list)
    path = os.path.join(str(root), "nb.ipynb")
    assert ("%s: cell 3, line 1: tf.placeholder -> tf.compat.v1.placeholder"
            % path) in report
    assert ("%s: cell 3, line 3: tf.contrib.layers.batch_norm -> "
            "contrib_norm.layers.batch_norm" % path) in report


def test_every_changed_line_is_in_the_report(hard_tree):
    root, originals, _, report = hard_tree
    for name in ("good.py", "mixed.py", QUOTED_NAME):
        path = os.path.join(str(root), name)
        rows = [row for row in report.split("\nChanges\n")[1].splitlines()
                if row.startswith("  " + path)]
        old = originals[name].decode().splitlines()
        new = (root / name).read_text().splitlines()
        for number, line in enumerate(new, start=1):
            if line not in old:
                assert any("(output line %d)" % number in row
                           or row.startswith("  %s:%d: " % (path, number))
                           for row in rows), (name, number, line)


# --- Notebooks with --infile -------------------------------------------

def test_notebook_infile_converted(tmp_path):
    infile = write(tmp_path / "nb.ipynb", dumps_like_jupyter(NOTEBOOK))
    outfile = tmp_path / "out.ipynb"
    rc = run_main(["--infile", infile, "--outfile", outfile, "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 0
    nb = json.loads(outfile.read_text(encoding="utf-8"))
    assert "contrib_norm.layers.batch_norm(x" in "".join(nb["cells"][2]["source"])
    # Jupyter's own layout: one-space indentation, a final newline.
    assert outfile.read_text(encoding="utf-8") == dumps_like_jupyter(nb)
    assert "0 file(s) could not be converted" in (tmp_path / "r.txt").read_text()


def test_notebook_with_nothing_to_convert_is_byte_for_byte(tmp_path):
    text = '{"cells": [{"cell_type": "code", "source": ["x = 1"], ' \
           '"metadata": {}, "outputs": [], "execution_count": 3}], ' \
           '"metadata": {}, "nbformat": 4, "nbformat_minor": 2}'
    infile = write(tmp_path / "nb.ipynb", text)
    outfile = tmp_path / "out.ipynb"
    assert run_main(["--infile", infile, "--outfile", outfile, "--reportfile",
                     tmp_path / "r.txt", "--no-upgrade-v2"]) == 0
    assert outfile.read_text() == text


def test_broken_notebook_is_reported_and_copied(tmp_path):
    infile = write(tmp_path / "nb.ipynb", '{"cells": [')
    outfile = tmp_path / "out.ipynb"
    assert run_main(["--infile", infile, "--outfile", outfile, "--reportfile",
                     tmp_path / "r.txt", "--no-upgrade-v2"]) == 2
    assert outfile.read_text() == '{"cells": ['
    assert "cannot read the notebook" in (tmp_path / "r.txt").read_text()


def test_notebook_cell_that_does_not_parse_leaves_notebook_unchanged(tmp_path):
    nb = notebook([("code", ["import tensorflow as tf\n",
                             "y = tf.contrib.layers.batch_norm(x)"]),
                   ("code", ["def broken(:\n", "    pass"])])
    infile = write(tmp_path / "nb.ipynb", dumps_like_jupyter(nb))
    assert run_main(["--infile", infile, "--inplace", "--reportfile",
                     tmp_path / "r.txt", "--no-upgrade-v2"]) == 2
    assert infile.read_text() == dumps_like_jupyter(nb)
    assert "cannot parse as Python" in (tmp_path / "r.txt").read_text()


# --- Refusals: exit 2, nothing written ----------------------------------

def refused(capsys, argv, message, *untouched):
    before = {p: p.read_bytes() for p in untouched}
    assert run_main(argv + ["--no-upgrade-v2"]) == 2
    err = capsys.readouterr().err
    assert message in err
    for path, data in before.items():
        assert path.read_bytes() == data


def test_refuses_intree_inside_outtree(tmp_path, capsys):
    proj = tmp_path / "proj"
    train = write(proj / "train.py", GOOD)
    write(proj / "src" / "a.py", GOOD)
    refused(capsys, ["--intree", proj / "src", "--outtree", proj],
            "is inside --outtree", train)
    refused(capsys, ["--intree", proj / "src", "--outtree", proj,
                     "--existing-outtree"], "is inside --outtree", train)


def test_refuses_existing_outtree(tmp_path, capsys):
    write(tmp_path / "src" / "a.py", GOOD)
    stale = write(tmp_path / "out" / "a.py", "keep me\n")
    refused(capsys, ["--intree", tmp_path / "src", "--outtree", tmp_path / "out"],
            "already exists", stale)
    assert not (tmp_path / "report.txt").exists()


def test_existing_outtree_flag_lists_what_it_replaces(tmp_path, capsys):
    write(tmp_path / "src" / "a.py", GOOD)
    write(tmp_path / "src" / "b.py", GOOD)
    write(tmp_path / "out" / "a.py", "old\n")
    stale = write(tmp_path / "out" / "stale.py", "stale\n")
    rc = run_main(["--intree", tmp_path / "src", "--outtree", tmp_path / "out",
                   "--existing-outtree", "--reportfile", tmp_path / "r.txt",
                   "--no-upgrade-v2"])
    assert rc == 0
    assert (tmp_path / "out" / "a.py").read_text() == GOOD_CONVERTED
    assert stale.read_text() == "stale\n"
    replaced = str(tmp_path / "out" / "a.py")
    assert "replaced existing %s" % replaced in capsys.readouterr().out
    text = (tmp_path / "r.txt").read_text()
    assert "Existing files replaced in the output (1)" in text
    assert replaced in text and str(tmp_path / "out" / "b.py") not in \
        text.split("Existing files replaced")[1].split("Changes")[0]


def test_refuses_outfile_that_is_a_folder(tmp_path, capsys):
    infile = write(tmp_path / "in.py", GOOD)
    (tmp_path / "taken").mkdir()
    refused(capsys, ["--infile", infile, "--outfile", tmp_path / "taken"],
            "is a directory", infile)


@pytest.mark.parametrize("mode", ["infile", "intree", "outfile", "inplace"])
def test_refuses_reportfile_that_is_an_input_or_output(tmp_path, capsys, mode):
    infile = write(tmp_path / "src" / "in.py", GOOD)
    argv = {
        "infile": ["--infile", infile, "--outfile", tmp_path / "o.py",
                   "--reportfile", infile],
        "intree": ["--intree", tmp_path / "src", "--outtree", tmp_path / "out",
                   "--reportfile", infile],
        "outfile": ["--infile", infile, "--outfile", tmp_path / "o.py",
                    "--reportfile", tmp_path / "o.py"],
        "inplace": ["--intree", tmp_path / "src", "--inplace",
                    "--reportfile", infile],
    }[mode]
    refused(capsys, argv, "--reportfile", infile)
    assert not (tmp_path / "o.py").exists()
    assert not (tmp_path / "out").exists()


def test_outfile_equal_to_infile_means_inplace(tmp_path):
    infile = write(tmp_path / "in.py", GOOD)
    assert run_main(["--infile", infile, "--outfile", tmp_path / "." / "in.py",
                     "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"]) == 0
    assert infile.read_text() == GOOD_CONVERTED


# --- Symbolic links are never followed ----------------------------------

def test_inplace_never_follows_links_out_of_the_tree(tmp_path, capsys):
    outside = write(tmp_path / "outside" / "lib.py", GOOD)
    outside_dir = tmp_path / "outside_dir"
    write(outside_dir / "deep.py", GOOD)
    tree = tmp_path / "tree"
    write(tree / "a.py", GOOD)
    os.symlink(outside, tree / "link.py")
    os.symlink(outside_dir, tree / "linked_dir")
    os.symlink(tree / "missing.py", tree / "dangling.py")
    os.symlink(tree / "loop.py", tree / "loop.py")
    rc = run_main(["--intree", tree, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 0
    assert (tree / "a.py").read_text() == GOOD_CONVERTED
    assert outside.read_text() == GOOD
    assert (outside_dir / "deep.py").read_text() == GOOD
    assert os.path.islink(tree / "link.py")
    text = (tmp_path / "r.txt").read_text()
    assert "Skipped (symbolic links are not followed) (4)" in text
    for name in ("link.py", "linked_dir", "dangling.py", "loop.py"):
        assert "%s: symbolic link to" % (tree / name) in text
    assert "skipped %s" % (tree / "link.py") in capsys.readouterr().out


def test_outtree_skips_links_too(tmp_path):
    outside = write(tmp_path / "outside.py", GOOD)
    write(tmp_path / "src" / "a.py", GOOD)
    os.symlink(outside, tmp_path / "src" / "link.py")
    assert run_main(["--intree", tmp_path / "src", "--outtree", tmp_path / "out",
                     "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"]) == 0
    assert not os.path.lexists(tmp_path / "out" / "link.py")
    assert "link.py: symbolic link to" in (tmp_path / "r.txt").read_text()


def test_refuses_inplace_infile_that_is_a_link(tmp_path, capsys):
    target = write(tmp_path / "real.py", GOOD)
    os.symlink(target, tmp_path / "link.py")
    refused(capsys, ["--infile", tmp_path / "link.py", "--inplace"],
            "is a symbolic link", target)


# --- Atomic writes -------------------------------------------------------

class _DiskFull:
    """Makes the n-th write of a file through `os.fdopen` fail halfway."""

    def __init__(self, monkeypatch, name):
        real = os.fdopen

        def fdopen(fd, *args, **kwargs):
            f = real(fd, *args, **kwargs)
            path = os.readlink("/proc/self/fd/%d" % fd)
            if os.path.basename(path).startswith(".%s." % name):
                write_ = f.write

                def half(data):
                    write_(data[:len(data) // 2])
                    raise OSError(28, "No space left on device")
                f.write = half
            return f

        monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_failed_write_leaves_the_file_as_it_was(tmp_path, monkeypatch, capsys):
    tree = tmp_path / "tree"
    a = write(tree / "a.py", GOOD)
    b = write(tree / "b.py", GOOD)
    _DiskFull(monkeypatch, "a.py")
    rc = run_main(["--intree", tree, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 2
    assert a.read_text() == GOOD
    assert b.read_text() == GOOD_CONVERTED
    assert sorted(os.listdir(tree)) == ["a.py", "b.py"]  # no temporary left
    text = (tmp_path / "r.txt").read_text()
    assert "%s: cannot write %s: No space left on device" % (a, a) in text


def test_write_atomic_keeps_old_content_on_failure(tmp_path, monkeypatch):
    path = write(tmp_path / "x.py", "old\n")
    _DiskFull(monkeypatch, "x.py")
    with pytest.raises(files.FileError, match="No space left"):
        files.write_atomic(str(path), b"new content\n")
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["x.py"]


# --- One bad file never stops the others --------------------------------

def test_unreadable_and_unwritable_files_are_reported_per_file(
        tmp_path, monkeypatch):
    tree = tmp_path / "src"
    for name in ("a.py", "b.py", "c.py", "d.txt"):
        write(tree / name, GOOD)
    real_read, real_write = files.read_bytes, files.write_atomic

    def read_bytes(path):
        if path.endswith("a.py"):
            raise files.FileError("cannot read: Permission denied")
        return real_read(path)

    def write_atomic(path, data, mode=0o644):
        if path.endswith("b.py"):
            raise files.FileError("cannot write %s: Read-only file system" % path)
        return real_write(path, data, mode)

    monkeypatch.setattr(files, "read_bytes", read_bytes)
    monkeypatch.setattr(files, "write_atomic", write_atomic)
    rc = run_main(["--intree", tree, "--outtree", tmp_path / "out",
                   "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 2
    assert (tmp_path / "out" / "c.py").read_text() == GOOD_CONVERTED
    assert not (tmp_path / "out" / "b.py").exists()
    text = (tmp_path / "r.txt").read_text()
    assert "%s: cannot read: Permission denied" % (tree / "a.py") in text
    assert "Read-only file system" in text
    assert "2 file(s) could not be converted or copied" in text


def test_undecodable_file_is_copied_byte_for_byte(tmp_path):
    data = b"# -*- coding: utf-8 -*-\nx = '\xff\xfe'\n"
    write(tmp_path / "src" / "bad.py", data)
    write(tmp_path / "src" / "good.py", GOOD)
    assert run_main(["--intree", tmp_path / "src", "--outtree", tmp_path / "out",
                     "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"]) == 2
    assert (tmp_path / "out" / "bad.py").read_bytes() == data
    assert (tmp_path / "out" / "good.py").read_text() == GOOD_CONVERTED
    assert "bad.py: cannot decode" in (tmp_path / "r.txt").read_text()


CRASHING_SITECUSTOMIZE = src("""
    import ctypes
    from contrib_norm.migrate import spell_out
    _real = spell_out.spell_out

    def spell_out_that_crashes(code):
        if "CRASH_ME" in code:
            ctypes.string_at(0)  # SIGSEGV, as LibCST's parser on deep nesting
        return _real(code)

    spell_out.spell_out = spell_out_that_crashes
    """)


def test_a_pass_that_crashes_the_process_costs_one_file(tmp_path, monkeypatch):
    hook = write(tmp_path / "hook" / "sitecustomize.py", CRASHING_SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(hook.parent))
    tree = tmp_path / "src"
    write(tree / "a.py", GOOD)
    write(tree / "b.py", "CRASH_ME = 1\n" + GOOD)
    write(tree / "c.py", GOOD)
    rc = run_main(["--intree", tree, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 2
    assert (tree / "a.py").read_text() == GOOD_CONVERTED
    assert (tree / "b.py").read_text() == "CRASH_ME = 1\n" + GOOD
    assert (tree / "c.py").read_text() == GOOD_CONVERTED
    text = (tmp_path / "r.txt").read_text()
    assert ("%s: pass 1 (spell out tf.contrib imports) failed: the parser "
            "process crashed: killed by SIGSEGV" % (tree / "b.py")) in text


def test_contained_runner_survives_crash_timeout_and_exceptions():
    import ctypes
    with contain.Contained(timeout=2) as runner:
        assert runner.call(len, "abc").value == 3
        crash = runner.call(ctypes.string_at, 0)
        assert crash.error == "the parser process crashed: killed by SIGSEGV"
        assert runner.call(len, "ab").value == 2  # a fresh child
        start = time.monotonic()
        slow = runner.call(time.sleep, 30)
        assert time.monotonic() - start < 20
        assert slow.error.startswith("stopped after 2 s")
        error = runner.call(int, "x")
        assert error.error.startswith("ValueError: invalid literal")
        assert not error.expected
        assert runner.call(abs, -4).value == 4


def test_deeply_nested_valid_code_is_converted(tmp_path):
    # 150 levels: valid for CPython, deep for a recursive parser and visitor.
    code = GOOD + "z = " + "[" * 150 + "tf.contrib.layers.layer_norm(x)" \
        + "]" * 150 + "\n"
    infile = write(tmp_path / "deep.py", code)
    assert run_main(["--infile", infile, "--inplace", "--reportfile",
                     tmp_path / "r.txt", "--no-upgrade-v2"]) == 0
    assert "[contrib_norm.layers.layer_norm(x)]" in infile.read_text()


# --- Flags ---------------------------------------------------------------

def test_version_flag(capsys):
    import contrib_norm
    assert run_main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == (
        "contrib-norm-migrate " + contrib_norm.__version__)


def test_help_documents_flags_and_exit_status(capsys):
    assert run_main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--copyotherfiles", "--print_all", "--no_import_rename",
                 "--no_upgrade_compat_v1_import", "--version",
                 "--existing-outtree", "--timeout"):
        assert flag in out
    assert "Exit status:" in out
    for line in ("0  every file was converted",
                 "1  converted, but manual work remains",
                 "2  a usage error"):
        assert line in out


def test_copyotherfiles_false(tmp_path):
    write(tmp_path / "src" / "a.py", GOOD)
    write(tmp_path / "src" / "README.md", "x\n")
    assert run_main(["--intree", tmp_path / "src", "--outtree", tmp_path / "out",
                     "--copyotherfiles", "False", "--reportfile",
                     tmp_path / "r.txt", "--no-upgrade-v2"]) == 0
    assert (tmp_path / "out" / "a.py").exists()
    assert not (tmp_path / "out" / "README.md").exists()


def test_print_all_prints_the_report(tmp_path, capsys):
    infile = write(tmp_path / "in.py", GOOD)
    assert run_main(["--infile", infile, "--outfile", tmp_path / "o.py",
                     "--print_all", "--reportfile", tmp_path / "r.txt",
                     "--no-upgrade-v2"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "r.txt").read_text().strip() in out


def test_tf_upgrade_v2_flags_are_passed_on(tmp_path, monkeypatch):
    seen = tmp_path / "argv"
    fake = write(tmp_path / "fake.sh", "#!/bin/sh\necho \"$@\" > %s\nexit 3\n"
                 % seen)
    fake.chmod(0o755)
    monkeypatch.setenv(upgrade_v2.ENV_COMMAND, str(fake))
    infile = write(tmp_path / "in.py", GOOD)
    run_main(["--infile", infile, "--outfile", tmp_path / "o.py",
              "--no_import_rename", "--no_upgrade_compat_v1_import",
              "--reportfile", tmp_path / "r.txt"])
    argv = seen.read_text().split()
    assert "--no_import_rename" in argv
    assert "--no_upgrade_compat_v1_import" in argv


def test_compat_v1_import_kept_with_no_upgrade_compat_v1_import(tmp_path):
    infile = write(tmp_path / "in.py", src("""
        import tensorflow.compat.v1 as tf
        x = tf.placeholder(tf.float32)
        """))
    assert run_main(["--infile", infile, "--inplace",
                     "--no_upgrade_compat_v1_import",
                     "--reportfile", tmp_path / "r.txt"]) == 0
    assert infile.read_text().startswith("import tensorflow.compat.v1 as tf\n")


# --- Line endings ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a\nb\n", "a\r\nb\r\n", "a\rb\r", "a\r\nb\nc\rd", "", "x", "\x0c\nx\n",
    "a\n\n\r\n"])
def test_line_endings_round_trip(text):
    normalized, endings = line_endings.split(text)
    assert "\r" not in normalized
    assert line_endings.restore(normalized, endings, lambda n: n) == text


def test_added_line_takes_the_ending_of_the_line_before():
    normalized, endings = line_endings.split("a\r\nb\nc\r\n")
    new = "a\nadded\nb\nc\n"
    origin = {1: 1, 2: None, 3: 2, 4: 3}.get
    assert line_endings.restore(new, endings, origin) == "a\r\nadded\r\nb\nc\r\n"


SLOW_IMPORT = src("""
    import time
    time.sleep(3)

    def answer():
        return 42
    """)


def test_a_slow_child_start_does_not_count_against_the_time_limit(
        tmp_path, monkeypatch):
    # On a loaded machine the child's start-up and imports can take longer
    # than --timeout; only the call itself is timed.
    write(tmp_path / "slow_import_module.py", SLOW_IMPORT)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    import slow_import_module
    with contain.Contained(timeout=1) as runner:
        assert runner.call(slow_import_module.answer).value == 42
