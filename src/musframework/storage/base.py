"""A base class that implements the whole :class:`~musframework.storage.Store` protocol.

A backend subclasses :class:`BaseStore` and implements a handful of primitives: read one
document, read every document of a kind, write a batch atomically (checking revisions), and
read and rewrite the audit log. The queries have plain Python implementations on top of those
primitives; a backend with indexes overrides the ``_query_*`` methods to answer from them.
The built-in backends and ``examples/json_directory_store.py`` are written this way.

Documents cross the primitive boundary as JSON text (or already parsed JSON data), produced by
:func:`musframework.serialization.dumps`, so every backend stores the schema version and older
documents are migrated when they are loaded.
"""

from __future__ import annotations

import abc
import contextlib
import datetime
import functools
import json
import re
import secrets
import sys
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, NamedTuple, TypeVar, cast

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import DEFAULT_TIMEZONE, Clock, resolve_clock
from musframework.errors import (
    ConflictError,
    InvalidValueError,
    MusframeworkError,
    NotFoundError,
    StorageError,
)
from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Finding,
    Group,
    LeaderChange,
    Organisation,
    OrganisationVersion,
    OrgUnit,
    PartDigest,
    Person,
    Questionnaire,
    Redaction,
    Role,
)
from musframework.model.conversation import parts_digest, signed_parts
from musframework.model.draft import ResponseDraft
from musframework.model.round import agreement_counts, overdue_filter, superseded_agreements
from musframework.model.source import ConversationSource
from musframework.progress import gc_paused
from musframework.serialization import dump_json, dumps, dumps_parts, from_dict, loads, to_dict
from musframework.signing import SignatureStatus, Signer, sign_redaction, verify
from musframework.storage._integrity import (
    IntegrityReport,
    SideRows,
    body_hash,
    chain,
    check_chain,
    check_documents,
    check_side_rows,
    check_signatures,
    renamed,
)
from musframework.storage._privacy import ERASED, Eraser, private_notes_removed, refers_to
from musframework.storage.protocol import (
    DOCUMENT_KINDS,
    AgreementRecord,
    AuditEntry,
    Document,
    Stored,
)

__all__ = [
    "AgreementQuery",
    "AgreementRow",
    "BaseStore",
    "ConversationIndex",
    "ConversationQuery",
    "StoreConversations",
    "Write",
    "bound_key",
    "check_actor",
    "kind_of",
    "link_audit",
    "natural_key",
    "rename_entry",
    "utc_key",
]

D = TypeVar("D")

_KINDS = {cls: name for name, cls in DOCUMENT_KINDS.items()}
_DEVELOPED = (Role.EMPLOYEE, Role.GROUP_MEMBER)


def kind_of(cls: type[Any]) -> str:
    """The kind name of a document type (``Conversation`` -> ``"conversation"``).

    Raises:
        StorageError: for a type a store does not keep.
    """
    try:
        return _KINDS[cls]
    except KeyError:
        known = ", ".join(c.__name__ for c in _KINDS)
        raise StorageError(
            Message("error.store.kind", {"known": known, "type": cls.__name__})
        ) from None


def check_actor(actor: str) -> str:
    """``actor`` if it can be an audit actor: a person id or a system name.

    The audit log keeps ids, never names or addresses, so that erasing a person leaves
    nothing behind: an actor with white space or an ``@`` (a name, an e-mail address) is
    refused. Map your users to their person ids before saving.

    Raises:
        StorageError: for an empty actor, or one with white space or ``@``.
    """
    if not actor or "@" in actor or any(ch.isspace() for ch in actor):
        raise StorageError(Message("error.store.actor"))
    return actor


def _twice(kind: str, name: str) -> Message:
    return Message("error.store.twice", {"kind": Message(f"document.{kind}"), "id": name})


def natural_key(version: str) -> tuple[Any, ...]:
    """Sort key that puts ``"2"`` before ``"10"`` (runs of 0-9 compare as numbers).

    A run compares by its length without leading zeros, then by its digits: as numbers of
    any size, without converting them (and other characters that look like digits, such as
    ``"²"``, are text).
    """
    key = []
    for part in _RUNS.findall(str(version)):
        if part[0] in _DIGITS:
            number = part.lstrip("0")
            key.append((0, len(number), number))
        else:
            key.append((1, 0, part))
    return tuple(key)


_RUNS = re.compile(r"[0-9]+|[^0-9]+")
_DIGITS = frozenset("0123456789")


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def utc_key(moment: datetime.datetime) -> int:
    """Microseconds since 1970 (UTC) of an aware ``moment``: sorts like the instants."""
    # datetime's own subtraction (pendulum's returns an Interval): exact and about 2x faster.
    return datetime.datetime.__sub__(moment, _EPOCH) // _MICROSECOND


def bound_key(name: str, moment: object) -> int:
    """The :func:`utc_key` of a query bound given as an aware datetime or as a day.

    A day (:class:`pendulum.Date`, :class:`datetime.date`) stands for its first moment in
    ``DEFAULT_TIMEZONE`` (Europe/Copenhagen). A naive datetime or anything else is an
    :class:`~musframework.errors.InvalidValueError` naming the bound.
    """
    if isinstance(moment, datetime.datetime):
        if moment.utcoffset() is None:
            raise InvalidValueError(Message("error.query.naive-bound", {"name": name}))
        return utc_key(moment)
    if isinstance(moment, datetime.date):
        day = pendulum.datetime(moment.year, moment.month, moment.day, tz=DEFAULT_TIMEZONE)
        return utc_key(day)
    raise InvalidValueError(
        Message("error.query.bound", {"name": name, "type": type(moment).__name__})
    )


