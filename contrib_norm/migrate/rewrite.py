"""Pass 3: rewrite what tf_upgrade_v2 leaves broken, targeting contrib_norm.

* Every name of the legacy-names table (``contrib_norm.legacy_names``)
  becomes the contrib_norm name that serves it: ``tf.contrib.layers.conv2d``
  -> ``contrib_norm.layers.conv2d``, ``tf.contrib.slim.conv2d`` ->
  ``contrib_norm.slim.conv2d``, ``tf.contrib.framework.arg_scope`` ->
  ``contrib_norm.framework.arg_scope``, ``slim.initializers.*``,
  ``slim.regularizers.*``, ``slim.utils.*``, ``tf.contrib.nn.alpha_dropout``
  (``tf.compat.v1.contrib.*`` spellings too); TF1's ``tf.layers.*`` (also
  under ``tf.compat.v1``), which break under Keras 3, become
  ``contrib_norm.tf_layers.*`` (``batch_normalization`` and
  ``BatchNormalization``: ``contrib_norm.layers.*``, the same objects).
* Other ``tf.layers.*`` become ``tf.compat.v1.layers.*`` (with a note: these
  need tf-keras and ``TF_USE_LEGACY_KERAS=1``).
* ``tf.compat.v1.keras.initializers.VarianceScaling`` (which programs write,
  and tf_upgrade_v2 for a contrib initializer that pass 1 could not spell
  through ``tf.contrib.layers.initializers``) becomes
  ``tf.compat.v1.variance_scaling_initializer``: same arguments, and the
  class TF 1.x's name stood for; under Keras 3 the Keras name is Keras 3's
  initializer, which ignores ``tf.compat.v1.set_random_seed``.
* contrib's second names of core functions (``get_or_create_global_step``)
  become the core names; the program builds graphs.
* The TF1 idioms of :mod:`idioms` (``tf.summary.scalar`` & co. ->
  ``tf.compat.v1.summary.*``, ``Dimension.value`` ->
  ``tf.compat.dimension_value``, also for the variable of a loop over a
  shape); imports of ``tensorflow.examples.tutorials`` are reported as
  manual work with a hint.
* ``import contrib_norm`` and, in graph-building programs,
  ``tf.compat.v1.disable_eager_execution()`` are added after the imports
  (and ``tf.compat.v1.disable_control_flow_v2()`` where the file calls
  ``import_meta_graph``).
* Every other use of tf.contrib is left as is and reported with a hint.
"""

import ast

from contrib_norm import legacy_names
from contrib_norm.migrate import hints
from contrib_norm.migrate import idioms
from contrib_norm.migrate import names
from contrib_norm.migrate.edits import Editor
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import Issue
from contrib_norm.migrate.report import MANUAL
from contrib_norm.migrate.report import REWRITE
from contrib_norm.migrate.spell_out import PassOutput

#: Canonical TensorFlow path -> contrib_norm replacement.
CONTRIB_NORM_MAP = legacy_names.LEGACY_NAMES

#: APIs whose use means the program builds graphs (canonical paths).
GRAPH_APIS = frozenset("tensorflow." + n for n in (
    "placeholder", "placeholder_with_default", "sparse_placeholder",
    "Session", "InteractiveSession", "global_variables_initializer",
    "initialize_all_variables", "local_variables_initializer",
    "variables_initializer", "GraphKeys", "get_collection",
    "add_to_collection", "get_default_graph", "train.Saver",
    "train.MonitoredTrainingSession", "train.MonitoredSession",
    "train.SingularMonitoredSession", "train.start_queue_runners",
))

#: Keras names (full paths) that are Keras 3 classes on TF >= 2.16 but were
#: TensorFlow's own v1 classes in TF 1.x -> the TensorFlow name, after the
#: alias of `tensorflow`.
_KERAS3_TO_CORE = {
    "tensorflow.compat.v1.keras.initializers.VarianceScaling":
        ".compat.v1.variance_scaling_initializer",
}

