"""``tf.contrib.slim.utils``: tensor aliases and named-output collections.

Layers tag their outputs with aliases (``outputs_collections``); these
functions read them back, e.g. a network's end points::

    end_points = slim.utils.convert_collection_to_dict("end_points")
"""

import collections

import tensorflow as tf

from contrib_norm._core.variables import append_tensor_alias
from contrib_norm._core.variables import collect_named_outputs

__all__ = [
    "append_tensor_alias",
    "collect_named_outputs",
    "convert_collection_to_dict",
    "gather_tensors_aliases",
    "get_tensor_aliases",
    "last_dimension",
]


def get_tensor_aliases(tensor):
    """The aliases of ``tensor``; without any, its op's name (for an output
    ``:0``) or its own name."""
    if hasattr(tensor, "aliases"):
        return tensor.aliases
    if tensor.name[-2:] == ":0":
        return [tensor.op.name]
    return [tensor.name]


def gather_tensors_aliases(tensors):
    """The aliases of each of ``tensors``, in one list."""
    aliases = []
    for tensor in tensors:
        aliases += get_tensor_aliases(tensor)
    return aliases


def convert_collection_to_dict(collection, clear_collection=False):
    """An ``OrderedDict`` ``{alias: tensor}`` of the tensors of
    ``collection``; with ``clear_collection``, the collection is emptied."""
    output = collections.OrderedDict(
        (alias, tensor)
        for tensor in tf.compat.v1.get_collection(collection)
        for alias in get_tensor_aliases(tensor))
    if clear_collection:
        tf.compat.v1.get_default_graph().clear_collection(collection)
    return output


def last_dimension(shape, min_rank=1):
    """The last dimension of ``shape`` (a ``TensorShape``).

    Raises:
        ValueError: If the rank is unknown or below ``min_rank``, or the last
            dimension is unknown.
    """
    dims = tf.TensorShape(shape).dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError("rank of shape must be at least %d not: %d"
                         % (min_rank, len(dims)))
    value = tf.compat.dimension_value(dims[-1])
    if value is None:
        raise ValueError("dimension %d of shape must be known but is None: %s"
                         % (-1, shape))
    return value
