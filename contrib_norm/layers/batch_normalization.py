"""tf.layers' batch normalization: `batch_normalization` and `BatchNormalization`.

TensorFlow 2.16+ (Keras 3) no longer provides `tf.compat.v1.layers` without
tf-keras and `TF_USE_LEGACY_KERAS=1`. This module is the TF 1.15 `tf.layers`
batch normalization, on public TensorFlow only.
"""

import numbers

import tensorflow as tf

from contrib_norm._core import batch_norm as engine
from contrib_norm._core import inputs as inputs_lib
from contrib_norm._core import legacy_layer
from contrib_norm._core import moments as moments_lib
from contrib_norm._core import moving_averages
from contrib_norm._core import normalize as normalize_lib
from contrib_norm._core import params as params_lib
from contrib_norm._core import training_flag
from contrib_norm._core import variables as variables_lib
from contrib_norm._core.data_format import normalize_axes
from contrib_norm._core.inputs import as_float_tensor
from contrib_norm.framework.arg_scope import add_arg_scope

def _check_virtual_batch_size(virtual_batch_size, adjustment):
    if virtual_batch_size is None:
        return
    if (
        isinstance(virtual_batch_size, bool)
        or not isinstance(virtual_batch_size, numbers.Integral)
        or virtual_batch_size <= 0
    ):
        raise ValueError(
            "`virtual_batch_size` must be a positive integer that divides "
            "the true batch size of the input tensor. Received: "
            f"virtual_batch_size={virtual_batch_size!r}"
        )
    if adjustment is not None:
        raise ValueError(
            "When using `virtual_batch_size`, adjustment cannot be "
            f"specified. Received: virtual_batch_size={virtual_batch_size}, "
            f"adjustment={adjustment!r}"
        )


def _when_training(training, true_fn, false_fn):
    """`true_fn()` in training, `false_fn()` otherwise (a cond if dynamic)."""
    return training_flag.smart_cond(training, true_fn, false_fn, arg_name="training")


