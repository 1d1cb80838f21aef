"""``PostgresStore``: PostgreSQL through psycopg 3, for several app processes at scale.

Install the extra: ``pip install 'musframework[postgres]'``; psycopg is imported when a store
is created, not when this module is imported.

* Documents are ``JSONB`` with indexed columns; conversations have side tables for people
  and agreements, as in :mod:`musframework.storage.sqlite`.
* Each save, delete or unit of work is one transaction. The documents it changes are locked
  (``SELECT … FOR UPDATE``) and their revisions checked before anything is written, so two
  processes saving the same document cannot both win: the second gets a
  :class:`~musframework.errors.ConflictError`.
* New rows (documents, side-table rows, audit entries) are written with ``COPY``, one per
  table and batch; changed documents with ``executemany`` ``UPDATE``, which psycopg sends in
  pipeline mode. Either way a batch costs a few network round trips, never one per row.
* The schema (in ``schema``, ``public`` by default) is created on first use and upgraded in
  place under an advisory lock, so processes starting together do not race.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import MissingExtraError, StorageError
from musframework.model import Conversation, ConversationKind, Questionnaire
from musframework.progress import gc_paused
from musframework.storage._integrity import SideRows, body_hash
from musframework.storage._sql import (
    AUDIT_SELECT,
    COLUMNS,
    SIDE_ROW_QUERIES,
    Where,
    agreement_filters,
    audit_entry,
    conversation_filters,
    conversation_row,
    schema_steps,
    side_rows,
    table_rows,
)
from musframework.storage.base import (
    AgreementQuery,
    BaseStore,
    ConversationQuery,
    Write,
    check_actor,
    kind_of,
    link_audit,
)
from musframework.storage.protocol import AgreementRecord, AuditEntry, Document, Stored

__all__ = [
    "CHAIN_LOCK",
    "COPY_AGREEMENTS",
    "COPY_AUDIT",
    "COPY_CONVERSATIONS",
    "COPY_DOCUMENTS",
    "COPY_PEOPLE",
    "PooledPostgresStore",
    "PostgresStore",
    "SCHEMA",
    "open_url",
    "rows_for",
]

SCHEMA: tuple[str, ...] = schema_steps(
    json="JSONB", serial="BIGSERIAL", field="{body}->>'{key}'", collate=' COLLATE "C"'
)
"""The schema, one upgrade step per entry (the applied count is kept in ``store_meta``)."""

_LOCK_KEY = 0x6D75_7366  # "musf": the advisory lock taken while the schema is upgraded


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtraError("postgres", "postgres") from exc
    return psycopg


def _copy(table: str) -> str:
    return f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN"


COPY_CONVERSATIONS = _copy("conversations")
"""Copies new conversations in (rows from :func:`rows_for`)."""
COPY_DOCUMENTS = _copy("documents")
"""Copies new documents other than conversations in."""
COPY_PEOPLE = _copy("conversation_people")
"""Copies the participants of the conversations written in."""
COPY_AGREEMENTS = _copy("agreements")
"""Copies the agreements of the conversations written in."""
CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.mf_audit_chain'))"
"""Serialises the writers of one schema (the audit log is a hash chain: one link at a time)."""


def _chain_start(cur: Any) -> str:
    """Take the chain's lock, then read the hash of the audit log's last entry.

    Two statements in one round trip; the second runs after the lock is granted, with a
    snapshot of its own, so it sees every entry committed before (``""``: none yet).
    """
    cur.execute(CHAIN_LOCK + "; SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    cur.nextset()
    row = cur.fetchone()
    return "" if row is None or row[0] is None else str(row[0])


COPY_AUDIT = _copy("audit_log")
"""Copies the audit entries of a batch in."""


def rows_for(
    writes: Sequence[Write], audit: Sequence[AuditEntry]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows :class:`PostgresStore` copies in for a batch, by ``COPY`` statement.

    New conversations and documents; the people and agreements of every conversation written
    (those of a changed conversation are deleted first); the audit entries (see
    :func:`musframework.storage._sql.table_rows`). Changed documents are updated in place and
    are not among these rows. Public so that the benchmark can time a raw ``COPY`` of the
    very same rows.
    """
    rows = table_rows(writes, audit)
    return {
        COPY_CONVERSATIONS: rows.conversations,
        COPY_DOCUMENTS: rows.documents,
        COPY_PEOPLE: rows.conversation_people,
        COPY_AGREEMENTS: rows.agreements,
        COPY_AUDIT: rows.audit_log,
    }


