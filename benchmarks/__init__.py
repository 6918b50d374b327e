"""contrib_norm's benchmark suite: `python -m benchmarks [--quick]`.

Every figure is a time ratio measured side by side in one process: a
contrib_norm layer's graph-mode training step against its anchor (the raw
TensorFlow kernel, or the Keras 3 layer, a user would otherwise use) on the
same input. See README.md in this directory.
"""
