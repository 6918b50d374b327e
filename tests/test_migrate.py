"""Unit tests of contrib-norm-migrate's own passes (no tf_upgrade_v2 run).

Pass 1 (spell out contrib imports) and pass 3 (rewrite to contrib_norm) are
pure source-to-source functions; these tests call them directly, or chain
them with ``migrate_sources(..., upgrade=False)``.
"""

import textwrap


import pytest

import fresh_interpreter

from contrib_norm import legacy_names
from contrib_norm.migrate import hints
from contrib_norm.migrate import rewrite as rewrite_module
from contrib_norm.migrate import names
from contrib_norm.migrate import upgrade_v2
from contrib_norm.migrate.pipeline import migrate_sources
from contrib_norm.migrate.report import MANUAL
from contrib_norm.migrate.report import line_map
from contrib_norm.migrate.report import merge_changes
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.rewrite import rewrite
from contrib_norm.migrate.spell_out import spell_out


def src(text):
    return textwrap.dedent(text).lstrip("\n")


def migrate(text):
    """Pass 1 + pass 3 on one source; returns (code, FileResult)."""
    return migrate_sources({"m.py": src(text)}, upgrade=False)["m.py"]


def body_lines(code):
    return [line for line in code.splitlines() if line.strip()]


# --- Pass 1: every import form is spelled out -------------------------------

SPELL_OUT_CASES = [
    pytest.param(
        """
        import tensorflow as tf
        import tensorflow.contrib as tf_contrib
        y = tf_contrib.layers.batch_norm(x)
        """,
        "y = tf.contrib.layers.batch_norm(x)",
        id="import-contrib-as"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib import layers
        init = layers.xavier_initializer()
        """,
        "init = tf.contrib.layers.initializers.xavier_initializer()",
        id="from-contrib-import-module"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib.layers import l2_regularizer
        reg = l2_regularizer(0.1)
        """,
        "reg = tf.contrib.layers.regularizers.l2_regularizer(0.1)",
        id="from-contrib-layers-import-name"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib.layers import batch_norm as bn
        y = bn(x)
        """,
        "y = tf.contrib.layers.batch_norm(x)",
        id="from-import-as"),
    pytest.param(
        """
        import tensorflow as tf
        import tensorflow.contrib.slim as slim
        y = slim.batch_norm(x)
        """,
        "y = tf.contrib.slim.batch_norm(x)",
        id="import-slim-as"),
    pytest.param(
        """
        import tensorflow as tf
        slim = tf.contrib.slim
        y = slim.batch_norm(x)
        """,
        "y = tf.contrib.slim.batch_norm(x)",
        id="slim-assignment"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib.framework import arg_scope
        with arg_scope([f], a=1):
            pass
        """,
        "with tf.contrib.framework.arg_scope([f], a=1):",
        id="from-framework-import-arg_scope"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow import contrib
        y = contrib.layers.layer_norm(x)
        """,
        "y = tf.contrib.layers.layer_norm(x)",
        id="from-tensorflow-import-contrib"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib.layers.python.layers import initializers
        w = initializers.xavier_initializer()
        """,
        "w = tf.contrib.layers.initializers.xavier_initializer()",
        id="private-module-path"),
    pytest.param(
        """
        import tensorflow as tf
        from tensorflow.contrib.framework.python.ops import add_arg_scope
        f = add_arg_scope(g)
        """,
        "f = tf.contrib.framework.add_arg_scope(g)",
        id="private-framework-path"),
    pytest.param(
        """
        import tensorflow as tf
        import tensorflow.contrib.slim as slim
        r = slim.l2_regularizer(0.1)
        """,
        "r = tf.contrib.slim.l2_regularizer(0.1)",
        id="slim-regularizer-stays-slim"),
    pytest.param(
        """
        import tensorflow as tf
        y = tf.compat.v1.contrib.layers.batch_norm(x)
        """,
        "y = tf.contrib.layers.batch_norm(x)",
        id="compat-v1-contrib"),
    pytest.param(
        """
        import tensorflow as tf
        tf_contrib = tf.contrib
        y = tf_contrib.layers.group_norm(x)
        """,
        "y = tf.contrib.layers.group_norm(x)",
        id="contrib-assignment"),
]


@pytest.mark.parametrize("source, expected_line", SPELL_OUT_CASES)
def test_spell_out_forms(source, expected_line):
    out = spell_out(src(source))
    assert expected_line in out.code.splitlines()
    # The contrib import or alias line is gone; tensorflow stays imported.
    assert "import tensorflow.contrib" not in out.code
    assert "from tensorflow.contrib" not in out.code
    assert "from tensorflow import contrib" not in out.code
    assert " = tf.contrib\n" not in out.code
    assert "slim = " not in out.code
    assert out.code.startswith("import tensorflow as tf\n")
    assert out.changes


TF_LAYERS_IMPORT_CASES = [
    # (header, import line, use, spelled-out use)
    ("import tensorflow as tf",
     "from tensorflow.layers import batch_normalization",
     "batch_normalization(x, training=t)",
     "tf.layers.batch_normalization(x, training=t)"),
    ("import tensorflow as tf",
     "from tensorflow.compat.v1.layers import BatchNormalization as BN",
     "BN()(x)", "tf.compat.v1.layers.BatchNormalization()(x)"),
    ("import tensorflow as tf",
     "from tensorflow.compat.v1 import layers as L",
     "L.dense(x, 3)", "tf.compat.v1.layers.dense(x, 3)"),
    ("import tensorflow.compat.v1 as tf",
     "from tensorflow.compat.v1.layers import batch_normalization",
     "batch_normalization(x)", "tf.layers.batch_normalization(x)"),
    ("import numpy as np",
     "import tensorflow.layers as tl",
     "tl.batch_normalization(x)", "tf.layers.batch_normalization(x)"),
]


@pytest.mark.parametrize("header, import_line, use, spelled",
                         TF_LAYERS_IMPORT_CASES,
                         ids=[c[1] for c in TF_LAYERS_IMPORT_CASES])
