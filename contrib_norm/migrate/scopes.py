"""Python's scoping rules over CPython's ``ast``: which binding a name reads.

Both rewriting passes must know what ``slim`` in ``slim.batch_norm`` is: the
module imported as ``slim``, or a function parameter that happens to share
the name. :func:`analyse` walks a module once and records, for every scope
(module, function, lambda, class, comprehension), the names it binds and the
names it reads; a read is then resolved by Python's rules (``global`` and
``nonlocal`` declarations, class bodies invisible to nested functions, the
first iterable of a comprehension read in the enclosing scope).

A name bound anywhere in a function is local to the whole function, so every
binding of the name in the scope that holds it counts as a possible referent
of a read, as in LibCST's and pyflakes' analyses.
"""

import ast

MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", \
    "comprehension"

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class Binding:
    """One binding of a name in a scope.

    Attributes:
        name: The bound name (``a`` for ``import a.b.c``).
        node: The import statement for an import; otherwise the node that
            binds (a ``Name`` target, a ``def``, an argument, ...).
        is_import: Whether an ``import`` or ``from ... import`` binds it.
        scope: The :class:`Scope` that holds it.
        references: The ``ast.Name`` reads that may see it.
    """

    __slots__ = ("name", "node", "is_import", "scope", "references")

    def __init__(self, name, node, is_import, scope):
        self.name = name
        self.node = node
        self.is_import = is_import
        self.scope = scope
        self.references = []


class Scope:
    """One scope: its kind, its enclosing scope, its bindings."""

    __slots__ = ("kind", "parent", "bindings", "globals", "nonlocals")

    def __init__(self, kind, parent):
        self.kind = kind
        self.parent = parent
        self.bindings = {}
        self.globals = set()
        self.nonlocals = set()


class Analysis:
    """The result of :func:`analyse`.

    Attributes:
        module_scope: The module's :class:`Scope`.
        scopes: Every scope, the module's first.
        reads: ``[(name_node, scope)]`` for every ``ast.Name`` read, in
            source order.
        referents: Name node -> list of :class:`Binding` it may read (only
            names bound somewhere in the module).
        parents: Node -> parent node, for every node of the module.
        imports: Every import statement, at any depth.
    """

    def __init__(self):
        self.imports = []
        self.module_scope = None
        self.scopes = []
        self.reads = []
        self.referents = {}
        self.parents = {}


class _Builder:
    """Walks a module, building scopes, bindings, reads and parents."""

    def __init__(self, analysis):
        self.analysis = analysis
        self.parents = analysis.parents

    def new_scope(self, kind, parent):
        scope = Scope(kind, parent)
        self.analysis.scopes.append(scope)
        return scope

    def bind(self, scope, name, node, is_import=False):
        if scope.kind != MODULE and name in scope.globals:
            scope = self.analysis.module_scope
        elif name in scope.nonlocals:
            scope = _enclosing_function(scope.parent, name) or scope
        binding = Binding(name, node, is_import, scope)
        scope.bindings.setdefault(name, []).append(binding)

    def children(self, node, scope):
        for child in ast.iter_child_nodes(node):
            self.parents[child] = node
            self.visit(child, scope)

    def visit(self, node, scope):
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Store:
                self.bind(scope, node.id, node)
            elif type(node.ctx) is ast.Load:
                self.analysis.reads.append((node, scope))
            return
        handler = _HANDLERS.get(kind)
        if handler is None:
            self.children(node, scope)
        else:
            handler(self, node, scope)

    # --- binding forms ------------------------------------------------
    def visit_import(self, node, scope):
        self.analysis.imports.append(node)
        for alias in node.names:
            if alias.name == "*":
                continue
            bound = alias.asname or (alias.name if isinstance(
                node, ast.ImportFrom) else alias.name.split(".")[0])
            self.bind(scope, bound, node, is_import=True)
        self.children(node, scope)

    def visit_global(self, node, scope):
        target = scope.globals if isinstance(node, ast.Global) \
            else scope.nonlocals
        target.update(node.names)

    def visit_in(self, nodes, parent, scope):
        for child in nodes:
            if child is not None:
                self.parents[child] = parent
                self.visit(child, scope)

    def visit_function(self, node, scope):
        inner = self.new_scope(FUNCTION, scope)
        if isinstance(node, ast.Lambda):
            body = [node.body]
        else:
            self.bind(scope, node.name, node)
            self.visit_in(node.decorator_list, node, scope)
            self.visit_in([node.returns], node, scope)
            body = node.body
        self.parents[node.args] = node
        self.visit_arguments(node.args, scope, inner)
        self.visit_in(getattr(node, "type_params", ()), node, inner)
        self.visit_in(body, node, inner)

    def visit_arguments(self, args, outer, inner):
        for child in ast.iter_child_nodes(args):
            self.parents[child] = args
            if isinstance(child, ast.arg):
                self.bind(inner, child.arg, child)
                if child.annotation is not None:
                    self.parents[child.annotation] = child
                    self.visit(child.annotation, outer)
            else:  # defaults
                self.visit(child, outer)

    def visit_class(self, node, scope):
        self.bind(scope, node.name, node)
        inner = self.new_scope(CLASS, scope)
        self.visit_in(node.decorator_list + node.bases + node.keywords, node,
                      scope)
        self.visit_in(getattr(node, "type_params", ()), node, inner)
        self.visit_in(node.body, node, inner)

    def visit_comprehension(self, node, scope):
        inner = self.new_scope(COMPREHENSION, scope)
        for index, generator in enumerate(node.generators):
            self.parents[generator] = node
            for child in ast.iter_child_nodes(generator):
                self.parents[child] = generator
                self.visit(child, scope if (index == 0 and child is
                                            generator.iter) else inner)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.comprehension):
                self.parents[child] = node
                self.visit(child, inner)

    def visit_named_expr(self, node, scope):
        target = scope
        while target.kind == COMPREHENSION:
            target = target.parent
        self.parents[node.target] = node
        self.parents[node.value] = node
        self.visit(node.value, scope)
        self.bind(target, node.target.id, node.target)

    def visit_except(self, node, scope):
        if node.name:
            self.bind(scope, node.name, node)
        self.children(node, scope)

    def visit_match_name(self, node, scope):
        name = getattr(node, "name", None) or getattr(node, "rest", None)
        if name:
            self.bind(scope, name, node)
        self.children(node, scope)


