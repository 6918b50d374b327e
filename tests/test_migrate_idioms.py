"""contrib-norm-migrate converts the TF1 idioms tf_upgrade_v2 leaves broken:
graph-mode summaries and ``Dimension.value``."""

import subprocess
import sys
import textwrap

import pytest

from contrib_norm.migrate.pipeline import migrate_sources


def src(text):
    return textwrap.dedent(text).lstrip("\n")


def migrate(text, upgrade=False):
    return migrate_sources({"m.py": src(text)}, upgrade=upgrade)["m.py"]


def test_graph_summaries_become_compat_v1():
    code, result = migrate("""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [])
        s = tf.summary.scalar("a", x)
        h = tf.summary.histogram("h", x)
        m = tf.summary.merge([s, h])
        """)
    assert 's = tf.compat.v1.summary.scalar("a", x)' in code
    assert 'h = tf.compat.v1.summary.histogram("h", x)' in code
    assert "tf.summary.scalar -> tf.compat.v1.summary.scalar" in [
        c.describe() for c in result.changes]
    assert not result.manual


def test_tf2_summary_code_is_left_alone():
    text = src("""
        import tensorflow as tf
        writer = tf.summary.create_file_writer("/tmp/x")
        with writer.as_default():
            tf.summary.scalar("a", 1.0, step=0)
        """)
    code, _ = migrate_sources({"m.py": text}, upgrade=False)["m.py"]
    assert code == text


def test_compat_v1_alias_summaries_are_already_v1():
    text = src("""
        import tensorflow.compat.v1 as tf
        s = tf.summary.scalar("a", tf.constant(1.0))
        """)
    code, _ = migrate_sources({"m.py": text}, upgrade=False)["m.py"]
    assert code == text


@pytest.mark.parametrize("before, after", [
    ("n = x.get_shape()[1].value",
     "n = tf.compat.dimension_value(x.get_shape()[1])"),
    ("n = x.shape[-1].value", "n = tf.compat.dimension_value(x.shape[-1])"),
    ("n = x.shape.dims[0].value",
     "n = tf.compat.dimension_value(x.shape.dims[0])"),
    ("n = int(y.get_shape()[2].value) * 2",
     "n = int(tf.compat.dimension_value(y.get_shape()[2])) * 2"),
    ("n = x.value", "n = x.value"),
    ("n = d[1].value", "n = d[1].value"),
])
def test_dimension_value(before, after):
    code, result = migrate("import tensorflow as tf\n" + before + "\n")
    assert code == "import tensorflow as tf\n" + after + "\n"
    if before != after:
        assert any(c.new.startswith("tf.compat.dimension_value(")
                   for c in result.changes)


def test_dimension_value_with_compat_v1_alias():
    code, _ = migrate("""
        import tensorflow.compat.v1 as tf
        n = x.shape[1].value
        """)
    assert "n = tf.dimension_value(x.shape[1])" in code


CHILD = src("""
    import sys
    import numpy as np
    namespace = {"__name__": "migrated"}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), namespace)
    assert namespace["width"] == 3 and namespace["batch"] is None
    print(namespace["run"]())
    """)


def test_repro_runs_after_full_migration(tmp_path):
    # The repro, with Dimension.value, through tf_upgrade_v2 too.
    text = src("""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
        s = tf.summary.scalar("a", tf.reduce_mean(x))
        m = tf.summary.merge([s])
        width = x.get_shape()[1].value
        batch = x.shape[0].value

        def run():
            with tf.Session() as sess:
                return len(sess.run(m, {x: [[1.0, 2.0, 3.0]]}))
        """)
    code, result = migrate_sources({"m.py": text})["m.py"]
    assert result.error is None and not result.manual, result
    path = tmp_path / "migrated.py"
    path.write_text(code)
    (tmp_path / "child.py").write_text(CHILD)
    proc = subprocess.run([sys.executable, str(tmp_path / "child.py"),
                           str(path)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.strip().splitlines()[-1]) > 0