class AgreementRow(NamedTuple):
    """The indexed columns of one agreement, and its JSON text.

    ``continues`` is the agreement it carries over; with the conversation's status and
    ``previous`` (:class:`ConversationIndex`) it decides whether the agreement counts
    (:mod:`musframework.model.round`). A named tuple: a save makes one per agreement, and a
    tuple is made several times faster than a frozen attrs object.
    """

    position: int
    id: str
    owner: str | None
    status: str
    deadline: str | None
    body: str
    continues: str | None = None


@functools.lru_cache(maxsize=4096)
def _iso_date(day: datetime.date) -> str:
    """``day.isoformat()``, each day formatted once (a round's deadlines repeat few days)."""
    return day.isoformat()


@attrs.frozen
class ConversationIndex:
    """The columns a backend indexes for a conversation's queries."""

    cycle: str | None
    unit: str | None
    kind: str
    status: str
    start: int | None
    people: tuple[tuple[str, str], ...]
    agreements: tuple[AgreementRow, ...]
    previous: str | None = None

    @classmethod
    def of(cls, c: Conversation, data: dict[str, Any]) -> ConversationIndex:
        """Index ``c``, whose unstructured form is ``data``."""
        bodies = data.get("agreements", ())
        return cls(
            cycle=c.cycle,
            unit=c.unit,
            # ``_value_`` rather than ``.value``: the enum property costs a call per read.
            kind=c.kind._value_,
            status=c.status._value_,
            start=None if c.scheduled_start is None else utc_key(c.scheduled_start),
            people=tuple(dict.fromkeys((p.person, p.role.value) for p in c.participants)),
            agreements=tuple(
                AgreementRow(
                    i,
                    a.id,
                    a.owner,
                    a.status._value_,
                    body.get("deadline"),  # the date as the body writes it (ISO)
                    dump_json(body),
                    a.continues,
                )
                for i, (a, body) in enumerate(zip(c.agreements, bodies, strict=True))
            ),
            previous=c.previous,
        )

    @classmethod
    def from_parts(cls, c: Conversation, bodies: Sequence[str]) -> ConversationIndex:
        """Index ``c``, whose agreements' JSON texts are ``bodies`` (in order)."""
        start = c.scheduled_start
        return cls(
            cycle=c.cycle,
            unit=c.unit,
            kind=c.kind._value_,
            status=c.status._value_,
            start=None if start is None else utc_key(start),
            people=tuple(dict.fromkeys((p.person, p.role._value_) for p in c.participants)),
            agreements=tuple(
                AgreementRow(
                    i,
                    a.id,
                    a.owner,
                    a.status._value_,
                    None if a.deadline is None else _iso_date(a.deadline),
                    body,
                    a.continues,
                )
                for i, (a, body) in enumerate(zip(c.agreements, bodies, strict=True))
            ),
            previous=c.previous,
        )


@attrs.frozen
class Write:
    """One change in a batch handed to ``BaseStore._commit()``.

    Attributes:
        kind: The document kind.
        id: The document id.
        version: The questionnaire version, ``""`` for other kinds.
        expected: The revision the change is based on (0: the document must not exist).
        revision: The revision to write (``expected + 1``); unused for a delete.
        body: The JSON text to store, or ``None`` to delete.
        schema_version: The document's schema version.
        index: The indexed columns, for conversations.
        action: ``"create"``, ``"update"``, ``"delete"`` or ``"erase"``.
    """

    kind: str
    id: str
    version: str
    expected: int
    revision: int
    body: str | None
    schema_version: int
    index: ConversationIndex | None
    action: str

    @property
    def name(self) -> str:
        """The document's name in errors and the audit log (``id@version`` for forms)."""
        return f"{self.id}@{self.version}" if self.version else self.id

    def conflict(self, actual: int | None) -> ConflictError:
        """The error for a stored revision ``actual`` (``None``: no such document)."""
        return ConflictError((self.kind, self.name), self.expected, actual or 0)


@attrs.frozen
class ConversationQuery:
    """The filters of a conversations query, as the ``_query_*`` hooks receive them.

    ``None`` means "any". ``unit`` is the conversation's own ``unit`` field; ``person``
    matches any participant.
    """

    cycle: str | None = None
    person: str | None = None
    unit: str | None = None
    statuses: frozenset[ConversationStatus] | None = None
    kinds: frozenset[ConversationKind] | None = None

    def matches(self, c: Conversation) -> bool:
        """Whether ``c`` passes every filter (the Python answer the SQL backends index)."""
        return (
            (self.cycle is None or c.cycle == self.cycle)
            and (self.unit is None or c.unit == self.unit)
            and (self.statuses is None or c.status in self.statuses)
            and (self.kinds is None or c.kind in self.kinds)
            and (self.person is None or c.is_participant(self.person))
        )


