"""Tests for contrib_norm.install(), run in a fresh interpreter.

install() changes TensorFlow's namespaces for the whole process, so it is
never called in the pytest process. The checks below run in one child
process per scenario (this file, run as a script), which reports each check's
outcome; the tests read them. The default scenario has no
TF_USE_LEGACY_KERAS and never imports tf-keras (checked), i.e. plain Keras 3.
"""

import importlib.util
import os
import sys
import traceback

import pytest

import fresh_interpreter

# Legacy name -> the contrib_norm object it must be, after install().
MAPPED = {
    "tf.contrib.layers.batch_norm": "layers.batch_norm",
    "tf.contrib.layers.group_norm": "layers.group_norm",
    "tf.contrib.layers.instance_norm": "layers.instance_norm",
    "tf.contrib.layers.layer_norm": "layers.layer_norm",
    "tf.contrib.layers.variance_scaling_initializer":
        "initializers.variance_scaling_initializer",
    "tf.contrib.layers.xavier_initializer": "initializers.xavier_initializer",
    "tf.contrib.layers.xavier_initializer_conv2d":
        "initializers.xavier_initializer_conv2d",
    "tf.contrib.nn.alpha_dropout": "nn.alpha_dropout",
    "tf.contrib.framework.arg_scope": "framework.arg_scope",
    "tf.contrib.framework.add_arg_scope": "framework.add_arg_scope",
    "tf.contrib.framework.current_arg_scope": "framework.current_arg_scope",
    "tf.contrib.framework.has_arg_scope": "framework.has_arg_scope",
    "tf.contrib.framework.arg_scoped_arguments":
        "framework.arg_scoped_arguments",
    "tf.contrib.slim.batch_norm": "layers.batch_norm",
    "tf.contrib.slim.layer_norm": "layers.layer_norm",
    "tf.contrib.slim.arg_scope": "framework.arg_scope",
    "tf.contrib.slim.add_arg_scope": "framework.add_arg_scope",
    "tf.compat.v1.contrib.layers.batch_norm": "layers.batch_norm",
    "tf.compat.v1.contrib.layers.group_norm": "layers.group_norm",
    "tf.compat.v1.contrib.layers.instance_norm": "layers.instance_norm",
    "tf.compat.v1.contrib.layers.layer_norm": "layers.layer_norm",
    "tf.compat.v1.contrib.nn.alpha_dropout": "nn.alpha_dropout",
    "tf.compat.v1.contrib.framework.arg_scope": "framework.arg_scope",
    "tf.compat.v1.contrib.framework.add_arg_scope": "framework.add_arg_scope",
    "tf.compat.v1.layers.batch_normalization": "layers.batch_normalization",
    "tf.compat.v1.layers.BatchNormalization": "layers.BatchNormalization",
    "tf.contrib.layers.conv2d": "layers.conv2d",
    "tf.contrib.layers.fully_connected": "layers.fully_connected",
    "tf.contrib.layers.l2_regularizer": "layers.l2_regularizer",
    "tf.contrib.layers.initializers.xavier_initializer":
        "initializers.xavier_initializer",
    "tf.contrib.framework.get_variables": "framework.get_variables",
    "tf.contrib.framework.arg_scope_func_key": "framework.arg_scope_func_key",
    "tf.contrib.slim.conv2d": "layers.conv2d",
    "tf.contrib.slim.arg_scope_func_key": "framework.arg_scope_func_key",
    "tf.contrib.slim.model_variable": "framework.model_variable",
    "tf.contrib.slim.initializers.xavier_initializer":
        "initializers.xavier_initializer",
    "tf.contrib.slim.regularizers.l2_regularizer": "layers.l2_regularizer",
    "tf.contrib.slim.layers.conv2d": "layers.conv2d",
    "tf.contrib.layers.regularizers.l1_regularizer": "layers.l1_regularizer",
    "tf.contrib.slim.utils.convert_collection_to_dict":
        "slim.utils.convert_collection_to_dict",
    "tf.compat.v1.contrib.layers.conv2d": "layers.conv2d",
    "tf.compat.v1.layers.dense": "tf_layers.dense",
    "tf.compat.v1.layers.Conv2D": "tf_layers.Conv2D",
    "tf.compat.v1.layers.Layer": "tf_layers.Layer",
}

