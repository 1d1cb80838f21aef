"""Public testing helpers for musframework and for code built on it.

* :mod:`musframework.testing.strategies`: hypothesis strategies for every model.
* :mod:`musframework.testing.sample`: realistic, seeded sample rounds (no hypothesis needed).

These modules need ``hypothesis`` (and, for the conformance suites, ``pytest``), which are not
runtime dependencies: install ``musframework[test]``.
"""

__all__: list[str] = []
