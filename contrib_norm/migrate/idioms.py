"""TF1 idioms around the layers that tf_upgrade_v2 leaves broken (pass 3).

* ``tf.summary.scalar`` / ``histogram`` / ``image`` / ``audio`` / ``text``:
  tf_upgrade_v2 keeps the names, which in TensorFlow 2 are the eager
  summary API (they need a default writer and TensorBoard, and record
  nothing in a v1 graph). A TF1 program meant the graph ops, now
  ``tf.compat.v1.summary.*``. A file that already uses TF2's summary API
  (``create_file_writer``, ``record_if``, ...) is left alone.
* ``Dimension.value``: ``x.get_shape()[1].value``, ``x.shape[-1].value``,
  ``x.shape.dims[0].value``. Under TF2 behaviour a shape's entries are ints
  or None, which have no ``.value``; ``tf.compat.dimension_value(...)``
  gives exactly TF1's result for either (None stays None).

Each function makes its edits with the pass's :class:`edits.Editor` and
returns the changes for the report.
"""

import ast

from contrib_norm.migrate import names
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import REWRITE

_V1_SUMMARY_OPS = frozenset({"scalar", "histogram", "image", "audio", "text"})
_TF2_SUMMARY_API = frozenset({
    "create_file_writer", "create_noop_writer", "record_if",
    "should_record_summaries", "write", "flush", "trace_on", "trace_off",
    "trace_export", "experimental", "SummaryWriter", "graph"})
_SUMMARY = names.TF + ".summary."


def v1_summaries(resolver, editor):
    """``tf.summary.<op>`` -> ``tf.compat.v1.summary.<op>`` (see above).

    Returns:
        The changes.
    """
    found, tf2 = [], False
    for name, chain, path in resolver.resolved_chains():
        if resolver.name_path(name) != names.TF or not path.startswith(_SUMMARY):
            continue
        member = path[len(_SUMMARY):]
        if member.split(".")[0] in _TF2_SUMMARY_API:
            tf2 = True
        elif member in _V1_SUMMARY_OPS:
            found.append((chain, name.id + ".compat.v1.summary." + member))
    if tf2:
        return []
    changes = []
    for chain, new_text in found:
        editor.replace(chain, new_text)
        changes.append(Change(chain.lineno, names.dotted_name(chain),
                              new_text, REWRITE))
    return changes


def _is_shape_entry(node):
    """Whether `node` is ``<x>.shape[i]``, ``<x>.get_shape()[i]`` or
    ``<x>.shape.dims[i]`` (a TF1 Dimension)."""
    if type(node) is not ast.Subscript:
        return False
    value = node.value
    if type(value) is ast.Attribute:
        return value.attr in ("shape", "dims")
    return (type(value) is ast.Call and type(value.func) is ast.Attribute
            and value.func.attr == "get_shape" and not value.args
            and not value.keywords)


def dimension_values(resolver, editor):
    """``<shape entry>.value`` -> ``tf.compat.dimension_value(<shape entry>)``.

    Returns:
        The changes.
    """
    found = [node for node in resolver.parents
             if type(node) is ast.Attribute and node.attr == "value"
             and _is_shape_entry(node.value)]
    if not found:
        return []
    tf_name, tf_path = names.preferred_tf_alias(resolver.tree)
    if tf_name is None:
        return []
    func = tf_name + (".compat.dimension_value" if tf_path == names.TF
                      else ".dimension_value")
    changes = []
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):
        entry = editor.text(node.value)
        editor.insert_before(node.value, func + "(")
        editor.replace_span(editor.span(node.value)[1], editor.span(node)[1],
                            ")")
        changes.append(Change(node.lineno, "%s.value" % entry,
                              "%s(%s)" % (func, entry), REWRITE))
    return changes
