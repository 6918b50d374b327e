"""contrib_norm.layers.batch_normalization / BatchNormalization (tf.layers).

Against a float64 NumPy reference: axes (int or list, positive or negative)
x rank x fused x training, Batch Renormalization with each clipping key,
Ghost Batch Normalization, adjustment, constraints and float16 / bfloat16 /
float64 on every path. Then the tf.layers class API: names, reuse, scopes,
`.updates`, `.variables` and the like, UPDATE_OPS and `trainable=False`.
"""

import functools
import inspect
import itertools

import numpy as np
import pytest
import tensorflow as tf

import batch_norm_reference as ref_lib
from batch_norm_reference import assert_close
from contrib_norm.layers import BatchNormalization
from contrib_norm.layers import batch_normalization

_GraphKeys = tf.compat.v1.GraphKeys
MOMENTUM = 0.8
STEPS = 3
GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE = 1.5, 0.2, 0.3, 2.0
_FUSED_AXES = {(4, 1), (4, 3), (5, 1), (5, 4)}

# (shape, axis) pairs: ints both ways round, and lists (multi-axis).
AXES = [
    ((6, 5), -1), ((6, 5), 1), ((6, 5), 0),
    ((4, 6, 5), -1), ((4, 6, 5), 1), ((4, 6, 5), [-2, 2]),
    ((4, 3, 3, 5), -1), ((4, 3, 3, 5), 3), ((4, 5, 3, 3), 1), ((4, 5, 3, 3), -3),
    ((4, 3, 3, 5), 2), ((4, 3, 3, 5), [1, 3]), ((4, 3, 3, 5), [-1, -3]),
    ((2, 3, 3, 2, 5), -1), ((2, 5, 3, 3, 2), 1), ((2, 3, 3, 2, 5), [1, 4]),
]


def session(graph):
    return tf.compat.v1.Session(graph=graph, config=ref_lib.fast_session_config())


def kept_axes(axis, rank):
    axes = axis if isinstance(axis, list) else [axis]
    return sorted(a % rank for a in axes)


def uses_fused_kernel(rank, axis, fused, dtype="float32", renorm=False, vbs=None):
    kept = kept_axes(axis, rank)
    return (
        fused is not False and len(kept) == 1 and (rank, kept[0]) in _FUSED_AXES
        and dtype != "float64" and not renorm and vbs is None
    )


def param_shape(shape, axis, vbs=None):
    kept = kept_axes(axis, len(shape))
    if len(kept) == 1 and vbs is None:
        return (shape[kept[0]],)
    full = tuple(n if a in kept else 1 for a, n in enumerate(shape))
    return full[:1] + (1,) + full[1:] if vbs is not None else full


def initializers():
    return dict(
        gamma_initializer=tf.compat.v1.constant_initializer(GAMMA),
        beta_initializer=tf.compat.v1.constant_initializer(BETA),
        moving_mean_initializer=tf.compat.v1.constant_initializer(MOVING_MEAN),
        moving_variance_initializer=tf.compat.v1.constant_initializer(MOVING_VARIANCE),
    )


def make_reference(shape, axis, fused=None, dtype="float32", renorm=None, vbs=None,
                   momentum=MOMENTUM):
    rank = len(shape)
    return ref_lib.BatchNormReference(
        kept_axes(axis, rank),
        param_shape(shape, axis, vbs),
        momentum,
        gamma=GAMMA,
        beta=BETA,
        moving_mean=MOVING_MEAN,
        moving_variance=MOVING_VARIANCE,
        bessel=uses_fused_kernel(rank, axis, fused, dtype, renorm, vbs),
        renorm=renorm,
        virtual_batch_size=vbs,
    )


def layer_variables(scope):
    return {
        v.op.name[len(scope) + 1:]: v
        for v in tf.compat.v1.global_variables()
        if v.op.name.startswith(scope + "/")
    }


