"""``MemoryStore``: documents in a dictionary, for tests, notebooks and examples.

Documents are kept as JSON text, exactly as a database backend keeps them, so a memory store
behaves like the others: loading returns a fresh object, old schema versions are migrated,
and nothing the caller does to an object after saving it changes the stored copy.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import StorageError
from musframework.serialization import loads
from musframework.storage.base import BaseStore, Write, link_audit, rename_entry
from musframework.storage.protocol import DOCUMENT_KINDS, AuditEntry

__all__ = ["MemoryStore", "open_url"]


class MemoryStore(BaseStore):
    """A store in memory; everything is lost when the object is dropped.

    Args:
        clock: The clock for audit log times.

    >>> import musframework as mf
    >>> store = MemoryStore()
    >>> store.save(mf.Person(id="p1", name="Ane"))
    1
    >>> store.load(mf.Person, "p1").revision
    1
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        # kind -> (id, version) -> (revision, JSON text, schema version, loaded object)
        self._docs: dict[str, dict[tuple[str, str], tuple[int, str, int, Any]]] = {}
        self._log: list[AuditEntry] = []
        self._lock = threading.Lock()

    @staticmethod
    def _row(kind: str, row: tuple[int, str, int, Any]) -> tuple[int, Any]:
        # The object loaded at save time is shared (models are frozen) unless the schema has
        # moved on since: then the text is loaded again, through the migrations.
        revision, text, version, loaded = row
        current = DOCUMENT_KINDS[kind].SCHEMA_VERSION
        return (revision, loaded if version == current else text)

    def _fetch(self, kind: str, id: str, version: str) -> tuple[int, Any] | None:
        row = self._docs.get(kind, {}).get((id, version))
        return None if row is None else self._row(kind, row)

    def _fetch_all(self, kind: str) -> list[tuple[int, Any]]:
        docs = self._docs.get(kind, {})
        return [self._row(kind, docs[key]) for key in sorted(docs)]

    def _commit(
        self,
        writes: Sequence[Write],
        audit: Sequence[AuditEntry],
        rename: tuple[str, ...] | None = None,
    ) -> None:
        loaded = [None if w.body is None else loads(w.body, DOCUMENT_KINDS[w.kind]) for w in writes]
        with self._lock:
            for w in writes:
                current = self._docs.get(w.kind, {}).get((w.id, w.version))
                actual = 0 if current is None else current[0]
                if actual != w.expected:
                    raise w.conflict(actual)
            for w, obj in zip(writes, loaded, strict=True):
                docs = self._docs.setdefault(w.kind, {})
                if w.body is None:
                    del docs[(w.id, w.version)]
                else:
                    docs[(w.id, w.version)] = (w.revision, w.body, w.schema_version, obj)
            if rename is not None:
                self._log = [rename_entry(e, *rename) for e in self._log]
            self._log.extend(link_audit(self._log[-1].hash if self._log else "", audit))

    def _audit(self, kind: str | None, id: str | None) -> list[AuditEntry]:
        return [
            e for e in self._log if (kind is None or e.kind == kind) and (id is None or e.id == id)
        ]

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}: {len(v)}" for k, v in sorted(self._docs.items()))
        return f"MemoryStore({counts})"


def open_url(url: str, **options: Any) -> MemoryStore:
    """Open ``memory://``: a new, empty :class:`MemoryStore` (``options`` go to it)."""
    if url.rstrip("/") != "memory:":
        raise StorageError(Message("error.store.url-scheme", {"expected": "memory://", "url": url}))
    return MemoryStore(**options)