def test_spell_out_tf_layers_imports(header, import_line, use, spelled):
    # tensorflow.layers is gone in TF 2: a from-import of it must not stay.
    out = spell_out("%s\n%s\ny = %s\n" % (header, import_line, use))
    lines = out.code.splitlines()
    assert import_line not in lines
    assert lines[-1] == "y = %s" % spelled
    if header.startswith("import numpy"):
        assert lines[:2] == [header, "import tensorflow as tf"]


def test_tf_layers_batch_normalization_imports_migrate_and_run():
    code, result = migrate_sources({"m.py": src("""
        import tensorflow as tf
        from tensorflow.compat.v1.layers import batch_normalization
        from tensorflow.layers import BatchNormalization as BN

        x = tf.placeholder(tf.float32, [None, 4])
        t = tf.placeholder(tf.bool, [])
        y = BN(momentum=0.9)(batch_normalization(x, training=t), training=t)
        """)})["m.py"]
    assert "from tensorflow" not in code
    assert "contrib_norm.layers.batch_normalization(x, training=t)" in code
    assert "contrib_norm.layers.BatchNormalization(momentum=0.9)" in code
    assert [i for i in result.issues if i.kind == MANUAL] == []
    # Run it in a graph of its own, not by disabling eager execution in the
    # test process.
    disabler = "tf.compat.v1.disable_eager_execution()\n"
    assert code.count(disabler) == 1
    namespace = {}
    import tensorflow as tf
    with tf.Graph().as_default() as graph:
        exec(code.replace(disabler, ""), namespace)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(namespace["y"], {namespace["x"]: [[1.0, 2, 3, 4]] * 2,
                                        namespace["t"]: True})
    assert out.shape == (2, 4)


def test_spell_out_tf_contrib_module_alias():
    # The `import tensorflow.contrib as tf_contrib` form of GAN helper files.
    out = spell_out(src("""
        import tensorflow as tf
        import tensorflow.contrib as tf_contrib

        he_init = tf_contrib.layers.variance_scaling_initializer()
        decay = tf_contrib.layers.l2_regularizer(1e-4)

        def bn(h, training, name):
            return tf_contrib.layers.batch_norm(h, is_training=training,
                                                scale=True, scope=name)
        """))
    assert out.code == src("""
        import tensorflow as tf

        he_init = tf.contrib.layers.initializers.variance_scaling_initializer()
        decay = tf.contrib.layers.regularizers.l2_regularizer(1e-4)

        def bn(h, training, name):
            return tf.contrib.layers.batch_norm(h, is_training=training,
                                                scale=True, scope=name)
        """)


@pytest.mark.parametrize("header, alias", [
    ("import tensorflow.compat.v1 as tf", "tf"),
    ("import tensorflow as tf1", "tf1"),
    ("import tensorflow", "tensorflow"),
    ("from tensorflow.compat import v1 as tfv1", "tfv1"),
])
def test_spell_out_respects_existing_alias(header, alias):
    out = spell_out(header + "\nimport tensorflow.contrib.slim as slim\n"
                             "y = slim.batch_norm(x)\n")
    assert out.tf_alias == alias
    assert out.code == "%s\ny = %s.contrib.slim.batch_norm(x)\n" % (header, alias)


def test_spell_out_adds_tensorflow_import_in_place_of_contrib_import():
    out = spell_out(src('''
        """Doc."""
        from __future__ import print_function
        import os
        import tensorflow.contrib.slim as slim  # slim
        import sys

        y = slim.batch_norm(x)
        '''))
    assert out.code == src('''
        """Doc."""
        from __future__ import print_function
        import os
        import tensorflow as tf  # slim
        import sys

        y = tf.contrib.slim.batch_norm(x)
        ''')


def test_spell_out_adds_tensorflow_import_after_header_for_local_import():
    out = spell_out(src('''
        """Doc."""
        import os


        def f(x):
            from tensorflow.contrib.layers import batch_norm
            return batch_norm(x)
        '''))
    assert out.code == src('''
        """Doc."""
        import tensorflow as tf
        import os


        def f(x):
            return tf.contrib.layers.batch_norm(x)
        ''')


def test_spell_out_respects_shadowing():
    code = src("""
        import tensorflow as tf
        from tensorflow.contrib import layers

        def f(layers):
            return layers.append(1)

        y = layers.batch_norm(x)
        """)
    out = spell_out(code)
    assert "    return layers.append(1)" in out.code
    assert "y = tf.contrib.layers.batch_norm(x)" in out.code
    assert "from tensorflow.contrib" not in out.code


def test_spell_out_keeps_trimmed_multi_name_import():
    out = spell_out("import numpy as np, tensorflow.contrib.slim as slim\n"
                    "import tensorflow as tf\n"
                    "y = slim.batch_norm(np.ones(3))\n")
    assert out.code == ("import numpy as np\n"
                        "import tensorflow as tf\n"
                        "y = tf.contrib.slim.batch_norm(np.ones(3))\n")


def test_spell_out_dotted_import_keeps_tensorflow_binding():
    out = spell_out("import tensorflow.contrib.slim\n"
                    "y = tensorflow.contrib.slim.batch_norm(x)\n"
                    "z = tensorflow.zeros(3)\n")
    assert "import tensorflow\n" in out.code
    assert "tf.contrib.slim.batch_norm(x)" in out.code
    assert "z = tensorflow.zeros(3)" in out.code
    compile(out.code, "m.py", "exec")


def test_spell_out_removed_import_in_block_leaves_pass():
    out = spell_out(src("""
        import tensorflow as tf
        if True:
            import tensorflow.contrib.slim as slim
        y = slim.batch_norm(x)
        """))
    assert out.code == src("""
        import tensorflow as tf
        if True:
            pass
        y = tf.contrib.slim.batch_norm(x)
        """)


def test_spell_out_keeps_comments_of_removed_lines():
    out = spell_out(src("""
        import tensorflow as tf
        # contrib helpers
        import tensorflow.contrib.slim as slim  # the slim module
        y = slim.batch_norm(x)
        """))
    assert "# contrib helpers" in out.code
    assert "# the slim module" in out.code
    assert "y = tf.contrib.slim.batch_norm(x)" in out.code


