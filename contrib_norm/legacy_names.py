"""The legacy public names contrib_norm serves, and what serves each.

One table, data only, read by ``install()`` (``contrib_norm.compat``), by the
migration tool's pass 3 (``contrib_norm.migrate.rewrite``) and by the tests.
It imports nothing, so the migration tool can read it without loading
TensorFlow.

:data:`NAMESPACES` maps each legacy namespace (its canonical path:
``tensorflow.layers`` stands for ``tf.layers`` and ``tf.compat.v1.layers``)
to ``{attribute: (contrib_norm module, attribute)}``. :data:`LEGACY_NAMES`
flattens it to ``{"tensorflow.contrib.slim.conv2d":
"contrib_norm.slim.conv2d", ...}``.
"""

# tf.contrib.layers' layer functions that contrib_norm.layers implements.
CONTRIB_LAYERS = (
    "avg_pool2d", "avg_pool3d", "batch_norm", "bias_add", "conv1d", "conv2d",
    "conv2d_transpose", "conv3d", "conv3d_transpose", "convolution",
    "convolution1d", "convolution2d", "convolution2d_transpose",
    "convolution3d", "convolution3d_transpose", "dropout", "elu", "flatten",
    "fully_connected", "group_norm", "instance_norm", "layer_norm", "linear",
    "max_pool2d", "max_pool3d", "one_hot_encoding", "pool", "relu", "relu6",
    "repeat", "separable_conv2d", "separable_convolution2d", "softmax",
    "stack", "unit_norm",
)  # fmt: skip

# The names of those that TF1 defined in tf.contrib.layers' `layers` module
# (`tf.contrib.slim.layers`); the others are in its `normalization` module.
NORMALIZATION_MODULE_LAYERS = ("group_norm", "instance_norm")

# tf.contrib.layers' regularizers (also tf.contrib.layers.regularizers and
# tf.contrib.slim.regularizers).
REGULARIZERS = (
    "apply_regularization", "l1_l2_regularizer", "l1_regularizer",
    "l2_regularizer", "sum_regularizer",
)  # fmt: skip

# tf.contrib.layers' initializers (also tf.contrib.layers.initializers and
# tf.contrib.slim.initializers).
INITIALIZERS = (
    "variance_scaling_initializer", "xavier_initializer",
    "xavier_initializer_conv2d",
)  # fmt: skip

# tf.contrib.framework's arg_scope functions.
ARG_SCOPE = (
    "add_arg_scope", "arg_scope", "arg_scope_func_key", "arg_scoped_arguments",
    "current_arg_scope", "has_arg_scope",
)  # fmt: skip

# tf.contrib.framework's variable functions (contrib_norm.framework.variables).
VARIABLES = (
    "add_model_variable", "get_local_variables", "get_model_variables",
    "get_trainable_variables", "get_unique_variable", "get_variables",
    "get_variables_by_name", "get_variables_by_suffix",
    "get_variables_to_restore", "global_variable", "local_variable",
    "model_variable", "variable",
)  # fmt: skip

# tf.contrib.slim.utils (tf.contrib.layers' utils module).
SLIM_UTILS = (
    "append_tensor_alias", "collect_named_outputs",
    "convert_collection_to_dict", "gather_tensors_aliases",
    "get_tensor_aliases", "last_dimension",
)  # fmt: skip

# The names of TF1's `tf.layers` namespace (`tf.compat.v1.layers`).
TF_LAYERS = (
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "BatchNormalization", "Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D",
    "Conv3DTranspose", "Dense", "Dropout", "Flatten", "Layer",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "SeparableConv1D",
    "SeparableConv2D", "average_pooling1d", "average_pooling2d",
    "average_pooling3d", "batch_normalization", "conv1d", "conv2d",
    "conv2d_transpose", "conv3d", "conv3d_transpose", "dense", "dropout",
    "flatten", "max_pooling1d", "max_pooling2d", "max_pooling3d",
    "separable_conv1d", "separable_conv2d",
)  # fmt: skip

# The tf.layers names that contrib_norm.layers defines (tf_layers re-exports
# the same objects).
_BATCH_NORMALIZATION = ("BatchNormalization", "batch_normalization")

# The submodules of tf.contrib.slim that contrib_norm.slim has (its `layers`
# is contrib_norm.layers).
SLIM_SUBMODULES = ("initializers", "layers", "regularizers", "utils")

# What tf.contrib.slim had beyond its model-building surface, left out: its
# training loops, losses, metrics, data, nets, learning and evaluation.
SLIM_LEFT_OUT = (
    "data", "evaluation", "learning", "losses", "metrics", "model_analyzer",
    "nets", "queues", "summaries", "train_eval", "training",
)  # fmt: skip


def _served_by(module, attributes):
    return {name: (module, name) for name in attributes}


_SLIM_NAMES = CONTRIB_LAYERS + REGULARIZERS + INITIALIZERS + ARG_SCOPE + VARIABLES

#: Canonical legacy namespace -> {attribute: (contrib_norm module, attribute)}.
NAMESPACES = {
    "tensorflow.contrib.layers": {
        **_served_by("contrib_norm.layers", CONTRIB_LAYERS + REGULARIZERS),
        **_served_by("contrib_norm.initializers", INITIALIZERS),
    },
    "tensorflow.contrib.layers.initializers": _served_by(
        "contrib_norm.initializers", INITIALIZERS),
    "tensorflow.contrib.layers.regularizers": _served_by(
        "contrib_norm.layers", REGULARIZERS),
    "tensorflow.contrib.framework": _served_by(
        "contrib_norm.framework", ARG_SCOPE + VARIABLES),
    "tensorflow.contrib.nn": _served_by("contrib_norm.nn", ("alpha_dropout",)),
    "tensorflow.contrib.slim": _served_by("contrib_norm.slim", _SLIM_NAMES),
    "tensorflow.contrib.slim.layers": _served_by(
        "contrib_norm.layers",
        tuple(n for n in CONTRIB_LAYERS if n not in NORMALIZATION_MODULE_LAYERS)),
    "tensorflow.contrib.slim.initializers": _served_by(
        "contrib_norm.slim.initializers", INITIALIZERS),
    "tensorflow.contrib.slim.regularizers": _served_by(
        "contrib_norm.slim.regularizers", REGULARIZERS),
    "tensorflow.contrib.slim.utils": _served_by(
        "contrib_norm.slim.utils", SLIM_UTILS),
    "tensorflow.layers": {
        **_served_by("contrib_norm.tf_layers", TF_LAYERS),
        **_served_by("contrib_norm.layers", _BATCH_NORMALIZATION),
    },
}

#: Canonical legacy path -> the contrib_norm path that serves it.
LEGACY_NAMES = {
    "%s.%s" % (namespace, name): "%s.%s" % target
    for namespace, mapping in NAMESPACES.items()
    for name, target in mapping.items()
}