def train_and_check(sess, x, y, statistics, xs, reference, dtype="float32",
                    flag=None, feed=None):
    """Runs STEPS training steps and an inference pass against `reference`.

    `statistics` maps reference attribute names to variables.
    """
    updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
    for step in range(STEPS):
        fed = dict(feed or {})
        fed[x] = xs[step]
        if flag is not None:
            fed[flag] = True
        out, _ = sess.run([y, updates], fed)
        assert out.dtype == tf.as_dtype(dtype).as_numpy_dtype
        assert_close(out, reference.train(xs[step]), dtype, f"y at step {step}")
        values = sess.run(statistics)
        for name, value in values.items():
            assert_close(value, getattr(reference, name), dtype, f"{name}, step {step}")
    if flag is not None:
        fed = dict(feed or {})
        fed.update({x: xs[STEPS], flag: False})
        out = sess.run(y, fed)
        assert_close(out, reference.infer(xs[STEPS]), dtype, "inference")


# ---- axes x rank x fused x training, one graph per combination -------------


@functools.lru_cache(maxsize=None)
def _run_axes():
    """Every AXES x fused x training combination, in one graph."""
    configs = list(itertools.product(range(len(AXES)), (None, False), ("true", "ph")))
    results = {}
    with tf.Graph().as_default() as graph, session(graph) as sess:
        flag = tf.compat.v1.placeholder(tf.bool, [])
        built = {}
        inputs = {}
        for index, fused, kind in configs:
            shape, axis = AXES[index]
            x = inputs.setdefault(index, tf.compat.v1.placeholder(tf.float32, shape))
            scope = f"c{len(built)}"
            before = len(graph.get_collection(_GraphKeys.UPDATE_OPS))
            layer = BatchNormalization(
                axis=axis, momentum=MOMENTUM, fused=fused, name=scope, **initializers()
            )
            y = layer(x, training=True if kind == "true" else flag)
            variables = layer_variables(scope)
            built[(index, fused, kind)] = dict(
                y=y, moving=[variables["moving_mean"], variables["moving_variance"]])
            results[(index, fused, kind)] = dict(
                names=list(variables),
                shapes={n: v.shape.as_list() for n, v in variables.items()},
                update_ops=len(graph.get_collection(_GraphKeys.UPDATE_OPS)) - before,
                fused_kernel=layer.fused,
                y=[], moving=[],
            )
        xs = {i: ref_lib.random_batches(AXES[i][0], STEPS + 1, seed=i) for i in inputs}
        updates = graph.get_collection(_GraphKeys.UPDATE_OPS)
        sess.run(tf.compat.v1.global_variables_initializer())
        outputs = {c: b["y"] for c, b in built.items()}
        for step in range(STEPS):
            feed = {x: xs[i][step] for i, x in inputs.items()}
            feed[flag] = True
            ys, _ = sess.run([outputs, updates], feed)
            moving = sess.run({c: b["moving"] for c, b in built.items()})
            for config in configs:
                results[config]["y"].append(ys[config])
                results[config]["moving"].append(moving[config])
        feed = {x: xs[i][STEPS] for i, x in inputs.items()}
        feed[flag] = False
        infer = sess.run(outputs, feed)
        for config in configs:
            results[config]["y_infer"] = infer[config]
    return xs, results


@pytest.mark.parametrize(
    "index,fused,training",
    list(itertools.product(range(len(AXES)), (None, False), ("true", "ph"))),
    ids=lambda v: str(v),
)
def test_axes_against_reference(index, fused, training):
    shape, axis = AXES[index]
    xs, results = _run_axes()
    result = results[(index, fused, training)]
    expected_shape = list(param_shape(shape, axis))
    assert result["names"] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert all(s == expected_shape for s in result["shapes"].values()), result["shapes"]
    assert result["update_ops"] == 2
    assert result["fused_kernel"] == uses_fused_kernel(len(shape), axis, fused)
    reference = make_reference(shape, axis, fused)
    for step in range(STEPS):
        assert_close(result["y"][step], reference.train(xs[index][step]), "float32",
                     f"y at step {step}")
        mean, variance = result["moving"][step]
        assert_close(mean, reference.moving_mean, "float32", "moving_mean")
        assert_close(variance, reference.moving_variance, "float32", "moving_variance")
    if training == "ph":
        assert_close(result["y_infer"], reference.infer(xs[index][STEPS]), "float32")


