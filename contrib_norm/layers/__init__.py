"""The normalization layers of tf.contrib.layers and tf.layers, and newer ones.

One family per module; this package re-exports the public names.
"""

from contrib_norm._core.data_format import DATA_FORMAT_NCHW
from contrib_norm._core.data_format import DATA_FORMAT_NHWC
from contrib_norm.layers.batch_norm import batch_norm
from contrib_norm.layers.batch_normalization import BatchNormalization
from contrib_norm.layers.batch_normalization import batch_normalization
from contrib_norm.layers.group_norm import group_norm
from contrib_norm.layers.instance_norm import instance_norm
from contrib_norm.layers.layer_norm import layer_norm
from contrib_norm.layers.switchable_norm import switchable_norm
from contrib_norm.layers.sync_batch_norm import sync_batch_norm

__all__ = [
    "DATA_FORMAT_NCHW",
    "DATA_FORMAT_NHWC",
    "BatchNormalization",
    "batch_norm",
    "batch_normalization",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "switchable_norm",
    "sync_batch_norm",
]
