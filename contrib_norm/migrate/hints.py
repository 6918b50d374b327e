"""What to tell the user about a tf.contrib API that was not converted."""

LEGACY_KERAS = "needs tf-keras + TF_USE_LEGACY_KERAS=1"

# contrib's layer functions applied a ReLU by default and took a
# normalizer_fn; tf.layers / Keras do neither.
_CONTRIB_LAYER_NOTE = (" (note: activation_fn defaults to relu in contrib, "
                       "activation to None there; normalizer_fn / "
                       "normalizer_params become an explicit call on the "
                       "output, before the activation)")

_LAYERS = {
    "conv2d": "use tf.compat.v1.layers.conv2d (%s) or keras.layers.Conv2D"
              + _CONTRIB_LAYER_NOTE,
    "convolution2d": "use tf.compat.v1.layers.conv2d (%s) or "
                     "keras.layers.Conv2D" + _CONTRIB_LAYER_NOTE,
    "convolution": "use tf.compat.v1.layers.conv2d/conv1d/conv3d (%s) or "
                   "keras.layers.Conv2D" + _CONTRIB_LAYER_NOTE,
    "conv1d": "use tf.compat.v1.layers.conv1d (%s) or keras.layers.Conv1D"
              + _CONTRIB_LAYER_NOTE,
    "conv3d": "use tf.compat.v1.layers.conv3d (%s) or keras.layers.Conv3D"
              + _CONTRIB_LAYER_NOTE,
    "conv2d_transpose": "use tf.compat.v1.layers.conv2d_transpose (%s) or "
                        "keras.layers.Conv2DTranspose" + _CONTRIB_LAYER_NOTE,
    "convolution2d_transpose": "use tf.compat.v1.layers.conv2d_transpose (%s) "
                               "or keras.layers.Conv2DTranspose"
                               + _CONTRIB_LAYER_NOTE,
    "separable_conv2d": "use tf.compat.v1.layers.separable_conv2d (%s) or "
                        "keras.layers.SeparableConv2D" + _CONTRIB_LAYER_NOTE,
    "fully_connected": "use tf.compat.v1.layers.dense (%s) or "
                       "keras.layers.Dense" + _CONTRIB_LAYER_NOTE,
    "linear": "use tf.compat.v1.layers.dense (%s) or keras.layers.Dense",
    "flatten": "use tf.compat.v1.layers.flatten (%s) or "
               "tf.reshape(x, [tf.shape(x)[0], -1])",
    "dropout": "use tf.compat.v1.layers.dropout (%s) or "
               "tf.nn.dropout(x, rate=1 - keep_prob) (contrib's argument is "
               "keep_prob)",
    "max_pool2d": "use tf.compat.v1.layers.max_pooling2d (%s) or "
                  "tf.nn.max_pool2d",
    "avg_pool2d": "use tf.compat.v1.layers.average_pooling2d (%s) or "
                  "tf.nn.avg_pool2d",
    "l2_regularizer": "use tf.keras.regularizers.l2(0.5 * scale) "
                      "(tf_upgrade_v2 does this when TensorFlow is imported "
                      "as `tf`)",
    "l1_regularizer": "use tf.keras.regularizers.l1(scale)",
    "l1_l2_regularizer": "use tf.keras.regularizers.L1L2(l1=scale_l1, "
                         "l2=0.5 * scale_l2)",
    "sum_regularizer": "add the regularizers' results with tf.add_n",
    "apply_regularization": "use tf.compat.v1.losses.get_regularization_loss() "
                            "or tf.add_n(tf.compat.v1.get_collection("
                            "tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES))",
    "one_hot_encoding": "use tf.one_hot",
    "softmax": "use tf.nn.softmax",
    "repeat": "write the repetition as a Python loop",
    "stack": "write the stack as a Python loop",
    "unit_norm": "use tf.math.l2_normalize",
    "bias_add": "use tf.nn.bias_add with a tf.compat.v1.get_variable bias",
    "optimize_loss": "use optimizer.minimize(loss) with a "
                     "tf.compat.v1.train optimizer",
    "summarize_tensor": "use tf.compat.v1.summary.histogram/scalar",
    "summarize_activation": "use tf.compat.v1.summary.histogram",
    "embed_sequence": "use tf.nn.embedding_lookup with a "
                      "tf.compat.v1.get_variable embedding matrix",
}

