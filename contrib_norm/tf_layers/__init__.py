"""TF 1.15's `tf.layers` (`tf.compat.v1.layers`), restored for Keras 3.

Under Keras 3 every `tf.compat.v1.layers.*` raises "not available with
Keras 3". This package provides them natively, in graph mode, with TF1's
signatures, defaults, variable names, scopes, `reuse` and numerics: the
functions (`dense`, `conv2d`, `max_pooling2d`, `batch_normalization`, ...),
the layer classes (`Dense`, `Conv2D`, ..., `BatchNormalization`, and their
base `Layer`) and TF1's aliases (`Convolution2D`, `MaxPool2D`, ...).

One family per module (`core`, `convolutional`, `pooling`); this package
re-exports the public names. Layers share the per-graph unique names of
`contrib_norm.layers.batch_normalization` (`dense`, `dense_1`, ...).
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

from contrib_norm import legacy_names
from contrib_norm.layers.batch_normalization import BatchNormalization
from contrib_norm.layers.batch_normalization import batch_normalization
from contrib_norm.tf_layers.base import Layer
from contrib_norm.tf_layers.convolutional import Conv1D
from contrib_norm.tf_layers.convolutional import Conv2D
from contrib_norm.tf_layers.convolutional import Conv2DTranspose
from contrib_norm.tf_layers.convolutional import Conv3D
from contrib_norm.tf_layers.convolutional import Conv3DTranspose
from contrib_norm.tf_layers.convolutional import Convolution1D
from contrib_norm.tf_layers.convolutional import Convolution2D
from contrib_norm.tf_layers.convolutional import Convolution2DTranspose
from contrib_norm.tf_layers.convolutional import Convolution3D
from contrib_norm.tf_layers.convolutional import Convolution3DTranspose
from contrib_norm.tf_layers.convolutional import Deconv2D
from contrib_norm.tf_layers.convolutional import Deconv3D
from contrib_norm.tf_layers.convolutional import Deconvolution2D
from contrib_norm.tf_layers.convolutional import Deconvolution3D
from contrib_norm.tf_layers.convolutional import SeparableConv1D
from contrib_norm.tf_layers.convolutional import SeparableConv2D
from contrib_norm.tf_layers.convolutional import SeparableConvolution2D
from contrib_norm.tf_layers.convolutional import conv1d
from contrib_norm.tf_layers.convolutional import conv2d
from contrib_norm.tf_layers.convolutional import conv2d_transpose
from contrib_norm.tf_layers.convolutional import conv3d
from contrib_norm.tf_layers.convolutional import conv3d_transpose
from contrib_norm.tf_layers.convolutional import convolution1d
from contrib_norm.tf_layers.convolutional import convolution2d
from contrib_norm.tf_layers.convolutional import convolution2d_transpose
from contrib_norm.tf_layers.convolutional import convolution3d
from contrib_norm.tf_layers.convolutional import convolution3d_transpose
from contrib_norm.tf_layers.convolutional import deconv2d
from contrib_norm.tf_layers.convolutional import deconv3d
from contrib_norm.tf_layers.convolutional import deconvolution2d
from contrib_norm.tf_layers.convolutional import deconvolution3d
from contrib_norm.tf_layers.convolutional import separable_conv1d
from contrib_norm.tf_layers.convolutional import separable_conv2d
from contrib_norm.tf_layers.convolutional import separable_convolution2d
from contrib_norm.tf_layers.core import Dense
from contrib_norm.tf_layers.core import Dropout
from contrib_norm.tf_layers.core import Flatten
from contrib_norm.tf_layers.core import FullyConnected
from contrib_norm.tf_layers.core import dense
from contrib_norm.tf_layers.core import dropout
from contrib_norm.tf_layers.core import flatten
from contrib_norm.tf_layers.core import fully_connected
from contrib_norm.tf_layers.pooling import AveragePooling1D
from contrib_norm.tf_layers.pooling import AveragePooling2D
from contrib_norm.tf_layers.pooling import AveragePooling3D
from contrib_norm.tf_layers.pooling import AvgPool2D
from contrib_norm.tf_layers.pooling import MaxPool2D
from contrib_norm.tf_layers.pooling import MaxPooling1D
from contrib_norm.tf_layers.pooling import MaxPooling2D
from contrib_norm.tf_layers.pooling import MaxPooling3D
from contrib_norm.tf_layers.pooling import average_pooling1d
from contrib_norm.tf_layers.pooling import average_pooling2d
from contrib_norm.tf_layers.pooling import average_pooling3d
from contrib_norm.tf_layers.pooling import avg_pool2d
from contrib_norm.tf_layers.pooling import max_pool2d
from contrib_norm.tf_layers.pooling import max_pooling1d
from contrib_norm.tf_layers.pooling import max_pooling2d
from contrib_norm.tf_layers.pooling import max_pooling3d

# The names of TF1's `tf.layers` namespace (`tf.compat.v1.layers`).
TF1_NAMES = legacy_names.TF_LAYERS

# TF1's module-level aliases of those.
ALIASES = (
    "AvgPool2D", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
    "Convolution3D", "Convolution3DTranspose", "Deconv2D", "Deconv3D",
    "Deconvolution2D", "Deconvolution3D", "FullyConnected", "MaxPool2D",
    "SeparableConvolution2D", "avg_pool2d", "convolution1d", "convolution2d",
    "convolution2d_transpose", "convolution3d", "convolution3d_transpose",
    "deconv2d", "deconv3d", "deconvolution2d", "deconvolution3d",
    "fully_connected", "max_pool2d", "separable_convolution2d",
)  # fmt: skip

__all__ = list(TF1_NAMES + ALIASES)
