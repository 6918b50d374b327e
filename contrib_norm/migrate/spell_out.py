"""Pass 1: spell out tf.contrib imports and aliases.

After this pass every use of tf.contrib reads ``tf.contrib.<...>`` (with the
file's own name for TensorFlow), so that tf_upgrade_v2's contrib mappings and
the contrib_norm rewrites of pass 3 can recognise it::

    import tensorflow.contrib as tf_contrib        ->  (removed)
    tf_contrib.layers.batch_norm(x)                ->  tf.contrib.layers.batch_norm(x)
    from tensorflow.contrib.layers import l2_regularizer
    l2_regularizer(1e-4)                           ->  tf.contrib.layers.l2_regularizer(1e-4)
    slim = tf.contrib.slim                         ->  (removed)
    slim.batch_norm                                ->  tf.contrib.slim.batch_norm

Imports from ``tf.layers`` (``from tensorflow.compat.v1.layers import
batch_normalization``) are spelled out the same way, as ``tf.layers.<name>``
or ``tf.compat.v1.layers.<name>``: the module ``tensorflow.layers`` is gone in
TensorFlow 2, and spelled out, tf_upgrade_v2 and pass 3 convert the uses.
So are imports of absl's flags (``from tensorflow import flags``), which
TensorFlow 2 keeps as ``tf.compat.v1.flags`` only: pass 3 renames them.
"""

import ast
import dataclasses
from typing import List, Optional

from contrib_norm.migrate import names
from contrib_norm.migrate.edits import Editor
from contrib_norm.migrate.edits import block_of
from contrib_norm.migrate.edits import import_text
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import Issue
from contrib_norm.migrate.report import SPELL_OUT


@dataclasses.dataclass
class PassOutput:
    """Result of a rewriting pass.

    Attributes:
        code: The new source.
        changes: Changes, with line numbers of the pass's input.
        issues: Issues, with line numbers of the pass's output.
        tf_alias: The name the file uses for TensorFlow (pass 1 only).
    """

    code: str
    changes: List[Change] = dataclasses.field(default_factory=list)
    issues: List[Issue] = dataclasses.field(default_factory=list)
    tf_alias: Optional[str] = None


def _spelled_out(path):
    """Whether imports of the dotted `path` are spelled out (absl's flags
    only where TensorFlow 2 lacks them: not under tf.compat.v1)."""
    canon = names.canonical(path)
    return (names.is_contrib(canon) or names.is_tf_layers(canon)
            or names.is_tf_flags(path))


def _spelled_out_aliases(stmt):
    """(alias, bound_name) pairs of an import statement that import tf.contrib,
    tf.layers or tf.flags (see the module docstring)."""
    found = []
    if type(stmt) is ast.Import:
        for alias in stmt.names:
            if _spelled_out(alias.name):
                found.append((alias, alias.asname or alias.name.split(".")[0]))
        return found
    module = names.from_module(stmt)
    if module is not None:
        for alias in stmt.names:
            if _spelled_out(module + "." + alias.name):
                found.append((alias, alias.asname or alias.name))
    return found


def _references(resolver, stmt, bound):
    """Head Names that read the binding ``bound`` made by ``stmt``."""
    refs = set()
    for scope in resolver.analysis.scopes:
        for binding in scope.bindings.get(bound, ()):
            if binding.is_import and binding.node is stmt:
                refs.update(binding.references)
    return refs


def _alias_assignments(resolver):
    """Finds ``x = tf.contrib.y`` statements; returns {Binding: Assign}."""
    candidates = []
    for scope, binding in resolver.plain_bindings():
        target = binding.node
        if type(target) is not ast.Name:
            continue
        assign = resolver.parents.get(target)
        if not (type(assign) is ast.Assign and len(assign.targets) == 1
                and assign.targets[0] is target):
            continue
        if names.dotted_name(assign.value) is None:
            continue
        if len(scope.bindings[binding.name]) != 1:
            continue
        candidates.append((binding, assign))
    found = {}
    progress = True
    while progress:
        progress = False
        for binding, assign in candidates:
            if binding in found:
                continue
            path = resolver.chain_path(assign.value)
            canon = names.canonical(path)
            # Only aliases of contrib modules (`slim = tf.contrib.slim`): an
            # alias of a function may be imported by other modules, so it
            # stays and pass 3 converts its value.
            if (names.is_contrib(canon)
                    and canon.count(".") <= 2):
                resolver.extra_paths[binding] = path
                found[binding] = assign
                progress = True
    return found


def _contrib_chains(resolver, tf_name, tf_path):
    """Every chain that resolves into tf.contrib, and those that resolve into
    tf.layers or tf.flags through a name imported from it, with their
    spelled-out text.

    Returns:
        ``(chains, handled)``: ``[(chain, new_text)]`` and the head Names
        they cover.
    """
    chains, handled = [], set()
    for name, chain, path in resolver.resolved_chains():
        canon = names.canonical(path)
        if names.is_contrib(canon):
            handled.add(name)
            chains.append(
                (chain, tf_name + names.normalize_contrib(canon)[len(names.TF):]))
        elif (names.is_tf_layers(canon) or names.is_tf_flags(path)) and \
                resolver.name_path(name) not in (names.TF, names.TF_COMPAT_V1):
            handled.add(name)
            spelled = path if tf_path == names.TF else canon
            chains.append((chain, tf_name + spelled[len(names.TF):]))
    return chains, handled


