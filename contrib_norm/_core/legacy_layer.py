"""The bookkeeping of `tf.compat.v1.layers.Layer`, without Keras.

Keras 3 removed the TF1 layer base class that `tf.layers.*` were built on.
This class keeps what graph-mode users observe of it:

* names: variable scopes `batch_normalization`, `batch_normalization_1`,
  ... per graph (layer `.name`s `batch_normalization_1`, `_2`, ...), or the
  given `name`; the variable scope is entered once and re-entered with
  `reuse=True` on later calls;
* `_scope` / `_reuse` constructor arguments, as tf.contrib.layers used them;
* variables created through `tf.compat.v1.get_variable` (so enclosing
  variable scopes, custom getters and `reuse` apply), regularization losses
  added to REGULARIZATION_LOSSES once, on creation;
* `.variables`, `.trainable_variables`, `.non_trainable_variables`,
  `.updates`, `.losses`, and the updates added to UPDATE_OPS after each call
  (none when the layer is not trainable, as in TF1);
* an optional `activity_regularizer`, applied to every output: its loss,
  divided by the batch size, goes to `.losses` and REGULARIZATION_LOSSES;
* the rest of the public layer API graph-mode code used: `apply`,
  `add_weight` / `add_variable`, `add_loss`, `get_updates_for`,
  `get_losses_for`, `count_params`, `get_weights` / `set_weights` (in the
  default session: there is no Keras session), `compute_output_shape`,
  `get_config` / `from_config`, `input`, `output` and `graph`.
"""

import contextlib
import re
import weakref

import numpy as np
import tensorflow as tf

from contrib_norm._core import variables as variables_lib

_GraphKeys = tf.compat.v1.GraphKeys
_NAME_UIDS = weakref.WeakKeyDictionary()


def _default_session(method):
    session = tf.compat.v1.get_default_session()
    if session is None:
        raise ValueError(
            f"`{method}` reads or writes variable values and needs a default "
            "session: call it inside `with session.as_default():` (TF1 used "
            "the Keras session, which contrib_norm does not have)."
        )
    return session


def _snake_case(name):
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def _unique_layer_name(base_name):
    """`base_name_1`, `base_name_2`, ... per graph (one-based, as in TF1).

    This is the layer's `.name` only; its variable scope is made unique by
    `variable_scope(default_name=...)`: `base_name`, `base_name_1`, ...
    """
    graph = tf.compat.v1.get_default_graph()
    uids = _NAME_UIDS.setdefault(graph, {})
    uids[base_name] = uids.get(base_name, 0) + 1
    return f"{base_name}_{uids[base_name]}"


