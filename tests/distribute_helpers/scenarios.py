"""The tf.distribute scenarios, as plain data (no TensorFlow import).

Each scenario names a layer of `contrib_norm.layers`, its keyword arguments
(JSON-able; "data" stands for batch weights derived from the input, "relu"
for tf.nn.relu, "adjust" for a fixed `adjustment`, and `param_regularizers`
lists the regularized names, each given tf.nn.l2_loss), the input's shape
without the batch dimension, how the training flag is given ("static" True
or a bool "placeholder") and which entry point runs the replica function
("run": `strategy.run`, "call": `strategy.extended.call_for_each_replica`).
"""

import itertools

# Per-replica batch sizes, unequal on purpose: the global moments (and the
# training loss, a sum over the shard divided by the global batch size) must
# stay exact.
SHARDS = (3, 5)
TRAIN_STEPS = 3


def scenario(
    prefix,
    layer,
    kwargs,
    tail,
    flag="static",
    api="run",
    dtype="float32",
    shards=SHARDS,
):
    """A scenario dict; `prefix` ("replica", "sync", "train", "empty") picks
    its check, `shards` the per-replica batch sizes."""
    parts = [prefix, layer, "x".join(map(str, tail)), flag, api]
    parts += [f"{k}={_short(v)}" for k, v in sorted(kwargs.items())]
    if dtype != "float32":
        parts.append(dtype)
    if tuple(shards) != SHARDS:
        parts.append("shards=" + ",".join(map(str, shards)))
    return dict(
        id="-".join(parts),
        layer=layer,
        kwargs=kwargs,
        tail=list(tail),
        flag=flag,
        api=api,
        dtype=dtype,
        shards=list(shards),
    )


def _short(value):
    if isinstance(value, dict):
        return ",".join(f"{k}:{v}" for k, v in sorted(value.items()))
    return str(value)


# Plain layers inside a replica function: each replica normalizes with its own
# batch's moments; the moving statistics are distributed (MEAN) variables.
# One case per batch_norm implementation (fused kernel, tf.layers layer,
# moments), the update wiring (UPDATE_OPS / in place), zero-debias, renorm,
# and a placeholder flag (updates gated instead of merge_call in a tf.cond).
_PER_REPLICA_LAYERS = [
    ("batch_norm", {}, (4,), "static", "run"),
    ("batch_norm", {"updates_collections": None}, (4,), "placeholder", "call"),
    ("batch_norm", {"zero_debias_moving_mean": True}, (4,), "placeholder", "run"),
    ("batch_norm", {"scale": True}, (2, 2, 3), "placeholder", "call"),
    ("batch_norm", {"batch_weights": "data"}, (2, 3), "static", "call"),
    (
        "batch_norm",
        {"batch_weights": "data", "updates_collections": None},
        (2, 3),
        "placeholder",
        "run",
    ),
    ("batch_norm", {"renorm": True, "scale": True}, (2, 3), "placeholder", "call"),
    ("batch_normalization", {}, (4,), "static", "call"),
    ("batch_normalization", {}, (2, 2, 3), "placeholder", "run"),
    ("batch_normalization", {"renorm": True}, (2, 3), "static", "run"),
]
PER_REPLICA = [
    scenario("replica", layer, kwargs, tail, flag, api)
    for layer, kwargs, tail, flag, api in _PER_REPLICA_LAYERS
]

# sync_batch_norm against single-device batch_norm on the concatenated batch.
_SYNC_OPTIONS = [
    {},
    {"scale": True, "updates_collections": None},
    {"scale": True, "data_format": "NCHW"},
    {"zero_debias_moving_mean": True},
    {"batch_weights": "data", "scale": True},
    {"renorm": True, "scale": True, "renorm_clipping": {"rmax": 1.5, "dmax": 0.5}},
    {"adjustment": "adjust", "scale": True},
    {"activation_fn": "relu", "fused": False, "scale": True},
]
SYNC = [
    scenario("sync", "sync_batch_norm", kwargs, tail, flag, api)
    for kwargs, (tail, flag, api) in zip(
        _SYNC_OPTIONS,
        itertools.cycle(
            [
                ((4,), "static", "run"),
                ((2, 2, 3), "placeholder", "call"),
                ((2, 2, 3), "static", "call"),
                ((3, 2), "placeholder", "run"),
            ]
        ),
    )
]
SYNC += [
    scenario("sync", "sync_batch_norm", {"scale": True}, (2, 2, 3), dtype="float16"),
    # float64 renorm once failed here (a float32 sqrt(epsilon)); batch_norm ran.
    scenario(
        "sync",
        "sync_batch_norm",
        {"renorm": True, "scale": True},
        (2, 2, 3),
        "placeholder",
        dtype="float64",
    ),
]

