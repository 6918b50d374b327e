"""Checking and normalizing the arguments of the tf.layers host layers.

Sizes, strides and dilation rates become tuples of ints, `padding` and
`data_format` lower-case strings, and the shape arithmetic of convolutions and
pooling lives here. Every error names the argument and the value received, at
graph-build time.
"""

import numbers

import tensorflow as tf

CHANNELS_LAST = "channels_last"
CHANNELS_FIRST = "channels_first"
_PADDINGS = ("valid", "same", "causal")


def positive_int(value, arg_name):
    """`value` as an int, or a ValueError unless it is a positive integer.

    Floats with an integral value (`filters=32.0`) are accepted, as in TF1.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if float(value).is_integer() and value > 0:
            return int(value)
    raise ValueError(
        f"`{arg_name}` must be a positive integer. Received: {arg_name}={value!r}"
    )


def int_tuple(value, n, arg_name, allow_zero=False):
    """An int or a sequence of `n` ints, as a tuple of `n` ints.

    Raises:
      ValueError: for another length, a non-integer entry, or an entry that
        is not positive (negative with `allow_zero`).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
        if values is None or len(values) != n or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool)
            for v in values
        ):
            raise ValueError(
                f"`{arg_name}` must be an int or a tuple of {n} ints. "
                f"Received: {arg_name}={value!r}"
            )
        values = tuple(int(v) for v in values)
    lowest = 0 if allow_zero else 1
    if min(values) < lowest:
        raise ValueError(
            f"`{arg_name}` must contain only values >= {lowest}. "
            f"Received: {arg_name}={value!r}"
        )
    return values


def padding(value, allow_causal=False):
    """'valid' or 'same' (or 'causal' where allowed), in any case."""
    allowed = _PADDINGS if allow_causal else _PADDINGS[:2]
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise ValueError(
        f"`padding` must be one of {', '.join(repr(p) for p in allowed)}. "
        f"Received: padding={value!r}"
    )


def data_format(value):
    """'channels_last' or 'channels_first' (any case)."""
    if isinstance(value, str) and value.lower() in (CHANNELS_LAST, CHANNELS_FIRST):
        return value.lower()
    raise ValueError(
        f"`data_format` must be '{CHANNELS_LAST}' or '{CHANNELS_FIRST}'. "
        f"Received: data_format={value!r}"
    )


def tf_data_format(fmt, rank):
    """'NWC', 'NHWC', 'NDHWC' or their channels-first forms."""
    spatial = {1: "W", 2: "HW", 3: "DHW"}[rank]
    return "NC" + spatial if fmt == CHANNELS_FIRST else "N" + spatial + "C"


def channel_axis(fmt, ndim):
    return 1 if fmt == CHANNELS_FIRST else ndim - 1


def spatial_axes(fmt, rank):
    start = 2 if fmt == CHANNELS_FIRST else 1
    return list(range(start, start + rank))


def conv_output_length(length, size, pad, stride, dilation=1):
    """The output length of a convolution or pooling window (None stays)."""
    if length is None:
        return None
    size = size + (size - 1) * (dilation - 1)
    if pad in ("same", "causal"):
        out = length
    else:
        out = length - size + 1
    return (out + stride - 1) // stride


def deconv_output_length(length, size, pad, stride):
    """The output length of a transposed convolution (None stays)."""
    if length is None:
        return None
    if pad == "valid":
        return length * stride + max(size - stride, 0)
    return length * stride


def check_input_rank(layer, inputs, ndim=None, min_ndim=None):
    """Raises ValueError unless `inputs` has rank `ndim` (or >= `min_ndim`)."""
    rank = inputs.shape.rank
    if rank is None:
        if ndim is None:
            return
        raise ValueError(
            f"Layer `{layer.name}` needs inputs of rank {ndim}. Received: "
            f"inputs with undefined rank (shape={inputs.shape})"
        )
    if ndim is not None and rank != ndim:
        raise ValueError(
            f"Layer `{layer.name}` needs inputs of rank {ndim}. Received: "
            f"inputs with shape={inputs.shape} (rank {rank})"
        )
    if min_ndim is not None and rank < min_ndim:
        raise ValueError(
            f"Layer `{layer.name}` needs inputs of rank {min_ndim} or more. "
            f"Received: inputs with shape={inputs.shape} (rank {rank})"
        )


def check_input_axis(layer, inputs, axis, expected):
    """Raises ValueError if a built layer gets another size along `axis`."""
    size = tf.compat.dimension_value(inputs.shape[axis])
    if size is not None and size != expected:
        raise ValueError(
            f"Layer `{layer.name}` was built for inputs with {expected} "
            f"features along axis {axis}. Received: inputs with "
            f"shape={inputs.shape}"
        )


def defined_channels(inputs_shape, axis, layer_class):
    """The static size of the channel axis, or TF1's ValueError."""
    size = tf.compat.dimension_value(inputs_shape[axis])
    if size is None:
        raise ValueError(
            f"The channel dimension of the inputs to `{layer_class}` should be "
            f"defined. Found `None`. Received: inputs with shape={inputs_shape} "
            f"(channel axis {axis})"
        )
    return int(size)
