"""One object for equal values in tables of millions (the package's shared private helper).

A row or finding made from a conversation keeps its own copy of every id, path and date,
although the conversation is gone. :class:`Shared` gives back the first of equal values
instead, so a table holds each once. It imports nothing of musframework's.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["Shared"]

_V = TypeVar("_V")


class Shared:
    """Equal values made one object, for the length of one run (one table, one report).

    Only values of the same type are shared: a ``datetime.date`` is never replaced by an
    equal ``pendulum.Date``, nor ``1`` by ``True``.
    """

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: dict[object, object] = {}

    def __call__(self, value: _V) -> _V:
        """The first value equal to ``value`` and of its type seen so far, else ``value``."""
        known = self.values.setdefault(value, value)
        return known if type(known) is type(value) else value