@attrs.frozen
class AgreementQuery:
    """The filters of an agreements query, as the ``_query_*`` hooks receive them.

    ``None`` means "any". ``unit`` and ``cycle`` are those of the agreement's conversation
    (its own ``unit`` and ``cycle`` fields); ``due_before`` is a deadline before the date,
    ``due_from`` one on or after it (an agreement without a deadline matches neither);
    ``include_uncounted`` lists agreements that do not count as well.
    """

    owner: str | None = None
    statuses: frozenset[AgreementStatus] | None = None
    due_before: pendulum.Date | None = None
    due_from: pendulum.Date | None = None
    unit: str | None = None
    cycle: str | None = None
    include_uncounted: bool = False

    def matches(self, c: Conversation, a: Agreement) -> bool:
        """Whether agreement ``a`` of ``c`` passes every filter but "counts"."""
        deadline = a.deadline
        return (
            (self.owner is None or a.owner == self.owner)
            and (self.unit is None or c.unit == self.unit)
            and (self.cycle is None or c.cycle == self.cycle)
            and (self.statuses is None or a.status in self.statuses)
            and (self.due_before is None or (deadline is not None and deadline < self.due_before))
            and (self.due_from is None or (deadline is not None and deadline >= self.due_from))
        )


def _statuses(value: Any, enum: type[Any]) -> frozenset[Any] | None:
    if value is None:
        return None
    if isinstance(value, str | enum):
        return frozenset({enum(value)})
    return frozenset(enum(v) for v in value)


@attrs.frozen(eq=False)
class StoreConversations:
    """One store query's conversations, a :class:`~musframework.model.source.ConversationSource`.

    Made by :meth:`musframework.storage.BaseStore.conversation_source`; each pass is a new
    keyset-paged query.

    Attributes:
        store: The store read.
        query: The filters.
        batch: The page size of each pass.
    """

    store: BaseStore
    query: ConversationQuery
    batch: int = 1000

    def __iter__(self) -> Iterator[Conversation]:
        for stored in self.store._pages(self.query, self.batch):
            yield stored.document

    def __len__(self) -> int:
        return self.store._count_conversations(self.query)

    def get(self, id: str) -> Conversation | None:
        """The conversation ``id`` when it is stored and matches the query, else ``None``."""
        stored = self.store.get(Conversation, id)
        if stored is None or not self.query.matches(stored.document):
            return None
        return stored.document


class _UnitOfWork:
    """The unit of work returned by :meth:`BaseStore.unit_of_work`."""

    def __init__(self, store: BaseStore, actor: str) -> None:
        self._store = store
        self._actor = actor
        self._writes: list[Write] = []
        self._revisions: dict[tuple[str, str], int] = {}
        self._done = False

    def save(self, document: Document, *, revision: int = 0) -> None:
        """Queue ``document`` to be saved over ``revision`` (0 for a new document)."""
        self._writes.append(self._store._prepare(document, revision))

    def delete(self, cls: type[Any], id: str, *, revision: int, version: str | None = None) -> None:
        """Queue the deletion of a document at ``revision``."""
        self._writes.append(self._store._prepare_delete(cls, id, version, revision))

    @property
    def revisions(self) -> dict[tuple[str, str], int]:
        """After commit: the new revision of each saved document, by ``(kind, id)``."""
        return dict(self._revisions)

    def __enter__(self) -> _UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None or self._done:
            return
        self._done = True
        self._store._write(self._writes, self._actor)
        self._revisions = {(w.kind, w.name): w.revision for w in self._writes if w.body}


