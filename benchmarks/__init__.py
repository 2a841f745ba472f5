"""Benchmarks that print figures (never timing assertions): `uv run python -m benchmarks`."""
