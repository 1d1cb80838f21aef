"""What the SQL backends share (the schema, a WHERE builder, the rows of a batch).

Only the dialect differs: the type of the JSON bodies, the audit log's sequence key and the
parameter placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from musframework.model import ConversationStatus
from musframework.serialization.time import format_datetime, parse_datetime
from musframework.storage._integrity import body_hash
from musframework.storage.protocol import AuditEntry

if TYPE_CHECKING:
    from musframework.storage.base import (
        AgreementQuery,
        ConversationIndex,
        ConversationQuery,
        Write,
    )
    from musframework.storage.protocol import AuditEntry

__all__ = [
    "AUDIT_SELECT",
    "COLUMNS",
    "SIDE_ROW_QUERIES",
    "TableRows",
    "Where",
    "agreement_filters",
    "audit_entry",
    "conversation_filters",
    "conversation_row",
    "schema_steps",
    "side_rows",
    "table_rows",
]

_HELD = ConversationStatus.HELD_OR_LATER
_CANCELLED = ConversationStatus.CANCELLED.value


_SCHEMA_STEPS: tuple[str, ...] = (
    # 1: documents, conversations with their side tables, the audit log
    """
    CREATE TABLE documents (
        kind TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL,
        revision INTEGER NOT NULL, schema_version INTEGER NOT NULL, body {json} NOT NULL,
        PRIMARY KEY (kind, id, version));
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, schema_version INTEGER NOT NULL,
        cycle TEXT, unit TEXT, kind TEXT NOT NULL, status TEXT NOT NULL, start BIGINT,
        body {json} NOT NULL);
    CREATE INDEX conversations_cycle ON conversations (cycle);
    CREATE INDEX conversations_unit ON conversations (unit);
    CREATE TABLE conversation_people (
        conversation TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL);
    CREATE INDEX conversation_people_person ON conversation_people (person);
    CREATE INDEX conversation_people_conversation ON conversation_people (conversation);
    CREATE TABLE agreements (
        conversation TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL,
        owner TEXT, status TEXT NOT NULL, deadline TEXT, schema_version INTEGER NOT NULL,
        body {json} NOT NULL,
        PRIMARY KEY (conversation, position));
    CREATE INDEX agreements_owner ON agreements (owner);
    CREATE TABLE audit_log (
        seq {serial} PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL,
        revision INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL);
    """,
    # 2: overdue agreements and audit lookups by index instead of a scan ("IF NOT EXISTS":
    # PostgreSQL stores made before the steps were shared have them from their one step)
    """
    CREATE INDEX IF NOT EXISTS agreements_due ON agreements (status, deadline);
    CREATE INDEX IF NOT EXISTS audit_log_document ON audit_log (kind, id);
    CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor);
    """,
    # 3: what decides whether an agreement counts (musframework.model.round): its
    # conversation's status and ``previous``, its own ``continues``; filled in from the
    # stored documents
    """
    ALTER TABLE agreements ADD COLUMN conversation_status TEXT;
    ALTER TABLE agreements ADD COLUMN continues TEXT;
    ALTER TABLE agreements ADD COLUMN previous TEXT;
    UPDATE agreements SET
        conversation_status = (
            SELECT c.status FROM conversations c WHERE c.id = agreements.conversation),
        continues = {agreement_continues},
        previous = (
            SELECT {conversation_previous} FROM conversations c
            WHERE c.id = agreements.conversation);
    CREATE INDEX agreements_continued ON agreements (previous, continues);
    """,
    # --- trust (issue 15): the audit log as a hash chain. A step of its own; when another
    # branch adds a step, keep both, in either order (each only adds).
    # 4: each entry the hash of the revision it records, a seal over actor and id (with its
    # nonce), the hash of the entry before and its own (see musframework.storage._integrity)
    """
    ALTER TABLE audit_log ADD COLUMN document_hash TEXT;
    ALTER TABLE audit_log ADD COLUMN seal TEXT;
    ALTER TABLE audit_log ADD COLUMN nonce TEXT;
    ALTER TABLE audit_log ADD COLUMN previous TEXT;
    ALTER TABLE audit_log ADD COLUMN hash TEXT;
    """,
    # --- end trust
    # ---- perf2 block (issue 16, SQL that does the work): begin ------------------------------
    # 5: queries by unit and cycle in SQL. Each agreement row gets its conversation's unit and
    # cycle (filled in from the stored conversations), so "overdue in a unit" is a range scan
    # of one index; conversations get (unit|cycle, status) for counts and (unit|cycle, id) so
    # that a streamed query reads its pages in id order from an index ({collate}: byte order,
    # as Python sorts; {id_index}: PostgreSQL's own index in that order, none in SQLite, whose
    # primary key already is).
    """
    ALTER TABLE agreements ADD COLUMN unit TEXT;
    ALTER TABLE agreements ADD COLUMN cycle TEXT;
    UPDATE agreements SET
        unit = (SELECT c.unit FROM conversations c WHERE c.id = agreements.conversation),
        cycle = (SELECT c.cycle FROM conversations c WHERE c.id = agreements.conversation);
    CREATE INDEX agreements_unit_due ON agreements (unit, status, deadline);
    CREATE INDEX agreements_cycle_due ON agreements (cycle, status, deadline);
    CREATE INDEX conversations_unit_status ON conversations (unit, status);
    CREATE INDEX conversations_cycle_status ON conversations (cycle, status);
    CREATE INDEX conversations_unit_id ON conversations (unit, id{collate});
    CREATE INDEX conversations_cycle_id ON conversations (cycle, id{collate});
    {id_index}
    """,
    # ---- perf2 block: end --------------------------------------------------------------------
)


def schema_steps(*, json: str, serial: str, field: str, collate: str = "") -> tuple[str, ...]:
    """The store schema in one SQL dialect: one upgrade step per entry, statements split by ``;``.

    A database at step N is upgraded by steps N+1, N+2 …; every backend counts the steps it
    has applied. ``json`` is the column type of document bodies (``TEXT`` in SQLite, ``JSONB``
    in PostgreSQL), ``serial`` the type of the audit log's sequence key (``INTEGER``, SQLite's
    rowid alias; ``BIGSERIAL`` in PostgreSQL), ``field`` how to read a top-level text field of
    a JSON body, with ``{body}`` and ``{key}`` (``json_extract({body}, '$.{key}')`` in SQLite,
    ``{body}->>'{key}'`` in PostgreSQL), ``collate`` what makes an ``id`` column sort by
    bytes in an index (empty in SQLite, where that is the default; `` COLLATE "C"`` in
    PostgreSQL, which then also gets an index on ``id`` in that order).
    """
    id_index = f"CREATE INDEX conversations_id_ordered ON conversations (id{collate})"
    return tuple(
        step.format(
            json=json,
            serial=serial,
            collate=collate,
            id_index=id_index if collate else "",
            agreement_continues=field.format(body="body", key="continues"),
            conversation_previous=field.format(body="c.body", key="previous"),
        )
        for step in _SCHEMA_STEPS
    )


COLUMNS: dict[str, tuple[str, ...]] = {
    "conversations": (
        "id",
        "revision",
        "schema_version",
        "cycle",
        "unit",
        "kind",
        "status",
        "start",
        "body",
    ),
    "documents": ("kind", "id", "version", "revision", "schema_version", "body"),
    "conversation_people": ("conversation", "person", "role"),
    "agreements": (
        "conversation",
        "position",
        "id",
        "owner",
        "status",
        "deadline",
        "schema_version",
        "body",
        "conversation_status",
        "continues",
        "previous",
        "unit",
        "cycle",
    ),
    "audit_log": (
        "kind",
        "id",
        "revision",
        "actor",
        "action",
        "at",
        # trust: the hash chain (schema step 4)
        "document_hash",
        "seal",
        "nonce",
        "previous",
        "hash",
    ),
}
"""The columns a batch writes, by table, in the order of :class:`TableRows`' rows (the audit
log's ``seq`` is assigned by the database)."""


