"""The :class:`Store` protocol: what every storage backend offers.

A store keeps the top-level documents (questionnaires by id and version, cycles,
conversations, people, units and groups) and answers the queries applications need. Every
stored document has a **revision** (1 after the first save, one more after every change);
saving with the revision you loaded is how a store knows nobody changed the document in the
meantime, and a stale revision raises :class:`~musframework.errors.ConflictError` without
writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Cycle,
    Delivery,
    Group,
    LeaderChange,
    Organisation,
    OrganisationVersion,
    OrgUnit,
    Person,
    Questionnaire,
)
from musframework.model.draft import ResponseDraft
from musframework.model.source import ConversationSource
from musframework.model.upward import UpwardFeedback
from musframework.signing import Signer

__all__ = [
    "AgreementRecord",
    "AuditEntry",
    "DOCUMENT_KINDS",
    "Document",
    "Store",
    "Stored",
    "UnitOfWork",
]

Document = (
    Questionnaire
    | Cycle
    | Conversation
    | Person
    | OrgUnit
    | Group
    | OrganisationVersion
    | LeaderChange
    | Delivery
    | UpwardFeedback
    | ResponseDraft
)
"""The document types a store keeps."""

DOCUMENT_KINDS: dict[str, type[Any]] = {
    "conversation": Conversation,
    "cycle": Cycle,
    "delivery": Delivery,
    "group": Group,
    "leader_change": LeaderChange,
    "organisation": OrganisationVersion,
    "person": Person,
    "questionnaire": Questionnaire,
    "response_draft": ResponseDraft,
    "unit": OrgUnit,
    "upward_feedback": UpwardFeedback,
}
"""The stored document types by kind name (the name used in the audit log and errors)."""

D = TypeVar("D")
D_co = TypeVar("D_co", covariant=True)


@attrs.frozen
class Stored(Generic[D_co]):
    """A document as stored, with its revision.

    Attributes:
        document: The document (migrated to the current schema version if it was older).
        revision: Its revision: pass it back when saving a changed copy.
    """

    document: D_co
    revision: int


@attrs.frozen
class AgreementRecord:
    """An agreement found by a query, with the conversation it belongs to.

    Attributes:
        conversation: The id of the conversation holding the agreement.
        agreement: The agreement.
    """

    conversation: str
    agreement: Agreement


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One line of the append-only audit log: who changed which document when (no content).

    Attributes:
        kind: The document kind (``"conversation"``, ``"person"`` …).
        id: The document id (``"id@version"`` for questionnaires).
        revision: The revision written (for a delete, the revision deleted).
        actor: Who made the change (a person id or a system name).
        action: ``"create"``, ``"update"``, ``"delete"`` or ``"erase"``.
        at: When, from the store's clock.
        document_hash: The SHA-256 of the document revision written (canonical JSON;
            ``""`` for a delete and for entries written before the log was a chain).
        seal: A commitment to ``actor`` and ``id`` (SHA-256 with ``nonce``), which the chain
            covers, so that an erasure can rename them without breaking it.
        nonce: The random value of the seal; an erasure that renames the entry drops it.
        previous: The hash of the entry before (``""`` for the first).
        hash: This entry's hash: of ``previous``, ``seal`` and every other field.
    """

    kind: str
    id: str
    revision: int
    actor: str
    action: str
    at: pendulum.DateTime
    document_hash: str = ""
    seal: str = ""
    nonce: str | None = None
    previous: str = ""
    hash: str = ""


