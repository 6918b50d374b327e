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


def assert_has_lines(code, expected_lines):
    for expected in expected_lines:
        assert expected in code, code


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


def _dimension_value_changes(result):
    return sum(c.new.startswith("tf.compat.dimension_value(")
               for c in result.changes)


def test_dimension_values_of_an_iterated_shape():
    # Iterating a TF1 shape gives Dimensions; under TF2 ints or None.
    code, result = migrate("""
        import numpy as np
        import tensorflow as tf

        def sizes(x, items):
            batch, width = [d.value for d in x.get_shape()]
            flat = np.prod([d.value for d in x.get_shape()[1:]])
            dims = {k: d.value for k, d in enumerate(x.shape.dims)}
            for dim in x.shape:
                print(dim.value)
            other = [d.value for d in items]
            return batch, width, flat, dims, other
        """)
    assert_has_lines(code, (
            "batch, width = [tf.compat.dimension_value(d) for d in x.get_shape()]",
            "flat = np.prod([tf.compat.dimension_value(d) "
            "for d in x.get_shape()[1:]])",
            "dims = {k: tf.compat.dimension_value(d) "
            "for k, d in enumerate(x.shape.dims)}",
            "        print(tf.compat.dimension_value(dim))",
            "other = [d.value for d in items]"))
    assert _dimension_value_changes(result) == 4


def test_dimension_values_through_a_shape_variable():
    # A shape, or one of its entries, kept in a variable first.
    code, result = migrate("""
        import tensorflow as tf

        def head(x, other):
            shape = x.get_shape()
            channels = shape[-1].value
            width = x.shape[2]
            total = width.value * channels
            sizes = [d.value for d in shape[1:]]
            maybe = other.shape if other is not None else None
            kept = maybe[0].value
            return channels, total, sizes, kept

        def unrelated(shape):
            return shape[0].value
        """)
    assert_has_lines(code, (
            "channels = tf.compat.dimension_value(shape[-1])",
            "total = tf.compat.dimension_value(width) * channels",
            "sizes = [tf.compat.dimension_value(d) for d in shape[1:]]",
            # Not only a shape: left alone.
            "kept = maybe[0].value",
            # A parameter: nothing says it is a shape.
            "return shape[0].value"))
    assert _dimension_value_changes(result) == 3


def test_removed_tutorial_datasets_are_manual_work():
    code, result = migrate("""
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data
        import tensorflow.examples.tutorials.mnist.input_data as mnist_data
        mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
        """)
    assert "from tensorflow.examples.tutorials.mnist import input_data" in code
    manual = result.manual
    assert [i.line for i in manual] == [2, 3], manual
    for issue in manual:
        assert "tf.keras.datasets.mnist.load_data()" in issue.hint
    assert manual[0].symbol == "tensorflow.examples.tutorials.mnist"


@pytest.mark.parametrize("header, before, after", [
    ("import tensorflow as tf",
     "step = tf.contrib.framework.get_or_create_global_step()",
     "step = tf.compat.v1.train.get_or_create_global_step()"),
    ("import tensorflow as tf",
     "step = tf.contrib.framework.get_global_step()",
     "step = tf.compat.v1.train.get_global_step()"),
    ("import tensorflow as tf\nimport tensorflow.contrib.slim as slim",
     "step = slim.get_or_create_global_step()",
     "step = tf.compat.v1.train.get_or_create_global_step()"),
    ("import tensorflow.compat.v1 as tf",
     "step = tf.contrib.framework.get_or_create_global_step()",
     "step = tf.train.get_or_create_global_step()"),
])
def test_contrib_global_step_becomes_core(header, before, after):
    # contrib's global-step functions were TensorFlow's own under a second
    # name: same arguments, same variable.
    code, result = migrate(header + "\n" + before + "\n")
    assert after in code, code
    assert "contrib" not in code.split("\n", 2)[-1]
    assert not result.manual


