"""Reliability, numerics: no code path silently computes garbage.

Every variant of `reliability_cases.VARIANTS` (each implementation of each
public function, in training and, with moving statistics, inference):

* large offsets: unit-variance float32 inputs around 1e4 give, per normalized
  slice, output means and standard deviations within 1e-2 of the float64
  reference's (0 and 1 for a plain normalization);
* zero-variance inputs give beta (finite outputs and gradients);
* batch size 1 and 1x1 spatial maps give finite outputs, gradients and
  moving statistics, equal to the reference (training mode);
* float16 and bfloat16 inputs keep their dtype, with float32 statistics (no
  overflow where float16 sums would: 1024 values around 300 per slice) and
  float32 variables where the fused kernel has them (the input dtype where
  TF1 had it: group / instance / layer norm, batch_norm's moments path);
* float64 inputs work, to float64 precision;
* a NaN in the input gives NaN in exactly the outputs that depend on it (the
  reference's NaNs), never masked.

The elementwise ops of `contrib_norm.nn` take the dtype, float64 and NaN
checks; the others are about normalized slices, which they do not have.

The clamps in the code (`tf.maximum`, `tf.nn.relu` on variances) do not mask
NaN: TensorFlow 2.16 - 2.21 propagates it through both on CPU.

Legacy failures here (TF1-era code on TF 2.21, see `reliability_cases`):
`batch_norm`'s moments path normalized float16 inputs in float16 (off by
0.03 - 0.065 around 300: fixed here, statistics and normalization in
float32); `batch_normalization` with float64 inputs and `renorm` or a
float32 `adjustment` raised a TypeError inside TensorFlow (the adjustment's
tensors are now cast); `group_norm(mean_close_to_zero=True)` (E[x^2] - E[x]^2
in float32) gave NaN at an offset of 1e4. The default legacy group_norm and
layer_norm (two-pass `tf.nn.moments`) stay within 2e-3 at 1e4.
"""

import functools

import numpy as np
import pytest

import norm_reference
import reliability_cases as cases

OFFSET = 1e4
OFFSET_BOUND = 1e-2
ZERO_VARIANCE_ATOL = 1e-5
HALF_DTYPES = ("float16", "bfloat16")
DEGENERATE = {"batch_1": (1, (3, 2)), "1x1": (4, (1, 1)), "batch_1_1x1": (1, (1, 1))}

TRAINING_NORMALIZATIONS = cases.variant_modes(cases.NORMALIZATIONS, modes=(True,))
ALL_MODES = cases.variant_modes(cases.VARIANTS)


def _random(shape, offset=0.0, scale=1.0, seed=0):
    return norm_reference.random_inputs(shape, seed=seed, offset=offset, scale=scale)


def _nan_input(shape):
    x = _random(shape, 1.0, 2.0)
    x[(0, 1) + (1,) * (len(shape) - 2)] = np.nan
    return x


def _jobs_large_offset(variant, training):
    shape = cases.shape_for(variant, spatial=(6, 6))
    x = _random(shape, OFFSET)
    return {(): cases.Job(variant, x, training=training, gradient=False)}


def _jobs_zero_variance(variant, training):
    x = np.full(cases.shape_for(variant), 3.0)
    return {(): cases.Job(variant, x, training=training)}


def _jobs_degenerate(variant, training):
    jobs = {}
    for name, (batch, spatial) in DEGENERATE.items():
        kwargs = {}
        if "virtual_batch_size" in variant.kwargs and training:
            kwargs["virtual_batch_size"] = batch  # It must divide the batch.
        shape = cases.shape_for(variant, batch=batch, spatial=spatial)
        jobs[name] = cases.Job(
            variant, _random(shape, 2.0), training=training, kwargs=kwargs
        )
    return jobs


def _jobs_half(variant, training):
    # Around 300, with 1024 values per slice, float16 sums would overflow.
    shape = cases.shape_for(variant, spatial=(16, 16))
    return {
        dtype: cases.Job(
            variant,
            _random(shape, 300.0, 4.0),
            dtype=dtype,
            training=training,
            gradient=False,
        )
        for dtype in HALF_DTYPES
    }


def _jobs_float64(variant, training):
    shape = cases.shape_for(variant)
    return {(): cases.Job(
            variant,
            _random(shape, 1.0, 2.0),
            dtype="float64",
            training=training,
            gradient=False,
        )}


def _jobs_nan(variant, training):
    shape = cases.shape_for(variant)
    x = _nan_input(shape)
    return {(): cases.Job(variant, x, training=training, gradient=False)}


