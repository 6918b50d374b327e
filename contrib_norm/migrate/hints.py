"""What to tell the user about a tf.contrib API that was not converted."""

from contrib_norm import legacy_names

LEGACY_KERAS = "needs tf-keras + TF_USE_LEGACY_KERAS=1"

# tf.contrib.layers names that contrib_norm does not serve (those it serves
# are in contrib_norm.legacy_names and are rewritten, not hinted).
_LAYERS = {
    "optimize_loss": "use optimizer.minimize(loss) with a "
                     "tf.compat.v1.train optimizer",
    "summarize_tensor": "use tf.compat.v1.summary.histogram/scalar",
    "summarize_activation": "use tf.compat.v1.summary.histogram",
    "embed_sequence": "use tf.nn.embedding_lookup with a "
                      "tf.compat.v1.get_variable embedding matrix",
}

_FRAMEWORK = {
    "assign_from_checkpoint_fn": "use tf.compat.v1.train.Saver(var_list)"
                                 ".restore(sess, path)",
    "with_shape": "use tf.ensure_shape",
}

#: What replaces each part of slim that contrib_norm.slim leaves out.
_SLIM_PARTS = {
    "model_analyzer": "it only prints variables and their sizes: print "
                      "[(v.name, v.shape.num_elements()) for v in "
                      "tf.compat.v1.trainable_variables()] or drop the call",
    "summaries": "write the summaries with tf.compat.v1.summary.histogram / "
                 "scalar (for v in tf.compat.v1.trainable_variables())",
    "metrics": "use tf.compat.v1.metrics (streaming_accuracy -> "
               "tf.compat.v1.metrics.accuracy, streaming_mean -> "
               "tf.compat.v1.metrics.mean, ...)",
    "nets": "copy the model definition into your project, or use tf_slim.nets "
            "from the tf-slim package (pip install tf-slim)",
    "data": "read the data with tf.data",
    "queues": "read the data with tf.data",
}

_SLIM_TRAINING = ("replace slim.%s by tf.compat.v1.losses, a "
                  "tf.compat.v1.train optimizer and a tf.compat.v1.Session "
                  "loop")

# Single names of other tf.contrib submodules.
_NAMES = {
    "training.HParams": "keep the values in a types.SimpleNamespace "
                        "(HParams(lr=0.1).lr -> SimpleNamespace(lr=0.1).lr) "
                        "or a dict; HParams.parse() of a string has no core "
                        "equivalent",
    "metrics.f1_score": "tf.compat.v1.metrics has no f1_score: compute "
                        "2 * p * r / (p + r) from tf.compat.v1.metrics."
                        "precision and recall (labels first), or use "
                        "tf.keras.metrics.F1Score (contrib's took the best "
                        "F1 over num_thresholds thresholds)",
}

_TFP = "use TensorFlow Probability (tfp.distributions)"

# Whole tf.contrib submodules, with the API that replaces them.
_SUBMODULES = {
    "lookup": "use tf.lookup (StaticHashTable, StaticVocabularyTable, "
              "KeyValueTensorInitializer, TextFileInitializer)",
    "rnn": "use tf.compat.v1.nn.rnn_cell.* (%s) or keras.layers.LSTMCell/"
           "GRUCell with keras.layers.RNN" % LEGACY_KERAS,
    "data": "use tf.data / tf.data.experimental",
    "distributions": _TFP,
    "bayesflow": _TFP,
    "opt": "use a tf.compat.v1.train or keras optimizer",
    "summary": "use tf.summary (TF2) or tf.compat.v1.summary",
    "training": "use tf.compat.v1.train / tf.data equivalents",
    "learn": "use tf.estimator or keras",
    "nn": "use tf.nn equivalents",
    "tpu": "TPUEstimator, TPUEstimatorSpec, RunConfig, TPUConfig and "
           "InputPipelineConfig are tf.compat.v1.estimator.tpu.<same name> "
           "on TensorFlow 2.15 only (TensorFlow 2.16 removed tf.estimator: "
           "there, build the model_fn's graph yourself and train it in a "
           "tf.compat.v1.Session loop); other names are in tf.compat.v1.tpu",
}

_DEFAULT = ("tf.contrib was removed in TensorFlow 2 and has no automatic "
            "replacement: find an equivalent in core TensorFlow or Keras "
            "(the tf-slim package imports on TensorFlow 2.21, but its "
            "batch_norm and the layers backed by legacy Keras fail)")


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
        return _LAYERS[leaf]
    if sub in ("framework", "slim") and leaf in _FRAMEWORK:
        return _FRAMEWORK[leaf]
    if sub == "slim" and leaf in legacy_names.SLIM_LEFT_OUT:
        what = (("slim.%s: " % leaf) + _SLIM_PARTS[leaf] if leaf in _SLIM_PARTS
                else _SLIM_TRAINING % leaf)
        return ("contrib_norm.slim restores slim's model-building surface "
                "only: " + what)
    if sub == "slim":
        return ("no contrib_norm replacement; contrib_norm.slim has slim's "
                "layers, arg_scope, variables, initializers, regularizers "
                "and utils")
    if sub == "layers":
        return ("no contrib_norm replacement; contrib_norm.layers has "
                "tf.contrib.layers' layers, regularizers and initializers; "
                "use keras.layers or core TensorFlow for the rest")
    if sub == "framework":
        return ("no contrib_norm replacement; see migration_guide/README.md "
                "for the core TensorFlow equivalents")
    if sub == "metrics" and leaf.startswith("streaming_"):
        return ("use tf.compat.v1.metrics.%s, which takes labels first and "
                "predictions second (streaming_* took predictions first): "
                "pass them by keyword" % leaf[len("streaming_"):])
    if sub in ("crf", "seq2seq"):
        return ("the tensorflow_addons package has tfa.%s with the same "
                "functions (it is unmaintained; pin a version that supports "
                "your TensorFlow), or write them with core TensorFlow"
                % ("text" if sub == "crf" else "seq2seq"))
    if sub == "rnn" and leaf.startswith("LayerNorm"):
        return ("no core cell applies layer normalization to the gates: "
                "tf.compat.v1.nn.rnn_cell.LSTMCell (%s) drops it; keep it "
                "with a custom cell that applies contrib_norm.layers.layer_norm "
                "to each gate and the new cell state" % LEGACY_KERAS)
    return _NAMES.get(sub + "." + leaf, _SUBMODULES.get(sub, _DEFAULT))


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
