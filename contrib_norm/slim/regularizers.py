"""``tf.contrib.slim.regularizers``: tf.contrib.layers' regularizers."""

from contrib_norm.layers.regularizers import apply_regularization
from contrib_norm.layers.regularizers import l1_l2_regularizer
from contrib_norm.layers.regularizers import l1_regularizer
from contrib_norm.layers.regularizers import l2_regularizer
from contrib_norm.layers.regularizers import sum_regularizer

__all__ = [
    "apply_regularization",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "sum_regularizer",
]
