"""tf.layers' core layers: `dense`, `dropout`, `flatten` and their classes.

TF 1.15's `tf.layers.Dense`, `Dropout` and `Flatten` (with the aliases
`FullyConnected` / `fully_connected`), on public TensorFlow only: same
signatures, defaults, variable names (`dense/kernel`, `dense/bias`, ...) and
numerics.
"""

import functools
import numbers
import operator

import tensorflow as tf

from contrib_norm._core import training_flag
from contrib_norm.tf_layers import arguments
from contrib_norm.tf_layers import base


@base.documented(
    """
    Args:
      units: positive integer, the output dimension.
"""
    + base.ACTIVATION_DOC
    + base.KERNEL_DOC
    + base.TAIL_DOC
)
class Dense(base.KernelLayer):
    """Densely-connected layer: `outputs = activation(inputs @ kernel + bias)`.

    The kernel is `[last dimension of the inputs, units]`. Inputs of rank
    above 2 are contracted on their last axis (`tf.tensordot`), as in TF1.
    {args}

    Raises:
      ValueError: if `units` is not a positive integer.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=tf.compat.v1.zeros_initializer(),
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.units = arguments.positive_int(units, "units")
        self.kernel = None

    def _convert_inputs(self, inputs):
        inputs = tf.convert_to_tensor(inputs)
        arguments.check_input_rank(self, inputs, min_ndim=2)
        if self.built:
            arguments.check_input_axis(self, inputs, -1, self.kernel.shape[0])
        return inputs

    def build(self, input_shape):
        input_shape = tf.TensorShape(input_shape)
        last_dim = tf.compat.dimension_value(input_shape[-1])
        if last_dim is None:
            raise ValueError(
                "The last dimension of the inputs to `Dense` should be defined. "
                f"Found `None`. Received: inputs with shape={input_shape}"
            )
        self.kernel = self.add_kernel("kernel", [last_dim, self.units])
        self.add_bias(self.units)
        self.built = True

    def call(self, inputs):
        if inputs.dtype.base_dtype != self._dtype:
            inputs = tf.cast(inputs, self._dtype)
        rank = inputs.shape.rank
        if rank == 2:
            outputs = tf.matmul(inputs, self.kernel)
        else:
            outputs = tf.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        return self.finish(outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tf.TensorShape(input_shape)
        if input_shape.rank is not None and input_shape.rank < 2:
            raise ValueError(
                "`Dense` needs an input shape of rank 2 or more. Received: "
                f"input_shape={input_shape}"
            )
        return input_shape[:-1].concatenate([self.units])

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def dense(
    inputs,
    units,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=tf.compat.v1.zeros_initializer(),
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Functional densely-connected layer (see `Dense`).

    Layers are named `dense`, `dense_1`, ... in each graph (their variable
    scopes, inside any enclosing one), or `name`; `reuse=True` (or an
    enclosing `variable_scope(reuse=True)`) shares the variables of an
    earlier layer of the same name.

    Args:
      inputs: a tensor of rank 2 or more with a defined last dimension.
      units, activation, use_bias, kernel_initializer, bias_initializer,
      kernel_regularizer, bias_regularizer, activity_regularizer,
      kernel_constraint, bias_constraint, trainable, name: see `Dense`.
      reuse: reuse the variables of a previous layer with the same name.

    Returns:
      `activation(inputs @ kernel + bias)`, of shape
      `inputs.shape[:-1] + [units]`.

    Raises:
      ValueError: for bad `units`, inputs of rank < 2 or an undefined last
        dimension.
    """
    return base.apply_layer(Dense, locals())


