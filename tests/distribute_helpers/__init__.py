"""Children and shared code of the tf.distribute tests (tests/test_distribute*.py).

MirroredStrategy needs the CPU split into logical devices before TensorFlow
initializes its devices, and MultiWorkerMirroredStrategy needs one process
per worker, so those runs happen in child processes that report their
results as JSON (see `fresh_interpreter`).
"""