# tf.contrib names that must raise, naming themselves.
NOT_PROVIDED = (
    "tf.contrib.layers.embed_sequence",
    "tf.contrib.layers.optimize_loss",
    "tf.contrib.nn.scaled_softplus",
    "tf.contrib.framework.get_or_create_global_step",
    "tf.contrib.slim.losses",
    "tf.contrib.slim.learning",
    "tf.contrib.slim.utils.two_element_tuple",
    "tf.contrib.rnn",
    "tf.contrib.seq2seq",
    "tf.compat.v1.contrib.layers.summarize_tensor",
)

CHECKS = (
    "nothing_changes_before_install",
    "returns_tf_contrib",
    *("same_object:" + name for name in MAPPED),
    *("not_provided:" + name for name in NOT_PROVIDED),
    "every_table_name",
    "import_statements",
    "find_spec",
    "find_spec_of_a_name_not_served",
    "other_v1_layers_unchanged",
    "v1_captured_before_install",
    "compat_v1_script",
    "legacy_graph_trains",
    "tf1_layers_and_slim_program_trains",
    "idempotent",
    "no_tf_layers",
    "code_testing_for_tf1",
    "no_tf_keras",
)

GUIDE = "migration_guide/README.md"


# --------------------------------------------------------------------------
# The parent: the pytest process.

@pytest.fixture(scope="module")
def scenario_runs(tmp_path_factory):
    jobs = {
        scenario: {"argv": [os.path.abspath(__file__), scenario],
                   "cwd": tmp_path_factory.mktemp(scenario), "timeout": 300,
                   "env": env}
        for scenario, env in (("keras3", {}),
                              ("legacy_keras", {"TF_USE_LEGACY_KERAS": "1"}),
                              ("v1_layers_first", {}))
    }
    runs = fresh_interpreter.Runs(jobs)
    yield runs
    runs.close()


@pytest.fixture(scope="module")
def results(scenario_runs):
    return fresh_interpreter.result_of(scenario_runs.get("keras3"))


def _assert_outcome(outcome):
    status, detail = outcome
    if status == "skip":
        pytest.skip(detail)
    assert status == "ok", detail


@pytest.mark.parametrize("check", CHECKS)
def test_install(results, check):
    _assert_outcome(results.get(check, ("fail", "the child did not run it")))


def test_v1_layers_imported_before_install(scenario_runs):
    """``from tensorflow.compat.v1 import layers`` before install() (issue 18)."""
    outcomes = fresh_interpreter.result_of(scenario_runs.get("v1_layers_first"))
    _assert_outcome(outcomes.get("v1_layers_imported_before_install",
                                 ("fail", "the child did not run it")))


@pytest.mark.slow
@pytest.mark.legacy_keras
def test_install_with_legacy_keras(scenario_runs):
    if importlib.util.find_spec("tf_keras") is None:  # not imported here
        pytest.skip("tf-keras is not installed")
    outcomes = fresh_interpreter.result_of(scenario_runs.get("legacy_keras"))
    assert outcomes, "the child ran no checks"
    for check, outcome in sorted(outcomes.items()):
        assert outcome[0] == "ok", "%s: %s" % (check, outcome[1])


# --------------------------------------------------------------------------
# The child: this file run as a script, in a fresh interpreter.

def _walk(root, dotted):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _error_of(fn):
    """The exception ``fn()`` raises, or None."""
    try:
        fn()
    except Exception as err:  # pylint: disable=broad-except
        return err
    return None


def _expect_not_provided(err, legacy_name):
    assert err is not None, "%s did not raise" % legacy_name
    message = str(err)
    assert legacy_name in message and GUIDE in message, message


class _Checks(object):
    """Runs the checks in the child and collects their outcomes."""

    def __init__(self):
        self.outcomes = {}

    def run(self, name, fn, *args):
        try:
            outcome = fn(*args)
        except Exception:  # pylint: disable=broad-except
            outcome = ("fail", traceback.format_exc())
        self.outcomes[name] = outcome or ("ok", "")