class BatchNormalization(legacy_layer.LegacyLayer):
    """Batch Normalization layer (Ioffe & Szegedy, 2015), as `tf.layers` had it.

    "Batch Normalization: Accelerating Deep Network Training by Reducing
    Internal Covariate Shift", https://arxiv.org/abs/1502.03167.

    In training, each feature is normalized with the batch moments, then
    scaled and shifted:

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    and the moving statistics follow `m <- momentum * m + (1 - momentum) * v`.
    At inference the moving statistics replace the batch moments. Calling the
    layer adds its update ops to `tf.compat.v1.GraphKeys.UPDATE_OPS` (none when
    `training` is statically False, or when the layer is not trainable); run
    them with the train op.

    Batch Renormalization (Ioffe, 2017, https://arxiv.org/abs/1702.03275) is
    available with `renorm=True`, and Ghost Batch Normalization (Hoffer et al.,
    2017, https://arxiv.org/abs/1705.08741) with `virtual_batch_size`.

    The fused kernel (`tf.compat.v1.nn.fused_batch_norm`) is used for rank 4
    and 5 inputs with a single channel axis (1 or last) when neither renorm,
    virtual batches nor `adjustment` are asked for, exactly when TF1 did. Its
    moving variance is Bessel-corrected (n / (n - 1)); the unfused path's is
    not. This is the TF1 behaviour, kept for checkpoint compatibility.

    Differences from TF1 (deliberate, only where TF1 failed): float16 and
    bfloat16 inputs work on every path (statistics in float32, output in the
    input dtype, float32 parameters); float64 works with `renorm`, and with
    an `adjustment` whose tensors are float32 (they are cast); a
    `virtual_batch_size` that does not divide a static batch is a ValueError
    at graph-build time instead of a reshape error at run time, and inference
    (`training` False, or a placeholder fed False) accepts any batch size;
    calling a built layer on an input of another rank or feature size is a
    ValueError, and so is a rank-1 input (TF1 returned beta for it);
    `training=None` means False (TF1 read Keras's learning phase, which
    defaults to False).

    Args:
      axis: an int or a list of ints: the axis or axes that are kept (the
        features). With several, the parameters have the input's rank with
        size 1 in the reduced dimensions.
      momentum: momentum of the moving averages.
      epsilon: small float added to the variance (inside the square root).
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      beta_initializer: initializer of beta.
      gamma_initializer: initializer of gamma.
      moving_mean_initializer: initializer of the moving mean.
      moving_variance_initializer: initializer of the moving variance.
      beta_regularizer: optional regularizer of beta.
      gamma_regularizer: optional regularizer of gamma.
      beta_constraint: optional projection applied to beta after an optimizer
        updates it.
      gamma_constraint: optional projection applied to gamma likewise.
      renorm: use Batch Renormalization.
      renorm_clipping: dict that may map 'rmax', 'rmin', 'dmax' to scalars
        clipping the correction (r to [rmin, rmax], d to [-dmax, dmax]);
        missing ones are inf, 0 and inf.
      renorm_momentum: momentum of the renorm moving averages.
      fused: None or True to use the fused kernel when possible; False never.
      trainable: if True, add gamma and beta to TRAINABLE_VARIABLES (and the
        update ops to UPDATE_OPS).
      virtual_batch_size: if set, normalize separate "ghost" batches of this
        size, which must divide the batch in training.
      adjustment: function of the dynamic input shape returning (scale, bias)
        applied to the normalized values in training, before gamma and beta.
      name: the layer's name (its variable scope).
      **kwargs: `dtype` (the layer's compute and variable dtype, by default
        the first input's), and the private `_scope` / `_reuse`.

    Raises:
      TypeError: if `axis` is not an int or a list of ints, or
        `renorm_clipping` not a dict.
      ValueError: for a bad `virtual_batch_size`, one combined with
        `adjustment`, or bad `renorm_clipping` keys or values (rmax >= 1,
        0 <= rmin <= rmax, dmax >= 0); for `epsilon` not finite and > 0,
        or `momentum` or `renorm_momentum` outside [0, 1].
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer=tf.compat.v1.zeros_initializer(),
        gamma_initializer=tf.compat.v1.ones_initializer(),
        moving_mean_initializer=tf.compat.v1.zeros_initializer(),
        moving_variance_initializer=tf.compat.v1.ones_initializer(),
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        fused=None,
        trainable=True,
        virtual_batch_size=None,
        adjustment=None,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the "
                f"argument 'axis', but received: {axis!r}"
            )
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = variables_lib.as_initializer(
            beta_initializer, tf.compat.v1.zeros_initializer(), "beta_initializer"
        )
        self.gamma_initializer = variables_lib.as_initializer(
            gamma_initializer, tf.compat.v1.ones_initializer(), "gamma_initializer"
        )
        self.moving_mean_initializer = variables_lib.as_initializer(
            moving_mean_initializer,
            tf.compat.v1.zeros_initializer(),
            "moving_mean_initializer",
        )
        self.moving_variance_initializer = variables_lib.as_initializer(
            moving_variance_initializer,
            tf.compat.v1.ones_initializer(),
            "moving_variance_initializer",
        )
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        inputs_lib.check_numbers(
            momentum=momentum, epsilon=epsilon, renorm_momentum=renorm_momentum
        )
        _check_virtual_batch_size(virtual_batch_size, adjustment)
        self.renorm = renorm
        self.virtual_batch_size = virtual_batch_size
        self.adjustment = adjustment
        # TF1's tf.layers turned fused=None into True ("if possible").
        self.fused = True if fused is None else fused
        renorm_clipping = engine.check_renorm_clipping(renorm_clipping)
        if renorm:
            self.renorm_clipping = renorm_clipping
            self.renorm_momentum = renorm_momentum
        self.beta = self.gamma = None
        self.moving_mean = self.moving_variance = None
        self.moving_stddev = self.renorm_mean = self.renorm_stddev = None
        self._statistics = None
        self._input_rank = None
        self._input_axis_sizes = {}

    def get_config(self):
        """The constructor arguments, as TF1's layer gave them.

        Initializers, regularizers and constraints are the objects themselves
        (TF1 serialized them with Keras); as in TF1, the renorm arguments are
        included only with `renorm`, `virtual_batch_size` only when set, and
        `adjustment` (a function) never.
        """
        config = dict(
            super().get_config(),
            axis=self.axis,
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=self.center,
            scale=self.scale,
            beta_initializer=self.beta_initializer,
            gamma_initializer=self.gamma_initializer,
            moving_mean_initializer=self.moving_mean_initializer,
            moving_variance_initializer=self.moving_variance_initializer,
            beta_regularizer=self.beta_regularizer,
            gamma_regularizer=self.gamma_regularizer,
            beta_constraint=self.beta_constraint,
            gamma_constraint=self.gamma_constraint,
        )
        if self.renorm:
            config.update(
                renorm=True,
                renorm_clipping=self.renorm_clipping,
                renorm_momentum=self.renorm_momentum,
            )
        if self.virtual_batch_size is not None:
            config["virtual_batch_size"] = self.virtual_batch_size
        return config

    # ---- building -----------------------------------------------------------
    def _fused_can_be_used(self, rank):
        axes = self.axis
        return (
            self._dtype is not None
            and len(axes) == 1
            and (rank, axes[0]) in engine.FUSED_FORMATS
            and engine.fused_kernel_fits(
                self._dtype,
                renorm=self.renorm,
                adjustment=self.adjustment,
                virtual_batch_size=self.virtual_batch_size,
            )
        )

    @property
    def _param_dtype(self):
        return moments_lib.compute_dtype(self._dtype or tf.float32)

    def build(self, input_shape):
        """Checks the input shape and creates the variables."""
        input_shape = tf.TensorShape(input_shape)
        rank = input_shape.rank
        if rank is None:
            raise ValueError(
                f"Input has undefined rank. Received: input_shape={input_shape}"
            )
        if rank < 2:
            raise ValueError(
                "`batch_normalization` needs inputs of rank 2 or more "
                f"(batch and features). Received: inputs with shape="
                f"{input_shape} (rank {rank})"
            )
        self.axis = normalize_axes(self.axis, rank, "axis")
        if self.virtual_batch_size is not None and 0 in self.axis:
            raise ValueError(
                "When using `virtual_batch_size`, the batch dimension "
                "must be 0 and thus axis cannot include 0. "
                f"Received: axis={self.axis}"
            )
        self.fused = bool(self.fused) and self._fused_can_be_used(rank)
        if self.fused:
            self._data_format = engine.FUSED_FORMATS[(rank, self.axis[0])]
        axis_to_dim = {a: tf.compat.dimension_value(input_shape[a]) for a in self.axis}
        if any(dim is None for dim in axis_to_dim.values()):
            raise ValueError(
                "Input has undefined `axis` dimension. Received: inputs "
                f"with shape={tuple(input_shape)} and axis={tuple(self.axis)}"
            )
        self._input_rank = rank
        self._input_axis_sizes = dict(axis_to_dim)
        if len(axis_to_dim) == 1 and self.virtual_batch_size is None:
            param_shape = (list(axis_to_dim.values())[0],)
        else:
            # The input's rank, with size 1 in the reduced dimensions.
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
            if self.virtual_batch_size is not None:
                # Ghost batches add a dimension at index 1.
                param_shape.insert(1, 1)
                self.axis = [a + 1 for a in self.axis]
        self._param_shape = param_shape
        self._create_variables(param_shape)
        self.built = True

    def _create_variables(self, param_shape):
        """gamma, beta and the moving statistics, through the engine's
        helpers, as weights of this layer (`legacy_layer.LayerVariables`)."""
        for name in ("beta", "gamma", "moving_mean", "moving_variance"):
            arg_name = name + "_initializer"
            variables_lib.check_constant_shape(
                getattr(self, arg_name), param_shape, arg_name
            )
        variables = legacy_layer.LayerVariables(self)
        dtype = self._param_dtype
        self.beta, self.gamma = params_lib.beta_and_gamma(
            param_shape, dtype, self.center, self.scale, variables, gamma_first=True
        )
        self._statistics = engine.moving_statistics(
            param_shape, dtype, self.renorm, variables
        )
        for name, variable in self._statistics._asdict().items():
            setattr(self, name, variable)

    def _convert_inputs(self, inputs):
        return as_float_tensor(inputs)

    def _check_input_compatibility(self, inputs):
        """A built layer accepts only the rank and feature sizes it was built for."""
        shape = inputs.shape
        if shape.rank != self._input_rank:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the '
                f"layer: expected ndim={self._input_rank}, found "
                f"ndim={shape.rank}. Received: inputs with shape={shape}"
            )
        for axis, size in self._input_axis_sizes.items():
            found = tf.compat.dimension_value(shape[axis])
            if found is not None and found != size:
                raise ValueError(
                    f'Input 0 of layer "{self.name}" is incompatible with '
                    f"the layer: expected axis {axis} of input shape to have "
                    f"value {size}. Received: inputs with shape={shape}"
                )

    # ---- calling ------------------------------------------------------------
    def __call__(self, inputs, training=False, **kwargs):
        if training is None:
            training = False
        # Checked before any variable is created.
        if training_flag.static_value(training, "training") is not False:
            self._check_divides_static_batch(getattr(inputs, "shape", None))
        return super().__call__(inputs, training=training, **kwargs)

    def call(self, inputs, training=False):
        """Normalizes `inputs`; `training` is a bool or a bool tensor."""
        self._check_input_compatibility(inputs)
        if inputs.dtype.base_dtype != self._dtype:
            inputs = tf.cast(inputs, self._dtype)
        gate = None
        if training_flag.needs_training_branch(training, "training"):
            # An empty batch leaves the moving statistics unchanged.
            gate = moving_averages.update_gate(training, inputs)
        if self.virtual_batch_size is not None:
            return self._call_virtual(inputs, training, gate)
        if self.fused:
            return self._call_fused(inputs, training, gate)
        return self._call_unfused(inputs, training, gate)

    def _call_fused(self, inputs, training, gate):
        output, mean, variance = engine.fused_batch_norm(
            inputs,
            self.gamma,
            self.beta,
            self.moving_mean,
            self.moving_variance,
            self.epsilon,
            self._data_format,
            training,
            arg_name="training",
        )
        if training_flag.needs_training_branch(training, "training"):
            # `variance` is Bessel-corrected by the fused kernel, as in TF1.
            self._add_updates(
                mean, variance, tf.convert_to_tensor(self.momentum), gate
            )
        return output

    def _call_virtual(self, inputs, training, gate):
        """Ghost batches: [N, ...] -> [virtual_batch_size, N / vbs, ...].

        In training the virtual batches are normalized separately; otherwise
        (moving statistics) the batch is reshaped to [N, 1, ...], so inference
        accepts any batch size.
        """
        vbs = self.virtual_batch_size
        value = training_flag.static_value(training, "training")
        batch = tf.compat.dimension_value(inputs.shape[0])
        if value is not False:
            inputs = self._check_divides_batch(inputs, training)
        rest = tf.shape(inputs)[1:]
        if value is None:
            leading = _when_training(
                training, lambda: tf.constant([vbs, -1]), lambda: tf.constant([-1, 1])
            )
        else:
            leading = tf.constant([vbs, -1] if value else [-1, 1])
        expanded = tf.reshape(inputs, tf.concat([leading, rest], axis=0))
        static = [None, None] + inputs.shape[1:].as_list()
        if batch is not None and value is not None:
            static[:2] = [vbs, batch // vbs] if value else [batch, 1]
        expanded.set_shape(static)
        outputs = self._call_unfused(expanded, training, gate)
        outputs = tf.reshape(outputs, tf.concat([[-1], rest], axis=0))
        outputs.set_shape(inputs.shape)
        return outputs

    def _check_divides_static_batch(self, shape):
        """Raises ValueError if a known batch size is not a multiple of vbs."""
        vbs = self.virtual_batch_size
        if vbs is None or shape is None:
            return
        shape = tf.TensorShape(shape)
        batch = tf.compat.dimension_value(shape[0]) if shape.rank else None
        if batch is not None and batch % vbs:
            raise ValueError(
                f"`virtual_batch_size` ({vbs}) must divide the batch "
                f"size ({batch}). Received: virtual_batch_size={vbs} "
                f"for inputs with shape={shape}"
            )

    def _check_divides_batch(self, inputs, training):
        """Raises (static batch) or asserts (dynamic) that vbs divides it."""
        vbs = self.virtual_batch_size
        if tf.compat.dimension_value(inputs.shape[0]) is not None:
            self._check_divides_static_batch(inputs.shape)
            return inputs
        divides = tf.equal(tf.math.floormod(tf.shape(inputs)[0], vbs), 0)
        if training_flag.static_value(training, "training") is None:
            divides = tf.logical_or(tf.logical_not(training), divides)
        check = tf.debugging.Assert(
            divides,
            [
                f"`virtual_batch_size` ({vbs}) must divide the batch size; "
                "received a batch of",
                tf.shape(inputs)[0],
            ],
        )
        with tf.control_dependencies([check]):
            return tf.identity(inputs)

    def _call_unfused(self, inputs, training, gate):
        inputs_dtype = inputs.dtype.base_dtype
        # Statistics and normalization in float32 for float16 and bfloat16
        # inputs, as the fused kernel does.
        inputs = moments_lib.upcast(inputs)
        input_shape = inputs.shape
        ndims = input_shape.rank
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        if self.virtual_batch_size is not None:
            del reduction_axes[1]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = tf.compat.dimension_value(
            input_shape[self.axis[0]]
        )

        def _broadcast(v):
            # Only a single kept axis that is not the last needs a reshape.
            if (
                v is not None
                and len(v.shape) != ndims
                and reduction_axes != list(range(ndims - 1))
            ):
                return tf.reshape(v, broadcast_shape)
            return v

        scale, offset = _broadcast(self.gamma), _broadcast(self.beta)
        if training_flag.static_value(training, "training") is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            if self.adjustment:
                scale, offset = engine.compose_transforms(
                    *engine.adjustment_transform(
                        self.adjustment, inputs, training, arg_name="training"
                    ),
                    scale,
                    offset,
                )
            keep_dims = self.virtual_batch_size is not None or len(self.axis) > 1
            batch_mean, batch_variance = moments_lib.moments(
                tf.cast(inputs, self._param_dtype), reduction_axes, keepdims=keep_dims
            )
            moving_mean, moving_variance = self.moving_mean, self.moving_variance
            mean = _when_training(
                training, lambda: batch_mean, lambda: tf.convert_to_tensor(moving_mean)
            )
            variance = _when_training(
                training,
                lambda: batch_variance,
                lambda: tf.convert_to_tensor(moving_variance),
            )
            if self.virtual_batch_size is not None:
                # One update from the mean over the ghost batches (as TF1 did).
                new_mean = tf.reduce_mean(mean, axis=1, keepdims=True)
                new_variance = tf.reduce_mean(variance, axis=1, keepdims=True)
            else:
                new_mean, new_variance = mean, variance
            if self.renorm:
                r, d, new_mean, new_variance = engine.renorm_correction(
                    self._statistics,
                    new_mean,
                    new_variance,
                    self.epsilon,
                    self.renorm_clipping,
                    training,
                    arg_name="training",
                )
                scale, offset = engine.compose_transforms(
                    _broadcast(r), _broadcast(d), scale, offset
                )
            self._add_updates(new_mean, new_variance, self.momentum, gate)
        outputs = self._normalize(
            inputs, _broadcast(mean), _broadcast(variance), offset, scale
        )
        if inputs_dtype != outputs.dtype.base_dtype:
            outputs = tf.cast(outputs, inputs_dtype)
        outputs.set_shape(input_shape)
        return outputs

    def _normalize(self, inputs, mean, variance, offset, scale):
        """(inputs - mean) / sqrt(variance + epsilon) * scale + offset."""
        if normalize_lib.statically_empty(inputs):
            # Without the statistics: through them, Grappler divided by the
            # zero batch size (SIGFPE) once gradients were built (virtual
            # batches). gamma and beta stay connected, gradients zeros.
            with tf.name_scope("batchnorm"):
                return normalize_lib.empty_output(
                    inputs, (self.gamma, self.beta), inputs.dtype, name="add_1"
                )
        mean, variance, offset, scale = (
            None if t is None else tf.cast(t, inputs.dtype)
            for t in (mean, variance, offset, scale)
        )
        return tf.nn.batch_normalization(
            inputs, mean, variance, offset, scale, self.epsilon
        )

    def _add_updates(self, new_mean, new_variance, momentum, gate):
        """The moving statistics' updates (tf.layers' rule), run when `gate`
        (see `moving_averages.update_gate`) is True."""
        updates = engine.moving_updates(
            self._statistics,
            new_mean,
            new_variance,
            momentum,
            gate,
            local=True,
            renorm=(self.epsilon, self.renorm_momentum) if self.renorm else None,
        )
        for op in updates:
            self.add_update(op)


@add_arg_scope
def batch_normalization(
    inputs,
    axis=-1,
    momentum=0.99,
    epsilon=1e-3,
    center=True,
    scale=True,
    beta_initializer=tf.compat.v1.zeros_initializer(),
    gamma_initializer=tf.compat.v1.ones_initializer(),
    moving_mean_initializer=tf.compat.v1.zeros_initializer(),
    moving_variance_initializer=tf.compat.v1.ones_initializer(),
    beta_regularizer=None,
    gamma_regularizer=None,
    beta_constraint=None,
    gamma_constraint=None,
    training=False,
    trainable=True,
    name=None,
    reuse=None,
    renorm=False,
    renorm_clipping=None,
    renorm_momentum=0.99,
    fused=None,
    virtual_batch_size=None,
    adjustment=None,
):
    """Functional tf.layers batch normalization (Ioffe & Szegedy, 2015).

    "Batch Normalization: Accelerating Deep Network Training by Reducing
    Internal Covariate Shift", https://arxiv.org/abs/1502.03167.

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    with the batch moments in training and the moving ones otherwise. The
    moving statistics are updated by ops in `tf.compat.v1.GraphKeys.UPDATE_OPS`
    that must run with the train op:

        update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
          train_op = optimizer.minimize(loss)

    Layers are named `batch_normalization`, `batch_normalization_1`, ... in
    each graph (their variable scopes, inside any enclosing one), or `name`;
    `reuse=True` (or an enclosing `variable_scope(reuse=True)`) shares the
    variables of an earlier layer of the same name. See `BatchNormalization`
    for the implementations chosen and the deliberate differences from TF1.

    An empty batch (zero-size input, e.g. [0, H, W, C]) in training returns an
    empty output and leaves the moving statistics (and the renorm and
    zero-debias accumulators) exactly unchanged; TF1 set them to NaN for
    good. NaN or Inf values in the input still propagate to the output and
    the moving statistics, as in TF1.

    Args:
      inputs: a floating-point tensor of rank 2 or more.
      axis: an int or a list of ints: the axis or axes that are kept (the
        features). With several, the parameters have the input's rank with
        size 1 in the reduced dimensions.
      momentum: momentum of the moving averages.
      epsilon: small float added to the variance (inside the square root).
      center: if True, add the offset `beta`.
      scale: if True, multiply by `gamma`.
      beta_initializer: initializer of beta.
      gamma_initializer: initializer of gamma.
      moving_mean_initializer: initializer of the moving mean.
      moving_variance_initializer: initializer of the moving variance.
      beta_regularizer: optional regularizer of beta; its loss goes to
        REGULARIZATION_LOSSES.
      gamma_regularizer: optional regularizer of gamma, likewise.
      beta_constraint: optional projection applied to beta after an optimizer
        updates it.
      gamma_constraint: optional projection applied to gamma likewise.
      training: a Python bool or a bool tensor (placeholder): use batch
        statistics (True) or the moving ones (False). Defaults to False!
      trainable: if True, add gamma and beta to TRAINABLE_VARIABLES and the
        update ops to UPDATE_OPS.
      name: the layer's name (its variable scope).
      reuse: reuse the variables of a previous layer with the same name.
      renorm: use Batch Renormalization (https://arxiv.org/abs/1702.03275).
      renorm_clipping: dict that may map 'rmax', 'rmin', 'dmax' to scalars
        clipping the correction (r to [rmin, rmax], d to [-dmax, dmax]);
        missing ones are inf, 0 and inf.
      renorm_momentum: momentum of the renorm moving averages.
      fused: None or True to use the fused kernel when possible; False never.
      virtual_batch_size: if set, normalize separate "ghost" batches of this
        size (https://arxiv.org/abs/1705.08741); it must divide the batch.
      adjustment: function of the dynamic input shape returning (scale, bias)
        applied to the normalized values in training, before gamma and beta.

    Returns:
      The output tensor, same shape and dtype as `inputs`.

    Raises:
      TypeError: if `inputs` is not floating point, `axis` not an int or a
        list of ints, or `training` neither a bool nor a bool tensor.
      ValueError: for an undefined rank, rank < 2, an `axis` out of range or
        of undefined size, bad `renorm_clipping`, `epsilon` not finite and
        > 0, `momentum` or `renorm_momentum` outside [0, 1], or a
        `virtual_batch_size` that does not divide the batch.
    """
    layer = BatchNormalization(
        axis=axis,
        momentum=momentum,
        epsilon=epsilon,
        center=center,
        scale=scale,
        beta_initializer=beta_initializer,
        gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer,
        gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint,
        gamma_constraint=gamma_constraint,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        renorm_momentum=renorm_momentum,
        fused=fused,
        trainable=trainable,
        virtual_batch_size=virtual_batch_size,
        adjustment=adjustment,
        name=name,
        _reuse=reuse,
        _scope=name,
    )
    return layer.apply(inputs, training=training)
