"""The development plan (udviklingsplan): the signed record of a concluded conversation."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import DataError
from musframework.model.agreement import Agreement
from musframework.model.conversation import (
    Conversation,
    ConversationStatus,
    PartDigest,
    Redaction,
    ReviewComment,
    Signature,
    agreement_part,
    conclusions_part,
    core_part,
    parts_digest,
    redaction_chain,
    signed_parts,
)
from musframework.model.display import DisplayMixin
from musframework.model.findings import Finding
from musframework.model.goals import Goal
from musframework.model.kinds import ConversationKind

__all__ = ["DevelopmentPlan"]

_CONCLUDED_OR_LATER = frozenset(
    {ConversationStatus.CONCLUDED, ConversationStatus.SIGNED, ConversationStatus.FOLLOWED_UP}
)


def _agreements(values: Iterable[Agreement]) -> tuple[Agreement, ...]:
    return tuple(values)


def _signatures(values: Iterable[Signature]) -> tuple[Signature, ...]:
    return tuple(values)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _parts(values: Iterable[PartDigest]) -> tuple[PartDigest, ...]:
    return tuple(values)


def _goals(values: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(values)


def _comments(values: Iterable[ReviewComment]) -> tuple[ReviewComment, ...]:
    return tuple(values)


def _redactions(values: Iterable[Redaction]) -> tuple[Redaction, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class DevelopmentPlan(DisplayMixin):
    """One person's development plan, derived from a concluded conversation (seed 003 §5).

    Attributes:
        conversation: The id of the conversation it comes from.
        person: The person whose plan it is.
        leader: The leader who agreed it.
        goals: Development goals until the next conversation.
        activities: The agreements that support the learning (the person's and the leader's).
        practice_changes: The changes in practice that are wanted.
        follow_up_date: When it is followed up.
        next_conversation_date: When the next conversation is due.
        signatures: The signatures of the person and the leader on the conversation.
        digest: The conversation's content digest when the plan was derived, as recorded:
            never trusted, validity is recomputed from the plan's content.
        kind: The kind of conversation it comes from (a GRUS member has one plan from the
            GRUS and one from their MUS; the kind tells them apart).
        conversation_date: The day of that conversation (held, or else scheduled).
        conclusions: The conversation's written conclusions, which the signatures cover too.
        conclusions_by: Who wrote them, if recorded.
        review_comments: The comments made on them before signing (signed with them).
        goal_thread: The goals of the strategic thread agreed in the conversation.
        withheld: The digests of the signed parts the plan does not show (other members'
            agreements), so that the plan can be verified on its own.
        redactions: The conversation's redactions (erasure that kept the signatures).
    """

    SCHEMA_VERSION = 1

    conversation: str
    person: str
    leader: str | None
    goals: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    activities: tuple[Agreement, ...] = attrs.field(default=(), converter=_agreements)
    practice_changes: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    follow_up_date: pendulum.Date | None = None
    next_conversation_date: pendulum.Date | None = None
    signatures: tuple[Signature, ...] = attrs.field(default=(), converter=_signatures)
    digest: str = ""
    kind: ConversationKind | None = None
    conversation_date: pendulum.Date | None = None
    conclusions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    conclusions_by: str | None = None
    review_comments: tuple[ReviewComment, ...] = attrs.field(default=(), converter=_comments)
    goal_thread: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    withheld: tuple[PartDigest, ...] = attrs.field(default=(), converter=_parts)
    redactions: tuple[Redaction, ...] = attrs.field(default=(), converter=_redactions)

    @classmethod
    def from_conversation(
        cls, conversation: Conversation, person: str | None = None
    ) -> DevelopmentPlan:
        """Derive the plan of ``person`` (default: the employee) from a concluded conversation.

        In a GRUS, pass each member's id: the plan holds the group's goals and the agreements
        owned by that member or by the leader.

        Raises:
            DataError: when the conversation is not concluded yet, or ``person`` is not one of
                the people it develops.
        """
        person = person or conversation.employee
        problems = []
        if conversation.status not in _CONCLUDED_OR_LATER:
            problems.append(
                Finding.error("plan.not-concluded", "status", status=conversation.status)
            )
        if person is None or person not in conversation.developed:
            problems.append(
                Finding.error(
                    "plan.unknown-person",
                    "person",
                    person=str(person),
                    conversation=conversation.id,
                )
            )
        if problems or person is None:
            raise DataError(Message("error.no-plan", {"conversation": conversation.id}), problems)
        owners = {person, conversation.leader}
        parts = signed_parts(conversation)
        withheld = [
            PartDigest(2 + i, parts[2 + i])
            for i, a in enumerate(conversation.agreements)
            if a.owner not in owners
        ]
        moment = conversation.held_at or conversation.scheduled_start
        return cls(
            conversation=conversation.id,
            person=person,
            leader=conversation.leader,
            goals=conversation.goals,
            activities=tuple(a for a in conversation.agreements if a.owner in owners),
            practice_changes=conversation.practice_changes,
            follow_up_date=conversation.follow_up_date,
            next_conversation_date=conversation.next_conversation_date,
            signatures=tuple(s for s in conversation.signatures if s.person in owners),
            digest=conversation.content_digest(),
            kind=conversation.kind,
            conversation_date=None if moment is None else moment.date(),
            conclusions=conversation.conclusions,
            conclusions_by=conversation.conclusions_by,
            review_comments=conversation.review_comments,
            goal_thread=conversation.goal_thread,
            withheld=withheld,
            redactions=conversation.redactions,
        )

    def signed_parts(self) -> tuple[str, ...] | None:
        """The signed parts' digests rebuilt from what the plan shows and withholds.

        ``None`` when they do not fit together (a withheld position twice or out of range).
        """
        total = 2 + len(self.withheld) + len(self.activities)
        kept = {p.position: p.digest for p in self.withheld}
        if len(kept) != len(self.withheld) or not all(1 < p < total for p in kept):
            return None
        shown = iter(self.activities)
        parts = [
            core_part(
                self.conversation,
                self.goals,
                self.practice_changes,
                self.follow_up_date,
                self.next_conversation_date,
            ),
            conclusions_part(
                self.conclusions, self.conclusions_by, self.review_comments, self.goal_thread
            ),
        ]
        for position in range(2, total):
            parts.append(kept[position] if position in kept else agreement_part(next(shown)))
        return tuple(parts)

    def content_digest(self) -> str:
        """The content digest recomputed from the plan (``""`` when its parts do not fit)."""
        parts = self.signed_parts()
        return "" if parts is None else parts_digest(parts)

    def signed_digests(self) -> tuple[str, ...]:
        """The digests the signed content had: now, then before each unbroken redaction."""
        parts = self.signed_parts()
        return () if parts is None else redaction_chain(parts, self.redactions)

    @property
    def required_signers(self) -> tuple[str, ...]:
        """Who must sign the plan: the person and the leader."""
        return tuple(p for p in (self.person, self.leader) if p is not None)

    @property
    def valid_signatures(self) -> tuple[Signature, ...]:
        """The person's and the leader's signatures on the content, recomputed from the plan.

        Never read from :attr:`digest`: a plan changed after deriving it (edited goals or
        activities) has no valid signatures. Proofs are checked by
        :func:`musframework.signing.verify`.
        """
        digests = set(self.signed_digests())
        required = set(self.required_signers)
        return tuple(s for s in self.signatures if s.person in required and s.digest in digests)

    @property
    def void_signatures(self) -> tuple[Signature, ...]:
        """Signatures that do not count: on other content, or by someone who need not sign."""
        valid = self.valid_signatures
        return tuple(s for s in self.signatures if s not in valid)

    @property
    def is_signed_by_both(self) -> bool:
        """Whether both the person and the leader have signed the current content."""
        signers = {s.person for s in self.valid_signatures}
        return self.person in signers and self.leader in signers
