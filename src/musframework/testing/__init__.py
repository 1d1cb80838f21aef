"""Public testing helpers for musframework and for code built on it.

* :mod:`musframework.testing.strategies`: hypothesis strategies for every model.

These modules need ``hypothesis`` (and, for the conformance suites, ``pytest``), which are not
runtime dependencies: install ``musframework[test]``.
"""

__all__: list[str] = []
