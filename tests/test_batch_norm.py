"""contrib_norm.layers.batch_norm against a float64 NumPy reference.

The golden cases pin a few dozen recorded configurations; these tests cover
the combinations around them: data_format x rank 2..5 x fused x
is_training (True / placeholder, and False) x updates_collections
(UPDATE_OPS / None / custom) x zero_debias_moving_mean, checking the outputs,
the moving statistics after each of three training steps (the fused kernel's
Bessel correction included), the inference output and the variable set of
the implementation TF1 chose. Configurations of one data_format and rank
share a graph (each in its own scope), built and run once.

Then: batch_weights, gradients, float16 / bfloat16 / float64 on every path,
reuse, outputs_collections, activation_fn, regularizers, variables
collections and trainable=False, per path.
"""

import functools
import itertools

import numpy as np
import pytest
import tensorflow as tf

import batch_norm_reference as ref_lib
from batch_norm_reference import assert_close
from contrib_norm.layers import batch_norm

_GraphKeys = tf.compat.v1.GraphKeys
DECAY = 0.9
STEPS = 3
INITIAL = {"beta": 0.2, "gamma": 1.5, "moving_mean": 0.3, "moving_variance": 2.0}

DATA_FORMATS = ("NHWC", "NCHW")
RANKS = (2, 3, 4, 5)
FUSED = (None, True, False)
UPDATES = ("UPDATE_OPS", "None", "custom")
ZERO_DEBIAS = (False, True)
# (center, scale) cycles through all four combinations across the product.
CENTER_SCALE = ((True, False), (False, True), (True, True), (False, False))
# The main product: is_training True (static) or a placeholder. fused=True
# means the same as None ("when possible"), so it is crossed with the static
# flag only.
CONFIGS = list(
    itertools.product((None, False), ("true", "placeholder"), UPDATES, ZERO_DEBIAS)
) + list(itertools.product((True,), ("true",), UPDATES, ZERO_DEBIAS))
# is_training statically False: no updates, moving statistics only.
FALSE_CONFIGS = list(
    itertools.product((None, False), ("false",), ("UPDATE_OPS", "custom"), ZERO_DEBIAS)
)
FLAG_INDEX = {"true": 0, "placeholder": 1, "false": 2}
# One configuration per implementation, for the per-path tests below:
# (rank, fused, updates_collections, zero_debias, weighted).
PATHS = {
    "fused": (4, None, "None", False, False),
    "fused_rank2": (2, None, "UPDATE_OPS", False, False),
    "layer_fused": (4, None, "UPDATE_OPS", False, False),
    "layer": (3, None, "UPDATE_OPS", False, False),
    "moments": (4, False, "UPDATE_OPS", True, False),
    "moments_weighted": (3, None, "UPDATE_OPS", False, True),
}


def input_shape(data_format, rank, channels=4, batch=6):
    spatial = (3,) * (rank - 2)
    if data_format == "NHWC":
        return (batch,) + spatial + (channels,)
    return (batch, channels) + spatial


def channels_axis(data_format, rank):
    return 1 if data_format == "NCHW" else rank - 1


def updates_arg(updates, name="custom"):
    return {"UPDATE_OPS": _GraphKeys.UPDATE_OPS, "None": None}.get(updates, name)


def path_of(rank, fused, updates, zero_debias, dtype="float32", weighted=False):
    """The implementation TF1's batch_norm picks (see its docstring)."""
    possible_to_fuse = not weighted and rank in (2, 4) and dtype != "float64"
    if (
        fused is not False
        and possible_to_fuse
        and (zero_debias or rank == 2 or updates != "UPDATE_OPS")
    ):
        return "fused"
    if not weighted and updates == "UPDATE_OPS" and not zero_debias:
        return "layer"
    return "moments"


def bessel_corrected(path, rank, fused, dtype="float32"):
    """Whether the moving variance comes from the fused kernel."""
    if path == "fused":
        return True
    fusable = rank in (4, 5) and dtype != "float64"
    return path == "layer" and fused is not False and fusable


