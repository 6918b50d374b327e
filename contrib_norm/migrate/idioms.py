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
  gives exactly TF1's result for either (None stays None). The same holds
  for the loop variable of a comprehension or ``for`` loop over a shape
  (``[d.value for d in x.get_shape()]``, ``for d in x.shape[1:]: d.value``)
  and for a variable that only ever holds a shape or a shape entry
  (``s = x.get_shape()`` ... ``s[1].value``).
* ``tf.contrib.framework.get_or_create_global_step`` / ``get_global_step``
  (also through ``slim``) were TensorFlow's own functions under a second
  name: they become ``tf.compat.v1.train.<same>``.
* ``tf.nn.conv2d_transpose`` (``tf.compat.v1`` too) becomes
  ``contrib_norm.nn.conv2d_transpose`` (``_v1``): the same op with TF1's
  static output shape, which TF1 GAN code reads
  (``tf.reshape(deconv, deconv.get_shape())``); TensorFlow 2 leaves the
  batch dimension unknown.
* ``tf.flags`` and ``tf.app.flags`` (absl's flags) are still in TensorFlow
  2 as ``tf.compat.v1.flags`` and ``tf.compat.v1.app.flags``; tf_upgrade_v2
  reports them as removed instead of renaming them.
* ``tensorflow.examples.tutorials`` (the MNIST reader of TF1's tutorials)
  is gone from TensorFlow 2: its imports are reported as manual work.

Each function makes its edits with the pass's :class:`edits.Editor` and
returns the changes for the report.
"""

import ast

from contrib_norm.migrate import names
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import REWRITE

#: TensorFlow paths -> contrib_norm functions that restore TF1's static
#: output shape (TensorFlow 2 leaves the batch dimension unknown).
STATIC_SHAPE = {
    "tensorflow.nn.conv2d_transpose": "contrib_norm.nn.conv2d_transpose",
    "tensorflow.compat.v1.nn.conv2d_transpose":
        "contrib_norm.nn.conv2d_transpose_v1",
}

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


def _is_shape_object(node, known=frozenset()):
    """Whether `node` is ``<x>.shape``, ``<x>.get_shape()`` or
    ``<x>.shape.dims`` (a TF1 TensorShape or its list of Dimensions), or a
    variable that holds only such values (its loads' ids are in `known`)."""
    if type(node) is ast.Name:
        return id(node) in known
    if type(node) is ast.Attribute:
        return node.attr in ("shape", "dims")
    return (type(node) is ast.Call and type(node.func) is ast.Attribute
            and node.func.attr == "get_shape" and not node.args
            and not node.keywords)


def _is_shape_entry(node, known=frozenset()):
    """Whether `node` is one entry of a shape (a TF1 Dimension):
    ``<x>.shape[i]``, ``<x>.get_shape()[i]``, ``<x>.shape.dims[i]``."""
    return (type(node) is ast.Subscript and type(node.slice) is not ast.Slice
            and _is_shape_object(node.value, known))


def _is_shape(node, known):
    """Whether iterating `node` yields TF1 Dimensions: a shape, or a slice
    of one (``<x>.get_shape()[1:]``)."""
    if type(node) is ast.Subscript and type(node.slice) is ast.Slice:
        node = node.value
    return _is_shape_object(node, known)


def _dimension_variable(target, iterated, known):
    """The name a loop over `iterated` binds to each Dimension, or None.

    ``for d in <shape>`` binds ``d``; ``for i, d in enumerate(<shape>)``
    binds ``d`` too.
    """
    if _is_shape(iterated, known) and type(target) is ast.Name:
        return target.id
    if (type(iterated) is ast.Call and type(iterated.func) is ast.Name
            and iterated.func.id == "enumerate" and len(iterated.args) == 1
            and not iterated.keywords and _is_shape(iterated.args[0], known)
            and type(target) is ast.Tuple and len(target.elts) == 2
            and type(target.elts[1]) is ast.Name):
        return target.elts[1].id
    return None


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _binds(node, bound):
    """Whether `node` (a nested scope or comprehension) binds a name of
    `bound` itself."""
    for sub in ast.walk(node):
        if type(sub) is ast.Name and type(sub.ctx) is not ast.Load \
                and sub.id in bound:
            return True
        if type(sub) is ast.arg and sub.arg in bound:
            return True
    return False


def _value_uses(nodes, bound, found):
    """Appends ``<name>.value`` loads of a name in `bound` under `nodes`,
    not descending into nested scopes or comprehensions that rebind it."""
    for node in nodes:
        if (type(node) is ast.Attribute and node.attr == "value"
                and type(node.ctx) is ast.Load and type(node.value) is ast.Name
                and node.value.id in bound):
            found.append(node)
            continue
        if isinstance(node, _SCOPES + _COMPREHENSIONS) and _binds(node, bound):
            continue
        _value_uses(ast.iter_child_nodes(node), bound, found)


def _iterated_dimension_values(tree, known):
    """``<d>.value`` nodes where ``d`` is bound by a loop over a shape.

    In a comprehension, the uses in its element and conditions; in a ``for``
    loop, the uses in its body, unless the body rebinds the name.
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, _COMPREHENSIONS):
            bound = {_dimension_variable(g.target, g.iter, known)
                     for g in node.generators} - {None}
            parts = ([node.key, node.value] if type(node) is ast.DictComp
                     else [node.elt])
            parts += [cond for g in node.generators for cond in g.ifs]
        elif type(node) in (ast.For, ast.AsyncFor):
            bound = {_dimension_variable(node.target, node.iter, known)
                     } - {None}
            parts = node.body
            if bound and any(_binds(stmt, bound) for stmt in parts):
                continue
        else:
            continue
        if bound:
            _value_uses(parts, bound, found)
    unique = {id(node): node for node in found}
    return list(unique.values())


def _own_nodes(scope):
    """The nodes of a module or function body, not those of the functions,
    lambdas and classes defined in it."""
    stack = list(scope.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _shape_variables(tree):
    """Loads of variables that hold a shape, or one entry of a shape.

    A variable counts when, in its function (or the module), every binding
    is a plain ``name = <shape>`` (``x.get_shape()``, ``x.shape``,
    ``x.shape.dims``) or every binding is ``name = <shape entry>``
    (``x.shape[1]``, ``shape[1]`` of such a variable). A parameter, a loop
    variable, an augmented or tuple assignment, ``global`` or ``nonlocal``
    leaves it alone.

    Returns:
        ``(shapes, entries)``: sets of ``id()`` of the ``ast.Name`` loads.
    """
    shapes, entries = set(), set()
    for scope in ast.walk(tree):
        if type(scope) not in (ast.Module, ast.FunctionDef,
                               ast.AsyncFunctionDef):
            continue
        nodes = list(_own_nodes(scope))
        values, other, simple, loads = {}, set(), set(), {}
        if type(scope) is not ast.Module:
            args = scope.args
            other.update(a.arg for a in args.posonlyargs + args.args
                         + args.kwonlyargs + [args.vararg, args.kwarg] if a)
        for node in nodes:
            if type(node) in (ast.Global, ast.Nonlocal):
                other.update(node.names)
            elif (type(node) is ast.Assign and len(node.targets) == 1
                  and type(node.targets[0]) is ast.Name):
                values.setdefault(node.targets[0].id, []).append(node.value)
                simple.add(id(node.targets[0]))
        for node in nodes:
            if type(node) is not ast.Name:
                continue
            if type(node.ctx) is ast.Load:
                loads.setdefault(node.id, []).append(node)
            elif id(node) not in simple:
                other.add(node.id)
        candidates = {name: vals for name, vals in values.items()
                      if name not in other}
        shape_names = {name for name, vals in candidates.items()
                       if all(_is_shape_object(v) for v in vals)}
        for name in shape_names:
            shapes.update(id(n) for n in loads.get(name, ()))
        for name, vals in candidates.items():
            if all(_is_shape_entry(v, shapes) for v in vals):
                entries.update(id(n) for n in loads.get(name, ()))
    return shapes, entries


def dimension_values(resolver, editor):
    """``<shape entry>.value`` -> ``tf.compat.dimension_value(<shape entry>)``,
    also for a variable that iterates over a shape.

    Returns:
        The changes.
    """
    shapes, entries = _shape_variables(resolver.tree)
    found = [node for node in resolver.parents
             if type(node) is ast.Attribute and node.attr == "value"
             and type(node.ctx) is ast.Load
             and (_is_shape_entry(node.value, shapes)
                  or id(node.value) in entries)]
    seen = {id(node) for node in found}
    found.extend(node for node in _iterated_dimension_values(resolver.tree,
                                                             shapes)
                 if id(node) not in seen)
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


_TUTORIALS = names.TF + ".examples.tutorials"
_TUTORIALS_HINT = (
    "tensorflow.examples.tutorials (input_data.read_data_sets) was removed "
    "in TensorFlow 2: load the arrays with tf.keras.datasets.mnist.load_data() "
    "(images as uint8 0..255: divide by 255 and reshape to [-1, 784]; "
    "labels as ints: np.eye(10)[labels] for one_hot=True) and feed batches "
    "of them")


def removed_modules(resolver):
    """Imports of TensorFlow 1 modules that TensorFlow 2 does not have and
    that nothing replaces automatically.

    Returns:
        ``(line, module, hint)`` for each such import statement.
    """
    found = []
    for stmt in resolver.analysis.imports:
        if type(stmt) is ast.Import:
            modules = [alias.name for alias in stmt.names]
        elif stmt.level == 0 and stmt.module is not None:
            modules = [stmt.module] + [stmt.module + "." + alias.name
                                       for alias in stmt.names]
        else:
            continue
        for module in modules:
            if module == _TUTORIALS or module.startswith(_TUTORIALS + "."):
                found.append((stmt.lineno, module, _TUTORIALS_HINT))
                break
    return found


#: contrib names that were core TensorFlow functions under a second name ->
#: the core name, after the alias of ``tensorflow.compat.v1``.
CORE_ALIASES = {
    "tensorflow.contrib.%s.%s" % (module, name): ".train." + name
    for module in ("framework", "slim")
    for name in ("get_or_create_global_step", "get_global_step")
}


def core_alias(name, head_path, canonical):
    """The core spelling of a contrib alias of a TensorFlow function, or None.

    Args:
        name: The ``ast.Name`` the use starts with (``tf``).
        head_path: What that name is bound to (``tensorflow`` or
            ``tensorflow.compat.v1``).
        canonical: The use's canonical path.
    """
    if canonical not in CORE_ALIASES or head_path not in (names.TF,
                                                         names.TF_COMPAT_V1):
        return None
    return (name.id + (".compat.v1" if head_path == names.TF else "")
            + CORE_ALIASES[canonical])


def v1_module(name, head_path, path):
    """``tf.flags.X`` -> ``tf.compat.v1.flags.X`` (``tf.app.flags`` too):
    absl's flags, which TensorFlow 2 keeps under tf.compat.v1 only and which
    tf_upgrade_v2 reports as removed instead of renaming.

    Args:
        name: The ``ast.Name`` the use starts with (``tf``).
        head_path: What that name is bound to; only ``tensorflow`` counts.
        path: The use's path (``tensorflow.flags.DEFINE_string``).

    Returns:
        The new spelling of the use, or None.
    """
    if head_path != names.TF or not names.is_tf_flags(path):
        return None
    return name.id + ".compat.v1" + path[len(names.TF):]
