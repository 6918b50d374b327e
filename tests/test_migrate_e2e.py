"""End to end: migrate real TF1 programs with one command, then train them.

Fixtures (tests/fixtures/migrate/):
  realistic_tf1.py  a TF1 training script: placeholders, contrib batch_norm as
                    normalizer_fn inside arg_scope, tf.layers.batch_normalization,
                    layer_norm, alpha_dropout, UPDATE_OPS, Saver.
  gan_ops.py        a TF1 GAN helper module in the style of 2018 image-to-image
                    GANs (`import tensorflow.contrib as tf_contrib`,
                    instance_norm, layer_norm, l2_regularizer, tf.layers,
                    spectral norm on tf.get_variable, Dimension.value, a
                    graph summary).
  tf1_classifiers.py  a slim-style classifier (`import tensorflow.contrib.slim
                    as slim`, arg_scope, repeat, batch_norm normalizer_fn,
                    max_pool2d, flatten, fully_connected) and one written
                    with tf.layers (conv2d, batch_normalization,
                    max_pooling2d, flatten, dense).

All are converted with a single ``contrib-norm-migrate --intree`` call; each
result then runs in a fresh Python process for a few training steps.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "migrate")


def _command():
    exe = os.path.join(os.path.dirname(sys.executable), "contrib-norm-migrate")
    if os.path.exists(exe):
        return [exe]
    return [sys.executable, "-m", "contrib_norm.migrate"]


def _env():
    """The environment of plain Keras 3: no TF_USE_LEGACY_KERAS."""
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["CUDA_VISIBLE_DEVICES"] = ""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = repo + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("TF_USE_LEGACY_KERAS", None)
    return env


def _require(*names):
    """Skips until the contrib_norm APIs the migrated programs call exist."""
    import importlib

    missing = []
    for name in names:
        module, attr = name.rsplit(".", 1)
        try:
            if not hasattr(importlib.import_module(module), attr):
                missing.append(name)
        except ImportError:
            missing.append(name)
    if missing:
        pytest.skip("not implemented yet: " + ", ".join(missing))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    src = root / "src"
    shutil.copytree(FIXTURES, src)
    dst = root / "dst"
    report = root / "report.txt"
    proc = subprocess.run(
        _command() + ["--intree", str(src), "--outtree", str(dst),
                      "--reportfile", str(report)],
        capture_output=True, text=True, env=_env(), check=False)
    return proc, src, dst, report.read_text() if report.exists() else ""


def test_migration_converts_everything(migrated):
    proc, src, dst, report = migrated
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Unconverted uses: manual work needed (0)" in report
    for name in ("realistic_tf1.py", "gan_ops.py", "tf1_classifiers.py"):
        code = (dst / name).read_text()
        assert "tf.contrib" not in code
        assert "import contrib_norm\n" in code
        assert code.count("tf.compat.v1.disable_eager_execution()") == 1
        compile(code, name, "exec")
    realistic = (dst / "realistic_tf1.py").read_text()
    for expected in (
            "@contrib_norm.framework.add_arg_scope",
            "with contrib_norm.framework.arg_scope(",
            "normalizer_fn=contrib_norm.layers.batch_norm,",
            "with contrib_norm.framework.arg_scope([contrib_norm.layers.batch_norm],",
            "net = contrib_norm.layers.batch_normalization(net, momentum=0.9,",
            "net = contrib_norm.layers.layer_norm(net, scope='ln4')",
            "net = contrib_norm.nn.alpha_dropout(net, keep_prob)",
            "x = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 1], name='images')"):
        assert expected in realistic
    gan = (dst / "gan_ops.py").read_text()
    for expected in (
            "weight_regularizer = contrib_norm.layers.l2_regularizer(scale=0.0001)",
            "    return contrib_norm.layers.instance_norm(x,",
            "    return contrib_norm.layers.layer_norm(x,",
            "x = contrib_norm.tf_layers.conv2d(inputs=x, filters=channels,",
            "in_channels = tf.compat.dimension_value(x.get_shape()[-1])",
            "out_dim = tf.compat.dimension_value(w_shape[-1])",
            "fan_in = [tf.compat.dimension_value(d) for d in x.get_shape()][-1]",
            "height, width = [tf.compat.dimension_value(d) "
            "for d in x.get_shape()[1:3]]",
            "return tf.compat.v1.summary.scalar(name, value)"):
        assert expected in gan, expected
    # The original comments survive, tf.contrib spelled in them included.
    assert "# Xavier : tf_contrib.layers.xavier_initializer()" in gan
    assert "# the same accuracy." in realistic
    # tf.layers calls are contrib_norm's now: nothing needs tf-keras.
    assert "not available under Keras 3" not in report
    classifiers = (dst / "tf1_classifiers.py").read_text()
    for expected in (
            "with contrib_norm.slim.arg_scope([contrib_norm.slim.conv2d, "
            "contrib_norm.slim.fully_connected],",
            "normalizer_fn=contrib_norm.slim.batch_norm,",
            "weights_initializer=contrib_norm.slim.initializers"
            ".xavier_initializer(),",
            "net = contrib_norm.slim.repeat(images, 2, contrib_norm.slim.conv2d,",
            "net = contrib_norm.layers.flatten(net)",
            "net = contrib_norm.tf_layers.conv2d(images, 8, 3,",
            "net = contrib_norm.layers.batch_normalization(net, training=",
            "net = contrib_norm.tf_layers.max_pooling2d(net, 2, 2)",
            "return contrib_norm.tf_layers.dense(net, 3, name='logits')",
            "moving_mean = contrib_norm.slim.get_variables_by_suffix(",
            # Not tf_upgrade_v2's Keras stand-ins: contrib_norm's own.
            "weights_regularizer=contrib_norm.slim.l2_regularizer(1e-4)):",
            "kernel_initializer=contrib_norm.initializers.xavier_initializer())"):
        assert expected in classifiers


# Variables each migrated model must have after training.
EXPECTED_VARIABLES = {
    "slim": {"conv1/conv1_1/weights",
                    "conv1/conv1_1/BatchNorm/moving_mean",
                    "conv1/conv1_2/BatchNorm/beta", "fc1/BatchNorm/moving_variance",
                    "logits/weights", "logits/biases"},
    "tf_layers": {"conv1/kernel", "conv1/bias", "bn1/moving_mean",
                         "bn1/gamma", "fc1/kernel", "logits/bias"},
}


@pytest.mark.parametrize("model", sorted(EXPECTED_VARIABLES))
def test_slim_and_tf_layers_models_train_with_keras3(migrated, tmp_path, model):
    """Migrated, each trains 3 steps with neither tf-keras nor
    TF_USE_LEGACY_KERAS."""
    proc, _, dst, _ = migrated
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = tmp_path / "result.json"
    run = subprocess.run(
        [sys.executable, str(dst / "tf1_classifiers.py"), model, str(result)],
        capture_output=True, text=True, env=_env(), cwd=str(tmp_path),
        check=False, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr[-5000:]
    data = json.loads(result.read_text())
    assert len(data["losses"]) == 3
    assert all(math.isfinite(v) for v in data["losses"]), data["losses"]
    assert EXPECTED_VARIABLES[model] <= set(data["variables"]), data["variables"]
    assert data["moving_mean_moved"]
    assert data["update_ops"] == {"slim": 6, "tf_layers": 2}[model]
    # slim: the weights of conv1_1, conv1_2, fc1 and logits; tf.layers: none.
    assert data["regularization_losses"] == {"slim": 4, "tf_layers": 0}[model]
    assert not data["tf_keras_imported"]
    assert not data["legacy_keras_env"]


@pytest.mark.slow
def test_realistic_tf1_trains(migrated, tmp_path):
    _require("contrib_norm.layers.batch_norm",
             "contrib_norm.layers.batch_normalization",
             "contrib_norm.layers.layer_norm",
             "contrib_norm.nn.alpha_dropout")
    proc, _, dst, _ = migrated
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = tmp_path / "result.json"
    run = subprocess.run(
        [sys.executable, str(dst / "realistic_tf1.py"), "--steps", "40",
         "--train_dir", str(tmp_path / "train"), "--result_json", str(result)],
        capture_output=True, text=True, env=_env(), cwd=str(tmp_path),
        check=False, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr[-5000:]
    data = json.loads(result.read_text())
    losses = data["losses"]
    assert len(losses) == 40
    assert all(math.isfinite(v) for v in losses)
    assert sum(losses[-10:]) / 10 < losses[0]
    changed = data["moving_statistics_changed"]
    # Three normalizers (two contrib batch_norm, one tf.layers), mean + var.
    assert len(changed) == 6, changed
    assert all(changed.values()), changed
    assert data["restored_accuracy"] == pytest.approx(data["accuracy"])
    assert data["accuracy"] > 0.2  # well above chance (0.1) after 40 steps
    assert os.path.exists(data["checkpoint"] + ".index")


GAN_DRIVER = textwrap.dedent('''
    """Trains a tiny image-to-image generator/discriminator built from
    gan_ops.py for a few steps."""
    import json
    import sys

    import numpy as np
    import tensorflow as tf

    import gan_ops as ops


    def generator(x):
        with tf.compat.v1.variable_scope('generator'):
            h = ops.conv(x, 8, kernel=3, pad=1, pad_type='reflect', sn=True,
                         scope='stem')
            h = tf.nn.relu(ops.instance_norm(h, scope='stem_in'))
            h = ops.residual(h, 8, scope='res_0')
            style = ops.global_average(h)
            gamma = tf.reshape(ops.dense(style, 8, sn=True, scope='gamma'),
                               [-1, 1, 1, 8])
            beta = tf.reshape(ops.dense(style, 8, scope='beta'), [-1, 1, 1, 8])
            h = ops.adaptive_residual(h, 8, gamma, beta, scope='ada_0')
            h = ops.upsample(h, 2)
            h = ops.conv(h, 8, kernel=3, stride=2, pad=1, sn=True, scope='down')
            h = ops.leaky(ops.layer_norm(h, scope='head_ln'))
            h = ops.mixed_norm(h, scope='head_mix')
            return tf.tanh(ops.conv(h, 3, kernel=3, pad=1, sn=True,
                                    scope='to_rgb'))


    def discriminator(x, reuse):
        with tf.compat.v1.variable_scope('discriminator', reuse=reuse):
            h = ops.leaky(ops.conv(x, 8, kernel=4, stride=2, pad=1, sn=True,
                                   scope='conv_0'), 0.2)
            cam_logit, _ = ops.dense_with_weights(h, sn=True, scope='cam')
            out = ops.conv(h, 1, kernel=3, pad=1, sn=True, scope='out')
            return [out, cam_logit]


    def main():
        tf.compat.v1.set_random_seed(0)
        rng = np.random.RandomState(0)
        x = tf.compat.v1.placeholder(tf.float32, [4, 16, 16, 3])
        fake = generator(x)
        real_logits = discriminator(x, reuse=False)
        fake_logits = discriminator(fake, reuse=True)
        g_loss = (ops.lsgan_generator_loss(fake_logits)
                  + 10.0 * ops.l1_loss(fake, x)
                  + ops.regularization_loss('generator'))
        d_loss = (ops.lsgan_discriminator_loss(real_logits, fake_logits)
                  + ops.regularization_loss('discriminator'))
        summary = tf.compat.v1.summary.merge(
            [ops.summarize('g_loss', g_loss), ops.summarize('d_loss', d_loss)])
        g_vars = [v for v in tf.compat.v1.trainable_variables()
                  if v.name.startswith('generator')]
        d_vars = [v for v in tf.compat.v1.trainable_variables()
                  if v.name.startswith('discriminator')]
        g_opt = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(g_loss, var_list=g_vars)
        d_opt = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(d_loss, var_list=d_vars)
        norm_vars = {v.op.name: v for v in g_vars
                     if ('stem_in' in v.op.name or 'head_ln' in v.op.name)}
        losses = []
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            before = sess.run(norm_vars)
            for _ in range(5):
                batch = rng.uniform(-1, 1, [4, 16, 16, 3]).astype(np.float32)
                _, _, g, d, s = sess.run([g_opt, d_opt, g_loss, d_loss, summary],
                                         {x: batch})
                losses.append([float(g), float(d)])
            after = sess.run(norm_vars)
        json.dump({
            'losses': losses,
            'summary_bytes': len(s),
            'norm_vars_changed': {k: bool(np.any(before[k] != after[k]))
                                  for k in norm_vars},
            'regularization_losses': len(tf.compat.v1.get_collection(
                tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES)),
        }, open(sys.argv[1], 'w'))


    main()
''')


@pytest.mark.slow
def test_gan_ops_trains(migrated, tmp_path):
    _require("contrib_norm.layers.instance_norm", "contrib_norm.layers.layer_norm")
    proc, _, dst, _ = migrated
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (dst / "train_gan.py").write_text(GAN_DRIVER)
    result = tmp_path / "result.json"
    # gan_ops.py's tf.layers.conv2d/dense/flatten are contrib_norm.tf_layers':
    # plain Keras 3, no tf-keras.
    run = subprocess.run(
        [sys.executable, str(dst / "train_gan.py"), str(result)],
        capture_output=True, text=True, env=_env(),
        cwd=str(dst), check=False, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr[-5000:]
    data = json.loads(result.read_text())
    assert len(data["losses"]) == 5
    assert all(math.isfinite(v) for pair in data["losses"] for v in pair)
    assert data["summary_bytes"] > 0
    changed = data["norm_vars_changed"]
    # instance_norm and layer_norm each have a trained gamma and beta.
    assert len(changed) == 4, changed
    assert all(changed.values()), changed
    # The spectral-norm weights use contrib_norm.layers.l2_regularizer.
    assert data["regularization_losses"] > 0