_HANDLERS = {
    ast.Import: _Builder.visit_import,
    ast.ImportFrom: _Builder.visit_import,
    ast.Global: _Builder.visit_global,
    ast.Nonlocal: _Builder.visit_global,
    ast.FunctionDef: _Builder.visit_function,
    ast.AsyncFunctionDef: _Builder.visit_function,
    ast.Lambda: _Builder.visit_function,
    ast.ClassDef: _Builder.visit_class,
    ast.NamedExpr: _Builder.visit_named_expr,
    ast.ExceptHandler: _Builder.visit_except,
}
for _kind in _COMPREHENSIONS:
    _HANDLERS[_kind] = _Builder.visit_comprehension
for _name in ("MatchAs", "MatchStar", "MatchMapping"):
    if hasattr(ast, _name):
        _HANDLERS[getattr(ast, _name)] = _Builder.visit_match_name


def _enclosing_function(scope, name):
    """The nearest function scope from `scope` outwards that binds `name`."""
    while scope is not None and scope.kind != MODULE:
        if scope.kind == FUNCTION and name in scope.bindings:
            return scope
        scope = scope.parent
    return None


def _lookup(scope, name, module_scope):
    """The scope whose bindings a read of `name` in `scope` sees, or None."""
    if name in scope.globals:
        return module_scope if name in module_scope.bindings else None
    if name in scope.nonlocals:
        return _enclosing_function(scope.parent, name)
    if name in scope.bindings:
        return scope
    scope = scope.parent
    while scope is not None:
        if scope.kind != CLASS and name in scope.bindings:
            return scope
        scope = scope.parent
    return None


def analyse(tree):
    """Scopes, bindings, reads and parents of a module.

    Args:
        tree: An ``ast.Module``.

    Returns:
        An :class:`Analysis`.
    """
    analysis = Analysis()
    builder = _Builder(analysis)
    analysis.module_scope = builder.new_scope(MODULE, None)
    for stmt in tree.body:
        analysis.parents[stmt] = tree
    # Two steps, as Python decides: a function's locals are all its
    # bindings, wherever they stand in its body.
    for stmt in tree.body:
        builder.visit(stmt, analysis.module_scope)
    module_scope = analysis.module_scope
    for name, scope in analysis.reads:
        holder = _lookup(scope, name.id, module_scope)
        if holder is None:
            continue
        bindings = holder.bindings[name.id]
        analysis.referents[name] = bindings
        for binding in bindings:
            binding.references.append(name)
    return analysis