class LegacyLayer(object):
    """Base class with tf.compat.v1.layers.Layer's graph-mode behaviour."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        self.activity_regularizer = kwargs.pop("activity_regularizer", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword "
                f"arguments: {sorted(kwargs)}"
            )
        self._trainable = bool(trainable)
        self.built = False
        self._dtype = None if dtype is None else tf.as_dtype(dtype)
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        # (inputs, outputs, updates it added, losses it added) of each call
        self._calls = []
        self._current_scope = None
        self._init_set_name(name)
        if scope:
            with tf.compat.v1.variable_scope(scope) as captured_scope:
                self._scope = captured_scope
        else:
            self._scope = None

    def _init_set_name(self, name):
        if isinstance(name, tf.compat.v1.VariableScope):
            self._base_name = name.name
            self._name = _unique_layer_name(_snake_case(type(self).__name__))
        elif name:
            self._base_name = name
            self._name = name
        else:
            self._base_name = _snake_case(type(self).__name__)
            self._name = _unique_layer_name(self._base_name)

    # ---- properties users of tf.layers relied on -------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return None if self._dtype is None else self._dtype.name

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def scope_name(self):
        if not self._scope:
            raise ValueError(
                f"No name available for layer scope because the layer "
                f'"{self._name}" has not been used yet. The scope name '
                "is determined the first time the layer instance is "
                "called. You must therefore call the layer before "
                "querying `scope_name`."
            )
        return self._scope.name

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self):
        return list(self._updates) if self.trainable else []

    @property
    def losses(self):
        return list(self._losses)

    # ---- variable scope handling ------------------------------------------
    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with tf.compat.v1.variable_scope(
                    scope if scope is not None else self._base_name
                ) as captured:
                    self._scope = captured
            else:
                with tf.compat.v1.variable_scope(
                    scope, default_name=self._base_name
                ) as captured:
                    self._scope = captured

    @contextlib.contextmanager
    def _inside_scope(self):
        """Re-enters the layer's variable scope (reusing once built) and the
        name scope it opened first."""
        reuse = True if self.built else self._reuse
        with tf.compat.v1.variable_scope(
            self._scope, reuse=reuse, auxiliary_name_scope=False
        ) as scope:
            self._current_scope = scope
            with tf.compat.v1.name_scope(scope.original_name_scope):
                yield scope

    @contextlib.contextmanager
    def partitioner_disabled(self):
        """Creates the variables inside without the scope's partitioner.

        For variables that cannot be partitioned (moving statistics): TF1's
        layers cleared the partitioner of their own scope around them, and
        `add_weight` re-enters that scope, not the current one.
        """
        self._set_scope(None)
        saved = self._scope.partitioner
        self._scope.set_partitioner(None)
        try:
            yield
        finally:
            self._scope.set_partitioner(saved)

    def add_weight(
        self,
        name,
        shape,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable=True,
        constraint=None,
        synchronization=tf.VariableSynchronization.AUTO,
        aggregation=tf.VariableAggregation.NONE,
    ):
        """Gets or creates a variable in the layer's scope (see class doc)."""
        if synchronization == tf.VariableSynchronization.ON_READ:
            trainable = False
        trainable = bool(trainable) and self.trainable
        created = []

        def watch_creation(next_creator, **kwargs):
            created.append(kwargs.get("name"))
            return next_creator(**kwargs)

        self._set_scope(None)
        with self._inside_scope(), tf.compat.v1.variable_creator_scope(
            watch_creation
        ):
            variable = tf.compat.v1.get_variable(
                name,
                shape=shape,
                dtype=dtype or self._dtype or tf.float32,
                initializer=initializer,
                trainable=trainable,
                constraint=constraint,
                synchronization=synchronization,
                aggregation=aggregation,
            )
            # Regularized once, when created (not when reused).
            if regularizer is not None and created:
                with tf.compat.v1.name_scope(name + "/Regularizer"):
                    loss = regularizer(variable)
                if loss is not None:
                    self._losses.append(loss)
                    tf.compat.v1.add_to_collection(
                        _GraphKeys.REGULARIZATION_LOSSES, loss
                    )
        # A custom getter may have made it non-trainable after all.
        if trainable and variables_lib.in_collection(
            variable, _GraphKeys.TRAINABLE_VARIABLES
        ):
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        return variable

    def add_variable(self, *args, **kwargs):
        """Deprecated TF1 alias of `add_weight`."""
        return self.add_weight(*args, **kwargs)

    def add_update(self, update, inputs=None):
        del inputs  # every update of these layers depends on their inputs
        self._updates.append(update)

    def add_loss(self, losses, inputs=None):
        """Adds losses to `.losses` and REGULARIZATION_LOSSES, as TF1 layers.

        Args:
          losses: a loss tensor or a list of them (None entries are skipped).
          inputs: the inputs the losses depend on (None: unconditional).
        """
        del inputs
        if not isinstance(losses, (list, tuple)):
            losses = [losses]
        for loss in losses:
            if loss is not None:
                self._losses.append(loss)
                tf.compat.v1.add_to_collection(_GraphKeys.REGULARIZATION_LOSSES, loss)

    def get_updates_for(self, inputs):
        """The updates that depend on `inputs` (None: the unconditional ones).

        A normalization's updates all depend on the inputs they were built
        for, so `get_updates_for(None)` is empty, as in TF1.
        """
        if inputs is None:
            return []
        return self._added_by_calls_on(inputs, 2)

    def get_losses_for(self, inputs):
        """The losses that depend on `inputs`: the activity regularization of
        the calls on them; the weight regularization losses are unconditional
        (`get_losses_for(None)`)."""
        if inputs is None:
            conditional = {id(loss) for call in self._calls for loss in call[3]}
            return [loss for loss in self._losses if id(loss) not in conditional]
        return self._added_by_calls_on(inputs, 3)

    def _added_by_calls_on(self, inputs, index):
        """The updates (`index` 2) or losses (3) of the calls on `inputs`."""
        wanted = {id(t) for t in tf.nest.flatten(inputs)}
        return [
            item
            for call in self._calls
            if id(call[0]) in wanted
            for item in call[index]
        ]

    def count_params(self):
        """The number of scalars in the layer's variables (once built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but "
                "the layer isn't built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return int(sum(v.shape.num_elements() for v in self.weights))

    def get_weights(self):
        """The values of `.weights`, read in the default session.

        TF1 read them in the Keras session; without Keras, run this inside
        `with sess.as_default():` (or a `with tf.compat.v1.Session() as
        sess:` block).
        """
        return _default_session("get_weights").run(self.weights)

    def set_weights(self, weights):
        """Assigns `weights` (NumPy arrays, in the order of `.weights`) in the
        default session, without adding ops to the graph."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer {self.name} with "
                f"a weight list of length {len(weights)}, but the layer was "
                f"expecting {len(params)} weights. Provided weights: "
                f"{str(weights)[:50]}..."
            )
        session = _default_session("set_weights")
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            if not variable.shape.is_compatible_with(value.shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not "
                    f"compatible with provided weight shape {value.shape}."
                )
            # What the deprecated `Variable.load` does: run the initializer
            # with the value fed for its initial value.
            initializer = variable.initializer
            session.run(initializer, {initializer.inputs[1]: value})

    def compute_output_shape(self, input_shape):
        """A normalization keeps the shape of its input."""
        return tf.TensorShape(input_shape)

    def get_config(self):
        """The constructor arguments that rebuild an equal layer."""
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @property
    def input(self):
        """The input of the layer's only call."""
        return self._only_call("input")[0]

    @property
    def output(self):
        """The output of the layer's only call."""
        return self._only_call("output")[1]

    @property
    def graph(self):
        """The graph of the layer's first call (None before it)."""
        return self._calls[0][0].graph if self._calls else None

    def _only_call(self, what):
        if not self._calls:
            raise AttributeError(
                f"Layer {self.name} is not connected, no {what} to return."
            )
        if len(self._calls) > 1:
            raise AttributeError(
                f"Layer {self.name} has multiple inbound nodes, hence the "
                f'notion of "layer {what}" is ill-defined.'
            )
        return self._calls[0]

    # ---- calling ------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        raise NotImplementedError

    def apply(self, inputs, *args, **kwargs):
        return self.__call__(inputs, *args, **kwargs)

    def __call__(self, inputs, *args, **kwargs):
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        with self._inside_scope():
            inputs = self._convert_inputs(inputs)
            if not self.built:
                if self._dtype is None:
                    self._dtype = inputs.dtype.base_dtype
                self.build(inputs.shape)
                self.built = True
            updates_before = len(self._updates)
            losses_before = len(self._losses)
            outputs = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:
                self._regularize_activity(outputs)
        self._calls.append(
            (
                inputs,
                outputs,
                self._updates[updates_before:],
                self._losses[losses_before:],
            )
        )
        # TF1 touched UPDATE_OPS (creating it) even when adding nothing.
        collection = tf.compat.v1.get_collection_ref(_GraphKeys.UPDATE_OPS)
        if self.trainable:
            for update in self._updates:
                if not variables_lib.in_collection(update, _GraphKeys.UPDATE_OPS):
                    collection.append(update)
        return outputs

    def _convert_inputs(self, inputs):
        return tf.convert_to_tensor(inputs)

    def _regularize_activity(self, outputs):
        """Adds `activity_regularizer(output) / batch size` for each output,
        as TF1 did (the strength does not depend on the batch size)."""
        with tf.compat.v1.name_scope("ActivityRegularizer"):
            for output in tf.nest.flatten(outputs):
                loss = self.activity_regularizer(output)
                batch = tf.cast(tf.shape(output)[0], loss.dtype)
                self.add_loss(loss / batch)


