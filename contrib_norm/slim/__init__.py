"""``tf.contrib.slim``'s model-building surface, for today's TensorFlow.

The same objects as ``contrib_norm.layers`` (``conv2d``, ``fully_connected``,
``batch_norm``, ``max_pool2d``, ``repeat``, ``stack``, ...), its regularizers
and tf.contrib.layers' initializers, ``contrib_norm.framework``'s arg scopes
and variable functions (``model_variable``, ``get_variables_to_restore``,
...), and the submodules ``initializers``, ``regularizers``, ``utils`` and
``layers`` (``contrib_norm.layers``)::

    import contrib_norm.slim as slim

    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm):
        net = slim.repeat(images, 2, slim.conv2d, 64, [3, 3], scope="conv1")

slim's training loops, losses, metrics, data, nets, learning and evaluation
are not part of it: accessing them raises an ``AttributeError`` that says so.
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

from contrib_norm import layers
from contrib_norm import legacy_names
from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.framework.arg_scope import arg_scope
from contrib_norm.framework.arg_scope import arg_scope_func_key
from contrib_norm.framework.arg_scope import arg_scoped_arguments
from contrib_norm.framework.arg_scope import current_arg_scope
from contrib_norm.framework.arg_scope import has_arg_scope
from contrib_norm.framework.variables import add_model_variable
from contrib_norm.framework.variables import get_local_variables
from contrib_norm.framework.variables import get_model_variables
from contrib_norm.framework.variables import get_trainable_variables
from contrib_norm.framework.variables import get_unique_variable
from contrib_norm.framework.variables import get_variables
from contrib_norm.framework.variables import get_variables_by_name
from contrib_norm.framework.variables import get_variables_by_suffix
from contrib_norm.framework.variables import get_variables_to_restore
from contrib_norm.framework.variables import global_variable
from contrib_norm.framework.variables import local_variable
from contrib_norm.framework.variables import model_variable
from contrib_norm.framework.variables import variable
from contrib_norm.initializers import variance_scaling_initializer
from contrib_norm.initializers import xavier_initializer
from contrib_norm.initializers import xavier_initializer_conv2d
from contrib_norm.layers import apply_regularization
from contrib_norm.layers import avg_pool2d
from contrib_norm.layers import avg_pool3d
from contrib_norm.layers import batch_norm
from contrib_norm.layers import bias_add
from contrib_norm.layers import conv1d
from contrib_norm.layers import conv2d
from contrib_norm.layers import conv2d_transpose
from contrib_norm.layers import conv3d
from contrib_norm.layers import conv3d_transpose
from contrib_norm.layers import convolution
from contrib_norm.layers import convolution1d
from contrib_norm.layers import convolution2d
from contrib_norm.layers import convolution2d_transpose
from contrib_norm.layers import convolution3d
from contrib_norm.layers import convolution3d_transpose
from contrib_norm.layers import dropout
from contrib_norm.layers import elu
from contrib_norm.layers import flatten
from contrib_norm.layers import fully_connected
from contrib_norm.layers import group_norm
from contrib_norm.layers import instance_norm
from contrib_norm.layers import l1_l2_regularizer
from contrib_norm.layers import l1_regularizer
from contrib_norm.layers import l2_regularizer
from contrib_norm.layers import layer_norm
from contrib_norm.layers import linear
from contrib_norm.layers import max_pool2d
from contrib_norm.layers import max_pool3d
from contrib_norm.layers import one_hot_encoding
from contrib_norm.layers import pool
from contrib_norm.layers import relu
from contrib_norm.layers import relu6
from contrib_norm.layers import repeat
from contrib_norm.layers import separable_conv2d
from contrib_norm.layers import separable_convolution2d
from contrib_norm.layers import softmax
from contrib_norm.layers import stack
from contrib_norm.layers import sum_regularizer
from contrib_norm.layers import unit_norm
from contrib_norm.slim import initializers
from contrib_norm.slim import regularizers
from contrib_norm.slim import utils

__all__ = sorted(legacy_names.NAMESPACES["tensorflow.contrib.slim"]) + list(
    legacy_names.SLIM_SUBMODULES)


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    what = ("slim.%s is one of tf.contrib.slim's training loops, losses, "
            "metrics, data, nets, learning and evaluation, which are left "
            "out" % name if name in legacy_names.SLIM_LEFT_OUT
            else "tf.contrib.slim.%s is not provided" % name)
    raise AttributeError(
        "module %r has no attribute %r: contrib_norm.slim restores only "
        "tf.contrib.slim's model-building surface (layers, arg_scope, "
        "variables, initializers, regularizers, utils); %s. See "
        "contrib_norm's migration_guide/README.md for what replaces it on "
        "TensorFlow 2." % (__name__, name, what))
