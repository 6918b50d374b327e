"""``tf.contrib.slim.initializers``: tf.contrib.layers' weight initializers."""

from contrib_norm.initializers import variance_scaling_initializer
from contrib_norm.initializers import xavier_initializer
from contrib_norm.initializers import xavier_initializer_conv2d

__all__ = [
    "variance_scaling_initializer",
    "xavier_initializer",
    "xavier_initializer_conv2d",
]
