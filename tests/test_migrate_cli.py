"""Tests of the contrib-norm-migrate command: arguments, files, report, exit codes.

Most tests run the command in-process with ``--no-upgrade-v2``. The full
pipeline (with TensorFlow's tf_upgrade_v2, a few seconds per run) runs twice,
in module-scoped fixtures shared by the tests that inspect its results.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from contrib_norm.migrate import cli
from contrib_norm.migrate import upgrade_v2


def src(text):
    return textwrap.dedent(text).lstrip("\n")


CONVERTIBLE = src("""
    import tensorflow as tf
    import tensorflow.contrib as tf_contrib

    def norm(x, training):
        return tf_contrib.layers.batch_norm(x, is_training=training)  # keep me
    """)

NEEDS_MANUAL = src("""
    import tensorflow as tf
    import tensorflow.contrib.slim as slim

    def net(x):
        return slim.conv2d_in_plane(slim.batch_norm(x), [3, 3])
    """)

UNPARSABLE = "def broken(:\n    return 1\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_main(args):
    return cli.main([str(a) for a in args])


# --- Bad arguments: exit status 2 ---------------------------------------

@pytest.fixture
def files(tmp_path):
    infile = write(tmp_path / "in.py", CONVERTIBLE)
    intree = tmp_path / "tree"
    write(intree / "a.py", CONVERTIBLE)
    return infile, intree, tmp_path


BAD_ARGS = [
    ([], "one of --infile or --intree is required"),
    (["--infile", "{in}", "--intree", "{tree}"], "not both"),
    (["--infile", "{in}"], "needs --outfile or --inplace"),
    (["--infile", "{in}", "--outfile", "{tmp}/o.py", "--inplace"],
     "--inplace cannot be combined with --outfile"),
    (["--infile", "{tmp}/missing.py", "--outfile", "{tmp}/o.py"],
     "missing.py"),
    (["--infile", "{in}", "--outtree", "{tmp}/out"], "--outtree"),
    (["--intree", "{tree}"], "needs --outtree or --inplace"),
    (["--intree", "{tree}", "--outtree", "{tmp}/out", "--inplace"],
     "--inplace cannot be combined with --outtree"),
    (["--intree", "{tmp}/nope", "--outtree", "{tmp}/out"], "nope"),
    (["--intree", "{tree}", "--outfile", "{tmp}/o.py"], "--outfile"),
    (["--intree", "{tree}", "--outtree", "{tree}/sub"], "inside"),
    (["--intree", "{tree}", "--outtree", "{tree}"], "must not be --intree"),
    (["--infile", "{in}", "--outfile", "{tmp}/o.py", "--bogus"], "--bogus"),
]


@pytest.mark.parametrize("argv, message", BAD_ARGS,
                         ids=[" ".join(a[0]) or "none" for a in BAD_ARGS])
def test_bad_arguments_exit_2(files, capsys, argv, message):
    infile, intree, tmp = files
    argv = [a.format(**{"in": infile, "tree": intree, "tmp": tmp}) for a in argv]
    assert run_main(argv + ["--no-upgrade-v2"]) == 2
    err = capsys.readouterr().err
    assert "usage:" in err
    assert message in err
    assert not (tmp / "o.py").exists()
    assert not (tmp / "out").exists()


def test_help_exits_0(capsys):
    assert run_main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--infile", "--outfile", "--intree", "--outtree", "--inplace",
                 "--reportfile", "--no-upgrade-v2"):
        assert flag in out


# --- Single files -------------------------------------------------------

def test_single_file_converted_exit_0(tmp_path, capsys):
    infile = write(tmp_path / "in.py", CONVERTIBLE)
    outfile = tmp_path / "out" / "converted.py"
    report = tmp_path / "r.txt"
    rc = run_main(["--infile", infile, "--outfile", outfile,
                   "--reportfile", report, "--no-upgrade-v2"])
    assert rc == 0
    assert outfile.read_text() == src("""
        import tensorflow as tf
        import contrib_norm

        def norm(x, training):
            return contrib_norm.layers.batch_norm(x, is_training=training)  # keep me
        """)
    assert infile.read_text() == CONVERTIBLE
    text = report.read_text()
    assert "%s:5: tf_contrib.layers.batch_norm -> contrib_norm.layers.batch_norm" % infile in text
    assert "%s:2: removed import tensorflow.contrib as tf_contrib" % infile in text
    assert "(output line 2): added import contrib_norm" in text
    assert "tf_upgrade_v2 skipped (--no-upgrade-v2)" in text
    out = capsys.readouterr().out
    assert "1 file(s) processed, 1 changed" in out
    assert "Report written to %s" % report in out


def test_single_file_manual_work_exit_1(tmp_path, capsys):
    infile = write(tmp_path / "net.py", NEEDS_MANUAL)
    outfile = tmp_path / "net_v2.py"
    report = tmp_path / "r.txt"
    rc = run_main(["--infile", infile, "--outfile", outfile,
                   "--reportfile", report, "--no-upgrade-v2"])
    assert rc == 1
    assert outfile.read_text() == src("""
        import tensorflow as tf
        import contrib_norm

        def net(x):
            return tf.contrib.slim.conv2d_in_plane(contrib_norm.slim.batch_norm(x), [3, 3])
        """)
    text = report.read_text()
    line = ("%s:5: tf.contrib.slim.conv2d_in_plane: no contrib_norm "
            "replacement; contrib_norm.slim has slim's layers" % infile)
    assert line in text
    assert "Unconverted uses: manual work needed (1)" in text
    out = capsys.readouterr().out
    assert "net.py:5: tf.contrib.slim.conv2d_in_plane" in out


def test_default_report_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "in.py", CONVERTIBLE)
    assert run_main(["--infile", "in.py", "--outfile", "out.py",
                     "--no-upgrade-v2"]) == 0
    assert cli.DEFAULT_REPORT == "report.txt"
    assert "in.py:5:" in (tmp_path / "report.txt").read_text()


def test_unparsable_file_copied_exit_2(tmp_path, capsys):
    infile = write(tmp_path / "bad.py", UNPARSABLE)
    outfile = tmp_path / "bad_out.py"
    report = tmp_path / "r.txt"
    rc = run_main(["--infile", infile, "--outfile", outfile,
                   "--reportfile", report, "--no-upgrade-v2"])
    assert rc == 2
    assert outfile.read_text() == UNPARSABLE
    text = report.read_text()
    assert "could not be converted" in text
    assert "%s: cannot parse as Python" % infile in text
    assert "(left unchanged)" in capsys.readouterr().out


def test_unwritable_output_exit_2(tmp_path, capsys):
    infile = write(tmp_path / "in.py", CONVERTIBLE)
    (tmp_path / "taken").mkdir()
    rc = run_main(["--infile", infile, "--outfile", tmp_path / "taken",
                   "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 2
    assert "taken" in capsys.readouterr().err


def test_inplace_single_file(tmp_path):
    infile = write(tmp_path / "in.py", CONVERTIBLE)
    rc = run_main(["--infile", infile, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 0
    assert "contrib_norm.layers.batch_norm" in infile.read_text()
    assert "tf_contrib" not in infile.read_text()


def test_inplace_unparsable_untouched(tmp_path):
    infile = write(tmp_path / "bad.py", UNPARSABLE)
    rc = run_main(["--infile", infile, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 2
    assert infile.read_text() == UNPARSABLE


@pytest.mark.parametrize("passes", [["--no-upgrade-v2"], []],
                         ids=["without-tf_upgrade_v2", "with-tf_upgrade_v2"])
def test_crlf_and_encoding_preserved(tmp_path, passes):
    # tf_upgrade_v2 writes LF; the CRLF endings come back all the same.
    code = "# -*- coding: latin-1 -*-\r\nimport tensorflow as tf\r\n# caf\xe9\r\n" \
           "y = tf.contrib.layers.layer_norm(x)\r\n"
    infile = tmp_path / "in.py"
    infile.write_bytes(code.encode("latin-1"))
    outfile = tmp_path / "out.py"
    assert run_main(["--infile", infile, "--outfile", outfile, "--reportfile",
                     tmp_path / "r.txt"] + passes) == 0
    data = outfile.read_bytes()
    assert data == ("# -*- coding: latin-1 -*-\r\nimport tensorflow as tf\r\n"
                    "import contrib_norm\r\n# caf\xe9\r\n"
                    "y = contrib_norm.layers.layer_norm(x)\r\n").encode("latin-1")


def test_crlf_file_with_nothing_to_convert_is_unchanged(tmp_path):
    infile = tmp_path / "in.py"
    infile.write_bytes(b"import tensorflow as tf\r\n\r\nx = 1  # nothing\r\n")
    outfile = tmp_path / "out.py"
    assert run_main(["--infile", infile, "--outfile", outfile, "--reportfile",
                     tmp_path / "r.txt"]) == 0
    assert outfile.read_bytes() == infile.read_bytes()
    assert "0 changed" in (tmp_path / "r.txt").read_text()


# --- Trees ------------------------------------------------------------

def make_tree(root):
    write(root / "pkg" / "__init__.py", "")
    write(root / "pkg" / "ops.py", CONVERTIBLE)
    write(root / "pkg" / "nets" / "net.py", NEEDS_MANUAL)
    write(root / "README.md", "# tf.contrib.layers.batch_norm stays here\n")
    (root / "data").mkdir()
    (root / "data" / "weights.bin").write_bytes(bytes(range(256)))
    write(root / "plain.py", "print('hello')  # untouched\n")
    return root


def test_tree_mode(tmp_path, capsys):
    intree = make_tree(tmp_path / "src")
    outtree = tmp_path / "dst"
    report = tmp_path / "report.txt"
    rc = run_main(["--intree", intree, "--outtree", outtree,
                   "--reportfile", report, "--no-upgrade-v2"])
    assert rc == 1  # net.py needs manual work
    assert "contrib_norm.layers.batch_norm" in (outtree / "pkg" / "ops.py").read_text()
    assert "tf.contrib.slim.conv2d_in_plane" in (outtree / "pkg" / "nets" / "net.py").read_text()
    # Other files are copied as they are.
    assert (outtree / "README.md").read_text() == (intree / "README.md").read_text()
    assert (outtree / "data" / "weights.bin").read_bytes() == bytes(range(256))
    assert (outtree / "plain.py").read_text() == "print('hello')  # untouched\n"
    assert (outtree / "pkg" / "__init__.py").exists()
    # The input tree is untouched.
    assert (intree / "pkg" / "ops.py").read_text() == CONVERTIBLE
    # One report for all files.
    text = report.read_text()
    ops = os.path.join(str(intree), "pkg", "ops.py")
    net = os.path.join(str(intree), "pkg", "nets", "net.py")
    assert "%s:5: tf_contrib.layers.batch_norm -> contrib_norm.layers.batch_norm" % ops in text
    assert "%s:5: tf.contrib.slim.conv2d_in_plane: no" % net in text
    assert "4 file(s) processed, 2 changed" in text
    assert "Other files copied: 2" in text
    assert "4 file(s) processed" in capsys.readouterr().out


def test_tree_mode_with_unparsable_file(tmp_path):
    intree = make_tree(tmp_path / "src")
    write(intree / "pkg" / "broken.py", UNPARSABLE)
    outtree = tmp_path / "dst"
    report = tmp_path / "report.txt"
    rc = run_main(["--intree", intree, "--outtree", outtree,
                   "--reportfile", report, "--no-upgrade-v2"])
    assert rc == 2
    assert (outtree / "pkg" / "broken.py").read_text() == UNPARSABLE
    # The other files were still converted.
    assert "contrib_norm.layers.batch_norm" in (outtree / "pkg" / "ops.py").read_text()
    text = report.read_text()
    assert os.path.join("pkg", "broken.py") + ": cannot parse as Python" in text


def test_tree_inplace(tmp_path):
    intree = make_tree(tmp_path / "src")
    rc = run_main(["--intree", intree, "--inplace", "--reportfile",
                   tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 1
    assert "contrib_norm.layers.batch_norm" in (intree / "pkg" / "ops.py").read_text()
    assert (intree / "plain.py").read_text() == "print('hello')  # untouched\n"
    assert (intree / "data" / "weights.bin").read_bytes() == bytes(range(256))


def test_tree_all_converted_exit_0(tmp_path):
    intree = tmp_path / "src"
    write(intree / "a.py", CONVERTIBLE)
    write(intree / "b" / "c.py", "import tensorflow as tf\n")
    rc = run_main(["--intree", intree, "--outtree", tmp_path / "out",
                   "--reportfile", tmp_path / "r.txt", "--no-upgrade-v2"])
    assert rc == 0
    assert (tmp_path / "out" / "b" / "c.py").read_text() == "import tensorflow as tf\n"


def test_python_dash_m(tmp_path):
    infile = write(tmp_path / "in.py", NEEDS_MANUAL)
    proc = subprocess.run(
        [sys.executable, "-m", "contrib_norm.migrate", "--infile", str(infile),
         "--outfile", str(tmp_path / "out.py"), "--reportfile",
         str(tmp_path / "r.txt"), "--no-upgrade-v2"],
        capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "in.py:5: tf.contrib.slim.conv2d_in_plane" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "contrib_norm.migrate"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "one of --infile or --intree is required" in proc.stderr


def test_tf_upgrade_v2_failure_reported(tmp_path, monkeypatch):
    failing = write(tmp_path / "fake_upgrade.sh", "#!/bin/sh\necho boom >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv(upgrade_v2.ENV_COMMAND, str(failing))
    infile = write(tmp_path / "in.py", CONVERTIBLE)
    outfile = tmp_path / "out.py"
    report = tmp_path / "r.txt"
    rc = run_main(["--infile", infile, "--outfile", outfile, "--reportfile", report])
    # A pass that fails leaves the file as it was, and says so: exit 2.
    assert rc == 2
    assert outfile.read_text() == CONVERTIBLE
    text = report.read_text()
    assert "fake_upgrade.sh exited with status 3: boom" in text
    assert "1 file(s) could not be converted or copied" in text


def test_tf_upgrade_v2_that_does_not_run_fails_every_file_once(tmp_path,
                                                               monkeypatch):
    calls = tmp_path / "calls"
    failing = write(tmp_path / "fake_upgrade.sh",
                    "#!/bin/sh\necho x >> %s\necho boom >&2\nexit 3\n" % calls)
    failing.chmod(0o755)
    monkeypatch.setenv(upgrade_v2.ENV_COMMAND, str(failing))
    intree = tmp_path / "src"
    for i in range(6):
        write(intree / ("m%d.py" % i), CONVERTIBLE)
    rc = run_main(["--intree", intree, "--outtree", tmp_path / "out",
                   "--reportfile", tmp_path / "r.txt"])
    assert rc == 2
    for i in range(6):
        assert (tmp_path / "out" / ("m%d.py" % i)).read_text() == CONVERTIBLE
    # One run for the tree, one probe: no per-file retries.
    assert calls.read_text().count("x") == 2
    text = (tmp_path / "r.txt").read_text()
    assert text.count("tf_upgrade_v2 does not run (fake_upgrade.sh exited "
                      "with status 3: boom); --no-upgrade-v2 skips it") == 6


def test_tf_upgrade_v2_command_lookup(monkeypatch):
    monkeypatch.delenv(upgrade_v2.ENV_COMMAND, raising=False)
    command = upgrade_v2.command()
    assert command[0].endswith("tf_upgrade_v2") or command[1:] == [
        "-m", "tensorflow.tools.compatibility.tf_upgrade_v2_main"]
    monkeypatch.setenv(upgrade_v2.ENV_COMMAND, "/x/y")
    assert upgrade_v2.command() == ["/x/y"]


# --- The full pipeline, with TensorFlow's tf_upgrade_v2 ------------------

FULL_OPS = src("""
    import tensorflow as tf
    import tensorflow.contrib as tf_contrib

    weight_init = tf_contrib.layers.variance_scaling_initializer()
    weight_regularizer = tf_contrib.layers.l2_regularizer(0.0001)

    def batch_norm(x, is_training=True, scope='batch_norm'):
        return tf_contrib.layers.batch_norm(x,
                                            decay=0.9, epsilon=1e-05,  # legacy
                                            center=True, scale=True, updates_collections=None,
                                            is_training=is_training, scope=scope)

    def bn2(x, training):
        return tf.layers.batch_normalization(x, momentum=0.9, training=training)

    def dense(x, units):
        return tf.layers.dense(x, units, kernel_initializer=weight_init)
    """)

FULL_MAIN = src("""
    import tensorflow as tf
    from tensorflow.contrib.layers import layer_norm
    import ops

    x = tf.placeholder(tf.float32, [None, 4])
    y = layer_norm(ops.batch_norm(x))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
    """)

FULL_SLIM = src("""
    import tensorflow as tf
    import tensorflow.contrib.slim as slim

    def net(x):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm):
            return slim.conv2d(x, 8, [3, 3])
    """)

FULL_COMPAT = src("""
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()

    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.contrib.layers.batch_norm(x)
    """)


@pytest.fixture(scope="module")
def full_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("full")
    intree = root / "src"
    write(intree / "ops.py", FULL_OPS)
    write(intree / "main.py", FULL_MAIN)
    write(intree / "models" / "slim_net.py", FULL_SLIM)
    write(intree / "models" / "compat.py", FULL_COMPAT)
    write(intree / "models" / "broken.py", UNPARSABLE)
    write(intree / "notes.txt", "keep\n")
    outtree = root / "dst"
    report = root / "report.txt"
    rc = run_main(["--intree", intree, "--outtree", outtree, "--reportfile", report])
    return rc, intree, outtree, report.read_text()


def test_full_tree_exit_status_and_copies(full_tree):
    rc, intree, outtree, _ = full_tree
    assert rc == 2  # broken.py
    assert (outtree / "models" / "broken.py").read_text() == UNPARSABLE
    assert (outtree / "notes.txt").read_text() == "keep\n"


def test_full_tree_ops_helpers(full_tree):
    _, _, outtree, report = full_tree
    assert (outtree / "ops.py").read_text() == src("""
        import tensorflow as tf
        import contrib_norm

        weight_init = contrib_norm.initializers.variance_scaling_initializer()
        weight_regularizer = contrib_norm.layers.l2_regularizer(0.0001)

        def batch_norm(x, is_training=True, scope='batch_norm'):
            return contrib_norm.layers.batch_norm(x,
                                                decay=0.9, epsilon=1e-05,  # legacy
                                                center=True, scale=True, updates_collections=None,
                                                is_training=is_training, scope=scope)

        def bn2(x, training):
            return contrib_norm.layers.batch_normalization(x, momentum=0.9, training=training)

        def dense(x, units):
            return contrib_norm.tf_layers.dense(x, units, kernel_initializer=weight_init)
        """)


def test_full_tree_report_merges_passes(full_tree):
    _, intree, _, report = full_tree
    ops = os.path.join(str(intree), "ops.py")
    assert ("%s:8: tf_contrib.layers.batch_norm -> contrib_norm.layers.batch_norm"
            % ops) in report
    assert ("%s:14: tf.layers.batch_normalization -> "
            "contrib_norm.layers.batch_normalization  [tf_upgrade_v2+contrib_norm]"
            % ops) in report
    # TensorFlow 2.15's tf_upgrade_v2 renames tf.layers.dense to
    # tf.compat.v1.layers.dense first; from 2.16 on it leaves it alone.
    assert any(("%s:17: tf.layers.dense -> contrib_norm.tf_layers.dense  "
                "[%s]" % (ops, passes)) in report
               for passes in ("contrib_norm", "tf_upgrade_v2+contrib_norm"))
    assert "not available under Keras 3" not in report
    # The contrib initializer and regularizer are contrib_norm's, not
    # tf_upgrade_v2's Keras stand-ins.
    assert ("%s:4: tf_contrib.layers.variance_scaling_initializer -> "
            "contrib_norm.initializers.variance_scaling_initializer" % ops) in report
    assert "VarianceScaling" not in report and "keras" not in report
    # Its 'cannot be converted' errors for what pass 3 converted are not.
    assert "Using member tf.contrib.layers.batch_norm" not in report


def test_full_tree_main_script(full_tree):
    _, intree, outtree, report = full_tree
    assert (outtree / "main.py").read_text() == src("""
        import tensorflow as tf
        import ops
        import contrib_norm
        tf.compat.v1.disable_eager_execution()

        x = tf.compat.v1.placeholder(tf.float32, [None, 4])
        y = contrib_norm.layers.layer_norm(ops.batch_norm(x))
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
        """)
    main = os.path.join(str(intree), "main.py")
    assert "%s:5 (output line 6): tf.placeholder -> tf.compat.v1.placeholder" % main in report
    assert ("%s:6 (output line 7): layer_norm -> contrib_norm.layers.layer_norm"
            % main) in report


def test_full_tree_slim_converted(full_tree):
    _, intree, outtree, report = full_tree
    assert (outtree / "models" / "slim_net.py").read_text() == src("""
        import tensorflow as tf
        import contrib_norm

        def net(x):
            with contrib_norm.slim.arg_scope([contrib_norm.slim.conv2d], normalizer_fn=contrib_norm.slim.batch_norm):
                return contrib_norm.slim.conv2d(x, 8, [3, 3])
        """)
    slim_net = os.path.join(str(intree), "models", "slim_net.py")
    # The import line removed and `import contrib_norm` added: same lines.
    assert ("%s:6: slim.conv2d -> contrib_norm.slim.conv2d" % slim_net) in report
    assert "%s:6: tf.contrib.slim.conv2d:" % slim_net not in report


def test_full_tree_compat_v1_import(full_tree):
    _, _, outtree, _ = full_tree
    code = (outtree / "models" / "compat.py").read_text()
    # tf_upgrade_v2 rewrites `import tensorflow.compat.v1 as tf` to plain
    # TensorFlow with explicit tf.compat.v1 names; pass 3 follows.
    assert "y = contrib_norm.layers.batch_norm(x)" in code
    assert "tf.compat.v1.placeholder" in code
    assert "disable_eager_execution" not in code  # disable_v2_behavior is there
    compile(code, "compat.py", "exec")


def test_full_tree_summary(full_tree):
    _, _, _, report = full_tree
    assert "5 file(s) processed, 4 changed" in report
    assert "1 file(s) could not be converted or copied" in report
    # slim_net.py's slim.conv2d are converted now: nothing is left by hand.
    assert "Unconverted uses: manual work needed (0)" in report


@pytest.fixture(scope="module")
def full_single(tmp_path_factory):
    root = tmp_path_factory.mktemp("single")
    infile = write(root / "ops.py", FULL_OPS)
    exe = os.path.join(os.path.dirname(sys.executable), "contrib-norm-migrate")
    argv = ([exe] if os.path.exists(exe)
            else [sys.executable, "-m", "contrib_norm.migrate"])
    proc = subprocess.run(argv + ["--infile", str(infile), "--inplace",
                                  "--reportfile", str(root / "report.txt")],
                          capture_output=True, text=True, check=False)
    return proc, infile, (root / "report.txt").read_text()


def test_full_single_file_console_script(full_single, full_tree):
    proc, infile, report = full_single
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 file(s) processed, 1 changed" in proc.stdout
    # Same result as the same file in tree mode.
    assert infile.read_text() == (full_tree[2] / "ops.py").read_text()
    assert "%s:8: tf_contrib.layers.batch_norm" % infile in report


def test_a_reader_that_stops_early_does_not_change_the_outcome(tmp_path):
    # `contrib-norm-migrate ... | head -1`: the pipe closes before the
    # summary is printed; the output and the report are written already,
    # and the exit status is still theirs (1: manual work remains).
    infile = tmp_path / "m.py"
    infile.write_text("import tensorflow as tf\n"
                      "y = tf.contrib.layers.embed_sequence(x, 8, 3)\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "contrib_norm.migrate", "--no-upgrade-v2",
         "--infile", str(infile), "--outfile", str(tmp_path / "out.py"),
         "--reportfile", str(tmp_path / "r.txt")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 1, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert (tmp_path / "out.py").exists()
    assert "embed_sequence" in (tmp_path / "r.txt").read_text()
