"""Private machinery shared by every normalization family.

Nothing here is public API. Each module has one job:

* ``data_format``  -- NHWC / NCHW parsing and axis validation.
* ``inputs``       -- converting and checking the ``inputs`` argument.
* ``variables``    -- model variables, collections, regularizers, reuse.
* ``training_flag``-- a bool / tensor / placeholder ``is_training`` switch.
* ``moving_averages`` -- moving-statistics updates, zero-debias, in place or
  into a collection.
* ``moments``      -- batch, weighted and per-group statistics.
* ``normalize``    -- applying statistics: per-slice scale and offset.
* ``params``       -- beta, gamma and the other learned parameters.
* ``axes``         -- spatial / channels axes and int checks of axis args.
* ``batch_statistics`` -- batch statistics in training, moving ones in
  inference, and their updates (batch_norm's moments path, switchable norm).
* ``batch_norm``   -- the batch-norm engine of batch_norm, sync_batch_norm
  and tf.layers' BatchNormalization: validation, the path selector, the
  variables, the fused kernel and Batch Renormalization.
* ``legacy_layer`` -- the naming / scoping / update bookkeeping of the
  ``tf.compat.v1.layers.Layer`` base class, without Keras.
* ``distribute``   -- tf.distribute replica contexts and the moments of the
  global batch (one all-reduce).
* ``gradients``    -- ``custom_gradient`` without tf.custom_gradient's
  per-call scan of the graph's variables.
* ``host``         -- what the host layers (convolutions, fully_connected,
  ...) share: int-tuple arguments, weights / biases, normalizer-or-biases
  and activation.
"""

from contrib_norm import _tf  # noqa: F401 (checks TensorFlow first)
