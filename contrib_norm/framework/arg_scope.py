"""Argument scoping in the style of ``tf.contrib.framework.arg_scope``.

An *arg scope* lets a block of code supply default keyword arguments to a set
of functions without repeating them at every call site::

    import contrib_norm

    with contrib_norm.framework.arg_scope([my_conv], normalizer_fn=bn,
                                          normalizer_params={"decay": 0.9}):
        net = my_conv(images, 32, scope="conv1")   # gets normalizer_fn=bn
        net = my_conv(net, 64, scope="conv2")

Only functions decorated with :func:`add_arg_scope` take part.  The rules are
those of TensorFlow 1.x:

* Scopes nest. An inner scope extends the outer one; for a function listed in
  both, the inner scope's values override the outer ones key by key.
* Arguments passed explicitly at the call site always win over scoped ones.
* ``arg_scope`` yields the scope dictionary, which can be stored and given back
  to ``arg_scope`` later to re-enter exactly that scope (replacing, not
  extending, whatever scope is active at that point).
* Scopes are keyed by a string that identifies the undecorated function
  object, ``str(func)`` as in TensorFlow 1.x (the decorated function carries
  it as ``_key_op``), so a function decorated twice, or a re-decorated alias
  of it, shares one scope, while two distinct functions never do, even with
  the same name (two closures made by one factory, two lambdas).

The active scopes form one process-wide stack, as in TensorFlow 1.x.
"""

import contextlib
import functools
import inspect

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "current_arg_scope",
    "has_arg_scope",
]

# Stack of active scopes; the bottom entry is the empty "no scope" dict.
_ARGSTACK = [{}]

# key of a decorated function -> tuple of the argument names a scope may set.
_DECORATED_OPS = {}


def _get_arg_stack():
    if not _ARGSTACK:
        _ARGSTACK.append({})
    return _ARGSTACK


def current_arg_scope():
    """Returns the innermost active arg scope.

    Returns:
        The scope dictionary, mapping a function key (see
        :func:`arg_scope_func_key`) to a dict of default keyword arguments. It
        is empty when no scope is active. It can be passed to
        :func:`arg_scope` to re-enter the scope later.
    """
    return _get_arg_stack()[-1]


def _describe(op):
    """A readable name for ``op`` to use in error messages."""
    module = getattr(op, "__module__", None)
    name = getattr(op, "__qualname__", None) or getattr(op, "__name__", None)
    if name is None:
        return repr(op)
    return "%s.%s" % (module, name) if module else name


def arg_scope_func_key(op):
    """Returns the key under which arg scopes store defaults for ``op``.

    Args:
        op: A function, decorated with :func:`add_arg_scope` or not.

    Returns:
        ``op._key_op`` when the function has been decorated (or wraps a
        decorated function); otherwise ``str(op)``, which names the object
        (``<function f at 0x...>``).
    """
    key = getattr(op, "_key_op", None)
    if key is not None:
        return key
    return str(op)


def _kwarg_names(func):
    """Names of the arguments of ``func`` that have a default value."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return ()
    return tuple(
        p.name
        for p in params
        if p.default is not inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )


def _positional_names(func):
    """Names of the parameters of ``func`` that positional arguments fill."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return ()
    return tuple(
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    )


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default keyword arguments for a list of functions.

    Args:
        list_ops_or_scope: Either a list or tuple of functions decorated with
            :func:`add_arg_scope`, whose defaults ``kwargs`` sets, or a scope
            dictionary previously yielded by ``arg_scope`` (or returned by
            :func:`current_arg_scope`), which is re-entered as it was.
        **kwargs: The default keyword arguments for every function in the
            list. Must be empty when re-entering a scope dictionary.

    Yields:
        The new current scope: a dict mapping each function key to its
        default keyword arguments.

    Raises:
        TypeError: If ``list_ops_or_scope`` is not a list, tuple or dict.
        ValueError: If a function in the list is not decorated with
            :func:`add_arg_scope`, or if ``kwargs`` are given together with a
            scope dictionary.
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError(
                "When attempting to re-use a scope by supplying a dictionary, "
                "kwargs must be empty; got kwargs %s." % sorted(kwargs)
            )
        current_scope = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError(
                "list_ops_or_scope must either be a list/tuple or reused scope "
                "(i.e. dict); got %s: %r"
                % (type(list_ops_or_scope).__name__, list_ops_or_scope)
            )
        current_scope = current_arg_scope().copy()
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(
                    "%s is not decorated with @add_arg_scope" % _describe(op)
                )
            key = arg_scope_func_key(op)
            merged = dict(current_scope.get(key, {}))
            merged.update(kwargs)
            current_scope[key] = merged
    stack = _get_arg_stack()
    stack.append(current_scope)
    try:
        yield current_scope
    finally:
        stack.pop()


def add_arg_scope(func):
    """Decorates a function so that :func:`arg_scope` can set its arguments.

    The returned function keeps the name, docstring, module and signature of
    ``func`` (through :func:`functools.wraps`). When called, it takes the
    defaults that the active arg scope holds for ``func``, lets the call's own
    arguments override them, and calls ``func``.

    Args:
        func: The function to decorate.

    Returns:
        The decorated function. It has a ``_key_op`` attribute with the key
        under which scopes store its defaults.

    Raises:
        TypeError: If ``func`` is not callable.
    """
    if not callable(func):
        raise TypeError(
            "add_arg_scope expects a callable, got %s: %r"
            % (type(func).__name__, func)
        )
    key = arg_scope_func_key(func)
    positional = _positional_names(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        scoped = current_arg_scope().get(key)
        if scoped:
            call_kwargs = dict(scoped)
            # Arguments given positionally at the call site win as well.
            for name in positional[: len(args)]:
                call_kwargs.pop(name, None)
            call_kwargs.update(kwargs)
        else:
            call_kwargs = kwargs
        return func(*args, **call_kwargs)

    _DECORATED_OPS[key] = _kwarg_names(func)
    func_with_args._key_op = key
    return func_with_args


def has_arg_scope(func):
    """Checks whether a function has been decorated with :func:`add_arg_scope`.

    Args:
        func: The function to check.

    Returns:
        True if ``func`` (or the function it shares its key with) has been
        decorated, False otherwise.
    """
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func):
    """Returns the names of the arguments an arg scope can set for ``func``.

    Args:
        func: A function decorated with :func:`add_arg_scope`.

    Returns:
        A tuple with the names of the arguments of the undecorated function
        that have default values.

    Raises:
        ValueError: If ``func`` is not decorated with :func:`add_arg_scope`.
    """
    if not has_arg_scope(func):
        raise ValueError(
            "%s is not decorated with @add_arg_scope" % _describe(func)
        )
    return _DECORATED_OPS[arg_scope_func_key(func)]
