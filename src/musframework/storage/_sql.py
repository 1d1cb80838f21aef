"""A WHERE-clause builder shared by the SQL backends; only the dialect differs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from musframework.model import AgreementStatus, ConversationKind, ConversationStatus

__all__ = ["Where", "agreement_filters", "conversation_filters"]


class Where:
    """Conditions and their parameters, joined with AND.

    ``mark`` is the parameter placeholder (``?`` for sqlite3, ``%s`` for psycopg);
    ``array_any`` writes "one of" as ``col = ANY(%s)`` with one list parameter (PostgreSQL)
    instead of ``col IN (?, ?, ...)``.
    """

    def __init__(self, mark: str, *, array_any: bool = False) -> None:
        self.mark = mark
        self.array_any = array_any
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, value: Any) -> None:
        """Add ``condition`` (with ``{}`` where the placeholder goes) when ``value`` is set."""
        if value is not None:
            self.conditions.append(condition.format(self.mark))
            self.params.append(value)

    def one_of(self, column: str, values: Iterable[Any] | None) -> None:
        """Add ``column`` is one of ``values`` (sorted, for stable plans) when given."""
        if values is None:
            return
        ordered = sorted(values)
        if self.array_any:
            self.conditions.append(f"{column} = ANY({self.mark})")
            self.params.append(ordered)
        else:
            self.conditions.append(f"{column} IN ({','.join(self.mark * len(ordered))})")
            self.params.extend(ordered)

    def sql(self) -> str:
        """`` WHERE ...`` or the empty string."""
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""


def conversation_filters(
    where: Where,
    cycle: str | None,
    person: str | None,
    unit: str | None,
    statuses: frozenset[ConversationStatus] | None,
    kinds: frozenset[ConversationKind] | None,
) -> Where:
    """The conditions of the conversations query (cycle, unit, person, status, kind)."""
    where.add("cycle = {}", cycle)
    where.add("unit = {}", unit)
    where.add("id IN (SELECT conversation FROM conversation_people WHERE person = {})", person)
    where.one_of("status", None if statuses is None else (s.value for s in statuses))
    where.one_of("kind", None if kinds is None else (k.value for k in kinds))
    return where


def agreement_filters(
    where: Where,
    owner: str | None,
    statuses: frozenset[AgreementStatus] | None,
    due_before: str | None,
) -> Where:
    """The conditions of the agreements query (owner, status, due before a date)."""
    where.add("a.owner = {}", owner)
    where.one_of("a.status", None if statuses is None else (s.value for s in statuses))
    where.add("a.deadline < {}", due_before)
    return where
