"""Builds and runs the scenarios of `scenarios.py`, with or without a strategy.

Used by the child processes (`mirrored_child.py`, `multi_worker_child.py`):
every function returns JSON-able results (nested lists of floats), and the
references are the same graphs built without a strategy in the same child.
"""

import contextlib
import re

import numpy as np
import tensorflow as tf

import contrib_norm.layers

_GraphKeys = tf.compat.v1.GraphKeys
_FLAG = {
    "batch_norm": "is_training",
    "sync_batch_norm": "is_training",
    "switchable_norm": "is_training",
    "batch_normalization": "training",
}
REFERENCE_LAYER = {"sync_batch_norm": "batch_norm"}


def batch(scenario, sizes, seed=0):
    """The global batch (x, dy), offset from zero, and its per-replica shards."""
    rng = np.random.RandomState(seed)
    shape = [sum(sizes)] + scenario["tail"]
    x = (3.0 + 2.0 * rng.randn(*shape)).astype(scenario["dtype"])
    dy = rng.randn(*shape).astype(np.float32)
    bounds = np.cumsum([0] + list(sizes))
    shards = [(x[a:b], dy[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return (x, dy), shards


def _layer_call(scenario, x, flag, layer=None):
    layer = layer or scenario["layer"]
    kwargs = {}
    for key, value in scenario["kwargs"].items():
        if value == "data":
            rows = tf.reshape(tf.cast(x, tf.float32), [tf.shape(x)[0], -1])
            value = 0.5 + tf.sigmoid(rows[:, 0])
        elif value == "relu":
            value = tf.nn.relu
        elif key == "param_regularizers":
            value = {name: tf.nn.l2_loss for name in value}
        elif value == "adjust":

            def value(shape):
                return tf.fill(shape[-1:], 1.5), tf.fill(shape[-1:], -0.25)

        kwargs[key] = value
    if layer in _FLAG:
        kwargs[_FLAG[layer]] = flag
    return getattr(contrib_norm.layers, layer)(x, **kwargs)


def _name(variable):
    """The variable's name without the "/replica_N" of a replica's component."""
    return re.sub(r"/replica_\d+", "", variable.op.name)


def _numpy(value):
    return np.asarray(value, dtype=np.float64).tolist()


def describe_variables(variables):
    """name -> [dtype, shape, trainable, synchronization, aggregation, class]."""
    trainable = tf.compat.v1.trainable_variables()
    return {
        v.op.name: [
            v.dtype.base_dtype.name,
            v.shape.as_list(),
            any(t is v for t in trainable),
            getattr(v, "synchronization", None).name,
            getattr(v, "aggregation", None).name,
            type(v).__name__,
        ]
        for v in variables
    }


def _session(graph):
    return tf.compat.v1.Session(graph=graph)


@contextlib.contextmanager
def _replicas(strategy_fn, scenario):
    """A `_Replicas` whose strategy (if any) is made in the current graph."""
    replicas = _Replicas(strategy_fn() if strategy_fn else None, scenario["api"])
    with replicas.scope():
        yield replicas


class _Replicas(object):
    """Runs a replica function with a strategy, or once without one."""

    def __init__(self, strategy, api):
        self.strategy = strategy
        self.api = api

    def scope(self):
        if self.strategy is None:
            return contextlib.nullcontext()
        return self.strategy.scope()

    def run(self, fn, per_replica_arrays):
        """`fn(*tensors)` on each replica, tensors from `per_replica_arrays`."""
        if self.strategy is None:
            return fn(*[tf.constant(a) for a in per_replica_arrays[0]])
        args = [
            self.strategy.experimental_distribute_values_from_function(
                lambda ctx, i=i: tf.constant(
                    per_replica_arrays[ctx.replica_id_in_sync_group][i]
                )
            )
            for i in range(len(per_replica_arrays[0]))
        ]
        if self.api == "run":
            return self.strategy.run(fn, args=args)
        return self.strategy.extended.call_for_each_replica(fn, args=args)

    def local(self, value):
        """This process's per-replica components of a result or variable."""
        if self.strategy is None:
            return [value]
        return list(self.strategy.experimental_local_results(value))


def run_layer(
    scenario, shards, strategy_fn=None, session_fn=None, layer=None, gradients=True
):
    """One layer on `shards` ([(x, dy)] per replica; one without a strategy).

    Runs, with the flag False first when it is a placeholder, two training
    steps (outputs, gradients of sum(y * dy) if `gradients`, updates) and
    reads the non-trainable variables after each: in the cross-replica
    context (the value a checkpoint saves) and per local replica.

    Returns:
      A dict of JSON-able results; per-replica values are lists.
    """
    graph = tf.Graph()
    with graph.as_default(), _replicas(strategy_fn, scenario) as replicas:
        if scenario["flag"] == "placeholder":
            flag = tf.compat.v1.placeholder(tf.bool, [], name="flag")
        else:
            flag = True

        def replica_fn(x, dy):
            y = _layer_call(scenario, x, flag, layer)
            if not gradients:
                return y, {}
            loss = tf.reduce_sum(tf.cast(y, tf.float32) * dy)
            params = [v for v in tf.compat.v1.trainable_variables()]
            grads = tf.gradients(loss, [x] + params)
            named = {"dx": grads[0]}
            named.update({"grad/" + _name(v): g for v, g in zip(params, grads[1:])})
            return y, named

        y, grads = replicas.run(replica_fn, shards)
        updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
        trainables = tf.compat.v1.trainable_variables()
        statistics = [
            v
            for v in tf.compat.v1.global_variables()
            if not any(v is t for t in trainables)
        ]
        described = describe_variables(tf.compat.v1.global_variables())
        local_stats = {v.op.name: replicas.local(v) for v in statistics}
        fetch_y = replicas.local(y)
        fetch_grads = {k: replicas.local(g) for k, g in grads.items()}
        with (session_fn or _session)(graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())

            def feed(value):
                return {flag: value} if tf.is_tensor(flag) else None

            def read_statistics():
                values = sess.run(
                    {"global": {v.op.name: v for v in statistics}, "local": local_stats}
                )
                return {
                    "global": {k: _numpy(a) for k, a in values["global"].items()},
                    "local": {
                        k: [_numpy(a) for a in v] for k, v in values["local"].items()
                    },
                }

            result = {
                "variables": described,
                "regularization_losses": len(
                    graph.get_collection(_GraphKeys.REGULARIZATION_LOSSES)
                ),
                "steps": [],
            }
            if tf.is_tensor(flag):
                result["inference"] = {
                    "y": [_numpy(a) for a in sess.run(fetch_y, feed(False))],
                    "statistics": read_statistics(),
                }
            for _ in range(2):
                ys, gs, _ = sess.run([fetch_y, fetch_grads, updates], feed(True))
                result["steps"].append(
                    {
                        "y": [_numpy(a) for a in ys],
                        "grads": {k: [_numpy(a) for a in v] for k, v in gs.items()},
                        "statistics": read_statistics(),
                    }
                )
    return result


def train_batch(scenario, sizes, seed=1):
    """Inputs and regression targets, and their per-replica shards."""
    rng = np.random.RandomState(seed)
    x = (3.0 + 2.0 * rng.randn(sum(sizes), *scenario["tail"])).astype(np.float32)
    target = rng.randn(sum(sizes), 1).astype(np.float32)
    bounds = np.cumsum([0] + list(sizes))
    return [(x[a:b], target[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def train(scenario, shards, steps, strategy_fn=None, session_fn=None, layer=None):
    """SGD on x -> 1x1 conv -> layer -> relu -> mean -> dense -> squared error.

    Each replica's loss is its sum of squared errors divided by the global
    batch size, and `GradientDescentOptimizer` sums the replicas' gradients
    (TensorFlow 2's strategies do not scale compat.v1 losses), which gives the
    gradient of the mean over the global batch.

    Returns:
      {variable name: value} after `steps` steps (cross-replica values).
    """
    rng = np.random.RandomState(2)
    w1_init = rng.randn(scenario["tail"][-1], 4).astype(np.float32)
    w2_init = rng.randn(4, 1).astype(np.float32)
    global_batch = float(sum(len(x) for x, _ in shards))
    graph = tf.Graph()
    with graph.as_default(), _replicas(strategy_fn, scenario) as replicas:

        def replica_fn(x, target):
            w1 = tf.compat.v1.get_variable("w1", initializer=w1_init)
            w2 = tf.compat.v1.get_variable("w2", initializer=w2_init)
            hidden = tf.tensordot(x, w1, [[x.shape.rank - 1], [0]])
            hidden = tf.nn.relu(_layer_call(scenario, hidden, True, layer))
            hidden = tf.reduce_mean(hidden, axis=list(range(1, x.shape.rank - 1)))
            error = tf.square(tf.matmul(hidden, w2) - target)
            loss = tf.reduce_sum(error) / global_batch
            return tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss)

        train_op = replicas.run(replica_fn, shards)
        updates = tf.compat.v1.get_collection(_GraphKeys.UPDATE_OPS)
        variables = tf.compat.v1.global_variables()
        with (session_fn or _session)(graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(steps):
                sess.run([replicas.local(train_op), updates])
            return {v.op.name: _numpy(sess.run(v)) for v in variables}


def run_scenario(scenario, strategy_fn, session_fn=None):
    """The distributed run of `scenario` and its single-device reference.

    The reference is the same layer on the concatenated batch for
    sync_batch_norm (as batch_norm; with an empty replica, the other
    replica's batch) and training, and the layer on each
    replica's shard alone otherwise (plain layers normalize per replica).
    """
    from distribute_helpers import scenarios  # pylint: disable=import-outside-toplevel

    layer = REFERENCE_LAYER.get(scenario["layer"])
    if scenario["id"].startswith("train"):
        shards = train_batch(scenario, scenario["shards"])
        whole = [tuple(np.concatenate(parts) for parts in zip(*shards))]
        steps = scenarios.TRAIN_STEPS
        return {
            "distributed": train(scenario, shards, steps, strategy_fn, session_fn),
            "reference": train(scenario, whole, steps, layer=layer),
        }
    whole, shards = batch(scenario, scenario["shards"])
    if scenario["id"].startswith(("sync", "empty")):
        distributed = run_layer(scenario, shards, strategy_fn, session_fn)
        reference = [run_layer(scenario, [whole], layer=layer)]
    else:
        distributed = run_layer(
            scenario, shards, strategy_fn, session_fn, gradients=False
        )
        reference = [run_layer(scenario, [shard], gradients=False) for shard in shards]
    return {"distributed": distributed, "reference": reference}
