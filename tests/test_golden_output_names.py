"""Every layer's output tensor has TF1's name (the golden `output_name`).

Frozen graphs, exported output node names and `get_tensor_by_name` depend on
these names: `BatchNorm/FusedBatchNormV3:0`, `LayerNorm/batchnorm/add_1:0`,
`InstanceNorm/instancenorm/add_1:0`, `GroupNorm/Reshape_2:0`, ...
"""

import json
import pathlib

import pytest
import tensorflow as tf

import contrib_norm
import golden_harness

CASES = json.loads((pathlib.Path(__file__).resolve().parent / "fixtures" /
                    "golden" / "cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_output_name_is_tf1s(case):
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.as_dtype(case.get("dtype", "float32")),
                                     case["shape"], name="x")
        kwargs = golden_harness.decode_kwargs(case, {})
        y = getattr(contrib_norm.layers, case["api"])(x, **kwargs)
    assert y.name == case["expect"]["output_name"]
