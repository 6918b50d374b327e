"""Resolving dotted names in a LibCST tree to the TensorFlow paths they mean.

Both rewriting passes need to know what a chain such as ``slim.batch_norm`` or
``tf1.compat.v1.layers.dense`` refers to. :class:`Resolver` answers that with
LibCST's scope analysis, so a function parameter that happens to be called
``layers`` is never mistaken for an imported ``tensorflow.contrib.layers``.
"""

import libcst as cst
from libcst.metadata import MetadataWrapper
from libcst.metadata import ParentNodeProvider
from libcst.metadata import PositionProvider
from libcst.metadata import ScopeProvider
from libcst.metadata.scope_provider import Assignment
from libcst.metadata.scope_provider import ImportAssignment

TF = "tensorflow"
TF_COMPAT_V1 = "tensorflow.compat.v1"
CONTRIB = "tensorflow.contrib"
LAYERS = "tensorflow.layers"

# tf.contrib.layers names that tf_upgrade_v2 turns into Keras stand-ins
# (tf.keras.regularizers.l2, VarianceScaling) -> the tf.contrib.layers
# submodule that held them in TF1. Spelled through it, tf_upgrade_v2 leaves
# them, and pass 3 makes them contrib_norm's faithful implementations.
LAYERS_SUBMODULE = {
    "l1_regularizer": "regularizers",
    "l2_regularizer": "regularizers",
    "variance_scaling_initializer": "initializers",
    "xavier_initializer": "initializers",
    "xavier_initializer_conv2d": "initializers",
}


def dotted_name(node):
    """The dotted text of a Name/Attribute chain.

    Args:
        node: A LibCST node.

    Returns:
        ``"a.b.c"`` for the chain ``a.b.c``; None for any other node.
    """
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        if head is None:
            return None
        return head + "." + node.attr.value
    return None


def head_name(node):
    """The leftmost Name of a Name/Attribute chain.

    Args:
        node: A LibCST node.

    Returns:
        The ``cst.Name`` (``a`` in ``a.b.c``), or None if the chain does not
        start with a name (``f().b``).
    """
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def build_dotted(text):
    """Builds a Name/Attribute chain expression.

    Args:
        text: A dotted name such as ``"contrib_norm.layers.batch_norm"``.

    Returns:
        The ``cst.Name`` or ``cst.Attribute`` expression.
    """
    parts = text.split(".")
    node = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def canonical(path):
    """Drops the ``compat.v1`` part of a TensorFlow path.

    Args:
        path: A dotted path, or None.

    Returns:
        ``tensorflow.x`` for ``tensorflow.compat.v1.x``; any other path (or
        None) unchanged.
    """
    if path is None:
        return None
    if path == TF_COMPAT_V1:
        return TF
    if path.startswith(TF_COMPAT_V1 + "."):
        return TF + path[len(TF_COMPAT_V1):]
    return path


def normalize_contrib(path):
    """Canonical public spelling of a ``tensorflow.contrib`` path.

    Collapses private module paths (``tensorflow.contrib.layers.python.
    layers.layers.batch_norm`` -> ``tensorflow.contrib.layers.batch_norm``) and
    spells the initializers and regularizers that tf_upgrade_v2 would turn
    into Keras stand-ins through their TF1 submodule
    (``tensorflow.contrib.layers.regularizers.l2_regularizer``), which
    tf_upgrade_v2 leaves for pass 3.

    Args:
        path: A dotted path starting with ``tensorflow.contrib``.

    Returns:
        The normalized dotted path.
    """
    parts = path.split(".")
    if len(parts) > 4 and "python" in parts[3:-1]:
        cut = parts.index("python", 3)
        parts = parts[:cut] + parts[-1:]
    if len(parts) == 4 and parts[2] == "layers" and parts[3] in LAYERS_SUBMODULE:
        parts = parts[:3] + [LAYERS_SUBMODULE[parts[3]], parts[3]]
    return ".".join(parts)


def _is_under(path, root):
    """Whether dotted `path` (or None) is `root` or below it."""
    return path is not None and (path == root or path.startswith(root + "."))


def is_contrib(path):
    """Whether a canonical dotted path is ``tensorflow.contrib`` or below it.

    Args:
        path: A dotted path, or None.

    Returns:
        A bool.
    """
    return _is_under(path, CONTRIB)


