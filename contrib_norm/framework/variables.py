"""tf.contrib.framework's variable functions (also tf.contrib.slim's).

Creating variables (:func:`variable`, :func:`model_variable`,
:func:`local_variable`, :func:`global_variable`) and finding them in the
graph's collections by scope, suffix or name (:func:`get_variables` and the
functions built on it), with tf-slim 1.1.0's semantics, on public
``tf.compat.v1``.
"""

import functools

import tensorflow as tf

from contrib_norm.framework.arg_scope import add_arg_scope

_GraphKeys = tf.compat.v1.GraphKeys

__all__ = [
    "add_model_variable",
    "get_local_variables",
    "get_model_variables",
    "get_trainable_variables",
    "get_unique_variable",
    "get_variables",
    "get_variables_by_name",
    "get_variables_by_suffix",
    "get_variables_to_restore",
    "global_variable",
    "local_variable",
    "model_variable",
    "variable",
]


def _value_variable(initial_value, collection, validate_shape, name,
                    use_resource):
    return tf.compat.v1.Variable(
        initial_value, trainable=False, collections=[collection],
        validate_shape=validate_shape, use_resource=use_resource, name=name)


def local_variable(initial_value, validate_shape=True, name=None,
                   use_resource=None):
    """Creates a non-trainable variable in ``GraphKeys.LOCAL_VARIABLES`` only.

    Args:
        initial_value: The variable's initial value (see ``tf.Variable``).
        validate_shape: Whether the shape of ``initial_value`` must be known.
        name: The variable's name.
        use_resource: Whether to create a resource variable.

    Returns:
        The new variable.
    """
    return _value_variable(initial_value, _GraphKeys.LOCAL_VARIABLES,
                           validate_shape, name, use_resource)


def global_variable(initial_value, validate_shape=True, name=None,
                    use_resource=None):
    """As :func:`local_variable`, in ``GraphKeys.GLOBAL_VARIABLES`` only."""
    return _value_variable(initial_value, _GraphKeys.GLOBAL_VARIABLES,
                           validate_shape, name, use_resource)


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
             trainable=True, collections=None, caching_device=None,
             device=None, partitioner=None, custom_getter=None,
             use_resource=None,
             synchronization=tf.VariableSynchronization.AUTO,
             aggregation=tf.VariableAggregation.NONE):
    """Gets an existing variable with these parameters or creates a new one.

    As ``tf.compat.v1.get_variable`` in the current variable scope, but for
    ``collections`` (default: ``[GraphKeys.GLOBAL_VARIABLES]``), ``device``
    (a device string or function, applied around the creation) and
    ``custom_getter``, called as ``custom_getter(name, ..., reuse=<the
    current scope's reuse>)`` in place of ``get_variable``. The
    regularizer's loss goes to ``REGULARIZATION_LOSSES`` when the variable is
    created.

    Returns:
        The created or existing variable.
    """
    collections = list(set(
        collections if collections is not None
        else [_GraphKeys.GLOBAL_VARIABLES]))
    getter = tf.compat.v1.get_variable
    if custom_getter is not None:
        getter = functools.partial(
            custom_getter, reuse=tf.compat.v1.get_variable_scope().reuse)
    with tf.compat.v1.device(device or ""):
        return getter(
            name, shape=shape, dtype=dtype, initializer=initializer,
            regularizer=regularizer, trainable=trainable,
            collections=collections, caching_device=caching_device,
            partitioner=partitioner, use_resource=use_resource,
            synchronization=synchronization, aggregation=aggregation)


@add_arg_scope
def model_variable(name, shape=None, dtype=tf.float32, initializer=None,
                   regularizer=None, trainable=True, collections=None,
                   caching_device=None, device=None, partitioner=None,
                   custom_getter=None, use_resource=None,
                   synchronization=tf.VariableSynchronization.AUTO,
                   aggregation=tf.VariableAggregation.NONE):
    """Gets or creates a model variable: :func:`variable`, in
    ``collections`` plus ``GLOBAL_VARIABLES`` and ``MODEL_VARIABLES``.

    Returns:
        The created or existing variable.
    """
    collections = list(collections or [])
    collections += [_GraphKeys.GLOBAL_VARIABLES, _GraphKeys.MODEL_VARIABLES]
    return variable(
        name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, device=device, partitioner=partitioner,
        custom_getter=custom_getter, use_resource=use_resource,
        synchronization=synchronization, aggregation=aggregation)


def add_model_variable(var):
    """Adds ``var`` to ``GraphKeys.MODEL_VARIABLES`` unless it is there."""
    if var not in tf.compat.v1.get_collection(_GraphKeys.MODEL_VARIABLES):
        tf.compat.v1.add_to_collection(_GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope=None, suffix=None,
                  collection=_GraphKeys.GLOBAL_VARIABLES):
    """The variables of ``collection`` filtered by scope and/or suffix.

    Args:
        scope: A ``VariableScope`` or a string, matched (as a regular
            expression) at the start of the variables' names.
        suffix: A string the names must end with, before the ``:0`` output
            index (a regular expression too).
        collection: The collection to search (default ``GLOBAL_VARIABLES``).

    Returns:
        A list of variables, in the order of the collection.
    """
    if scope and isinstance(scope, tf.compat.v1.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return tf.compat.v1.get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    """:func:`get_variables` of ``GraphKeys.MODEL_VARIABLES``."""
    return get_variables(scope, suffix, _GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    """:func:`get_variables` of ``GraphKeys.LOCAL_VARIABLES``."""
    return get_variables(scope, suffix, _GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    """:func:`get_variables` of ``GraphKeys.TRAINABLE_VARIABLES``."""
    return get_variables(scope, suffix, _GraphKeys.TRAINABLE_VARIABLES)


def _scopes_arg(value, arg_name):
    if not isinstance(value, (list, tuple)):
        raise TypeError("%s is provided but is not a list or a tuple."
                        % arg_name)
    return value


def get_variables_to_restore(include=None, exclude=None):
    """The global variables under the scopes ``include`` (default: all),
    less those under the scopes ``exclude``.

    Args:
        include: A list or tuple of scope strings, or None.
        exclude: A list or tuple of scope strings, or None.

    Returns:
        A list of variables.

    Raises:
        TypeError: If ``include`` or ``exclude`` is given but is not a list
            or a tuple.
    """
    if include is None:
        included = get_variables()
    else:
        included = []
        for scope in _scopes_arg(include, "include"):
            included += get_variables(scope)
    excluded = set()
    if exclude is not None:
        for scope in _scopes_arg(exclude, "exclude"):
            excluded |= set(get_variables(scope))
    return [v for v in included if v not in excluded]


def get_variables_by_suffix(suffix, scope=None):
    """The global variables whose names end with ``suffix``."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """The global variables named ``given_name`` (their last name part)."""
    suffix = "/" + given_name + ":|^" + given_name + ":"
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name):
    """The global variable whose op is named ``var_op_name``.

    Raises:
        ValueError: If no variable has that name (or none matches it
            exactly among those under that scope).
    """
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError("Couldn't find variable %s" % var_op_name)
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError("Variable %s does not uniquely identify a variable"
                     % var_op_name)