class Dropout(base.Layer):
    """Dropout: in training, zeroes each entry with probability `rate` and
    scales the others by `1 / (1 - rate)`; otherwise the identity.

    Args:
      rate: the drop rate, in [0, 1] (TF1's `tf.layers` took the rate to
        drop, unlike `tf.nn.dropout`'s old `keep_prob`).
      noise_shape: None, or the shape of the kept/dropped mask (a 1-D
        sequence; None entries take the input's dimension), to drop whole
        slices.
      seed: the op-level random seed (`tf.compat.v1.set_random_seed` sets the
        graph-level one). As in TF 1.15, every call of the layer uses it.
      name: the layer's name (its name scope).
      **kwargs: `trainable`, `dtype` and the private `_scope` / `_reuse`.

    Raises:
      ValueError: for a number `rate` outside [0, 1].
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(rate, numbers.Real) and not 0 <= rate <= 1:
            raise ValueError(
                "`rate` must be a number in [0, 1] (the fraction of the "
                f"inputs to drop). Received: rate={rate!r}"
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        dynamic = tf.shape(inputs)
        return tf.convert_to_tensor(
            [dynamic[i] if d is None else d for i, d in enumerate(self.noise_shape)]
        )

    def call(self, inputs, training=False):
        """`training`: a Python bool or a scalar bool tensor (None: False)."""
        if training is None:
            training = False
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            training_flag.static_value(training, "training")
            return tf.identity(inputs)

        def dropped():
            return tf.nn.dropout(
                inputs,
                rate=self.rate,
                noise_shape=self._noise_shape(inputs),
                seed=self.seed,
            )

        return training_flag.smart_cond(
            training, dropped, lambda: tf.identity(inputs), arg_name="training"
        )

    def get_config(self):
        return dict(
            super().get_config(),
            rate=self.rate,
            noise_shape=self.noise_shape,
            seed=self.seed,
        )


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Functional dropout (see `Dropout`): the identity unless `training`.

    Args:
      inputs: a tensor.
      rate: the drop rate, in [0, 1].
      noise_shape: None, or the shape of the mask (None entries take the
        input's dimension).
      seed: the op-level random seed.
      training: a Python bool or a scalar bool tensor (placeholder); False
        (the default) returns the inputs unchanged.
      name: the layer's name (its name scope).

    Returns:
      A tensor of the shape and dtype of `inputs`.

    Raises:
      ValueError: for a `rate` outside [0, 1].
      TypeError: if `training` is neither a bool nor a bool tensor.
    """
    return base.apply_layer(Dropout, locals())


class Flatten(base.Layer):
    """Flattens every dimension but the first (the batch): `[N, ...]` to
    `[N, prod(...)]`, keeping as much of the static shape as known.

    Args:
      data_format: 'channels_last' (None means it) or 'channels_first'; with
        'channels_first' the channels are moved last first, so that the
        order of the features is the same for both formats.
      **kwargs: `name`, `trainable`, `dtype`, and the private `_scope` /
        `_reuse`.

    Raises:
      ValueError: for a bad `data_format`.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = arguments.data_format(
            arguments.CHANNELS_LAST if data_format is None else data_format
        )

    def _convert_inputs(self, inputs):
        inputs = tf.convert_to_tensor(inputs)
        arguments.check_input_rank(self, inputs, min_ndim=1)
        return inputs

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank == 1:
            return tf.expand_dims(inputs, axis=1)
        if self.data_format == arguments.CHANNELS_FIRST and rank is not None:
            inputs = tf.transpose(inputs, [0] + list(range(2, rank)) + [1])
        batch = tf.compat.dimension_value(inputs.shape[0]) if rank else None
        features = inputs.shape[1:] if rank else tf.TensorShape(None)
        if features.is_fully_defined():
            size = functools.reduce(operator.mul, features.as_list(), 1)
            dtype = tf.int64 if size > 2**31 - 1 else tf.int32
            shape = tf.constant([-1, size], dtype=dtype)
        elif batch is not None:
            shape = tf.constant([batch, -1])
        else:
            shape = tf.stack([tf.shape(inputs)[0], -1])
        return tf.reshape(inputs, shape)

    def compute_output_shape(self, input_shape):
        input_shape = tf.TensorShape(input_shape)
        if input_shape.rank is None:
            return tf.TensorShape([None, None])
        if input_shape.rank == 1:
            return input_shape.concatenate([1])
        features = input_shape[1:]
        size = features.num_elements() if features.is_fully_defined() else None
        return tf.TensorShape([input_shape[0], size])

    def get_config(self):
        return dict(super().get_config(), data_format=self.data_format)


def flatten(inputs, name=None, data_format="channels_last"):
    """Functional flatten (see `Flatten`): `[N, ...]` to `[N, prod(...)]`.

    Args:
      inputs: a tensor of rank 1 or more (rank 1 becomes `[N, 1]`).
      name: the layer's name (its name scope).
      data_format: 'channels_last' or 'channels_first'.

    Returns:
      The flattened tensor.
    """
    return base.apply_layer(Flatten, locals())


# TF1's aliases.
FullyConnected = Dense
fully_connected = dense
