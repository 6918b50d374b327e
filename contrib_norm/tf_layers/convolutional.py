"""tf.layers' convolutions: `conv1d` ... `conv3d_transpose` and their classes.

TF 1.15's `tf.layers.Conv1D`, `Conv2D`, `Conv3D`, `SeparableConv1D`,
`SeparableConv2D`, `Conv2DTranspose` and `Conv3DTranspose`, the functions
that build and apply them, and TF1's aliases (`Convolution2D`,
`Deconv2D`, `convolution2d`, ...), on public TensorFlow only: same
signatures, defaults, variable names (`conv2d/kernel`, `conv2d/bias`,
`separable_conv2d/depthwise_kernel`, ...), shapes and numerics.

Kernels are `kernel_size + (input channels, filters)`; a transposed
convolution's is `kernel_size + (filters, input channels)`.
"""

import tensorflow as tf

from contrib_norm.tf_layers import arguments
from contrib_norm.tf_layers import base

_ZEROS = tf.compat.v1.zeros_initializer()


class _Conv(base.KernelLayer):
    """An N-D convolution (N = `rank`): the shared part of every class here.

    Subclasses set `_rank` and, for 1-D, `_causal_allowed`; they may
    override `_create_kernels` and `_convolve`.
    """

    _rank = None
    _causal_allowed = False
    _has_dilation = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        rank = self._rank
        self.filters = arguments.positive_int(filters, "filters")
        self.kernel_size = arguments.int_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.int_tuple(strides, rank, "strides")
        self.padding = arguments.padding(padding, self._causal_allowed)
        self.data_format = arguments.data_format(data_format)
        self.dilation_rate = arguments.int_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides` > 1 is not supported together with "
                f"`dilation_rate` > 1. Received: strides={strides!r} and "
                f"dilation_rate={dilation_rate!r}"
            )
        self._tf_format = arguments.tf_data_format(self.data_format, rank)
        self._channel_axis = arguments.channel_axis(self.data_format, rank + 2)
        self.kernel = None

    # ---- checking and building ---------------------------------------------
    def _convert_inputs(self, inputs):
        inputs = tf.convert_to_tensor(inputs)
        arguments.check_input_rank(self, inputs, ndim=self._rank + 2)
        if self.built:
            arguments.check_input_axis(
                self, inputs, self._channel_axis, self._input_channels
            )
        return inputs

    def build(self, input_shape):
        input_shape = tf.TensorShape(input_shape)
        self._input_channels = arguments.defined_channels(
            input_shape, self._channel_axis, type(self).__name__
        )
        self._check_output_shape(input_shape)
        self._create_kernels(self._input_channels)
        self.add_bias(self.filters)
        self.built = True

    def _create_kernels(self, channels):
        self.kernel = self.add_kernel(
            "kernel", self.kernel_size + (channels, self.filters)
        )

    def _check_output_shape(self, input_shape):
        output_shape = self.compute_output_shape(input_shape)
        spatial = arguments.spatial_axes(self.data_format, self._rank)
        sizes = [tf.compat.dimension_value(output_shape[a]) for a in spatial]
        if any(size is not None and size <= 0 for size in sizes):
            raise ValueError(
                f"Layer `{self.name}` would produce an empty output: inputs of "
                f"shape={input_shape} are too small for kernel_size="
                f"{self.kernel_size}, strides={self.strides}, dilation_rate="
                f"{self.dilation_rate} and padding={self.padding!r} (output "
                f"shape {output_shape})"
            )

    def _spatial_output_length(self, length, i):
        return arguments.conv_output_length(
            length,
            self.kernel_size[i],
            self.padding,
            self.strides[i],
            self.dilation_rate[i],
        )

    def compute_output_shape(self, input_shape):
        """The static output shape for an input of `input_shape`."""
        dims = tf.TensorShape(input_shape).with_rank(self._rank + 2).as_list()
        for i, axis in enumerate(arguments.spatial_axes(self.data_format, self._rank)):
            dims[axis] = self._spatial_output_length(dims[axis], i)
        dims[self._channel_axis] = self.filters
        return tf.TensorShape(dims)

    # ---- calling ----------------------------------------------------------
    def call(self, inputs):
        input_shape = inputs.shape
        if self.padding == "causal":
            inputs = self._pad_causally(inputs)
        outputs = self.add_bias_to(self._convolve(inputs), self._tf_format)
        outputs.set_shape(self.compute_output_shape(input_shape))
        return self.activate(outputs)

    def add_bias_to(self, outputs, tf_data_format=None):
        if self.bias is not None and tf_data_format == "NCW":
            # bias_add has no channels-first form for rank-3 tensors.
            return outputs + tf.reshape(self.bias, (1, self.filters, 1))
        return super().add_bias_to(outputs, tf_data_format)

    def _convolve(self, inputs):
        return tf.nn.convolution(
            inputs,
            self.kernel,
            strides=list(self.strides),
            padding="VALID" if self.padding == "causal" else self.padding.upper(),
            dilations=list(self.dilation_rate),
            data_format=self._tf_format,
        )

    def _pad_causally(self, inputs):
        """Pads the start of the (single) spatial axis: the output at t sees
        only the inputs up to t."""
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        paddings = [[0, 0], [0, 0], [0, 0]]
        paddings[arguments.spatial_axes(self.data_format, 1)[0]] = [left, 0]
        return tf.pad(inputs, paddings)

    def get_config(self):
        config = dict(
            super().get_config(),
            filters=self.filters,
            kernel_size=self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )
        if self._has_dilation:
            config["dilation_rate"] = self.dilation_rate
        return config


_HEAD_DOC = """
    Args:
      filters: positive integer, the number of output channels.
      kernel_size: an int or a tuple of {rank} ints, the window size.
      strides: an int or a tuple of {rank} ints{strides_note}.
      padding: 'valid' or 'same' (case-insensitive){causal}.
      data_format: 'channels_last' (`{last}`) or 'channels_first'
        (`{first}`).
"""
_DILATION_DOC = """\
      dilation_rate: an int or a tuple of {rank} ints, for atrous
        convolution.
"""
_DEPTH_DOC = """\
      depth_multiplier: the depthwise outputs per input channel.
"""
_SEPARABLE_DOC = """\
      depthwise_initializer: None (the variable scope's initializer, else
        Glorot uniform) or an initializer of the depthwise kernel.
      pointwise_initializer: likewise for the pointwise kernel.
      bias_initializer: initializer of the bias.
      depthwise_regularizer: optional regularizer of the depthwise kernel;
        its loss goes to REGULARIZATION_LOSSES.
      pointwise_regularizer: likewise for the pointwise kernel.
      bias_regularizer: likewise for the bias.
      activity_regularizer: optional regularizer of the output (its loss is
        divided by the batch size).
      depthwise_constraint: optional projection applied to the depthwise
        kernel after an optimizer updates it.
      pointwise_constraint: likewise for the pointwise kernel.
      bias_constraint: likewise for the bias.
"""
def _documented(rank, causal=False, dilation=True, separable=False):
    """Fills the `{args}` line of a class docstring with its arguments."""
    last = arguments.tf_data_format(arguments.CHANNELS_LAST, rank)
    first = arguments.tf_data_format(arguments.CHANNELS_FIRST, rank)
    parts = [_HEAD_DOC]
    if dilation:
        parts.append(_DILATION_DOC)
    if separable:
        parts.append(_DEPTH_DOC)
    parts += [
        base.ACTIVATION_DOC,
        _SEPARABLE_DOC if separable else base.KERNEL_DOC,
        base.TAIL_DOC,
    ]
    args = "".join(parts).format(
        rank=rank,
        last=last,
        first=first,
        causal=", or 'causal' (left padding only)" if causal else "",
        strides_note=" (> 1 excludes a dilation rate > 1)" if dilation else "",
    )

    return base.documented(args)


@_documented(1, causal=True)
class Conv1D(_Conv):
    """1-D convolution (e.g. over time): `[N, W, C]` to `[N, W', filters]`.
    {args}
    """

    _rank = 1
    _causal_allowed = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))


@_documented(2)
class Conv2D(_Conv):
    """2-D convolution (over images): `[N, H, W, C]` to
    `[N, H', W', filters]`.
    {args}
    """

    _rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format="channels_last",
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))


@_documented(3)
class Conv3D(_Conv):
    """3-D convolution (over volumes): `[N, D, H, W, C]` to
    `[N, D', H', W', filters]`.
    {args}
    """

    _rank = 3

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format="channels_last",
        dilation_rate=(1, 1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))


def _locals_but_self(values):
    """A constructor's arguments, for passing them on unchanged."""
    values = dict(values)
    values.pop("self")
    values.pop("__class__", None)
    values.update(values.pop("kwargs"))
    return values


class _SeparableConv(_Conv):
    """A depthwise convolution (`depth_multiplier` outputs per channel)
    followed by a pointwise (1x1) one mixing the channels."""

    def __init__(
        self,
        depth_multiplier=1,
        depthwise_initializer=None,
        pointwise_initializer=None,
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.depth_multiplier = arguments.positive_int(
            depth_multiplier, "depth_multiplier"
        )
        for part, initializer, regularizer, constraint in (
            ("depthwise", depthwise_initializer, depthwise_regularizer,
             depthwise_constraint),
            ("pointwise", pointwise_initializer, pointwise_regularizer,
             pointwise_constraint),
        ):  # fmt: skip
            setattr(
                self,
                part + "_initializer",
                base.as_optional_initializer(initializer, part + "_initializer"),
            )
            setattr(
                self,
                part + "_regularizer",
                base.as_optional_callable(regularizer, part + "_regularizer"),
            )
            setattr(
                self,
                part + "_constraint",
                base.as_optional_callable(constraint, part + "_constraint"),
            )
        self.depthwise_kernel = self.pointwise_kernel = None

    def _create_kernels(self, channels):
        self.depthwise_kernel = self.add_kernel(
            "depthwise_kernel",
            self.kernel_size + (channels, self.depth_multiplier),
            prefix="depthwise",
        )
        self.pointwise_kernel = self.add_kernel(
            "pointwise_kernel",
            (1,) * self._rank + (channels * self.depth_multiplier, self.filters),
            prefix="pointwise",
        )

    def _separable_conv2d(self, inputs, depthwise, pointwise, strides, rate):
        """`tf.compat.v1.nn.separable_conv2d` on a rank-4 input."""
        if self.data_format == arguments.CHANNELS_FIRST:
            strides, tf_format = (1, 1) + strides, "NCHW"
        else:
            strides, tf_format = (1,) + strides + (1,), "NHWC"
        return tf.compat.v1.nn.separable_conv2d(
            inputs,
            depthwise,
            pointwise,
            strides=list(strides),
            padding="VALID" if self.padding == "causal" else self.padding.upper(),
            rate=list(rate),
            data_format=tf_format,
        )

    def get_config(self):
        config = super().get_config()
        for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        for part in ("depthwise", "pointwise"):
            for what in ("initializer", "regularizer", "constraint"):
                key = f"{part}_{what}"
                config[key] = getattr(self, key)
        return config


@_documented(1, causal=True, separable=True)
class SeparableConv1D(_SeparableConv):
    """Depthwise separable 1-D convolution: `[N, W, C]` to
    `[N, W', filters]`, through `C * depth_multiplier` intermediate channels.
    {args}
    """

    _rank = 1
    _causal_allowed = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer=None,
        pointwise_initializer=None,
        bias_initializer=_ZEROS,
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))

    def _convolve(self, inputs):
        # A 2-D separable convolution over [N, 1, W, C] (or [N, C, 1, W]).
        axis = arguments.spatial_axes(self.data_format, 1)[0]
        outputs = self._separable_conv2d(
            tf.expand_dims(inputs, axis),
            tf.expand_dims(self.depthwise_kernel, 0),
            tf.expand_dims(self.pointwise_kernel, 0),
            self.strides * 2,
            (1,) + self.dilation_rate,
        )
        return tf.squeeze(outputs, [axis])