_SEEDLESS_NOTE = ("TF 1.x's tf.keras.initializers.VarianceScaling was this "
                  "TensorFlow initializer; under Keras 3 the Keras name is "
                  "Keras 3's, which ignores tf.compat.v1.set_random_seed")

#: Keras 3 regularizers whose argument tf_upgrade_v2 writes as `l=`.
_REGULARIZER_KEYWORD = {
    "tensorflow.keras.regularizers.l1": "l1",
    "tensorflow.keras.regularizers.l2": "l2",
    "tensorflow.keras.regularizers.L1": "l1",
    "tensorflow.keras.regularizers.L2": "l2",
}

_DISABLERS = frozenset({"tensorflow.disable_eager_execution",
                        "tensorflow.disable_v2_behavior"})

#: Re-importing a meta graph into a graph that already holds the model (a
#: TF1 way to resume training) fails under TF 2's control flow, whose
#: functions clash by name ("Cannot add function 'map_while_cond_19' because
#: a different function with the same name already exists"); TF 1.x's works.
_CONTROL_FLOW_V1_APIS = frozenset({"tensorflow.train.import_meta_graph"})
_CONTROL_FLOW_DISABLERS = frozenset({"tensorflow.disable_control_flow_v2",
                                     "tensorflow.disable_v2_behavior"})

# A name that runs only with legacy Keras is manual work (exit status 1):
# under TensorFlow's default Keras 3 the migrated program would stop there.
_KERAS3_NOTE = ("not available under Keras 3 (TensorFlow's default): install "
                "tf-keras and set TF_USE_LEGACY_KERAS=1 in the environment "
                "before TensorFlow is imported, or port it to tf.keras")


def _contrib_imports(statements):
    """Import statements that import tf.contrib (left after pass 1)."""
    found = []
    for stmt in statements:
        if type(stmt) is ast.Import:
            if any(names.is_contrib(names.canonical(alias.name))
                   for alias in stmt.names):
                found.append(stmt)
            continue
        if stmt.level or stmt.module is None:
            continue
        if names.is_contrib(names.canonical(stmt.module)):
            found.append(stmt)
        elif stmt.module in (names.TF, names.TF_COMPAT_V1) and any(
                alias.name == "contrib" for alias in stmt.names):
            found.append(stmt)
    return found


def _binds_contrib_norm(tree):
    return any(type(stmt) is ast.Import and any(
        alias.asname is None and alias.name.split(".")[0] == "contrib_norm"
        for alias in stmt.names) for stmt in tree.body)


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _top_level_index(node, resolver, body_index):
    """Index of the top-level statement holding ``node`` if it runs on import.

    Returns None when the node is inside a function or lambda.
    """
    current = node
    while True:
        parent = resolver.parents.get(current)
        if parent is None or isinstance(parent, _FUNCTIONS):
            return None
        if parent is resolver.tree:
            return body_index.get(id(current))
        current = parent


def _is_called(chain, resolver):
    """Whether ``chain`` (a TensorFlow name) is the function of a call."""
    call = resolver.parents.get(chain)
    return type(call) is ast.Call and call.func is chain


