"""Tests for contrib_norm.framework (tf.contrib.framework's arg_scope)."""

import importlib
import inspect

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm import framework
from contrib_norm.framework import add_arg_scope
from contrib_norm.framework import arg_scope
from contrib_norm.framework import arg_scoped_arguments
from contrib_norm.framework import current_arg_scope
from contrib_norm.framework import has_arg_scope


@add_arg_scope
def func1(*args, **kwargs):
    return args, kwargs


@add_arg_scope
def func2(*args, **kwargs):
    return args, kwargs


@add_arg_scope
def func3(args, a=None, b=1, c=2):
    """Some cool doc string."""
    return args, a, b, c


@add_arg_scope
def kwonly(x, *, alpha=0.5, beta):
    return x, alpha, beta


def undecorated(t, a=None):
    return t, a


def key(op):
    return framework.arg_scope_func_key(op)


@pytest.fixture(autouse=True)
def _no_leftover_scope():
    assert current_arg_scope() == {}
    yield
    assert current_arg_scope() == {}


def test_public_names_reexported():
    # The submodule's name is shadowed by the function, as in tf.contrib.
    lib = importlib.import_module("contrib_norm.framework.arg_scope")

    for name in ("arg_scope", "add_arg_scope", "has_arg_scope",
                 "arg_scoped_arguments", "current_arg_scope"):
        assert getattr(framework, name) is getattr(lib, name)
        assert name in framework.__all__


@pytest.mark.parametrize("empty", [[], ()])
def test_empty_scope(empty):
    with arg_scope(empty) as sc:
        assert sc == {}
        assert current_arg_scope() is sc


def test_scope_dict_contents_and_key():
    with arg_scope([func1], a=1, b=None, c=[1]) as sc:
        assert sc == {key(func1): {"a": 1, "b": None, "c": [1]}}
        assert current_arg_scope() is sc
    assert current_arg_scope() == {}


@pytest.mark.parametrize("ops", [[func1], (func1,)], ids=["list", "tuple"])
def test_simple_scope(ops):
    with arg_scope(ops, a=1, b=None, c=[1]):
        args, kwargs = func1(0)
    assert args == (0,)
    assert kwargs == {"a": 1, "b": None, "c": [1]}
    # Outside the scope the defaults are gone.
    assert func1(0) == ((0,), {})


@pytest.mark.parametrize("ops", [[func1, func2], (func1, func2)],
                         ids=["list", "tuple"])
def test_shared_scope(ops):
    with arg_scope(ops, a=1, b=None):
        assert func1(0) == ((0,), {"a": 1, "b": None})
        assert func2(0) == ((0,), {"a": 1, "b": None})


def test_explicit_keyword_wins():
    with arg_scope([func1], a=1, b=None, c=[1]):
        _, kwargs = func1(0, b=2)
    assert kwargs == {"a": 1, "b": 2, "c": [1]}


def test_explicit_positional_wins():
    # The scope sets `a`, but the call passes it positionally: no
    # "multiple values" error, the call's value is used.
    with arg_scope([func3], a=10, b=20):
        assert func3("x", "A") == ("x", "A", 20, 2)
        assert func3("x") == ("x", 10, 20, 2)


def test_keyword_only_arguments():
    assert arg_scoped_arguments(kwonly) == ("alpha",)
    with arg_scope([kwonly], alpha=2.0, beta=3.0):
        assert kwonly(1) == (1, 2.0, 3.0)
        assert kwonly(1, beta=4.0) == (1, 2.0, 4.0)


def test_nested_scope_overrides_and_extends():
    with arg_scope([func1], a=1, b=None, c=[1]):
        assert func1(0)[1] == {"a": 1, "b": None, "c": [1]}
        with arg_scope([func1], b=2, d=3):
            assert func1(0)[1] == {"a": 1, "b": 2, "c": [1], "d": 3}
        assert func1(0)[1] == {"a": 1, "b": None, "c": [1]}


def test_nested_scope_dict():
    with arg_scope([func1], a=1, b=None, c=[1]):
        with arg_scope([func2], b=2, d=[2]) as sc:
            assert sc == {
                key(func1): {"a": 1, "b": None, "c": [1]},
                key(func2): {"b": 2, "d": [2]},
            }


def test_partially_shared_scope():
    with arg_scope([func1, func2], a=1, b=None):
        with arg_scope([func1], c=[1]):
            with arg_scope([func2], d=[2]):
                assert func1(0) == ((0,), {"a": 1, "b": None, "c": [1]})
                assert func2(1) == ((1,), {"a": 1, "b": None, "d": [2]})


def test_scope_does_not_leak_between_siblings():
    with arg_scope([func1], a=1):
        pass
    with arg_scope([func2], b=2):
        assert func1(0) == ((0,), {})


def test_scope_popped_on_exception():
    with pytest.raises(RuntimeError):
        with arg_scope([func1], a=1):
            raise RuntimeError("boom")
    assert current_arg_scope() == {}


