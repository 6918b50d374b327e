"""Checking the arguments every normalization layer takes: the `inputs`
tensor (dtype, rank, static dimensions) and its number hyper-parameters."""

import math
import numbers

import tensorflow as tf


def as_float_tensor(inputs, arg_name="inputs"):
    """Converts `inputs` to a tensor and checks that it is floating point.

    Raises:
      TypeError: if the tensor's dtype is not a floating-point type.
    """
    tensor = tf.convert_to_tensor(inputs)
    if not tensor.dtype.is_floating:
        raise TypeError(
            f"`{arg_name}` must be a floating-point tensor (float16, "
            "bfloat16, float32 or float64). Received: "
            f"{arg_name} with dtype={tensor.dtype.name}"
        )
    return tensor


def describe(tensor):
    """A short description of a graph tensor for error messages."""
    name = getattr(tensor, "name", None) or "<eager tensor>"
    return name


def known_rank(tensor, arg_name="inputs", legacy_phrase="has undefined rank"):
    """Returns the static rank, or raises the legacy undefined-rank error."""
    rank = tensor.shape.rank
    if rank is None:
        raise ValueError(
            f"Inputs {describe(tensor)} {legacy_phrase}. "
            f"Received: {arg_name} with shape={tensor.shape}"
        )
    return rank


def require_min_rank(
    tensor, rank, min_rank, function, arg_name="inputs", expected=None
):
    """Raises ValueError if `rank` < `min_rank`, naming the shape received."""
    if rank < min_rank:
        expected = expected or f"rank {min_rank} or more"
        raise ValueError(
            f"`{function}` needs {arg_name} of {expected}. "
            f"Received: {arg_name} with shape={tensor.shape} "
            f"(rank {rank})"
        )


def static_dim(tensor, axis, legacy_phrase, arg_name="inputs"):
    """Returns the static size of `axis`, or raises the undefined-dim error."""
    size = tf.compat.dimension_value(tensor.shape[axis])
    if size is None:
        raise ValueError(
            f"Inputs {describe(tensor)} {legacy_phrase}. "
            f"Received: {arg_name} with shape={tensor.shape}"
        )
    return int(size)


# The range each named hyper-parameter must lie in: (phrase, test).
_RANGES = {
    "epsilon": ("a finite number > 0", lambda v: math.isfinite(v) and v > 0),
}
_RANGES.update(
    (name, ("in [0, 1]", lambda v: 0 <= v <= 1))
    for name in ("decay", "momentum", "renorm_decay", "renorm_momentum")
)


def static_number(value):
    """The Python float of a number or a constant scalar tensor, else None."""
    if isinstance(value, tf.Variable):
        return None
    if tf.is_tensor(value):
        value = tf.get_static_value(value)
        if value is None or getattr(value, "ndim", 0) != 0:
            return None
    return float(value)


def check_numbers(**values):
    """Rejects hyper-parameters (epsilon, decay, momentum, ...) that are not
    numbers, or impossible ones.

    A real number or a tensor passes the type check; None, a string or a
    bool gets a TypeError naming the argument, not an error deep inside
    TensorFlow. Then, where the value is known while the graph is built (a
    number or a constant tensor): `epsilon` must be finite and > 0 (else the
    output is NaN), and `decay`, `momentum`, `renorm_decay` and
    `renorm_momentum` must be in [0, 1] (else the moving statistics
    diverge).

    Args:
      **values: the arguments to check, by name.

    Raises:
      TypeError: for a value that is neither a real number nor a tensor.
      ValueError: for a value outside its range.
    """
    for arg_name, value in values.items():
        if not (tf.is_tensor(value) or isinstance(value, tf.Variable)) and (
            isinstance(value, bool) or not isinstance(value, numbers.Real)
        ):
            raise TypeError(
                f"`{arg_name}` must be a number or a scalar tensor. "
                f"Received: {arg_name}={value!r}"
            )
        if arg_name not in _RANGES:
            continue
        phrase, holds = _RANGES[arg_name]
        number = static_number(value)
        if number is not None and not holds(number):
            shown = number if tf.is_tensor(value) else value
            raise ValueError(
                f"`{arg_name}` must be {phrase}. Received: {arg_name}={shown!r}"
            )