def is_tf_layers(path):
    """Whether a canonical dotted path is ``tensorflow.layers`` or below it.

    Args:
        path: A dotted path, or None.

    Returns:
        A bool.
    """
    return _is_under(path, LAYERS)


def outer_chain(node, parents):
    """The largest Attribute chain of which ``node`` is the leftmost part.

    Args:
        node: A ``cst.Name`` (or Attribute).
        parents: The ParentNodeProvider mapping of the module.

    Returns:
        ``tf.contrib.layers.batch_norm`` for the Name ``tf`` in
        ``tf.contrib.layers.batch_norm(x)``.
    """
    while True:
        parent = parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            node = parent
        else:
            return node


def import_alias_path(alias, bound_name, from_module=None):
    """The dotted path an import alias binds to a name.

    Args:
        alias: A ``cst.ImportAlias``.
        bound_name: The variable name asked about.
        from_module: The module of a ``from ... import``, or None for a plain
            ``import``.

    Returns:
        The dotted path bound to ``bound_name`` (``tensorflow`` for the name
        ``tensorflow`` of ``import tensorflow.contrib.slim``), or None if the
        alias does not bind that name.
    """
    full = dotted_name(alias.name)
    if full is None:
        return None
    if from_module is not None:
        bound = alias.asname.name.value if alias.asname else full
        return from_module + "." + full if bound == bound_name else None
    if alias.asname is not None:
        return full if alias.asname.name.value == bound_name else None
    first = full.split(".")[0]
    return first if first == bound_name else None


def statement_import_path(stmt, bound_name):
    """The dotted path an import statement binds to a name.

    Args:
        stmt: A ``cst.Import`` or ``cst.ImportFrom``.
        bound_name: The variable name asked about.

    Returns:
        The dotted path, or None (also for relative and star imports).
    """
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            path = import_alias_path(alias, bound_name)
            if path is not None:
                return path
        return None
    if isinstance(stmt, cst.ImportFrom):
        if stmt.relative or stmt.module is None:
            return None
        if isinstance(stmt.names, cst.ImportStar):
            return None
        module = dotted_name(stmt.module)
        for alias in stmt.names:
            path = import_alias_path(alias, bound_name, from_module=module)
            if path is not None:
                return path
    return None


class Resolver:
    """Scope-aware resolution of names in one module.

    Attributes:
        wrapper: The LibCST MetadataWrapper; transform ``wrapper.module``.
        module: The module whose nodes the metadata refers to.
        parents: Node -> parent node.
        positions: Node -> CodeRange.
        scopes: Node -> Scope.
    """

    def __init__(self, module):
        self.wrapper = MetadataWrapper(module)
        self.module = self.wrapper.module
        self.parents = self.wrapper.resolve(ParentNodeProvider)
        self.positions = self.wrapper.resolve(PositionProvider)
        self.scopes = self.wrapper.resolve(ScopeProvider)
        self.extra_paths = {}  # Assignment -> path, for alias assignments
        self.referents = {}    # head Name node -> set of assignments
        seen = set()
        for scope in self.scopes.values():
            if scope is None or id(scope) in seen:
                continue
            seen.add(id(scope))
            for access in scope.accesses:
                name = head_name(access.node)
                if name is None:
                    continue
                self.referents.setdefault(name, set()).update(access.referents)

    def line(self, node):
        """The 1-based line where ``node`` starts."""
        return self.positions[node].start.line

    def assignment_path(self, assignment, bound_name):
        """The dotted path an assignment binds.

        Args:
            assignment: A LibCST scope Assignment.
            bound_name: The name it binds.

        Returns:
            The dotted path, or None if it is not an import (or a recorded
            alias assignment).
        """
        if assignment in self.extra_paths:
            return self.extra_paths[assignment]
        if isinstance(assignment, ImportAssignment):
            return statement_import_path(assignment.node, bound_name)
        return None

    def name_path(self, name):
        """The dotted path a Name refers to.

        Args:
            name: A ``cst.Name`` that reads a variable.

        Returns:
            The path, or None when unknown or when the name may refer to
            assignments with different paths.
        """
        referents = self.referents.get(name)
        if not referents:
            return None
        paths = {self.assignment_path(a, name.value) for a in referents}
        if len(paths) != 1:
            return None
        return paths.pop()

    def chain_path(self, chain):
        """The dotted path a whole Name/Attribute chain refers to.

        Args:
            chain: A ``cst.Name`` or ``cst.Attribute``.

        Returns:
            ``tensorflow.contrib.slim.batch_norm`` for ``slim.batch_norm``
            after ``import tensorflow.contrib.slim as slim``; None if the head
            name is not resolved.
        """
        head = head_name(chain)
        text = dotted_name(chain)
        if head is None or text is None:
            return None
        path = self.name_path(head)
        if path is None:
            return None
        return path + text[len(head.value):]

    def accessed_names(self):
        """All Name nodes that read a variable.

        Returns:
            A list of ``cst.Name`` in source order.
        """
        names = list(self.referents)
        names.sort(key=lambda n: (self.positions[n].start.line,
                                  self.positions[n].start.column))
        return names

    def plain_assignments(self):
        """Every assignment that is not an import.

        Yields:
            ``(scope, assignment)`` pairs.
        """
        seen = set()
        for scope in self.scopes.values():
            if scope is None or id(scope) in seen:
                continue
            seen.add(id(scope))
            for assignment in scope.assignments:
                if type(assignment) is Assignment:
                    yield scope, assignment


