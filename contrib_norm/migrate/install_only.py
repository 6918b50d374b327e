"""``--install-only``: the smallest change, for the ``install()`` route.

``contrib_norm.install()`` serves programs written against
``import tensorflow.compat.v1 as tf`` in graph mode. This mode makes exactly
that change to each file and nothing else (no tf_upgrade_v2, no rewriting):

    import tensorflow as tf            ->  import tensorflow.compat.v1 as tf
                                           import contrib_norm
                                           contrib_norm.install()
                                           tf.disable_v2_behavior()

A top-level ``import tensorflow.compat.v1 as tf`` is kept and gets the three
lines after it, unless the file already calls ``contrib_norm.install()``. A
file without a top-level ``import tensorflow`` is left as it is (with a
note). Every other byte of the file, line endings included, stays.
"""

import ast
import re

from contrib_norm.migrate import line_endings
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import FileResult
from contrib_norm.migrate.report import Issue
from contrib_norm.migrate.report import MANUAL
from contrib_norm.migrate.report import NOTE

SOURCE = "install-only"
_TF_MODULES = ("tensorflow", "tensorflow.compat.v1")


def _tf_import(tree):
    """The first top-level ``import tensorflow[.compat.v1] as x`` alone in
    its statement, as ``(node, module, bound name)``, or None."""
    for node in tree.body:
        if isinstance(node, ast.Import) and len(node.names) == 1:
            alias = node.names[0]
            if alias.name in _TF_MODULES and alias.asname:
                return node, alias.name, alias.asname
    return None


def _contrib_imports_before(tree, line):
    found = []
    for node in tree.body:
        if node.lineno >= line:
            break
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "tensorflow.contrib"):
            found.append(node)
        elif isinstance(node, ast.Import) and any(
                a.name.startswith("tensorflow.contrib") for a in node.names):
            found.append(node)
    return found


def convert(code):
    """Applies the ``--install-only`` change to one file.

    Args:
        code: The file's source, with its own line endings.

    Returns:
        ``(new_code, FileResult)``.

    Raises:
        SyntaxError: If CPython cannot parse the file.
    """
    tree = ast.parse(code)
    result = FileResult(path="")
    found = _tf_import(tree)
    if found is None:
        result.issues.append(Issue(None, "", "no top-level `import tensorflow "
                                   "as tf` (alone on its line): nothing to "
                                   "change", NOTE))
        return code, result
    node, module, bound = found
    if "contrib_norm.install()" in code:
        return code, result
    lines = line_endings.lines(code)
    first, last = node.lineno - 1, node.end_lineno - 1
    line = lines[last]
    ending = line[len(line.rstrip("\r\n")):] or "\n"
    indent = re.match(r"[ \t]*", lines[first]).group()
    new_import = "%simport tensorflow.compat.v1 as %s" % (indent, bound)
    added = [new_import, indent + "import contrib_norm",
             indent + "contrib_norm.install()",
             indent + "%s.disable_v2_behavior()" % bound]
    old_text = "".join(lines[first:last + 1])
    tail = lines[last][node.end_col_offset:].rstrip("\r\n")
    if tail.strip() and not tail.strip().startswith("#"):
        result.issues.append(Issue(node.lineno, "", "the TensorFlow import "
                                   "shares its line with other code: change "
                                   "it by hand", MANUAL))
        return code, result
    added[0] += tail
    new_lines = [text + ending for text in added]
    if not lines[last].endswith(("\n", "\r")):
        new_lines[-1] = new_lines[-1][:-len(ending)]
    new_code = "".join(lines[:first] + new_lines + lines[last + 1:])
    if module != "tensorflow.compat.v1":
        result.changes.append(Change(node.lineno, old_text.strip(),
                                     new_import.strip(), SOURCE,
                                     out_line=node.lineno))
    for offset, text in enumerate(added[1:], start=2):
        result.changes.append(Change(None, "", text.strip(), SOURCE,
                                     out_line=first + offset))
    for stmt in _contrib_imports_before(tree, node.lineno):
        result.issues.append(Issue(stmt.lineno, "", "this tf.contrib import "
                                   "runs before contrib_norm.install(): move "
                                   "it below the TensorFlow import", MANUAL))
    result.changed = new_code != code
    return new_code, result
