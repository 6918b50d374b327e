"""Bad arguments to batch_norm and batch_normalization: clear errors at build time.

Each error names the argument and the value received; where TF1 had a
message its words are kept. Errors found before any variable is created
leave the graph without variables.
"""

import numpy as np
import pytest
import tensorflow as tf

from contrib_norm.layers import BatchNormalization
from contrib_norm.layers import batch_norm
from contrib_norm.layers import batch_normalization

_UPDATE_OPS = tf.compat.v1.GraphKeys.UPDATE_OPS


class _Lazy(object):
    """An argument built in the test's graph (tensors cannot be made earlier)."""

    def __init__(self, make, text):
        self.make, self.text = make, text

    def __repr__(self):
        return self.text


def _in_graph(kwargs):
    """`kwargs` with each `_Lazy` value built in the current graph."""
    return {
        key: value.make() if isinstance(value, _Lazy) else value
        for key, value in kwargs.items()
    }


def _raises(fn, shape, error, patterns, dtype=tf.float32, variables_created=False):
    """Calls fn(inputs) in a fresh graph; checks the error and its message."""
    with tf.Graph().as_default():
        inputs = tf.compat.v1.placeholder(dtype, shape, name="x")
        with pytest.raises(error) as info:
            fn(inputs)
        message = str(info.value)
        for pattern in patterns:
            assert pattern in message, f"{pattern!r} not in {message!r}"
        if not variables_created:
            assert tf.compat.v1.global_variables() == []
    return message


# (id, kwargs, shape, error, [fragments of the message]).
BATCH_NORM_ERRORS = [
    ("data_format_NCW", dict(data_format="NCW"), [2, 3, 4], ValueError,
     ["data_format has to be either NCHW or NHWC", "Received: data_format='NCW'"]),
    ("data_format_lowercase", dict(data_format="nhwc"), [2, 4], ValueError,
     ["data_format has to be either NCHW or NHWC", "data_format='nhwc'"]),
    ("data_format_none", dict(data_format=None), [2, 4], ValueError,
     ["data_format has to be either NCHW or NHWC", "data_format=None"]),
    ("undefined_rank", {}, None, ValueError,
     ["Inputs x:0 has undefined rank", "Received: inputs with shape=<unknown>"]),
    ("rank_1", {}, [5], ValueError,
     ["rank 2 or more", "Received: inputs with shape=(5,) (rank 1)"]),
    ("rank_0", {}, [], ValueError, ["rank 2 or more", "(rank 0)"]),
    ("renorm_batch_weights",
     dict(renorm=True, batch_weights=_Lazy(lambda: tf.ones([4]), "ones")), [4, 3],
     ValueError, ["renorm is not supported with batch_weights, updates_collections "
                  "or zero_debias_moving_mean", "Received: renorm=True"]),
    ("renorm_updates_collections", dict(renorm=True, updates_collections=None),
     [4, 3], ValueError, ["renorm is not supported", "updates_collections=None"]),
    ("renorm_custom_collection", dict(renorm=True, updates_collections="mine"),
     [4, 3], ValueError, ["renorm is not supported", "updates_collections='mine'"]),
    ("renorm_zero_debias", dict(renorm=True, zero_debias_moving_mean=True), [4, 3],
     ValueError, ["renorm is not supported", "zero_debias_moving_mean=True"]),
    ("param_initializers_key", dict(param_initializers={"gama": tf.ones_initializer()}),
     [4, 3], ValueError, ["`param_initializers` has unknown keys ['gama']",
                          "Received: param_initializers="]),
    ("param_initializers_type", dict(param_initializers=[tf.ones_initializer()]),
     [4, 3], TypeError, ["`param_initializers` must be a dict", "Received:"]),
    ("param_regularizers_key", dict(param_regularizers={"moving_mean": tf.nn.l2_loss}),
     [4, 3], ValueError, ["`param_regularizers` has unknown keys ['moving_mean']",
                          "Received: param_regularizers="]),
    ("variables_collections_key", dict(variables_collections={"betta": ["c"]}),
     [4, 3], ValueError, ["`variables_collections` has unknown keys ['betta']",
                          "Received: variables_collections="]),
    ("renorm_clipping_key", dict(renorm=True, renorm_clipping={"r_max": 3.0}),
     [4, 3], ValueError, ["Received invalid keys for `renorm_clipping` argument",
                          "r_max", "Supported values: ['rmax', 'rmin', 'dmax']"]),
    ("renorm_clipping_key_without_renorm", dict(renorm_clipping={"dmin": 0.0}),
     [4, 3], ValueError, ["invalid keys for `renorm_clipping`", "dmin"]),
    ("renorm_clipping_rmin_above_rmax",
     dict(renorm=True, renorm_clipping={"rmin": 2.0, "rmax": 1.0}), [4, 3],
     ValueError, ["rmin <= rmax", "Received: renorm_clipping="]),
    ("renorm_clipping_negative_dmax", dict(renorm=True, renorm_clipping={"dmax": -1}),
     [4, 3], ValueError, ["dmax >= 0", "Received: renorm_clipping="]),
    ("renorm_clipping_type", dict(renorm=True, renorm_clipping=[1.0, 2.0]), [4, 3],
     TypeError, ["`renorm_clipping` must be a dict", "renorm_clipping=[1.0, 2.0]"]),
    ("is_training_string", dict(is_training="yes"), [4, 3], TypeError,
     ["`is_training` must be a Python bool or a scalar tf.bool tensor",
      "Received: is_training='yes'"]),
    ("is_training_none", dict(is_training=None), [4, 3], TypeError,
     ["`is_training` must be", "is_training=None"]),
    ("is_training_float_tensor",
     dict(is_training=_Lazy(lambda: tf.constant(1.0), "1.0")), [4, 3],
     TypeError, ["`is_training` must be", "dtype=float32"]),
    ("is_training_vector",
     dict(is_training=_Lazy(lambda: tf.constant([True, False]), "[T, F]")), [4, 3],
     ValueError, ["`is_training` must be a scalar", "shape=(2,)"]),
]


