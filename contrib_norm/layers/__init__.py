"""The normalization layers of tf.contrib.layers and tf.layers, and newer ones.

One family per module; this package re-exports the public names.
"""

from contrib_norm._core.data_format import DATA_FORMAT_NCHW
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.layers.batch_norm import batch_norm
from contrib_norm.layers.batch_normalization import BatchNormalization
from contrib_norm.layers.batch_normalization import batch_normalization

__all__ = [
    "DATA_FORMAT_NCHW",
    "DATA_FORMAT_NHWC",
    "BatchNormalization",
    "batch_norm",
    "batch_normalization",
]
