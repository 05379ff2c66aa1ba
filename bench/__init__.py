"""Benchmarks: each module has a main() that prints its figures next to the issue's targets."""
