"""Public testing helpers for musframework and for code built on it.

* :mod:`musframework.testing.strategies`: hypothesis strategies for every model.
* :mod:`musframework.testing.sample`: realistic, seeded sample rounds (no hypothesis needed).
* :mod:`musframework.testing.storage`: the conformance suite every storage backend passes.

These modules need ``hypothesis`` (and, for the conformance suites, ``pytest``), which are not
runtime dependencies: install ``musframework[test]``.
"""

__all__: list[str] = []