def _check_nothing_changes(tf, contrib_norm):
    # Touch everything contrib_norm exports: still no effect on tf.
    for name in ("layers", "nn", "framework", "initializers", "tf_layers", "install"):
        getattr(contrib_norm, name)
    assert not hasattr(tf, "contrib")
    assert not hasattr(tf.compat.v1, "contrib")
    assert "tensorflow.contrib" not in sys.modules
    err = _error_of(lambda: tf.compat.v1.layers.batch_normalization)
    import keras  # pylint: disable=import-outside-toplevel
    if int(keras.__version__.split(".")[0]) >= 3:
        assert isinstance(err, AttributeError), err
        assert "not available with Keras 3" in str(err), err
    else:  # TensorFlow 2.15: tf.compat.v1.layers is still native (Keras 2).
        assert err is None, err
        assert (tf.compat.v1.layers.batch_normalization
                is not contrib_norm.layers.batch_normalization)


def _check_same_object(tf, contrib_norm, legacy_name, ours):
    try:
        expected = _walk(contrib_norm, ours)
    except AttributeError:
        return ("skip", "contrib_norm.%s is not implemented yet" % ours)
    got = _walk(tf, legacy_name[len("tf."):])
    assert got is expected, (legacy_name, got, expected)
    module, _, attr = legacy_name.rpartition(".")
    assert attr in dir(_walk(tf, module[len("tf."):]))
    return None


def _check_not_provided(tf, legacy_name):
    module, _, attr = legacy_name.rpartition(".")
    namespace = _walk(tf, module[len("tf."):])
    err = _error_of(lambda: getattr(namespace, attr))
    assert isinstance(err, AttributeError), err
    _expect_not_provided(err, legacy_name.replace("compat.v1.", ""))
    assert not hasattr(namespace, attr)


def _check_import_statements(contrib_norm):
    # pylint: disable=import-outside-toplevel,import-error
    from tensorflow.contrib.layers import batch_norm, conv2d
    import tensorflow.contrib.slim as slim
    from tensorflow.contrib.slim import utils
    from tensorflow.contrib.layers.initializers import xavier_initializer
    from tensorflow.compat.v1.layers import batch_normalization, dense
    from tensorflow.compat.v1 import contrib

    assert batch_norm is contrib_norm.layers.batch_norm
    assert conv2d is contrib_norm.layers.conv2d
    assert slim.batch_norm is contrib_norm.layers.batch_norm
    assert utils is slim.utils is sys.modules["tensorflow.contrib.slim.utils"]
    assert xavier_initializer is contrib_norm.initializers.xavier_initializer
    assert batch_normalization is contrib_norm.layers.batch_normalization
    assert dense is contrib_norm.tf_layers.dense
    assert contrib is sys.modules["tensorflow.contrib"]

    def from_import_embed_sequence():
        from tensorflow.contrib.layers import embed_sequence  # noqa: F401

    def import_rnn():
        import tensorflow.contrib.rnn  # noqa: F401

    for fn, legacy_name in ((from_import_embed_sequence,
                             "tf.contrib.layers.embed_sequence"),
                            (import_rnn, "tf.contrib.rnn")):
        err = _error_of(fn)
        assert isinstance(err, ImportError), err
        _expect_not_provided(err, legacy_name)


