"""Storage: the :class:`Store` protocol, one module per backend, and a URL registry.

>>> import musframework as mf
>>> store = mf.storage.open("memory://")
>>> store.save(mf.Person(id="p1", name="Ane Holm"))
1
>>> store.load(mf.Person, "p1")
Stored(document=Person(id='p1', name='Ane Holm', email=None), revision=1)

Backends are chosen by URL scheme: ``memory://``, ``sqlite:///path/to/file.db`` and
``postgresql://user@host/db`` are built in. Other packages add a scheme through the entry
point group ``musframework.stores`` (the built-ins are declared the same way) or at runtime
with :func:`register_store`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from musframework._registry import Registry
from musframework.catalogue import Message
from musframework.errors import RegistryError, StorageError
from musframework.storage._integrity import IntegrityReport
from musframework.storage.base import BaseStore
from musframework.storage.memory import MemoryStore
from musframework.storage.postgres import PooledPostgresStore, PostgresStore
from musframework.storage.protocol import (
    DOCUMENT_KINDS,
    AgreementRecord,
    AuditEntry,
    Document,
    Store,
    Stored,
    UnitOfWork,
)
from musframework.storage.sqlite import SQLiteStore

__all__ = [
    "AgreementRecord",
    "AuditEntry",
    "BaseStore",
    "DOCUMENT_KINDS",
    "Document",
    "IntegrityReport",
    "MemoryStore",
    "PooledPostgresStore",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoreOpener",
    "Stored",
    "UnitOfWork",
    "open",
    "register_store",
    "store_schemes",
    "unregister_store",
]

StoreOpener = Callable[..., Store]
"""Opens a store: called with the whole URL and the keyword options given to :func:`open`."""

_STORES: Registry[StoreOpener] = Registry("store", "musframework.stores")


def register_store(scheme: str, opener: StoreOpener, *, replace: bool = False) -> StoreOpener:
    """Register ``opener`` for URLs starting with ``scheme://``."""
    return _STORES.register(scheme, opener, replace=replace)


def unregister_store(scheme: str) -> StoreOpener:
    """Remove the opener registered for ``scheme`` and return it."""
    return _STORES.unregister(scheme)


def store_schemes() -> list[str]:
    """The URL schemes that can be opened (installed entry points included)."""
    return _STORES.names()


def open(url: str, **options: Any) -> Store:
    """Open the store a URL names; ``options`` (such as ``clock``) go to the backend.

    Raises:
        StorageError: for a URL without a scheme, or a scheme no backend registered.
    """
    scheme, sep, _ = url.partition(":")
    if not sep or not scheme:
        raise StorageError(Message("error.store.url", {"url": url}))
    try:
        opener = _STORES.get(scheme.lower())
    except RegistryError as exc:
        raise StorageError(exc.message) from None
    return opener(url, **options)
