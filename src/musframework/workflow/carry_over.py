"""Carry-over: the next conversation starts with the previous one's unfinished agreements.

Every agreement of the previous conversation that is neither done nor cancelled is copied into
the next one with its history and the same id (prefixed with the previous conversation's id if
that id is taken), and ``continues`` pointing at the original. The "past" part of the next
conversation then reviews each one (:func:`~musframework.workflow.review_agreement`); until it
does, :meth:`Conversation.unreviewed_carry_over` lists them.
"""

from __future__ import annotations

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.model.agreement import Agreement
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.workflow._common import refuse

__all__ = ["carry_over", "start_next"]


def carry_over(previous: Conversation, conversation: Conversation) -> Conversation:
    """Bring ``previous``'s open agreements into ``conversation`` and link the two.

    Idempotent: an agreement already carried over (same ``continues``) is not added twice.

    Raises:
        TransitionError: when ``conversation`` is already concluded or later (its signed
            content would change), or is ``previous`` itself.
    """
    if conversation.id == previous.id:
        raise refuse(conversation, Message("error.carry-over-self"))
    if conversation.status not in (
        ConversationStatus.PLANNED,
        ConversationStatus.INVITED,
        ConversationStatus.PREPARED,
        ConversationStatus.HELD,
    ):
        raise refuse(conversation, Message("error.carry-over-too-late"))
    taken = {a.id for a in conversation.agreements}
    carried = {a.continues for a in conversation.agreements if a.continues is not None}
    added: list[Agreement] = []
    for agreement in previous.open_agreements:
        if agreement.id in carried:
            continue
        new_id = agreement.id if agreement.id not in taken else f"{previous.id}.{agreement.id}"
        taken.add(new_id)
        added.append(attrs.evolve(agreement, id=new_id, continues=agreement.id))
    return attrs.evolve(
        conversation, agreements=(*conversation.agreements, *added), previous=previous.id
    )


def start_next(
    previous: Conversation,
    *,
    id: str,
    scheduled_start: pendulum.DateTime | None = None,
    cycle: str | None = None,
) -> Conversation:
    """A new planned conversation with the same kind, people and form, carrying over agreements.

    >>> from musframework.model import Agreement, Conversation, Participant
    >>> last = Conversation(id="mus-2025", kind="MUS",
    ...     participants=[Participant("emp", "employee"), Participant("boss", "leader")],
    ...     agreements=[Agreement(id="a1", description="Learn SQL", owner="emp")])
    >>> nxt = start_next(last, id="mus-2026")
    >>> nxt.previous, [(a.id, a.continues) for a in nxt.agreements]
    ('mus-2025', [('a1', 'a1')])
    """
    fresh = Conversation(
        id=id,
        kind=previous.kind,
        cycle=cycle if cycle is not None else previous.cycle,
        unit=previous.unit,
        group=previous.group,
        participants=previous.participants,
        scheduled_start=scheduled_start,
        duration=previous.duration,
        place=previous.place,
        questionnaire=previous.questionnaire,
    )
    return carry_over(previous, fresh)