AUDIT_SELECT = (
    "SELECT kind, id, revision, actor, action, at, document_hash, seal, nonce, previous, hash "
    "FROM audit_log"
)
"""The audit log's columns, in :class:`~musframework.storage.AuditEntry`'s field order."""

SIDE_ROW_QUERIES = (
    "SELECT id, cycle, unit, kind, status, start FROM conversations",
    "SELECT conversation, person, role FROM conversation_people",
    "SELECT conversation, position, id, owner, status, deadline, body, conversation_status, "
    "continues, previous FROM agreements ORDER BY conversation, position",
)
"""What ``verify()`` compares with the bodies: conversations' columns, people, agreements."""


def audit_entry(row: Sequence[Any]) -> AuditEntry:
    """An :class:`~musframework.storage.AuditEntry` from a row of :data:`AUDIT_SELECT`."""
    kind, id, revision, actor, action, at, document_hash, seal, nonce, previous, hash = row
    return AuditEntry(
        kind=kind,
        id=id,
        revision=revision,
        actor=actor,
        action=action,
        at=parse_datetime(at),
        document_hash=document_hash or "",
        seal=seal or "",
        nonce=nonce,
        previous=previous or "",
        hash=hash or "",
    )


def side_rows(queries: Sequence[Sequence[Sequence[Any]]]) -> dict[str, Any]:
    """The result rows of :data:`SIDE_ROW_QUERIES` in the shape ``verify()`` compares."""
    conversations, people, agreements = queries
    found: dict[str, Any] = {}
    persons: dict[str, set[tuple[str, str]]] = {}
    for conversation, person, role in people:
        persons.setdefault(conversation, set()).add((person, role))
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for conversation, *rest in agreements:
        position, id, owner, status, deadline, body, c_status, continues, previous = rest
        rows.setdefault(conversation, []).append(
            (position, id, owner, status, deadline, body_hash(body), c_status, continues, previous)
        )
    for id, cycle, unit, kind, status, start in conversations:
        found[id] = (
            (cycle, unit, kind, status, start),
            frozenset(persons.get(id, ())),
            tuple(rows.get(id, ())),
        )
    for id in (persons.keys() | rows.keys()) - found.keys():  # rows left without a conversation
        found[id] = (None, frozenset(persons.get(id, ())), tuple(rows.get(id, ())))
    return found


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


