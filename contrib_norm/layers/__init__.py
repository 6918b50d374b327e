"""The normalization layers of tf.contrib.layers and tf.layers, and newer
ones; and the tf.contrib.layers host layers around them (convolutions,
fully_connected, pooling, ...) with its regularizers.

One family per module; this package re-exports the public names.
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

from contrib_norm._core.data_format import DATA_FORMAT_NCHW
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.layers.batch_norm import batch_norm
from contrib_norm.layers.batch_normalization import BatchNormalization
from contrib_norm.layers.batch_normalization import batch_normalization
from contrib_norm.layers.composition import repeat
from contrib_norm.layers.composition import stack
from contrib_norm.layers.convolution import conv1d
from contrib_norm.layers.convolution import conv2d
from contrib_norm.layers.convolution import conv3d
from contrib_norm.layers.convolution import convolution
from contrib_norm.layers.convolution import convolution1d
from contrib_norm.layers.convolution import convolution2d
from contrib_norm.layers.convolution import convolution3d
from contrib_norm.layers.convolution_transpose import conv2d_transpose
from contrib_norm.layers.convolution_transpose import conv3d_transpose
from contrib_norm.layers.convolution_transpose import convolution2d_transpose
from contrib_norm.layers.convolution_transpose import convolution3d_transpose
from contrib_norm.layers.core import bias_add
from contrib_norm.layers.core import dropout
from contrib_norm.layers.core import flatten
from contrib_norm.layers.core import one_hot_encoding
from contrib_norm.layers.core import softmax
from contrib_norm.layers.core import unit_norm
from contrib_norm.layers.fully_connected import elu
from contrib_norm.layers.fully_connected import fully_connected
from contrib_norm.layers.fully_connected import linear
from contrib_norm.layers.fully_connected import relu
from contrib_norm.layers.fully_connected import relu6
from contrib_norm.layers.group_norm import group_norm
from contrib_norm.layers.instance_norm import instance_norm
from contrib_norm.layers.layer_norm import layer_norm
from contrib_norm.layers.pooling import avg_pool2d
from contrib_norm.layers.pooling import avg_pool3d
from contrib_norm.layers.pooling import max_pool2d
from contrib_norm.layers.pooling import max_pool3d
from contrib_norm.layers.pooling import pool
from contrib_norm.layers.regularizers import apply_regularization
from contrib_norm.layers.regularizers import l1_l2_regularizer
from contrib_norm.layers.regularizers import l1_regularizer
from contrib_norm.layers.regularizers import l2_regularizer
from contrib_norm.layers.regularizers import sum_regularizer
from contrib_norm.layers.separable_convolution import separable_conv2d
from contrib_norm.layers.separable_convolution import separable_convolution2d
from contrib_norm.layers.switchable_norm import switchable_norm
from contrib_norm.layers.sync_batch_norm import sync_batch_norm

__all__ = [
    "DATA_FORMAT_NCHW",
    "DATA_FORMAT_NHWC",
    "BatchNormalization",
    "apply_regularization",
    "avg_pool2d",
    "avg_pool3d",
    "batch_norm",
    "batch_normalization",
    "bias_add",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "convolution",
    "convolution1d",
    "convolution2d",
    "convolution2d_transpose",
    "convolution3d",
    "convolution3d_transpose",
    "dropout",
    "elu",
    "flatten",
    "fully_connected",
    "group_norm",
    "instance_norm",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "layer_norm",
    "linear",
    "max_pool2d",
    "max_pool3d",
    "one_hot_encoding",
    "pool",
    "relu",
    "relu6",
    "repeat",
    "separable_conv2d",
    "separable_convolution2d",
    "softmax",
    "stack",
    "sum_regularizer",
    "switchable_norm",
    "sync_batch_norm",
    "unit_norm",
]