def test_clear_scope_with_empty_dict():
    with arg_scope([func1], a=1, b=None, c=[1]) as sc1:
        with arg_scope({}) as sc2:
            assert sc2 == {}
            assert func1(0) == ((0,), {})
        with arg_scope([]) as sc3:
            assert sc3 == sc1


def test_reuse_scope():
    with arg_scope([func1], a=1, b=None, c=[1]) as sc1:
        with arg_scope([func2], b=2, d=[2]) as sc2:
            pass
    with arg_scope(sc1):
        assert current_arg_scope() == {key(func1): {"a": 1, "b": None, "c": [1]}}
        assert func2(0) == ((0,), {})
    with arg_scope(sc2):
        assert func1(0)[1] == {"a": 1, "b": None, "c": [1]}
        assert func2(0)[1] == {"b": 2, "d": [2]}


def test_reuse_current_arg_scope():
    with arg_scope([func1], a=1):
        saved = current_arg_scope()
    with arg_scope(saved):
        assert func1(0) == ((0,), {"a": 1})


def test_reused_scope_copied_not_aliased():
    with arg_scope([func1], a=1) as sc:
        pass
    with arg_scope(sc) as again:
        assert again == sc and again is not sc


def test_scope_object_created_outside_replaces_active_scope():
    def get_scope_object():
        with arg_scope([func1], a=1, b=None, c=[1]) as sc:
            return sc

    saved = get_scope_object()
    with arg_scope([func1], b=2, d=10):
        with arg_scope(saved):
            assert func1(0)[1] == {"a": 1, "b": None, "c": [1]}


def test_scope_object_created_inside_inherits_active_scope():
    def get_scope_object():
        with arg_scope([func1], a=1, b=None, c=[1]) as sc:
            return sc

    with arg_scope([func1], b=2, d=10):
        with arg_scope(get_scope_object()):
            assert func1(0)[1] == {"a": 1, "b": None, "c": [1], "d": 10}


def test_reuse_dict_with_kwargs_raises():
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with arg_scope({}, a=1):
            pass


def test_non_decorated_raises_legacy_value_error():
    with pytest.raises(ValueError) as info:
        with arg_scope([func1, undecorated], a=1):
            pass
    message = str(info.value)
    assert "is not decorated with @add_arg_scope" in message
    assert "undecorated" in message
    assert __name__ in message


def test_non_decorated_lambda_raises():
    with pytest.raises(ValueError, match="<lambda> is not decorated"):
        with arg_scope([lambda x: x]):
            pass


@pytest.mark.parametrize("bad", [func1, "func1", 3, None, {func1}],
                         ids=["function", "str", "int", "none", "set"])
def test_list_ops_or_scope_type_error(bad):
    with pytest.raises(TypeError) as info:
        with arg_scope(bad, a=1):
            pass
    message = str(info.value)
    assert "list_ops_or_scope must either be a list/tuple or reused scope" in message
    assert type(bad).__name__ in message


def test_unexpected_arg_reaches_function():
    with pytest.raises(TypeError):
        with arg_scope([func3], d=1):
            func3(1)


def test_add_arg_scope_rejects_non_callable():
    with pytest.raises(TypeError, match="callable.*int"):
        add_arg_scope(5)


def test_has_arg_scope():
    assert has_arg_scope(func1)
    assert has_arg_scope(func3)
    assert not has_arg_scope(undecorated)


def test_arg_scoped_arguments():
    assert arg_scoped_arguments(func3) == ("a", "b", "c")
    assert arg_scoped_arguments(func1) == ()


def test_arg_scoped_arguments_non_decorated():
    with pytest.raises(ValueError, match="undecorated is not decorated"):
        arg_scoped_arguments(undecorated)


def test_redefinition_updates_arguments():
    for _ in range(3):
        @add_arg_scope
        def func4(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8):
            pass

        assert arg_scoped_arguments(func4) == tuple("abcdefgh")


def test_metadata_preserved():
    assert func3.__name__ == "func3"
    assert func3.__qualname__ == "func3"
    assert func3.__module__ == __name__
    assert func3.__doc__ == "Some cool doc string."
    assert list(inspect.signature(func3).parameters) == ["args", "a", "b", "c"]
    assert inspect.signature(func3).parameters["b"].default == 1
    assert str(inspect.signature(kwonly)) == "(x, *, alpha=0.5, beta)"


def test_key_op_attribute():
    assert func3._key_op == str(func3.__wrapped__)
    assert key(func3) == func3._key_op
    # The undecorated function maps to the same key.
    assert key(func3.__wrapped__) == func3._key_op
    assert has_arg_scope(func3.__wrapped__)


