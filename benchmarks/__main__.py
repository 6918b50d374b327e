"""`python -m benchmarks [--quick]`: runs the benchmark suite."""

from benchmarks.suite import main

main()