@pytest.mark.parametrize(
    "kwargs,shape,error,patterns",
    [case[1:] for case in BATCH_NORM_ERRORS],
    ids=[case[0] for case in BATCH_NORM_ERRORS],
)
def test_batch_norm_errors(kwargs, shape, error, patterns):
    _raises(lambda inputs: batch_norm(inputs, **_in_graph(kwargs)), shape, error,
            patterns)


@pytest.mark.parametrize(
    "case",
    [
        # (kwargs, rank) reaching each implementation, with the TF1 words.
        (dict(zero_debias_moving_mean=True), 4,
         "has undefined `C` dimension (None,)."),
        (dict(updates_collections=None), 2,
         "`C` dimension must be known but is None."),
        (dict(), 4, "Input has undefined `axis` dimension"),
        (dict(), 3, "Input has undefined `axis` dimension"),
        (dict(fused=False, zero_debias_moving_mean=True), 4,
         "has undefined channels dimension"),
        (dict(batch_weights="given"), 5,
         "has undefined channels dimension (None,)."),
    ],
    ids=["fused", "fused_rank2", "layer_fused", "layer", "moments", "weighted"],
)
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_batch_norm_undefined_channels(case, data_format):
    kwargs, rank, phrase = case
    shape = [4] + [3] * (rank - 1)
    shape[1 if data_format == "NCHW" else -1] = None

    def call(inputs):
        extra = dict(kwargs)
        if extra.get("batch_weights") == "given":
            extra["batch_weights"] = tf.ones([4])
        return batch_norm(inputs, data_format=data_format, **extra)

    message = _raises(call, shape, ValueError, [phrase], variables_created=True)
    assert "Received" in message and "shape=" in message


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.uint8, tf.bool, tf.string])
@pytest.mark.parametrize("fn", [batch_norm, batch_normalization], ids=["bn", "bnl"])
def test_non_float_inputs(fn, dtype):
    _raises(fn, [4, 3], TypeError,
            ["`inputs` must be a floating-point tensor", f"dtype={dtype.name}"],
            dtype=dtype)


def test_batch_weights_of_wrong_shape():
    def call(inputs):
        return batch_norm(inputs, batch_weights=tf.ones([5]))

    _raises(call, [4, 3], ValueError,
            ["`batch_weights` must be a vector of the batch size (4)",
             "Received: batch_weights with shape=(5,)"], variables_created=True)


