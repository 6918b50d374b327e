"""tf.contrib.framework's arg_scope machinery."""

from contrib_norm.framework.arg_scope import add_arg_scope
from contrib_norm.framework.arg_scope import arg_scope
from contrib_norm.framework.arg_scope import arg_scope_func_key
from contrib_norm.framework.arg_scope import arg_scoped_arguments
from contrib_norm.framework.arg_scope import current_arg_scope
from contrib_norm.framework.arg_scope import has_arg_scope

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "current_arg_scope",
    "has_arg_scope",
]