def test_redecorated_aliases_share_scope():
    def base(x, scale=1):
        return x * scale

    alias_a = add_arg_scope(base)
    alias_b = add_arg_scope(base)
    twice = add_arg_scope(alias_a)
    assert alias_a is not alias_b
    assert alias_a._key_op == alias_b._key_op == twice._key_op
    with arg_scope([alias_a], scale=3):
        assert alias_a(2) == 6
        assert alias_b(2) == 6
        assert twice(2) == 6
    with arg_scope([base], scale=5):  # the undecorated original, too
        assert alias_b(1) == 5


def test_scope_applies_only_to_listed_functions():
    with arg_scope([func1], a=1):
        assert func2(0) == ((0,), {})


# --- The normalizer_fn pattern of TF1 model code -------------------------

@add_arg_scope
def dummy_norm(inputs, scale=1.0, shift=0.0, scope=None):
    """A stand-in normalizer: records its call and applies an affine map."""
    with tf.compat.v1.variable_scope(scope, default_name="DummyNorm"):
        dummy_norm.calls.append({"scale": scale, "shift": shift,
                                 "scope": tf.compat.v1.get_variable_scope().name})
        return inputs * scale + shift


dummy_norm.calls = []


@add_arg_scope
def conv(x, n, normalizer_fn=None, normalizer_params=None, scope=None):
    """A user-written TF1 conv helper with the contrib normalizer hooks."""
    with tf.compat.v1.variable_scope(scope, default_name="Conv"):
        kernel = tf.compat.v1.get_variable(
            "weights", shape=[3, 3, int(x.shape[-1]), n],
            initializer=tf.compat.v1.ones_initializer())
        out = tf.nn.conv2d(x, kernel, strides=1, padding="SAME")
        if normalizer_fn is not None:
            out = normalizer_fn(out, **(normalizer_params or {}))
        return out


@pytest.fixture
def graph():
    dummy_norm.calls.clear()
    with tf.Graph().as_default() as g:
        yield g


def _run(tensor, feed):
    with tf.compat.v1.Session(graph=tensor.graph) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        return sess.run(tensor, feed)


def test_normalizer_fn_pattern(graph):
    x = tf.compat.v1.placeholder(tf.float32, [None, 4, 4, 1])
    with arg_scope([conv], normalizer_fn=dummy_norm,
                   normalizer_params={"scale": 2.0}):
        with arg_scope([dummy_norm], shift=1.0):
            y1 = conv(x, 2, scope="conv1")
            # An explicit argument wins over the scoped one.
            y2 = conv(y1, 2, scope="conv2", normalizer_params={"scale": 0.5})
    y3 = conv(y2, 1, scope="conv3")  # outside: no normalizer
    assert [c["scope"] for c in dummy_norm.calls] == [
        "conv1/DummyNorm", "conv2/DummyNorm"]
    assert [(c["scale"], c["shift"]) for c in dummy_norm.calls] == [
        (2.0, 1.0), (0.5, 1.0)]
    names = sorted(v.op.name for v in tf.compat.v1.global_variables())
    assert names == ["conv1/weights", "conv2/weights", "conv3/weights"]

    feed = {x: np.ones([1, 4, 4, 1], np.float32)}
    out1 = _run(y1, feed)
    # Centre pixel: 3x3 ones kernel over ones -> 9; scaled 2, shifted 1.
    assert out1[0, 1, 1, 0] == pytest.approx(19.0)
    assert _run(y3, feed).shape == (1, 4, 4, 1)


def test_normalizer_fn_scope_reentered(graph):
    x = tf.compat.v1.placeholder(tf.float32, [None, 4, 4, 1])
    with arg_scope([conv], normalizer_fn=dummy_norm,
                   normalizer_params={"scale": 3.0}) as sc:
        pass
    conv(x, 1, scope="plain")
    with arg_scope(sc):
        conv(x, 1, scope="normed")
    assert [c["scope"] for c in dummy_norm.calls] == ["normed/DummyNorm"]
    assert dummy_norm.calls[0]["scale"] == 3.0


def test_distinct_functions_with_one_name_have_distinct_scopes():
    # TF1 keyed scopes by the function object (str(func)), not by its name.
    def make(value):
        @add_arg_scope
        def f(x, a=value):
            return a

        return f

    f1, f2 = make(1), make(2)
    with arg_scope([f1], a=10):
        assert f1(0) == 10
        assert f2(0) == 2
    first = add_arg_scope(lambda x, a=1: a)
    second = add_arg_scope(lambda x, a=2: a)
    with arg_scope([first], a=5):
        assert (first(0), second(0)) == (5, 2)


def test_undecorated_function_with_a_decorated_name_is_refused():
    def h(x, a=1):
        return a

    decorated = add_arg_scope(h)

    def h(x, a=1):  # noqa: F811 - same name, another function
        return a

    assert has_arg_scope(decorated) and not has_arg_scope(h)
    with pytest.raises(ValueError, match="not decorated"):
        with arg_scope([h], a=3):
            pass