def _drop_imports(resolver, editor, handled, changes):
    """Drops the import aliases whose every use is spelled out.

    Returns:
        The import statements to remove whole (the others are trimmed here).
    """
    removed = []
    for stmt in resolver.analysis.imports:
        pairs = _spelled_out_aliases(stmt)
        if not pairs:
            continue
        keep, dropped = [], []
        for alias in stmt.names:
            bound = next((b for a, b in pairs if a is alias), None)
            if bound is None:
                keep.append((alias.name, alias.asname))
            elif _references(resolver, stmt, bound) <= handled:
                dropped.append(alias)
            elif alias.asname is None and type(stmt) is ast.Import:
                # `import tensorflow.contrib.x` also binds `tensorflow`,
                # which other code still reads: keep that part.
                keep.append((names.TF, None))
                dropped.append(alias)
            else:
                keep.append((alias.name, alias.asname))
        if not dropped:
            continue
        old_code = editor.text(stmt)
        new_code = import_text(stmt, keep) if keep else ""
        if keep:
            editor.replace(stmt, new_code)
        else:
            removed.append(stmt)
        changes.append(Change(stmt.lineno, old_code, new_code, SPELL_OUT))
    return removed


def _import_tensorflow(tree, editor, tf_name, removed, changes):
    """Imports TensorFlow under the name the spelled-out chains use: in place
    of the first removed top-level line, or after the module's header.

    Returns:
        Statement -> replacement text, for :func:`_remove`.
    """
    import_code = ("import tensorflow as tf" if tf_name == "tf"
                   else "import tensorflow")
    top = [s for s in removed if s in tree.body and _alone(s, tree.body)]
    if not top:
        editor.insert_statements(tree.body, names.header_end(tree.body),
                                 [import_code])
        changes.append(Change(None, "", import_code, SPELL_OUT))
        return {}
    first = min(top, key=lambda s: (s.lineno, s.col_offset))
    for change in changes:
        if change.line == first.lineno and not change.new:
            change.new = import_code
            break
    return {first: import_code}


def spell_out(code):
    """Runs pass 1 on one file's source.

    Args:
        code: The Python source.

    Returns:
        A :class:`PassOutput`.

    Raises:
        SyntaxError: If the source cannot be parsed.
    """
    tree = ast.parse(code)
    resolver = names.Resolver(tree)
    editor = Editor(code)
    tf_name, tf_path = names.preferred_tf_alias(tree)
    tf_import_needed = tf_name is None
    if tf_name is None:
        tf_name = "tf" if "tf" not in names.module_level_names(tree) else names.TF
        tf_path = names.TF

    alias_assignments = _alias_assignments(resolver)
    contrib_chains, handled = _contrib_chains(resolver, tf_name, tf_path)

    # Alias assignments (`slim = tf.contrib.slim`) all of whose uses are
    # spelled out are removed, so their own value needs no rewrite.
    removed_assignments = [
        assign for binding, assign in alias_assignments.items()
        if all(ref in handled for ref in binding.references)]
    removed_values = {id(assign.value) for assign in removed_assignments}

    changes = []
    for chain, new_text in contrib_chains:
        old_text = names.dotted_name(chain)
        if id(chain) not in removed_values and new_text != old_text:
            editor.replace(chain, new_text)
            changes.append(Change(chain.lineno, old_text, new_text, SPELL_OUT))
    spelled_any = bool(changes)

    removed = _drop_imports(resolver, editor, handled, changes)
    for assign in removed_assignments:
        removed.append(assign)
        changes.append(Change(assign.lineno, editor.text(assign), "",
                              SPELL_OUT))
    replacements = {}
    if tf_import_needed and spelled_any:
        replacements = _import_tensorflow(tree, editor, tf_name, removed,
                                          changes)
    _remove(editor, removed, resolver.parents, replacements)
    return PassOutput(editor.apply(), changes, [], tf_name)


def _alone(stmt, body):
    """Whether no other statement of ``body`` shares a line with ``stmt``."""
    index = next(i for i, s in enumerate(body) if s is stmt)
    return ((index == 0 or body[index - 1].end_lineno != stmt.lineno)
            and (index + 1 == len(body)
                 or body[index + 1].lineno != stmt.end_lineno))


def _remove(editor, statements, parents, replacements):
    """Removes statements, block by block (see :meth:`Editor.remove_statements`)."""
    blocks = {}
    for stmt in statements:
        block = block_of(stmt, parents)
        entry = blocks.setdefault(id(block[0]), (block, set()))
        entry[1].add(stmt)
    for block, gone in blocks.values():
        editor.remove_statements(block, gone, replacements)