# (id, kwargs, shape, error, [fragments]) for tf.layers batch_normalization.
BATCH_NORMALIZATION_ERRORS = [
    ("axis_too_large", dict(axis=4), [2, 3, 3, 4], ValueError,
     ["`axis` is out of range for an input of rank 4", "Received: axis=4"]),
    ("axis_too_negative", dict(axis=-5), [2, 3, 3, 4], ValueError,
     ["out of range for an input of rank 4", "Received: axis=-5"]),
    ("axis_list_out_of_range", dict(axis=[1, 3]), [2, 3, 4], ValueError,
     ["out of range for an input of rank 3", "Received: axis=3"]),
    ("axis_duplicate", dict(axis=[1, -3]), [2, 3, 3, 4], ValueError,
     ["`axis` contains a duplicate axis", "Received: axis=[1, -3]"]),
    ("axis_float", dict(axis=1.5), [2, 3], TypeError,
     ["argument 'axis'", "1.5"]),
    ("axis_string", dict(axis="channels_last"), [2, 3], TypeError,
     ["argument 'axis'", "'channels_last'"]),
    ("axis_list_of_strings", dict(axis=["a"]), [2, 3], TypeError,
     ["`axis` must be an int", "Received: axis='a'"]),
    ("undefined_rank", {}, None, ValueError,
     ["undefined rank", "Received: input_shape=<unknown>"]),
    ("rank_1", {}, [5], ValueError,
     ["rank 2 or more", "Received: inputs with shape=(5,) (rank 1)"]),
    ("undefined_axis_dim", {}, [2, None], ValueError,
     ["Input has undefined `axis` dimension", "Received: inputs with shape=(2, None)",
      "axis=(1,)"]),
    ("virtual_batch_does_not_divide", dict(virtual_batch_size=3, training=True),
     [4, 5], ValueError,
     ["`virtual_batch_size` (3) must divide the batch size (4)",
      "Received: virtual_batch_size=3"]),
    ("virtual_batch_placeholder_flag",
     dict(virtual_batch_size=3, training=_Lazy(
         lambda: tf.compat.v1.placeholder_with_default(True, []), "flag")),
     [4, 5], ValueError, ["must divide the batch size (4)"]),
    ("virtual_batch_zero", dict(virtual_batch_size=0), [4, 5], ValueError,
     ["`virtual_batch_size` must be a positive integer",
      "Received: virtual_batch_size=0"]),
    ("virtual_batch_float", dict(virtual_batch_size=2.0), [4, 5], ValueError,
     ["positive integer", "virtual_batch_size=2.0"]),
    ("virtual_batch_with_adjustment",
     dict(virtual_batch_size=2, adjustment=lambda shape: (1.0, 0.0)), [4, 5],
     ValueError, ["When using `virtual_batch_size`, adjustment cannot be specified",
                  "Received: virtual_batch_size=2"]),
    ("virtual_batch_axis_0", dict(virtual_batch_size=2, axis=[0, 1]), [4, 5],
     ValueError, ["axis cannot include 0", "Received: axis=[0, 1]"]),
    ("renorm_clipping_key", dict(renorm=True, renorm_clipping={"rmaxx": 2}),
     [4, 5], ValueError, ["invalid keys for `renorm_clipping`", "rmaxx"]),
    ("renorm_clipping_rmin_above_rmax",
     dict(renorm=True, renorm_clipping=_Lazy(
         lambda: {"rmin": 3, "rmax": tf.constant(2.0)}, "clipping")),
     [4, 5], ValueError, ["rmin <= rmax", "Received: renorm_clipping="]),
    ("training_string", dict(training="True"), [4, 5], TypeError,
     ["`training` must be a Python bool or a scalar tf.bool tensor",
      "Received: training='True'"]),
    ("training_int_tensor", dict(training=_Lazy(lambda: tf.constant(1), "1")),
     [4, 5], TypeError,
     ["`training` must be", "dtype=int32"]),
]


@pytest.mark.parametrize(
    "kwargs,shape,error,patterns",
    [case[1:] for case in BATCH_NORMALIZATION_ERRORS],
    ids=[case[0] for case in BATCH_NORMALIZATION_ERRORS],
)
@pytest.mark.parametrize("api", ["function", "class"])
def test_batch_normalization_errors(api, kwargs, shape, error, patterns):
    def call(inputs):
        resolved = _in_graph(kwargs)
        training = resolved.pop("training", False)
        if api == "function":
            return batch_normalization(inputs, training=training, **resolved)
        return BatchNormalization(**resolved)(inputs, training=training)

    _raises(call, shape, error, patterns)


def test_virtual_batch_dynamic_batch_checked_at_run_time():
    """An unknown batch is checked when training, never at inference."""
    with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph) as sess:
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        flag = tf.compat.v1.placeholder(tf.bool, [])
        y = batch_normalization(x, training=flag, virtual_batch_size=2)
        sess.run(tf.compat.v1.global_variables_initializer())
        assert sess.run(y, {x: np.ones([4, 5]), flag: True}).shape == (4, 5)
        assert sess.run(y, {x: np.ones([3, 5]), flag: False}).shape == (3, 5)
        with pytest.raises(tf.errors.InvalidArgumentError, match="must divide"):
            sess.run(y, {x: np.ones([3, 5]), flag: True})


def test_virtual_batch_inference_accepts_any_batch():
    with tf.Graph().as_default():
        layer = BatchNormalization(virtual_batch_size=4, name="bn")
        layer(tf.zeros([8, 5]), training=True)
        y = layer(tf.zeros([3, 5]), training=False)
        assert y.shape.as_list() == [3, 5]


@pytest.mark.parametrize(
    "second_shape,fragment",
    [([2, 3, 4], "expected ndim=2, found ndim=3"),
     ([2, 4], "expected axis 1 of input shape to have value 3")],
)
def test_built_layer_rejects_other_shapes(second_shape, fragment):
    with tf.Graph().as_default():
        layer = BatchNormalization(name="bn")
        layer(tf.zeros([2, 3]))
        with pytest.raises(ValueError) as info:
            layer(tf.zeros(second_shape))
        assert fragment in str(info.value)
        assert f"Received: inputs with shape=({', '.join(map(str, second_shape))})" in (
            str(info.value)
        )


def test_duplicate_name_without_reuse():
    """As in TF1: the variable store refuses to create bn/gamma twice."""
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        batch_normalization(x, name="bn")
        with pytest.raises(ValueError, match="bn/gamma already exists"):
            batch_normalization(x, name="bn")
        with pytest.raises(ValueError, match="does not exist"):
            batch_normalization(x, name="other", reuse=True)