def tf_module_aliases(module):
    """Top-level names bound to TensorFlow modules, in order of appearance.

    Args:
        module: A ``cst.Module``.

    Returns:
        A list of ``(bound_name, path)`` with path ``"tensorflow"`` or
        ``"tensorflow.compat.v1"``, for statements like ``import tensorflow
        as tf``, ``import tensorflow`` or ``import tensorflow.compat.v1 as
        tf``, and ``from tensorflow.compat import v1 as tf``.
    """
    found = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = dotted_name(alias.name)
                    if alias.asname is not None and isinstance(
                            alias.asname.name, cst.Name):
                        if full in (TF, TF_COMPAT_V1):
                            found.append((alias.asname.name.value, full))
                    elif full == TF:
                        found.append((TF, TF))
            elif (isinstance(small, cst.ImportFrom) and not small.relative
                  and small.module is not None
                  and not isinstance(small.names, cst.ImportStar)):
                module_name = dotted_name(small.module)
                for alias in small.names:
                    full = module_name + "." + dotted_name(alias.name)
                    if full == TF_COMPAT_V1:
                        bound = (alias.asname.name.value if alias.asname
                                 else dotted_name(alias.name))
                        found.append((bound, full))
    return found


def preferred_tf_alias(module):
    """The name to spell TensorFlow with in a module.

    Args:
        module: A ``cst.Module``.

    Returns:
        ``(name, path)`` of the first top-level import of ``tensorflow``, else
        of ``tensorflow.compat.v1``; ``(None, None)`` if there is neither.
    """
    aliases = tf_module_aliases(module)
    for name, path in aliases:
        if path == TF:
            return name, path
    return aliases[0] if aliases else (None, None)


def module_level_names(module):
    """Names bound at the top level of a module.

    Args:
        module: A ``cst.Module``.

    Returns:
        The set of names bound by top-level imports, simple assignments,
        functions and classes.
    """
    names = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is not None:
                        names.add(alias.asname.name.value)
                    else:
                        names.add(dotted_name(alias.name).split(".")[0])
            elif isinstance(small, cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar):
                for alias in small.names:
                    names.add(alias.asname.name.value if alias.asname
                              else dotted_name(alias.name))
            elif isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        names.add(target.target.value)
    return names


def is_import_line(stmt):
    """Whether a statement only imports.

    Args:
        stmt: A top-level statement.

    Returns:
        True for a line of imports, or a ``try:`` whose body is only imports.
    """
    if isinstance(stmt, cst.SimpleStatementLine):
        return all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)
    if isinstance(stmt, cst.Try):
        return all(is_import_line(s) for s in stmt.body.body)
    return False


def is_future_or_docstring(stmt, index):
    """Whether a statement is the module docstring or a __future__ import.

    Args:
        stmt: A top-level statement.
        index: Its position in the module body.

    Returns:
        A bool.
    """
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    if index == 0 and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) \
            and isinstance(stmt.body[0].value, (cst.SimpleString,
                                                cst.ConcatenatedString)):
        return True
    return all(isinstance(s, cst.ImportFrom) and s.module is not None
               and dotted_name(s.module) == "__future__" for s in stmt.body)


def header_end(body):
    """Where code may be inserted at the top of a module.

    Args:
        body: The module's top-level statements.

    Returns:
        The index after the module docstring and ``from __future__`` imports.
    """
    index = 0
    while index < len(body) and is_future_or_docstring(body[index], index):
        index += 1
    return index
