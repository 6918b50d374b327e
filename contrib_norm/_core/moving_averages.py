"""Moving-statistics updates: m <- m - (1 - decay) * (m - value).

One place for every family's moving averages:

* `assign_moving_average`: tf.contrib.layers' rule (TensorFlow's
  `moving_averages.assign_moving_average`), with the optional zero-debias
  of Kingma & Ba (2015) that keeps the legacy `<var>/biased` and
  `<var>/local_step` variables. Inside a tf.distribute replica context the
  value is first averaged over replicas, as TensorFlow's own rule does.
* `assign_moving_average_local`: tf.layers' rule, which updates a replica's
  own copy of a sync-on-read variable (reading it across replicas gives the
  mean).
* `assign` and `assign_new_value`: set a variable to a value computed
  elsewhere (switchable norm's cumulative average, renorm's variance),
  subject to the same gating as the moving averages.
* `wire_updates`: the legacy choice between adding update ops to a
  collection and forcing them in place through control dependencies.

An empty batch (a zero-size input, as detection models produce) has no
statistics (its moments are NaN): while a layer builds its updates inside
`skip_empty_batch(inputs)`, every update here leaves its variable (and the
zero-debias helpers) exactly unchanged when the batch has no elements. This
is the one place where that is decided. NaN or Inf values in a non-empty
input are not filtered: they reach the moving statistics, as in TF1.

Under a tf.distribute strategy (see `_core.distribute`):

* a sync-on-read variable (`tf.VariableSynchronization.ON_READ`) is updated
  in the replica, on its own copy, by both rules (no communication; reading
  it in the cross-replica context gives the mean over replicas);
* any other variable is updated through `merge_call`, which cannot sit in a
  `tf.cond` branch. With a tensor training flag `wire_updates` therefore
  builds the updates outside the `tf.cond` and gates each one with the flag
  instead: every update function here, called while `wire_updates` builds
  gated updates, wraps its assignment in a `tf.cond` on the flag (inside
  each device's update for a mirrored variable, after the `merge_call`).
  Without a strategy nothing changes.
"""

import contextlib
import threading

import tensorflow as tf

from contrib_norm._core import distribute
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib

# The training flag gating the updates being built by `wire_updates` in a
# replica context, per thread (MirroredStrategy runs each replica function
# in its own thread).
_GATE = threading.local()


def _one_minus(decay, dtype):
    one_minus_decay = tf.convert_to_tensor(1.0 - decay, name="decay")
    if one_minus_decay.dtype != dtype:
        one_minus_decay = tf.cast(one_minus_decay, dtype)
    return one_minus_decay


def _is_sync_on_read(variable):
    return (
        getattr(variable, "synchronization", None) == tf.VariableSynchronization.ON_READ
    )


def _current_gate():
    return getattr(_GATE, "flag", None)


@contextlib.contextmanager
def skip_empty_batch(inputs=None, count=None):
    """Makes the updates built inside a no-op for an empty batch.

    Args:
      inputs: the layer's input; the batch is empty when it has no elements.
      count: instead of `inputs`, the number of elements the statistics are
        reduced over (e.g. summed over replicas).

    Where the shape says statically that the batch is not empty, nothing is
    added to the graph.
    """
    if count is None:
        if inputs.shape.is_fully_defined() and inputs.shape.num_elements() > 0:
            nonempty = None
        else:
            nonempty = tf.size(inputs, out_type=tf.int64) > 0
    else:
        nonempty = tf.convert_to_tensor(count) > 0
    previous = getattr(_GATE, "nonempty", None)
    _GATE.nonempty = nonempty
    try:
        yield
    finally:
        _GATE.nonempty = previous


def _gated(update_fn):
    """`update_fn`, run only when the current gate (training flag) is True
    and the batch (see `skip_empty_batch`) is not empty."""
    flag = _current_gate()
    nonempty = getattr(_GATE, "nonempty", None)
    if nonempty is not None:
        flag = nonempty if flag is None else tf.logical_and(flag, nonempty)
    if flag is None:
        return update_fn

    def gated_update(var, val):
        return tf.cond(
            flag,
            lambda: tf.identity(update_fn(var, val)),
            lambda: tf.identity(var),
        )

    return gated_update