def conversation_filters(where: Where, q: ConversationQuery) -> Where:
    """The conditions of a conversations query (cycle, unit, person, status, kind)."""
    where.add("cycle = {}", q.cycle)
    where.add("unit = {}", q.unit)
    where.add("id IN (SELECT conversation FROM conversation_people WHERE person = {})", q.person)
    where.one_of("status", None if q.statuses is None else (s.value for s in q.statuses))
    where.one_of("kind", None if q.kinds is None else (k.value for k in q.kinds))
    return where


def agreement_filters(where: Where, q: AgreementQuery) -> Where:
    """The conditions of an agreements query on ``agreements a`` (see :class:`AgreementQuery`)."""
    where.add("a.owner = {}", q.owner)
    where.add("a.unit = {}", q.unit)
    where.add("a.cycle = {}", q.cycle)
    where.one_of("a.status", None if q.statuses is None else (s.value for s in q.statuses))
    where.add("a.deadline < {}", None if q.due_before is None else q.due_before.isoformat())
    where.add("a.deadline >= {}", None if q.due_from is None else q.due_from.isoformat())
    if not q.include_uncounted:
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
                ix.unit,
                ix.cycle,
            )
            for a in ix.agreements
        )
    # A batch's entries share one time: each time is formatted once, not once per row.
    last: Any = None
    stamp = ""
    for e in audit:
        if e.at is not last:
            last, stamp = e.at, format_datetime(e.at)
        rows.audit_log.append(
            (
                e.kind,
                e.id,
                e.revision,
                e.actor,
                e.action,
                stamp,
                e.document_hash,
                e.seal,
                e.nonce,
                e.previous,
                e.hash,
            )
        )
    return rows
