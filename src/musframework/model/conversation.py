"""Conversations (MUS, GRUS, LUS, follow-up) and what they record.

A :class:`Conversation` is one document holding everything about one conversation: who takes
part, when and where, the form, the responses, the agenda, notes, conclusions, agreements and
signatures, and its workflow status. Every change returns a new object; the workflow functions
in :mod:`musframework.workflow` make the changes that move it from state to state.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs
import pendulum

from musframework.model.agreement import Agreement, AgreementStatus
from musframework.model.display import DisplayMixin
from musframework.model.goals import Goal
from musframework.model.kinds import ConversationKind, Role
from musframework.model.response import QuestionnaireRef, Response
from musframework.model.text import LocalizedText, to_text

__all__ = [
    "AgendaItem",
    "Conversation",
    "ConversationStatus",
    "FollowUp",
    "FollowUpEntry",
    "Invitation",
    "Note",
    "PartDigest",
    "Participant",
    "Proof",
    "Redaction",
    "ReviewComment",
    "Signature",
    "agreement_part",
    "conclusions_part",
    "core_part",
    "legacy_content_digest",
    "parts_digest",
    "redaction_chain",
    "signed_parts",
]


class ConversationStatus(enum.Enum):
    """Workflow states, in order; ``CANCELLED`` can be reached from any open state.

    Named groups of states (frozensets on the class, not members) say what a state means for
    the round: ``NOT_YET_HELD`` (planned, invited, prepared), ``HELD_OR_LATER`` (held,
    concluded, signed, followed up), ``CONCLUDED_OR_LATER`` and ``SIGNED_OR_LATER``. Every
    layer asks these instead of listing states of its own (see :mod:`musframework.model.round`).

    >>> ConversationStatus.SIGNED in ConversationStatus.HELD_OR_LATER
    True
    >>> ConversationStatus.PREPARED.is_held
    False
    """

    PLANNED = "planned"
    INVITED = "invited"
    PREPARED = "prepared"
    HELD = "held"
    CONCLUDED = "concluded"
    SIGNED = "signed"
    FOLLOWED_UP = "followed_up"
    CANCELLED = "cancelled"

    NOT_YET_HELD: ClassVar[frozenset[ConversationStatus]]
    """Planned, invited or prepared: the conversation is still to come."""
    HELD_OR_LATER: ClassVar[frozenset[ConversationStatus]]
    """Held, concluded, signed or followed up: the conversation took place."""
    CONCLUDED_OR_LATER: ClassVar[frozenset[ConversationStatus]]
    """Concluded, signed or followed up: the conclusions and agreements are written up."""
    SIGNED_OR_LATER: ClassVar[frozenset[ConversationStatus]]
    """Signed or followed up: the development plan is agreed."""

    @property
    def is_open(self) -> bool:
        """Not yet followed up and not cancelled."""
        return self not in (ConversationStatus.FOLLOWED_UP, ConversationStatus.CANCELLED)

    @property
    def is_held(self) -> bool:
        """Held or later (in :attr:`HELD_OR_LATER`)."""
        return self in ConversationStatus.HELD_OR_LATER


_S = ConversationStatus
ConversationStatus.NOT_YET_HELD = frozenset({_S.PLANNED, _S.INVITED, _S.PREPARED})
ConversationStatus.HELD_OR_LATER = frozenset({_S.HELD, _S.CONCLUDED, _S.SIGNED, _S.FOLLOWED_UP})
ConversationStatus.CONCLUDED_OR_LATER = frozenset({_S.CONCLUDED, _S.SIGNED, _S.FOLLOWED_UP})
ConversationStatus.SIGNED_OR_LATER = frozenset({_S.SIGNED, _S.FOLLOWED_UP})
del _S


@attrs.frozen
class Participant:
    """A person taking part in a conversation, in a role."""

    person: str
    role: Role = attrs.field(converter=Role)


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One point on the agenda, usually one questionnaire section, with its minutes."""

    title: LocalizedText = attrs.field(converter=to_text)
    minutes: int
    section: str | None = None


@attrs.frozen(kw_only=True)
class Note:
    """A note taken before, during or after the conversation.

    A private note is visible to its author only; a shared note to every participant.
    """

    author: str
    text: str
    private: bool = False
    at: pendulum.DateTime | None = None