def test_spell_out_function_alias_kept():
    # An alias of a function may be imported elsewhere: it stays, and pass 3
    # converts its value.
    code = "import tensorflow as tf\nbn = tf.contrib.layers.batch_norm\ny = bn(x)\n"
    assert spell_out(code).code == code


def test_spell_out_ambiguous_binding_left_alone():
    code = src("""
        try:
            import tensorflow.contrib.slim as slim
        except ImportError:
            import tf_slim as slim
        y = slim.batch_norm(x)
        """)
    assert spell_out(code).code == code


def test_spell_out_star_import_left_alone():
    code = "from tensorflow.contrib.layers import *\ny = batch_norm(x)\n"
    assert spell_out(code).code == code


def test_spell_out_unrelated_file_unchanged():
    code = src("""
        import numpy as np  # numbers

        def f(x):
            '''tf.contrib.layers.batch_norm in a docstring stays.'''
            return np.mean(x)  # tf.contrib in a comment stays
        """)
    out = spell_out(code)
    assert out.code == code
    assert out.changes == []


def test_spell_out_syntax_error():
    with pytest.raises(SyntaxError):
        spell_out("def f(:\n")


# --- Pass 3: rewrites to contrib_norm -------------------------------------

REWRITE_CASES = [
    ("tf.contrib.layers.batch_norm(x)", "contrib_norm.layers.batch_norm(x)"),
    ("tf.contrib.layers.group_norm(x)", "contrib_norm.layers.group_norm(x)"),
    ("tf.contrib.layers.instance_norm(x)",
     "contrib_norm.layers.instance_norm(x)"),
    ("tf.contrib.layers.layer_norm(x)", "contrib_norm.layers.layer_norm(x)"),
    ("tf.contrib.nn.alpha_dropout(x, 0.9)",
     "contrib_norm.nn.alpha_dropout(x, 0.9)"),
    ("tf.contrib.framework.add_arg_scope(f)",
     "contrib_norm.framework.add_arg_scope(f)"),
    ("tf.contrib.layers.variance_scaling_initializer()",
     "contrib_norm.initializers.variance_scaling_initializer()"),
    ("tf.contrib.layers.xavier_initializer()",
     "contrib_norm.initializers.xavier_initializer()"),
    ("tf.contrib.layers.xavier_initializer_conv2d()",
     "contrib_norm.initializers.xavier_initializer_conv2d()"),
    ("tf.contrib.slim.batch_norm(x)", "contrib_norm.slim.batch_norm(x)"),
    ("tf.contrib.slim.arg_scope([f])", "contrib_norm.slim.arg_scope([f])"),
    ("tf.contrib.framework.arg_scope_func_key(f)",
     "contrib_norm.framework.arg_scope_func_key(f)"),
    ("tf.contrib.slim.arg_scope_func_key(f)",
     "contrib_norm.slim.arg_scope_func_key(f)"),
    ("tf.contrib.layers.conv2d(x, 3, 3)", "contrib_norm.layers.conv2d(x, 3, 3)"),
    ("tf.contrib.layers.fully_connected(x, 3)",
     "contrib_norm.layers.fully_connected(x, 3)"),
    ("tf.contrib.layers.l2_regularizer(0.1)",
     "contrib_norm.layers.l2_regularizer(0.1)"),
    ("tf.contrib.layers.initializers.xavier_initializer()",
     "contrib_norm.initializers.xavier_initializer()"),
    ("tf.contrib.framework.get_variables('s')",
     "contrib_norm.framework.get_variables('s')"),
    ("tf.contrib.slim.conv2d(x, 3, 3)", "contrib_norm.slim.conv2d(x, 3, 3)"),
    ("tf.contrib.slim.get_variables_to_restore(exclude=['a'])",
     "contrib_norm.slim.get_variables_to_restore(exclude=['a'])"),
    ("tf.contrib.slim.initializers.xavier_initializer()",
     "contrib_norm.slim.initializers.xavier_initializer()"),
    ("tf.contrib.slim.regularizers.l2_regularizer(0.1)",
     "contrib_norm.slim.regularizers.l2_regularizer(0.1)"),
    ("tf.contrib.slim.utils.convert_collection_to_dict('c')",
     "contrib_norm.slim.utils.convert_collection_to_dict('c')"),
    ("tf.layers.dense(x, 3)", "contrib_norm.tf_layers.dense(x, 3)"),
    ("tf.compat.v1.layers.conv2d(x, 3, 3)",
     "contrib_norm.tf_layers.conv2d(x, 3, 3)"),
    ("tf.layers.Dense(3)", "contrib_norm.tf_layers.Dense(3)"),
    ("tf.compat.v1.contrib.layers.batch_norm(x)",
     "contrib_norm.layers.batch_norm(x)"),
    ("tf.compat.v1.contrib.framework.arg_scope([f])",
     "contrib_norm.framework.arg_scope([f])"),
    ("tf.layers.batch_normalization(x, training=t)",
     "contrib_norm.layers.batch_normalization(x, training=t)"),
    ("tf.compat.v1.layers.batch_normalization(x)",
     "contrib_norm.layers.batch_normalization(x)"),
    ("tf.layers.BatchNormalization(momentum=0.9)",
     "contrib_norm.layers.BatchNormalization(momentum=0.9)"),
    ("tf.compat.v1.layers.BatchNormalization()",
     "contrib_norm.layers.BatchNormalization()"),
]


@pytest.mark.parametrize("old, new", REWRITE_CASES, ids=[c[0] for c in REWRITE_CASES])
def test_rewrite_to_contrib_norm(old, new):
    out = rewrite("import tensorflow as tf\ny = %s\n" % old)
    assert out.code == "import tensorflow as tf\nimport contrib_norm\ny = %s\n" % new
    assert [i for i in out.issues if i.kind == MANUAL] == []
    assert any(c.line == 2 and c.new.startswith("contrib_norm.") for c in out.changes)


