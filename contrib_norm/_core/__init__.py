"""Private machinery shared by every normalization family.

Nothing here is public API. Each module has one job:

* ``data_format``  -- NHWC / NCHW parsing and axis validation.
* ``inputs``       -- converting and checking the ``inputs`` argument.
* ``variables``    -- model variables, collections, regularizers, reuse.
* ``training_flag``-- a bool / tensor / placeholder ``is_training`` switch.
* ``moving_averages`` -- moving-statistics updates, zero-debias, in place or
  into a collection.
* ``moments``      -- batch, weighted and per-group statistics.
* ``legacy_layer`` -- the naming / scoping / update bookkeeping of the
  ``tf.compat.v1.layers.Layer`` base class, without Keras.
"""