def param_dtype(path, dtype):
    """float32 on the fused kernel, and for half inputs on the layer path."""
    if path == "fused" or (path == "layer" and dtype in ("float16", "bfloat16")):
        return "float32"
    return dtype


def expected_variables(scope, path, center, scale, zero_debias, channels, dtype):
    """[(name, shape, dtype, trainable, model_variable)] in creation order."""
    params = {"beta": center, "gamma": scale}
    order = ("gamma", "beta") if path == "layer" else ("beta", "gamma")
    pdtype = param_dtype(path, dtype)
    rows = [
        (f"{scope}/{n}", [channels], pdtype, True, True) for n in order if params[n]
    ]
    rows += [
        (f"{scope}/{n}", [channels], pdtype, False, True)
        for n in ("moving_mean", "moving_variance")
    ]
    if zero_debias:
        # Created by the moving-average update; model variables only where
        # TF1 created them under a model-variable getter (moments path).
        rows += [
            (f"{scope}/{scope}/moving_mean/{n}", shape, pdtype, False,
             path == "moments")
            for n, shape in (("biased", [channels]), ("local_step", []))
        ]
    return rows


def describe_variables(graph, scope):
    trainable = graph.get_collection(_GraphKeys.TRAINABLE_VARIABLES)
    model = graph.get_collection(_GraphKeys.MODEL_VARIABLES)
    return [
        (
            v.op.name,
            v.shape.as_list(),
            v.dtype.base_dtype.name,
            any(t is v for t in trainable),
            any(m is v for m in model),
        )
        for v in graph.get_collection(_GraphKeys.GLOBAL_VARIABLES)
        if v.op.name.startswith(scope + "/")
    ]


def moving_variables(graph, scope):
    by_name = {v.op.name: v for v in graph.get_collection(_GraphKeys.GLOBAL_VARIABLES)}
    return [by_name[f"{scope}/moving_mean"], by_name[f"{scope}/moving_variance"]]


def session(graph):
    return tf.compat.v1.Session(graph=graph, config=ref_lib.fast_session_config())


def initializers():
    return {k: tf.compat.v1.constant_initializer(v) for k, v in INITIAL.items()}


def reference_for(data_format, rank, path, fused, center, scale, zero_debias,
                  dtype="float32"):
    channels = input_shape(data_format, rank)[channels_axis(data_format, rank)]
    return ref_lib.BatchNormReference(
        [channels_axis(data_format, rank)],
        (channels,),
        DECAY,
        gamma=INITIAL["gamma"] if scale else None,
        beta=INITIAL["beta"] if center else None,
        moving_mean=INITIAL["moving_mean"],
        moving_variance=INITIAL["moving_variance"],
        bessel=bessel_corrected(path, rank, fused, dtype),
        zero_debias=zero_debias,
    )


@functools.lru_cache(maxsize=None)
def _run_group(data_format, rank):
    """Builds every configuration for one data_format and rank; runs them.

    Returns:
      `(xs, results)`: the inputs of each step (the last one for inference)
      and {config: dict(center, scale, variables, update_ops,
      custom_update_ops, y, moving, y_infer)}.
    """
    shape = input_shape(data_format, rank)
    xs = ref_lib.random_batches(shape, STEPS + 1, seed=rank)
    results, built = {}, {}
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, shape, name="x")
        flag = tf.compat.v1.placeholder(tf.bool, [], name="flag")
        for index, config in enumerate(CONFIGS + FALSE_CONFIGS):
            fused, flag_kind, updates, zero_debias = config
            center, scale = CENTER_SCALE[
                (FUSED.index(fused) + 3 * FLAG_INDEX[flag_kind]
                 + UPDATES.index(updates) + 2 * zero_debias) % 4
            ]
            scope = f"c{index}"
            before = len(graph.get_collection(_GraphKeys.UPDATE_OPS))
            y = batch_norm(
                x,
                decay=DECAY,
                center=center,
                scale=scale,
                param_initializers=initializers(),
                updates_collections=updates_arg(updates, f"custom_{index}"),
                is_training={"true": True, "false": False, "placeholder": flag}[
                    flag_kind
                ],
                fused=fused,
                data_format=data_format,
                zero_debias_moving_mean=zero_debias,
                scope=scope,
            )
            built[config] = dict(y=y, moving=moving_variables(graph, scope))
            results[config] = dict(
                scope=scope,
                center=center,
                scale=scale,
                variables=describe_variables(graph, scope),
                update_ops=len(graph.get_collection(_GraphKeys.UPDATE_OPS)) - before,
                custom_update_ops=len(graph.get_collection(f"custom_{index}")),
                y=[],
                moving=[],
            )
        collected = graph.get_collection(_GraphKeys.UPDATE_OPS) + [
            op for key in graph.get_all_collection_keys() if key.startswith("custom_")
            for op in graph.get_collection(key)
        ]
        sess.run(tf.compat.v1.global_variables_initializer())
        outputs = {c: b["y"] for c, b in built.items()}
        for step in range(STEPS):
            ys, _ = sess.run([outputs, collected], {x: xs[step], flag: True})
            moving = sess.run({c: b["moving"] for c, b in built.items()})
            for config in results:
                results[config]["y"].append(ys[config])
                results[config]["moving"].append(moving[config])
        infer = sess.run(outputs, {x: xs[STEPS], flag: False})
        for config in results:
            results[config]["y_infer"] = infer[config]
    return xs, results