KERAS3_INITIALIZER_CASES = [
    # tf_upgrade_v2 writes this name for the contrib initializers; under
    # Keras 3 it is Keras 3's initializer, which ignores graph-level seeds.
    ("import tensorflow as tf",
     "tf.compat.v1.keras.initializers.VarianceScaling(scale=2.0)",
     "tf.compat.v1.variance_scaling_initializer(scale=2.0)"),
    ("import tensorflow.compat.v1 as tf",
     "tf.keras.initializers.VarianceScaling(mode='fan_avg')",
     "tf.variance_scaling_initializer(mode='fan_avg')"),
    # TF2 code's Keras initializer is left alone.
    ("import tensorflow as tf",
     "tf.keras.initializers.VarianceScaling(scale=2.0)",
     "tf.keras.initializers.VarianceScaling(scale=2.0)"),
]


@pytest.mark.parametrize("header, old, new", KERAS3_INITIALIZER_CASES)
def test_rewrite_keras3_variance_scaling_to_tensorflow_v1(header, old, new):
    out = rewrite("%s\ninit = %s\n" % (header, old))
    assert out.code == "%s\ninit = %s\n" % (header, new)
    assert out.issues == []
    changed = [c for c in out.changes if c.line == 2]
    assert len(changed) == (old != new)
    if changed:
        assert "ignores tf.compat.v1.set_random_seed" in changed[0].describe()


def test_contrib_initializers_through_tf_upgrade_v2_become_contrib_norm():
    code, _ = migrate_sources({"m.py": src("""
        import tensorflow as tf
        from tensorflow.contrib.layers import xavier_initializer
        a = tf.contrib.layers.variance_scaling_initializer(factor=1.0, mode='FAN_IN')
        b = tf.contrib.layers.variance_scaling_initializer(uniform=True, seed=3)
        c = xavier_initializer(uniform=False)
        """)})["m.py"]
    # Through their TF1 submodule, tf_upgrade_v2 leaves them to pass 3.
    assert "keras" not in code
    assert code.count("contrib_norm.initializers.variance_scaling_initializer(") == 2
    assert "contrib_norm.initializers.xavier_initializer(uniform=False)" in code

    def draw():
        namespace = {}
        exec(code, namespace)
        tf = namespace["tf"]
        with tf.Graph().as_default():
            tf.compat.v1.set_random_seed(0)
            values = [
                tf.compat.v1.get_variable(name, [256, 64],
                                          initializer=namespace[name])
                for name in "abc"
            ]
            with tf.compat.v1.Session() as sess:
                sess.run(tf.compat.v1.global_variables_initializer())
                return sess.run(values)

    first, second = draw(), draw()
    for x, y in zip(first, second):
        assert (x == y).all()
    # Variances as tf.contrib.layers had them (truncation corrected):
    # factor / fan_in, factor * 2 / fan_in (uniform), 2 / (fan_in + fan_out).
    for value, expected in zip(first, (1.0 / 256, 2.0 / 256, 2.0 / 320)):
        assert value.var() == pytest.approx(expected, rel=0.05)


def test_rewrite_arg_scope_list():
    out = rewrite(src("""
        import tensorflow as tf
        with tf.contrib.framework.arg_scope(
                [tf.contrib.layers.batch_norm, tf.compat.v1.contrib.layers.layer_norm],
                scale=True):
            y = tf.contrib.layers.batch_norm(x)
        """))
    assert out.code == src("""
        import tensorflow as tf
        import contrib_norm
        with contrib_norm.framework.arg_scope(
                [contrib_norm.layers.batch_norm, contrib_norm.layers.layer_norm],
                scale=True):
            y = contrib_norm.layers.batch_norm(x)
        """)


def test_rewrite_slim_arg_scope_with_normalizer_fn():
    out = migrate("""
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        def net(x, training):
            with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                                normalizer_params={'is_training': training}):
                return slim.conv2d(x, 64, [3, 3])
        """)
    code, result = out
    assert code == src("""
        import tensorflow as tf
        import contrib_norm

        def net(x, training):
            with contrib_norm.slim.arg_scope([contrib_norm.slim.conv2d], normalizer_fn=contrib_norm.slim.batch_norm,
                                normalizer_params={'is_training': training}):
                return contrib_norm.slim.conv2d(x, 64, [3, 3])
        """)
    assert result.manual == []


@pytest.mark.parametrize("layer", ["dense", "conv2d", "flatten", "dropout",
                                   "max_pooling2d", "Dense", "Conv2D", "Layer"])
def test_rewrite_tf_layers_to_contrib_norm_tf_layers(layer):
    for spelling in ("tf.layers.", "tf.compat.v1.layers."):
        out = rewrite("import tensorflow as tf\ny = %s%s(x)\n"
                      % (spelling, layer))
        assert out.code == ("import tensorflow as tf\nimport contrib_norm\n"
                            "y = contrib_norm.tf_layers.%s(x)\n" % layer)
        assert out.issues == []


def test_rewrite_tf_layers_outside_tf1_to_compat_v1_as_manual_work():
    # Not a TF1 tf.layers name: left to tf.compat.v1 (tf-keras). Under the
    # default Keras 3 the program would stop there: manual work, exit 1.
    out = rewrite("import tensorflow as tf\ny = tf.layers.InputSpec(ndim=4)\n")
    assert out.code == ("import tensorflow as tf\n"
                        "y = tf.compat.v1.layers.InputSpec(ndim=4)\n")
    (issue,) = out.issues
    assert issue.kind == MANUAL
    assert issue.symbol == "tf.compat.v1.layers.InputSpec"
    assert "tf-keras" in issue.hint and "TF_USE_LEGACY_KERAS=1" in issue.hint


@pytest.mark.parametrize("code", [
    "import tensorflow as tf\ny = tf.compat.v1.layers.InputSpec()\n",
    "import tensorflow as tf\ncell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(8)\n",
])
def test_rewrite_legacy_keras_names_left_as_manual_work(code):
    out = rewrite(code)
    assert out.code == code
    (issue,) = out.issues
    assert issue.kind == MANUAL and "TF_USE_LEGACY_KERAS=1" in issue.hint


