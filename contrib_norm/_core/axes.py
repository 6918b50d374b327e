"""Axis arguments: spatial and channels axes of NHWC / NCHW inputs, int checks."""

import numpy as np

from contrib_norm._core import data_format as data_format_lib
from contrib_norm._core import inputs as inputs_lib


def spatial_and_channels_axes(inputs, rank, data_format, function):
    """`(spatial_axes, channels_axis)` of a rank-`rank` input.

    The spatial axes are every axis but the batch (first) and channels axes.

    Raises:
      ValueError: if `rank` is below 3: the input has no spatial axes.
    """
    inputs_lib.require_min_rank(
        inputs,
        rank,
        3,
        function,
        expected=(
            "rank 3 or more (batch, spatial and channels axes); the input has "
            "no spatial axes"
        ),
    )
    channels_axis = data_format_lib.channels_axis(data_format, rank)
    spatial_axes = [a for a in range(1, rank) if a != channels_axis]
    return spatial_axes, channels_axis


def as_int(value, arg_name):
    """`value` as a Python int, or a TypeError naming `arg_name`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{arg_name}` must be an int. Received: {arg_name}={value!r}")
    return int(value)