def test_negative_and_positive_axes_agree():
    x_value = ref_lib.random_batches((4, 3, 3, 5), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.constant(x_value, tf.float32)
        ys = [batch_normalization(x, axis=a, training=True) for a in (-1, 3, [3], [-1])]
        sess.run(tf.compat.v1.global_variables_initializer())
        values = sess.run(ys)
    for value in values[1:]:
        np.testing.assert_array_equal(value, values[0])


# ---- training flag and UPDATE_OPS -------------------------------------------


@pytest.mark.parametrize("fused", [None, False])
@pytest.mark.parametrize(
    "training,update_ops",
    [("false", 0), ("none", 0), ("constant_true", 2), ("constant_false", 0),
     ("placeholder", 2), ("variable", 2)],
)
def test_training_flag_kinds(training, update_ops, fused):
    """A bool, a constant, a placeholder or a variable; False adds no updates."""
    x_value = ref_lib.random_batches((4, 3, 3, 5), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        flag = {
            "false": False,
            "none": None,
            "constant_true": tf.constant(True),
            "constant_false": tf.constant(False),
            "placeholder": tf.compat.v1.placeholder_with_default(True, []),
            "variable": tf.compat.v1.Variable(True, trainable=False),
        }[training]
        y = batch_normalization(
            tf.constant(x_value, tf.float32), training=flag, fused=fused,
            momentum=MOMENTUM, **initializers()
        )
        assert len(graph.get_collection(_GraphKeys.UPDATE_OPS)) == update_ops
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y)
    reference = make_reference((4, 3, 3, 5), -1, fused)
    expected = reference.train(x_value) if update_ops else reference.infer(x_value)
    assert_close(out, expected, "float32")


# ---- Batch Renormalization ---------------------------------------------------

CLIPPINGS = [None, {"rmax": 1.05}, {"rmin": 0.95}, {"dmax": 0.05},
             {"rmax": 1.1, "rmin": 0.9, "dmax": 0.1}]


@pytest.mark.parametrize(
    "shape,axis",
    [((6, 5), -1), ((4, 5, 3, 3), 1), ((4, 3, 3, 5), [1, 3])],
)
@pytest.mark.parametrize("clipping", CLIPPINGS, ids=lambda c: str(c))
@pytest.mark.parametrize("training", ["true", "ph"])
def test_renorm_against_reference(shape, axis, clipping, training):
    """tf.layers' variable set and updates; missing clips are inf / 0 / inf."""
    renorm = dict(clipping or {}, momentum=0.7)
    xs = ref_lib.random_batches(shape, STEPS + 1, seed=7)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, shape)
        flag = tf.compat.v1.placeholder(tf.bool, []) if training == "ph" else None
        layer = BatchNormalization(
            axis=axis, momentum=MOMENTUM, renorm=True, renorm_clipping=clipping,
            renorm_momentum=0.7, name="bn", **initializers()
        )
        y = layer(x, training=True if flag is None else flag)
        names = ["gamma", "beta", "moving_mean", "moving_variance", "moving_stddev",
                 "renorm_mean", "renorm_stddev"]
        assert list(layer_variables("bn")) == names
        assert [v.op.name for v in layer.trainable_variables] == ["bn/gamma", "bn/beta"]
        assert layer.renorm_mean is not None and layer.moving_stddev is not None
        statistics = {n: getattr(layer, n) for n in names[2:]}
        sess.run(tf.compat.v1.global_variables_initializer())
        train_and_check(sess, x, y, statistics, xs,
                        make_reference(shape, axis, renorm=renorm), flag=flag)


def test_renorm_float64():
    """TF1 crashed on float64 inputs with renorm (a float32 epsilon)."""
    xs = ref_lib.random_batches((6, 5), STEPS, seed=2)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float64, (6, 5))
        layer = BatchNormalization(momentum=MOMENTUM, renorm=True, renorm_momentum=0.7,
                                   name="bn", **initializers())
        y = layer(x, training=True)
        assert y.dtype == tf.float64
        sess.run(tf.compat.v1.global_variables_initializer())
        train_and_check(sess, x, y, {"moving_mean": layer.moving_mean}, xs,
                        make_reference((6, 5), -1, renorm={"momentum": 0.7}),
                        dtype="float64")


# ---- Ghost Batch Normalization ----------------------------------------------