def _check_group_result(data_format, rank, config):
    fused, flag, updates, zero_debias = config
    xs, results = _run_group(data_format, rank)
    result = results[config]
    path = path_of(rank, fused, updates, zero_debias)
    training = flag != "false"
    channels = input_shape(data_format, rank)[channels_axis(data_format, rank)]

    assert result["variables"] == expected_variables(
        result["scope"], path, result["center"], result["scale"],
        zero_debias and training, channels, "float32"
    )
    expected_ops = 2 if training else 0
    assert result["update_ops"] == (expected_ops if updates == "UPDATE_OPS" else 0)
    assert result["custom_update_ops"] == (expected_ops if updates == "custom" else 0)

    reference = reference_for(data_format, rank, path, fused, result["center"],
                              result["scale"], zero_debias)
    for step in range(STEPS):
        expected = reference.train(xs[step]) if training else reference.infer(xs[step])
        assert_close(result["y"][step], expected, "float32", f"y at step {step}")
        moving_mean, moving_variance = result["moving"][step]
        assert_close(moving_mean, reference.moving_mean, "float32",
                     f"moving_mean after step {step}")
        assert_close(moving_variance, reference.moving_variance, "float32",
                     f"moving_variance after step {step}")
    if flag != "true":
        assert_close(result["y_infer"], reference.infer(xs[STEPS]), "float32",
                     "inference")


@pytest.mark.parametrize(
    "data_format,rank,fused,is_training,updates,zero_debias",
    [(d, r) + c for d, r, c in itertools.product(DATA_FORMATS, RANKS, CONFIGS)],
)
def test_training_against_reference(
    data_format, rank, fused, is_training, updates, zero_debias
):
    _check_group_result(
        data_format, rank, (fused, is_training, updates, zero_debias)
    )


@pytest.mark.parametrize(
    "data_format,rank,fused,updates,zero_debias",
    [
        (d, r, f, u, z)
        for d, r, (f, _, u, z) in itertools.product(DATA_FORMATS, RANKS, FALSE_CONFIGS)
    ],
)
def test_is_training_false_uses_moving_statistics(
    data_format, rank, fused, updates, zero_debias
):
    _check_group_result(data_format, rank, (fused, "false", updates, zero_debias))


def _weighted_reference_step(x, weights, axis, reference):
    """Frequency-weighted moments; returns the training output."""
    rank = x.ndim
    axes = tuple(a for a in range(rank) if a != axis)
    w = np.broadcast_to(weights.reshape([-1] + [1] * (rank - 1)), x.shape)
    mean = (w * x).sum(axes, keepdims=True) / w.sum(axes, keepdims=True)
    total = w.sum(axes, keepdims=True)
    variance = (w * (x - mean) ** 2).sum(axes, keepdims=True) / total
    reference.update(mean.reshape(-1), variance.reshape(-1))
    scale = reference.shaped(reference.gamma, mean.shape)
    offset = reference.shaped(reference.beta, mean.shape)
    return (x - mean) / np.sqrt(variance + reference.epsilon) * scale + offset


