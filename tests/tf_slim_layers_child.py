"""Child process of test_tf_slim_layers_suite and test_slim: runs test
classes of one of tf-slim 1.1.0's own suites against contrib_norm.

`layers`: `tf_slim/layers/layers_test.py`, with contrib_norm's functions
patched into tf-slim's namespaces first (`tf_slim.layers.layers.NAME`,
`tf_slim.layers.NAME`, `tf_slim.NAME`, the regularizers module, and
`arg_scope`). `variables`: `tf_slim/ops/variables_test.py`, with
contrib_norm.slim's variable functions and `arg_scope` patched into the
names the suite calls them by. So the suite's calls reach contrib_norm.
Run as `python tf_slim_layers_child.py SUITE CLASS...`; reports
`{test id: outcome}` through `fresh_interpreter.report`, an outcome being
"passed", "skipped: REASON" or "failed: TRACEBACK".
"""

import sys
import unittest

import tensorflow as tf

import contrib_norm.layers
import fresh_interpreter
from contrib_norm import legacy_names
from contrib_norm.framework import arg_scope

# The host layers, their aliases and the normalizers (the suite calls all
# but group_norm and instance_norm), and the regularizers.
PATCHED = legacy_names.CONTRIB_LAYERS
REGULARIZERS = legacy_names.REGULARIZERS


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


def patch_variables():
    """Points variables_test's names at contrib_norm.slim's; returns it."""
    from tf_slim.ops import variables_test  # pylint: disable=g-import-not-at-top

    import contrib_norm.slim  # pylint: disable=g-import-not-at-top

    for name in legacy_names.VARIABLES:
        setattr(variables_test.variables_lib2, name,
                getattr(contrib_norm.slim, name))
    variables_test.arg_scope = arg_scope
    return variables_test


class _NormalizationSuites:
    """`normalization`: tf-slim's `normalization_test.py` (InstanceNormTest,
    GroupNormTest) and `layers_test.py`'s LayerNormTest, with contrib_norm's
    normalizers patched in; a class name is looked up in either module."""

    def __init__(self, modules):
        self.modules = modules

    def __getattr__(self, name):
        for module in self.modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


def patch_normalization():
    from tf_slim.layers import normalization as slim_normalization  # pylint: disable=g-import-not-at-top

    layers_test = patch()
    for name in ("group_norm", "instance_norm"):
        setattr(slim_normalization, name, getattr(contrib_norm.layers, name))
    from tf_slim.layers import normalization_test  # pylint: disable=g-import-not-at-top

    normalization_test.normalization = slim_normalization
    return _NormalizationSuites([normalization_test, layers_test])


SUITES = {"layers": patch, "variables": patch_variables,
          "normalization": patch_normalization}


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


def main(suite_name, class_names):
    tf.compat.v1.disable_eager_execution()
    layers_test = SUITES[suite_name]()
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(
        loader.loadTestsFromTestCase(getattr(layers_test, name))
        for name in class_names
    )
    result = _Outcomes()
    suite.run(result)
    fresh_interpreter.report(result.outcomes)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