class LayerVariables(object):
    """How a legacy layer makes its variables, with `params.ModelVariables`'
    methods (the batch-norm engine creates tf.layers' variables through it).

    The layer's `<name>_initializer`, `<name>_regularizer` and
    `<name>_constraint` attributes apply: the parameters are trainable
    weights (if the layer is trainable), the statistics non-trainable,
    sync-on-read and mean-aggregated, as TF1's tf.layers made them.
    """

    def __init__(self, layer):
        self._layer = layer

    def initializer(self, name, default, shape):
        """The layer's `<name>_initializer`, else `default`."""
        del shape  # checked by the layer
        return getattr(self._layer, name + "_initializer", None) or default

    def param(self, name, shape, dtype, initializer):
        return self._weight(
            name,
            shape,
            dtype,
            initializer,
            regularizer=getattr(self._layer, name + "_regularizer", None),
            constraint=getattr(self._layer, name + "_constraint", None),
            trainable=True,
        )

    def statistic(self, name, shape, dtype, initializer):
        return self._weight(
            name,
            shape,
            dtype,
            initializer,
            trainable=False,
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.MEAN,
        )

    def _weight(self, name, shape, dtype, initializer, **kwargs):
        return self._layer.add_weight(
            name, shape, dtype=dtype, initializer=initializer, **kwargs
        )

    def no_partitioner(self):
        return self._layer.partitioner_disabled()