@pytest.mark.parametrize(
    "data_format,rank,is_training,updates",
    [
        (d, r, f, u)
        for d, r, f in itertools.product(DATA_FORMATS, RANKS, ("true", "placeholder"))
        for u in (("UPDATE_OPS", "None") if f == "true" else ("custom",))
    ],
)
def test_batch_weights_against_reference(data_format, rank, is_training, updates):
    shape = input_shape(data_format, rank)
    xs = ref_lib.random_batches(shape, STEPS + 1, seed=10 + rank)
    rng = np.random.RandomState(rank)
    weights = [rng.uniform(0.1, 2.0, size=shape[0]) for _ in range(STEPS)]
    axis = channels_axis(data_format, rank)
    reference = reference_for(data_format, rank, "moments", None, True, True, False)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, shape)
        w = tf.compat.v1.placeholder(tf.float32, [shape[0]])
        flag = tf.compat.v1.placeholder(tf.bool, [])
        y = batch_norm(
            x,
            decay=DECAY,
            scale=True,
            param_initializers=initializers(),
            updates_collections=updates_arg(updates),
            is_training=True if is_training == "true" else flag,
            batch_weights=w,
            data_format=data_format,
            scope="BN",
        )
        assert [v[0] for v in describe_variables(graph, "BN")] == [
            "BN/beta", "BN/gamma", "BN/moving_mean", "BN/moving_variance"
        ]
        collected = []
        if updates != "None":
            collected = graph.get_collection(updates_arg(updates))
        assert len(collected) == (0 if updates == "None" else 2)
        moving = moving_variables(graph, "BN")
        sess.run(tf.compat.v1.global_variables_initializer())
        for step in range(STEPS):
            feed = {x: xs[step], w: weights[step], flag: True}
            out, _ = sess.run([y, collected], feed)
            expected = _weighted_reference_step(
                xs[step], weights[step], axis, reference)
            assert_close(out, expected, "float32", f"y at step {step}")
            mean, variance = sess.run(moving)
            assert_close(mean, reference.moving_mean, "float32")
            assert_close(variance, reference.moving_variance, "float32")
        if is_training == "placeholder":
            out = sess.run(y, {x: xs[STEPS], w: weights[0], flag: False})
            assert_close(out, reference.infer(xs[STEPS]), "float32", "inference")


def _build_path(name, data_format, dtype=tf.float32, scope="BN", **extra):
    """batch_norm on the implementation `name` of PATHS; returns (x, y, kwargs)."""
    rank, fused, updates, zero_debias, weighted = PATHS[name]
    shape = input_shape(data_format, rank)
    x = tf.compat.v1.placeholder(dtype, shape, name="x")
    kwargs = dict(
        decay=DECAY,
        scale=True,
        param_initializers=initializers(),
        updates_collections=updates_arg(updates),
        fused=fused,
        data_format=data_format,
        zero_debias_moving_mean=zero_debias,
        scope=scope,
    )
    if weighted:
        kwargs["batch_weights"] = tf.ones([shape[0]], dtype)
    kwargs.update(extra)
    return x, batch_norm(x, **kwargs), kwargs


def _path_reference(name, data_format, dtype="float32"):
    rank, fused, updates, zero_debias, weighted = PATHS[name]
    path = path_of(rank, fused, updates, zero_debias, dtype, weighted)
    return reference_for(data_format, rank, path, fused, True, True, zero_debias, dtype)


