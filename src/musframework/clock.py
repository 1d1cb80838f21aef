"""Injectable clocks: the library never calls a hidden ``now()``.

Every function that needs the time takes a ``clock`` argument. Pass :class:`FixedClock` in tests
and simulations; the default :class:`SystemClock` reads the real time in Europe/Copenhagen.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pendulum

__all__ = ["Clock", "DEFAULT_TIMEZONE", "FixedClock", "SystemClock", "resolve_clock"]

DEFAULT_TIMEZONE = "Europe/Copenhagen"
"""The time zone the library uses unless told otherwise."""


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` that returns an aware :class:`pendulum.DateTime`."""

    def now(self) -> pendulum.DateTime:
        """The current moment."""
        ...


class SystemClock:
    """The real time, in a named time zone (Europe/Copenhagen by default)."""

    def __init__(self, tz: str = DEFAULT_TIMEZONE) -> None:
        self.tz = pendulum.timezone(tz)

    def now(self) -> pendulum.DateTime:
        """The real current time in this clock's time zone."""
        return pendulum.now(self.tz)

    def __repr__(self) -> str:
        return f"SystemClock({self.tz.name!r})"


class FixedClock:
    """A clock that stands still until moved: for tests, simulations and notebooks.

    >>> clock = FixedClock(pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen"))
    >>> clock.advance(days=1).now().to_date_string()
    '2026-03-04'
    """

    def __init__(self, at: pendulum.DateTime) -> None:
        if at.tzinfo is None:
            from musframework.catalogue import Message
            from musframework.errors import InvalidValueError

            raise InvalidValueError(Message("error.clock-naive"))
        self._at = at

    def now(self) -> pendulum.DateTime:
        """The moment this clock stands at."""
        return self._at

    def set(self, at: pendulum.DateTime) -> FixedClock:
        """Move the clock to ``at``; returns the clock for chaining."""
        self._at = at
        return self

    def advance(self, **delta: int) -> FixedClock:
        """Move the clock forward by ``pendulum.duration(**delta)``; returns the clock."""
        self._at = self._at.add(**delta)
        return self

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()} {self._at.timezone_name})"


def resolve_clock(clock: Clock | None) -> Clock:
    """The given clock, or a :class:`SystemClock` when ``None``."""
    return SystemClock() if clock is None else clock
