"""Quality and runtime benchmarks; results are written to bench/results/."""
