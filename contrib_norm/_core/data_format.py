"""NHWC / NCHW parsing and axis validation shared by every layer."""

DATA_FORMAT_NHWC = "NHWC"
DATA_FORMAT_NCHW = "NCHW"
_VALID_FORMATS = (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC)


def validate_data_format(data_format):
    """Raises the legacy ValueError unless `data_format` is NHWC or NCHW."""
    if not isinstance(data_format, str) or data_format not in _VALID_FORMATS:
        raise ValueError(
            "data_format has to be either NCHW or NHWC. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def channels_axis(data_format, rank):
    """The (non-negative) channels axis of a rank-`rank` input."""
    return 1 if data_format == DATA_FORMAT_NCHW else rank - 1


def normalize_axis(axis, rank, arg_name="axis"):
    """Maps a possibly negative `axis` into [0, rank), or raises ValueError.

    Args:
      axis: a Python int.
      rank: the input's rank.
      arg_name: the argument's name, used in the error message.

    Returns:
      The non-negative axis.

    Raises:
      TypeError: if `axis` is not an int.
      ValueError: if `axis` is outside [-rank, rank).
    """
    if isinstance(axis, bool) or not isinstance(axis, int):
        try:
            import numpy as np  # pylint: disable=g-import-not-at-top

            if isinstance(axis, np.integer):
                axis = int(axis)
            else:
                raise TypeError
        except TypeError:
            raise TypeError(
                f"`{arg_name}` must be an int. Received: {arg_name}={axis!r}"
            ) from None
    if not -rank <= axis < rank:
        raise ValueError(
            f"`{arg_name}` is out of range for an input of rank "
            f"{rank}: it must be in [{-rank}, {rank}). "
            f"Received: {arg_name}={axis}"
        )
    return axis % rank


def normalize_axes(axes, rank, arg_name):
    """Normalizes an int or a sequence of ints; rejects duplicates."""
    if isinstance(axes, (list, tuple)):
        result = [normalize_axis(a, rank, arg_name) for a in axes]
    else:
        result = [normalize_axis(axes, rank, arg_name)]
    if len(set(result)) != len(result):
        raise ValueError(
            f"`{arg_name}` contains a duplicate axis. Received: {arg_name}={axes!r}"
        )
    return result
