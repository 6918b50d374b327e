"""tf.contrib.framework's arg_scope machinery and variable functions."""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

import sys as _sys

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

# The function arg_scope shadows its module's name here.
__all__ = sorted(_sys.modules[__name__ + ".arg_scope"].__all__
                 + _sys.modules[__name__ + ".variables"].__all__)
