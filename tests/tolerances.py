"""The tests' one tolerance table: (rtol, atol) per comparison and dtype.

Each row says what is compared; a row differs from another only where the
comparison does (why is written beside it). Helpers read their row with
`row(...)` as {dtype: dict(rtol=..., atol=...)}, for `assert_allclose`.
"""

TABLE = {
    # A layer against the float64 NumPy reference formulas.
    "reference": {
        "float64": (1e-9, 1e-9),
        "float32": (1e-4, 1e-4),
        "float16": (1e-2, 1e-2),
        "bfloat16": (5e-2, 5e-2),
    },
    # batch norm against its float64 reference over several steps: TF
    # casts 1 - decay from a float32 constant (as TF1 did), and half-precision
    # moving statistics round at every step.
    "batch_norm_reference": {
        "float64": (1e-7, 1e-7),
        "float32": (1e-4, 1e-4),
        "float16": (1e-2, 2e-2),
        "bfloat16": (5e-2, 8e-2),
    },
    # The values TensorFlow 1.x recorded (golden cases); same kernels.
    "golden": {"float32": (1e-5, 1e-5), "float16": (1e-2, 1e-2)},
    # Their gradients: TF1 summed them in another order.
    "golden_gradient": {"float32": (1e-4, 1e-4), "float16": (1e-2, 1e-2)},
    # Distributed against single-device runs: the replicas reduce in another
    # order (and the global moments in float64).
    "distributed": {
        "float64": (1e-9, 1e-9),
        "float32": (1e-4, 1e-5),
        "float16": (1e-2, 1e-2),
    },
    # float64 gradients against central differences of the float64 loss.
    "numerical_gradient": {"float64": (1e-6, 1e-6)},
    # The same, over random (hypothesis) examples, which meet flatter spots.
    "property_gradient": {"float64": (1e-5, 1e-6)},
    # One computation in two layouts (NHWC / NCHW, grouped / not), float64.
    "layout": {"float64": (1e-10, 1e-10)},
}


def row(comparison):
    """{dtype: dict(rtol=..., atol=...)} for `comparison`, a key of TABLE."""
    return {
        dtype: dict(rtol=rtol, atol=atol)
        for dtype, (rtol, atol) in TABLE[comparison].items()
    }


def of(comparison, dtype="float64"):
    """dict(rtol=..., atol=...) for `comparison` and `dtype`."""
    return row(comparison)[dtype]
