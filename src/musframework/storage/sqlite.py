"""``SQLiteStore``: the embedded default, on the standard library's ``sqlite3``.

* WAL mode (readers never wait for the writer), ``synchronous=NORMAL``, ``secure_delete`` so
  deleted content is overwritten, and a busy timeout so several processes can share a file.
* One transaction (``BEGIN IMMEDIATE``) per save, delete or unit of work; many rows are
  written with ``executemany``.
* Documents are stored as JSON text. Conversations have their own table with indexed columns
  (cycle, unit, kind, status, start), and two side tables answer the person and agreement
  queries from indexes: ``conversation_people`` and ``agreements`` (owner, status, deadline,
  and what decides whether an agreement counts: its conversation's status and ``previous``,
  and its ``continues``; see :mod:`musframework.model.round`).
* The schema is created on first use and upgraded in place: ``PRAGMA user_version`` counts
  the steps in ``SCHEMA`` that have been applied.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import LoadError, StorageError
from musframework.model import Conversation, ConversationKind, Finding
from musframework.progress import gc_paused
from musframework.storage._integrity import SideRows
from musframework.storage._sql import (
    AUDIT_SELECT,
    COLUMNS,
    SIDE_ROW_QUERIES,
    Where,
    agreement_filters,
    audit_entry,
    conversation_filters,
    schema_steps,
    side_rows,
    table_rows,
)
from musframework.storage.base import (
    AgreementQuery,
    BaseStore,
    ConversationQuery,
    Write,
    link_audit,
)
from musframework.storage.protocol import AgreementRecord, AuditEntry, Stored

__all__ = [
    "BULK_CACHE",
    "READ_CACHE",
    "SCHEMA",
    "SQLiteStore",
    "connect",
    "open_url",
    "rows_for",
    "upgrade",
]

SCHEMA: tuple[str, ...] = schema_steps(
    json="TEXT", serial="INTEGER", field="json_extract({body}, '$.{key}')"
)
"""The schema, one upgrade step per entry; a file at step N is upgraded by N+1, N+2 …"""


def _insert(table: str) -> str:
    columns = COLUMNS[table]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})"


INSERT_CONVERSATION = _insert("conversations")
INSERT_DOCUMENT = _insert("documents")
INSERT_PERSON = _insert("conversation_people")
INSERT_AGREEMENT = _insert("agreements")
INSERT_AUDIT = _insert("audit_log")


def rows_for(
    writes: Sequence[Write], audit: Sequence[AuditEntry]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows :class:`SQLiteStore` inserts for a batch, by ``INSERT`` statement.

    New conversations and documents, the people and agreements of every conversation
    written, and the audit entries (see :func:`musframework.storage._sql.table_rows`).
    Public so that the benchmark can time the raw ``executemany`` of the very same rows.
    """
    rows = table_rows(writes, audit)
    return {
        INSERT_CONVERSATION: rows.conversations,
        INSERT_DOCUMENT: rows.documents,
        INSERT_PERSON: rows.conversation_people,
        INSERT_AGREEMENT: rows.agreements,
        INSERT_AUDIT: rows.audit_log,
    }


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open ``path`` with the settings the store uses (WAL, autocommit, busy timeout, cache)."""
    conn = sqlite3.connect(os.fspath(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and os.fspath(path) != ":memory:":
        conn.close()
        raise StorageError(Message("error.store.wal", {"path": os.fspath(path), "mode": mode}))
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute(f"PRAGMA cache_size = {READ_CACHE}")
    return conn


READ_CACHE = -2000
"""The page cache of a store's connection, in KiB when negative (SQLite's default, 2 MiB).

A read of a whole round pages through the file once, so a larger cache only holds pages
that are not read again; the memory goes to the round instead.
"""

BULK_CACHE = -65536
"""The page cache while ``SQLiteStore.save_many`` runs (64 MiB, then back to the size before).