@runtime_checkable
class UnitOfWork(Protocol):
    """Several saves and deletes that are written together, all or none.

    Obtained from :meth:`Store.unit_of_work` and used as a context manager; nothing is written
    before the ``with`` block ends without an exception.
    """

    def save(self, document: Document, *, revision: int = 0) -> None:
        """Queue ``document`` to be saved over ``revision`` (0 for a new document)."""
        ...

    def delete(self, cls: type[Any], id: str, *, revision: int, version: str | None = None) -> None:
        """Queue the deletion of a document at ``revision``."""
        ...

    @property
    def revisions(self) -> dict[tuple[str, str], int]:
        """After commit: the new revision of each saved document, by ``(kind, id)``."""
        ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class Store(Protocol):
    """The storage interface every backend implements.

    Documents are keyed by kind and id (and version, for questionnaires). Queries return
    results in a fixed order so that they can be compared across backends: conversations by
    id; agreements by deadline (none last), then conversation id, then position.

    Revisions: :meth:`save` takes the revision the change is based on (0 for a new document)
    and returns the new one. When the stored revision differs, it raises
    :class:`~musframework.errors.ConflictError` naming the document and writes nothing.
    """

    # ------------------------------------------------------------------ documents

    def save(self, document: Document, *, revision: int = 0, actor: str = "system") -> int:
        """Save ``document`` over ``revision`` (0 when new); returns the new revision."""
        ...

    def load(self, cls: type[D], id: str, version: str | None = None) -> Stored[D]:
        """Load a document by type and id (questionnaires: the latest version, or ``version``).

        Raises:
            NotFoundError: when there is no such document.
        """
        ...

    def get(self, cls: type[D], id: str, version: str | None = None) -> Stored[D] | None:
        """Like :meth:`load`, but ``None`` when there is no such document."""
        ...

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
        ...

    def documents(self, cls: type[D]) -> list[Stored[D]]:
        """Every stored document of a type, ordered by id (and version)."""
        ...

    def unit_of_work(self, *, actor: str = "system") -> UnitOfWork:
        """A unit of work: saves and deletes written atomically when its block ends."""
        ...

    # ------------------------------------------------------------------ queries

    def conversations(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
    ) -> list[Stored[Conversation]]:
        """Conversations matching every given filter, ordered by id.

        ``person`` matches any participant; ``status`` and ``kind`` take one value or several.
        """
        ...

    def count_conversations(
        self,
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: ConversationStatus | str | Iterable[ConversationStatus | str] | None = None,
        kind: ConversationKind | str | Iterable[ConversationKind | str] | None = None,
    ) -> int:
        """How many conversations :meth:`conversations` would list, without loading them."""
        ...

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
        """The conversations of :meth:`conversations`, streamed by id in pages of ``batch``.

        Whole-round work (validation, analytics, documents) reads a round this way in
        bounded memory: only one page is held at a time.
        """
        ...

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
        bounded memory (``validate``, ``analyse_round``, the round documents): each pass is
        :meth:`iter_conversations` (one page of ``batch`` held at a time), ``len()`` is
        :meth:`count_conversations`, ``get(id)`` reads one conversation by key and answers
        ``None`` when it does not match the filters.
        """
        ...

    def previous_conversation(
        self,
        person: str,
        kind: ConversationKind | str,
        *,
        before: pendulum.DateTime | pendulum.Date | None = None,
    ) -> Stored[Conversation] | None:
        """The latest scheduled conversation of ``kind`` that develops ``person``.

        "Develops" means ``person`` takes part as the employee or a group member. Only
        conversations with a scheduled start before ``before`` (when given) count; ties on the
        start are broken by the larger id. ``before`` is an aware datetime or a day (its first
        moment in Europe/Copenhagen, ``DEFAULT_TIMEZONE``); anything else, a naive
        datetime included, raises :class:`~musframework.errors.InvalidValueError`.
        """
        ...

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

        Which agreements count is decided over every stored conversation, as
        :func:`musframework.model.round.counted_agreements` decides it: those of held (or
        later) conversations and carried-over copies in conversations that are not
        cancelled, but not originals carried over into a later conversation that is not
        cancelled. ``include_uncounted`` lists every stored agreement. ``due_before``: a
        deadline before the date; ``due_from``: on or after it. ``unit`` and ``cycle``: the
        ``unit`` and ``cycle`` fields of the agreement's conversation.
        """
        ...

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
        """How many agreements :meth:`agreements` would list, without loading them."""
        ...

    def overdue_agreements(
        self,
        on: pendulum.Date,
        *,
        unit: str | None = None,
        cycle: str | None = None,
        owner: str | None = None,
    ) -> list[AgreementRecord]:
        """Agreements that count and are overdue on the day ``on`` (of a unit, round, owner).

        Overdue as :func:`musframework.model.round.overdue_filter` says: open or in progress,
        with a deadline before ``on``.
        """
        ...

    def count_overdue_agreements(
        self,
        on: pendulum.Date,
        *,
        unit: str | None = None,
        cycle: str | None = None,
        owner: str | None = None,
    ) -> int:
        """How many agreements :meth:`overdue_agreements` would list, without loading them."""
        ...

    def questionnaire_versions(self, id: str) -> list[str]:
        """The stored versions of a questionnaire, oldest first (``"2"`` before ``"10"``)."""
        ...

    # ------------------------------------------------------------------ the organisation

    def organisation(self, *, at: pendulum.Date | pendulum.DateTime | None = None) -> Organisation:
        """The organisation as it stood at ``at`` (now by the store's clock when ``None``).

        The latest :class:`~musframework.OrganisationVersion` in effect then, with the
        people's current details; a store without versions builds it from its person, unit
        and group documents. A date means the end of that day (changes that day count).
        """
        ...

    def leader_changes(
        self, *, person: str | None = None, until: pendulum.DateTime | None = None
    ) -> list[LeaderChange]:
        """The recorded leader changes (of ``person``; up to ``until``), oldest first."""
        ...

    # ------------------------------------------------------------------ audit and privacy

    def audit_log(self, *, kind: str | None = None, id: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first, optionally for one kind and id."""
        ...

    def export_person(self, person_id: str) -> dict[str, Any]:
        """Everything stored about a person, as one JSON-compatible document (GDPR access)."""
        ...

    def erase_person(
        self, person_id: str, *, actor: str = "system", signer: Signer | None = None
    ) -> str:
        """Erase a person's personal data everywhere (GDPR erasure); returns the pseudonym.

        A signed conversation whose content the erasure changes records a
        :class:`~musframework.model.Redaction` (proved by ``signer``, the system's key), so the
        signatures made before stay valid (see docs/signatures.md).

        The person's id is replaced by a random pseudonym wherever it occurs; their name,
        e-mail address and own free texts are removed; documents, participants, agreements,
        responses and notes keep their number. Call :meth:`compact` afterwards so that no
        deleted bytes remain in the backend's files.
        """
        ...

    def compact(self) -> None:
        """Reclaim space and overwrite deleted data (``VACUUM`` and a WAL checkpoint)."""
        ...

    def close(self) -> None:
        """Release the backend's resources."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