class _Rewriter:
    """Pass 3 over one module: the edits, changes and issues it collects."""

    def __init__(self, code):
        self.tree = ast.parse(code)
        self.resolver = names.Resolver(self.tree)
        self.editor = Editor(code)
        self.changes = []
        self.issues = []
        self.triggers = []  # nodes whose statement must follow the new lines
        self.graph = False
        self.has_disabler = False
        self.control_flow_v1 = False  # disable_control_flow_v2() needed
        self.has_control_flow_disabler = False
        self._seen_issues = set()

    def add_issue(self, line, symbol, hint, kind):
        key = (line, symbol, kind)
        if key not in self._seen_issues:
            self._seen_issues.add(key)
            self.issues.append(Issue(line, symbol, hint, kind))

    def replace(self, chain, old_text, new_text, **kwargs):
        self.editor.replace(chain, new_text)
        self.changes.append(Change(chain.lineno, old_text, new_text, REWRITE,
                                   **kwargs))

    def chain(self, name, chain, path):
        """Converts (or reports) one chain that resolves to ``path``."""
        canon = names.canonical(path)
        if names.is_contrib(canon):
            canon = names.normalize_contrib(canon)
        old_text = names.dotted_name(chain)
        head_path = self.resolver.name_path(name)
        if canon in GRAPH_APIS or canon in _CONTROL_FLOW_V1_APIS:
            self.graph = True
            self.triggers.append(chain)
        self.control_flow_v1 |= canon in _CONTROL_FLOW_V1_APIS
        self.has_control_flow_disabler |= canon in _CONTROL_FLOW_DISABLERS
        if canon in _DISABLERS:
            self.has_disabler = True
        elif path.startswith(names.TF + ".") and \
                _is_called(chain, self.resolver):
            # TF1 ran it in graph mode (tf.set_random_seed between imports
            # sets the graph's seed; run eagerly, it is lost)
            self.triggers.append(chain)
        if canon in _REGULARIZER_KEYWORD:
            _rename_l_keyword(self.editor, self.resolver.parents.get(chain),
                              chain, _REGULARIZER_KEYWORD[canon], self.changes)
        core = idioms.core_alias(name, head_path, canon)
        v1_module = idioms.v1_module(name, head_path, path)
        if canon in CONTRIB_NORM_MAP:
            self.replace(chain, old_text, CONTRIB_NORM_MAP[canon])
            self.triggers.append(chain)
        elif path in idioms.STATIC_SHAPE:
            self.replace(chain, old_text, idioms.STATIC_SHAPE[path])
        elif core is not None:
            self.replace(chain, old_text, core)
            self.graph = True
            self.triggers.append(chain)
        elif v1_module is not None:
            self.replace(chain, old_text, v1_module)
        elif path in _KERAS3_TO_CORE and head_path in (names.TF,
                                                       names.TF_COMPAT_V1):
            new_text = name.id + (
                _KERAS3_TO_CORE[path] if head_path == names.TF
                else _KERAS3_TO_CORE[path][len(".compat.v1"):])
            self.replace(chain, old_text, new_text, text="%s -> %s (%s)" % (
                old_text, new_text, _SEEDLESS_NOTE))
        elif canon.startswith("tensorflow.layers."):
            self.tf_layers(name, chain, path, canon, head_path)
        elif canon.startswith("tensorflow.nn.rnn_cell.") and path.startswith(
                names.TF_COMPAT_V1 + "."):
            self.add_issue(chain.lineno, hints.display(path), _KERAS3_NOTE,
                           MANUAL)
        elif names.is_contrib(canon):
            self.add_issue(chain.lineno, hints.display(canon),
                           hints.hint_for(canon), MANUAL)

    def tf_layers(self, name, chain, path, canon, head_path):
        """A ``tf.layers`` name that the legacy-names table does not serve."""
        line, old_text = chain.lineno, names.dotted_name(chain)
        shown = "tf.compat.v1.layers." + canon[len("tensorflow.layers."):]
        if path.startswith(names.TF_COMPAT_V1 + "."):
            self.add_issue(line, shown, _KERAS3_NOTE, MANUAL)
        elif head_path == names.TF:
            self.replace(chain, old_text, name.id + ".compat.v1"
                         + old_text[len(name.id):])
            self.add_issue(line, shown, _KERAS3_NOTE, MANUAL)
        else:
            self.add_issue(line, hints.display(canon),
                           "tensorflow.layers does not exist in TensorFlow 2: "
                           "import tensorflow.compat.v1 and use %s (%s)"
                           % (shown, hints.LEGACY_KERAS), MANUAL)

    def report_contrib_imports(self):
        for stmt in _contrib_imports(self.resolver.analysis.imports):
            self.add_issue(
                stmt.lineno, self.editor.text(stmt),
                "this import fails in TensorFlow 2 (tf.contrib was removed) "
                "and its names could not be spelled out automatically (star "
                "import, or the name is rebound): replace the uses by hand",
                MANUAL)

    def insert_after_imports(self):
        """Adds ``import contrib_norm`` and ``disable_eager_execution()``
        after the imports, before the first top-level use."""
        tree = self.tree
        disablers = []
        if self.graph and not self.has_disabler:
            disablers.append("disable_eager_execution")
        if self.control_flow_v1 and not self.has_control_flow_disabler:
            disablers.append("disable_control_flow_v2")
        new_lines, tf_index = _lines_to_add(tree, self.changes, disablers)
        if not new_lines:
            return
        body = tree.body
        body_index = {id(stmt): i for i, stmt in enumerate(body)}
        immediate = [i for i in (_top_level_index(n, self.resolver, body_index)
                                 for n in self.triggers) if i is not None]
        first_use = min(immediate) if immediate else len(body)
        imports_before = [i for i in range(first_use)
                          if names.is_import_line(body[i])]
        index = (imports_before[-1] + 1 if imports_before
                 else names.header_end(body))
        if tf_index is not None and tf_index >= index:
            index = tf_index + 1
        self.editor.insert_statements(body, index, new_lines)
        for text in new_lines:
            self.changes.append(Change(None, "", text, REWRITE))


