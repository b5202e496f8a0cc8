"""Maintainer tooling for the ketamine guide: checks, Markdown extensions, release and benchmarks."""