def test_rewrite_layers_with_compat_v1_alias():
    # With `import tensorflow.compat.v1 as tf`, tf.layers is compat.v1's.
    out = rewrite("import tensorflow.compat.v1 as tf\ny = tf.layers.dense(x, 3)\n")
    assert out.code == ("import tensorflow.compat.v1 as tf\nimport contrib_norm\n"
                        "y = contrib_norm.tf_layers.dense(x, 3)\n")
    assert out.issues == []


def test_rewrite_with_other_alias():
    out = rewrite("import tensorflow as tf1\n"
                  "y = tf1.contrib.layers.batch_norm(tf1.layers.dense(x, 3))\n")
    assert out.code == ("import tensorflow as tf1\nimport contrib_norm\n"
                        "y = contrib_norm.layers.batch_norm("
                        "contrib_norm.tf_layers.dense(x, 3))\n")


ALIAS_CASES = [
    ("import tensorflow.contrib.slim as slim", "slim.conv2d(x, 3, [3, 3])",
     "contrib_norm.slim.conv2d(x, 3, [3, 3])"),
    ("from tensorflow.contrib import slim",
     "slim.utils.convert_collection_to_dict('ends')",
     "contrib_norm.slim.utils.convert_collection_to_dict('ends')"),
    ("import tensorflow.contrib.slim as slim",
     "slim.initializers.xavier_initializer()",
     "contrib_norm.slim.initializers.xavier_initializer()"),
    ("import tensorflow.contrib.slim as slim",
     "slim.get_variables_to_restore(exclude=['logits'])",
     "contrib_norm.slim.get_variables_to_restore(exclude=['logits'])"),
    ("from tensorflow.contrib.slim import regularizers",
     "regularizers.l1_regularizer(0.1)",
     "contrib_norm.slim.regularizers.l1_regularizer(0.1)"),
    ("import tensorflow.contrib.slim as slim", "slim.layers.softmax(x)",
     "contrib_norm.layers.softmax(x)"),
    ("import tensorflow.contrib as tc", "tc.layers.conv2d(x, 3, 3)",
     "contrib_norm.layers.conv2d(x, 3, 3)"),
    ("from tensorflow.contrib.layers import flatten", "flatten(x)",
     "contrib_norm.layers.flatten(x)"),
    ("from tensorflow.contrib.framework import get_variables",
     "get_variables('s')", "contrib_norm.framework.get_variables('s')"),
    ("from tensorflow.compat.v1 import layers", "layers.dense(x, 3)",
     "contrib_norm.tf_layers.dense(x, 3)"),
    ("from tensorflow.compat.v1.layers import conv2d", "conv2d(x, 3, 3)",
     "contrib_norm.tf_layers.conv2d(x, 3, 3)"),
]


@pytest.mark.parametrize("imports, use, new", ALIAS_CASES,
                         ids=[c[1] for c in ALIAS_CASES])
def test_every_spelling_of_a_table_name_is_rewritten(imports, use, new):
    code, result = migrate("import tensorflow as tf\n%s\n\ny = %s\n"
                           % (imports, use))
    assert code == "import tensorflow as tf\nimport contrib_norm\n\ny = %s\n" % new
    assert result.manual == [] and result.notes == []