@_documented(2, separable=True)
class SeparableConv2D(_SeparableConv):
    """Depthwise separable 2-D convolution: `[N, H, W, C]` to
    `[N, H', W', filters]`, through `C * depth_multiplier` intermediate
    channels. The two strides must be equal.
    {args}
    """

    _rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format="channels_last",
        dilation_rate=(1, 1),
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer=None,
        pointwise_initializer=None,
        bias_initializer=_ZEROS,
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))
        if self.strides[0] != self.strides[1]:
            raise ValueError(
                "`SeparableConv2D` needs equal strides along both spatial "
                f"axes. Received: strides={strides!r}"
            )

    def _convolve(self, inputs):
        return self._separable_conv2d(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            self.strides,
            self.dilation_rate,
        )


class _ConvTranspose(_Conv):
    """A transposed convolution (the gradient of a convolution): each input
    position spreads over a window of the output, `strides` apart."""

    _has_dilation = False

    def _create_kernels(self, channels):
        self.kernel = self.add_kernel(
            "kernel", self.kernel_size + (self.filters, channels)
        )

    def _spatial_output_length(self, length, i):
        return arguments.deconv_output_length(
            length, self.kernel_size[i], self.padding, self.strides[i]
        )

    def _convolve(self, inputs):
        dynamic = tf.shape(inputs)
        static = inputs.shape.as_list()
        output_shape = [dynamic[0]] + [self.filters] * (self._rank + 1)
        strides = [1] * (self._rank + 2)
        for i, axis in enumerate(arguments.spatial_axes(self.data_format, self._rank)):
            length = static[axis] if static[axis] is not None else dynamic[axis]
            output_shape[axis] = self._spatial_output_length(length, i)
            strides[axis] = self.strides[i]
        return tf.nn.conv_transpose(
            inputs,
            self.kernel,
            tf.stack(output_shape),
            strides,
            padding=self.padding.upper(),
            data_format=self._tf_format,
        )