def _check_find_spec():
    """Code that probes for TF1 with find_spec gets a spec (issue 18)."""
    for name in ("tensorflow.contrib", "tensorflow.contrib.layers",
                 "tensorflow.contrib.slim"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.name == name, (name, spec)
        assert spec.submodule_search_locations == [], spec


def _check_find_spec_not_served():
    """find_spec of a tf.contrib name contrib_norm does not serve is None, as
    import machinery expects; importing it still explains (issue 18)."""
    for name in ("tensorflow.contrib.nonexistent", "tensorflow.contrib.rnn",
                 "tensorflow.contrib.layers.nonexistent",
                 "tensorflow.contrib.layers.embed_sequence",
                 "tensorflow.contrib.slim.nets"):
        spec = importlib.util.find_spec(name)
        assert spec is None, (name, spec)

    def import_statement():
        # pylint: disable-next=import-outside-toplevel,import-error
        import tensorflow.contrib.nonexistent  # noqa: F401

    for fn in (import_statement, lambda: importlib.import_module(
            "tensorflow.contrib.nonexistent")):
        err = _error_of(fn)
        assert isinstance(err, ModuleNotFoundError), err
        _expect_not_provided(err, "tf.contrib.nonexistent")
    assert "tensorflow.contrib.nonexistent" not in sys.modules


def _check_every_table_name(tf, contrib_norm):
    """Each name of the legacy-names table is its contrib_norm object."""
    del contrib_norm  # Imported: the table's modules are importable.
    from contrib_norm import legacy_names  # pylint: disable=import-outside-toplevel

    wrong = []
    for namespace, mapping in legacy_names.NAMESPACES.items():
        legacy = namespace[len("tensorflow."):]
        if legacy == "layers":
            legacy = "compat.v1.layers"
        for name, (module, attr) in mapping.items():
            expected = getattr(importlib.import_module(module), attr)
            if _walk(tf, "%s.%s" % (legacy, name)) is not expected:
                wrong.append("tf.%s.%s" % (legacy, name))
            if legacy.startswith("contrib") and _walk(
                    tf.compat.v1, "%s.%s" % (legacy, name)) is not expected:
                wrong.append("tf.compat.v1.%s.%s" % (legacy, name))
    assert not wrong, wrong
    assert len(legacy_names.LEGACY_NAMES) > 150


def _check_other_v1_layers(tf, error_before):
    """A tf.compat.v1.layers name outside TF1's behaves as before."""
    for v1 in (tf.compat.v1, sys.modules["tensorflow.compat.v1"]):
        err = _error_of(lambda: v1.layers.InputSpec)  # noqa: B023
        assert type(err) is type(error_before), (err, error_before)
        assert str(err) == str(error_before), (err, error_before)


def _check_v1_captured_before(v1_before, contrib, contrib_norm):
    # A script may hold tf.compat.v1 from before install() (a different
    # object from the one `import tensorflow.compat.v1` gives).
    assert v1_before.contrib is contrib
    assert (v1_before.layers.batch_normalization
            is contrib_norm.layers.batch_normalization)


def _check_v1_layers_imported_before(layers_before):
    """``from tensorflow.compat.v1 import layers`` run before install() holds
    the object install() patched in place: every TF1 name is contrib_norm's,
    also after an attribute it lacks made TensorFlow's lazy loader load."""
    from contrib_norm import legacy_names  # pylint: disable=import-outside-toplevel

    def wrong():
        return [name for name, (module, attr)
                in legacy_names.NAMESPACES["tensorflow.layers"].items()
                if getattr(layers_before, name)
                is not getattr(importlib.import_module(module), attr)]

    assert not wrong(), wrong()
    assert isinstance(_error_of(lambda: layers_before.no_such_layer),
                      AttributeError)
    assert not wrong(), wrong()


def _check_compat_v1_script(contrib_norm):
    import tensorflow.compat.v1 as tf  # pylint: disable=import-outside-toplevel

    assert tf.contrib.layers.batch_norm is contrib_norm.layers.batch_norm
    assert tf.layers.batch_normalization is (
        contrib_norm.layers.batch_normalization)
    assert tf.compat.v1.contrib is tf.contrib


def _random_batch(tf, size, classes):
    """Random images and labels, and placeholders for them."""
    import numpy as np  # pylint: disable=import-outside-toplevel

    rng = np.random.RandomState(0)
    images = rng.normal(2.0, 3.0, size=(size, 6, 6, 3)).astype(np.float32)
    labels = rng.randint(0, classes, size=size)
    x = tf.placeholder(tf.float32, [None, 6, 6, 3])
    y = tf.placeholder(tf.int64, [None])
    return {x: images, y: labels}, x, y


def _sgd_after_updates(tf, labels, logits, updates):
    """The loss and an SGD step that runs the graph's ``updates`` UPDATE_OPS."""
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == updates, update_ops
    with tf.control_dependencies(update_ops):
        return loss, tf.train.GradientDescentOptimizer(0.1).minimize(loss)


def _check_legacy_graph_trains():
    """A TF1-style graph written against the legacy names trains."""
    import numpy as np  # pylint: disable=import-outside-toplevel
    import tensorflow.compat.v1 as tf  # pylint: disable=import-outside-toplevel

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1)
        feed, x, y = _random_batch(tf, 16, 4)
        is_training = tf.placeholder(tf.bool, [])
        with tf.contrib.framework.arg_scope(
                [tf.contrib.layers.batch_norm], is_training=is_training,
                decay=0.9, scale=True):
            with tf.variable_scope("conv1"):
                kernel = tf.get_variable(
                    "weights", [3, 3, 3, 8],
                    initializer=tf.contrib.layers.xavier_initializer())
                h = tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "SAME")
                h = tf.contrib.layers.batch_norm(h, activation_fn=tf.nn.relu)
        h = tf.layers.batch_normalization(h, training=is_training, name="bn2")
        h = tf.reduce_mean(h, axis=[1, 2])
        h = tf.contrib.nn.alpha_dropout(tf.nn.selu(h), keep_prob=0.9)
        w = tf.get_variable("logits/weights", [8, 4])
        logits = tf.matmul(h, w)
        loss, train_op = _sgd_after_updates(tf, y, logits, updates=4)
        variables = {v.op.name: v for v in tf.global_variables()}
        assert {"conv1/BatchNorm/moving_mean", "conv1/BatchNorm/gamma",
                "bn2/moving_variance", "bn2/gamma"} <= set(variables), variables
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            feed[is_training] = True
            for _ in range(3):
                _, value = sess.run([train_op, loss], feed)
            assert np.isfinite(value), value
            moving_mean = sess.run(variables["conv1/BatchNorm/moving_mean"])
            assert np.all(moving_mean != 0.0), moving_mean