def _copy_in(cur: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    for statement, statement_rows in rows.items():
        if statement_rows:
            with cur.copy(statement) as copy:
                for row in statement_rows:
                    copy.write_row(row)


class PostgresStore(BaseStore):
    """A store in a PostgreSQL database.

    Args:
        dsn: A libpq connection string or ``postgresql://`` URL.
        schema: The database schema holding the tables (created when missing).
        clock: The clock for audit log times.

    Raises:
        MissingExtraError: when psycopg is not installed.
        StorageError: when the database cannot be reached.
    """

    def __init__(self, dsn: str, *, schema: str = "public", clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        psycopg = _psycopg()
        self._psycopg = psycopg
        self.schema = schema
        self._lock = threading.RLock()
        self._held = threading.local()  # the connection of an ``_atomic()`` block, per thread
        self._conn: Any = self._setup(dsn)

    def _setup(self, dsn: str) -> Any:
        # One connection with the schema created, upgraded and on the search path.
        psycopg = self._psycopg
        try:
            conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            raise StorageError(Message("error.store.pg-connect", {"detail": str(exc)})) from exc
        ident = psycopg.sql.Identifier(self.schema)
        conn.execute(psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ident))
        self._search_path(conn)
        self._upgrade(conn)
        return conn

    def _search_path(self, conn: Any) -> None:
        sql = self._psycopg.sql
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))

    def __repr__(self) -> str:
        return f"PostgresStore(schema={self.schema!r})"

    def _upgrade(self, conn: Any) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute("CREATE TABLE IF NOT EXISTS store_meta (version INTEGER)")
            row = conn.execute("SELECT version FROM store_meta").fetchone()
            current = 0 if row is None else int(row[0])
            if current > len(SCHEMA):
                raise StorageError(
                    Message("error.store.schema-newer", {"found": current, "known": len(SCHEMA)})
                )
            for step in SCHEMA[current:]:
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if row is None:
                conn.execute("INSERT INTO store_meta VALUES (%s)", (len(SCHEMA),))
            else:
                conn.execute("UPDATE store_meta SET version = %s", (len(SCHEMA),))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if not self._conn.closed:
                self._conn.close()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        with self._lock:
            if self._conn.closed:
                raise StorageError(Message("error.store.closed", {"store": "PostgreSQL"}))
            yield self._conn

    @contextmanager
    def _atomic(self) -> Iterator[bool]:
        # Every call of this thread inside the block runs on one connection, in one
        # transaction; their own transactions become savepoints of it.
        try:
            with self._read() as conn, conn.transaction():
                self._held.conn = conn
                try:
                    yield True
                finally:
                    self._held.conn = None
        except self._psycopg.Error as exc:  # the final COMMIT
            raise StorageError(
                Message("error.store.failed", {"store": "PostgreSQL", "detail": str(exc)})
            ) from exc

    # ------------------------------------------------------------------ primitives

    def _fetch(self, kind: str, id: str, version: str) -> tuple[int, Any] | None:
        with self._read() as conn:
            if kind == "conversation":
                cur = conn.execute(
                    "SELECT revision, body::text FROM conversations WHERE id = %s", (id,)
                )
            else:
                cur = conn.execute(
                    "SELECT revision, body::text FROM documents "
                    "WHERE kind = %s AND id = %s AND version = %s",
                    (kind, id, version),
                )
            row = cur.fetchone()
        return None if row is None else (row[0], row[1])

    def _fetch_all(self, kind: str) -> list[tuple[int, Any]]:
        with self._read() as conn:
            if kind == "conversation":
                cur = conn.execute(
                    'SELECT revision, body::text FROM conversations ORDER BY id COLLATE "C"'
                )
            else:
                cur = conn.execute(
                    "SELECT revision, body::text FROM documents WHERE kind = %s "
                    'ORDER BY id COLLATE "C", version COLLATE "C"',
                    (kind,),
                )
            return [(r[0], r[1]) for r in cur.fetchall()]

    def _locked_revisions(
        self, conn: Any, writes: Sequence[Write]
    ) -> dict[tuple[str, str, str], int]:
        found: dict[tuple[str, str, str], int] = {}
        conv_ids = [w.id for w in writes if w.kind == "conversation"]
        if conv_ids:
            for id, rev in conn.execute(
                "SELECT id, revision FROM conversations WHERE id = ANY(%s) FOR UPDATE",
                (conv_ids,),
            ):
                found[("conversation", id, "")] = rev
        docs = [w for w in writes if w.kind != "conversation"]
        if docs:
            for kind, id, version, rev in conn.execute(
                "SELECT d.kind, d.id, d.version, d.revision FROM documents d "
                "JOIN unnest(%s::text[], %s::text[], %s::text[]) AS k(kind, id, version) "
                "ON d.kind = k.kind AND d.id = k.id AND d.version = k.version FOR UPDATE OF d",
                ([w.kind for w in docs], [w.id for w in docs], [w.version for w in docs]),
            ):
                found[(kind, id, version)] = rev
        return found

    @contextmanager
    def _transaction(self, writes: Sequence[Write]) -> Iterator[tuple[Any, str]]:
        """A cursor in a transaction that has locked and checked the revisions of ``writes``.

        Yields the cursor and the hash of the audit log's last entry (the chain is locked).

        psycopg errors become ``ConflictError`` (a new document another process created
        meanwhile) or ``StorageError``.
        """
        psycopg = self._psycopg
        try:
            with self._read() as conn, conn.transaction(), conn.cursor() as cur:
                # trust: one writer at a time appends to the audit log's hash chain.
                head = _chain_start(cur)
                stored = self._locked_revisions(conn, writes)
                for w in writes:
                    actual = stored.get((w.kind, w.id, w.version), 0)
                    if actual != w.expected:
                        raise w.conflict(actual)
                yield cur, head
        except psycopg.errors.UniqueViolation:
            # Another process created one of the new documents after our check.
            for w in writes:
                if w.expected == 0 and self._fetch(w.kind, w.id, w.version) is not None:
                    raise w.conflict(1) from None
            raise  # pragma: no cover - a unique violation we cannot attribute
        except psycopg.Error as exc:
            raise StorageError(
                Message("error.store.failed", {"store": "PostgreSQL", "detail": str(exc)})
            ) from exc

    def _commit(
        self,
        writes: Sequence[Write],
        audit: Sequence[AuditEntry],
        rename: tuple[str, ...] | None = None,
    ) -> None:
        with self._transaction(writes) as (cur, head):
            self._apply(cur, writes, audit, head)
            if rename is not None:
                old, new, *aliases = rename
                # The seal stays and the chain holds; the nonce goes (see _integrity).
                cur.executemany(
                    "UPDATE audit_log SET actor = %s, nonce = NULL WHERE actor = %s",
                    [(new, actor) for actor in (old, *aliases)],
                )
                cur.execute(
                    "UPDATE audit_log SET id = %s, nonce = NULL WHERE kind = 'person' AND id = %s",
                    (new, old),
                )

    def save_many(
        self,
        documents: Iterable[Document],
        *,
        actor: str = "system",
        chunk: int = 5000,
        atomic: bool = True,
    ) -> int:
        """Save many new documents (revision 0), all in one transaction unless asked otherwise.

        As :meth:`BaseStore.save_many`: ``chunk`` documents at a time, the whole call one
        transaction (each chunk a savepoint in it), or one transaction per chunk with
        ``atomic=False``. Returns the number saved. Each conversation is serialized while
        the server is still storing the ones before it: they stream into one ``COPY``. The
        garbage collector is paused meanwhile, as in :meth:`BaseStore.save_many`.
        """
        check_actor(actor)
        batch: list[Document] = []
        count = 0
        with gc_paused(), self._atomic() if atomic else nullcontext(True):
            for document in documents:
                batch.append(document)
                if len(batch) >= chunk:
                    self._save_new(batch, actor)
                    count += len(batch)
                    batch = []
            if batch:
                self._save_new(batch, actor)
        return count + len(batch)

    def _save_new(self, documents: Sequence[Document], actor: str) -> None:
        check_actor(actor)
        keys = [
            Write(
                kind=kind_of(type(d)),
                id=d.id,
                version=d.version if isinstance(d, Questionnaire) else "",
                expected=0,
                revision=1,
                body=None,
                schema_version=0,
                index=None,
                action="create",
            )
            for d in documents
        ]
        seen: set[tuple[str, str, str]] = set()
        for k in keys:
            if (k.kind, k.id, k.version) in seen:
                raise StorageError(
                    Message(
                        "error.store.twice", {"kind": Message(f"document.{k.kind}"), "id": k.name}
                    )
                )
            seen.add((k.kind, k.id, k.version))
        at = self.clock.now()
        with self._transaction(keys) as (cur, head):
            writes: list[Write] = []
            if any(k.kind == "conversation" for k in keys):
                # A worker thread sends to the server while this one serializes the next.
                writer = self._psycopg.copy.QueuedLibpqWriter(cur)
                with cur.copy(COPY_CONVERSATIONS, writer=writer) as copy:
                    for document in documents:
                        w = self._prepare(document, 0)
                        writes.append(w)
                        if w.index is not None:
                            copy.write_row(conversation_row(w, w.index))
            else:
                writes = [self._prepare(d, 0) for d in documents]
            audit = [
                AuditEntry(
                    kind=w.kind,
                    id=w.name,
                    revision=1,
                    actor=actor,
                    action="create",
                    at=at,
                    document_hash=body_hash(w.body),
                )
                for w in writes
            ]
            audit = link_audit(head, audit)  # trust: the hash chain
            rows = rows_for(writes, audit)
            del rows[COPY_CONVERSATIONS]
            _copy_in(cur, rows)

    def _apply(
        self, cur: Any, writes: Sequence[Write], audit: Sequence[AuditEntry], head: str
    ) -> None:
        # Existing rows are updated in place, not deleted and inserted again: a writer waiting
        # in SELECT ... FOR UPDATE then sees the new row version (and its revision).
        changed = [w for w in writes if w.expected and w.body is not None]
        old_convs = [w.id for w in writes if w.kind == "conversation" and w.expected]
        gone_convs = [w.id for w in writes if w.kind == "conversation" and w.body is None]
        gone_docs = [
            (w.kind, w.id, w.version) for w in writes if w.kind != "conversation" and w.body is None
        ]
        if old_convs:  # their people and agreements are copied in again below
            cur.execute(
                "DELETE FROM conversation_people WHERE conversation = ANY(%s)", (old_convs,)
            )
            cur.execute("DELETE FROM agreements WHERE conversation = ANY(%s)", (old_convs,))
        if gone_convs:
            cur.execute("DELETE FROM conversations WHERE id = ANY(%s)", (gone_convs,))
        if gone_docs:
            cur.executemany(
                "DELETE FROM documents WHERE kind = %s AND id = %s AND version = %s", gone_docs
            )
        changed_convs = [
            (
                w.revision,
                w.schema_version,
                w.index.cycle,
                w.index.unit,
                w.index.kind,
                w.index.status,
                w.index.start,
                w.body,
                w.id,
            )
            for w in changed
            if w.index is not None
        ]
        if changed_convs:
            cur.executemany(
                "UPDATE conversations SET revision = %s, schema_version = %s, cycle = %s, "
                "unit = %s, kind = %s, status = %s, start = %s, body = %s::jsonb "
                "WHERE id = %s",
                changed_convs,
            )
        changed_docs = [
            (w.revision, w.schema_version, w.body, w.kind, w.id, w.version)
            for w in changed
            if w.index is None
        ]
        if changed_docs:
            cur.executemany(
                "UPDATE documents SET revision = %s, schema_version = %s, body = %s::jsonb "
                "WHERE kind = %s AND id = %s AND version = %s",
                changed_docs,
            )
        audit = link_audit(head, audit)  # trust: the hash chain (``head``: see _chain_start)
        _copy_in(cur, rows_for(writes, audit))

    def _audit(self, kind: str | None, id: str | None) -> list[AuditEntry]:
        where, params = [], []
        if kind is not None:
            where.append("kind = %s")
            params.append(kind)
        if id is not None:
            where.append("id = %s")
            params.append(id)
        sql = AUDIT_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [audit_entry(row) for row in rows]

    def _side_rows(self) -> SideRows:
        with self._read() as conn:
            return side_rows([conn.execute(sql).fetchall() for sql in SIDE_ROW_QUERIES])

    def _compact(self) -> None:
        with self._read() as conn:
            for table in (
                "documents",
                "conversations",
                "conversation_people",
                "agreements",
                "audit_log",
            ):
                conn.execute(f"VACUUM FULL {table}")

    # ------------------------------------------------------------------ indexed queries

    def _conversation_list(self, sql: str, params: Sequence[Any]) -> list[Stored[Conversation]]:
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
        with gc_paused():  # see BaseStore.save_many
            return [Stored(self._structure(b, Conversation, "conversation"), r) for r, b in rows]

    def _query_conversations(self, q: ConversationQuery) -> list[Stored[Conversation]]:
        where = conversation_filters(Where("%s", array_any=True), q)
        sql = "SELECT revision, body::text FROM conversations" + where.sql()
        return self._conversation_list(sql + ' ORDER BY id COLLATE "C"', where.params)

    def _count_conversations(self, q: ConversationQuery) -> int:
        where = conversation_filters(Where("%s", array_any=True), q)
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM conversations" + where.sql(), where.params)
            return int(row.fetchone()[0])

    def _page_conversations(
        self, q: ConversationQuery, after: str | None, limit: int
    ) -> list[Stored[Conversation]]:
        where = conversation_filters(Where("%s", array_any=True), q)
        where.add('id COLLATE "C" > {}', after)
        sql = "SELECT revision, body::text FROM conversations" + where.sql()
        sql += ' ORDER BY id COLLATE "C" LIMIT %s'
        return self._conversation_list(sql, [*where.params, limit])

    def _query_previous(
        self, person: str, kind: ConversationKind, before: int | None
    ) -> Stored[Conversation] | None:
        sql = (
            "SELECT c.revision, c.body::text FROM conversations c WHERE c.kind = %s "
            "AND c.start IS NOT NULL AND c.id IN (SELECT conversation FROM conversation_people "
            "WHERE person = %s AND role IN ('employee', 'group_member'))"
        )
        params: list[Any] = [kind.value, person]
        if before is not None:
            sql += " AND c.start < %s"
            params.append(before)
        sql += ' ORDER BY c.start DESC, c.id COLLATE "C" DESC LIMIT 1'
        found = self._conversation_list(sql, params)
        return found[0] if found else None

    def _query_agreements(self, q: AgreementQuery) -> list[AgreementRecord]:
        where = agreement_filters(Where("%s", array_any=True), q)
        sql = "SELECT a.conversation, a.position, a.body::text, a.schema_version FROM agreements a"
        sql += where.sql()
        sql += (
            ' ORDER BY a.deadline IS NULL, a.deadline COLLATE "C", '
            'a.conversation COLLATE "C", a.position'
        )
        with self._read() as conn:
            rows = conn.execute(sql, where.params).fetchall()
        return self._agreement_records(rows)

    def _count_agreements(self, q: AgreementQuery) -> int:
        where = agreement_filters(Where("%s", array_any=True), q)
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM agreements a" + where.sql(), where.params)
            return int(row.fetchone()[0])

    def _query_versions(self, id: str) -> list[str]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT version FROM documents WHERE kind = 'questionnaire' AND id = %s", (id,)
            ).fetchall()
        return [r[0] for r in rows]


