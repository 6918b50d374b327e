"""What is compared: the layers (contrib_norm and anchors) and the case table.

Every layer is a function of the input tensor, registered by name in
`BUILDERS` (the memory child process rebuilds a layer from its name). A
`Comparison` pairs a contrib_norm layer with its anchor, gives the target
for their time ratio and says on which inputs and in which mode (a training
step, or a forward pass only) it is measured.
"""

import dataclasses
from typing import Optional, Tuple

from benchmarks import anchors
import contrib_norm.layers as layers

# The inputs, in NHWC (NCHW cases permute them).
SHAPES = {
    "main": (32, 56, 56, 64),
    "small": (8, 14, 14, 32),
    "rank2": (256, 1024),
}
ALL_SHAPES = ("main", "small", "rank2")
SPATIAL_SHAPES = ("main", "small")
GROUPS = 32

# A fused kernel's training step and forward pass are `TRAIN` and `FORWARD`.
TRAIN = "train"
FORWARD = "forward"


def _group_norm(x):
    # A rank-2 [N, C] input has no spatial axes: groups of channels only.
    reduction_axes = () if x.shape.rank == 2 else (-3, -2)
    return layers.group_norm(x, groups=GROUPS, reduction_axes=reduction_axes)


def _keras_layer_norm_all_axes(x):
    return anchors.keras_layer_norm(x, axis=list(range(1, x.shape.rank)))


OURS = {
    "batch_norm(fused=True, scale=True)": lambda x: layers.batch_norm(
        x, fused=True, scale=True
    ),
    "batch_norm()": lambda x: layers.batch_norm(x),
    "batch_norm(is_training=False)": lambda x: layers.batch_norm(
        x, is_training=False
    ),
    "batch_norm(data_format=NCHW)": lambda x: layers.batch_norm(
        x, data_format="NCHW"
    ),
    "batch_normalization(training=True)": lambda x: layers.batch_normalization(
        x, training=True
    ),
    "batch_norm(batch_weights=w)": lambda x: layers.batch_norm(
        x, batch_weights=anchors.batch_weights_for(x)
    ),
    "batch_norm(renorm=True)": lambda x: layers.batch_norm(x, renorm=True),
    "group_norm(groups=32)": _group_norm,
    "instance_norm()": lambda x: layers.instance_norm(x),
    "layer_norm()": lambda x: layers.layer_norm(x),
    "layer_norm(begin_norm_axis=-1)": lambda x: layers.layer_norm(
        x, begin_norm_axis=-1
    ),
    "switchable_norm()": lambda x: layers.switchable_norm(x),
}

ANCHORS = {
    "raw fused + 2 assigns (scale)": lambda x: anchors.fused_training(x),
    "raw fused + 2 assigns": lambda x: anchors.fused_training(x, scale=False),
    "raw fused + 2 assigns (momentum 0.99)": lambda x: anchors.fused_training(
        x, decay=0.99
    ),
    "raw fused NCHW + 2 assigns": lambda x: anchors.fused_training(
        x, data_format="NCHW", scale=False
    ),
    "raw fused inference": lambda x: anchors.fused_inference(x),
    "tf.nn.weighted_moments math": lambda x: anchors.weighted_moments_batch_norm(x),
    "tf.nn.moments renorm math": lambda x: anchors.renorm_batch_norm(x),
    "keras GroupNormalization(32)": lambda x: anchors.keras_group_norm(x, GROUPS),
    "keras GroupNormalization(C)": lambda x: anchors.keras_group_norm(
        x, int(x.shape[-1])
    ),
    "keras LayerNormalization(axis=-1)": lambda x: anchors.keras_layer_norm(x),
    "keras LayerNormalization(axis=1..)": _keras_layer_norm_all_axes,
    "three tf.nn.moments switchable": anchors.three_moments_switchable_norm,
}

# The floor: `x * gamma + beta` alone (see `anchors.affine_floor`), timed
# alongside the comparisons whose target asks for less than the anchor's time.
FLOOR = "floor: x * gamma + beta"