_FRAMEWORK = {
    "get_variables": "use tf.compat.v1.get_collection("
                     "tf.compat.v1.GraphKeys.GLOBAL_VARIABLES, scope)",
    "get_model_variables": "use tf.compat.v1.get_collection("
                           "tf.compat.v1.GraphKeys.MODEL_VARIABLES, scope)",
    "get_trainable_variables": "use tf.compat.v1.trainable_variables(scope)",
    "get_variables_to_restore": "use tf.compat.v1.global_variables() "
                                "(filtered as needed)",
    "get_or_create_global_step": "use "
                                 "tf.compat.v1.train.get_or_create_global_step",
    "get_global_step": "use tf.compat.v1.train.get_global_step",
    "model_variable": "use tf.compat.v1.get_variable",
    "variable": "use tf.compat.v1.get_variable",
    "assign_from_checkpoint_fn": "use tf.compat.v1.train.Saver(var_list)"
                                 ".restore(sess, path)",
    "with_shape": "use tf.ensure_shape",
}

_DEFAULT = ("tf.contrib was removed in TensorFlow 2 and has no automatic "
            "replacement: find an equivalent in core TensorFlow or Keras "
            "(the tf-slim package no longer imports on TensorFlow 2.21)")


def hint_for(canonical_path):
    """A concrete suggestion for an unconverted ``tensorflow.contrib`` path.

    Args:
        canonical_path: A path like ``tensorflow.contrib.layers.conv2d``.

    Returns:
        A one-line hint.
    """
    parts = canonical_path.split(".")
    sub = parts[2] if len(parts) > 2 else ""
    leaf = parts[3] if len(parts) > 3 else ""
    if sub in ("layers", "slim") and leaf in _LAYERS:
        text = _LAYERS[leaf]
        return text % LEGACY_KERAS if "%s" in text else text
    if sub in ("framework", "slim") and leaf in _FRAMEWORK:
        return _FRAMEWORK[leaf]
    if sub == "slim":
        return ("no contrib_norm replacement; use tf.compat.v1.layers (%s) or "
                "keras.layers (the tf-slim package no longer imports on "
                "TensorFlow 2.21)" % LEGACY_KERAS)
    if sub == "layers":
        return ("no contrib_norm replacement; use tf.compat.v1.layers (%s) or "
                "keras.layers" % LEGACY_KERAS)
    if sub == "framework":
        return ("no contrib_norm replacement; see migration_guide/README.md "
                "for the core TensorFlow equivalents")
    if sub == "rnn":
        return ("use tf.compat.v1.nn.rnn_cell.* (%s) or keras.layers.LSTMCell/"
                "GRUCell with keras.layers.RNN" % LEGACY_KERAS)
    if sub == "data":
        return "use tf.data / tf.data.experimental"
    if sub in ("distributions", "bayesflow"):
        return "use TensorFlow Probability (tfp.distributions)"
    if sub == "opt":
        return "use a tf.compat.v1.train or keras optimizer"
    if sub == "summary":
        return "use tf.summary (TF2) or tf.compat.v1.summary"
    if sub == "training":
        return "use tf.compat.v1.train / tf.data equivalents"
    if sub == "learn":
        return "use tf.estimator or keras"
    if sub == "nn":
        return "use tf.nn equivalents"
    return _DEFAULT


def display(canonical_path):
    """Spells a canonical path the way programs write it.

    Args:
        canonical_path: A path like ``tensorflow.contrib.slim.conv2d``.

    Returns:
        ``tf.contrib.slim.conv2d``; paths outside TensorFlow unchanged.
    """
    if canonical_path == "tensorflow":
        return "tf"
    if canonical_path.startswith("tensorflow."):
        return "tf" + canonical_path[len("tensorflow"):]
    return canonical_path
