"""tf.contrib.layers.repeat and stack: one layer applied several times, each
call in its own numbered scope, as TensorFlow 1.x had them."""

import tensorflow as tf

from contrib_norm.framework.arg_scope import add_arg_scope


def _layer_name(layer, fallback):
    """`layer.__name__`, the wrapped function's name for a functools.partial,
    else `fallback`: the stem of the numbered scopes."""
    name = getattr(layer, "__name__", None)
    if name is None:
        name = getattr(getattr(layer, "func", None), "__name__", None)
    return fallback if name is None else name


def _apply_numbered(inputs, layer, args_list, kwargs, scope, default_scope, fallback):
    """Calls `layer(outputs, *args, scope=STEM_i, **kwargs)` for each `args`
    of `args_list` (i from 1), inside the variable scope `scope`."""
    kwargs = dict(kwargs)
    with tf.compat.v1.variable_scope(scope, default_scope, [inputs]):
        outputs = tf.convert_to_tensor(inputs)
        stem = scope if scope is not None else _layer_name(layer, fallback)
        for i, args in enumerate(args_list, start=1):
            kwargs["scope"] = "%s_%d" % (stem, i)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


@add_arg_scope
def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies `layer` `repetitions` times with the same arguments.

        y = repeat(x, 3, conv2d, 64, [3, 3], scope='conv1')

    is

        x = conv2d(x, 64, [3, 3], scope='conv1/conv1_1')
        x = conv2d(x, 64, [3, 3], scope='conv1/conv1_2')
        y = conv2d(x, 64, [3, 3], scope='conv1/conv1_3')

    Without `scope` the outer scope is 'Repeat' and the inner ones are named
    after `layer.__name__` (or `layer.func.__name__` for a functools.partial,
    else 'repeat').

    Args:
      inputs: the first call's input.
      repetitions: the number of calls, an int.
      layer: a function `(inputs, *args, **kwargs)` taking `scope`.
      *args: more positional arguments of every call.
      **kwargs: more keyword arguments of every call; `scope` names the
        outer scope and the stem of the inner ones.

    Returns:
      The last call's output.
    """
    scope = kwargs.pop("scope", None)
    return _apply_numbered(
        inputs, layer, [args] * repetitions, kwargs, scope, "Repeat", "repeat"
    )


@add_arg_scope
def stack(inputs, layer, stack_args, **kwargs):
    """Applies `layer` once per entry of `stack_args`, each output feeding the
    next call.

        y = stack(x, fully_connected, [32, 64, 128], scope='fc')

    is

        x = fully_connected(x, 32, scope='fc/fc_1')
        x = fully_connected(x, 64, scope='fc/fc_2')
        y = fully_connected(x, 128, scope='fc/fc_3')

    Without `scope` the outer scope is 'Stack' and the inner ones are named
    after `layer.__name__` (or `layer.func.__name__` for a functools.partial,
    else 'stack').

    Args:
      inputs: the first call's input.
      layer: a function `(inputs, *args, **kwargs)` taking `scope`.
      stack_args: a list or tuple: per call, its positional arguments (a
        list / tuple) or its one positional argument.
      **kwargs: more keyword arguments of every call; `scope` names the
        outer scope and the stem of the inner ones.

    Returns:
      The last call's output.

    Raises:
      ValueError: if `stack_args` is not a list or tuple.
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError(
            "stack_args need to be a list or tuple. Received: "
            f"stack_args={stack_args!r}"
        )
    args_list = [
        args if isinstance(args, (list, tuple)) else [args] for args in stack_args
    ]
    return _apply_numbered(inputs, layer, args_list, kwargs, scope, "Stack", "stack")
