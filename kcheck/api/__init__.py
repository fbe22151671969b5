"""kcheck as a library: load an input and ask what the commands answer, from scripts and benchmarks."""
