"""The development plan (udviklingsplan): the signed record of a concluded conversation."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import DataError
from musframework.model.agreement import Agreement
from musframework.model.conversation import Conversation, ConversationStatus, Signature
from musframework.model.display import DisplayMixin
from musframework.model.findings import Finding
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
        signatures: The conversation's signatures.
        digest: The conversation's content digest when the plan was derived.
        kind: The kind of conversation it comes from (a GRUS member has one plan from the
            GRUS and one from their MUS; the kind tells them apart).
        conversation_date: The day of that conversation (held, or else scheduled).
        conclusions: The conversation's conclusions, which the signatures cover too.
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
            signatures=conversation.signatures,
            digest=conversation.content_digest(),
            kind=conversation.kind,
            conversation_date=None if moment is None else moment.date(),
            conclusions=conversation.conclusions,
        )

    @property
    def valid_signatures(self) -> tuple[Signature, ...]:
        """Signatures that match the content the plan was derived from."""
        return tuple(s for s in self.signatures if s.digest == self.digest)

    @property
    def void_signatures(self) -> tuple[Signature, ...]:
        """Signatures made on content that changed afterwards."""
        return tuple(s for s in self.signatures if s.digest != self.digest)

    @property
    def is_signed_by_both(self) -> bool:
        """Whether both the person and the leader have signed the current content."""
        signers = {s.person for s in self.valid_signatures}
        return self.person in signers and self.leader in signers
