"""tf.contrib.layers.convolution and its 1-D / 2-D / 3-D forms (conv1d,
conv2d, conv3d), as TensorFlow 1.x had them."""

import functools
import inspect

import tensorflow as tf

from contrib_norm import initializers
from contrib_norm._core import host
from contrib_norm._core import variables as variables_lib
from contrib_norm.framework.arg_scope import add_arg_scope

_DATA_FORMATS = (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW")
_CHANNELS_LAST = {3: "NWC", 4: "NHWC", 5: "NDHWC"}
_CHANNELS_FIRST = {3: "NCW", 4: "NCHW", 5: "NCDHW"}


@add_arg_scope
def convolution(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=None,
    rate=1,
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
    conv_dims=None,
):
    """Adds an N-D convolution (N = 1, 2 or 3), then a normalizer or biases,
    then an activation.

    The layer creates the model variable `weights` (the kernel, of shape
    `kernel_size + [in_channels, num_outputs]`) and cross-correlates it with
    `inputs`. If `normalizer_fn` is given (such as `batch_norm`) it is applied
    to the result and no biases are made; otherwise, unless
    `biases_initializer` is None, the model variable `biases`
    (`[num_outputs]`) is added. Finally `activation_fn`, unless None.

    With `rate` > 1 the convolution is atrous (dilated); it does not combine
    with `stride` > 1.

    Args:
      inputs: a tensor of rank N + 2: `[batch] + spatial + [channels]`, or
        `[batch, channels] + spatial` when `data_format` starts with "NC".
      num_outputs: the number of output channels (filters).
      kernel_size: N positive ints, or one int for every spatial dimension.
      stride: N positive ints, or one int.
      padding: 'SAME' or 'VALID'.
      data_format: None or one of 'NWC', 'NCW', 'NHWC', 'NCHW', 'NDHWC',
        'NCDHW'; only whether it starts with "NC" matters (channels first).
      rate: the dilation rate: N positive ints, or one int.
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
      scope: optional variable scope (default 'Conv').
      conv_dims: the expected N, or None to take it from the input's rank.

    Returns:
      The output tensor.

    Raises:
      ValueError: for an invalid `data_format`, an input rank other than
        `conv_dims + 2` (or outside 3..5), an undefined channels dimension,
        malformed `kernel_size` / `stride` / `rate`, or `rate` and `stride`
        both above 1.
    """
    arguments = dict(locals())
    if data_format not in _DATA_FORMATS:
        raise ValueError("Invalid data_format: %r" % (data_format,))
    host.check_collections(variables_collections)
    with tf.compat.v1.variable_scope(
        scope, "Conv", [inputs], reuse=reuse
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.rank
        if conv_dims is not None and conv_dims + 2 != rank:
            raise ValueError(
                "Convolution expects input with rank %d, got %s"
                % (conv_dims + 2, rank)
            )
        if rank not in _CHANNELS_LAST:
            raise ValueError(
                "Convolution not supported for input with rank %s: inputs "
                "must have rank 3, 4 or 5. Received: inputs with shape=%s"
                % (rank, inputs.shape)
            )
        channels_first = bool(data_format) and data_format.startswith("NC")
        tf_format = (_CHANNELS_FIRST if channels_first else _CHANNELS_LAST)[rank]
        spatial = rank - 2
        kernel_size = host.positive_ints(kernel_size, spatial, "kernel_size")
        stride = host.positive_ints(stride, spatial, "stride")
        rate = host.positive_ints(rate, spatial, "rate")
        host.check_rate_and_stride(rate, stride)
        num_outputs = host.positive_ints(num_outputs, 1, "num_outputs")[0]
        in_channels = host.channels(
            inputs, 1 if channels_first else -1, "convolution", rank
        )
        weights = host.weights_variable(
            "weights",
            kernel_size + (in_channels, num_outputs),
            inputs.dtype.base_dtype,
            weights_initializer,
            weights_regularizer,
            variables_collections,
            trainable,
            layer_name="kernel",
        )
        outputs = tf.nn.convolution(
            inputs,
            weights,
            strides=stride,
            padding=host.padding(padding),
            dilations=rate,
            data_format=tf_format,
        )
        outputs = host.finish(outputs, tf_format, **arguments)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


# The undecorated function: the fixed-rank forms below call it, so that an
# arg_scope of `convolution` does not reach them (nor did it in TF1).
_convolution = convolution.__wrapped__
_SIGNATURE = inspect.signature(_convolution)
_FIXED_RANK_SIGNATURE = _SIGNATURE.replace(
    parameters=[p for p in _SIGNATURE.parameters.values() if p.name != "conv_dims"]
)


def _fixed_rank(conv_dims):
    """`convolution` for inputs of rank `conv_dims + 2` only: TF1's
    `convolution{conv_dims}d`, with the same arguments but `conv_dims`."""

    def convolution_nd(*args, **kwargs):
        arguments = _FIXED_RANK_SIGNATURE.bind(*args, **kwargs).arguments
        return _convolution(conv_dims=conv_dims, **arguments)

    name = "convolution%dd" % conv_dims
    convolution_nd.__name__ = convolution_nd.__qualname__ = name
    convolution_nd.__module__ = __name__
    convolution_nd.__signature__ = _FIXED_RANK_SIGNATURE
    convolution_nd.__doc__ = (
        "`convolution` for inputs of rank %d (N = %d): a %d-D convolution.\n\n"
        "Same arguments as `convolution`, but `conv_dims`; a rank other than "
        "%d is TF1's ValueError 'Convolution expects input with rank %d, got "
        "R'.\n" % ((conv_dims + 2, conv_dims, conv_dims) + (conv_dims + 2,) * 2)
    )
    return add_arg_scope(convolution_nd)


convolution1d = _fixed_rank(1)
convolution2d = _fixed_rank(2)
convolution3d = _fixed_rank(3)
conv1d = convolution1d
conv2d = convolution2d
conv3d = convolution3d