def _check_tf1_layers_and_slim_program_trains():
    """tf.layers and tf.contrib.slim, with a normalizer_fn, train."""
    import numpy as np  # pylint: disable=import-outside-toplevel
    import tensorflow.compat.v1 as tf  # pylint: disable=import-outside-toplevel

    slim = tf.contrib.slim
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        feed, x, y = _random_batch(tf, 8, 3)
        h = tf.layers.conv2d(x, 4, 3, padding="same", name="conv0")
        h = tf.layers.batch_normalization(h, training=True, name="bn0")
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": True}):
            h = slim.conv2d(h, 4, [3, 3], scope="conv1")
        h = tf.layers.flatten(h)
        logits = tf.layers.dense(h, 3, name="logits")
        loss, train_op = _sgd_after_updates(tf, y, logits, updates=4)
        names = {v.op.name for v in tf.global_variables()}
        assert {"conv0/kernel", "bn0/moving_mean", "conv1/weights",
                "conv1/BatchNorm/moving_mean", "logits/kernel"} <= names, names
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            values = [sess.run([train_op, loss], feed)[1] for _ in range(3)]
        assert np.all(np.isfinite(values)) and values[-1] < values[0], values


def _install_state(tf):
    """Everything install() touches, by object identity."""
    v1s = (tf.compat.v1, sys.modules["tensorflow.compat.v1"],
           tf.compat.v1.compat.v1, tf.compat.v2.compat.v1)
    return (
        id(tf.contrib),
        tuple((id(v1.contrib), id(v1.layers)) for v1 in v1s),
        tuple(sorted((name, id(module)) for name, module in sys.modules.items()
                     if name.startswith("tensorflow.contrib")
                     or name == "tensorflow.compat.v1.layers")),
        tuple(id(finder) for finder in sys.meta_path),
        tuple(sorted(dir(tf.contrib.layers))),
    )


def _check_idempotent(tf, contrib_norm, contrib):
    before = _install_state(tf)
    assert contrib_norm.install() is contrib
    assert contrib_norm.install() is contrib
    assert _install_state(tf) == before


def _check_no_tf_layers(tf):
    assert not hasattr(tf, "layers")


def _check_code_testing_for_tf1(tf, contrib_norm):
    """What migration_guide/install.md says of `hasattr(tf, "contrib")`."""
    assert hasattr(tf, "contrib") and hasattr(tf.compat.v1, "contrib")
    assert importlib.util.find_spec("tensorflow.contrib") is not None
    # The TF1 branch of such a test: served names work, the others explain.
    assert tf.contrib.layers.layer_norm is contrib_norm.layers.layer_norm
    _expect_not_provided(_error_of(lambda: tf.contrib.rnn.LSTMCell),
                         "tf.contrib.rnn")
    for name in ("Session", "placeholder", "layers"):
        assert not hasattr(tf, name), name
    page = os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "migration_guide", "install.md")
    with open(page, encoding="utf-8") as f:
        text = " ".join(f.read().split())
    assert 'After `install()`, `hasattr(tf, "contrib")` is True' in text
    assert "takes its TF1 branch" in text


