"""TensorFlow, checked where contrib_norm first needs it.

``import contrib_norm`` does not import TensorFlow (nor this module). Every
part of contrib_norm that uses TensorFlow imports this module first: the
packages ``_core``, ``layers``, ``tf_layers``, ``framework`` and ``slim``
through their ``__init__``, and the modules ``nn``, ``initializers`` and
``compat`` at their top. TensorFlow is an extra (``contrib_norm[tf]``), so
that a user of another build (tensorflow-cpu, tensorflow-macos, ...) does not
get a second one; without any, this raises an ImportError that says so.
"""

import re
import warnings

# The oldest and newest TensorFlow (major, minor) that CI runs the suite on.
TESTED = ((2, 15), (2, 21))
TESTED_RANGE = "%d.%d to %d.%d" % (*TESTED[0], *TESTED[1])

try:
    import tensorflow as tf
except ModuleNotFoundError as error:
    if error.name != "tensorflow":
        raise
    raise ImportError(
        "contrib_norm needs TensorFlow, and none is installed. Install it "
        "with `pip install contrib_norm[tf]`, or install any TensorFlow "
        "build >= 2.15 (tensorflow-cpu, tensorflow-macos, ...); contrib_norm "
        "is tested with TensorFlow %s." % TESTED_RANGE) from error


def check_version(version):
    """Warns if TensorFlow ``version`` is outside the range CI tests."""
    match = re.match(r"(\d+)\.(\d+)", version)
    if match and TESTED[0] <= tuple(map(int, match.groups())) <= TESTED[1]:
        return
    warnings.warn(
        "contrib_norm is tested with TensorFlow %s; this is TensorFlow %s, "
        "which is untested." % (TESTED_RANGE, version), stacklevel=2)


check_version(tf.__version__)