@pytest.mark.parametrize(
    "shape,axis,vbs",
    [((8, 5), -1, 2), ((8, 5), -1, 4), ((6, 4, 5), 1, 3), ((4, 3, 3, 5), -1, 2),
     ((4, 5, 3, 3), 1, 2), ((4, 3, 3, 5), [1, 3], 2)],
)
@pytest.mark.parametrize("training", ["true", "ph"])
@pytest.mark.parametrize("renorm", [False, True])
def test_virtual_batch_against_reference(shape, axis, vbs, training, renorm):
    """Parameters gain the ghost-batch dimension; each ghost batch is
    normalized with its own moments (also with a training placeholder)."""
    xs = ref_lib.random_batches(shape, STEPS + 1, seed=8)
    renorm_options = {"momentum": 0.7} if renorm else None
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, shape)
        flag = tf.compat.v1.placeholder(tf.bool, []) if training == "ph" else None
        layer = BatchNormalization(
            axis=axis, momentum=MOMENTUM, virtual_batch_size=vbs, fused=True,
            renorm=renorm, renorm_momentum=0.7, name="bn", **initializers()
        )
        y = layer(x, training=True if flag is None else flag)
        assert y.shape.as_list() == list(shape)
        expected_shape = list(param_shape(shape, axis, vbs))
        assert all(v.shape.as_list() == expected_shape for v in layer.variables)
        statistics = {"moving_mean": layer.moving_mean,
                      "moving_variance": layer.moving_variance}
        sess.run(tf.compat.v1.global_variables_initializer())
        reference = make_reference(shape, axis, renorm=renorm_options, vbs=vbs)
        train_and_check(sess, x, y, statistics, xs, reference, flag=flag)


# ---- adjustment, constraints, regularizers -----------------------------------


@pytest.mark.parametrize("training", ["true", "ph"])
@pytest.mark.parametrize("fused", [None, False])
def test_adjustment(training, fused):
    """(scale, bias) applied to the normalized values in training only."""
    shape = (4, 3, 3, 5)
    xs = ref_lib.random_batches(shape, STEPS + 1, seed=9)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, shape)
        flag = tf.compat.v1.placeholder(tf.bool, []) if training == "ph" else None
        y = batch_normalization(
            x, momentum=MOMENTUM, fused=fused, name="bn",
            training=True if flag is None else flag,
            adjustment=lambda s: (tf.fill(s[-1:], 1.1), tf.fill(s[-1:], -0.3)),
            **initializers()
        )
        assert not any(
            op.type.startswith("FusedBatchNorm") for op in graph.get_operations())
        sess.run(tf.compat.v1.global_variables_initializer())
        reference = make_reference(shape, -1, fused=False)  # never fused
        # ((x_hat * 1.1) - 0.3) * gamma + beta
        adjusted = ref_lib.BatchNormReference(
            [3], (5,), MOMENTUM, gamma=GAMMA * 1.1, beta=BETA - 0.3 * GAMMA,
            moving_mean=MOVING_MEAN, moving_variance=MOVING_VARIANCE)
        updates = graph.get_collection(_GraphKeys.UPDATE_OPS)
        for step in range(STEPS):
            feed = {x: xs[step]} if flag is None else {x: xs[step], flag: True}
            out, _ = sess.run([y, updates], feed)
            assert_close(out, adjusted.train(xs[step]), "float32")
            reference.train(xs[step])
        if flag is not None:
            out = sess.run(y, {x: xs[STEPS], flag: False})
            assert_close(out, reference.infer(xs[STEPS]), "float32")


