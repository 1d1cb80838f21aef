"""Closed days and month arithmetic for planning and scheduling.

Closed days come from two places, combined: public holidays through the optional
``holidays`` package (``pip install 'musframework[holidays]'``, imported only when used), and a
hook you supply: a set of dates, or any callable that takes a :class:`pendulum.Date` and
returns ``True`` when the workplace is closed (a company holiday, a closing week, a strike).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import pendulum

from musframework.errors import MissingExtraError

__all__ = ["ClosedDays", "add_months", "closed_day_test", "public_holidays"]

ClosedDays = Callable[[pendulum.Date], bool] | Collection[pendulum.Date]
"""A hook for closed days: a callable ``day -> bool`` or a collection of dates."""


def add_months(day: pendulum.Date, months: int) -> pendulum.Date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month.

    >>> str(add_months(pendulum.date(2026, 8, 31), 6))
    '2027-02-28'
    >>> str(add_months(pendulum.date(2027, 8, 31), 6))
    '2028-02-29'
    """
    return day.add(months=months)


def public_holidays(years: Iterable[int], country: str = "DK") -> frozenset[pendulum.Date]:
    """The public holidays of ``country`` (Denmark by default) in ``years``.

    Uses the optional ``holidays`` package.

    Raises:
        MissingExtraError: when ``holidays`` is not installed.
    """
    try:
        import holidays
    except ImportError:
        raise MissingExtraError("holidays", "holidays") from None
    table = holidays.country_holidays(country, years=sorted(set(years)))
    return frozenset(pendulum.date(d.year, d.month, d.day) for d in table)


def closed_day_test(
    years: Iterable[int], *, country: str | None = "DK", closed_days: ClosedDays | None = None
) -> Callable[[pendulum.Date], bool]:
    """One predicate for "is the workplace closed on this day?" over ``years``.

    Combines ``country``'s public holidays (skipped when ``None``) with the ``closed_days``
    hook.
    """
    fixed: set[pendulum.Date] = set(public_holidays(years, country)) if country else set()
    hook: Callable[[pendulum.Date], bool] | None = None
    if callable(closed_days):
        hook = closed_days
    elif closed_days is not None:
        fixed.update(pendulum.date(d.year, d.month, d.day) for d in closed_days)

    def is_closed(day: pendulum.Date) -> bool:
        return day in fixed or (hook is not None and bool(hook(day)))

    return is_closed
