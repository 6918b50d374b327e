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
"""

import dataclasses
from typing import List, Optional

import libcst as cst
from libcst.metadata.scope_provider import ImportAssignment

from contrib_norm.migrate import names
from contrib_norm.migrate.edits import Editor
from contrib_norm.migrate.edits import import_alias_list
from contrib_norm.migrate.edits import simple_line
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


class _ImportCollector(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.imports = []

    def visit_Import(self, node):
        self.imports.append(node)

    def visit_ImportFrom(self, node):
        self.imports.append(node)


def _spelled_out(canon):
    """Whether imports of the canonical path `canon` are spelled out."""
    return names.is_contrib(canon) or names.is_tf_layers(canon)


def _spelled_out_aliases(stmt):
    """(alias, bound_name) pairs of an import statement that import tf.contrib
    or tf.layers (see the module docstring)."""
    found = []
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            full = names.dotted_name(alias.name)
            if _spelled_out(names.canonical(full)):
                bound = (alias.asname.name.value if alias.asname
                         else full.split(".")[0])
                found.append((alias, bound))
    elif (not stmt.relative and stmt.module is not None
          and not isinstance(stmt.names, cst.ImportStar)):
        module = names.dotted_name(stmt.module)
        for alias in stmt.names:
            full = module + "." + names.dotted_name(alias.name)
            if _spelled_out(names.canonical(full)):
                bound = (alias.asname.name.value if alias.asname
                         else names.dotted_name(alias.name))
                found.append((alias, bound))
    return found


def _references(resolver, stmt, bound):
    """Head Names that read the binding ``bound`` made by ``stmt``."""
    refs = set()
    for name, referents in resolver.referents.items():
        for assignment in referents:
            if (isinstance(assignment, ImportAssignment)
                    and assignment.node is stmt
                    and (assignment.name == bound
                         or assignment.name.startswith(bound + "."))):
                refs.add(name)
    return refs


def _alias_assignments(resolver):
    """Finds ``x = tf.contrib.y`` statements; returns {Assignment: line}."""
    candidates = []
    for scope, assignment in resolver.plain_assignments():
        target = assignment.node
        if not isinstance(target, cst.Name):
            continue
        assign_target = resolver.parents.get(target)
        assign = resolver.parents.get(assign_target)
        line = resolver.parents.get(assign)
        if not (isinstance(assign_target, cst.AssignTarget)
                and isinstance(assign, cst.Assign)
                and len(assign.targets) == 1
                and isinstance(line, cst.SimpleStatementLine)
                and len(line.body) == 1):
            continue
        if names.dotted_name(assign.value) is None:
            continue
        if len(scope.assignments[assignment.name]) != 1:
            continue
        candidates.append((assignment, assign, line))
    found = {}
    progress = True
    while progress:
        progress = False
        for assignment, assign, line in candidates:
            if assignment in found:
                continue
            path = resolver.chain_path(assign.value)
            canon = names.canonical(path)
            # Only aliases of contrib modules (`slim = tf.contrib.slim`): an
            # alias of a function may be imported by other modules, so it
            # stays and pass 3 converts its value.
            if (names.is_contrib(canon)
                    and canon.count(".") <= 2):
                resolver.extra_paths[assignment] = path
                found[assignment] = (assign, line)
                progress = True
    return found


def spell_out(code):
    """Runs pass 1 on one file's source.

    Args:
        code: The Python source.

    Returns:
        A :class:`PassOutput`.

    Raises:
        libcst.ParserSyntaxError: If the source cannot be parsed.
    """
    resolver = names.Resolver(cst.parse_module(code))
    module = resolver.module
    tf_name, tf_path = names.preferred_tf_alias(module)
    tf_import_needed = tf_name is None
    if tf_name is None:
        tf_name = "tf" if "tf" not in names.module_level_names(module) else names.TF
        tf_path = names.TF

    alias_assignments = _alias_assignments(resolver)

    # 1. Find every chain that resolves into tf.contrib, and those that
    #    resolve into tf.layers through a name imported from it.
    contrib_chains = []
    handled = set()
    for name in resolver.accessed_names():
        chain = names.outer_chain(name, resolver.parents)
        path = resolver.chain_path(chain)
        canon = names.canonical(path)
        if names.is_contrib(canon):
            handled.add(name)
            contrib_chains.append(
                (chain, tf_name + names.normalize_contrib(canon)[len(names.TF):]))
        elif names.is_tf_layers(canon) and resolver.name_path(name) not in (
                names.TF, names.TF_COMPAT_V1):
            handled.add(name)
            spelled = path if tf_path == names.TF else canon
            contrib_chains.append((chain, tf_name + spelled[len(names.TF):]))

    # Alias assignments (`slim = tf.contrib.slim`) all of whose uses are
    # spelled out are removed, so their own value needs no rewrite.
    removed_assignments = {
        assignment: (assign, line)
        for assignment, (assign, line) in alias_assignments.items()
        if all(names.head_name(ref.node) in handled
               for ref in assignment.references)}
    removed_values = {assign.value for assign, _ in removed_assignments.values()}

    # 2. Spell them out.
    replace_chain = {}
    changes = []
    for chain, new_text in contrib_chains:
        if chain in removed_values:
            continue
        old_text = names.dotted_name(chain)
        if new_text != old_text:
            replace_chain[chain] = new_text
            changes.append(Change(resolver.line(chain), old_text, new_text,
                                  SPELL_OUT))

    # 3. Drop the import aliases and alias assignments that are now unused.
    replace_small = {}
    collector = _ImportCollector()
    module.visit(collector)
    top_level = set(module.body)
    removed_top_lines = []
    for stmt in collector.imports:
        pairs = _spelled_out_aliases(stmt)
        if not pairs:
            continue
        keep = []
        dropped = []
        for alias in stmt.names:
            bound = next((b for a, b in pairs if a is alias), None)
            if bound is None:
                keep.append(alias)
                continue
            refs = _references(resolver, stmt, bound)
            if refs <= handled:
                dropped.append(alias)
            elif alias.asname is None and isinstance(stmt, cst.Import):
                # `import tensorflow.contrib.x` also binds `tensorflow`,
                # which other code still reads: keep that part.
                keep.append(alias.with_changes(name=cst.Name(names.TF)))
                dropped.append(alias)
            else:
                keep.append(alias)
        if not dropped:
            continue
        line = resolver.parents.get(stmt)
        old_code = module.code_for_node(stmt)
        if keep:
            new = stmt.with_changes(names=import_alias_list(keep))
            replace_small[stmt] = new
            changes.append(Change(resolver.line(stmt), old_code,
                                  module.code_for_node(new), SPELL_OUT))
        else:
            replace_small[stmt] = None
            if line in top_level and len(line.body) == 1:
                removed_top_lines.append(line)
            changes.append(Change(resolver.line(stmt), old_code, "", SPELL_OUT))

    for assign, line in removed_assignments.values():
        replace_small[assign] = None
        if line in top_level:
            removed_top_lines.append(line)
        changes.append(Change(resolver.line(assign), module.code_for_node(assign),
                              "", SPELL_OUT))

    # 4. Make sure TensorFlow is imported under the name the chains use.
    replace_line = {}
    insert_top = None
    if tf_import_needed and replace_chain:
        import_code = ("import tensorflow as tf" if tf_name == "tf"
                       else "import tensorflow")
        new_line = simple_line(import_code)
        if removed_top_lines:
            first = min(removed_top_lines, key=resolver.line)
            replace_line[first] = new_line.body
            for change in changes:
                if change.line == resolver.line(first) and not change.new:
                    change.new = import_code
                    break
        else:
            insert_top = (names.header_end(module.body), [new_line])
            changes.append(Change(None, "", import_code, SPELL_OUT))
    new_module = resolver.wrapper.module.visit(Editor(
        replace_chain=replace_chain, replace_small=replace_small,
        insert_top=insert_top, replace_line=replace_line))
    return PassOutput(new_module.code, changes, [], tf_name)