def assign_moving_average(variable, value, decay, zero_debias=False, name=None):
    """Updates `variable` towards `value` with the given `decay`; returns it.

    Args:
      variable: the moving-average variable.
      value: the new observation, same shape as `variable`.
      decay: a float or scalar tensor in [0, 1].
      zero_debias: if True, keep a biased accumulator and a step counter and
        set `variable` to accumulator / (1 - decay^step), so that early values
        are not pulled towards the zero initial value.
      name: optional name scope (default "AssignMovingAvg").

    In a tf.distribute replica context a sync-on-read `variable` (and its
    zero-debias helpers) is updated on this replica's copy; any other is
    updated once, through `merge_call`, with `value` averaged over replicas
    (see the module docstring).

    Returns:
      The update op's value (the updated variable).
    """
    with tf.compat.v1.name_scope(
        name, "AssignMovingAvg", [variable, value, decay]
    ) as scope:
        dtype = variable.dtype.base_dtype
        one_minus_decay = _one_minus(decay, dtype)
        value = tf.cast(value, dtype)
        if zero_debias:
            biased, local_step = _zero_debias_variables(
                variable, value, one_minus_decay, _sync_kwargs(variable)
            )

            def update_fn(var, val):
                return _zero_debias_update(
                    var, val, one_minus_decay, biased, local_step
                )
        else:

            def update_fn(var, val):
                return tf.compat.v1.assign_sub(
                    var, (var - val) * one_minus_decay, name=scope
                )

        return _update(variable, value, update_fn)


def assign(variable, value, name=None):
    """Sets `variable` to `value` (cast to its dtype); returns the new value.

    Like the other updates here, it is gated by the training flag while
    `wire_updates` builds gated updates, and in a tf.distribute replica
    context a variable that is not sync-on-read is set once, through
    `merge_call`, to the mean of the replicas' values (what assigning a
    MEAN-aggregated variable in a replica context does).
    """
    with tf.compat.v1.name_scope(name, "Assign", [variable, value]) as scope:
        value = tf.cast(value, variable.dtype.base_dtype)

        def update_fn(var, val):
            return tf.compat.v1.assign(var, val, name=scope)

        return _update(variable, value, update_fn)


def _update(variable, value, update_fn):
    """Applies `update_fn(variable, value)`, gated, once across replicas.

    In a replica context a variable that is not sync-on-read is updated
    through `merge_call`, with `value` averaged over replicas; a sync-on-read
    one (and any variable outside a strategy) directly.
    """
    update_fn = _gated(update_fn)
    if distribute.in_replica_context() and not _is_sync_on_read(variable):

        def merge_fn(strategy, var, val):
            val = strategy.extended.reduce_to(tf.distribute.ReduceOp.MEAN, val, var)
            return strategy.extended.update(var, update_fn, args=(val,))

        return tf.distribute.get_replica_context().merge_call(
            merge_fn, args=(variable, value)
        )
    return update_fn(variable, value)


def _sync_kwargs(variable):
    """Sync-on-read variables get sync-on-read zero-debias helpers."""
    if _is_sync_on_read(variable):
        return dict(
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.MEAN,
        )
    return {}


def _zero_debias_variables(variable, value, one_minus_decay, sync_kwargs):
    """Gets or creates `<variable>/biased` and `<variable>/local_step`."""
    scope_name = variable.name.split(":")[0]
    with tf.compat.v1.variable_scope(
        scope_name, values=[variable, value, one_minus_decay]
    ), variables_lib.partitioner_disabled():
        # Shaped like the (unpartitioned) moving statistic they debias.
        biased = tf.compat.v1.get_variable(
            _unique_in_scope("biased"),
            shape=variable.shape,
            dtype=variable.dtype.base_dtype,
            initializer=tf.compat.v1.zeros_initializer(),
            trainable=False,
            **sync_kwargs,
        )
        local_step = tf.compat.v1.get_variable(
            _unique_in_scope("local_step"),
            shape=[],
            dtype=variable.dtype.base_dtype,
            initializer=tf.compat.v1.zeros_initializer(),
            trainable=False,
            **sync_kwargs,
        )
    return biased, local_step