@pytest.mark.parametrize("fused", [None, False])
def test_constraints_apply_when_an_optimizer_updates(fused):
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.constant(ref_lib.random_batches((4, 3, 3, 5), 1)[0], tf.float32)
        y = batch_normalization(
            x, training=True, fused=fused, name="bn",
            beta_constraint=lambda w: tf.clip_by_value(w, -0.05, 0.05),
            gamma_constraint=lambda w: tf.clip_by_value(w, 0.9, 1.0),
        )
        weights = tf.constant(np.linspace(-3, 3, 180).reshape(4, 3, 3, 5), tf.float32)
        step = tf.compat.v1.train.GradientDescentOptimizer(10.0).minimize(
            tf.reduce_sum(y * weights))
        sess.run(tf.compat.v1.global_variables_initializer())
        gamma, beta = layer_variables("bn")["gamma"], layer_variables("bn")["beta"]
        unconstrained = sess.run(
            tf.gradients(tf.reduce_sum(y * weights), [gamma, beta]))
        assert max(np.abs(g).max() for g in unconstrained) > 0.01  # it would move
        for _ in range(2):
            sess.run(step)
        gamma_value, beta_value = sess.run([gamma, beta])
    assert np.all((gamma_value >= 0.9) & (gamma_value <= 1.0))
    assert np.all(np.abs(beta_value) <= 0.05)
    # The unconstrained steps would have left the box: some values sit on it.
    on_bounds = np.isclose(gamma_value, 0.9) | np.isclose(gamma_value, 1.0)
    assert on_bounds.any() or np.isclose(np.abs(beta_value), 0.05).any()


def test_regularizers_add_losses_once():
    with tf.Graph().as_default() as graph:
        x = tf.zeros([4, 5])
        layer = BatchNormalization(
            gamma_regularizer=lambda w: tf.reduce_sum(w),
            beta_regularizer=lambda w: tf.reduce_sum(w * 2.0), name="bn")
        layer(x, training=True)
        layer(x, training=True)
        batch_normalization(x, name="bn", reuse=True,
                            beta_regularizer=lambda w: tf.reduce_sum(w))
        assert len(layer.losses) == 2
        assert len(graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)) == 2


# ---- precision ----------------------------------------------------------------

PRECISION_CASES = {
    "fused_nhwc": dict(shape=(4, 3, 3, 5), axis=-1),
    "fused_nchw": dict(shape=(4, 5, 3, 3), axis=1),
    "fused_rank5": dict(shape=(2, 3, 3, 2, 5), axis=-1),
    "unfused_rank4": dict(shape=(4, 3, 3, 5), axis=-1, fused=False),
    "rank2": dict(shape=(8, 5), axis=-1),
    "rank3_axis1": dict(shape=(4, 5, 6), axis=1),
    "multi_axis": dict(shape=(4, 3, 3, 5), axis=[1, 3]),
    "renorm": dict(shape=(4, 3, 3, 5), axis=-1, renorm={"momentum": 0.7}),
    "virtual_batch": dict(shape=(4, 3, 3, 5), axis=-1, vbs=2),
}


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
@pytest.mark.parametrize("case", list(PRECISION_CASES))
def test_precision_on_every_path(case, dtype):
    """Outputs keep the input dtype; half inputs get float32 parameters."""
    spec = PRECISION_CASES[case]
    shape, axis = spec["shape"], spec["axis"]
    renorm, vbs, fused = spec.get("renorm"), spec.get("vbs"), spec.get("fused")
    xs = [ref_lib.rounded(v, dtype) for v in ref_lib.random_batches(shape, STEPS + 1)]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(dtype, shape)
        flag = tf.compat.v1.placeholder(tf.bool, [])
        layer = BatchNormalization(
            axis=axis, momentum=MOMENTUM, fused=fused, renorm=renorm is not None,
            renorm_momentum=0.7, virtual_batch_size=vbs, name="bn", **initializers()
        )
        y = layer(x, training=flag)
        assert y.dtype == tf.as_dtype(dtype)
        expected_dtype = tf.float64 if dtype == "float64" else tf.float32
        assert all(v.dtype.base_dtype == expected_dtype for v in layer.variables)
        statistics = {"moving_mean": layer.moving_mean,
                      "moving_variance": layer.moving_variance}
        sess.run(tf.compat.v1.global_variables_initializer())
        reference = make_reference(shape, axis, fused, dtype, renorm, vbs)
        train_and_check(sess, x, y, statistics, xs, reference, dtype, flag=flag)


def test_layer_dtype_casts_inputs():
    """As tf.layers did: the layer computes in its dtype."""
    with tf.Graph().as_default():
        layer = BatchNormalization(dtype="float64", name="bn")
        y = layer(tf.zeros([4, 5], tf.float32), training=True)
        assert y.dtype == tf.float64
        assert layer.dtype == "float64"
        assert all(v.dtype.base_dtype == tf.float64 for v in layer.variables)


