"""tf.contrib.layers.separable_conv2d (a.k.a. separable_convolution2d), as
TensorFlow 1.x had it: depthwise-separable, or depthwise only."""

import tensorflow as tf

from contrib_norm import initializers
from contrib_norm._core import host
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import validate_data_format
from contrib_norm.framework.arg_scope import add_arg_scope


@add_arg_scope
def separable_convolution2d(
    inputs,
    num_outputs,
    kernel_size,
    depth_multiplier=1,
    stride=1,
    padding="SAME",
    data_format="NHWC",
    rate=1,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    pointwise_initializer=None,
    weights_regularizer=None,
    biases_initializer=tf.compat.v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Adds a depthwise-separable 2-D convolution, then a normalizer or
    biases, then an activation.

    A depthwise convolution (the model variable `depthwise_weights`, of shape
    `kernel_size + [in_channels, depth_multiplier]`) filters each input
    channel on its own. Unless `num_outputs` is None, a 1x1 pointwise
    convolution (`pointwise_weights`, `[1, 1, in_channels * depth_multiplier,
    num_outputs]`) then mixes the channels; with `num_outputs` None the
    output has `in_channels * depth_multiplier` channels. Then
    `normalizer_fn`, or else `biases` (none when `biases_initializer` is
    None), then `activation_fn` unless None.

    Args:
      inputs: a 4-D tensor, `[batch, height, width, channels]` for 'NHWC' or
        `[batch, channels, height, width]` for 'NCHW'.
      num_outputs: the number of pointwise output channels, or None for a
        depthwise convolution only.
      kernel_size: `[kernel_height, kernel_width]`, or one int for both.
      depth_multiplier: the number of depthwise output channels per input
        channel.
      stride: the depthwise stride, `[stride_height, stride_width]` or an int.
      padding: 'SAME' or 'VALID'.
      data_format: 'NHWC' (default) or 'NCHW'.
      rate: the depthwise dilation rate, `[rate_height, rate_width]` or an
        int; above 1 it needs `stride` 1.
      activation_fn: the activation (default ReLU); None for a linear layer.
      normalizer_fn: a normalization function to use instead of biases.
      normalizer_params: the keyword arguments of `normalizer_fn`.
      weights_initializer: the depthwise kernel's initializer (default Glorot
        uniform).
      pointwise_initializer: the pointwise kernel's initializer; None for
        `weights_initializer`.
      weights_regularizer: an optional regularizer of both kernels.
      biases_initializer: the biases' initializer; None for no biases.
      biases_regularizer: an optional regularizer of the biases.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from 'weights' (both kernels) / 'biases' to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add the variables to TRAINABLE_VARIABLES.
      scope: optional variable scope (default 'SeparableConv2d').

    Returns:
      The output tensor.

    Raises:
      ValueError: if `data_format` is neither 'NHWC' nor 'NCHW', `inputs` is
        not 4-D or its channels dimension is undefined, or `kernel_size`,
        `stride` or `rate` are malformed.
    """
    arguments = dict(locals())
    validate_data_format(data_format)
    host.check_collections(variables_collections)
    with tf.compat.v1.variable_scope(
        scope, "SeparableConv2d", [inputs], reuse=reuse
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        if inputs.shape.rank != 4:
            raise ValueError(
                "`separable_convolution2d` needs inputs of rank 4. Received: "
                f"inputs with shape={inputs.shape}"
            )
        channels_first = data_format == "NCHW"
        kernel_size = host.positive_ints(kernel_size, 2, "kernel_size")
        stride = host.positive_ints(stride, 2, "stride")
        rate = host.positive_ints(rate, 2, "rate")
        host.check_rate_and_stride(rate, stride)
        depth_multiplier = host.positive_ints(
            depth_multiplier, 1, "depth_multiplier"
        )[0]
        in_channels = host.channels(
            inputs, 1 if channels_first else -1, "separable_convolution2d", 4
        )
        dtype = inputs.dtype.base_dtype
        # TF1 took the tf.layers class (naming regularization losses after
        # its `depthwise_kernel` ...) only for the separable convolution.
        separable = num_outputs is not None
        depthwise_weights = host.weights_variable(
            "depthwise_weights",
            kernel_size + (in_channels, depth_multiplier),
            dtype,
            weights_initializer,
            weights_regularizer,
            variables_collections,
            trainable,
            layer_name="depthwise_kernel" if separable else None,
        )
        strides = (1, 1) + stride if channels_first else (1,) + stride + (1,)
        padding = host.padding(padding)
        if not separable:
            outputs = tf.nn.depthwise_conv2d(
                inputs,
                depthwise_weights,
                strides,
                padding,
                data_format=data_format,
                dilations=rate,
            )
        else:
            num_outputs = host.positive_ints(num_outputs, 1, "num_outputs")[0]
            pointwise_weights = host.weights_variable(
                "pointwise_weights",
                (1, 1, in_channels * depth_multiplier, num_outputs),
                dtype,
                weights_initializer
                if pointwise_initializer is None
                else pointwise_initializer,
                weights_regularizer,
                variables_collections,
                trainable,
                layer_name="pointwise_kernel",
            )
            outputs = tf.nn.separable_conv2d(
                inputs,
                depthwise_weights,
                pointwise_weights,
                strides,
                padding,
                data_format=data_format,
                dilations=rate,
            )
        outputs = host.finish(
            outputs, data_format, layer_names=separable, **arguments
        )
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


separable_conv2d = separable_convolution2d