def rewrite(code):
    """Runs pass 3 on one file's source.

    Args:
        code: The Python source (normally tf_upgrade_v2's output).

    Returns:
        A :class:`PassOutput`; issue lines refer to the input ``code``.

    Raises:
        SyntaxError: If the source cannot be parsed.
    """
    run = _Rewriter(code)
    for name, chain, path in run.resolver.resolved_chains():
        run.chain(name, chain, path)
    run.changes.extend(idioms.v1_summaries(run.resolver, run.editor))
    run.changes.extend(idioms.dimension_values(run.resolver, run.editor))
    for line, module, hint in idioms.removed_modules(run.resolver):
        run.add_issue(line, module, hint, MANUAL)
    run.report_contrib_imports()
    run.insert_after_imports()
    return PassOutput(run.editor.apply(), run.changes, run.issues)


def _rename_l_keyword(editor, call, chain, keyword, changes):
    """``l2(l=...)`` (tf_upgrade_v2's spelling) -> ``l2(l2=...)``."""
    if type(call) is not ast.Call or call.func is not chain:
        return
    for arg in call.keywords:
        if arg.arg == "l":
            start = editor.span(arg)[0]
            editor.replace_span(start, start + 1, keyword)
            old_text = names.dotted_name(chain)
            changes.append(Change(chain.lineno, "%s(l=...)" % old_text,
                                  "%s(%s=...)" % (old_text, keyword), REWRITE))


def _lines_to_add(tree, changes, disablers):
    """The lines to insert after the imports, and the index of the top-level
    statement that imports TensorFlow (they must follow it), or None.

    ``disablers`` names the ``tf.compat.v1`` functions to call
    (``disable_eager_execution``, ``disable_control_flow_v2``)."""
    new_lines = []
    if any(c.new.startswith("contrib_norm.") for c in changes) \
            and not _binds_contrib_norm(tree):
        new_lines.append("import contrib_norm")
    tf_index = None
    if disablers:
        tf_name, tf_path = names.preferred_tf_alias(tree)
        if tf_name is None:
            taken = names.module_level_names(tree)
            tf_name = "tf" if "tf" not in taken else names.TF
            new_lines.insert(0, "import tensorflow as tf" if tf_name == "tf"
                             else "import tensorflow")
            tf_path = names.TF
        else:
            for i, stmt in enumerate(tree.body):
                if type(stmt) in (ast.Import, ast.ImportFrom) and \
                        names.statement_import_path(stmt, tf_name) in (
                            names.TF, names.TF_COMPAT_V1):
                    tf_index = i
                    break
        prefix = tf_name + (".compat.v1" if tf_path == names.TF else "")
        new_lines.extend("%s.%s()" % (prefix, d) for d in disablers)
    return new_lines, tf_index