def test_table_and_pass_3_do_not_import_tensorflow(tmp_path):
    code = ("import sys\n"
            "from contrib_norm import legacy_names\n"
            "from contrib_norm.migrate import rewrite\n"
            "assert rewrite.CONTRIB_NORM_MAP is legacy_names.LEGACY_NAMES\n"
            "rewrite.rewrite('import tensorflow as tf\\ntf.layers.dense(x, 3)\\n')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('tensorflow', 'keras', 'tf_keras')))\n")
    proc = fresh_interpreter.run(["-c", code], cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout


def test_table_and_install_agree():
    # install() and pass 3 read the same table.
    assert rewrite_module.CONTRIB_NORM_MAP is legacy_names.LEGACY_NAMES
    for path in ("tensorflow.contrib.framework.arg_scope_func_key",
                 "tensorflow.contrib.slim.arg_scope_func_key",
                 "tensorflow.contrib.slim.utils.convert_collection_to_dict",
                 "tensorflow.layers.dense"):
        assert path in rewrite_module.CONTRIB_NORM_MAP


def test_rewrite_keras3_regularizer_keyword():
    # tf_upgrade_v2 turns l2_regularizer(scale=s) into l2(l=0.5 * s), which
    # Keras 3 rejects.
    out = rewrite("import tensorflow as tf\n"
                  "r = tf.keras.regularizers.l2(l=0.5 * (0.0001))\n"
                  "q = tf.keras.regularizers.l1(l=0.1)\n"
                  "p = tf.keras.regularizers.l2(0.1)\n")
    assert out.code == ("import tensorflow as tf\n"
                        "r = tf.keras.regularizers.l2(l2=0.5 * (0.0001))\n"
                        "q = tf.keras.regularizers.l1(l1=0.1)\n"
                        "p = tf.keras.regularizers.l2(0.1)\n")


UNCONVERTED_CASES = [
    ("tf.contrib.slim.learning.train(op, 'd')", "tf.contrib.slim.learning.train",
     "tf.compat.v1.train optimizer"),
    ("tf.contrib.slim.losses.softmax_cross_entropy(a, b)",
     "tf.contrib.slim.losses.softmax_cross_entropy", "tf.compat.v1.losses"),
    ("tf.contrib.slim.conv2d_in_plane(x, 3)", "tf.contrib.slim.conv2d_in_plane",
     "contrib_norm.slim has slim's layers"),
    ("tf.contrib.layers.embed_sequence(ids, 9, 3)",
     "tf.contrib.layers.embed_sequence", "tf.nn.embedding_lookup"),
    ("tf.contrib.layers.maxout(x, 3)", "tf.contrib.layers.maxout",
     "keras.layers"),
    ("tf.contrib.rnn.LSTMBlockCell(3)", "tf.contrib.rnn.LSTMBlockCell",
     "tf.compat.v1.nn.rnn_cell"),
    ("tf.contrib.framework.assign_from_checkpoint_fn('m', v)",
     "tf.contrib.framework.assign_from_checkpoint_fn",
     "tf.compat.v1.train.Saver(var_list)"),
    ("tf.contrib.distributions.Normal(0., 1.)",
     "tf.contrib.distributions.Normal", "TensorFlow Probability"),
    ("tf.contrib.foo.bar()", "tf.contrib.foo.bar", "no automatic replacement"),
]


@pytest.mark.parametrize("call, symbol, hint", UNCONVERTED_CASES,
                         ids=[c[1] for c in UNCONVERTED_CASES])
def test_rewrite_reports_unconverted_contrib(call, symbol, hint):
    code = "import tensorflow as tf\n\ny = %s\n" % call
    out = rewrite(code)
    assert out.code == code
    (issue,) = out.issues
    assert (issue.kind, issue.line, issue.symbol) == (MANUAL, 3, symbol)
    assert hint in issue.hint


def test_rewrite_reports_leftover_contrib_import():
    out = rewrite("from tensorflow.contrib.layers import *\ny = batch_norm(x)\n")
    (issue,) = out.issues
    assert issue.kind == MANUAL and issue.line == 1
    assert "from tensorflow.contrib.layers import *" in issue.symbol


# --- Pass 3: import contrib_norm and disable_eager_execution insertion ------

def test_insertion_after_imports_before_first_use():
    out = rewrite(src('''
        """Train."""
        from __future__ import print_function

        import numpy as np
        import tensorflow as tf

        # Model
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        y = tf.contrib.layers.batch_norm(x)
        '''))
    assert out.code == src('''
        """Train."""
        from __future__ import print_function

        import numpy as np
        import tensorflow as tf
        import contrib_norm
        tf.compat.v1.disable_eager_execution()

        # Model
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        y = contrib_norm.layers.batch_norm(x)
        ''')


def test_insertion_before_module_level_use_when_imports_come_later():
    out = rewrite(src("""
        import tensorflow as tf
        weight_init = tf.contrib.layers.variance_scaling_initializer()
        import os
        """))
    assert body_lines(out.code) == [
        "import tensorflow as tf",
        "import contrib_norm",
        "weight_init = contrib_norm.initializers.variance_scaling_initializer()",
        "import os",
    ]


def test_insertion_after_all_imports_when_uses_are_in_functions():
    out = rewrite(src("""
        import tensorflow as tf

        def f(x):
            return tf.contrib.layers.batch_norm(x)

        import os
        """))
    assert body_lines(out.code)[:4] == [
        "import tensorflow as tf", "def f(x):",
        "    return contrib_norm.layers.batch_norm(x)", "import os"]
    assert body_lines(out.code)[4] == "import contrib_norm"


@pytest.mark.parametrize("use", [
    "x = tf.compat.v1.placeholder(tf.float32)",
    "x = tf.placeholder(tf.float32)",
    "sess = tf.compat.v1.Session()",
    "with tf.Session() as sess:\n    pass",
    "saver = tf.compat.v1.train.Saver()",
    "ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)",
    "x = tf.compat.v1.placeholder_with_default(1.0, [])",
])
def test_disable_eager_inserted_for_graph_programs(use):
    out = rewrite("import tensorflow as tf\n" + use + "\n")
    lines = out.code.splitlines()
    assert lines[:2] == ["import tensorflow as tf",
                         "tf.compat.v1.disable_eager_execution()"]
    assert out.code.count("disable_eager_execution") == 1


@pytest.mark.parametrize("present", [
    "tf.compat.v1.disable_eager_execution()",
    "tf.compat.v1.disable_v2_behavior()",
])
def test_disable_eager_not_repeated(present):
    code = "import tensorflow as tf\n%s\nx = tf.compat.v1.placeholder(tf.float32)\n" % present
    assert rewrite(code).code == code


def test_disable_eager_precedes_module_level_tf_call_between_imports():
    # CycleGAN's main.py: TF1 set the graph's seed there; run before
    # disable_eager_execution(), it sets the eager seed and the graph has none.
    out = rewrite(src("""
        import os
        import tensorflow as tf
        tf.compat.v1.set_random_seed(19)
        from model import build
        import numpy as np
        np.random.seed(1)

        def main():
            with tf.compat.v1.Session() as sess:
                build(sess)
        """))
    assert body_lines(out.code)[:6] == [
        "import os", "import tensorflow as tf",
        "tf.compat.v1.disable_eager_execution()",
        "tf.compat.v1.set_random_seed(19)", "from model import build",
        "import numpy as np"]


def test_disable_eager_after_imports_when_only_other_calls_precede_them():
    out = rewrite(src("""
        import tensorflow as tf
        import numpy as np
        np.random.seed(1)
        x = tf.float32
        import os
        sess = tf.compat.v1.Session()
        """))
    assert body_lines(out.code)[4:6] == [
        "import os", "tf.compat.v1.disable_eager_execution()"]


def test_control_flow_v1_for_import_meta_graph():
    out = rewrite(src("""
        import tensorflow as tf

        def resume(sess, path):
            restore = tf.compat.v1.train.import_meta_graph(path + ".meta")
            restore.restore(sess, path)
        """))
    assert body_lines(out.code)[:3] == [
        "import tensorflow as tf", "tf.compat.v1.disable_eager_execution()",
        "tf.compat.v1.disable_control_flow_v2()"]
    added = [c.new for c in out.changes if c.line is None]
    assert added == ["tf.compat.v1.disable_eager_execution()",
                     "tf.compat.v1.disable_control_flow_v2()"]


@pytest.mark.parametrize("present, added", [
    ("tf.compat.v1.disable_v2_behavior()", []),
    ("tf.compat.v1.disable_control_flow_v2()",
     ["tf.compat.v1.disable_eager_execution()"]),
    ("tf.compat.v1.disable_eager_execution()",
     ["tf.compat.v1.disable_control_flow_v2()"]),
])
def test_control_flow_v1_not_repeated(present, added):
    code = ("import tensorflow as tf\n%s\n"
            "r = tf.compat.v1.train.import_meta_graph('m.meta')\n" % present)
    out = rewrite(code)
    assert [c.new for c in out.changes if c.line is None] == added
    assert out.code.count(present) == 1


_RESUME_PROGRAM = """
import sys
import tensorflow as tf

def build():
    x = tf.compat.v1.placeholder_with_default(tf.ones([2, 3]), [None, 3])
    w = tf.compat.v1.get_variable("w", [3])
    return tf.map_fn(lambda row: row * w, x)

y = build()
with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    if sys.argv[1] == "save":
        tf.compat.v1.train.Saver().save(sess, "./model")
    else:  # resume as vanhuyz/CycleGAN-TensorFlow's train.py does
        restore = tf.compat.v1.train.import_meta_graph("./model.meta")
        restore.restore(sess, "./model")
        print("resumed")
"""


def test_resume_through_import_meta_graph_runs(tmp_path):
    # Under TF 2's control flow the re-imported map_fn functions clash with
    # the ones the program built ("Cannot add function ... because a
    # different function with the same name already exists").
    (tmp_path / "train.py").write_text(rewrite(_RESUME_PROGRAM).code)
    for step in ("save", "resume"):
        proc = fresh_interpreter.run(["train.py", step], cwd=tmp_path,
                                     timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "resumed"


def test_disable_eager_not_inserted_for_eager_code():
    code = "import tensorflow as tf\ny = tf.reduce_sum(tf.ones([3]))\n"
    assert rewrite(code).code == code


def test_disable_eager_with_compat_v1_alias():
    out = rewrite("import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\n")
    assert out.code == ("import tensorflow.compat.v1 as tf\n"
                        "tf.disable_eager_execution()\n"
                        "x = tf.placeholder(tf.float32)\n")


def test_import_contrib_norm_not_duplicated():
    code = "import tensorflow as tf\nimport contrib_norm\ny = tf.contrib.layers.batch_norm(x)\n"
    out = rewrite(code)
    assert out.code.count("import contrib_norm") == 1
    assert "contrib_norm.layers.batch_norm(x)" in out.code


def test_rewrite_preserves_comments_and_formatting():
    code = src("""
        import tensorflow as tf  # TF 1.x


        def block(x,   is_training):   # odd spacing stays
            # normalise
            y = tf.contrib.layers.batch_norm(
                x,                       # input
                decay=0.9,  # momentum
                is_training=is_training,
            )
            return (y)  ;  z = 1
        """)
    out = rewrite(code)
    assert out.code == code.replace(
        "import tensorflow as tf  # TF 1.x\n",
        "import tensorflow as tf  # TF 1.x\nimport contrib_norm\n").replace(
        "tf.contrib.layers.batch_norm(", "contrib_norm.layers.batch_norm(")


def test_rewrite_unrelated_file_unchanged():
    code = "import tensorflow as tf\n\ny = tf.nn.relu(tf.ones([2]))  # eager\n"
    out = rewrite(code)
    assert out.code == code and out.changes == [] and out.issues == []


# --- Passes 1 + 3 together, with report bookkeeping ---------------------

def test_pipeline_without_upgrade_line_numbers():
    code, result = migrate("""
        import tensorflow as tf
        import tensorflow.contrib as tf_contrib
        from tensorflow.contrib import slim

        x = tf.placeholder(tf.float32, [None, 4])
        y = tf_contrib.layers.batch_norm(x, is_training=True)
        z = slim.conv2d_in_plane(y, 3, 3)
        """)
    assert code == src("""
        import tensorflow as tf
        import contrib_norm
        tf.compat.v1.disable_eager_execution()

        x = tf.placeholder(tf.float32, [None, 4])
        y = contrib_norm.layers.batch_norm(x, is_training=True)
        z = tf.contrib.slim.conv2d_in_plane(y, 3, 3)
        """)
    described = {(c.line, c.describe()) for c in result.changes}
    assert (6, "tf_contrib.layers.batch_norm -> contrib_norm.layers.batch_norm") in described
    assert (2, "removed import tensorflow.contrib as tf_contrib") in described
    assert (3, "removed from tensorflow.contrib import slim") in described
    added = [c for c in result.changes if c.line is None]
    assert [(c.new, c.out_line) for c in added] == [
        ("import contrib_norm", 2), ("tf.compat.v1.disable_eager_execution()", 3)]
    (manual,) = result.manual
    assert (manual.line, manual.out_line, manual.symbol) == (
        7, 7, "tf.contrib.slim.conv2d_in_plane")
    for change in result.changes:
        if change.line == 6:
            assert change.out_line == 6
    assert result.changed


def test_pipeline_reports_unparsable_file():
    results = migrate_sources({"bad.py": "def f(:\n    pass\n",
                               "good.py": "import tensorflow as tf\n"},
                              upgrade=False)
    code, result = results["bad.py"]
    assert code == "def f(:\n    pass\n"
    assert result.error and "cannot parse" in result.error
    assert results["good.py"][1].error is None


@pytest.mark.parametrize("code, message", [
    ("import tensorflow as tf\nprint 'hello'\n",
     "(line 2): Missing parentheses in call to 'print'"),
    ("x = 1\ndef f(x:\n    pass\n", "(line 2): "),
])
def test_unparsable_file_error_names_line_and_cause(code, message):
    _, result = migrate_sources({"bad.py": code}, upgrade=False)["bad.py"]
    assert result.error.startswith("cannot parse as Python " + message)


# --- Helpers ------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("tensorflow.contrib.layers.python.layers.layers.batch_norm",
     "tensorflow.contrib.layers.batch_norm"),
    ("tensorflow.contrib.framework.python.ops.arg_scope.arg_scope",
     "tensorflow.contrib.framework.arg_scope"),
    ("tensorflow.contrib.nn.python.ops.alpha_dropout.alpha_dropout",
     "tensorflow.contrib.nn.alpha_dropout"),
    ("tensorflow.contrib.layers.xavier_initializer",
     "tensorflow.contrib.layers.initializers.xavier_initializer"),
    ("tensorflow.contrib.layers.python.layers.regularizers.l2_regularizer",
     "tensorflow.contrib.layers.regularizers.l2_regularizer"),
    ("tensorflow.contrib.slim.xavier_initializer",
     "tensorflow.contrib.slim.xavier_initializer"),
    ("tensorflow.contrib.slim.batch_norm", "tensorflow.contrib.slim.batch_norm"),
])
def test_normalize_contrib(path, expected):
    assert names.normalize_contrib(path) == expected


