"""Float64 NumPy references for the batch-norm tests.

`BatchNormReference` replays, step by step, what a batch norm does to its
moving statistics in training (optionally Bessel-corrected, zero-debiased,
renormalized or in ghost batches) and what it outputs, in training and in
inference. Shared by test_batch_norm.py and test_batch_normalization.py.
"""

import numpy as np
import tensorflow as tf

import tolerances

EPSILON = 1e-3
# (rtol, atol) of a result against the float64 reference, per input dtype.
TOLERANCES = tolerances.row("batch_norm_reference")


def fast_session_config():
    """A session config without Grappler's graph rewrites.

    For the tests that build one large graph of many small layers and run it
    a few times: the rewrites cost more than the runs, and do not change the
    kernels' numerics.
    """
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    return config


def assert_close(actual, expected, dtype, err_msg=""):
    np.testing.assert_allclose(
        np.asarray(actual, np.float64),
        np.asarray(expected, np.float64),
        err_msg=err_msg,
        **TOLERANCES[dtype],
    )


def random_batches(shape, steps, seed=0):
    """`steps` inputs with a per-feature offset and scale (float64)."""
    rng = np.random.RandomState(seed)
    offsets = rng.uniform(-2.0, 2.0, size=shape[-1])
    scales = rng.uniform(0.5, 2.0, size=shape[-1])
    return [rng.normal(size=shape) * scales + offsets for _ in range(steps)]


def rounded(x, dtype):
    """`x` as the graph sees it once fed as `dtype` (as float64)."""
    return np.asarray(x, tf.as_dtype(dtype).as_numpy_dtype).astype(np.float64)


class BatchNormReference(object):
    """A batch norm's state and outputs, in float64.

    Args:
      kept_axes: the feature axes (non-negative), whose statistics are kept.
      param_shape: the shape of gamma, beta and the moving statistics, as
        broadcast against the input (size 1 in the reduced axes).
      momentum: decay of the moving averages.
      gamma, beta: float64 arrays of `param_shape` (or None).
      moving_mean, moving_variance: initial values.
      bessel: Bessel-correct the variance that updates the moving variance
        (the fused kernel's behaviour).
      zero_debias: zero-debias the moving mean.
      renorm: dict with `momentum`, and optional `rmin`, `rmax`, `dmax`.
      virtual_batch_size: ghost batches of this size.
    """

    def __init__(
        self,
        kept_axes,
        param_shape,
        momentum,
        gamma=None,
        beta=None,
        moving_mean=0.0,
        moving_variance=1.0,
        epsilon=EPSILON,
        bessel=False,
        zero_debias=False,
        renorm=None,
        virtual_batch_size=None,
    ):
        self.kept_axes = tuple(kept_axes)
        self.momentum = momentum
        self.epsilon = epsilon
        self.gamma = 1.0 if gamma is None else gamma
        self.beta = 0.0 if beta is None else beta
        self.moving_mean = np.broadcast_to(moving_mean, param_shape).astype(np.float64)
        self.moving_variance = np.broadcast_to(moving_variance, param_shape).astype(
            np.float64
        )
        self.bessel = bessel
        self.zero_debias = zero_debias
        self.biased = np.zeros(param_shape)
        self.step = 0
        self.renorm = renorm
        self.virtual_batch_size = virtual_batch_size
        if renorm is not None:
            self.moving_stddev = np.sqrt(self.moving_variance)
            self.renorm_mean = self.moving_mean.copy()
            self.renorm_stddev = np.sqrt(self.moving_variance)

    def _kept_shape(self, shape):
        """`shape` with size 1 in every axis but the kept ones."""
        return tuple(n if a in self.kept_axes else 1 for a, n in enumerate(shape))

    @staticmethod
    def shaped(t, shape):
        """`t` (a scalar or a parameter) reshaped to `shape`."""
        t = np.asarray(t, np.float64)
        return t if t.ndim == 0 else t.reshape(shape)

    def train(self, x):
        """The training output for `x`; updates the moving statistics."""
        x = np.asarray(x, np.float64)
        vbs = self.virtual_batch_size
        kept = self._kept_shape(x.shape)
        if vbs is not None:
            # [N, ...] -> [vbs, N / vbs, ...]: ghost batch j holds the samples
            # i with i % (N / vbs) == j; statistics per ghost batch.
            expanded = x.reshape((vbs, x.shape[0] // vbs) + x.shape[1:])
            axes = tuple(
                a for a in range(x.ndim + 1)
                if a != 1 and a - 1 not in self.kept_axes
            )
            param_shape = (1, 1) + kept[1:]
        else:
            expanded = x
            axes = tuple(a for a in range(x.ndim) if a not in self.kept_axes)
            param_shape = kept
        mean = expanded.mean(axes, keepdims=True)
        variance = expanded.var(axes, keepdims=True)
        if vbs is not None:
            new_mean = mean.mean(1, keepdims=True)
            new_variance = variance.mean(1, keepdims=True)
        else:
            new_mean, new_variance = mean, variance
        new_mean = new_mean.reshape(self.moving_mean.shape)
        new_variance = new_variance.reshape(self.moving_variance.shape)
        scale = self.shaped(self.gamma, param_shape)
        offset = self.shaped(self.beta, param_shape)
        if self.renorm is not None:
            r, d = self._renorm_step(new_mean, new_variance)
            r, d = self.shaped(r, param_shape), self.shaped(d, param_shape)
            scale, offset = r * scale, d * scale + offset
        else:
            self.update(new_mean, new_variance, expanded.size // mean.size)
        y = (expanded - mean) / np.sqrt(variance + self.epsilon) * scale + offset
        return y.reshape(x.shape)

    def update(self, mean, variance, count=None):
        """Moves the statistics towards a batch's (`count` values each)."""
        decay = self.momentum
        if self.bessel:
            variance = variance * count / max(count - 1, 1)
        self.step += 1
        if self.zero_debias:
            self.biased = self.biased * decay + (1 - decay) * mean
            self.moving_mean = self.biased / (1 - decay**self.step)
        else:
            self.moving_mean = self.moving_mean * decay + (1 - decay) * mean
        self.moving_variance = self.moving_variance * decay + (1 - decay) * variance

    def _renorm_step(self, mean, variance):
        """Batch renormalization's (r, d); updates all the statistics."""
        renorm = self.renorm
        stddev = np.sqrt(variance + self.epsilon)
        renorm_stddev = np.maximum(self.renorm_stddev, np.sqrt(self.epsilon))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean) / renorm_stddev
        r = np.clip(r, renorm.get("rmin", 0.0), renorm.get("rmax", np.inf))
        dmax = renorm.get("dmax", np.inf)
        d = np.clip(d, -dmax, dmax)
        rm = renorm["momentum"]
        self.renorm_mean = self.renorm_mean * rm + (1 - rm) * mean
        self.renorm_stddev = self.renorm_stddev * rm + (1 - rm) * stddev
        m = self.momentum
        self.moving_mean = self.moving_mean * m + (1 - m) * mean
        self.moving_stddev = self.moving_stddev * m + (1 - m) * stddev
        self.moving_variance = np.maximum(self.moving_stddev**2 - self.epsilon, 0.0)
        return r, d

    def infer(self, x):
        """The inference output for `x`, from the moving statistics."""
        x = np.asarray(x, np.float64)
        kept = self._kept_shape(x.shape)
        mean, variance, gamma, beta = (
            self.shaped(t, kept)
            for t in (self.moving_mean, self.moving_variance, self.gamma, self.beta)
        )
        return (x - mean) / np.sqrt(variance + self.epsilon) * gamma + beta