@pytest.mark.parametrize(
    "path,data_format", list(itertools.product(PATHS, DATA_FORMATS))
)
def test_gradients_against_reference(path, data_format):
    """d/dx, d/dgamma and d/dbeta of sum(y * dy) in training."""
    rank = PATHS[path][0]
    shape = input_shape(data_format, rank)
    axis = channels_axis(data_format, rank)
    x_value = ref_lib.random_batches(shape, 1, seed=3)[0]
    dy_value = np.random.RandomState(4).normal(size=shape)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x, y, _ = _build_path(path, data_format)
        gamma, beta = (
            v for n in ("gamma", "beta") for v in tf.compat.v1.trainable_variables()
            if v.op.name == "BN/" + n
        )
        loss = tf.reduce_sum(y * tf.constant(dy_value, tf.float32))
        grads = tf.gradients(loss, [x, gamma, beta])
        sess.run(tf.compat.v1.global_variables_initializer())
        dx, dgamma, dbeta = sess.run(grads, {x: x_value})
    axes = tuple(a for a in range(rank) if a != axis)
    mean = x_value.mean(axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x_value.var(axes, keepdims=True) + ref_lib.EPSILON)
    x_hat = (x_value - mean) * inv_std
    g = INITIAL["gamma"]
    expected_dx = g * inv_std * (
        dy_value
        - dy_value.mean(axes, keepdims=True)
        - x_hat * (dy_value * x_hat).mean(axes, keepdims=True)
    )
    assert_close(dx, expected_dx, "float32", "dx")
    assert_close(dgamma, (dy_value * x_hat).sum(axes), "float32", "dgamma")
    assert_close(dbeta, dy_value.sum(axes), "float32", "dbeta")


@pytest.mark.parametrize(
    "path,dtype,data_format",
    list(itertools.product(PATHS, ("float16", "bfloat16", "float64"), DATA_FORMATS)),
)
def test_dtypes_on_every_path(path, dtype, data_format):
    """Outputs keep the input dtype; parameters are float32 where TF1 fused."""
    rank, fused, updates, zero_debias, weighted = PATHS[path]
    chosen = path_of(rank, fused, updates, zero_debias, dtype, weighted)
    shape = input_shape(data_format, rank)
    xs = [ref_lib.rounded(x, dtype) for x in ref_lib.random_batches(shape, 2, seed=5)]
    reference = _path_reference(path, data_format, dtype)
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x, y, _ = _build_path(path, data_format, tf.as_dtype(dtype))
        assert y.dtype == tf.as_dtype(dtype)
        channels = shape[channels_axis(data_format, rank)]
        assert describe_variables(graph, "BN") == expected_variables(
            "BN", chosen, True, True, zero_debias, channels, dtype
        )
        collected = graph.get_collection(_GraphKeys.UPDATE_OPS)
        moving = moving_variables(graph, "BN")
        sess.run(tf.compat.v1.global_variables_initializer())
        for step, x_value in enumerate(xs):
            out, _ = sess.run([y, collected], {x: x_value})
            assert out.dtype == tf.as_dtype(dtype).as_numpy_dtype
            assert_close(out, reference.train(x_value), dtype, f"y at step {step}")
            mean, variance = sess.run(moving)
            assert_close(mean, reference.moving_mean, dtype, "moving_mean")
            assert_close(variance, reference.moving_variance, dtype, "moving_variance")