def test_canonical():
    assert names.canonical("tensorflow.compat.v1.layers.dense") == "tensorflow.layers.dense"
    assert names.canonical("tensorflow.compat.v1") == "tensorflow"
    assert names.canonical("numpy.ones") == "numpy.ones"


def test_line_map():
    old = "a\nb\nc\nd\n"
    new = "a\nX\nY\nc\nd\n"
    back = line_map(old, new)
    assert [back(i) for i in range(1, 6)] == [1, 2, 2, 3, 4]  # b -> X, Y
    fwd = line_map(new, old)
    assert [fwd(i) for i in range(1, 5)] == [1, 2, 4, 5]
    inserted = line_map("a\nc\n", "a\nb\nc\n")
    assert [inserted(i) for i in range(1, 4)] == [1, None, 2]
    assert inserted(None) is None
    # An import inserted at the top of a block whose lines all change is
    # inserted, not the first line of the block.
    grown = line_map("a\nx = f(y)\nz = f(x)\n", "a\nimport g\nx = g(y)\nz = g(x)\n")
    assert [grown(i) for i in range(1, 5)] == [1, None, 2, 3]


def test_merge_changes_chains_passes():
    merged = merge_changes([
        Change(3, "slim.batch_norm", "tf.contrib.slim.batch_norm", "imports"),
        Change(3, "tf.contrib.slim.batch_norm", "contrib_norm.layers.batch_norm",
               "contrib_norm"),
        Change(4, "a", "b", "imports"),
    ])
    assert [(c.line, c.old, c.new, c.source) for c in merged] == [
        (3, "slim.batch_norm", "contrib_norm.layers.batch_norm",
         "imports+contrib_norm"),
        (4, "a", "b", "imports")]