# ---- names, reuse and scopes ------------------------------------------------


def _scopes():
    names = (v.op.name for v in tf.compat.v1.global_variables())
    return sorted({name.rsplit("/", 1)[0] for name in names})


def test_default_names_per_graph():
    for _ in range(2):  # each graph starts again
        with tf.Graph().as_default():
            x = tf.zeros([4, 5])
            batch_normalization(x)
            batch_normalization(x)
            layer = BatchNormalization()
            layer(x)
            with tf.compat.v1.variable_scope("outer"):
                batch_normalization(x)
            assert _scopes() == ["batch_normalization", "batch_normalization_1",
                                 "batch_normalization_2", "outer/batch_normalization"]
            # TF1 numbered the layer objects from 1 (their scopes from 0).
            assert layer.name == "batch_normalization_3"
            assert layer.scope_name == "batch_normalization_2"


def test_name_and_reuse_share_variables():
    x_value = ref_lib.random_batches((4, 5), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.constant(x_value, tf.float32)
        y = batch_normalization(x, name="bn", training=True)
        count = len(tf.compat.v1.global_variables())
        y_reused = batch_normalization(x, name="bn", reuse=True, training=True)
        with tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope(), reuse=True):
            y_inherited = batch_normalization(x, name="bn", training=False)
        with tf.compat.v1.variable_scope("auto", reuse=tf.compat.v1.AUTO_REUSE):
            batch_normalization(x, name="bn")
            batch_normalization(x, name="bn")
        assert len(tf.compat.v1.global_variables()) == count + 4
        assert _scopes() == ["auto/bn", "bn"]
        assert len(graph.get_collection(_GraphKeys.UPDATE_OPS)) == 4
        sess.run(tf.compat.v1.global_variables_initializer())
        a, b, c = sess.run([y, y_reused, y_inherited])
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert_close(c, x_value / np.sqrt(1.0 + ref_lib.EPSILON), "float32")


def test_variable_scope_object_as_name():
    with tf.Graph().as_default():
        with tf.compat.v1.variable_scope("vs") as scope:
            pass
        batch_normalization(tf.zeros([4, 5]), name=scope)
        with tf.compat.v1.name_scope("ns"):
            y = batch_normalization(tf.zeros([4, 5]))
        assert _scopes() == ["batch_normalization", "vs"]
        assert y.name.startswith("ns/batch_normalization/")


# ---- the class API --------------------------------------------------------


def test_signatures_match_tf_layers():
    names = ["inputs", "axis", "momentum", "epsilon", "center", "scale",
             "beta_initializer", "gamma_initializer", "moving_mean_initializer",
             "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
             "beta_constraint", "gamma_constraint", "training", "trainable", "name",
             "reuse", "renorm", "renorm_clipping", "renorm_momentum", "fused",
             "virtual_batch_size", "adjustment"]
    parameters = inspect.signature(batch_normalization).parameters
    assert list(parameters) == names
    defaults = {n: p.default for n, p in parameters.items()}
    assert defaults["axis"] == -1
    assert (defaults["momentum"], defaults["epsilon"]) == (0.99, 1e-3)
    assert defaults["training"] is False and defaults["trainable"] is True
    assert defaults["renorm_momentum"] == 0.99 and defaults["fused"] is None
    for name in ("beta_initializer", "moving_mean_initializer"):
        assert isinstance(defaults[name], tf.compat.v1.zeros_initializer)
    for name in ("gamma_initializer", "moving_variance_initializer"):
        assert isinstance(defaults[name], tf.compat.v1.ones_initializer)
    class_names = list(inspect.signature(BatchNormalization).parameters)
    assert class_names[:17] == [n for n in names[1:] if n not in (
        "training", "trainable", "name", "reuse", "virtual_batch_size", "adjustment")]
    assert class_names[17:] == ["trainable", "virtual_batch_size", "adjustment", "name",
                                "kwargs"]