# The A/A row: the fused anchor against a second, identical graph of its own.
# Its ratio is the noise floor of the measurement at the time of the run.
SAME_AS_ANCHOR = "raw fused + 2 assigns (scale), second graph"
ANCHORS[SAME_AS_ANCHOR] = ANCHORS["raw fused + 2 assigns (scale)"]

BUILDERS = {**OURS, **ANCHORS, FLOOR: anchors.affine_floor}


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A contrib_norm layer against its anchor.

    Attributes:
      ours: the contrib_norm layer (a key of `OURS`; the A/A row compares an
        anchor with itself).
      anchor: the anchor (a key of `ANCHORS`).
      target: the largest acceptable median time ratio, or None (reported
        for information).
      shapes: the keys of `SHAPES` it is measured on.
      mode: `TRAIN` (forward, backward and the moving-statistics updates)
        or `FORWARD` (the output only).
      data_format: 'NHWC', or 'NCHW' (the input is permuted).
      floor: whether `FLOOR` is timed in the same rounds, giving (in
        practice) the best ratio to the anchor a formulation could reach.
    """

    ours: str
    anchor: str
    target: Optional[float]
    shapes: Tuple[str, ...] = ALL_SHAPES
    mode: str = TRAIN
    data_format: str = "NHWC"
    floor: bool = False


COMPARISONS = (
    Comparison("raw fused + 2 assigns (scale)", SAME_AS_ANCHOR, None),
    Comparison(
        "batch_norm(fused=True, scale=True)", "raw fused + 2 assigns (scale)", 1.05
    ),
    Comparison("batch_norm()", "raw fused + 2 assigns", 1.05),
    Comparison(
        "batch_norm(is_training=False)", "raw fused inference", 1.05, mode=FORWARD
    ),
    Comparison("batch_norm(is_training=False)", "raw fused inference", 1.05),
    Comparison(
        "batch_norm(data_format=NCHW)",
        "raw fused NCHW + 2 assigns",
        1.05,
        shapes=SPATIAL_SHAPES,
        data_format="NCHW",
    ),
    Comparison(
        "batch_normalization(training=True)",
        "raw fused + 2 assigns (momentum 0.99)",
        1.05,
    ),
    Comparison("batch_norm(batch_weights=w)", "tf.nn.weighted_moments math", 1.0),
    Comparison("batch_norm(batch_weights=w)", "raw fused + 2 assigns", None),
    Comparison("batch_norm(renorm=True)", "tf.nn.moments renorm math", 1.0),
    Comparison("batch_norm(renorm=True)", "raw fused + 2 assigns", None),
    Comparison(
        "group_norm(groups=32)", "keras GroupNormalization(32)", 0.5, floor=True
    ),
    Comparison("group_norm(groups=32)", "raw fused + 2 assigns (scale)", 2.0),
    Comparison("layer_norm()", "keras LayerNormalization(axis=1..)", 1.0),
    Comparison(
        "layer_norm(begin_norm_axis=-1)",
        "keras LayerNormalization(axis=-1)",
        1.0,
        shapes=SPATIAL_SHAPES,
    ),
    Comparison(
        "instance_norm()", "keras GroupNormalization(C)", 1.0, shapes=SPATIAL_SHAPES
    ),
    Comparison(
        "switchable_norm()",
        "three tf.nn.moments switchable",
        0.5,
        shapes=SPATIAL_SHAPES,
        floor=True,
    ),
    Comparison(
        "instance_norm()", "raw fused + 2 assigns (scale)", None, shapes=SPATIAL_SHAPES
    ),
    Comparison("layer_norm()", "raw fused + 2 assigns (scale)", None),
    Comparison(
        "switchable_norm()",
        "raw fused + 2 assigns (scale)",
        None,
        shapes=SPATIAL_SHAPES,
    ),
)


def input_shape(shape_key, data_format="NHWC"):
    """The input shape for `shape_key`, permuted to NCHW if asked."""
    shape = SHAPES[shape_key]
    if data_format == "NCHW" and len(shape) == 4:
        return (shape[0], shape[3], shape[1], shape[2])
    return shape
