"""Agreements over time: status changes, review of carry-over, overdue and due soon.

Every status change is recorded in the agreement's history with who made it and when (from the
clock). Overdue and due soon are always derived from a day (``on``, or today by the clock),
never stored.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.model.agreement import Agreement, AgreementStatus
from musframework.model.conversation import Conversation
from musframework.model.round import agreement_counts
from musframework.workflow._common import (
    now,
    refuse,
    require_agreement,
    require_participant,
    require_step,
)

__all__ = [
    "agreements_due_soon",
    "overdue_agreements",
    "review_agreement",
    "set_agreement_status",
]


def _replace(conversation: Conversation, agreement: Agreement) -> Conversation:
    return attrs.evolve(
        conversation,
        agreements=tuple(agreement if a.id == agreement.id else a for a in conversation.agreements),
    )


def set_agreement_status(
    conversation: Conversation,
    agreement_id: str,
    status: AgreementStatus | str,
    *,
    by: str,
    note: str = "",
    clock: Clock | None = None,
) -> Conversation:
    """Record a new status of one agreement, with ``by`` and the clock's time in its history.

    Allowed in every state but cancelled, also after signing: progress through the year does
    not void the signed plan (status is not part of the signed content).

    Raises:
        TransitionError: when the conversation is cancelled or ``by`` is not a participant.
        DataError: when the conversation has no such agreement.
    """
    require_step(conversation, "set_agreement_status")
    require_participant(conversation, by, "status-change")
    agreement = require_agreement(conversation, agreement_id)
    return _replace(conversation, agreement.with_status(status, by=by, at=now(clock), note=note))


def review_agreement(
    conversation: Conversation,
    agreement_id: str,
    status: AgreementStatus | str,
    *,
    by: str,
    note: str = "",
    deadline: pendulum.Date | None = None,
    owner: str | None = None,
    clock: Clock | None = None,
) -> Conversation:
    """Review a carried-over agreement in the "past" part of the conversation.

    Records the status (done? if not, why, and what now) with ``by`` and the clock's time; a
    new ``deadline`` or ``owner`` may be agreed at the same time. Review during or after the
    conversation's scheduled start: ``Conversation.unreviewed_carry_over()`` counts history
    entries from the start on.

    Raises:
        TransitionError: unless the conversation is between planned and concluded, when the
            agreement was not carried over, or when ``by`` or ``owner`` is not a participant.
        DataError: when the conversation has no such agreement.
    """
    require_step(conversation, "review_agreement")
    require_participant(conversation, by, "review")
    agreement = require_agreement(conversation, agreement_id)
    if agreement.continues is None:
        raise refuse(conversation, Message("error.not-carried-over", {"id": agreement_id}))
    changes: dict[str, Any] = {}
    if deadline is not None:
        changes["deadline"] = deadline
    if owner is not None:
        require_participant(conversation, owner, "owner")
        changes["owner"] = owner
    reviewed = attrs.evolve(agreement, **changes).with_status(
        status, by=by, at=now(clock), note=note
    )
    return _replace(conversation, reviewed)


def overdue_agreements(
    conversation: Conversation, *, on: pendulum.Date | None = None, clock: Clock | None = None
) -> tuple[Agreement, ...]:
    """Open agreements of ``conversation`` that count and are past their deadline on ``on``.

    ``on`` defaults to today by the clock. Which agreements count is
    :func:`musframework.model.round.agreement_counts` for this conversation alone (to leave
    out originals carried over since, ask about all the conversations with
    :func:`~musframework.workflow.what_is_due`).
    """
    day = on if on is not None else now(clock).date()
    return tuple(
        a
        for a in conversation.agreements
        if agreement_counts(conversation, a) and a.is_overdue(day)
    )


def agreements_due_soon(
    conversation: Conversation,
    *,
    within_days: int = 14,
    on: pendulum.Date | None = None,
    clock: Clock | None = None,
) -> tuple[Agreement, ...]:
    """Open agreements that count and are due from ``on`` to ``within_days`` days later.

    ``on`` defaults to today by the clock; see :func:`overdue_agreements`.
    """
    day = on if on is not None else now(clock).date()
    return tuple(
        a
        for a in conversation.agreements
        if agreement_counts(conversation, a) and a.is_due_within(day, within_days)
    )
