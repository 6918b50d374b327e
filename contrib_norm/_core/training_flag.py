"""The `is_training` / `training` switch: a bool, a bool tensor or placeholder.

When the flag's value is known while the graph is built, only one branch is
built (the legacy "static shortcut"); otherwise a `tf.cond` chooses.
"""

import numpy as np
import tensorflow as tf


def static_value(flag, arg_name="is_training"):
    """Returns True / False when `flag` is known statically, else None.

    Raises:
      TypeError: if `flag` is neither a Python/NumPy bool nor a bool tensor.
    """
    if isinstance(flag, (bool, np.bool_)):
        return bool(flag)
    if isinstance(flag, (int, np.integer)) and flag in (0, 1):
        return bool(flag)
    if isinstance(flag, tf.Variable):
        _check_bool(flag, arg_name)
        return None
    if tf.is_tensor(flag):
        _check_bool(flag, arg_name)
        value = tf.get_static_value(flag)
        return None if value is None else bool(value)
    raise TypeError(
        f"`{arg_name}` must be a Python bool or a scalar tf.bool "
        f"tensor. Received: {arg_name}={flag!r}"
    )


def _check_bool(flag, arg_name):
    if flag.dtype.base_dtype != tf.bool:
        raise TypeError(
            f"`{arg_name}` must be a Python bool or a scalar tf.bool "
            f"tensor. Received: {arg_name} with dtype="
            f"{flag.dtype.name}"
        )
    if flag.shape.rank not in (None, 0):
        raise ValueError(
            f"`{arg_name}` must be a scalar. Received: {arg_name} "
            f"with shape={flag.shape}"
        )


def smart_cond(flag, true_fn, false_fn, name=None, arg_name="is_training"):
    """Calls one branch when `flag` is static, else builds a `tf.cond`."""
    value = static_value(flag, arg_name)
    if value is None:
        return tf.cond(flag, true_fn, false_fn, name=name)
    return true_fn() if value else false_fn()


def needs_training_branch(flag, arg_name="is_training"):
    """True unless `flag` is statically False (then no updates are built)."""
    return static_value(flag, arg_name) is not False