# sync_batch_norm with an empty replica batch: the replica contributes
# nothing (the run equals batch_norm on the other replica's batch alone), and
# when every replica's batch is empty the moving statistics stay unchanged.
# The flag is a placeholder, so that the run reads the statistics before the
# first training step.
EMPTY_REPLICA = [
    scenario("empty", "sync_batch_norm", kwargs, tail, "placeholder", api,
             shards=shards)
    for kwargs, tail, api, shards in [
        ({"scale": True}, (2, 2, 3), "run", (0, 5)),
        ({"scale": True, "updates_collections": None}, (4,), "call", (5, 0)),
        ({"zero_debias_moving_mean": True}, (3, 2), "run", (0, 5)),
        ({"batch_weights": "data", "scale": True}, (2, 3), "call", (0, 5)),
        ({"renorm": True, "scale": True}, (2, 2, 3), "run", (0, 5)),
        ({"scale": True}, (2, 2, 3), "run", (0, 0)),
        ({"scale": True, "updates_collections": None}, (4,), "call", (0, 0)),
        ({"renorm": True, "scale": True}, (3, 2), "run", (0, 0)),
    ]
]

# A few SGD steps of a small model; every variable must end as in the
# single-device run on the whole batch. Per-sample normalizations (group,
# instance, layer norm) need no communication for that; batch norm needs the
# global moments of sync_batch_norm.
_TRAIN_LAYERS = [
    ("sync_batch_norm", {"scale": True}, "run"),
    ("sync_batch_norm", {"scale": True, "updates_collections": None}, "call"),
    (
        "sync_batch_norm",
        {"scale": True, "renorm": True, "renorm_clipping": {"rmax": 1.5, "rmin": 0.5}},
        "call",
    ),
    ("group_norm", {"groups": 2}, "run"),
    ("instance_norm", {}, "call"),
    ("layer_norm", {}, "run"),
]
TRAIN = [
    scenario("train", layer, kwargs, (2, 2, 3), "static", api)
    for layer, kwargs, api in _TRAIN_LAYERS
]

# switchable_norm's batch-norm branch is per replica, like batch_norm's.
SWITCHABLE = [
    scenario("replica", "switchable_norm", {}, (2, 2, 4), "placeholder", "call")
]

# What the two-worker MultiWorkerMirroredStrategy run repeats (slow).
# Every layer family once: batch_norm (in place, and renorm),
# batch_normalization, switchable_norm, sync_batch_norm, and training with
# sync_batch_norm and with group, instance and layer norm.
MULTI_WORKER_IDS = [
    PER_REPLICA[1]["id"],
    PER_REPLICA[6]["id"],
    PER_REPLICA[8]["id"],
    SWITCHABLE[0]["id"],
    SYNC[1]["id"],
    TRAIN[0]["id"],
    TRAIN[3]["id"],
    TRAIN[4]["id"],
    TRAIN[5]["id"],
]


def by_id(scenario_id):
    for item in PER_REPLICA + SYNC + TRAIN + SWITCHABLE + EMPTY_REPLICA:
        if item["id"] == scenario_id:
            return item
    raise KeyError(scenario_id)


def check_for(scenario_id):
    """The name of the `checks` function for a scenario id."""
    return {
        "replica": "check_per_replica",
        "sync": "check_sync",
        "train": "check_train",
        "empty": "check_empty_replica",
    }[scenario_id.split("-")[0]]