A bulk save touches index pages all over the file; with a small cache they are written to
the write-ahead log again and again.
"""


def upgrade(conn: sqlite3.Connection, target: int = len(SCHEMA)) -> int:
    """Apply the schema steps up to ``target`` in one transaction; returns the version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > len(SCHEMA):
        raise StorageError(
            Message("error.store.schema-newer", {"found": current, "known": len(SCHEMA)})
        )
    if current >= target:
        return int(current)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in SCHEMA[current:target]:
            for statement in step.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {max(current, target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return max(int(current), target)


def _head(conn: sqlite3.Connection) -> str:
    """The hash of the audit log's last entry (``""`` when none, or from before the chain)."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return "" if row is None or row[0] is None else str(row[0])


def _cannot_open(path: object, exc: BaseException) -> Message:
    return Message("error.store.open", {"path": repr(path), "detail": str(exc)})


class SQLiteStore(BaseStore):
    """A store in one SQLite file (the embedded default).

    Args:
        path: The database file; created with its schema on first use, upgraded in place.
        clock: The clock for audit log times.

    >>> import musframework as mf, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mus.db"
    >>> with SQLiteStore(path) as store:
    ...     store.save(mf.Person(id="p1", name="Ane"))
    1
    """

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self.path = os.fspath(path)
        self._lock = threading.RLock()
        self._open = False  # a transaction of ``_atomic()`` is open
        try:
            self._conn: sqlite3.Connection | None = connect(self.path)
        except sqlite3.Error as exc:
            raise StorageError(_cannot_open(self.path, exc)) from exc
        try:
            upgrade(self._conn)
        except BaseException as exc:
            self._conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StorageError(_cannot_open(self.path, exc)) from exc
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection (raises :class:`StorageError` once closed)."""
        if self._conn is None:
            raise StorageError(Message("error.store.closed", {"store": repr(self.path)}))
        return self._conn

    def close(self) -> None:
        """Close the connection (a closed store raises :class:`StorageError` when used).

        A store that is garbage-collected while open closes its connection then, so a
        notebook that forgets ``close()`` leaks no file handle; ``with SQLiteStore(...)``
        closes it at a known moment, which is what an application wants.
        """
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __del__(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            self._conn = None
            conn.close()

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        # The bulk page cache for one save_many call (see BULK_CACHE), then the size it had
        # (READ_CACHE unless the application set its own). The lock is held only for the
        # pragmas: with atomic=False other threads read between the chunks.
        with self._lock:
            conn = self.connection
            before = conn.execute("PRAGMA cache_size").fetchone()[0]
            conn.execute(f"PRAGMA cache_size = {min(BULK_CACHE, before)}")
        try:
            yield
        finally:
            with self._lock:
                if self._conn is not None:
                    self._conn.execute(f"PRAGMA cache_size = {int(before)}")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.connection
            except sqlite3.OperationalError as exc:
                # Another program left text that is not UTF-8 (sqlite3 cannot decode it).
                if "decode" not in str(exc):
                    raise
                raise LoadError(
                    Message("error.store.not-utf8", {"store": repr(self.path)}),
                    [Finding.error("load.encoding", "", position="?")],
                    source=self.path,
                ) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # Inside ``_atomic()`` (same thread: the lock is held) a transaction joins the open one.
        with self._lock:
            conn = self.connection
            if self._open:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            self._open = True
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                self._open = False
            conn.execute("COMMIT")

    @contextmanager
    def _atomic(self) -> Iterator[bool]:
        try:
            with self._transaction():
                yield True
        except sqlite3.Error as exc:  # the final COMMIT
            raise StorageError(
                Message("error.store.failed", {"store": repr(self.path), "detail": str(exc)})
            ) from exc

    # ------------------------------------------------------------------ primitives

    def _fetch(self, kind: str, id: str, version: str) -> tuple[int, Any] | None:
        with self._read() as conn:
            if kind == "conversation":
                row = conn.execute(
                    "SELECT revision, body FROM conversations WHERE id = ?", (id,)
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT revision, body FROM documents WHERE kind = ? AND id = ? "
                    "AND version = ?",
                    (kind, id, version),
                ).fetchone()
        return None if row is None else (row[0], row[1])

    def _fetch_all(self, kind: str) -> list[tuple[int, Any]]:
        with self._read() as conn:
            if kind == "conversation":
                cur = conn.execute("SELECT revision, body FROM conversations ORDER BY id")
            else:
                cur = conn.execute(
                    "SELECT revision, body FROM documents WHERE kind = ? ORDER BY id, version",
                    (kind,),
                )
            return cur.fetchall()

    def _revision(self, conn: sqlite3.Connection, w: Write) -> int:
        if w.kind == "conversation":
            row = conn.execute("SELECT revision FROM conversations WHERE id = ?", (w.id,))
        else:
            row = conn.execute(
                "SELECT revision FROM documents WHERE kind = ? AND id = ? AND version = ?",
                (w.kind, w.id, w.version),
            )
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    def _find_conflict(self, conn: sqlite3.Connection, writes: Sequence[Write]) -> None:
        for w in writes:
            actual = self._revision(conn, w)
            if actual != w.expected:
                raise w.conflict(actual)
        raise StorageError(Message("error.store.write-failed"))  # pragma: no cover

    def _commit(
        self,
        writes: Sequence[Write],
        audit: Sequence[AuditEntry],
        rename: tuple[str, ...] | None = None,
    ) -> None:
        new = [w for w in writes if w.expected == 0 and w.body is not None]
        changed = [w for w in writes if w.expected != 0 and w.body is not None]
        deleted = [w for w in writes if w.body is None]
        conv_old = [(w.id,) for w in (*changed, *deleted) if w.kind == "conversation"]
        try:
            with self._transaction() as conn:
                if changed or deleted:
                    self._update(conn, changed, deleted)
                if conv_old:
                    conn.executemany(
                        "DELETE FROM conversation_people WHERE conversation = ?", conv_old
                    )
                    conn.executemany("DELETE FROM agreements WHERE conversation = ?", conv_old)
                audit = link_audit(_head(conn), audit)  # trust: the hash chain
                rows = rows_for(writes, audit)
                try:
                    conn.executemany(INSERT_CONVERSATION, rows[INSERT_CONVERSATION])
                    conn.executemany(INSERT_DOCUMENT, rows[INSERT_DOCUMENT])
                except sqlite3.IntegrityError:
                    self._find_conflict(conn, new)
                for sql in (INSERT_PERSON, INSERT_AGREEMENT, INSERT_AUDIT):
                    conn.executemany(sql, rows[sql])
                if rename is not None:
                    old, pseudonym, *aliases = rename
                    # The seal stays and the chain holds; the nonce goes (see _integrity).
                    conn.executemany(
                        "UPDATE audit_log SET actor = ?, nonce = NULL WHERE actor = ?",
                        [(pseudonym, actor) for actor in (old, *aliases)],
                    )
                    conn.execute(
                        "UPDATE audit_log SET id = ?, nonce = NULL "
                        "WHERE kind = 'person' AND id = ?",
                        (pseudonym, old),
                    )
        except sqlite3.Error as exc:
            raise StorageError(
                Message("error.store.failed", {"store": repr(self.path), "detail": str(exc)})
            ) from exc

    def _update(
        self, conn: sqlite3.Connection, changed: Sequence[Write], deleted: Sequence[Write]
    ) -> None:
        convs = [w for w in changed if w.kind == "conversation"]
        docs = [w for w in changed if w.kind != "conversation"]
        count = 0
        if convs:
            cur = conn.executemany(
                "UPDATE conversations SET revision = ?, schema_version = ?, cycle = ?, "
                "unit = ?, kind = ?, status = ?, start = ?, body = ? "
                "WHERE id = ? AND revision = ?",
                [
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
                        w.expected,
                    )
                    for w in convs
                    if w.index is not None
                ],
            )
            count += cur.rowcount
        if docs:
            cur = conn.executemany(
                "UPDATE documents SET revision = ?, schema_version = ?, body = ? "
                "WHERE kind = ? AND id = ? AND version = ? AND revision = ?",
                [
                    (w.revision, w.schema_version, w.body, w.kind, w.id, w.version, w.expected)
                    for w in docs
                ],
            )
            count += cur.rowcount
        for w in deleted:
            if w.kind == "conversation":
                cur = conn.execute(
                    "DELETE FROM conversations WHERE id = ? AND revision = ?", (w.id, w.expected)
                )
            else:
                cur = conn.execute(
                    "DELETE FROM documents WHERE kind = ? AND id = ? AND version = ? "
                    "AND revision = ?",
                    (w.kind, w.id, w.version, w.expected),
                )
            count += cur.rowcount
        if count != len(changed) + len(deleted):
            self._find_conflict(conn, [*changed, *deleted])

    def _audit(self, kind: str | None, id: str | None) -> list[AuditEntry]:
        where, params = [], []
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if id is not None:
            where.append("id = ?")
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
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ indexed queries

    def _conversation_list(self, sql: str, params: Sequence[Any]) -> list[Stored[Conversation]]:
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
        structure = self._structure
        with gc_paused():  # see BaseStore.save_many
            return [
                Stored(structure(body, Conversation, "conversation"), rev) for rev, body in rows
            ]

    def _query_conversations(self, q: ConversationQuery) -> list[Stored[Conversation]]:
        where = conversation_filters(Where("?"), q)
        sql = "SELECT revision, body FROM conversations" + where.sql()
        return self._conversation_list(sql + " ORDER BY id", where.params)

    def _count_conversations(self, q: ConversationQuery) -> int:
        where = conversation_filters(Where("?"), q)
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM conversations" + where.sql(), where.params)
            return int(row.fetchone()[0])

    def _page_conversations(
        self, q: ConversationQuery, after: str | None, limit: int
    ) -> list[Stored[Conversation]]:
        where = conversation_filters(Where("?"), q)
        where.add("id > {}", after)
        sql = "SELECT revision, body FROM conversations" + where.sql() + " ORDER BY id LIMIT ?"
        return self._conversation_list(sql, [*where.params, limit])

    def _query_previous(
        self, person: str, kind: ConversationKind, before: int | None
    ) -> Stored[Conversation] | None:
        sql = (
            "SELECT c.revision, c.body FROM conversation_people p "
            "JOIN conversations c ON c.id = p.conversation "
            "WHERE p.person = ? AND p.role IN ('employee', 'group_member') AND c.kind = ? "
            "AND c.start IS NOT NULL"
        )
        params: list[Any] = [person, kind.value]
        if before is not None:
            sql += " AND c.start < ?"
            params.append(before)
        found = self._conversation_list(sql + " ORDER BY c.start DESC, c.id DESC LIMIT 1", params)
        return found[0] if found else None

    def _query_agreements(self, q: AgreementQuery) -> list[AgreementRecord]:
        where = agreement_filters(Where("?"), q)
        sql = "SELECT a.conversation, a.position, a.body, a.schema_version FROM agreements a"
        sql += where.sql()
        sql += " ORDER BY a.deadline IS NULL, a.deadline, a.conversation, a.position"
        with self._read() as conn:
            rows = conn.execute(sql, where.params).fetchall()
        return self._agreement_records(rows)

    def _count_agreements(self, q: AgreementQuery) -> int:
        where = agreement_filters(Where("?"), q)
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM agreements a" + where.sql(), where.params)
            return int(row.fetchone()[0])

    def _query_versions(self, id: str) -> list[str]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT version FROM documents WHERE kind = 'questionnaire' AND id = ?", (id,)
            ).fetchall()
        return [r[0] for r in rows]

    def schema_version(self) -> int:
        """The store schema version of the file (the number of ``SCHEMA`` steps applied)."""
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])


def open_url(url: str, **options: Any) -> SQLiteStore:
    """Open ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``.

    As in SQLAlchemy, the path is what follows ``sqlite:///``; a fourth slash makes it
    absolute. ``options`` are passed to :class:`SQLiteStore` (for example ``clock``).
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise StorageError(
            Message("error.store.url-scheme", {"expected": "sqlite:///path/to/file.db", "url": url})
        )
    return SQLiteStore(url[len(prefix) :], **options)
