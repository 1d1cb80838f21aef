"""Shared helpers of the workflow functions (private)."""

from __future__ import annotations

from collections.abc import Iterable

import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock, resolve_clock
from musframework.errors import DataError, TransitionError
from musframework.model.agreement import Agreement
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.findings import Finding

S = ConversationStatus

#: Which step may be taken in which state, in the order errors list them.
STEP_STATES: dict[str, frozenset[ConversationStatus]] = {
    "invite": frozenset({S.PLANNED}),
    "submit_response": frozenset({S.INVITED, S.PREPARED}),
    "prepare": frozenset({S.INVITED}),
    "hold": frozenset({S.PREPARED}),
    "conclude": frozenset({S.HELD}),
    "sign": frozenset({S.CONCLUDED}),
    "revise": frozenset({S.CONCLUDED, S.SIGNED}),
    "follow_up": frozenset({S.SIGNED}),
    "review_agreement": frozenset({S.PLANNED, S.INVITED, S.PREPARED, S.HELD, S.CONCLUDED}),
    "set_agreement_status": frozenset(
        {S.PLANNED, S.INVITED, S.PREPARED, S.HELD, S.CONCLUDED, S.SIGNED, S.FOLLOWED_UP}
    ),
    "cancel": frozenset(s for s in S if s.is_open),
}


def allowed_steps(conversation: Conversation) -> tuple[str, ...]:
    """The workflow steps that may be taken from the conversation's current state.

    >>> from musframework.model import Conversation
    >>> allowed_steps(Conversation(id="c", kind="MUS"))
    ('invite', 'review_agreement', 'set_agreement_status', 'cancel')

    The workflow's own steps come first, then the agreement steps, then ``cancel``.
    """
    return tuple(step for step, states in STEP_STATES.items() if conversation.status in states)


def refuse(conversation: Conversation, message: Message) -> TransitionError:
    """A :class:`TransitionError` for ``conversation`` naming its state and allowed steps."""
    return TransitionError(
        Message("error.refused", {"conversation": conversation.id, "reason": message}),
        current=conversation.status.value,
        allowed=allowed_steps(conversation),
    )


def require_step(conversation: Conversation, step: str) -> None:
    """Raise :class:`TransitionError` unless ``step`` is allowed in the current state."""
    if conversation.status not in STEP_STATES[step]:
        raise refuse(conversation, Message("error.step-not-now", {"step": Message(f"step.{step}")}))


def require_participant(conversation: Conversation, person: str, what: str) -> None:
    """Raise :class:`TransitionError` unless ``person`` takes part in the conversation.

    ``what`` names the act: the catalogue's ``"act.<what>"`` ("signature", "response" ...).
    """
    if not conversation.is_participant(person):
        raise refuse(
            conversation,
            Message("error.not-participant", {"what": Message(f"act.{what}", {"person": person})}),
        )


def require_agreement(conversation: Conversation, agreement_id: str) -> Agreement:
    """The agreement ``agreement_id`` of ``conversation``; :class:`DataError` when it has none."""
    found = conversation.agreement(agreement_id)
    if found is None:
        raise DataError(
            Message(
                "error.unknown-agreement", {"conversation": conversation.id, "id": agreement_id}
            ),
            [
                Finding.error(
                    "workflow.unknown-agreement",
                    "agreements",
                    conversation=conversation.id,
                    id=agreement_id,
                )
            ],
        )
    return found


def now(clock: Clock | None) -> pendulum.DateTime:
    """The current moment from ``clock`` (the system clock when ``None``)."""
    return resolve_clock(clock).now()


def strings(values: Iterable[str]) -> tuple[str, ...]:
    """A tuple of the given strings; a lone ``str`` counts as one item, not as characters."""
    if isinstance(values, str):
        return (values,)
    return tuple(values)
