"""Child process of test_tf_slim_layers_suite: runs test classes of tf-slim
1.1.0's own `tf_slim/layers/layers_test.py` against contrib_norm.

contrib_norm's functions are patched into tf-slim's namespaces first
(`tf_slim.layers.layers.NAME`, `tf_slim.layers.NAME`, `tf_slim.NAME`, the
regularizers module, and `arg_scope`), so the suite's calls reach
contrib_norm. Run as `python tf_slim_layers_child.py CLASS...`; reports
`{test id: outcome}` through `fresh_interpreter.report`, an outcome being
"passed", "skipped: REASON" or "failed: TRACEBACK".
"""

import sys
import unittest

import tensorflow as tf

import contrib_norm.layers
import fresh_interpreter
from contrib_norm.framework import arg_scope

# The host layers, their aliases and the normalizers the suite calls.
PATCHED = (
    "avg_pool2d", "avg_pool3d", "batch_norm", "bias_add", "conv1d", "conv2d",
    "conv2d_transpose", "conv3d", "conv3d_transpose", "convolution",
    "convolution1d", "convolution2d", "convolution2d_transpose",
    "convolution3d", "convolution3d_transpose", "dropout", "elu", "flatten",
    "fully_connected", "layer_norm", "linear", "max_pool2d", "max_pool3d",
    "one_hot_encoding", "pool", "relu", "relu6", "repeat", "separable_conv2d",
    "separable_convolution2d", "softmax", "stack", "unit_norm",
)
REGULARIZERS = (
    "apply_regularization", "l1_l2_regularizer", "l1_regularizer",
    "l2_regularizer", "sum_regularizer",
)


def patch():
    """Points tf-slim's names at contrib_norm's; returns the test module."""
    import tf_slim  # pylint: disable=g-import-not-at-top
    from tf_slim.layers import layers as slim_layers
    from tf_slim.layers import regularizers as slim_regularizers
    from tf_slim.ops import arg_scope as slim_arg_scope

    for name in PATCHED + REGULARIZERS:
        function = getattr(contrib_norm.layers, name)
        for namespace in (slim_layers, tf_slim.layers, tf_slim):
            setattr(namespace, name, function)
        if name in REGULARIZERS:
            setattr(slim_regularizers, name, function)
    slim_arg_scope.arg_scope = arg_scope
    tf_slim.arg_scope = arg_scope
    from tf_slim.layers import layers_test  # pylint: disable=g-import-not-at-top

    layers_test.arg_scope = arg_scope
    return layers_test


class _Outcomes(unittest.TestResult):
    """Collects `{test id: outcome}`."""

    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def _key(self, test):
        return test.id().rsplit(".", 2)[-2] + "." + test.id().rsplit(".", 1)[-1]

    def addSuccess(self, test):
        self.outcomes[self._key(test)] = "passed"

    def addSkip(self, test, reason):
        self.outcomes[self._key(test)] = "skipped: " + str(reason)

    def addFailure(self, test, err):
        self.outcomes[self._key(test)] = "failed: " + self._exc_info_to_string(
            err, test
        )

    addError = addFailure


def main(class_names):
    tf.compat.v1.disable_eager_execution()
    layers_test = patch()
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(
        loader.loadTestsFromTestCase(getattr(layers_test, name))
        for name in class_names
    )
    result = _Outcomes()
    suite.run(result)
    fresh_interpreter.report(result.outcomes)


if __name__ == "__main__":
    main(sys.argv[1:])
