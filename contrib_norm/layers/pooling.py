"""tf.contrib.layers' pooling: max_pool2d, max_pool3d, avg_pool2d,
avg_pool3d and pool, as TensorFlow 1.x had them."""

import tensorflow as tf

from contrib_norm._core import host
from contrib_norm._core import pooling as pooling_lib
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import validate_data_format
from contrib_norm.framework.arg_scope import add_arg_scope

_FORMATS_3D = ("NCDHW", "NDHWC")
# (the op, the default scope, the op's name) of each pooling function.
_MAX_2D = (tf.nn.max_pool2d, "MaxPool2D", "MaxPool")
_AVG_2D = (tf.nn.avg_pool2d, "AvgPool2D", "AvgPool")
_MAX_3D = (tf.nn.max_pool3d, "MaxPool3D", "MaxPool3D")
_AVG_3D = (tf.nn.avg_pool3d, "AvgPool3D", "AvgPool3D")


@add_arg_scope
def max_pool2d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format="NHWC",
    outputs_collections=None,
    scope=None,
):
    """Adds a 2-D max pooling op over the spatial dimensions.

    Args:
      inputs: a 4-D tensor, `[batch, height, width, channels]` for 'NHWC' or
        `[batch, channels, height, width]` for 'NCHW'.
      kernel_size: `[kernel_height, kernel_width]`, or one int for both.
      stride: `[stride_height, stride_width]`, or one int for both.
      padding: 'VALID' (default) or 'SAME'.
      data_format: 'NHWC' (default) or 'NCHW'.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional name scope (default 'MaxPool2D').

    Returns:
      The pooled tensor.

    Raises:
      ValueError: if `data_format` is neither 'NHWC' nor 'NCHW', `inputs` is
        not 4-D, or `kernel_size` / `stride` are malformed.
    """
    validate_data_format(data_format)
    return _pool(
        _MAX_2D, inputs, kernel_size, stride, padding, data_format,
        outputs_collections, scope,
    )


@add_arg_scope
def avg_pool2d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format="NHWC",
    outputs_collections=None,
    scope=None,
):
    """Adds a 2-D average pooling op over the spatial dimensions.

    Arguments as `max_pool2d`; the default scope is 'AvgPool2D'. With 'SAME'
    padding the average is over the window's elements inside the input.
    """
    validate_data_format(data_format)
    return _pool(
        _AVG_2D, inputs, kernel_size, stride, padding, data_format,
        outputs_collections, scope,
    )


@add_arg_scope
def max_pool3d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format="NDHWC",
    outputs_collections=None,
    scope=None,
):
    """Adds a 3-D max pooling op over the spatial dimensions.

    Args:
      inputs: a 5-D tensor, `[batch, depth, height, width, channels]` for
        'NDHWC' or `[batch, channels, depth, height, width]` for 'NCDHW'.
      kernel_size: `[kernel_depth, kernel_height, kernel_width]`, or one int.
      stride: `[stride_depth, stride_height, stride_width]`, or one int.
      padding: 'VALID' (default) or 'SAME'.
      data_format: 'NDHWC' (default) or 'NCDHW'.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional name scope (default 'MaxPool3D').

    Returns:
      The pooled tensor.

    Raises:
      ValueError: if `data_format` is neither 'NDHWC' nor 'NCDHW', `inputs`
        is not 5-D, or `kernel_size` / `stride` are malformed.
    """
    host.check_data_format(data_format, _FORMATS_3D)
    return _pool(
        _MAX_3D, inputs, kernel_size, stride, padding, data_format,
        outputs_collections, scope,
    )


@add_arg_scope
def avg_pool3d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format="NDHWC",
    outputs_collections=None,
    scope=None,
):
    """Adds a 3-D average pooling op over the spatial dimensions.

    Arguments as `max_pool3d`; the default scope is 'AvgPool3D'.
    """
    host.check_data_format(data_format, _FORMATS_3D)
    return _pool(
        _AVG_3D, inputs, kernel_size, stride, padding, data_format,
        outputs_collections, scope,
    )


def _pool(
    kind, inputs, kernel_size, stride, padding, data_format,
    outputs_collections, scope,
):
    """Pooling of `kind` (one of `_MAX_2D` ...): channels last, or channels
    first through `_core.pooling` (3-D pooling, and 2-D pooling without a
    GPU, transposed to channels last and back)."""
    pool_fn, default_scope, op_name = kind
    with tf.compat.v1.name_scope(scope, default_scope, [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = len(data_format)
        if inputs.shape.rank != rank:
            raise ValueError(
                f"`{default_scope}` needs inputs of rank {rank}. Received: "
                f"inputs with shape={inputs.shape}"
            )
        spatial = rank - 2
        kernel_size = host.positive_ints(kernel_size, spatial, "kernel_size")
        stride = host.positive_ints(stride, spatial, "stride")
        padding = host.padding(padding)
        if data_format.startswith("NC"):
            # Channels last without a GPU (see `_core.pooling`).
            outputs = pooling_lib.channels_first_pool(
                pool_fn, inputs, kernel_size, stride, padding, op_name
            )
        else:
            outputs = pool_fn(
                inputs,
                (1,) + kernel_size + (1,),
                (1,) + stride + (1,),
                padding,
                data_format=data_format,
                name=op_name,
            )
    return variables_lib.collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def pool(
    inputs,
    kernel_size,
    pooling_type,
    padding="VALID",
    data_format=None,
    dilation_rate=1,
    stride=1,
    outputs_collections=None,
    scope=None,
):
    """Adds an N-D pooling op ('AVG' or 'MAX') over the spatial dimensions
    (`tf.nn.pool`).

    Args:
      inputs: a tensor of rank N + 2 (N >= 1): `[batch] + spatial +
        [channels]`, or `[batch, channels] + spatial` when `data_format`
        starts with "NC".
      kernel_size: N positive ints, or one int for every spatial dimension.
      pooling_type: 'AVG' or 'MAX'.
      padding: 'VALID' (default) or 'SAME'.
      data_format: None (channels last) or a format string of `tf.nn.pool`.
      dilation_rate: N positive ints, or one int; above 1 it needs `stride`
        1.
      stride: N positive ints, or one int.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      scope: optional name scope (default 'avg_pool' / 'max_pool').

    Returns:
      The pooled tensor.

    Raises:
      ValueError: if the rank of `inputs` is unknown or below 3, or an
        argument is invalid.
    """
    if not isinstance(pooling_type, str):
        raise ValueError(
            "`pooling_type` must be 'AVG' or 'MAX'. Received: "
            f"pooling_type={pooling_type!r}"
        )
    with tf.compat.v1.name_scope(
        scope, "%s_pool" % pooling_type.lower(), [inputs]
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.rank
        if rank is None or rank < 3:
            raise ValueError(
                "Rank of inputs must be %s. Received: inputs with shape=%s"
                % ("known" if rank is None else ">= 3", inputs.shape)
            )
        spatial = rank - 2
        outputs = tf.nn.pool(
            inputs,
            window_shape=host.positive_ints(kernel_size, spatial, "kernel_size"),
            pooling_type=pooling_type,
            strides=host.positive_ints(stride, spatial, "stride"),
            padding=padding,
            data_format=data_format,
            dilations=host.positive_ints(dilation_rate, spatial, "dilation_rate"),
            name=sc,
        )
    return variables_lib.collect_named_outputs(outputs_collections, sc, outputs)