@_documented(2, dilation=False)
class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution ("deconvolution"): `[N, H, W, C]` to
    `[N, H * sh (+ kh - sh for 'valid'), ..., filters]`.
    {args}

    TF1's transposed convolutions had no `dilation_rate`.
    """

    _rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format="channels_last",
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))


@_documented(3, dilation=False)
class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution: `[N, D, H, W, C]` to
    `[N, D * sd (+ kd - sd for 'valid'), ..., filters]`.
    {args}

    TF1's transposed convolutions had no `dilation_rate`.
    """

    _rank = 3

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format="channels_last",
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(**_locals_but_self(locals()))


# ---- the functions: build the layer, apply it ---------------------------------
_FUNCTION_DOC = """Functional `{cls}`: builds the layer and applies it to `inputs`.

    Layers are named `{scope}`, `{scope}_1`, ... in each graph (their
    variable scopes, inside any enclosing one), or `name`; `reuse=True` (or
    an enclosing `variable_scope(reuse=True)`) shares the variables of an
    earlier layer of the same name.

    Args:
      inputs: a tensor of rank {ndim} with a defined channel dimension.
      reuse: reuse the variables of a previous layer with the same name.
      The other arguments: see `{cls}`.

    Returns:
      The output tensor.

    Raises:
      ValueError: for a bad argument (named in the message), inputs of
        another rank or an undefined channel dimension, or inputs too small
        for the window.
    """


