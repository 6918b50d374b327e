"""contrib_norm: TensorFlow 1.x normalization layers, restored for today's TensorFlow.

Public modules and functions:

* ``contrib_norm.layers``: the normalization layers (``batch_norm``,
  ``batch_normalization``, ``group_norm``, ...).
* ``contrib_norm.tf_layers``: TF 1.15's ``tf.layers`` (``dense``, ``conv2d``,
  ``max_pooling2d``, ``dropout``, ..., and their classes), which Keras 3
  removed.
* ``contrib_norm.nn``: ``selu``, ``alpha_dropout``, ``dropout_selu``.
* ``contrib_norm.initializers``: tf.contrib.layers' weight initializers.
* ``contrib_norm.framework``: ``arg_scope``, ``add_arg_scope`` and
  tf.contrib.framework's variable functions (``model_variable``, ...).
* ``contrib_norm.slim``: tf.contrib.slim's model-building surface (its
  layers, arg scopes, variables, initializers, regularizers and utils).
* ``contrib_norm.legacy_names``: the table of the legacy names contrib_norm
  serves and what serves each (no TensorFlow import).
* ``contrib_norm.install()``: makes ``tf.contrib.layers.batch_norm`` and the
  other legacy names resolve to contrib_norm (see ``contrib_norm.compat``).

The submodules are imported on first access, so ``import contrib_norm`` is
cheap (the ``contrib-norm-migrate`` tool does not load TensorFlow) and has no
effect on ``tf``: only ``install()`` changes TensorFlow's namespaces.
"""

import importlib
import importlib.util

__version__ = "0.1.0"

_SUBMODULES = ("framework", "initializers", "layers", "legacy_names", "nn",
               "slim", "tf_layers")

__all__ = ["__version__", "install", *_SUBMODULES]


def __getattr__(name):
    if name == "install":
        install = importlib.import_module(__name__ + ".compat").install
        globals()["install"] = install
        return install
    if not name.startswith("_"):
        module_name = "%s.%s" % (__name__, name)
        if importlib.util.find_spec(module_name) is not None:
            # Importing a submodule also binds it as an attribute here.
            return importlib.import_module(module_name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__():
    return sorted(set(globals()) | set(__all__))
