"""Resolving dotted names in a module to the TensorFlow paths they mean.

Both rewriting passes need to know what a chain such as ``slim.batch_norm`` or
``tf1.compat.v1.layers.dense`` refers to. :class:`Resolver` answers that with
Python's scoping rules (:mod:`scopes`) over CPython's ``ast``, so a function
parameter that happens to be called ``layers`` is never mistaken for an
imported ``tensorflow.contrib.layers``.
"""

import ast

from contrib_norm.migrate import scopes

TF = "tensorflow"
TF_COMPAT_V1 = "tensorflow.compat.v1"
CONTRIB = "tensorflow.contrib"
LAYERS = "tensorflow.layers"
#: absl's flags, which TensorFlow 2 keeps under tf.compat.v1 only.
FLAGS_MODULES = ("tensorflow.flags", "tensorflow.app.flags")

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
        node: An ``ast`` node.

    Returns:
        ``"a.b.c"`` for the chain ``a.b.c``; None for any other node.
    """
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def head_name(node):
    """The leftmost Name of a Name/Attribute chain.

    Args:
        node: An ``ast`` node.

    Returns:
        The ``ast.Name`` (``a`` in ``a.b.c``), or None if the chain does not
        start with a name (``f().b``).
    """
    while type(node) is ast.Attribute:
        node = node.value
    return node if type(node) is ast.Name else None


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


def is_tf_flags(path):
    """Whether a dotted path is ``tensorflow.flags`` or ``tensorflow.app.flags``
    or below them.

    Args:
        path: A dotted path, or None.

    Returns:
        A bool.
    """
    return any(_is_under(path, root) for root in FLAGS_MODULES)


def outer_chain(node, parents):
    """The largest Attribute chain of which ``node`` is the leftmost part.

    Args:
        node: An ``ast.Name`` (or Attribute).
        parents: Node -> parent node.

    Returns:
        ``tf.contrib.layers.batch_norm`` for the Name ``tf`` in
        ``tf.contrib.layers.batch_norm(x)``.
    """
    while True:
        parent = parents.get(node)
        if type(parent) is ast.Attribute and parent.value is node:
            node = parent
        else:
            return node


def import_alias_path(alias, bound_name, from_module=None):
    """The dotted path an import alias binds to a name.

    Args:
        alias: An ``ast.alias``.
        bound_name: The variable name asked about.
        from_module: The module of a ``from ... import``, or None for a plain
            ``import``.

    Returns:
        The dotted path bound to ``bound_name`` (``tensorflow`` for the name
        ``tensorflow`` of ``import tensorflow.contrib.slim``), or None if the
        alias does not bind that name.
    """
    full = alias.name
    if from_module is not None:
        bound = alias.asname or full
        return from_module + "." + full if bound == bound_name else None
    if alias.asname is not None:
        return full if alias.asname == bound_name else None
    first = full.split(".")[0]
    return first if first == bound_name else None


def from_module(stmt):
    """The module of an absolute, non-star ``from ... import``, else None."""
    if (type(stmt) is not ast.ImportFrom or stmt.level or stmt.module is None
            or any(alias.name == "*" for alias in stmt.names)):
        return None
    return stmt.module


def statement_import_path(stmt, bound_name):
    """The dotted path an import statement binds to a name.

    Args:
        stmt: An ``ast.Import`` or ``ast.ImportFrom``.
        bound_name: The variable name asked about.

    Returns:
        The dotted path, or None (also for relative and star imports).
    """
    if type(stmt) is ast.Import:
        module = None
    else:
        module = from_module(stmt)
        if module is None:
            return None
    for alias in stmt.names:
        path = import_alias_path(alias, bound_name, from_module=module)
        if path is not None:
            return path
    return None


class Resolver:
    """Scope-aware resolution of names in one module.

    Attributes:
        tree: The ``ast.Module``.
        parents: Node -> parent node.
        referents: Name read -> the bindings it may see.
    """

    def __init__(self, tree):
        self.tree = tree
        self.analysis = scopes.analyse(tree)
        self.parents = self.analysis.parents
        self.referents = self.analysis.referents
        self.extra_paths = {}  # Binding -> path, for alias assignments

    @staticmethod
    def line(node):
        """The 1-based line where ``node`` starts."""
        return node.lineno

    def binding_path(self, binding):
        """The dotted path a binding binds, or None if it is not an import
        (or a recorded alias assignment)."""
        if binding in self.extra_paths:
            return self.extra_paths[binding]
        if binding.is_import:
            return statement_import_path(binding.node, binding.name)
        return None

    def name_path(self, name):
        """The dotted path a Name refers to.

        Args:
            name: An ``ast.Name`` that reads a variable.

        Returns:
            The path, or None when unknown or when the name may refer to
            bindings with different paths.
        """
        bindings = self.referents.get(name)
        if not bindings:
            return None
        path = self.binding_path(bindings[0])
        if path is None:
            return None
        for binding in bindings[1:]:
            if self.binding_path(binding) != path:
                return None
        return path

    def chain_path(self, chain):
        """The dotted path a whole Name/Attribute chain refers to.

        Args:
            chain: An ``ast.Name`` or ``ast.Attribute``.

        Returns:
            ``tensorflow.contrib.slim.batch_norm`` for ``slim.batch_norm``
            after ``import tensorflow.contrib.slim as slim``; None if the head
            name is not resolved.
        """
        head = head_name(chain)
        if head is None:
            return None
        path = self.name_path(head)
        if path is None:
            return None
        return path + dotted_name(chain)[len(head.id):]

    def resolved_chains(self):
        """Every read of an imported name, as its outermost chain.

        Yields:
            ``(head_name, chain, path)`` in source order, for each read whose
            head resolves to an import (or recorded alias) path.
        """
        for name in self.accessed_names():
            if self.name_path(name) is None:
                continue
            chain = outer_chain(name, self.parents)
            yield name, chain, self.chain_path(chain)

    def accessed_names(self):
        """All Name nodes that read a variable bound in the module.

        Returns:
            A list of ``ast.Name`` in source order.
        """
        names = list(self.referents)
        names.sort(key=lambda n: (n.lineno, n.col_offset))
        return names

    def plain_bindings(self):
        """Every binding that is not an import.

        Yields:
            ``(scope, binding)`` pairs.
        """
        for scope in self.analysis.scopes:
            for bindings in scope.bindings.values():
                for binding in bindings:
                    if not binding.is_import:
                        yield scope, binding


def _top_imports(tree):
    """The top-level import statements of a module, in order."""
    for stmt in tree.body:
        if type(stmt) in (ast.Import, ast.ImportFrom):
            yield stmt


def tf_module_aliases(tree):
    """Top-level names bound to TensorFlow modules, in order of appearance.

    Args:
        tree: An ``ast.Module``.

    Returns:
        A list of ``(bound_name, path)`` with path ``"tensorflow"`` or
        ``"tensorflow.compat.v1"``, for statements like ``import tensorflow
        as tf``, ``import tensorflow`` or ``import tensorflow.compat.v1 as
        tf``, and ``from tensorflow.compat import v1 as tf``.
    """
    found = []
    for stmt in _top_imports(tree):
        if type(stmt) is ast.Import:
            for alias in stmt.names:
                if alias.asname is not None:
                    if alias.name in (TF, TF_COMPAT_V1):
                        found.append((alias.asname, alias.name))
                elif alias.name == TF:
                    found.append((TF, TF))
            continue
        module = from_module(stmt)
        if module is None:
            continue
        for alias in stmt.names:
            if module + "." + alias.name == TF_COMPAT_V1:
                found.append((alias.asname or alias.name, TF_COMPAT_V1))
    return found


def preferred_tf_alias(tree):
    """The name to spell TensorFlow with in a module.

    Args:
        tree: An ``ast.Module``.

    Returns:
        ``(name, path)`` of the first top-level import of ``tensorflow``, else
        of ``tensorflow.compat.v1``; ``(None, None)`` if there is neither.
    """
    aliases = tf_module_aliases(tree)
    for name, path in aliases:
        if path == TF:
            return name, path
    return aliases[0] if aliases else (None, None)


def module_level_names(tree):
    """Names bound at the top level of a module.

    Args:
        tree: An ``ast.Module``.

    Returns:
        The set of names bound by top-level imports, simple assignments,
        functions and classes.
    """
    names = set()
    for stmt in tree.body:
        kind = type(stmt)
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            names.add(stmt.name)
        elif kind is ast.Import:
            for alias in stmt.names:
                names.add(alias.asname or alias.name.split(".")[0])
        elif kind is ast.ImportFrom:
            for alias in stmt.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name)
        elif kind is ast.Assign:
            for target in stmt.targets:
                if type(target) is ast.Name:
                    names.add(target.id)
    return names


def is_import_line(stmt):
    """Whether a statement only imports.

    Args:
        stmt: A top-level statement.

    Returns:
        True for an import, or a ``try:`` whose body is only imports.
    """
    if type(stmt) in (ast.Import, ast.ImportFrom):
        return True
    if type(stmt) is ast.Try:
        return all(is_import_line(s) for s in stmt.body)
    return False


def is_future_or_docstring(stmt, index):
    """Whether a statement is the module docstring or a __future__ import.

    Args:
        stmt: A top-level statement.
        index: Its position in the module body.

    Returns:
        A bool.
    """
    if (index == 0 and type(stmt) is ast.Expr
            and type(stmt.value) is ast.Constant
            and isinstance(stmt.value.value, str)):
        return True
    return type(stmt) is ast.ImportFrom and stmt.module == "__future__"


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
