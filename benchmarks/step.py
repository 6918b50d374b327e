"""One side of a comparison: a graph, its session and the step to run.

A training step is forward, backward (the gradients with respect to the
input and every trainable variable, from an upstream gradient `dy`) and the
moving-statistics updates in UPDATE_OPS; a forward step is the output only.
The input and `dy` are non-trainable variables initialized in the session,
so nothing large is fed or embedded in the graph.

What is fetched is one element of each result (each gradient, or the
output), with the updates as control dependencies: this forces every result
to be computed in full while transferring nothing. (A `tf.group` of the
results would not do: Grappler prunes stateless ops that only feed a
control edge, and the step would run nothing.)
"""

import collections

import numpy as np
import tensorflow as tf

from benchmarks import cases

v1 = tf.compat.v1

# Constants and the variables' creation and initialization are not counted.
_NOT_COUNTED = frozenset(
    ["Const", "NoOp", "VarHandleOp", "VarIsInitializedOp", "AssignVariableOp"]
)

Step = collections.namedtuple("Step", ["session", "fetch", "profile"])


def _op(update):
    """The op of an update (a tensor, an op or an unread resource variable)."""
    return update if isinstance(update, tf.Operation) else update.op


def _random_variable(name, shape, dtype, seed):
    """A non-trainable variable of standard normal values (seeded)."""
    return v1.get_variable(
        name,
        shape,
        dtype,
        initializer=v1.random_normal_initializer(seed=seed),
        trainable=False,
    )


def _first_element(t):
    return tf.cast(tf.reshape(t, [-1])[0], tf.float32)


def build(builder_key, shape, mode=cases.TRAIN, dtype=tf.float32, device=None):
    """Builds the step of `BUILDERS[builder_key]` on an input of `shape`.

    Args:
      builder_key: a key of `cases.BUILDERS`.
      shape: the input shape.
      mode: `cases.TRAIN` or `cases.FORWARD`.
      dtype: the input dtype.
      device: optional device to build on, e.g. '/GPU:0'.

    Returns:
      A `Step`: an open session (close it), the fetch, and the graph-level
      `profile` of the layer's own ops (see `profile`).
    """
    graph = tf.Graph()
    with graph.as_default(), graph.device(device):
        x_var = _random_variable("bench_x", shape, dtype, seed=1)
        dy_var = _random_variable("bench_dy", shape, dtype, seed=2)
        x = tf.identity(x_var)
        first = len(graph.get_operations())
        with v1.variable_scope("case"):
            y = cases.BUILDERS[builder_key](x)
        if mode == cases.TRAIN:
            sources = [x] + v1.trainable_variables()
            results = tf.gradients(y, sources, grad_ys=tf.identity(dy_var))
            results = [r for r in results if r is not None]
        else:
            results = [y]
        layer_ops = graph.get_operations()[first:]
        updates = [_op(u) for u in v1.get_collection(v1.GraphKeys.UPDATE_OPS)]
        with tf.control_dependencies(updates):
            fetch = tf.stack([_first_element(r) for r in results])
        init = v1.global_variables_initializer()
    config = v1.ConfigProto(allow_soft_placement=True)
    session = v1.Session(graph=graph, config=config)
    session.run(init)
    needed = _fan_in(fetch.op)
    layer_ops = [op for op in layer_ops if op in needed]
    return Step(session, fetch, profile(layer_ops, int(np.prod(shape))))


def _fan_in(op):
    """The ops `op` depends on (data and control inputs), itself included."""
    seen, stack = {op}, [op]
    while stack:
        current = stack.pop()
        for parent in [t.op for t in current.inputs] + list(current.control_inputs):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def profile(ops, input_size):
    """Graph-level counts of the layer's forward and backward ops.

    Args:
      ops: the ops the layer and its gradients added that the step runs.
      input_size: the number of elements of the input.

    Returns:
      A dict: `ops` (count, constants excluded), `transposes`, `full_size`
      (ops with a floating-point output as large as the input: the full-size
      tensors the step materializes, before Grappler's rewrites).
    """
    counted = [
        op
        for op in ops
        if op.type not in _NOT_COUNTED and "/Initializer/" not in op.name + "/"
    ]
    full_size = 0
    for op in counted:
        for out in op.outputs:
            if (
                out.dtype.is_floating
                and out.shape.is_fully_defined()
                and out.shape.num_elements() == input_size
            ):
                full_size += 1
                break
    return {
        "ops": len(counted),
        "transposes": sum(
            op.type in ("Transpose", "ConjugateTranspose") for op in counted
        ),
        "full_size": full_size,
    }


def optimized_profile(step):
    """Node counts of the graph as run, after Grappler (one traced run)."""
    options = v1.RunOptions(output_partition_graphs=True)
    metadata = v1.RunMetadata()
    step.session.run(step.fetch, options=options, run_metadata=metadata)
    nodes = [n.op for g in metadata.partition_graphs for n in g.node]
    return {
        "run_nodes": sum(
            op not in ("Const", "NoOp", "_Retval", "_Arg") for op in nodes
        ),
        "run_transposes": sum(op == "Transpose" for op in nodes),
    }