class PooledPostgresStore(PostgresStore):
    """A PostgreSQL store for many threads: each call borrows a connection from a pool.

    One instance is shared by every thread of a process (a web app's workers): calls run
    in parallel on up to ``max_size`` connections, instead of one after the other on the
    single connection of :class:`PostgresStore`. Transactions and revision checks are the
    same. Needs ``psycopg_pool`` (part of the ``postgres`` extra).

    Args:
        dsn: A libpq connection string or ``postgresql://`` URL.
        schema: The database schema holding the tables (created when missing).
        clock: The clock for audit log times.
        min_size: Connections kept open.
        max_size: Connections at most; a call waits for a free one up to ``timeout``.
        timeout: Seconds to wait for a connection.

    Raises:
        MissingExtraError: when psycopg or psycopg_pool is not installed.
        StorageError: when the database cannot be reached.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        clock: Clock | None = None,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 30.0,
    ) -> None:
        BaseStore.__init__(self, clock=clock)
        self._psycopg = _psycopg()
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:  # pragma: no cover - exercised only without the extra
            raise MissingExtraError("postgres", "postgres") from None
        self.schema = schema
        self._lock = threading.RLock()
        self._held = threading.local()
        self._setup(dsn).close()  # schema created and upgraded once, before the pool opens
        self._pool: Any = ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True},
            configure=self._search_path,
            open=True,
        )

    def __repr__(self) -> str:
        return f"PooledPostgresStore(schema={self.schema!r}, max_size={self._pool.max_size})"

    def close(self) -> None:
        """Close the pool and its connections."""
        self._pool.close()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        if self._pool.closed:
            raise StorageError(Message("error.store.closed", {"store": "PostgreSQL"}))
        held = getattr(self._held, "conn", None)
        if held is not None:  # inside ``_atomic()``: the connection of its transaction
            yield held
            return
        try:
            with self._pool.connection() as conn:
                yield conn
        except self._pool_timeout() as exc:
            raise StorageError(Message("error.store.pg-connect", {"detail": str(exc)})) from exc

    @staticmethod
    def _pool_timeout() -> type[Exception]:
        from psycopg_pool import PoolTimeout

        return PoolTimeout


def open_url(url: str, **options: Any) -> PostgresStore:
    """Open a ``postgresql://`` (or ``postgres://``) URL; ``options`` go to the store.

    ``pool=True`` opens a :class:`PooledPostgresStore` (``min_size``, ``max_size`` and
    ``timeout`` go to its pool).
    """
    if options.pop("pool", False):
        return PooledPostgresStore(url, **options)
    return PostgresStore(url, **options)