def test_class_api():
    with tf.Graph().as_default() as graph:
        x = tf.zeros([4, 3, 3, 5])
        layer = BatchNormalization(name="bn", gamma_regularizer=tf.nn.l2_loss)
        with pytest.raises(ValueError, match="has not been used yet"):
            layer.scope_name
        assert not layer.built and layer.variables == []
        y1 = layer(x, training=True)
        y2 = layer.apply(x, training=True)
        y3 = layer(x)  # training defaults to False
        assert layer.built and layer.axis == [3] and layer.fused
        assert [v.op.name for v in layer.variables] == [
            "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"]
        assert layer.weights == layer.variables
        assert layer.trainable_variables == [layer.gamma, layer.beta]
        assert layer.trainable_weights == layer.trainable_variables
        assert layer.non_trainable_variables == [
            layer.moving_mean, layer.moving_variance]
        assert len(layer.updates) == 4
        assert graph.get_collection(_GraphKeys.UPDATE_OPS) == layer.updates
        assert len(layer.losses) == 1
        assert layer.scope_name == "bn" and layer.name == "bn"
        assert layer.dtype == "float32" and layer.trainable
        assert y1.name.startswith("bn/") and y2.name.startswith("bn/")
        assert y3.op.type.startswith("FusedBatchNorm")
        assert len(tf.compat.v1.global_variables()) == 4


def test_class_api_rest_of_tf_layers_layer():
    """The other public methods of tf.layers.Layer that graph code used."""
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        layer = BatchNormalization(name="bn", gamma_regularizer=tf.nn.l2_loss)
        with pytest.raises(ValueError, match="isn't built"):
            layer.count_params()
        with pytest.raises(AttributeError, match="not connected"):
            layer.input
        y = layer(x, training=True)
        assert layer.count_params() == 12
        assert (layer.input, layer.output, layer.graph) == (x, y, graph)
        assert layer.compute_output_shape([None, 3]).as_list() == [None, 3]
        assert layer.get_updates_for(x) == layer.updates
        assert layer.get_updates_for(None) == []
        assert layer.get_losses_for(None) == layer.losses
        assert layer.get_losses_for(x) == []
        extra = tf.reduce_sum(x)
        layer.add_loss(extra)
        assert layer.losses[-1] is extra
        assert tf.compat.v1.losses.get_regularization_losses()[-1] is extra

        sess.run(tf.compat.v1.global_variables_initializer())
        gamma, beta, mean, variance = layer.get_weights()
        np.testing.assert_array_equal(gamma, np.ones(3))
        layer.set_weights([gamma * 2, beta, mean + 1, variance])
        values = sess.run(layer.weights)
        np.testing.assert_array_equal(values[0], np.full(3, 2.0))
        np.testing.assert_array_equal(values[2], np.ones(3))
        with pytest.raises(ValueError, match="expecting 4 weights"):
            layer.set_weights([gamma])
        with pytest.raises(ValueError, match="not compatible"):
            layer.set_weights([np.ones(4), beta, mean, variance])

        config = layer.get_config()
        assert config["axis"] == [1] and config["momentum"] == 0.99
        assert "renorm" not in config and "virtual_batch_size" not in config
        copy = BatchNormalization.from_config(config)
        assert copy.momentum == layer.momentum and copy.gamma_regularizer is tf.nn.l2_loss

        layer(x)  # a second call: `input` is no longer defined
        with pytest.raises(AttributeError, match="multiple inbound nodes"):
            layer.input
    with pytest.raises(ValueError, match="default session"):
        layer.get_weights()


def test_trainable_false_only_changes_collections():
    """TF1: no trainable variables and no updates; still batch statistics."""
    x_value = ref_lib.random_batches((4, 5), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        layer = BatchNormalization(trainable=False, name="bn", momentum=MOMENTUM,
                                   **initializers())
        y = layer(tf.constant(x_value, tf.float32), training=True)
        assert tf.compat.v1.trainable_variables() == []
        assert layer.trainable_variables == []
        assert len(layer.non_trainable_variables) == 4
        assert layer.updates == []
        assert graph.get_collection(_GraphKeys.UPDATE_OPS) == []
        sess.run(tf.compat.v1.global_variables_initializer())
        assert_close(sess.run(y), make_reference((4, 5), -1).train(x_value), "float32")
        # As in TF1, the flag is read when the collections are asked for.
        layer.trainable = True
        assert len(layer.updates) == 2 and layer.trainable_variables == []
