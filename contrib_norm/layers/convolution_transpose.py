"""tf.contrib.layers.conv2d_transpose and conv3d_transpose (a.k.a.
convolution2d_transpose / convolution3d_transpose), as TensorFlow 1.x had
them."""

import inspect

import tensorflow as tf

from contrib_norm import initializers
from contrib_norm._core import host
from contrib_norm._core import variables as variables_lib
from contrib_norm.framework.arg_scope import add_arg_scope


@add_arg_scope
def convolution2d_transpose(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format="NHWC",
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=tf.compat.v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Adds a 2-D transposed convolution, then a normalizer or biases, then an
    activation.

    The model variable `weights` has the shape `kernel_size + [num_outputs,
    in_channels]`. The output's spatial size is `input * stride` with 'SAME'
    padding and `input * stride + max(kernel - stride, 0)` with 'VALID'. If
    `normalizer_fn` is given it is applied instead of adding `biases`
    (`[num_outputs]`, none when `biases_initializer` is None); then
    `activation_fn`, unless None.

    Args:
      inputs: a 4-D tensor, `[batch, height, width, channels]` for 'NHWC' or
        `[batch, channels, height, width]` for 'NCHW'.
      num_outputs: the number of output channels (filters).
      kernel_size: `[kernel_height, kernel_width]`, or one int for both.
      stride: `[stride_height, stride_width]`, or one int for both.
      padding: 'SAME' or 'VALID'.
      data_format: 'NHWC' (default) or 'NCHW'.
      activation_fn: the activation (default ReLU); None for a linear layer.
      normalizer_fn: a normalization function to use instead of biases.
      normalizer_params: the keyword arguments of `normalizer_fn`.
      weights_initializer: the kernel's initializer (default Glorot uniform).
      weights_regularizer: an optional regularizer of the kernel.
      biases_initializer: the biases' initializer; None for no biases.
      biases_regularizer: an optional regularizer of the biases.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from 'weights' / 'biases' to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add the variables to TRAINABLE_VARIABLES.
      scope: optional variable scope (default 'Conv2d_transpose').

    Returns:
      The output tensor.

    Raises:
      ValueError: if `data_format` is neither 'NHWC' nor 'NCHW', `inputs` is
        not 4-D or its channels dimension is undefined, or `kernel_size` /
        `stride` are malformed.
    """
    return _transpose(
        locals(),
        spatial=2,
        default_scope="Conv2d_transpose",
        formats=("NCHW", "NHWC"),
    )


def _transpose(arguments, spatial, default_scope, formats):
    """The transposed convolution of `spatial` dimensions, given the public
    function's `arguments` (a dict)."""
    args = dict(arguments)
    inputs = args["inputs"]
    host.check_collections(args["variables_collections"])
    with tf.compat.v1.variable_scope(
        args["scope"], default_scope, [inputs], reuse=args["reuse"]
    ) as sc:
        data_format = host.check_data_format(args["data_format"], formats)
        channels_first = data_format.startswith("NC")
        inputs = tf.convert_to_tensor(inputs)
        function = "convolution%dd_transpose" % spatial
        rank = spatial + 2
        if inputs.shape.rank != rank:
            raise ValueError(
                f"`{function}` needs inputs of rank {rank}. Received: "
                f"inputs with shape={inputs.shape}"
            )
        kernel_size = host.positive_ints(args["kernel_size"], spatial, "kernel_size")
        stride = host.positive_ints(args["stride"], spatial, "stride")
        num_outputs = host.positive_ints(args["num_outputs"], 1, "num_outputs")[0]
        padding = host.padding(args["padding"])
        in_channels = host.channels(
            inputs, 1 if channels_first else -1, function, rank
        )
        weights = host.weights_variable(
            "weights",
            kernel_size + (num_outputs, in_channels),
            inputs.dtype.base_dtype,
            args["weights_initializer"],
            args["weights_regularizer"],
            args["variables_collections"],
            args["trainable"],
            layer_name="kernel",
        )
        if channels_first:
            inputs = tf.transpose(inputs, [0] + list(range(2, rank)) + [1])
        outputs = _conv_transpose(
            inputs, weights, num_outputs, kernel_size, stride, padding
        )
        if channels_first:
            outputs = tf.transpose(outputs, [0, rank - 1] + list(range(1, rank - 1)))
        outputs = host.finish(outputs, data_format, **args)
    return variables_lib.collect_named_outputs(
        args["outputs_collections"], sc.name, outputs
    )


def _conv_transpose(inputs, weights, num_outputs, kernel_size, stride, padding):
    """The channels-last transposed convolution, its static shape set."""
    static = inputs.shape.as_list()
    dynamic = tf.shape(inputs)
    lengths = []
    for i, (kernel, step) in enumerate(zip(kernel_size, stride), start=1):
        length = static[i] if static[i] is not None else dynamic[i]
        lengths.append(_output_length(length, kernel, step, padding))
    output_shape = tf.stack([dynamic[0]] + lengths + [num_outputs])
    outputs = tf.nn.conv_transpose(
        inputs, weights, output_shape, strides=list(stride), padding=padding
    )
    static_lengths = [n if isinstance(n, int) else None for n in lengths]
    outputs.set_shape([static[0]] + static_lengths + [num_outputs])
    return outputs


def _output_length(length, kernel, stride, padding):
    """The output length of a transposed convolution along one dimension."""
    if padding == "VALID":
        return length * stride + max(kernel - stride, 0)
    return length * stride


def _three_d_signature():
    """convolution2d_transpose's signature, data_format defaulting to NDHWC."""
    signature = inspect.signature(convolution2d_transpose)
    return signature.replace(
        parameters=[
            p.replace(default="NDHWC") if p.name == "data_format" else p
            for p in signature.parameters.values()
        ]
    )


_SIGNATURE_3D = _three_d_signature()


def _convolution3d_transpose(*args, **kwargs):
    """Adds a 3-D transposed convolution, then a normalizer or biases, then an
    activation.

    As `convolution2d_transpose` with one more spatial dimension: `inputs` is
    5-D, `[batch, depth, height, width, channels]` for 'NDHWC' (default) or
    `[batch, channels, depth, height, width]` for 'NCDHW'; `kernel_size` and
    `stride` have 3 entries (or are one int); the default scope is
    'Conv3d_transpose'.

    Raises:
      ValueError: if `data_format` is neither 'NDHWC' nor 'NCDHW', `inputs`
        is not 5-D or its channels dimension is undefined, or `kernel_size` /
        `stride` are malformed.
    """
    arguments = _SIGNATURE_3D.bind(*args, **kwargs)
    arguments.apply_defaults()
    return _transpose(
        arguments.arguments,
        spatial=3,
        default_scope="Conv3d_transpose",
        formats=("NCDHW", "NDHWC"),
    )


_convolution3d_transpose.__signature__ = _SIGNATURE_3D
_convolution3d_transpose.__name__ = "convolution3d_transpose"
_convolution3d_transpose.__qualname__ = "convolution3d_transpose"
convolution3d_transpose = add_arg_scope(_convolution3d_transpose)
conv2d_transpose = convolution2d_transpose
conv3d_transpose = convolution3d_transpose
