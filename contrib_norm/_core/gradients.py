"""`custom_gradient`: tf.custom_gradient without its variable scan in graph mode.

In graph mode, `tf.custom_gradient` lists the current variable scope's global
and local variables before and after calling the function (to find the
variables it reads), scanning those collections twice per call: building N
layers that each call it costs O(N^2). The functions decorated here read no
variables, so in a plain graph (`tf.compat.v1` graph mode) the gradient is
attached the way `tf.custom_gradient` itself attaches it there, without the
scan: the results go through an `IdentityN` op whose registered gradient is
the given one. Eagerly and inside a `tf.function` or `tf.cond` branch graph,
`tf.custom_gradient` is used as it is.

A `tf.GradientTape` in graph mode differentiates the forward ops instead of
calling the given gradient (it does not see gradient overrides); the
functions here give their exact gradient in closed form, so the result is
the same, only computed with more ops.
"""

import itertools

import tensorflow as tf

_UIDS = itertools.count()


def custom_gradient(f):
    """Decorates `f(*tensors) -> (results, grad_fn)` as `tf.custom_gradient` does.

    Args:
      f: a function of tensors only, reading no variables, returning its
        results (a tensor or a nested structure of tensors) and
        `grad_fn(*result_gradients)`, which returns the gradients of the
        inputs (a tensor or a list of them, one per input).

    Returns:
      The decorated function.
    """
    with_tf_custom_gradient = tf.custom_gradient(f)

    def decorated(*args):
        if tf.executing_eagerly() or tf.inside_function():
            return with_tf_custom_gradient(*args)
        args = [tf.convert_to_tensor(arg) for arg in args]
        results, grad_fn = f(*args)
        flat_results = tf.nest.flatten(results)
        count = len(flat_results)
        name = f"ContribNormCustomGradient_{next(_UIDS)}"

        @tf.RegisterGradient(name)
        def _gradient(unused_op, *gradients):
            input_gradients = grad_fn(*gradients[:count])
            if not isinstance(input_gradients, (list, tuple)):
                input_gradients = [input_gradients]
            # The results get no gradient of their own: it all goes to the
            # inputs, through `grad_fn`.
            return [None] * count + list(input_gradients)

        graph = tf.compat.v1.get_default_graph()
        with graph.gradient_override_map({"IdentityN": name}):
            outputs = tf.identity_n(flat_results + args)
        return tf.nest.pack_sequence_as(results, outputs[:count])

    return decorated
