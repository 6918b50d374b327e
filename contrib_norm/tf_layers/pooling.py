"""tf.layers' pooling: `max_pooling1d` ... `average_pooling3d` and classes.

TF 1.15's `tf.layers.MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D`, the
functions that build and apply them, and TF1's aliases (`MaxPool2D`,
`AvgPool2D`, `max_pool2d`, `avg_pool2d`), on public TensorFlow only. Unlike
the convolutions, the functions take no `reuse` (pooling has no variables)
and `strides` is required.
"""

import tensorflow as tf

from contrib_norm._core import pooling as pooling_lib
from contrib_norm.tf_layers import arguments
from contrib_norm.tf_layers import base

# (mode, spatial rank) -> the tf.nn pool and its op's name in TF1's graphs.
_POOL_FUNCTIONS = {
    ("max", 2): (tf.nn.max_pool2d, "MaxPool"),
    ("avg", 2): (tf.nn.avg_pool2d, "AvgPool"),
    ("max", 3): (tf.nn.max_pool3d, "MaxPool3D"),
    ("avg", 3): (tf.nn.avg_pool3d, "AvgPool3D"),
}


class _Pooling(base.Layer):
    """Max or average pooling over `rank` spatial axes.

    Subclasses set `_rank` and `_mode` ('max' or 'avg').
    """

    _rank = None
    _mode = None

    def __init__(
        self,
        pool_size,
        strides,
        padding="valid",
        data_format="channels_last",
        name=None,
        **kwargs,
    ):
        if strides is None:
            raise ValueError(
                f"`{type(self).__name__}` needs `strides` (TF1 had no default). "
                "Received: strides=None"
            )
        super().__init__(name=name, **kwargs)
        rank = self._rank
        self.pool_size = arguments.int_tuple(pool_size, rank, "pool_size")
        self.strides = arguments.int_tuple(strides, rank, "strides")
        self.padding = arguments.padding(padding)
        self.data_format = arguments.data_format(data_format)

    def _convert_inputs(self, inputs):
        inputs = tf.convert_to_tensor(inputs)
        arguments.check_input_rank(self, inputs, ndim=self._rank + 2)
        return inputs

    def call(self, inputs):
        channels_first = self.data_format == arguments.CHANNELS_FIRST
        if self._rank == 1:
            # As a 2-D pooling over [N, W, 1, C] (or [N, C, W, 1]).
            axis = 3 if channels_first else 2
            outputs = self._pool(
                tf.expand_dims(inputs, axis),
                self.pool_size + (1,),
                self.strides + (1,),
                channels_first,
            )
            return tf.squeeze(outputs, axis)
        return self._pool(inputs, self.pool_size, self.strides, channels_first)

    def _pool(self, inputs, window, strides, channels_first):
        pool, op_name = _POOL_FUNCTIONS[(self._mode, len(window))]
        padding = self.padding.upper()
        if channels_first:
            # Channels last without a GPU (see `_core.pooling`).
            return pooling_lib.channels_first_pool(
                pool, inputs, window, strides, padding, op_name
            )
        return pool(
            inputs,
            ksize=list(window),
            strides=list(strides),
            padding=padding,
            data_format="NHWC" if len(window) == 2 else "NDHWC",
            name=op_name,
        )

    def compute_output_shape(self, input_shape):
        """The static output shape for an input of `input_shape`."""
        dims = tf.TensorShape(input_shape).with_rank(self._rank + 2).as_list()
        for i, axis in enumerate(arguments.spatial_axes(self.data_format, self._rank)):
            dims[axis] = arguments.conv_output_length(
                dims[axis], self.pool_size[i], self.padding, self.strides[i]
            )
        return tf.TensorShape(dims)

    def get_config(self):
        return dict(
            super().get_config(),
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )


_ARGS_DOC = """\
      pool_size: an int or a tuple of {rank} ints, the window size.
      strides: an int or a tuple of {rank} ints (required).
      padding: 'valid' or 'same' (case-insensitive).
      data_format: 'channels_last' (`{last}`) or 'channels_first'
        (`{first}`).
      name: the layer's name (its name scope).
"""
_CLASS_DOC = """{what} pooling over {rank} spatial axis(es): `[N, {spatial}, C]`
    to `[N, {spatial_out}, C]` ({window}).

    Args:
{args}\
      **kwargs: `trainable`, `dtype` and the private `_scope` / `_reuse`.

    Raises:
      ValueError: for `strides` None or another bad argument (named in the
        message), or inputs of another rank than {ndim}.
    """
_FUNCTION_DOC = """Functional `{cls}`: builds the layer and applies it to `inputs`.

    Args:
      inputs: a tensor of rank {ndim}.
{args}
    Returns:
      The pooled tensor.
    """
_SPATIAL = {1: ("W", "W'"), 2: ("H, W", "H', W'"), 3: ("D, H, W", "D', H', W'")}
_WINDOW = {"max": "the maximum of each window", "avg": "the mean of each window"}


def _pooling_pair(class_name, function_name, mode, rank):
    """The layer class and its function, with their docstrings."""
    last = arguments.tf_data_format(arguments.CHANNELS_LAST, rank)
    first = arguments.tf_data_format(arguments.CHANNELS_FIRST, rank)
    spatial, spatial_out = _SPATIAL[rank]
    facts = dict(rank=rank, ndim=rank + 2)
    facts["args"] = _ARGS_DOC.format(rank=rank, last=last, first=first)
    doc = _CLASS_DOC.format(
        what={"max": "Max", "avg": "Average"}[mode],
        spatial=spatial,
        spatial_out=spatial_out,
        window=_WINDOW[mode],
        **facts,
    )
    layer_class = type(
        class_name,
        (_Pooling,),
        {"__doc__": doc, "__module__": __name__, "_rank": rank, "_mode": mode},
    )

    def function(
        inputs,
        pool_size,
        strides,
        padding="valid",
        data_format="channels_last",
        name=None,
    ):
        return base.apply_layer(
            layer_class,
            dict(
                inputs=inputs,
                pool_size=pool_size,
                strides=strides,
                padding=padding,
                data_format=data_format,
                name=name,
            ),
        )

    function.__name__ = function.__qualname__ = function_name
    function.__module__ = __name__
    function.__doc__ = _FUNCTION_DOC.format(cls=class_name, **facts)
    return layer_class, function


MaxPooling1D, max_pooling1d = _pooling_pair(
    "MaxPooling1D", "max_pooling1d", "max", 1
)
MaxPooling2D, max_pooling2d = _pooling_pair(
    "MaxPooling2D", "max_pooling2d", "max", 2
)
MaxPooling3D, max_pooling3d = _pooling_pair(
    "MaxPooling3D", "max_pooling3d", "max", 3
)
AveragePooling1D, average_pooling1d = _pooling_pair(
    "AveragePooling1D", "average_pooling1d", "avg", 1
)
AveragePooling2D, average_pooling2d = _pooling_pair(
    "AveragePooling2D", "average_pooling2d", "avg", 2
)
AveragePooling3D, average_pooling3d = _pooling_pair(
    "AveragePooling3D", "average_pooling3d", "avg", 3
)

# TF1's aliases.
AvgPool2D = AveragePooling2D
MaxPool2D = MaxPooling2D
max_pool2d = max_pooling2d
avg_pool2d = average_pooling2d
