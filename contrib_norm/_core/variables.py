"""Model variables, their collections, regularizers and reuse.

Mirrors tf.contrib.framework's `model_variable` and the collection helpers of
tf.contrib.layers, on the public `tf.compat.v1.get_variable`.
"""

import weakref

import numpy as np
import tensorflow as tf

_GraphKeys = tf.compat.v1.GraphKeys


def check_dict_keys(arg_name, value, allowed):
    """Raises ValueError if the dict `value` has keys outside `allowed`.

    Legacy code silently ignored misspelt keys (e.g. `{'gama': ...}`), which
    trains with the default instead of what the user asked for.
    """
    if value is None or not isinstance(value, dict):
        return
    unknown = sorted(set(value) - set(allowed), key=str)
    if unknown:
        raise ValueError(
            f"`{arg_name}` has unknown keys {unknown}; the allowed "
            f"keys are {sorted(allowed)}. Received: "
            f"{arg_name}={value!r}"
        )


def check_dict(arg_name, value, allowed):
    """None or a dict whose keys are among `allowed`, else an error naming
    `arg_name` (a TypeError for a value that is not a dict)."""
    if value is not None and not isinstance(value, dict):
        raise TypeError(
            f"`{arg_name}` must be a dict with keys among {list(allowed)}. "
            f"Received: {arg_name}={value!r}"
        )
    check_dict_keys(arg_name, value, allowed)


def collections_for(variables_collections, name):
    """The collections for variable `name` (a list, a per-name dict, or None)."""
    if isinstance(variables_collections, dict):
        collections = variables_collections.get(name, None)
    else:
        collections = variables_collections
    if isinstance(collections, str):
        collections = [collections]
    return collections


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def model_variable(
    name,
    shape,
    dtype,
    initializer,
    regularizer=None,
    trainable=True,
    collections=None,
    constraint=None,
    synchronization=tf.VariableSynchronization.AUTO,
    aggregation=tf.VariableAggregation.NONE,
    is_model_variable=True,
):
    """Gets or creates a variable in GLOBAL_VARIABLES (and MODEL_VARIABLES).

    Like tf.contrib.framework.model_variable: `collections` are added to
    GLOBAL_VARIABLES and MODEL_VARIABLES; TRAINABLE_VARIABLES follows
    `trainable`. The regularizer's loss goes to REGULARIZATION_LOSSES when the
    variable is created (not when it is reused).
    """
    collections = list(collections or [])
    collections.append(_GraphKeys.GLOBAL_VARIABLES)
    if is_model_variable:
        collections.append(_GraphKeys.MODEL_VARIABLES)
    return tf.compat.v1.get_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=_unique(collections),
        constraint=constraint,
        synchronization=synchronization,
        aggregation=aggregation,
    )


def model_variable_getter(getter, *args, **kwargs):
    """A variable-scope custom getter that makes every variable a model one.

    The tf.layers path of legacy `batch_norm` ran inside such a getter, so the
    layer's variables (and zero-debias helpers) land in MODEL_VARIABLES.
    """
    collections = list(kwargs.get("collections") or [_GraphKeys.GLOBAL_VARIABLES])
    collections.append(_GraphKeys.MODEL_VARIABLES)
    kwargs["collections"] = _unique(collections)
    return getter(*args, **kwargs)


def add_to_collections_once(variable, collections):
    """Adds `variable` to each collection that does not hold it yet."""
    for collection in collections or []:
        if not in_collection(variable, collection):
            tf.compat.v1.add_to_collection(collection, variable)


# Per graph and collection key, what the collection holds (see `_Index`).
_INDEXES = weakref.WeakKeyDictionary()


class _Index(object):
    """The ids and op names of the items of one graph collection, kept current.

    Collections only grow in normal use, so each query indexes just the items
    appended since the previous one: building N layers costs O(N) in all,
    where scanning the collection on each query (as TF1's tf.layers did)
    costs O(N^2). A collection edited otherwise (shortened, or its items
    replaced) is indexed again from the start.
    """

    def __init__(self, items):
        self.items = items
        self.ids = set()
        self.names = set()
        self.count = 0
        self.last = None

    def refresh(self):
        items = self.items
        if len(items) < self.count or (
            self.count and items[self.count - 1] is not self.last
        ):
            self.ids, self.names, self.count = set(), set(), 0
        if len(items) > self.count:
            for item in items[self.count :]:
                self.ids.add(id(item))
                op = getattr(item, "op", None)
                name = getattr(op, "name", None)
                if name is not None:
                    self.names.add(name)
            self.count = len(items)
            self.last = items[-1]
        return self