@attrs.frozen(kw_only=True)
class Proof:
    """The cryptographic proof of a signature or a redaction (see :mod:`musframework.signing`).

    Attributes:
        method: The signer's method (``"hmac-sha256"``, ``"ed25519"`` or an app's own).
        key_id: Which key made it (the key itself is never stored).
        value: The proof itself (hexadecimal for the built-in methods).
    """

    method: str
    key_id: str
    value: str


@attrs.frozen(kw_only=True)
class Signature:
    """A participant's signature on the conclusions and agreements.

    ``digest`` is :meth:`Conversation.content_digest` at signing; when the content changes the
    digests no longer match and the signature is void. ``proof`` binds the digest, the person,
    the role and the time to a key (:mod:`musframework.signing`); a signature without one (made
    without a signer, or before signers existed) reads as *unverified*.
    """

    person: str
    role: Role = attrs.field(converter=Role)
    signed_at: pendulum.DateTime
    digest: str
    proof: Proof | None = None


@attrs.frozen
class PartDigest:
    """The SHA-256 digest of one signed part, by its position (see ``signed_parts``)."""

    position: int
    digest: str


def _part_digests(values: Iterable[PartDigest]) -> tuple[PartDigest, ...]:
    return tuple(values)


def _pseudonyms(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Redaction:
    """An authorised change of signed content that keeps the signatures (GDPR erasure).

    The signed content went from digest ``before`` to ``after``; ``changed`` holds the digest
    each changed part had before, so that a verifier can rebuild ``before`` from the current
    content and check the signatures made on it. ``renamed`` lists the pseudonyms of erased
    signers: their signatures named the erased id, so the redaction (signed by the system)
    attests them. Anything else that changes the content breaks the chain and voids.

    Attributes:
        at: When.
        reason: Why, a code (``"gdpr-art-17"``: erasure under GDPR article 17).
        by: Who (a person id or ``"system"``).
        before: The content digest before.
        after: The content digest after.
        changed: The changed parts' digests before the redaction.
        renamed: Pseudonyms that replaced erased signers.
        proof: The system's proof over all of the above.
    """

    at: pendulum.DateTime
    reason: str
    by: str = "system"
    before: str
    after: str
    changed: tuple[PartDigest, ...] = attrs.field(default=(), converter=_part_digests)
    renamed: tuple[str, ...] = attrs.field(default=(), converter=_pseudonyms)
    proof: Proof | None = None


@attrs.frozen(kw_only=True)
class ReviewComment:
    """A participant's comment on the written conclusions, made before signing (seed 002 §4).

    The employee reviews what was written up and may comment; the comment is part of the
    signed content (:meth:`Conversation.content_digest`), so every signature covers it and a
    comment added after someone signed voids their signature.
    """

    person: str
    text: str
    at: pendulum.DateTime


def _comments(values: Iterable[ReviewComment]) -> tuple[ReviewComment, ...]:
    return tuple(values)


def _goal_thread(values: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Invitation:
    """The invitation sent before the conversation (1-2 weeks before, with the form).

    ``sequence`` counts the updates sent since (a new time or place): calendar clients take
    an invitation with the same UID and a higher sequence as a change of the same event.
    """

    sent_at: pendulum.DateTime
    sent_by: str
    message: str = ""
    form_attached: bool = True
    respond_by: pendulum.Date | None = None
    sequence: int = 0


@attrs.frozen(kw_only=True)
class FollowUpEntry:
    """The status and a note for one agreement at follow-up."""

    agreement: str
    status: AgreementStatus = attrs.field(converter=AgreementStatus)
    note: str = ""


def _entries(values: Iterable[FollowUpEntry]) -> tuple[FollowUpEntry, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class FollowUp:
    """The follow-up on a conversation's agreements (typically after 3 or 6 months)."""

    held_at: pendulum.DateTime
    by: str
    entries: tuple[FollowUpEntry, ...] = attrs.field(default=(), converter=_entries)
    note: str = ""


_ONE_HOUR = pendulum.duration(minutes=60)
# Durations are immutable: every conversation of the default length shares this one.


def _participants(values: Iterable[Participant]) -> tuple[Participant, ...]:
    return tuple(values)


def _responses(values: Iterable[Response]) -> tuple[Response, ...]:
    return tuple(values)


def _agenda(values: Iterable[AgendaItem]) -> tuple[AgendaItem, ...]:
    return tuple(values)


def _notes(values: Iterable[Note]) -> tuple[Note, ...]:
    return tuple(values)


def _agreements(values: Iterable[Agreement]) -> tuple[Agreement, ...]:
    return tuple(values)


def _signatures(values: Iterable[Signature]) -> tuple[Signature, ...]:
    return tuple(values)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _redactions(values: Iterable[Redaction]) -> tuple[Redaction, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Conversation(DisplayMixin):
    """One development conversation (MUS, GRUS, LUS or follow-up).

    Attributes:
        id: A stable identifier.
        kind: MUS, GRUS, LUS or FOLLOW_UP.
        cycle: The id of the round it belongs to, if any.
        unit: The id of the organisational unit it belongs to, if any.
        group: The id of the GRUS group, for a GRUS.
        participants: Who takes part, by role (employee or group members, and leader; in a LUS
            the leader being developed has the ``EMPLOYEE`` role, their own leader ``LEADER``).
        scheduled_start: When it starts, an aware pendulum DateTime (Europe/Copenhagen).
        duration: How long it lasts (60 minutes by default).
        place: Where it is held.
        questionnaire: The form used, by id and version.
        responses: The submitted preparation responses, one per respondent.
        agenda: The agenda (usually the form's sections with their minutes).
        notes: Notes, private or shared.
        conclusions: The conclusions written up after the conversation.
        conclusions_by: Who wrote the conclusions up (the leader, or the employee for
            ownership), if recorded.
        review_comments: The other party's comments on the written conclusions, made before
            signing; part of the signed content.
        goals: Development goals until the next conversation.
        goal_thread: The goals of the strategic thread agreed here (:class:`~musframework.Goal`):
            in a GRUS the unit goals, each serving an organisation goal of the round; in a MUS
            or LUS the individual goals, each serving a unit goal, with the agreements that
            work towards them. Part of the signed content.
        practice_changes: The changes in practice that are wanted.
        agreements: The agreements, including those carried over from the previous conversation.
        signatures: Signatures on the conclusions and agreements.
        status: The workflow state.
        invitation: The invitation, once sent.
        held_at: When it was held.
        follow_up_date: When the agreements are followed up.
        next_conversation_date: When the next conversation is due.
        follow_up: The follow-up record, once followed up.
        previous: The id of the person's previous conversation of the same kind, if any.
        cancelled_reason: Why it was cancelled, if it was.
        redactions: Authorised changes of the signed content that keep the signatures
            (erasure), oldest first.
    """

    SCHEMA_VERSION = 1

    id: str
    kind: ConversationKind = attrs.field(converter=ConversationKind)
    cycle: str | None = None
    unit: str | None = None
    group: str | None = None
    participants: tuple[Participant, ...] = attrs.field(default=(), converter=_participants)
    scheduled_start: pendulum.DateTime | None = None
    duration: pendulum.Duration = attrs.field(default=_ONE_HOUR)
    place: str = ""
    questionnaire: QuestionnaireRef | None = None
    responses: tuple[Response, ...] = attrs.field(default=(), converter=_responses)
    agenda: tuple[AgendaItem, ...] = attrs.field(default=(), converter=_agenda)
    notes: tuple[Note, ...] = attrs.field(default=(), converter=_notes)
    conclusions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    conclusions_by: str | None = None
    review_comments: tuple[ReviewComment, ...] = attrs.field(default=(), converter=_comments)
    goals: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    goal_thread: tuple[Goal, ...] = attrs.field(default=(), converter=_goal_thread)
    practice_changes: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    agreements: tuple[Agreement, ...] = attrs.field(default=(), converter=_agreements)
    signatures: tuple[Signature, ...] = attrs.field(default=(), converter=_signatures)
    status: ConversationStatus = attrs.field(
        default=ConversationStatus.PLANNED, converter=ConversationStatus
    )
    invitation: Invitation | None = None
    held_at: pendulum.DateTime | None = None
    follow_up_date: pendulum.Date | None = None
    next_conversation_date: pendulum.Date | None = None
    follow_up: FollowUp | None = None
    previous: str | None = None
    cancelled_reason: str | None = None
    redactions: tuple[Redaction, ...] = attrs.field(default=(), converter=_redactions)

    # ------------------------------------------------------------------ participants

    @property
    def participant_ids(self) -> tuple[str, ...]:
        """The person ids of every participant, in order."""
        return tuple(p.person for p in self.participants)

    def people_in(self, role: Role) -> tuple[str, ...]:
        """The person ids of the participants in ``role``."""
        return tuple(p.person for p in self.participants if p.role is role)

    @property
    def leader(self) -> str | None:
        """The person id of the leader holding the conversation."""
        return next(iter(self.people_in(Role.LEADER)), None)

    @property
    def employee(self) -> str | None:
        """The person being developed (MUS, LUS, follow-up); ``None`` for a GRUS."""
        return next(iter(self.people_in(Role.EMPLOYEE)), None)

    @property
    def developed(self) -> tuple[str, ...]:
        """Everyone who ends with a development plan: the employee, or every group member."""
        return self.people_in(Role.EMPLOYEE) + self.people_in(Role.GROUP_MEMBER)

    def role_of(self, person: str) -> Role | None:
        """The role ``person`` takes part in, or ``None`` if they are not a participant."""
        return next((p.role for p in self.participants if p.person == person), None)

    def is_participant(self, person: str) -> bool:
        """Whether ``person`` takes part."""
        return any(p.person == person for p in self.participants)

    # ------------------------------------------------------------------ content

    @property
    def scheduled_end(self) -> pendulum.DateTime | None:
        """When it ends, if it is scheduled."""
        if self.scheduled_start is None:
            return None
        return self.scheduled_start + self.duration

    def response_of(self, person: str) -> Response | None:
        """The response submitted by ``person``, if any."""
        return next((r for r in self.responses if r.person == person), None)

    def agreement(self, agreement_id: str) -> Agreement | None:
        """The agreement with ``agreement_id``, if any."""
        return next((a for a in self.agreements if a.id == agreement_id), None)

    def unreviewed_carry_over(self) -> tuple[Agreement, ...]:
        """Carried-over agreements (``continues`` set) not yet reviewed in this conversation.

        An agreement counts as reviewed once its history has an entry made at or after this
        conversation's scheduled start (any entry, when it has no start): the workflow records
        one when the "past" part gives it a status.
        """
        start = self.scheduled_start
        return tuple(
            a
            for a in self.agreements
            if a.continues is not None
            and not any(start is None or change.at >= start for change in a.history)
        )

    @property
    def open_agreements(self) -> tuple[Agreement, ...]:
        """Agreements that are neither done nor cancelled."""
        return tuple(a for a in self.agreements if a.is_open)

    def content_digest(self) -> str:
        """A SHA-256 digest of what signatures cover (see ``signed_parts``).

        The conclusions' author and the review comments are covered too, when there are any.

        Status changes and agreement history are not covered: following up on an agreement
        does not void the plan it belongs to.
        """
        return content_digest(self)

    @property
    def required_signers(self) -> tuple[str, ...]:
        """Who must sign: the leader and everyone developed; only their signatures count."""
        return tuple(dict.fromkeys((*self.people_in(Role.LEADER), *self.developed)))

    def signed_digests(self) -> tuple[str, ...]:
        """The digests the signed content had: now, then before each unbroken redaction."""
        return redaction_chain(signed_parts(self), self.redactions)

    @property
    def valid_signatures(self) -> tuple[Signature, ...]:
        """Required signers' signatures that match the content, recomputed now.

        A signature matches when its digest is the current content's, or the content's before
        an unbroken chain of redactions; an unkeyed signature from before the digest changed
        also matches the old digest (it reads as *unverified*: :mod:`musframework.signing`
        checks the proofs).
        """
        if not self.signatures:
            return ()
        digests = set(self.signed_digests())
        legacy = legacy_content_digest(self)
        required = set(self.required_signers)
        return tuple(
            s
            for s in self.signatures
            if s.person in required
            and (s.digest in digests or (s.proof is None and s.digest == legacy))
        )

    @property
    def void_signatures(self) -> tuple[Signature, ...]:
        """Signatures that do not count: made on other content, or by someone not required."""
        valid = self.valid_signatures
        return tuple(s for s in self.signatures if s not in valid)

    def is_signed_by(self, person: str) -> bool:
        """Whether ``person`` has a valid signature on the current content."""
        return any(s.person == person for s in self.valid_signatures)


def _sha256(value: object) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # "surrogatepass": a lone surrogate (which no loader accepts, but Python code can put in
    # a model) gets bytes of its own instead of an error; every valid text encodes as UTF-8.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def core_part(
    conversation: str,
    goals: Iterable[str],
    practice_changes: Iterable[str],
    follow_up_date: pendulum.Date | None,
    next_conversation_date: pendulum.Date | None,
) -> str:
    """The digest of the signed part every plan of a conversation shows in full (part 0)."""

    def iso(d: pendulum.Date | None) -> str | None:
        return None if d is None else d.isoformat()

    return _sha256(
        [
            "core",
            conversation,
            list(goals),
            list(practice_changes),
            iso(follow_up_date),
            iso(next_conversation_date),
        ]
    )


def conclusions_part(
    conclusions: Iterable[str],
    conclusions_by: str | None = None,
    review_comments: Iterable[ReviewComment] = (),
    goal_thread: Iterable[Goal] = (),
) -> str:
    """The digest of the conclusions (part 1): their text, author, goal thread and comments.

    The author, the goal thread and the review comments count only when set, so the digest of
    conversations without them is that of the conclusions alone.
    """
    payload: list[object] = ["conclusions", list(conclusions)]
    if conclusions_by is not None:
        payload += ["by", conclusions_by]
    thread = [[g.id, g.text, g.serves, list(g.agreements)] for g in goal_thread]
    if thread:
        payload += ["goal_thread", thread]
    comments = [[r.person, r.text] for r in review_comments]
    if comments:
        payload += ["review_comments", comments]
    return _sha256(payload)


def agreement_part(agreement: Agreement) -> str:
    """The digest of one agreement's signed content (parts 2 and later)."""
    return _sha256(["agreement", *agreement.signed_content()])


def signed_parts(conversation: Conversation) -> tuple[str, ...]:
    """The digests of the parts a signature covers, in order.

    Part 0: the conversation id, goals, practice changes and the two dates; part 1: the
    conclusions; part 2 onwards: each agreement. A development plan shows part 0 and some
    agreements, and keeps the digests of the rest, so it can be verified on its own.
    """
    c = conversation
    return (
        core_part(c.id, c.goals, c.practice_changes, c.follow_up_date, c.next_conversation_date),
        conclusions_part(c.conclusions, c.conclusions_by, c.review_comments, c.goal_thread),
        *(agreement_part(a) for a in c.agreements),
    )


def parts_digest(parts: Iterable[str]) -> str:
    """The content digest of a sequence of part digests."""
    return _sha256(["musframework.signed-content/2", list(parts)])


def redaction_chain(parts: Sequence[str], redactions: Sequence[Redaction]) -> tuple[str, ...]:
    """The digests signed content had: ``parts``' own, then each earlier one a redaction names.

    Walks the redactions from the newest: each must lead to the current digest (``after``)
    and, with the changed parts put back, rebuild its ``before``. The walk stops at the first
    redaction that does not fit (a later edit, or a forged step).
    """
    current = list(parts)
    digest = parts_digest(current)
    found = [digest]
    for r in reversed(redactions):
        if r.after != digest:
            break
        restored = list(current)
        for part in r.changed:
            if not 0 <= part.position < len(restored):
                return tuple(found)
            restored[part.position] = part.digest
        before = parts_digest(restored)
        if before != r.before:
            break
        current, digest = restored, before
        found.append(digest)
    return tuple(found)


def content_digest(conversation: Conversation) -> str:
    """The SHA-256 digest of a conversation's signed content (see ``content_digest``)."""
    return parts_digest(signed_parts(conversation))


def legacy_content_digest(conversation: Conversation) -> str:
    """The digest signatures stored before ``signed_parts`` existed (read as *unverified*)."""

    def iso(d: pendulum.Date | None) -> str | None:
        return None if d is None else d.isoformat()

    return _sha256(
        {
            "conversation": conversation.id,
            "conclusions": list(conversation.conclusions),
            "goals": list(conversation.goals),
            "practice_changes": list(conversation.practice_changes),
            "follow_up_date": iso(conversation.follow_up_date),
            "next_conversation_date": iso(conversation.next_conversation_date),
            "agreements": [list(a.signed_content()) for a in conversation.agreements],
        }
    )
