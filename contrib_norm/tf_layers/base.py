"""`Layer`, and the kernel-and-bias base of Dense and the convolutions.

`Layer` is tf.layers' base class (see `contrib_norm._core.legacy_layer`):
names, variable scopes, `reuse`, variables through
`tf.compat.v1.get_variable`, regularization losses and updates in their
collections. `KernelLayer` adds what Dense and the convolutions share: the
activation, the optional bias, and the initializers, regularizers and
constraints of their weights.
"""

import tensorflow as tf

from contrib_norm._core import legacy_layer
from contrib_norm._core import variables as variables_lib

Layer = legacy_layer.LegacyLayer

_ACTIVATION_NAMES = (
    "elu", "gelu", "leaky_relu", "relu", "relu6", "selu", "sigmoid",
    "softmax", "softplus", "softsign", "swish", "tanh",
)  # fmt: skip


# Argument docs shared by the layer classes (see `documented`).
ACTIVATION_DOC = """\
      activation: None (linear) or a callable (e.g. `tf.nn.relu`).
      use_bias: whether to add a bias.
"""
KERNEL_DOC = """\
      kernel_initializer: None (the variable scope's initializer, else
        Glorot uniform) or an initializer.
      bias_initializer: initializer of the bias.
      kernel_regularizer: optional regularizer of the kernel; its loss goes
        to REGULARIZATION_LOSSES.
      bias_regularizer: optional regularizer of the bias, likewise.
      activity_regularizer: optional regularizer of the output (its loss is
        divided by the batch size).
      kernel_constraint: optional projection applied to the kernel after an
        optimizer updates it.
      bias_constraint: likewise for the bias.
"""
TAIL_DOC = """\
      trainable: if True, the variables go to TRAINABLE_VARIABLES.
      name: the layer's name (its variable scope).
      **kwargs: `dtype`, and the private `_scope` / `_reuse`.
"""


def documented(args):
    """Replaces the `    {args}` line of a docstring with `args`."""

    def decorate(obj):
        obj.__doc__ = obj.__doc__.replace("    {args}\n", args)
        return obj

    return decorate


def as_activation(value):
    """None or 'linear' (identity), a callable, or the name of a tf.nn one."""
    if value is None or value == "linear":
        return None
    if isinstance(value, str) and value in _ACTIVATION_NAMES:
        return getattr(tf.nn, value)
    if not callable(value):
        raise ValueError(
            "`activation` must be None, a callable or one of "
            f"{list(_ACTIVATION_NAMES)}. Received: activation={value!r}"
        )
    return value


def as_optional_callable(value, arg_name):
    """A regularizer or constraint: None or a callable."""
    if value is not None and not callable(value):
        raise TypeError(
            f"`{arg_name}` must be None or a callable. Received: "
            f"{arg_name}={value!r}"
        )
    return value


def as_optional_initializer(value, arg_name):
    """None (the variable scope's initializer, else Glorot uniform, as
    `tf.compat.v1.get_variable` chooses), a callable or a common name."""
    return variables_lib.as_initializer(value, None, arg_name)


def apply_layer(layer_class, arguments):
    """What every tf.layers function does: builds `layer_class` from the
    function's `arguments` (its `locals()`: `inputs`, the constructor's
    arguments, `name`, and `reuse` where it has one) and applies it.

    `name` is also the layer's `_scope` and `reuse` its `_reuse`, as in TF1.
    """
    kwargs = dict(arguments)
    inputs = kwargs.pop("inputs")
    if "reuse" in kwargs:
        kwargs["_reuse"] = kwargs.pop("reuse")
        kwargs["_scope"] = kwargs["name"]
    call_kwargs = {}
    if "training" in kwargs:
        call_kwargs["training"] = kwargs.pop("training")
    return layer_class(**kwargs).apply(inputs, **call_kwargs)


class KernelLayer(Layer):
    """A layer with a kernel, an optional bias and an activation.

    Subclasses create their kernels with `add_kernel` and the bias with
    `add_bias`, and finish their outputs with `finish`.
    """

    def __init__(
        self,
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
            trainable=trainable,
            name=name,
            activity_regularizer=as_optional_callable(
                activity_regularizer, "activity_regularizer"
            ),
            **kwargs,
        )
        self.activation = as_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = as_optional_initializer(
            kernel_initializer, "kernel_initializer"
        )
        self.bias_initializer = as_optional_initializer(
            bias_initializer, "bias_initializer"
        )
        self.kernel_regularizer = as_optional_callable(
            kernel_regularizer, "kernel_regularizer"
        )
        self.bias_regularizer = as_optional_callable(
            bias_regularizer, "bias_regularizer"
        )
        self.kernel_constraint = as_optional_callable(
            kernel_constraint, "kernel_constraint"
        )
        self.bias_constraint = as_optional_callable(bias_constraint, "bias_constraint")
        self.bias = None

    def add_kernel(self, name, shape, prefix="kernel"):
        """A kernel variable; `prefix` picks the `<prefix>_initializer`, ...
        attributes (`depthwise`, `pointwise` for separable convolutions)."""
        return self.add_weight(
            name,
            shape=shape,
            initializer=getattr(self, prefix + "_initializer"),
            regularizer=getattr(self, prefix + "_regularizer"),
            constraint=getattr(self, prefix + "_constraint"),
            trainable=True,
        )

    def add_bias(self, size):
        """The bias variable `[size]`, when `use_bias`."""
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[size],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
            )

    def finish(self, outputs, tf_data_format=None):
        """Adds the bias (along the channels of `tf_data_format`) and applies
        the activation."""
        return self.activate(self.add_bias_to(outputs, tf_data_format))

    def add_bias_to(self, outputs, tf_data_format=None):
        if self.bias is None:
            return outputs
        return tf.nn.bias_add(outputs, self.bias, data_format=tf_data_format)

    def activate(self, outputs):
        return outputs if self.activation is None else self.activation(outputs)

    def get_config(self):
        """The constructor arguments (the objects themselves, as given)."""
        return dict(
            super().get_config(),
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
        )
