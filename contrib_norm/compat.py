"""``contrib_norm.install()``: the legacy names, resolved to contrib_norm.

TF1-era code reaches the normalization layers through ``tf.contrib`` (gone
since TensorFlow 2.0) and ``tf.compat.v1.layers`` (which, under Keras 3, raises
"`batch_normalization` is not available with Keras 3"). :func:`install` makes
these names resolve to contrib_norm's implementations, so such code runs
unchanged::

    import tensorflow.compat.v1 as tf
    import contrib_norm

    contrib_norm.install()
    tf.disable_eager_execution()
    net = tf.contrib.layers.batch_norm(net, is_training=is_training)

What it provides, and nothing else: the names of
``contrib_norm.legacy_names`` (the table the migration tool reads too), i.e.

* ``tf.contrib.layers``: the layers (``conv2d``, ``fully_connected``,
  ``batch_norm``, ``max_pool2d``, ``flatten``, ``dropout``, ``repeat``,
  ``stack``, ...), the regularizers and initializers, and
  ``tf.contrib.layers.initializers`` and ``regularizers``;
* ``tf.contrib.nn.alpha_dropout``;
* ``tf.contrib.framework``: the arg_scope functions and the variable
  functions (``model_variable``, ``get_variables_to_restore``, ...);
* ``tf.contrib.slim``: the model-building surface (``contrib_norm.slim``),
  with ``slim.layers``, ``slim.initializers``, ``slim.regularizers`` and
  ``slim.utils``;
* the same ``tf.contrib`` under ``tf.compat.v1.contrib``;
* every name of TF1's ``tf.compat.v1.layers`` (``dense``, ``conv2d``,
  ``batch_normalization``, ..., ``Dense``, ``Layer``), from
  ``contrib_norm.tf_layers``, under Keras 3 without tf-keras; any other
  attribute of ``tf.compat.v1.layers`` is forwarded to what was there.

Any other ``tf.contrib`` name raises an ``AttributeError`` that names it and
points to the migration guide: contrib_norm never makes up a stand-in.
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

import tensorflow as tf

from contrib_norm import legacy_names

__all__ = ["install"]

GUIDE = "contrib_norm's migration_guide/README.md"

_CONTRIB = "tensorflow.contrib"

# The legacy names served in tf.compat.v1.layers.
_V1_LAYERS = legacy_names.NAMESPACES["tensorflow.layers"]


def _legacy_name(module_name):
    """'tensorflow.contrib.layers' -> 'tf.contrib.layers'."""
    return "tf" + module_name[len("tensorflow"):]


def _replacement_hint(legacy_name):
    """The migration tool's suggestion for ``legacy_name``, or ''.

    Imported only when an error is being raised: ``install()`` itself does
    not need the migration tool's modules.
    """
    try:
        # pylint: disable-next=import-outside-toplevel
        from contrib_norm.migrate import hints
        return hints.hint_for("tensorflow" + legacy_name[len("tf"):])
    except Exception:  # pylint: disable=broad-except
        # A hint is a courtesy; the error must be raised regardless.
        return ""


def _not_provided_message(legacy_name):
    hint = _replacement_hint(legacy_name)
    return (
        "%s is not provided by contrib_norm, which restores only tf.contrib's "
        "layers, slim's model-building surface, alpha_dropout, weight "
        "initializers, regularizers, arg_scope and variable functions.%s See "
        "%s for what replaces %s on TensorFlow 2."
        % (legacy_name, " Instead: %s." % hint if hint else "", GUIDE,
           legacy_name))


def _resolve(target, legacy_name):
    """Returns contrib_norm's implementation named by ``target``.

    The module is imported on first use, so that a name whose implementation
    is not importable yet does not break the others.
    """
    module_name, attr = target
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise AttributeError(
            "%s maps to %s.%s, which this version of contrib_norm does not "
            "have." % (legacy_name, module_name, attr)) from None


def _plain_attribute_error(module, attr):
    return AttributeError(
        "module %r has no attribute %r" % (module.__name__, attr))


class _LegacyNamespace(types.ModuleType):
    """A module whose mapped names resolve to contrib_norm's implementations.

    Names it does not map raise an ``AttributeError`` naming them and pointing
    to the migration guide. Private and dunder names raise a plain
    ``AttributeError``, so that ``import``, ``inspect`` and ``copy`` behave.
    """

    def __init__(self, name, mapping, submodules=None):
        super().__init__(name, "contrib_norm's stand-in for %s: only the "
                         "names contrib_norm implements." % _legacy_name(name))
        # A package with no directory: `import tensorflow.contrib.x` of an
        # unmapped x reaches _ContribFinder, which explains the error.
        self.__path__ = []
        # Code that probes for TF1 with importlib.util.find_spec gets a spec
        # (None would make find_spec raise "__spec__ is None").
        self.__spec__ = importlib.machinery.ModuleSpec(
            name, None, origin="contrib_norm", is_package=True)
        self.__dict__["_contrib_norm_mapping"] = dict(mapping)
        for sub_name, sub_module in (submodules or {}).items():
            setattr(self, sub_name, sub_module)
        self.__all__ = sorted(set(mapping) | set(submodules or {}))

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise _plain_attribute_error(self, attr)
        legacy_name = "%s.%s" % (_legacy_name(self.__name__), attr)
        target = self.__dict__["_contrib_norm_mapping"].get(attr)
        if target is None:
            raise AttributeError(_not_provided_message(legacy_name))
        return _resolve(target, legacy_name)

    def __dir__(self):
        names = set(super().__dir__())
        names.discard("_contrib_norm_mapping")
        return sorted(names | set(self.__dict__["_contrib_norm_mapping"]))


class _V1LayersProxy(types.ModuleType):
    """``tf.compat.v1.layers`` with TF1's names from contrib_norm.

    Serves the names of ``_V1_LAYERS`` and forwards every other attribute to
    the module (or Keras lazy loader) it replaces, untouched.
    """

    def __init__(self, original):
        super().__init__("tensorflow.compat.v1.layers",
                         "tf.compat.v1.layers, with TF1's layers from "
                         "contrib_norm.tf_layers.")
        self.__dict__["_contrib_norm_original"] = original
        for name, target in _V1_LAYERS.items():
            self.__dict__[name] = _resolve(
                target, "tf.compat.v1.layers." + name)

    def __getattr__(self, attr):
        original = self.__dict__["_contrib_norm_original"]
        if original is None:
            raise _plain_attribute_error(self, attr)
        return getattr(original, attr)

    def __dir__(self):
        try:
            names = set(dir(self.__dict__["_contrib_norm_original"]))
        except Exception:  # pylint: disable=broad-except
            # The Keras 3 lazy loader may fail to list the legacy module.
            names = set()
        return sorted(names | set(_V1_LAYERS))


class _ContribFinder(importlib.abc.MetaPathFinder):
    """Explains ``import tensorflow.contrib.<anything unmapped>``.

    It is consulted last, only for names no other finder found, and only
    when the name is being imported (a probe gets None). The error's
    ``name`` is left unset: with it set, ``from tensorflow.contrib.layers
    import conv2d`` would swallow the explanation and report only "cannot
    import name".
    """

    def find_spec(self, fullname, path=None, target=None):
        del path, target  # Unused.
        if not fullname.startswith(_CONTRIB + ".") or fullname in sys.modules:
            return None
        if not _importing():
            return None  # A probe (importlib.util.find_spec): "not found".
        parent_name, _, attr = fullname.rpartition(".")
        parent = sys.modules.get(parent_name)
        message = _not_provided_message(_legacy_name(fullname))
        if isinstance(parent, _LegacyNamespace):
            try:
                getattr(parent, attr)
            except AttributeError as err:
                message = str(err)
            else:
                return None  # A function, not a module: Python's own error.
        raise ModuleNotFoundError(message)


def _importing():
    """Whether the import system asks a finder in order to import.

    An import (the statement, ``importlib.import_module``) then raises a
    plain "No module named ..." when every finder returns None, so
    ``_ContribFinder`` raises its explanation instead. A probe
    (``importlib.util.find_spec``, ``pkgutil``) expects None for a module
    that is not there. Both reach the finder through the same function of
    ``importlib._bootstrap``; an import comes to it from
    ``_find_and_load_unlocked``, a probe from elsewhere (``importlib.util``).
    Without frame introspection, every call counts as an import.
    """
    getframe = getattr(sys, "_getframe", None)
    if getframe is None:
        return True
    frame = getframe(2)  # The caller of _ContribFinder.find_spec.
    while frame is not None and _is_bootstrap(frame.f_code.co_filename):
        if frame.f_code.co_name == "_find_and_load_unlocked":
            return True
        frame = frame.f_back
    return False


def _is_bootstrap(filename):
    """Whether ``filename`` is that of ``importlib._bootstrap`` (frozen or
    not)."""
    return filename in ("<frozen importlib._bootstrap>",) or filename.endswith(
        ("importlib/_bootstrap.py", "importlib\\_bootstrap.py"))


def _build_contrib():
    """Creates tf.contrib and its submodules, registered in ``sys.modules``.

    One namespace per ``tensorflow.contrib`` entry of the legacy-names table,
    each an attribute of its parent (``tf.contrib.slim.utils``).
    """
    names = sorted((n for n in legacy_names.NAMESPACES
                    if n.startswith(_CONTRIB + ".")), key=len, reverse=True)
    children = {}  # namespace name -> {attribute: child namespace}
    for name in names + [_CONTRIB]:
        namespace = _LegacyNamespace(
            name, legacy_names.NAMESPACES.get(name, {}), children.get(name))
        sys.modules[name] = namespace
        parent, _, attr = name.rpartition(".")
        children.setdefault(parent, {})[attr] = namespace
    return sys.modules[_CONTRIB]


def _v1_modules():
    """Every module object through which code reaches ``tf.compat.v1``.

    ``tf.compat.v1`` is one object until ``import tensorflow.compat.v1`` runs,
    which puts another in ``sys.modules`` and in ``tf.compat``; a script may
    hold either. ``tf.compat.v1.compat.v1`` and ``tf.compat.v2.compat.v1`` are
    distinct objects too.
    """
    candidates = [tf.compat.v1]
    # Import it now, so that a later `import tensorflow.compat.v1` finds the
    # patched module rather than creating an unpatched one.
    candidates.append(importlib.import_module("tensorflow.compat.v1"))
    candidates.append(tf.compat.v1)
    candidates.append(tf.compat.v1.compat.v1)
    candidates.append(tf.compat.v2.compat.v1)
    unique = []
    for module in candidates:
        if all(module is not seen for seen in unique):
            unique.append(module)
    return unique


def _patch_in_place(layers):
    """Adds TF1's names to ``layers``, what ``tf.compat.v1.layers`` was.

    Code that took the object before install() (``from tensorflow.compat.v1
    import layers``) keeps it, so it gets the names too. They go straight into
    its ``__dict__``: ``setattr`` on TensorFlow's Keras lazy loader would
    import the Keras module it stands for, which Keras 3 does not have. With
    tf-keras (``TF_USE_LEGACY_KERAS=1``) the loader does load that module,
    tf-keras's ``tf.compat.v1.layers``, and copies its names over its own on
    every attribute it lacks; that module gets the names too. Other
    attributes are left as they were.
    """
    if layers is None:
        return
    # A module's name; the loaded module's for tf-keras; None under Keras 3.
    loaded = sys.modules.get(getattr(layers, "__name__", None))
    targets = [layers] if loaded in (None, layers) else [layers, loaded]
    for namespace in map(vars, targets):
        for name, target in _V1_LAYERS.items():
            value = _resolve(target, "tf.compat.v1.layers." + name)
            if namespace.get(name) is not value:
                namespace[name] = value


def _set_if_different(module, name, value):
    if module.__dict__.get(name) is not value:
        setattr(module, name, value)


def install():
    """Makes ``tf.contrib`` and ``tf.compat.v1.layers`` use contrib_norm.

    After it, every name of ``contrib_norm.legacy_names`` is contrib_norm's
    implementation, the very same object as ``contrib_norm.layers.conv2d``
    and so on: ``tf.contrib.layers.*`` (and ``tf.contrib.layers.
    initializers``), ``tf.contrib.nn.alpha_dropout``,
    ``tf.contrib.framework.*``, ``tf.contrib.slim.*`` (and its
    ``initializers``, ``regularizers`` and ``utils``) and every TF1 name of
    ``tf.compat.v1.layers`` (``dense``, ``conv2d``, ``batch_normalization``,
    ..., from ``contrib_norm.tf_layers``).
    The same ``tf.contrib`` is reachable as ``tf.compat.v1.contrib``, so
    scripts that ``import tensorflow.compat.v1 as tf`` work, and it is
    registered in ``sys.modules``, so ``from tensorflow.contrib.layers import
    batch_norm`` and ``import tensorflow.contrib.slim as slim`` work too.

    Any other ``tf.contrib`` attribute raises an ``AttributeError`` that names
    it and points to the migration guide; ``from tensorflow.contrib.layers
    import embed_sequence`` and ``import tensorflow.contrib.rnn`` raise a
    ``ModuleNotFoundError`` (an ``ImportError``) with the same explanation,
    while ``importlib.util.find_spec`` of such a name returns None, as for
    any module that is not there. Any other ``tf.compat.v1.layers`` attribute is forwarded to what was
    there before. That object itself gets the TF1 names too, so code that
    ran ``from tensorflow.compat.v1 import layers`` before install() sees
    them as well.

    Under Keras 3 (TensorFlow 2.16+) this needs neither tf-keras nor
    ``TF_USE_LEGACY_KERAS``. With ``TF_USE_LEGACY_KERAS=1`` and tf-keras,
    ``tf.compat.v1.layers``' TF1 names are contrib_norm's as well (same
    variables and numerics), in place of tf-keras's. The same holds on
    TensorFlow 2.15 (Keras 2), where ``tf.compat.v1.layers`` is native:
    all of its TF1 names are replaced, and only ``InputSpec`` and
    ``experimental`` are forwarded, so a program runs the same code on every
    supported version.

    Differs from TF1 in that ``tf.layers`` (without ``compat.v1``) is not
    created: it does not exist in TensorFlow 2, and ``tf.compat.v1.layers`` is
    the TF1 module under ``import tensorflow.compat.v1 as tf``.

    Importing contrib_norm changes nothing; only this call does. It is
    idempotent: calling it again returns the same module and changes nothing.

    Returns:
        The ``tf.contrib`` module object.
    """
    contrib = sys.modules.get(_CONTRIB)
    if not isinstance(contrib, _LegacyNamespace):
        contrib = _build_contrib()
    _set_if_different(tf, "contrib", contrib)
    v1_layers = None
    for v1 in _v1_modules():
        _set_if_different(v1, "contrib", contrib)
        layers = getattr(v1, "layers", None)
        if not isinstance(layers, _V1LayersProxy):
            _patch_in_place(layers)
            layers = _V1LayersProxy(layers)
            setattr(v1, "layers", layers)
        if v1 is sys.modules.get("tensorflow.compat.v1"):
            v1_layers = layers
    # `from tensorflow.compat.v1.layers import batch_normalization` imports
    # this name; without the entry, the import would load TensorFlow's stub
    # module and put it back in place of the proxy.
    if v1_layers is not None:
        sys.modules["tensorflow.compat.v1.layers"] = v1_layers
    if not any(isinstance(f, _ContribFinder) for f in sys.meta_path):
        sys.meta_path.append(_ContribFinder())
    return contrib
