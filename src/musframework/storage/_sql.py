"""What the SQL backends share (a WHERE builder, the rows of a batch); only the dialect differs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from musframework.model import AgreementStatus, ConversationKind, ConversationStatus
from musframework.serialization.time import format_datetime

if TYPE_CHECKING:
    from musframework.storage.base import ConversationIndex, Write
    from musframework.storage.protocol import AuditEntry

__all__ = [
    "TableRows",
    "Where",
    "agreement_filters",
    "conversation_filters",
    "conversation_row",
    "table_rows",
]

_HELD = ConversationStatus.HELD_OR_LATER
_CANCELLED = ConversationStatus.CANCELLED.value


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
        self.conditions.append(self._one_of(column, values))

    def _one_of(self, column: str, values: Iterable[Any]) -> str:
        # The condition text; its parameters are appended to ``params``.
        ordered = sorted(values)
        if self.array_any:
            self.params.append(ordered)
            return f"{column} = ANY({self.mark})"
        self.params.extend(ordered)
        return f"{column} IN ({','.join(self.mark * len(ordered))})"

    def counted_agreements(self) -> None:
        """Only the agreements that count (:func:`musframework.model.round.agreement_counts`).

        On the ``agreements`` table as ``a``: its conversation held or later, or a copy
        (``continues`` set) in a conversation that is not cancelled; and no copy of it in a
        later conversation that is not cancelled (a row whose ``previous`` is its
        conversation and whose ``continues`` is its id). The statuses come from the model's
        named groups, so SQL and Python cannot drift apart.
        """
        held = self._one_of("a.conversation_status", (s.value for s in _HELD))
        mark = self.mark
        self.conditions.append(
            f"({held} OR (a.continues IS NOT NULL AND a.conversation_status <> {mark})) "
            "AND NOT EXISTS (SELECT 1 FROM agreements b WHERE b.previous = a.conversation "
            f"AND b.continues = a.id AND b.conversation_status <> {mark})"
        )
        self.params.extend([_CANCELLED, _CANCELLED])

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
    include_uncounted: bool = False,
) -> Where:
    """The conditions of the agreements query (owner, status, due before a date, counted)."""
    where.add("a.owner = {}", owner)
    where.one_of("a.status", None if statuses is None else (s.value for s in statuses))
    where.add("a.deadline < {}", due_before)
    if not include_uncounted:
        where.counted_agreements()
    return where


Row = tuple[Any, ...]


class TableRows(NamedTuple):
    """The rows a batch inserts, by table, in each table's column order (see the schemas)."""

    conversations: list[Row]
    documents: list[Row]
    conversation_people: list[Row]
    agreements: list[Row]
    audit_log: list[Row]


def conversation_row(w: Write, ix: ConversationIndex) -> Row:
    """A ``conversations`` row, in the table's column order (id, revision, … body)."""
    return (
        w.id,
        w.revision,
        w.schema_version,
        ix.cycle,
        ix.unit,
        ix.kind,
        ix.status,
        ix.start,
        w.body,
    )


def table_rows(writes: Sequence[Write], audit: Sequence[AuditEntry]) -> TableRows:
    """The rows to insert for ``writes`` and ``audit``, by table.

    New conversations and documents (revision 0 before); the people and agreements of every
    conversation written (a backend deletes a changed conversation's old ones first; changed
    documents themselves are updated in place); the audit entries. Deletions have none.
    """
    rows = TableRows([], [], [], [], [])
    for w in writes:
        if w.body is None:
            continue
        ix = w.index
        if ix is None:
            if not w.expected:
                rows.documents.append(
                    (w.kind, w.id, w.version, w.revision, w.schema_version, w.body)
                )
            continue
        if not w.expected:
            rows.conversations.append(conversation_row(w, ix))
        rows.conversation_people.extend((w.id, person, role) for person, role in ix.people)
        rows.agreements.extend(
            (
                w.id,
                a.position,
                a.id,
                a.owner,
                a.status,
                a.deadline,
                w.schema_version,
                a.body,
                ix.status,
                a.continues,
                ix.previous,
            )
            for a in ix.agreements
        )
    rows.audit_log.extend(
        (e.kind, e.id, e.revision, e.actor, e.action, format_datetime(e.at)) for e in audit
    )
    return rows