@pytest.mark.parametrize(
    "path,inherited", list(itertools.product(PATHS, (False, True)))
)
def test_reuse_shares_variables(path, inherited):
    """reuse=True, or an enclosing variable_scope(reuse=True), shares them."""
    x_value = ref_lib.random_batches(input_shape("NHWC", PATHS[path][0]), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x, y, kwargs = _build_path(path, "NHWC")
        count = len(tf.compat.v1.global_variables())
        kwargs = dict(kwargs, is_training=False)
        if inherited:
            current = tf.compat.v1.get_variable_scope()
            with tf.compat.v1.variable_scope(current, reuse=True):
                y_infer = batch_norm(x, **kwargs)
        else:
            y_infer = batch_norm(x, reuse=True, **kwargs)
        assert len(tf.compat.v1.global_variables()) == count
        assign = [
            v.assign(tf.fill(v.shape, value))
            for v, value in zip(moving_variables(graph, "BN"), (1.0, 4.0))
        ]
        sess.run(tf.compat.v1.global_variables_initializer())
        sess.run(assign)
        out = sess.run(y_infer, {x: x_value})
    expected = (x_value - 1.0) / np.sqrt(4.0 + ref_lib.EPSILON) * 1.5 + 0.2
    assert_close(out, expected, "float32")


@pytest.mark.parametrize("path", list(PATHS))
def test_default_scopes_are_unique(path):
    with tf.Graph().as_default():
        names = []
        for _ in range(2):
            _build_path(path, "NHWC", scope=None)
            names.append(tf.compat.v1.global_variables()[-1].op.name.split("/")[0])
        with tf.compat.v1.variable_scope("outer"):
            _build_path(path, "NHWC", scope=None)
        names.append(
            "/".join(tf.compat.v1.global_variables()[-1].op.name.split("/")[:2])
        )
    assert names == ["BatchNorm", "BatchNorm_1", "outer/BatchNorm"]


@pytest.mark.parametrize("path", list(PATHS))
def test_activation_and_outputs_collections(path):
    x_value = ref_lib.random_batches(input_shape("NCHW", PATHS[path][0]), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x, y, _ = _build_path(
            path, "NCHW", activation_fn=tf.nn.relu,
            outputs_collections=["outs", "more_outs"],
        )
        assert y.op.type == "Relu" and y.name.startswith("BN/")
        assert graph.get_collection("outs") == [y]
        assert graph.get_collection("more_outs") == [y]
        assert y.aliases == ["BN"]
        collected = graph.get_collection(_GraphKeys.UPDATE_OPS)
        sess.run(tf.compat.v1.global_variables_initializer())
        out, _ = sess.run([y, collected], {x: x_value})
    expected = np.maximum(_path_reference(path, "NCHW").train(x_value), 0.0)
    assert_close(out, expected, "float32")


def _l2(scale):
    return lambda w: scale * tf.nn.l2_loss(w)


@pytest.mark.parametrize(
    "path,center,scale",
    list(itertools.product(PATHS, (False, True), (False, True))),
)
def test_regularization_losses(path, center, scale):
    """One loss per regularized beta / gamma; the moments path ignores them."""
    with tf.Graph().as_default() as graph:
        _build_path(
            path, "NHWC", center=center, scale=scale,
            param_regularizers={"beta": _l2(0.1), "gamma": _l2(0.2)},
        )
        rank, fused, updates, zero_debias, weighted = PATHS[path]
        chosen = path_of(rank, fused, updates, zero_debias, weighted=weighted)
        expected = 0 if chosen == "moments" else int(center) + int(scale)
        assert len(graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)) == expected


@pytest.mark.parametrize("path,as_dict", list(itertools.product(PATHS, (False, True))))
def test_variables_collections(path, as_dict):
    names = ("beta", "gamma", "moving_mean", "moving_variance")
    collections = {n: [n + "_col"] for n in names} if as_dict else ["all_vars"]
    with tf.Graph().as_default() as graph:
        _build_path(path, "NHWC", variables_collections=collections)
        for name in names:
            (variable,) = [
                v for v in tf.compat.v1.global_variables() if v.op.name == "BN/" + name
            ]
            key = name + "_col" if as_dict else "all_vars"
            assert any(v is variable for v in graph.get_collection(key)), name
            assert any(v is variable for v in graph.get_collection(
                _GraphKeys.MODEL_VARIABLES))


@pytest.mark.parametrize("path", list(PATHS))
def test_trainable_false(path):
    """No trainable variables; the tf.layers path also adds no updates (TF1)."""
    rank, fused, updates, zero_debias, weighted = PATHS[path]
    chosen = path_of(rank, fused, updates, zero_debias, weighted=weighted)
    x_value = ref_lib.random_batches(input_shape("NHWC", rank), 1)[0]
    with tf.Graph().as_default() as graph, session(graph) as sess:
        x, y, _ = _build_path(path, "NHWC", trainable=False)
        assert tf.compat.v1.trainable_variables() == []
        expected_ops = 0 if chosen == "layer" or updates == "None" else 2
        assert len(graph.get_collection(_GraphKeys.UPDATE_OPS)) == expected_ops
        sess.run(tf.compat.v1.global_variables_initializer())
        out = sess.run(y, {x: x_value})
    assert_close(out, _path_reference(path, "NHWC").train(x_value), "float32")