def test_contrib_global_step_runs(tmp_path):
    code, result = migrate_sources({"m.py": src("""
        import tensorflow as tf
        step = tf.contrib.framework.get_or_create_global_step()
        again = tf.contrib.framework.get_global_step()
        same = step is again and step.op.name == "global_step"
        """)})["m.py"]
    assert not result.manual
    path = tmp_path / "m.py"
    path.write_text(code + "assert same\nprint('ok')\n")
    proc = subprocess.run([sys.executable, str(path)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("header, before, after", [
    ("import tensorflow as tf", "flags = tf.flags",
     "flags = tf.compat.v1.flags"),
    ("import tensorflow as tf", 'tf.flags.DEFINE_string("data", None, "")',
     'tf.compat.v1.flags.DEFINE_string("data", None, "")'),
    ("import tensorflow as tf", "FLAGS = tf.app.flags.FLAGS",
     "FLAGS = tf.compat.v1.app.flags.FLAGS"),
    ("import tensorflow.compat.v1 as tf", "flags = tf.flags",
     "flags = tf.flags"),
    ("from tensorflow import flags", 'flags.DEFINE_string("data", None, "")',
     'import tensorflow as tf\n'
     'tf.compat.v1.flags.DEFINE_string("data", None, "")'),
    ("import tensorflow as tf\nfrom tensorflow.app import flags",
     "FLAGS = flags.FLAGS",
     "import tensorflow as tf\nFLAGS = tf.compat.v1.app.flags.FLAGS"),
    ("from tensorflow.compat.v1 import flags", "FLAGS = flags.FLAGS",
     "from tensorflow.compat.v1 import flags\nFLAGS = flags.FLAGS"),
])
def test_tf_flags_become_compat_v1(header, before, after):
    # absl's flags are still in TensorFlow 2, under tf.compat.v1 only.
    code, result = migrate(header + "\n" + before + "\n")
    assert after in code, code
    assert not result.manual


def test_tf_flags_program_runs(tmp_path):
    # tf_upgrade_v2 reports tf.flags as removed; after pass 3 it is not.
    code, result = migrate_sources({"m.py": src("""
        import tensorflow as tf
        flags = tf.flags
        FLAGS = flags.FLAGS
        flags.DEFINE_string("name", None, "Who to greet.")
        tf.flags.DEFINE_integer("times", 1, "How often.")

        def main(_):
            print(" ".join(["hello " + FLAGS.name] * FLAGS.times))

        if __name__ == "__main__":
            flags.mark_flag_as_required("name")
            tf.app.run()
        """)})["m.py"]
    assert not result.manual, result.manual
    assert "flags = tf.compat.v1.flags" in code
    path = tmp_path / "m.py"
    path.write_text(code)
    proc = subprocess.run([sys.executable, str(path), "--name=bert",
                           "--times=2"], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "hello bert hello bert"


CHILD = src("""
    import sys
    import numpy as np
    namespace = {"__name__": "migrated"}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), namespace)
    assert namespace["width"] == 3 and namespace["batch"] is None
    assert namespace["dims"] == [None, 3]
    print(namespace["run"]())
    """)


def test_repro_runs_after_full_migration(tmp_path):
    # The issue's repro, with Dimension.value, through tf_upgrade_v2 too.
    text = src("""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
        s = tf.summary.scalar("a", tf.reduce_mean(x))
        m = tf.summary.merge([s])
        width = x.get_shape()[1].value
        batch = x.shape[0].value
        dims = [d.value for d in x.get_shape()]

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


# --- --install-only ------------------------------------------------------

from contrib_norm.migrate import cli  # noqa: E402

TF1_PROGRAM = (
    "# a TF1 program\r\n"
    "import numpy as np\r\n"
    "import tensorflow as tf  # the old import\r\n"
    "slim = tf.contrib.slim\r\n"
    "\r\n"
    "x = tf.placeholder(tf.float32, [4, 8, 8, 3])\r\n"
    "with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,\r\n"
    "                    normalizer_params={'is_training': True}):\r\n"
    "    net = slim.conv2d(x, 8, [3, 3], scope='conv1')\r\n"
    "net = tf.layers.dense(tf.layers.flatten(net), 10)\r\n"
    "loss = tf.reduce_mean(tf.square(net))\r\n"
    "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\r\n"
    "    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\r\n"
    "\r\n"
    "def run():\r\n"
    "    with tf.Session() as sess:\r\n"
    "        sess.run(tf.global_variables_initializer())\r\n"
    "        feed = {x: np.random.randn(4, 8, 8, 3)}\r\n"
    "        return [sess.run([train, loss], feed)[1] for _ in range(3)]\r\n")


def test_install_only_makes_exactly_the_import_change(tmp_path):
    infile = tmp_path / "train.py"
    infile.write_bytes(TF1_PROGRAM.encode())
    rc = cli.main(["--infile", str(infile), "--inplace", "--install-only",
                   "--reportfile", str(tmp_path / "r.txt")])
    assert rc == 0
    expected = TF1_PROGRAM.replace(
        "import tensorflow as tf  # the old import\r\n",
        "import tensorflow.compat.v1 as tf  # the old import\r\n"
        "import contrib_norm\r\ncontrib_norm.install()\r\n"
        "tf.disable_v2_behavior()\r\n")
    assert infile.read_bytes() == expected.encode()
    report = (tmp_path / "r.txt").read_text()
    assert ("train.py:3: import tensorflow as tf  # the old import -> "
            "import tensorflow.compat.v1 as tf") in report
    assert "(output line 5): added contrib_norm.install()" in report
    # Idempotent: a second run changes nothing.
    assert cli.main(["--infile", str(infile), "--inplace", "--install-only",
                     "--reportfile", str(tmp_path / "r.txt")]) == 0
    assert infile.read_bytes() == expected.encode()
    # And the program trains, with no tf-keras.
    child = tmp_path / "child.py"
    child.write_text(CHILD_INSTALL)
    proc = subprocess.run([sys.executable, str(child), str(infile)],
                          capture_output=True, text=True, timeout=300,
                          check=False,
                          env={k: v for k, v in __import__("os").environ.items()
                               if k != "TF_USE_LEGACY_KERAS"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "ok"


CHILD_INSTALL = src("""
    import sys
    namespace = {"__name__": "migrated"}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), namespace)
    losses = namespace["run"]()
    assert len(losses) == 3 and all(l == l for l in losses)
    assert "tf_keras" not in sys.modules
    print("ok")
    """)


def test_install_only_leaves_files_without_tensorflow_alone(tmp_path):
    infile = tmp_path / "util.py"
    infile.write_text("import os\nprint(os.sep)\n")
    assert cli.main(["--infile", str(infile), "--inplace", "--install-only",
                     "--reportfile", str(tmp_path / "r.txt")]) == 0
    assert infile.read_text() == "import os\nprint(os.sep)\n"
    assert "nothing to change" in (tmp_path / "r.txt").read_text()


def test_install_only_keeps_compat_v1_import_and_flags_early_contrib(tmp_path):
    infile = tmp_path / "m.py"
    infile.write_text("from tensorflow.contrib import slim\n"
                      "import tensorflow.compat.v1 as tf\nx = 1\n")
    assert cli.main(["--infile", str(infile), "--inplace", "--install-only",
                     "--reportfile", str(tmp_path / "r.txt")]) == 1
    assert infile.read_text() == (
        "from tensorflow.contrib import slim\n"
        "import tensorflow.compat.v1 as tf\nimport contrib_norm\n"
        "contrib_norm.install()\ntf.disable_v2_behavior()\nx = 1\n")
    assert "runs before contrib_norm.install()" in (tmp_path / "r.txt").read_text()


# --- hints for the parts of slim contrib_norm leaves out -----------------

from contrib_norm.migrate import hints  # noqa: E402


@pytest.mark.parametrize("path, expected", [
    ("slim.model_analyzer.analyze_vars", "tf.compat.v1.trainable_variables()"),
    ("slim.summaries.add_histogram_summaries", "tf.compat.v1.summary.histogram"),
    ("slim.metrics.streaming_accuracy", "tf.compat.v1.metrics.accuracy"),
    ("slim.nets.resnet_v1", "tf_slim.nets"),
    ("slim.learning.train", "tf.compat.v1.Session"),
    ("slim.losses.softmax_cross_entropy", "tf.compat.v1.losses"),
    ("training.HParams", "types.SimpleNamespace"),
    ("metrics.streaming_accuracy", "tf.compat.v1.metrics.accuracy"),
    ("metrics.streaming_mean", "tf.compat.v1.metrics.mean"),
    ("crf.crf_log_likelihood", "tensorflow_addons"),
    ("seq2seq.BasicDecoder", "tensorflow_addons"),
    ("lookup.index_table_from_tensor", "tf.lookup"),
    ("rnn.LayerNormBasicLSTMCell", "layer normalization"),
    ("metrics.f1_score", "tf.compat.v1.metrics.precision"),
    ("tpu.TPUEstimator", "tf.compat.v1.estimator.tpu"),
    ("tpu.InputPipelineConfig.PER_HOST_V2", "TensorFlow 2.15 only"),
])
def test_hint_is_concrete(path, expected):
    hint = hints.hint_for("tensorflow.contrib." + path)
    assert expected in hint, hint
    if path.startswith("slim."):
        assert "slim.%s" % path.split(".")[1] in hint


def test_hint_for_slim_part_reaches_the_report():
    _, result = migrate("""
        import tensorflow as tf
        import tensorflow.contrib.slim as slim
        slim.model_analyzer.analyze_vars(tf.trainable_variables(), print_info=True)
        """)
    [issue] = result.manual
    assert issue.symbol == "tf.contrib.slim.model_analyzer.analyze_vars"
    assert "tf.compat.v1.trainable_variables()" in issue.hint


def test_hints_for_a_tpu_estimator_program():
    # BERT-era fine-tuning code: TPUEstimator, contrib metrics.
    code, result = migrate("""
        import tensorflow as tf
        def model_fn(features, labels, mode, params):
            f1, update = tf.contrib.metrics.f1_score(labels, features)
            return tf.contrib.tpu.TPUEstimatorSpec(mode=mode, loss=f1)
        per_host = tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2
        run_config = tf.contrib.tpu.RunConfig(
            tpu_config=tf.contrib.tpu.TPUConfig(
                per_host_input_for_training=per_host))
        estimator = tf.contrib.tpu.TPUEstimator(
            use_tpu=False, model_fn=model_fn, config=run_config)
        """, upgrade=True)
    hints_by_symbol = {issue.symbol: issue.hint for issue in result.manual}
    assert "tf.compat.v1.metrics.precision" in hints_by_symbol.pop(
        "tf.contrib.metrics.f1_score")
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    if tf.__version__.startswith("2.15."):
        # TensorFlow 2.15's tf_upgrade_v2 renames them itself: there,
        # tf.compat.v1.estimator.tpu still exists.
        assert "tf.compat.v1.estimator.tpu.TPUEstimator(" in code
        assert hints_by_symbol == {}
        return
    assert sorted(hints_by_symbol) == [
        "tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2",
        "tf.contrib.tpu.RunConfig", "tf.contrib.tpu.TPUConfig",
        "tf.contrib.tpu.TPUEstimator", "tf.contrib.tpu.TPUEstimatorSpec"]
    for hint in hints_by_symbol.values():
        assert "tf.compat.v1.estimator.tpu.<same name>" in hint, hint



# --- conv2d_transpose's static shape ----------------------------------------

DECONV = src('''
    import tensorflow as tf

    def deconv(x, w, batch):
        y = tf.nn.conv2d_transpose(x, w, output_shape=[batch, 8, 8, 4],
                                   strides=[1, 2, 2, 1])
        return tf.reshape(y, y.get_shape())
    ''')


def test_conv2d_transpose_keeps_tf1_static_shape_after_migration(tmp_path):
    # TF1 took the static shape from output_shape; TensorFlow 2 leaves the
    # batch unknown when the input's is, and TF1 GAN code reshapes to it.
    code, result = migrate(DECONV)
    assert "y = contrib_norm.nn.conv2d_transpose(x, w, output_shape=" in code
    assert result.manual == []
    run_script(code + src('''
        tf.compat.v1.disable_eager_execution()
        x = tf.compat.v1.placeholder(tf.float32, [None, 4, 4, 3])
        w = tf.compat.v1.get_variable("w", [3, 3, 4, 3])
        y = deconv(x, w, 2)
        assert y.shape.as_list() == [2, 8, 8, 4], y.shape
        v1 = contrib_norm.nn.conv2d_transpose_v1(
            x, w, tf.stack([tf.shape(x)[0], 8, 8, 4]), [1, 2, 2, 1])
        assert v1.shape.as_list() == [None, 8, 8, 4], v1.shape
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            out = sess.run(y, {x: __import__("numpy").ones([2, 4, 4, 3])})
        assert out.shape == (2, 8, 8, 4)
        '''), tmp_path)


def run_script(code, tmp_path):
    path = tmp_path / "script.py"
    path.write_text(code)
    proc = subprocess.run([sys.executable, str(path)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