@functools.lru_cache(maxsize=None)
def _results(concern):
    """Every job of a concern, built in one graph and run in one session."""
    make_jobs, params = {
        "large_offset": (_jobs_large_offset, TRAINING_NORMALIZATIONS),
        "zero_variance": (_jobs_zero_variance, TRAINING_NORMALIZATIONS),
        "degenerate": (_jobs_degenerate, TRAINING_NORMALIZATIONS),
        "half": (_jobs_half, ALL_MODES),
        "float64": (_jobs_float64, ALL_MODES),
        "nan": (_jobs_nan, ALL_MODES),
    }[concern]
    jobs = {}
    for param in params:
        variant, training = param.values
        for extra, job in make_jobs(variant, training).items():
            jobs[(variant.id, training, extra)] = job
    return cases.run_all(jobs)


def _result(concern, variant, training, extra=()):
    result = _results(concern)[(variant.id, training, extra)]
    if isinstance(result, Exception):
        raise result
    return result


def _assert_matches(result, expected, dtype, what="outputs"):
    np.testing.assert_allclose(
        result, expected, err_msg=what, equal_nan=True, **cases.TOLERANCES[dtype]
    )


@pytest.mark.parametrize("variant, training", TRAINING_NORMALIZATIONS)
def test_large_offset(variant, training):
    result = _result("large_offset", variant, training)
    expected = variant.reference(result.inputs, cases.NHWC, training, "float32")
    outputs = cases.normalized_slices(variant, result.outputs, cases.NHWC)
    reference = cases.normalized_slices(variant, expected, cases.NHWC)
    mean_error = np.abs(outputs.mean(1) - reference.mean(1)).max()
    std_error = np.abs(outputs.std(1) - reference.std(1)).max()
    assert mean_error < OFFSET_BOUND and std_error < OFFSET_BOUND, (
        mean_error,
        std_error,
    )


@pytest.mark.parametrize("variant, training", TRAINING_NORMALIZATIONS)
def test_zero_variance_gives_beta(variant, training):
    result = _result("zero_variance", variant, training)
    assert np.all(np.isfinite(result.outputs)) and np.all(np.isfinite(result.gradient))
    np.testing.assert_allclose(result.outputs, 0.0, atol=ZERO_VARIANCE_ATOL)


@pytest.mark.parametrize("degenerate", sorted(DEGENERATE))
@pytest.mark.parametrize("variant, training", TRAINING_NORMALIZATIONS)
def test_degenerate_shapes_are_finite(variant, training, degenerate):
    result = _result("degenerate", variant, training, degenerate)
    assert np.all(np.isfinite(result.outputs)), result.outputs
    assert np.all(np.isfinite(result.gradient)), result.gradient
    for name, (_, value) in result.variables.items():
        assert np.all(np.isfinite(value)), (name, value)
    kwargs = _jobs_degenerate(variant, training)[degenerate].kwargs
    expected = variant.reference(result.inputs, cases.NHWC, training, "float32", kwargs)
    _assert_matches(result.outputs, expected, "float32")


@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("variant, training", ALL_MODES)
def test_half_precision(variant, training, dtype):
    result = _result("half", variant, training, dtype)
    assert result.output_dtype == dtype
    expected = variant.reference(
        result.inputs, cases.NHWC, training, dtype, outputs=result.outputs
    )
    _assert_matches(result.outputs, expected, dtype)
    variable_dtypes = {d for d, _ in result.variables.values()}
    if variant.variable_dtype_for_half is None:
        assert not variable_dtypes
    else:
        wanted = {"float32": "float32", "input": dtype}[variant.variable_dtype_for_half]
        assert variable_dtypes == {wanted}


@pytest.mark.parametrize("variant, training", ALL_MODES)
def test_float64(variant, training):
    result = _result("float64", variant, training)
    assert result.output_dtype == "float64"
    expected = variant.reference(
        result.inputs, cases.NHWC, training, "float64", outputs=result.outputs
    )
    _assert_matches(result.outputs, expected, "float64")


@pytest.mark.parametrize("variant, training", ALL_MODES)
def test_nan_propagates(variant, training):
    result = _result("nan", variant, training)
    expected = variant.reference(
        result.inputs, cases.NHWC, training, "float32", outputs=result.outputs
    )
    assert np.isnan(expected).any()
    np.testing.assert_array_equal(np.isnan(result.outputs), np.isnan(expected))