class BaseStore(abc.ABC):
    """The Store protocol on top of a few primitives; subclass it to write a backend.

    Args:
        clock: The clock for audit log times (the system clock by default).

    Primitives a subclass implements: ``_fetch()``, ``_fetch_all()``, ``_commit()``,
    ``_audit()``, and optionally ``_compact()`` and :meth:`close`. The four are abstract: a
    backend that lacks one cannot be created (``TypeError`` naming it), rather than failing
    at its first call. The ``_query_*`` methods may be overridden to use indexes.
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock = resolve_clock(clock)

    # ------------------------------------------------------------------ primitives

    @abc.abstractmethod
    def _fetch(self, kind: str, id: str, version: str) -> tuple[int, Any] | None:
        """``(revision, JSON text or data)`` of one document, or ``None``."""

    @abc.abstractmethod
    def _fetch_all(self, kind: str) -> list[tuple[int, Any]]:
        """``(revision, JSON text or data)`` of every document of a kind, by id and version."""

    @abc.abstractmethod
    def _commit(
        self,
        writes: Sequence[Write],
        audit: Sequence[AuditEntry],
        rename: tuple[str, ...] | None = None,
    ) -> None:
        """Apply ``writes`` and append ``audit`` atomically: all or nothing.

        Raise ``write.conflict(actual)`` for the first write whose ``expected`` revision
        differs from the stored one (0 when absent). ``rename`` is ``(person, pseudonym,
        *aliases)``
        during an erasure: replace that id in the audit log's actors and ids too.
        """

    @abc.abstractmethod
    def _audit(self, kind: str | None, id: str | None) -> list[AuditEntry]:
        """Audit entries, oldest first, filtered by kind and id when given."""

    def _compact(self) -> None:  # noqa: B027 (optional hook: a no-op unless overridden)
        """Overwrite and reclaim deleted data (nothing to do by default)."""

    def _agreement_records(self, rows: Iterable[Sequence[Any]]) -> list[AgreementRecord]:
        """Agreement rows ``(conversation, position, body, schema_version)`` as records.

        Shared by the SQL backends' agreement queries.
        """
        current = Conversation.SCHEMA_VERSION
        records = []
        for conversation, position, body, version in rows:
            if version == current:
                agreement = agreement_from_json(body)
            else:  # stored before a schema change: take it from the migrated conversation
                agreement = self.load(Conversation, conversation).document.agreements[position]
            records.append(AgreementRecord(conversation, agreement))
        return records

    def close(self) -> None:  # noqa: B027 (optional hook: a no-op unless overridden)
        """Release the backend's resources."""

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ documents

    @staticmethod
    def _structure(data: Any, cls: type[D], source: str) -> D:
        if type(data) is cls:  # a backend that keeps loaded objects (MemoryStore)
            return data
        if isinstance(data, str | bytes):
            return loads(data, cls, source=source)
        return from_dict(data, cls, source=source)

    def _prepare(self, document: Document, revision: int) -> Write:
        # The rows straight from the model: its JSON and its agreements' JSON from one
        # conversion (no dict tree, no agreement written twice).
        cls = type(document)
        kind = kind_of(cls)
        version = document.version if isinstance(document, Questionnaire) else ""
        if isinstance(document, Conversation):
            body, parts = dumps_parts(document, "agreements")
            index: ConversationIndex | None = ConversationIndex.from_parts(document, parts)
        else:
            body, index = dumps(document), None
        return Write(
            kind=kind,
            id=document.id,
            version=version,
            expected=revision,
            revision=revision + 1,
            body=body,
            schema_version=cls.SCHEMA_VERSION,
            index=index,
            action="create" if revision == 0 else "update",
        )

    def _prepare_delete(self, cls: type[Any], id: str, version: str | None, revision: int) -> Write:
        kind = kind_of(cls)
        if kind == "questionnaire" and version is None:
            raise StorageError(Message("error.store.delete-version"))
        if revision < 1:
            raise StorageError(Message("error.store.delete-revision"))
        return Write(kind, id, version or "", revision, revision, None, 0, None, "delete")

    def _write(self, writes: Sequence[Write], actor: str) -> None:
        check_actor(actor)
        if not writes:
            return
        seen: set[tuple[str, str, str]] = set()
        for w in writes:
            key = (w.kind, w.id, w.version)
            if key in seen:
                raise StorageError(_twice(w.kind, w.name))
            seen.add(key)
        at = self.clock.now()
        audit = [
            AuditEntry(
                kind=w.kind,
                id=w.name,
                revision=w.revision,
                actor=actor,
                action=w.action,
                at=at,
                document_hash=body_hash(w.body),
            )
            for w in writes
        ]
        with gc_paused():  # rows for a large unit of work are many small objects
            self._commit(writes, audit)

    def save(self, document: Document, *, revision: int = 0, actor: str = "system") -> int:
        """Save ``document`` over ``revision`` (0 when new); returns the new revision."""
        write = self._prepare(document, revision)
        self._write([write], actor)
        return write.revision

    @contextlib.contextmanager
    def _bulk(self) -> Iterator[None]:
        """Settings for the length of one :meth:`save_many` call (a hook; the default: none).

        SQLite raises its page cache meanwhile (:data:`~musframework.storage.sqlite.BULK_CACHE`).
        """
        yield

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[bool]:
        """Hold one transaction open around several ``_commit()`` calls (a hook).

        Yields ``True`` when the backend does so: each ``_commit()`` inside then joins the
        open transaction, and an exception leaving the block undoes all of them. The
        default yields ``False`` (the backend cannot): :meth:`save_many` then hands every
        document to one ``_commit()``.
        """
        yield False

    def save_many(
        self,
        documents: Iterable[Document],
        *,
        actor: str = "system",
        chunk: int = 5000,
        atomic: bool = True,
    ) -> int:
        """Save many new documents (revision 0), all in one transaction unless asked otherwise.

        Documents are prepared and written ``chunk`` at a time, so the rows waiting to be
        written stay bounded. By default the whole call is one transaction: when a document
        fails (a conflict, one that cannot be serialized) nothing of the call is left behind,
        and the audit log's hash chain runs on unbroken. ``atomic=False`` commits each chunk
        on its own, for imports too large for one transaction (a SQLite write-ahead log
        grows with it): a failure then keeps the chunks committed before it. A backend
        without ``_atomic()`` writes everything in one ``_commit()`` in the default mode.

        Returns the number saved. Python's cyclic garbage collector is paused meanwhile
        (see :func:`musframework.progress.gc_paused`): in a process holding many objects
        its runs cost more than the writes themselves.
        """
        check_actor(actor)
        count = 0
        with (
            gc_paused(),
            self._bulk(),
            self._atomic() if atomic else contextlib.nullcontext(True) as held,
        ):
            size = chunk if held else sys.maxsize
            batch: list[Write] = []
            for document in documents:
                batch.append(self._prepare(document, 0))
                if len(batch) >= size:
                    self._write(batch, actor)
                    count += len(batch)
                    batch = []
            self._write(batch, actor)
        return count + len(batch)

    def _resolve_version(self, kind: str, id: str, version: str | None) -> str | None:
        if kind != "questionnaire":
            return ""
        if version is not None:
            return version
        versions = self.questionnaire_versions(id)
        return versions[-1] if versions else None

    def get(self, cls: type[D], id: str, version: str | None = None) -> Stored[D] | None:
        """Like :meth:`load`, but ``None`` when there is no such document."""
        kind = kind_of(cls)
        resolved = self._resolve_version(kind, id, version)
        if resolved is None:
            return None
        row = self._fetch(kind, id, resolved)
        if row is None:
            return None
        return Stored(self._structure(row[1], cls, f"{kind} {id!r}"), row[0])

    def load(self, cls: type[D], id: str, version: str | None = None) -> Stored[D]:
        """Load a document by type and id (questionnaires: the latest version, or ``version``).

        Raises:
            NotFoundError: when there is no such document.
        """
        found = self.get(cls, id, version)
        if found is None:
            what = f"{id}@{version}" if version else id
            raise NotFoundError(
                Message(
                    "error.store.not-found",
                    {"kind": Message(f"document.{kind_of(cls)}"), "id": what},
                )
            )
        return found

    def delete(
        self,
        cls: type[Any],
        id: str,
        *,
        revision: int,
        version: str | None = None,
        actor: str = "system",
    ) -> None:
        """Delete a document at ``revision`` (a stale revision raises ``ConflictError``)."""
        self._write([self._prepare_delete(cls, id, version, revision)], actor)

    def documents(self, cls: type[D]) -> list[Stored[D]]:
        """Every stored document of a type, ordered by id (and version)."""
        kind = kind_of(cls)
        rows = self._fetch_all(kind)
        with gc_paused():
            return [Stored(self._structure(d, cls, kind), r) for r, d in rows]

    def unit_of_work(self, *, actor: str = "system") -> _UnitOfWork:
        """A unit of work: saves and deletes written atomically when its block ends."""
        return _UnitOfWork(self, actor)

    # ------------------------------------------------------------------ queries

    def _query_conversations(self, q: ConversationQuery) -> list[Stored[Conversation]]:
        return [stored for stored in self.documents(Conversation) if q.matches(stored.document)]

    def _count_conversations(self, q: ConversationQuery) -> int:
        return len(self._query_conversations(q))

    def _page_conversations(
        self, q: ConversationQuery, after: str | None, limit: int
    ) -> list[Stored[Conversation]]:
        """Up to ``limit`` matching conversations with an id after ``after``, by id.

        The default loads every match and slices; the SQL backends read one page.
        """
        found = self._query_conversations(q)
        if after is not None:
            found = [s for s in found if s.document.id > after]
        return found[:limit]

    @staticmethod
    def _conversation_query(
        cycle: str | None,
        person: str | None,
        unit: str | None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None,
    ) -> ConversationQuery:
        return ConversationQuery(
            cycle,
            person,
            unit,
            _statuses(status, ConversationStatus),
            _statuses(kind, ConversationKind),
        )

    def conversations(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
    ) -> list[Stored[Conversation]]:
        """Conversations matching every given filter, ordered by id."""
        return self._query_conversations(
            self._conversation_query(cycle, person, unit, status, kind)
        )

    def count_conversations(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
    ) -> int:
        """How many conversations match every given filter (no document is loaded)."""
        return self._count_conversations(
            self._conversation_query(cycle, person, unit, status, kind)
        )

    def iter_conversations(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
        batch: int = 1000,
    ) -> Iterator[Stored[Conversation]]:
        """The conversations of :meth:`conversations`, streamed in pages of ``batch``, by id.

        For whole-round work in bounded memory: only one page of documents is held at a time.
        Each page is its own query (the next ids after the last one read), so the store stays
        usable between pages; a conversation saved meanwhile is seen if its id comes later.
        """
        if batch < 1:
            raise StorageError(Message("error.store.batch", {"batch": batch}))
        return self._pages(self._conversation_query(cycle, person, unit, status, kind), batch)

    def _pages(self, q: ConversationQuery, batch: int) -> Iterator[Stored[Conversation]]:
        """The conversations matching ``q``, one keyset page of ``batch`` at a time."""
        after: str | None = None
        while True:
            page = self._page_conversations(q, after, batch)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].document.id

    def conversation_source(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
        batch: int = 1000,
    ) -> ConversationSource:
        """The conversations of :meth:`conversations`, read again for each pass.

        A :class:`~musframework.model.source.ConversationSource` for whole-round work in
        bounded memory: each pass streams the query page by page (:meth:`iter_conversations`,
        ``batch`` a page), ``len()`` is :meth:`count_conversations`, ``get(id)`` reads one
        conversation by key (``None`` when it does not match the filters).

        >>> import musframework as mf
        >>> with mf.storage.open("memory://") as store:
        ...     _ = store.save(mf.Conversation(id="c1", kind=mf.ConversationKind.MUS, cycle="r"))
        ...     source = store.conversation_source(cycle="r")
        ...     [c.id for c in source], len(source), source.get("c1").id, source.get("x")
        (['c1'], 1, 'c1', None)
        """
        if batch < 1:
            raise StorageError(Message("error.store.batch", {"batch": batch}))
        query = self._conversation_query(cycle, person, unit, status, kind)
        return StoreConversations(self, query, batch)

    def _query_previous(
        self, person: str, kind: ConversationKind, before: int | None
    ) -> Stored[Conversation] | None:
        best: tuple[int, str] | None = None
        found: Stored[Conversation] | None = None
        for stored in self.documents(Conversation):
            c = stored.document
            if c.kind is not kind or c.scheduled_start is None:
                continue
            if not any(p.person == person and p.role in _DEVELOPED for p in c.participants):
                continue
            key = (utc_key(c.scheduled_start), c.id)
            if (before is None or key[0] < before) and (best is None or key > best):
                best, found = key, stored
        return found

    def previous_conversation(
        self,
        person: str,
        kind: ConversationKind | str,
        *,
        before: pendulum.DateTime | pendulum.Date | None = None,
    ) -> Stored[Conversation] | None:
        """The latest scheduled conversation of ``kind`` that develops ``person``."""
        return self._query_previous(
            person, ConversationKind(kind), None if before is None else bound_key("before", before)
        )

    def _query_agreements(self, q: AgreementQuery) -> list[AgreementRecord]:
        rows: list[tuple[tuple[Any, ...], AgreementRecord]] = []
        conversations = [stored.document for stored in self.documents(Conversation)]
        superseded = superseded_agreements(conversations)
        for c in conversations:
            for i, a in enumerate(c.agreements):
                if q.matches(c, a) and (q.include_uncounted or agreement_counts(c, a, superseded)):
                    deadline = None if a.deadline is None else a.deadline.isoformat()
                    key = (deadline is None, deadline or "", c.id, i)
                    rows.append((key, AgreementRecord(c.id, a)))
        return [record for _, record in sorted(rows, key=lambda r: r[0])]

    def _count_agreements(self, q: AgreementQuery) -> int:
        return len(self._query_agreements(q))

    @staticmethod
    def _agreement_query(
        owner: str | None,
        status: AgreementStatus | str | Iterable[AgreementStatus | str] | None,
        due_before: pendulum.Date | None,
        due_from: pendulum.Date | None,
        unit: str | None,
        cycle: str | None,
        include_uncounted: bool,
    ) -> AgreementQuery:
        return AgreementQuery(
            owner,
            _statuses(status, AgreementStatus),
            due_before,
            due_from,
            unit,
            cycle,
            include_uncounted,
        )

    def agreements(
        self,
        *,
        owner: str | None = None,
        status: AgreementStatus | str | Iterable[AgreementStatus | str] | None = None,
        due_before: pendulum.Date | None = None,
        include_uncounted: bool = False,
        due_from: pendulum.Date | None = None,
        unit: str | None = None,
        cycle: str | None = None,
    ) -> list[AgreementRecord]:
        """Agreements that count, matching every given filter.

        ``due_before``: a deadline before the date; ``due_from``: on or after it. ``unit``
        and ``cycle``: those of the agreement's conversation (its own fields). Only the
        agreements that count (:func:`musframework.model.round.counted_agreements` over
        every stored conversation), unless ``include_uncounted``: then also those of
        cancelled conversations, of conversations not held yet (unless carried over), and
        originals carried over since.
        """
        return self._query_agreements(
            self._agreement_query(
                owner, status, due_before, due_from, unit, cycle, include_uncounted
            )
        )

    def count_agreements(
        self,
        *,
        owner: str | None = None,
        status: AgreementStatus | str | Iterable[AgreementStatus | str] | None = None,
        due_before: pendulum.Date | None = None,
        include_uncounted: bool = False,
        due_from: pendulum.Date | None = None,
        unit: str | None = None,
        cycle: str | None = None,
    ) -> int:
        """How many agreements :meth:`agreements` would list (no document is loaded)."""
        return self._count_agreements(
            self._agreement_query(
                owner, status, due_before, due_from, unit, cycle, include_uncounted
            )
        )

    def overdue_agreements(
        self,
        on: pendulum.Date,
        *,
        unit: str | None = None,
        cycle: str | None = None,
        owner: str | None = None,
    ) -> list[AgreementRecord]:
        """Agreements that count and are overdue on the day ``on``, optionally in one unit.

        "Overdue" is :func:`musframework.model.round.overdue_filter`: open or in progress,
        with a deadline before ``on``. ``unit``, ``cycle``: those of the conversation.
        """
        f = overdue_filter(on)
        return self.agreements(
            status=f.statuses, due_before=f.deadline_before, unit=unit, cycle=cycle, owner=owner
        )

    def count_overdue_agreements(
        self,
        on: pendulum.Date,
        *,
        unit: str | None = None,
        cycle: str | None = None,
        owner: str | None = None,
    ) -> int:
        """How many agreements :meth:`overdue_agreements` would list (nothing is loaded)."""
        f = overdue_filter(on)
        return self.count_agreements(
            status=f.statuses, due_before=f.deadline_before, unit=unit, cycle=cycle, owner=owner
        )

    def _query_versions(self, id: str) -> list[str]:
        return [q.document.version for q in self.documents(Questionnaire) if q.document.id == id]

    def questionnaire_versions(self, id: str) -> list[str]:
        """The stored versions of a questionnaire, oldest first (``"2"`` before ``"10"``)."""
        return sorted(self._query_versions(id), key=natural_key)

    # ------------------------------------------------------------------ the organisation

    def organisation(self, *, at: pendulum.Date | pendulum.DateTime | None = None) -> Organisation:
        """The organisation as it stood at ``at`` (now by the store's clock when ``None``).

        The latest :class:`~musframework.OrganisationVersion` in effect then, with the
        people's current details; a store without versions builds it from its person, unit
        and group documents. A date means the end of that day (changes that day count).
        """
        people = [s.document for s in self.documents(Person)]
        version = self._version_at(at)
        if version is None:
            return Organisation(
                people=people,
                units=[s.document for s in self.documents(OrgUnit)],
                groups=[s.document for s in self.documents(Group)],
            )
        return version.organisation(people)

    def _version_at(
        self, at: pendulum.Date | pendulum.DateTime | None
    ) -> OrganisationVersion | None:
        versions = [s.document for s in self.documents(OrganisationVersion)]  # by id: in time
        if not versions:
            return None
        if at is None:
            at = self.clock.now()
        if isinstance(at, pendulum.DateTime):
            key = utc_key(at)
            current = [v for v in versions if utc_key(v.effective) <= key]
        else:
            day: pendulum.Date = at
            current = [v for v in versions if v.effective.in_tz(DEFAULT_TIMEZONE).date() <= day]
        return current[-1] if current else None

    def leader_changes(
        self, *, person: str | None = None, until: pendulum.DateTime | None = None
    ) -> list[LeaderChange]:
        """The recorded leader changes (of ``person``; up to ``until``), oldest first."""
        changes = [s.document for s in self.documents(LeaderChange)]
        limit = None if until is None else utc_key(until)
        return [
            c
            for c in changes
            if (person is None or c.person == person) and (limit is None or utc_key(c.at) <= limit)
        ]

    # ------------------------------------------------------------------ audit and privacy

    def audit_log(self, *, kind: str | None = None, id: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first, optionally for one kind and id."""
        return self._audit(kind, id)

    def _all_documents(self) -> Iterator[Stored[Any]]:
        for cls in DOCUMENT_KINDS.values():
            yield from self.documents(cls)

    def export_person(self, person_id: str) -> dict[str, Any]:
        """Everything stored about a person, as one JSON-compatible document (GDPR access).

        Holds the person, and every conversation, unit and group that refers to them (other
        people's private notes left out), their unsubmitted response drafts, and the audit
        log entries they made or that concern their person document.
        """
        person = self.get(Person, person_id)
        names = {
            "conversation": "conversations",
            "unit": "units",
            "group": "groups",
            "organisation": "organisation_versions",
            "leader_change": "leader_changes",
            "delivery": "deliveries",
            "response_draft": "response_drafts",
        }
        related: dict[str, list[Any]] = {key: [] for key in names.values()}
        for kind, key in names.items():
            for stored in self.documents(DOCUMENT_KINDS[kind]):
                doc = stored.document
                if refers_to(doc, person_id):
                    if isinstance(doc, Conversation):
                        doc = private_notes_removed(doc, person_id)
                    related[key].append({"revision": stored.revision, "document": to_dict(doc)})
        audit = [
            {
                "kind": e.kind,
                "id": e.id,
                "revision": e.revision,
                "actor": e.actor,
                "action": e.action,
                "at": e.at.isoformat(),
            }
            for e in self._audit(None, None)
            if e.actor == person_id or (e.kind == "person" and e.id == person_id)
        ]
        return {
            "format": "musframework.person-export",
            "person_id": person_id,
            "exported_at": self.clock.now().isoformat(),
            "person": None if person is None else to_dict(person.document),
            **related,
            "audit_log": audit,
        }

    def erase_person(
        self, person_id: str, *, actor: str = "system", signer: Signer | None = None
    ) -> str:
        """Erase a person's personal data everywhere (GDPR erasure); returns the pseudonym.

        A signed conversation whose signed content changes (or whose signer is renamed) gets
        a :class:`~musframework.model.Redaction` with reason ``gdpr-art-17``, proved by ``signer``:
        the signatures made before stay valid, and the erased signer's own signature is
        attested by it when it was valid at the time (see docs/signatures.md).

        The person document is replaced by a tombstone under the pseudonym; every reference
        to the id becomes the pseudonym (participants, owners, signers, histories, notes,
        responses, units, groups, audit log); the person's own notes and text answers become
        ``[erased]``; their response drafts are deleted; their name and e-mail address are
        removed from every free text. One
        transaction; counts of documents, participants, agreements, responses and notes stay.
        """
        check_actor(actor)
        stored_person = self.get(Person, person_id)
        needles: list[str] = []
        name = ""
        if stored_person is not None:
            name = stored_person.document.name
            needles = [name, stored_person.document.email or ""]
        pseudonym = "erased-" + secrets.token_hex(8)
        eraser = Eraser(person_id, pseudonym, needles, name)
        writes: list[Write] = []
        for stored in self._all_documents():
            doc = stored.document
            if isinstance(doc, Person):
                continue
            if isinstance(doc, ResponseDraft) and doc.person == person_id:
                # Unsubmitted answers are the author's alone: erased with them, not kept.
                w = self._prepare_delete(ResponseDraft, doc.id, None, stored.revision)
                writes.append(attrs.evolve(w, action="erase"))
                continue
            erased = eraser.erase(doc)
            if isinstance(doc, Conversation) and erased is not doc:
                erased = _with_redaction(
                    doc, erased, (person_id, pseudonym), self.clock.now(), actor, signer
                )
            if erased is not doc:
                w = self._prepare(cast(Document, erased), stored.revision)
                writes.append(attrs.evolve(w, action="erase"))
        if stored_person is not None:
            writes.append(
                attrs.evolve(
                    self._prepare_delete(Person, person_id, None, stored_person.revision),
                    action="erase",
                )
            )
            tombstone = Person(id=pseudonym, name=ERASED)
            writes.append(attrs.evolve(self._prepare(tombstone, 0), action="erase"))
        at = self.clock.now()
        audit = [
            AuditEntry(
                kind=w.kind,
                id=pseudonym if (w.kind == "person" and w.id == person_id) else w.name,
                revision=w.revision,
                actor=actor,
                action="erase",
                at=at,
                document_hash=body_hash(w.body),
            )
            for w in writes
        ]
        # Audit actors written as the person's name or address (before actors had to be ids).
        actors = {e.actor for e in self._audit(None, None)} - {person_id}
        aliases = sorted(a for a in actors if eraser.names(a))
        self._commit(writes, audit, rename=(person_id, pseudonym, *aliases))
        return pseudonym

    def compact(self) -> None:
        """Reclaim space and overwrite deleted data (``VACUUM`` and a WAL checkpoint)."""
        self._compact()

    # ------------------------------------------------------------------ tamper evidence

    def _side_rows(self) -> SideRows | None:
        """The stored side-table rows by conversation (``None``: the backend keeps none)."""
        return None

    def _bodies(self, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for revision, data in self._fetch_all(kind):
            if isinstance(data, str | bytes):
                yield revision, json.loads(data)
            elif isinstance(data, dict):
                yield revision, data
            else:  # a backend that keeps loaded objects
                yield revision, to_dict(data)

    def verify(self, *, signer: Signer | None = None) -> IntegrityReport:
        """Check the store for tampering; every problem is a finding, nothing is changed.

        * the audit log's hash chain: every broken link, every altered entry;
        * every document against the latest audit entry about it (revision and the hash of
          the body written): a body changed outside the library is found;
        * the side tables (people, agreements, indexed columns) against the bodies;
        * every signature and redaction (:func:`musframework.signing.verify` with
          ``signer``; without it, proofs are counted as unverified, not as findings).

        Deleting the newest entries together with the documents they record leaves a
        shorter, valid chain: keep :attr:`~musframework.storage.IntegrityReport.head`
        elsewhere to notice that.
        """
        entries = self._audit(None, None)
        findings, chained, unchained = check_chain(entries)
        documents: list[tuple[str, str, int, dict[str, Any]]] = []
        conversations: list[tuple[Conversation, dict[str, Any]]] = []
        for kind, cls in DOCUMENT_KINDS.items():
            for revision, data in self._bodies(kind):
                name = str(data.get("id"))
                if "id" not in data:  # an id derived from the content (left out when dumped)
                    with contextlib.suppress(MusframeworkError):
                        name = from_dict(data, cls, source=kind).id
                if kind == "questionnaire":
                    name = f"{name}@{data.get('version')}"
                documents.append((kind, name, revision, data))
                if cls is Conversation:
                    try:
                        c = from_dict(data, Conversation, source=f"conversation {name!r}")
                    except MusframeworkError as exc:
                        findings.append(
                            Finding.error("store.unreadable", f"conversation {name!r}", id=name)
                        )
                        del exc
                        continue
                    conversations.append((c, data))
        found, count = check_documents(documents, entries)
        findings += found
        stored = self._side_rows()
        if stored is not None:
            findings += check_side_rows(stored, conversations, ConversationIndex.of)
        found, signatures, unverified = check_signatures((c for c, _ in conversations), signer)
        findings += found
        return IntegrityReport(
            findings=tuple(findings),
            entries=chained,
            unchained=unchained,
            documents=count,
            signatures=signatures,
            unverified=unverified,
            head=entries[-1].hash if entries else "",
        )


def _with_redaction(
    before: Conversation,
    after: Conversation,
    erased: tuple[str, str],
    at: pendulum.DateTime,
    actor: str,
    signer: Signer | None,
) -> Conversation:
    """``after`` (``before`` erased) with the redaction that keeps its signatures, if any.

    ``erased`` is ``(person id, pseudonym)``. The erased signer's own signature is attested
    (listed in ``renamed``) only when it counted before: valid, or unverified without a key.
    """
    if not before.signatures:
        return after
    person, pseudonym = erased
    old, new = signed_parts(before), signed_parts(after)
    good = {SignatureStatus.VALID}
    if signer is None:
        good.add(SignatureStatus.UNVERIFIED)
    attested = any(
        c.signature.person == person and c.status in good for c in verify(before, signer).checks
    )
    if old == new and not attested:
        return after
    redaction = Redaction(
        at=at,
        reason="gdpr-art-17",
        by=actor,
        before=parts_digest(old),
        after=parts_digest(new),
        changed=[PartDigest(i, o) for i, (o, n) in enumerate(zip(old, new, strict=True)) if o != n],
        renamed=(pseudonym,) if attested else (),
    )
    if signer is not None:
        redaction = sign_redaction(after.id, redaction, signer)
    return attrs.evolve(after, redactions=(*after.redactions, redaction))


def agreement_from_json(data: Any) -> Agreement:
    """Structure one agreement stored in a side table."""
    return BaseStore._structure(data, Agreement, "agreement")


def rename_entry(entry: AuditEntry, old: str, new: str, *aliases: str) -> AuditEntry:
    """``entry`` with the person id ``old`` replaced by ``new`` (as actor, and as person id).

    The entry's seal stays (the chain holds) and its nonce is dropped, so nothing left can
    tell which id it was.
    """
    found: AuditEntry = renamed(entry, old, new, aliases)
    return found


def link_audit(previous: str, audit: Sequence[AuditEntry]) -> list[AuditEntry]:
    """``audit`` sealed and chained after the entry whose hash is ``previous``.

    A backend calls it inside the transaction that appends the entries, with the hash of
    the last entry it holds (``""`` when none).
    """
    return chain(previous, audit)
