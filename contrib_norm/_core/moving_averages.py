"""Moving-statistics updates: m <- m - (1 - decay) * (m - value).

One place for every family's moving averages:

* `update_gate`: when the updates of one layer call run. Every update
  function here takes that gate as an explicit argument.
* `assign_moving_average`: tf.contrib.layers' rule (TensorFlow's
  `moving_averages.assign_moving_average`), with the optional zero-debias
  of Kingma & Ba (2015) that keeps the legacy `<var>/biased` and
  `<var>/local_step` variables. Inside a tf.distribute replica context the
  value is first averaged over replicas, as TensorFlow's own rule does.
* `assign_moving_average_local`: tf.layers' rule, which updates a replica's
  own copy of a sync-on-read variable (reading it across replicas gives the
  mean).
* `assign` and `assign_new_value`: set a variable to a value computed
  elsewhere (switchable norm's cumulative average, renorm's variance).
* `collect_or_force`: the legacy choice between adding update ops to a
  collection and forcing them in place through control dependencies.

The gate is a bool tensor, or None (always run): the training flag where it
is only known at run time, and'ed with the batch having elements. An empty
batch (a zero-size input, as detection models produce) has no statistics
(its moments are NaN): every update leaves its variable (and the
zero-debias helpers) exactly unchanged then. NaN or Inf values in a
non-empty input are not filtered: they reach the moving statistics, as in
TF1. A gated update is a `tf.cond` around the assignment, inside each
device's update for a mirrored variable (after the `merge_call`, which
cannot sit in a `tf.cond` branch), so the updates are built the same way
with or without a tf.distribute strategy (see `_core.distribute`):

* a sync-on-read variable (`tf.VariableSynchronization.ON_READ`) is updated
  in the replica, on its own copy, by both rules (no communication; reading
  it in the cross-replica context gives the mean over replicas);
* any other variable is updated through `merge_call`.
"""

import tensorflow as tf

from contrib_norm._core import distribute
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib

def _one_minus(decay, dtype):
    one_minus_decay = tf.convert_to_tensor(1.0 - decay, name="decay")
    if one_minus_decay.dtype != dtype:
        one_minus_decay = tf.cast(one_minus_decay, dtype)
    return one_minus_decay


def _is_sync_on_read(variable):
    return (
        getattr(variable, "synchronization", None) == tf.VariableSynchronization.ON_READ
    )


def update_gate(is_training=True, inputs=None, count=None):
    """The gate of the updates of one layer call (see the module docstring).

    Args:
      is_training: the training flag (bool, bool tensor or placeholder); a
        static True adds nothing (the caller builds no updates for False).
      inputs: the layer's input; the batch is empty when it has no elements.
      count: instead of `inputs`, the number of elements the statistics are
        reduced over (e.g. summed over replicas).

    Returns:
      A scalar bool tensor, or None where the updates always run (a static
      flag, and a batch statically not empty).
    """
    if count is not None:
        nonempty = tf.convert_to_tensor(count) > 0
    elif inputs is None or (
        inputs.shape.is_fully_defined() and inputs.shape.num_elements() > 0
    ):
        nonempty = None
    else:
        nonempty = tf.size(inputs, out_type=tf.int64) > 0
    if training_flag.static_value(is_training) is not None:
        return nonempty
    flag = tf.convert_to_tensor(is_training)
    return flag if nonempty is None else tf.logical_and(flag, nonempty)


def _gated(update_fn, gate):
    """`update_fn`, run only when `gate` (None: always) is True."""
    if gate is None:
        return update_fn

    def gated_update(var, val):
        return tf.cond(
            gate,
            lambda: tf.identity(update_fn(var, val)),
            lambda: tf.identity(var),
        )

    return gated_update


def assign_moving_average(
    variable, value, decay, zero_debias=False, name=None, gate=None
):
    """Updates `variable` towards `value` with the given `decay`; returns it.

    Args:
      variable: the moving-average variable.
      value: the new observation, same shape as `variable`.
      decay: a float or scalar tensor in [0, 1].
      zero_debias: if True, keep a biased accumulator and a step counter and
        set `variable` to accumulator / (1 - decay^step), so that early values
        are not pulled towards the zero initial value.
      name: optional name scope (default "AssignMovingAvg").
      gate: None, or a bool tensor: update only when it is True (see
        `update_gate`).

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

        return _update(variable, value, update_fn, gate)


def assign(variable, value, name=None, gate=None):
    """Sets `variable` to `value` (cast to its dtype); returns the new value.

    Like the other updates here, it runs only when `gate` (None: always) is
    True, and in a tf.distribute replica
    context a variable that is not sync-on-read is set once, through
    `merge_call`, to the mean of the replicas' values (what assigning a
    MEAN-aggregated variable in a replica context does).
    """
    with tf.compat.v1.name_scope(name, "Assign", [variable, value]) as scope:
        value = tf.cast(value, variable.dtype.base_dtype)

        def update_fn(var, val):
            return tf.compat.v1.assign(var, val, name=scope)

        return _update(variable, value, update_fn, gate)


def _update(variable, value, update_fn, gate):
    """Applies `update_fn(variable, value)`, gated, once across replicas.

    In a replica context a variable that is not sync-on-read is updated
    through `merge_call`, with `value` averaged over replicas; a sync-on-read
    one (and any variable outside a strategy) directly.
    """
    update_fn = _gated(update_fn, gate)
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


def assign_moving_average_local(variable, value, momentum, gate=None):
    """tf.layers' update, `variable -= (variable - value) * (1 - momentum)`.

    Applied to this replica's copy only (moving statistics of the tf.layers
    family are sync-on-read variables with MEAN aggregation). It runs only
    when `gate` (None: always) is True.
    """
    with tf.compat.v1.name_scope(None, "AssignMovingAvg") as scope:
        one_minus = _one_minus(momentum, variable.dtype.base_dtype)

        def update_fn(var, val):
            delta = (var - tf.cast(val, var.dtype)) * one_minus
            with tf.compat.v1.colocate_with(var):
                return tf.compat.v1.assign_sub(var, delta, name=scope)

        return _gated(update_fn, gate)(variable, value)


def assign_new_value(variable, value, gate=None):
    """Sets `variable` to `value` on this replica's copy, when `gate` (None:
    always) is True."""
    with tf.compat.v1.name_scope(None, "AssignNewValue") as scope:

        def update_fn(var, val):
            with tf.compat.v1.colocate_with(var):
                return tf.compat.v1.assign(var, val, name=scope)

        return _gated(update_fn, gate)(variable, value)


def collect_or_force(updates, updates_collections, result, is_training, idle=None):
    """Wires update ops the way tf.contrib.layers did.

    Args:
      updates: the (gated) update ops.
      updates_collections: collection name(s) the updates are added to, or
        None to force them in place.
      result: the layer's result in training: a tensor or a tuple of them.
      is_training: the training flag (bool, bool tensor or placeholder).
      idle: builds the result when not training (None: `result`).

    Returns:
      In training, `result`, computed after the updates when they are forced
      in place (`tf.identity` of its tensors); else `idle()`. A `tf.cond`
      chooses when the flag is a tensor (and the result is not `result`
      itself).
    """
    if updates_collections is not None:
        for update in updates:
            tf.compat.v1.add_to_collections(updates_collections, update)
        if idle is None:
            return result

    def forced():
        if updates_collections is not None:
            return result
        with tf.control_dependencies(list(updates)):
            if isinstance(result, tuple):
                return tuple(tf.identity(t) for t in result)
            return tf.identity(result)

    return training_flag.smart_cond(is_training, forced, idle or (lambda: result))