def _unique_in_scope(name):
    """`name`, or `name_1`, ... if the scope already has it and is not reusing."""
    scope = tf.compat.v1.get_variable_scope()
    if scope.reuse:
        return name

    def taken(full_name):
        return variables_lib.op_name_in_collection(
            full_name, tf.compat.v1.GraphKeys.GLOBAL_VARIABLES
        )

    full_name = scope.name + "/" + name
    if not taken(full_name):
        return name
    index = 1
    while taken(f"{full_name}_{index}"):
        index += 1
    return f"{name}_{index}"


def _zero_debias_update(variable, value, one_minus_decay, biased, local_step):
    update_biased = tf.compat.v1.assign_sub(biased, (biased - value) * one_minus_decay)
    update_local_step = local_step.assign_add(1)
    bias_factor = 1 - tf.pow(1.0 - one_minus_decay, update_local_step)
    # Named after the enclosing scope, as TF1 named it (none in a tf.cond
    # branch's function graph, which has no enclosing scope).
    scope_name = tf.compat.v1.get_default_graph().get_name_scope()
    return tf.compat.v1.assign(
        variable,
        update_biased / bias_factor,
        name=scope_name + "/" if scope_name else None,
    )


def assign_moving_average_local(variable, value, momentum):
    """tf.layers' update, `variable -= (variable - value) * (1 - momentum)`.

    Applied to this replica's copy only (moving statistics of the tf.layers
    family are sync-on-read variables with MEAN aggregation).
    """
    with tf.compat.v1.name_scope(None, "AssignMovingAvg") as scope:
        one_minus = _one_minus(momentum, variable.dtype.base_dtype)

        def update_fn(var, val):
            delta = (var - tf.cast(val, var.dtype)) * one_minus
            with tf.compat.v1.colocate_with(var):
                return tf.compat.v1.assign_sub(var, delta, name=scope)

        return _gated(update_fn)(variable, value)


def assign_new_value(variable, value):
    with tf.compat.v1.name_scope(None, "AssignNewValue") as scope:

        def update_fn(var, val):
            with tf.compat.v1.colocate_with(var):
                return tf.compat.v1.assign(var, val, name=scope)

        return _gated(update_fn)(variable, value)


def wire_updates(
    is_training,
    make_updates,
    stale_values,
    updates_collections,
    forced_result,
    idle_result,
):
    """Wires moving-statistics updates the way tf.contrib.layers did.

    With `updates_collections` set, the update ops (or, when `is_training` is
    a tensor that turns out False, the unchanged variables) are added to those
    collections and None is returned: the caller keeps its own result. With
    `updates_collections=None` the updates are forced in place: the result is
    `forced_result(update_ops)` when training, else `idle_result()`.

    Args:
      is_training: the training flag (bool, bool tensor or placeholder).
      make_updates: builds the update ops; returns a tuple.
      stale_values: returns the moving variables, same structure.
      updates_collections: collection name(s), or None for in-place updates.
      forced_result: builds the layer's result under the given control inputs.
      idle_result: builds the layer's result when not training.

    Returns:
      None when the updates were collected, else the in-place result.
    """
    gate = _merge_call_gate(is_training)
    if updates_collections is None:
        if gate is not None:
            update_ops = list(_build_gated(gate, make_updates))
            return training_flag.smart_cond(
                is_training, lambda: forced_result(update_ops), idle_result
            )
        return training_flag.smart_cond(
            is_training, lambda: forced_result(list(make_updates())), idle_result
        )
    if gate is not None:
        updates = _build_gated(gate, make_updates)
    else:
        updates = training_flag.smart_cond(is_training, make_updates, stale_values)
    for update in updates:
        tf.compat.v1.add_to_collections(updates_collections, update)
    return None


def _merge_call_gate(is_training):
    """The flag tensor when updates must be gated instead of put in a tf.cond.

    That is in a replica context with a training flag only known at run time:
    a `merge_call` (the update of a mirrored variable) cannot be built in a
    `tf.cond` branch.
    """
    if distribute.in_replica_context() and training_flag.static_value(
        is_training
    ) is None:
        return tf.convert_to_tensor(is_training)
    return None


def _build_gated(gate, make_updates):
    """Calls `make_updates` with `gate` guarding every update it builds."""
    previous = _current_gate()
    _GATE.flag = gate
    try:
        return make_updates()
    finally:
        _GATE.flag = previous
