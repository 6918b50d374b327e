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

Each function returns the edits for :class:`edits.Editor` and the changes
for the report.
"""

import libcst as cst

from contrib_norm.migrate import names
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import REWRITE

_V1_SUMMARY_OPS = frozenset({"scalar", "histogram", "image", "audio", "text"})
_TF2_SUMMARY_API = frozenset({
    "create_file_writer", "create_noop_writer", "record_if",
    "should_record_summaries", "write", "flush", "trace_on", "trace_off",
    "trace_export", "experimental", "SummaryWriter", "graph"})
_SUMMARY = names.TF + ".summary."


def v1_summaries(resolver):
    """``tf.summary.<op>`` -> ``tf.compat.v1.summary.<op>`` (see above).

    Returns:
        ``(replace_chain, changes)``.
    """
    found, tf2 = [], False
    for name in resolver.accessed_names():
        if resolver.name_path(name) != names.TF:
            continue
        chain = names.outer_chain(name, resolver.parents)
        path = resolver.chain_path(chain)
        if path is None or not path.startswith(_SUMMARY):
            continue
        member = path[len(_SUMMARY):]
        if member.split(".")[0] in _TF2_SUMMARY_API:
            tf2 = True
        elif member in _V1_SUMMARY_OPS:
            found.append((chain, name.value + ".compat.v1.summary." + member))
    if tf2:
        return {}, []
    replace, changes = {}, []
    for chain, new_text in found:
        replace[chain] = new_text
        changes.append(Change(resolver.line(chain), names.dotted_name(chain),
                              new_text, REWRITE))
    return replace, changes


def _is_shape_entry(node):
    """Whether `node` is ``<x>.shape[i]``, ``<x>.get_shape()[i]`` or
    ``<x>.shape.dims[i]`` (a TF1 Dimension)."""
    if not isinstance(node, cst.Subscript):
        return False
    value = node.value
    if isinstance(value, cst.Attribute):
        return value.attr.value in ("shape", "dims")
    return (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "get_shape" and not value.args)


class _DimensionValues(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.found = []

    def visit_Attribute(self, node):
        if node.attr.value == "value" and _is_shape_entry(node.value):
            self.found.append(node)


def dimension_values(resolver):
    """``<shape entry>.value`` -> ``tf.compat.dimension_value(<shape entry>)``.

    Returns:
        ``(replace_node, changes)``: ``replace_node`` maps each original
        Attribute node to a function of its updated node.
    """
    visitor = _DimensionValues()
    resolver.module.visit(visitor)
    if not visitor.found:
        return {}, []
    tf_name, tf_path = names.preferred_tf_alias(resolver.module)
    if tf_name is None:
        return {}, []
    func = tf_name + (".compat.dimension_value" if tf_path == names.TF
                      else ".dimension_value")

    def call(updated):
        return cst.Call(func=names.build_dotted(func),
                        args=[cst.Arg(updated.value)],
                        lpar=updated.lpar, rpar=updated.rpar)

    replace, changes = {}, []
    for node in visitor.found:
        replace[node] = call
        entry = resolver.module.code_for_node(node.value)
        changes.append(Change(resolver.line(node),
                              "%s.value" % entry, "%s(%s)" % (func, entry),
                              REWRITE))
    return replace, changes