def _check_no_tf_keras():
    assert "tf_keras" not in sys.modules
    assert "TF_USE_LEGACY_KERAS" not in os.environ


def _child_keras3(checks):
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    import contrib_norm  # pylint: disable=import-outside-toplevel

    v1_before = tf.compat.v1
    checks.run("nothing_changes_before_install", _check_nothing_changes,
               tf, contrib_norm)
    error_before = _error_of(lambda: tf.compat.v1.layers.InputSpec)
    contrib = contrib_norm.install()

    def returns_tf_contrib():
        assert contrib is tf.contrib is sys.modules["tensorflow.contrib"]

    checks.run("returns_tf_contrib", returns_tf_contrib)
    for legacy_name, ours in MAPPED.items():
        checks.run("same_object:" + legacy_name, _check_same_object, tf,
                   contrib_norm, legacy_name, ours)
    for legacy_name in NOT_PROVIDED:
        checks.run("not_provided:" + legacy_name, _check_not_provided, tf,
                   legacy_name)
    checks.run("every_table_name", _check_every_table_name, tf, contrib_norm)
    checks.run("import_statements", _check_import_statements, contrib_norm)
    checks.run("find_spec", _check_find_spec)
    checks.run("find_spec_of_a_name_not_served", _check_find_spec_not_served)
    checks.run("other_v1_layers_unchanged", _check_other_v1_layers, tf,
               error_before)
    checks.run("v1_captured_before_install", _check_v1_captured_before,
               v1_before, contrib, contrib_norm)
    checks.run("compat_v1_script", _check_compat_v1_script, contrib_norm)
    checks.run("legacy_graph_trains", _check_legacy_graph_trains)
    checks.run("tf1_layers_and_slim_program_trains",
               _check_tf1_layers_and_slim_program_trains)
    checks.run("idempotent", _check_idempotent, tf, contrib_norm, contrib)
    checks.run("no_tf_layers", _check_no_tf_layers, tf)
    checks.run("code_testing_for_tf1", _check_code_testing_for_tf1, tf,
               contrib_norm)
    checks.run("no_tf_keras", _check_no_tf_keras)


def _child_legacy_keras(checks):
    """With TF_USE_LEGACY_KERAS=1: tf.layers is tf-keras's until install(),
    contrib_norm's after it."""
    import tensorflow.compat.v1 as tf  # pylint: disable=import-outside-toplevel

    import contrib_norm  # pylint: disable=import-outside-toplevel

    def dense_is_tf_keras():
        assert tf.layers.dense.__module__.startswith("tf_keras"), (
            tf.layers.dense.__module__)

    checks.run("dense_before_install", dense_is_tf_keras)
    # pylint: disable-next=import-outside-toplevel
    from tensorflow.compat.v1 import layers as layers_before
    contrib_norm.install()
    checks.run("v1_layers_imported_before_install",
               _check_v1_layers_imported_before, layers_before)

    def tf_layers_are_ours():
        assert tf.layers.dense is contrib_norm.tf_layers.dense
        assert (tf.layers.batch_normalization
                is contrib_norm.layers.batch_normalization)
        assert tf.contrib.layers.batch_norm is contrib_norm.layers.batch_norm

    checks.run("tf_layers_are_ours", tf_layers_are_ours)

    def mixed_graph_builds():
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 5])
            h = tf.layers.dense(x, 4, name="fc")
            tf.layers.batch_normalization(h, training=True, name="bn")
            names = {v.op.name for v in tf.global_variables()}
            assert {"fc/kernel", "bn/moving_mean"} <= names, names

    checks.run("mixed_graph_builds", mixed_graph_builds)


def _child_v1_layers_first(checks):
    """Keras 3, with tf.compat.v1.layers imported before install()."""
    # pylint: disable-next=import-outside-toplevel
    from tensorflow.compat.v1 import layers as layers_before

    import contrib_norm  # pylint: disable=import-outside-toplevel

    contrib_norm.install()
    checks.run("v1_layers_imported_before_install",
               _check_v1_layers_imported_before, layers_before)


def _child_main(scenario):
    checks = _Checks()
    {"keras3": _child_keras3, "legacy_keras": _child_legacy_keras,
     "v1_layers_first": _child_v1_layers_first}[scenario](checks)
    fresh_interpreter.report(checks.outcomes)


if __name__ == "__main__":
    _child_main(sys.argv[1])