def _functional(layer_class):
    """Gives a tf.layers function its docstring, from its layer class."""

    def decorate(function):
        function.__doc__ = _FUNCTION_DOC.format(
            cls=layer_class.__name__,
            scope=function.__name__,
            ndim=layer_class._rank + 2,
        )
        return function

    return decorate


@_functional(Conv1D)
def conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(Conv1D, locals())


@_functional(Conv2D)
def conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(Conv2D, locals())


@_functional(Conv3D)
def conv3d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1, 1),
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(Conv3D, locals())


@_functional(SeparableConv1D)
def separable_conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=_ZEROS,
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(SeparableConv1D, locals())


@_functional(SeparableConv2D)
def separable_conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=_ZEROS,
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(SeparableConv2D, locals())


@_functional(Conv2DTranspose)
def conv2d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(Conv2DTranspose, locals())


@_functional(Conv3DTranspose)
def conv3d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
    padding="valid",
    data_format="channels_last",
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=_ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return base.apply_layer(Conv3DTranspose, locals())


# TF1's aliases.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Deconvolution2D = Deconv2D = Conv2DTranspose
Convolution3DTranspose = Deconvolution3D = Deconv3D = Conv3DTranspose
convolution1d = conv1d
convolution2d = conv2d
convolution3d = conv3d
separable_convolution2d = separable_conv2d
convolution2d_transpose = deconvolution2d = deconv2d = conv2d_transpose
convolution3d_transpose = deconvolution3d = deconv3d = conv3d_transpose