def test_hint_display():
    assert hints.display("tensorflow.contrib.layers.conv2d") == "tf.contrib.layers.conv2d"
    assert "tf.nn.embedding_lookup" in hints.hint_for(
        "tensorflow.contrib.layers.embed_sequence")


@pytest.mark.parametrize("part", ["losses", "learning", "metrics", "nets"])
def test_hint_for_slim_parts_left_out(part):
    hint = hints.hint_for("tensorflow.contrib.slim.%s.x" % part)
    assert "slim.%s" % part in hint and "model-building surface" in hint
    # No hint sends served names to tf-keras any more.
    assert hints.LEGACY_KERAS not in hint


def test_parse_tf_upgrade_v2_log():
    report = src("""
        TensorFlow 2.0 Upgrade Script
        -----------------------------
        Converted 2 files
        --------------------------------------------------------------------------------
        File: in/a.py
        --------------------------------------------------------------------------------
        in/a.py:5:4: ERROR: summary line, not the detailed log
        ================================================================================
        Detailed log follows:

        ================================================================================
        Input tree: 'in'
        ================================================================================
        --------------------------------------------------------------------------------
        Processing file 'in/a.py'
         outputting to 'out/a.py'
        --------------------------------------------------------------------------------

        4:4: INFO: Renamed 'tf.placeholder' to 'tf.compat.v1.placeholder'
        5:4: ERROR: Using member tf.contrib.layers.batch_norm in deprecated module tf.contrib. tf.contrib.layers.batch_norm cannot be converted automatically.
        6:0: WARNING: a warning that
        goes on for two lines
        --------------------------------------------------------------------------------

        Processing file 'in/sub/b.py'
         outputting to 'out/sub/b.py'
        --------------------------------------------------------------------------------

        1:0: INFO: Changing tf.contrib.layers xavier initializer to a tf.compat.v1.keras.initializers.VarianceScaling and converting arguments.
        """)
    messages = upgrade_v2.parse_log(report, "in")
    assert sorted(messages) == ["a.py", "sub/b.py"]
    a = messages["a.py"]
    assert [(m.line, m.col, m.level) for m in a] == [
        (4, 4, "INFO"), (5, 4, "ERROR"), (6, 0, "WARNING")]
    assert a[0].renamed == ("tf.placeholder", "tf.compat.v1.placeholder")
    assert a[1].contrib_symbols == ["tf.contrib.layers.batch_norm",
                                    "tf.contrib.layers.batch_norm"]
    assert a[2].text == "a warning that\ngoes on for two lines"
    assert messages["sub/b.py"][0].renamed is None


def test_unlogged_tf_upgrade_v2_import_change_is_reported():
    # tf_upgrade_v2 rewrites the compat.v1 import without logging it.
    code, result = migrate_sources({"m.py": src("""
        import tensorflow.compat.v1 as tf
        x = tf.placeholder(tf.float32)
        """)})["m.py"]
    assert code.splitlines()[0] == "import tensorflow as tf"
    described = [(c.line, c.describe()) for c in result.changes]
    assert (1, "import tensorflow.compat.v1 as tf -> import tensorflow as tf") \
        in described
    assert sum(line == 2 for line, _ in described) == 1  # logged once only


def test_parenthesized_contrib_use_is_not_reported_twice():
    # tf_upgrade_v2 names it "(tf.contrib.layers.layer_norm)"; pass 3
    # converts it, so its "cannot be converted" error is no manual work.
    code, result = migrate_sources({"m.py": src("""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 4])
        y = (tf.contrib.layers.layer_norm)(x)
        z = (tf.contrib.layers.maxout)(x, 2)
        """)})["m.py"]
    assert "y = (contrib_norm.layers.layer_norm)(x)" in code
    assert [(i.line, i.symbol) for i in result.manual] == [
        (4, "tf.contrib.layers.maxout")]
