"""tf.contrib.layers' weight regularizers: l1_regularizer, l2_regularizer,
l1_l2_regularizer, sum_regularizer and apply_regularization, as TensorFlow
1.x had them (decorated with `add_arg_scope`, as every public function of
contrib_norm.layers is)."""

import numbers

import tensorflow as tf

from contrib_norm.framework.arg_scope import add_arg_scope

_GraphKeys = tf.compat.v1.GraphKeys


def _check_scale(scale, arg_name):
    """TF1's checks of a scale: a float (or tensor), not an int, not < 0.

    Returns:
      True when the scale is the number 0 (the regularizer is disabled).
    """
    if isinstance(scale, numbers.Integral):
        raise ValueError(
            f"{arg_name} cannot be an integer: {scale}. Received: "
            f"{arg_name}={scale!r} (use a float, e.g. {float(scale)!r})"
        )
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(
                "Setting a scale less than 0 on a regularizer: %g. "
                "Received: %s=%r" % (scale, arg_name, scale)
            )
        return scale == 0.0
    return False


def _scaled(scale, scope, default_name, penalty):
    """A regularizer `weights -> scale * penalty(weights)` (None for scale 0)."""
    if _check_scale(scale, "scale"):
        return lambda _: None

    def regularizer(weights):
        with tf.compat.v1.name_scope(scope, default_name, [weights]) as name:
            factor = tf.convert_to_tensor(
                scale, dtype=weights.dtype.base_dtype, name="scale"
            )
            return tf.multiply(factor, penalty(weights), name=name)

    return regularizer


@add_arg_scope
def l1_regularizer(scale, scope=None):
    """Returns `weights -> scale * sum(|weights|)`; L1 favours sparsity.

    Args:
      scale: a float or scalar tensor; 0.0 disables the regularizer (it then
        returns None).
      scope: an optional name scope (default 'l1_regularizer').

    Raises:
      ValueError: if `scale` is an int or negative.
    """
    return _scaled(
        scale, scope, "l1_regularizer", lambda w: tf.reduce_sum(tf.abs(w))
    )


@add_arg_scope
def l2_regularizer(scale, scope=None):
    """Returns `weights -> scale * sum(weights ** 2) / 2` (`tf.nn.l2_loss`).

    Args:
      scale: a float or scalar tensor; 0.0 disables the regularizer (it then
        returns None).
      scope: an optional name scope (default 'l2_regularizer').

    Raises:
      ValueError: if `scale` is an int or negative.
    """
    return _scaled(scale, scope, "l2_regularizer", tf.nn.l2_loss)


@add_arg_scope
def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """Returns the sum of `l1_regularizer(scale_l1)` and
    `l2_regularizer(scale_l2)` (just one of them when the other scale is 0).

    Args:
      scale_l1: the L1 scale, a float or scalar tensor.
      scale_l2: the L2 scale, a float or scalar tensor.
      scope: an optional name scope (default 'l1_l2_regularizer').

    Raises:
      ValueError: if a scale is an int or negative.
    """
    for arg_name, scale in (("scale_l1", scale_l1), ("scale_l2", scale_l2)):
        if isinstance(scale, numbers.Integral):
            _check_scale(scale, arg_name)
    scope = scope or "l1_l2_regularizer"
    if isinstance(scale_l1, numbers.Real) and scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if isinstance(scale_l2, numbers.Real) and scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer(
        [l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope
    )


@add_arg_scope
def sum_regularizer(regularizer_list, scope=None):
    """Returns the regularizer summing those of `regularizer_list` (None
    entries, and None results, left out); None for an empty list.

    Args:
      regularizer_list: a list of regularizers (or None).
      scope: an optional name scope (default 'sum_regularizer').
    """
    regularizers = [r for r in regularizer_list if r is not None]
    if not regularizers:
        return None

    def sum_reg(weights):
        with tf.compat.v1.name_scope(scope, "sum_regularizer", [weights]) as name:
            penalties = [r(weights) for r in regularizers]
            penalties = [p for p in penalties if p is not None]
            return tf.add_n(penalties, name=name) if penalties else None

    return sum_reg


@add_arg_scope
def apply_regularization(regularizer, weights_list=None):
    """Sums `regularizer` over `weights_list` and adds the sum to
    REGULARIZATION_LOSSES.

    Args:
      regularizer: a function from a tensor to a scalar tensor (or None).
      weights_list: the weights; by default the WEIGHTS collection.

    Returns:
      The summed penalty, a scalar tensor.

    Raises:
      ValueError: if there are no weights, or a penalty is not a scalar.
    """
    if not weights_list:
        weights_list = tf.compat.v1.get_collection(_GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError(
            "No weights to regularize: weights_list is empty and so is the "
            "WEIGHTS collection."
        )
    with tf.compat.v1.name_scope(
        "get_regularization_penalty", values=weights_list
    ) as scope:
        penalties = []
        for weights in weights_list:
            penalty = regularizer(weights)
            penalty = tf.constant(0.0) if penalty is None else penalty
            if penalty.shape.rank != 0:
                raise ValueError(
                    "regularizer must return a scalar Tensor instead of a "
                    "Tensor with rank %s. Received: a penalty of shape %s for "
                    "%s" % (penalty.shape.rank, penalty.shape, weights.name)
                )
            penalties.append(penalty)
        summed = tf.add_n(penalties, name=scope)
    tf.compat.v1.add_to_collection(_GraphKeys.REGULARIZATION_LOSSES, summed)
    return summed
