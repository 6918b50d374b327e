"""Reliability, bad input: every public function rejects it while the graph is built.

For each function of `reliability_cases.APIS` and each check of
`reliability_cases.CHECKS` (unknown rank or channels, rank 1, a bad
data_format, axes out of range or overlapping, bad groups, a
virtual_batch_size that does not divide the batch, non-float inputs, renorm
with options it does not support, keep_prob outside (0, 1], unknown dict keys,
bad renorm_clipping, epsilon <= 0 / NaN / inf, decays and momenta outside
[0, 1]), the call raises a ValueError or TypeError:

* while the graph is built (no session is ever created here);
* from contrib_norm's own validation, not from deep inside TensorFlow (the
  innermost frame of the traceback is in `contrib_norm/`);
* with a message naming the argument and the value received (each case's
  pattern), in the legacy words where the legacy API had a message.

Checks that do not apply to a function are listed in the registry with the
reason; `test_every_check_is_decided` makes sure none is forgotten.

Legacy failures here (tf-slim 1.1.0 / tf-keras, see `reliability_cases`):
`batch_norm` returned beta for a rank-1 input; `batch_normalization` let
TensorFlow's reshape error ("Dimension size must be evenly divisible by ...")
escape for a `virtual_batch_size` that does not divide the batch; misspelt
dict keys, `rmin > rmax`, `rmax < 1`, `epsilon <= 0` and `momentum=1.5`
were silently accepted.
"""

import inspect
import pathlib

import pytest
import tensorflow as tf

import contrib_norm
import contrib_norm.layers
import contrib_norm.nn
import norm_reference
import reliability_cases as cases

_PACKAGE_DIR = pathlib.Path(contrib_norm.__file__).parent


def _bad_calls():
    for api in cases.APIS:
        for check in cases.CHECKS:
            decided = api.bad_inputs[check]
            if isinstance(decided, cases.NotApplicable):
                continue
            for bad in decided:
                yield pytest.param(
                    api, bad, id=f"{api.name}-{check}-{bad.label}"
                )


def test_every_public_function_is_in_the_registry():
    public = set(contrib_norm.layers.__all__) | set(contrib_norm.nn.__all__)
    assert public == set(cases.API_BY_NAME) | set(cases.COVERED_ELSEWHERE)
    for api in cases.APIS:
        module = contrib_norm.nn if api.slice_axes is None else contrib_norm.layers
        assert getattr(module, api.name) is api.function


def test_every_check_is_decided():
    for api in cases.APIS:
        assert set(api.bad_inputs) == set(cases.CHECKS), api.name
        for check, decided in api.bad_inputs.items():
            if isinstance(decided, cases.NotApplicable):
                assert decided.strip(), (api.name, check)
            else:
                assert decided and all(
                    isinstance(bad, cases.BadInput) for bad in decided
                ), (api.name, check)


def test_every_argument_named_by_a_check_exists():
    for api in cases.APIS:
        parameters = inspect.signature(api.function).parameters
        for decided in api.bad_inputs.values():
            if isinstance(decided, cases.NotApplicable):
                continue
            for bad in decided:
                unknown = set(bad.kwargs) - set(parameters)
                assert not unknown, (api.name, bad.label, unknown)


@pytest.mark.parametrize("api, bad", list(_bad_calls()))
def test_bad_input_raises_at_graph_build_time(api, bad):
    with tf.Graph().as_default():
        inputs = tf.compat.v1.placeholder(tf.as_dtype(bad.dtype), bad.shape)
        with pytest.raises(bad.error, match=bad.pattern) as raised:
            api.call(inputs, bad.data_format, True, **bad.kwargs)
    innermost = pathlib.Path(raised.traceback[-1].path)
    assert _PACKAGE_DIR in innermost.parents, (
        f"raised from {innermost}, not by contrib_norm's own checks"
    )


@pytest.mark.parametrize(
    "api",
    [api for api in cases.APIS if api.training_arg is not None],
    ids=str,
)
def test_training_flag_of_another_type(api):
    """A non-bool training flag is a TypeError naming the flag."""
    with norm_reference.graph_session():
        inputs = tf.compat.v1.placeholder(tf.float32, [4, 2, 2, 3])
        with pytest.raises(TypeError, match=rf"`{api.training_arg}`.*Received"):
            api.call(inputs, cases.NHWC, "yes")


# Hyper-parameters that are numbers: (function, argument) for each function
# that has them. Legacy TensorFlow failed deep inside an op ("None values not
# supported.", "unsupported operand type(s)") or, for some, took None.
_NUMBER_ARGUMENTS = (
    ("batch_norm", ("decay", "epsilon", "renorm_decay")),
    ("sync_batch_norm", ("decay", "epsilon", "renorm_decay")),
    ("batch_normalization", ("momentum", "epsilon", "renorm_momentum")),
    ("group_norm", ("epsilon",)),
    ("instance_norm", ("epsilon",)),
    ("switchable_norm", ("decay", "epsilon")),
)


@pytest.mark.parametrize(
    "name, arg_name, value",
    [
        (name, arg_name, value)
        for name, arg_names in _NUMBER_ARGUMENTS
        for arg_name in arg_names
        for value in (None, "0.1", True)
    ],
)
def test_number_arguments_reject_non_numbers(name, arg_name, value):
    api = cases.API_BY_NAME[name]
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [2, 3, 3, 4])
        with pytest.raises(TypeError) as info:
            api.call(x, cases.NHWC, True, **{arg_name: value})
    assert str(info.value) == (
        f"`{arg_name}` must be a number or a scalar tensor. "
        f"Received: {arg_name}={value!r}"
    )


@pytest.mark.parametrize(
    "name, kwargs",
    [
        # The fused kernel takes epsilon as an attribute: a Python float.
        ("batch_norm", {"fused": False}),
        ("group_norm", {}),
        ("switchable_norm", {}),
    ],
)
def test_number_arguments_accept_tensors(name, kwargs):
    api = cases.API_BY_NAME[name]
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [2, 3, 3, 4])
        api.call(x, cases.NHWC, True, epsilon=tf.constant(1e-3), **kwargs)
