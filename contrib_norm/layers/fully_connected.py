"""tf.contrib.layers.fully_connected and its activation variants (linear,
relu, relu6, elu), as TensorFlow 1.x had them."""

import functools

import tensorflow as tf

from contrib_norm import initializers
from contrib_norm._core import host
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import variables as variables_lib
from contrib_norm.framework.arg_scope import add_arg_scope


@add_arg_scope
def fully_connected(
    inputs,
    num_outputs,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=tf.compat.v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Adds a fully connected layer, then a normalizer or biases, then an
    activation.

    The model variable `weights` (`[in_units, num_outputs]`, `in_units` the
    last dimension of `inputs`) multiplies the last dimension of `inputs`;
    inputs of rank above 2 keep their leading dimensions (a tensordot over
    the last axis, as TF1's Keras-based Dense did). If `normalizer_fn` is
    given it is applied instead of adding `biases` (`[num_outputs]`, none
    when `biases_initializer` is None); then `activation_fn` unless None.

    Args:
      inputs: a tensor of rank 2 or more with a known last dimension.
      num_outputs: the number of output units, a Python int.
      activation_fn: the activation (default ReLU); None for a linear layer.
      normalizer_fn: a normalization function to use instead of biases.
      normalizer_params: the keyword arguments of `normalizer_fn`.
      weights_initializer: the weights' initializer (default Glorot uniform).
      weights_regularizer: an optional regularizer of the weights.
      biases_initializer: the biases' initializer; None for no biases.
      biases_regularizer: an optional regularizer of the biases.
      reuse: whether to reuse the variables; needs `scope`.
      variables_collections: a list of collections for all variables, or a
        dict from 'weights' / 'biases' to lists.
      outputs_collections: collections to add the output to (aliased by the
        scope name).
      trainable: if True, add the variables to TRAINABLE_VARIABLES.
      scope: optional variable scope (default 'fully_connected').

    Returns:
      The output tensor, `inputs.shape[:-1] + [num_outputs]`.

    Raises:
      ValueError: if `num_outputs` is not an int, or `inputs` has an unknown
        rank, a rank below 2 or an undefined last dimension.
    """
    arguments = dict(locals())
    if not isinstance(num_outputs, int):
        raise ValueError(
            "num_outputs type should be one of %s, got %s. Received: "
            "num_outputs=%r" % ([int], type(num_outputs), num_outputs)
        )
    host.check_collections(variables_collections)
    with tf.compat.v1.variable_scope(
        scope, "fully_connected", [inputs], reuse=reuse
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        in_units = host.channels(inputs, -1, "fully_connected", 2)
        weights = host.weights_variable(
            "weights",
            (in_units, num_outputs),
            inputs.dtype.base_dtype,
            weights_initializer,
            weights_regularizer,
            variables_collections,
            trainable,
            layer_name="kernel",
        )
        rank = inputs_lib.known_rank(inputs)
        if rank == 2:
            outputs = tf.matmul(inputs, weights)
        else:
            outputs = tf.tensordot(inputs, weights, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape[:-1].concatenate([num_outputs]))
        outputs = host.finish(outputs, **arguments)
    return variables_lib.collect_named_outputs(outputs_collections, sc.name, outputs)


linear = functools.partial(fully_connected, activation_fn=None)
relu = functools.partial(fully_connected, activation_fn=tf.nn.relu)
relu6 = functools.partial(fully_connected, activation_fn=tf.nn.relu6)
elu = functools.partial(fully_connected, activation_fn=tf.nn.elu)
