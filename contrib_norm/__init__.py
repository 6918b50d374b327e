"""contrib_norm: TensorFlow 1.x normalization layers, restored for today's TensorFlow."""

__version__ = "0.1.0"