def _index(key):
    """The current `_Index` of collection `key` of the default graph, or None."""
    graph = tf.compat.v1.get_default_graph()
    if key not in graph.get_all_collection_keys():
        return None  # Do not create the collection by looking at it.
    items = graph.get_collection_ref(key)
    indexes = _INDEXES.setdefault(_owner(graph, key, items), {})
    index = indexes.get(key)
    if index is None or index.items is not items:
        index = indexes[key] = _Index(items)
    return index.refresh()


def _owner(graph, key, items):
    """The outermost graph whose collection `key` is the list `items`.

    The branch graphs of a `tf.cond` share their outer graph's collections:
    they share its index too, instead of indexing the collection again.
    """
    while True:
        outer = getattr(graph, "outer_graph", None)
        if (
            outer is None
            or key not in outer.get_all_collection_keys()
            or outer.get_collection_ref(key) is not items
        ):
            return graph
        graph = outer


def in_collection(item, key):
    """Whether collection `key` of the default graph holds `item` (identity).

    O(1) amortized: see `_Index`.
    """
    index = _index(key)
    return index is not None and id(item) in index.ids


def op_name_in_collection(name, key):
    """Whether an item of collection `key` has the op name `name`."""
    index = _index(key)
    return index is not None and name in index.names


def append_tensor_alias(tensor, alias):
    """Appends `alias` (less a trailing '/') to `tensor.aliases`; returns it."""
    if alias.endswith("/"):
        alias = alias[:-1]
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def collect_named_outputs(collections, alias, outputs):
    """Adds `outputs` to `collections` (a name or a list; None or empty:
    none) tagged with `alias` (see `append_tensor_alias`); returns them."""
    if collections:
        append_tensor_alias(outputs, alias)
        tf.compat.v1.add_to_collections(collections, outputs)
    return outputs


def partitioner_disabled():
    """A variable scope equal to the current one, with no partitioner.

    Moving statistics are never partitioned (legacy did the same, since moving
    averages do not support partitioned variables).
    """
    scope = tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope())
    return _NoPartitioner(scope)


class _NoPartitioner(object):
    def __init__(self, scope_cm):
        self._scope_cm = scope_cm

    def __enter__(self):
        scope = self._scope_cm.__enter__()
        scope.set_partitioner(None)
        return scope

    def __exit__(self, *exc):
        return self._scope_cm.__exit__(*exc)


def as_initializer(value, default, arg_name):
    """Accepts an initializer callable, None (-> default), or a common name."""
    if value is None:
        return default
    if isinstance(value, str):
        known = {
            "zeros": tf.compat.v1.zeros_initializer,
            "ones": tf.compat.v1.ones_initializer,
            "glorot_uniform": tf.compat.v1.glorot_uniform_initializer,
            "glorot_normal": tf.compat.v1.glorot_normal_initializer,
        }
        if value not in known:
            raise ValueError(
                f"`{arg_name}` must be an initializer or one of "
                f"{sorted(known)}. Received: {arg_name}={value!r}"
            )
        return known[value]()
    if not callable(value):
        raise TypeError(
            f"`{arg_name}` must be callable. Received: {arg_name}={value!r}"
        )
    return value


def check_constant_shape(initializer, shape, arg_name):
    """Rejects a constant initializer whose value cannot fill `shape`.

    TF1's `constant_initializer` silently padded a list shorter than the
    variable with its last value; a scalar, or exactly one value per element,
    passes.

    Raises:
      ValueError: naming the argument, its values and the parameter's shape.
    """
    constant_types = (tf.compat.v1.constant_initializer, tf.constant_initializer)
    if shape is None or not isinstance(initializer, constant_types):
        return
    size = np.size(initializer.value)
    elements = int(np.prod(shape))
    if size not in (1, elements):
        raise ValueError(
            f"`{arg_name}` is a constant of {size} values, which cannot fill "
            f"the parameter's shape {list(shape)} ({elements} values). "
            f"Received: {arg_name}=constant_initializer({initializer.value!r})"
        )


def param_initializer(param_initializers, name, default, shape):
    """The initializer of the parameter `name` of shape `shape` (None: not
    known yet): `param_initializers[name]` through `as_initializer` (an ndarray
    or an unknown string is a named error), else `default`; checked by
    `check_constant_shape`."""
    arg_name = f"param_initializers['{name}']"
    initializer = as_initializer(
        (param_initializers or {}).get(name), default, arg_name
    )
    check_constant_shape(initializer, shape, arg_name)
    return initializer
