"""What is due: the next action of every person, for reminders and to-do lists.

:func:`what_is_due` looks at conversations on a date (from a clock) and lists a
:class:`DueItem` for every action someone must take next: who acts, on which conversation (and
agreement), what kind of action, and by when. Filter by the person who must act, by the leader
whose conversations they are, or by round.

* ``send_invitation``: the leader, for a planned and scheduled conversation; due the start
  minus the round's invitation lead days.
* ``return_form``: each participant without a response, while invited; due ``respond_by``,
  else the day before the conversation.
* ``hold``: the leader, while invited or prepared; due the scheduled day.
* ``conclude``: the leader, once held; due a week after it was held.
* ``sign``: each required signer without a valid signature, once concluded; due a week after
  it was held.
* ``follow_up``: the leader, once signed; due the follow-up date. When a follow-up
  conversation is planned for it (:func:`musframework.model.round.follow_up_conversations`,
  made by :func:`~musframework.workflow.plan_follow_ups`), that conversation's own items
  (send the invitation, hold it, ...) take its place.
* ``agreement_overdue`` and ``agreement_due_soon``: the agreement's owner, for the open
  agreements that count (:func:`musframework.model.round.agreement_counts`: of held or later
  conversations, or carried over into one that is not cancelled; not an original carried
  over since); due the deadline.

* ``round_step``: the person responsible for one of the round's own steps (seed 004:
  inform leaders, inform employees, send the forms, hold the conversations, evaluate), for
  each round in ``cycles`` not yet done; due the step's date
  (:func:`musframework.model.round.round_steps`). ``conversation`` is then the round's id
  and ``step`` names the step.

Only items due on or before ``on + horizon_days`` are listed (all of them with
``horizon_days=None``); each says whether it is already overdue.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pendulum

from musframework.clock import Clock
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.cycle import Cycle, CycleSettings, RoundStepKind
from musframework.model.round import (
    agreement_counts,
    follow_up_conversations,
    round_steps,
    superseded_agreements,
)
from musframework.model.source import in_passes
from musframework.workflow._common import now
from musframework.workflow.signing import missing_signers

__all__ = ["DueItem", "DueKind", "invitation_date", "what_is_due"]

S = ConversationStatus

_WRITE_UP_DAYS = 7


class DueKind(enum.Enum):
    """The kinds of action :func:`what_is_due` reports, in workflow order."""

    SEND_INVITATION = "send_invitation"
    RETURN_FORM = "return_form"
    HOLD = "hold"
    CONCLUDE = "conclude"
    SIGN = "sign"
    FOLLOW_UP = "follow_up"
    AGREEMENT_OVERDUE = "agreement_overdue"
    AGREEMENT_DUE_SOON = "agreement_due_soon"
    ROUND_STEP = "round_step"


_ORDER = {kind: i for i, kind in enumerate(DueKind)}


@attrs.frozen(kw_only=True)
class DueItem:
    """One action someone must take.

    Attributes:
        kind: What must be done.
        actor: The person id of who must act.
        conversation: The id of the conversation it concerns.
        due: The date by which it should be done.
        overdue: Whether ``due`` has already passed on the date asked about.
        agreement: The agreement id, for agreement items.
        cycle: The round the conversation belongs to, if any.
        leader: The leader of the conversation, if any.
        step: For a round step, which one (``conversation`` is then the round's id).
    """

    kind: DueKind
    actor: str
    conversation: str
    due: pendulum.Date
    overdue: bool
    agreement: str | None = None
    cycle: str | None = None
    leader: str | None = None
    step: RoundStepKind | None = None

    def sort_key(self) -> tuple[pendulum.Date, int, str, str, str]:
        """Earliest first, then workflow order, conversation, actor and agreement."""
        return (self.due, _ORDER[self.kind], self.conversation, self.actor, self.agreement or "")


def invitation_date(conversation: Conversation, lead_days: int = 14) -> pendulum.Date | None:
    """The day the invitation should go out: ``lead_days`` before the scheduled start."""
    if conversation.scheduled_start is None:
        return None
    return conversation.scheduled_start.date().subtract(days=lead_days)


def what_is_due(
    conversations: Iterable[Conversation],
    *,
    clock: Clock | None = None,
    on: pendulum.Date | None = None,
    person: str | None = None,
    leader: str | None = None,
    cycle: str | None = None,
    cycles: Iterable[Cycle] = (),
    horizon_days: int | None = 14,
    soon_days: int = 14,
) -> list[DueItem]:
    """Every action due on or before ``on + horizon_days``, earliest first.

    Which agreements count is decided over all of ``conversations`` before the filters
    apply, so pass the earlier conversations too when agreements were carried over.

    Args:
        conversations: The conversations to look at (a round, a person's, everything).
        clock: Where today comes from, unless ``on`` is given.
        on: The date to look from (default: today by the clock).
        person: Only the actions this person must take.
        leader: Only actions in conversations this person leads (theirs and their reports').
        cycle: Only conversations of this round.
        cycles: Rounds whose settings (invitation lead days) apply to their conversations;
            others use the defaults. Their own steps not yet done are listed for the
            person responsible (``round_step``).
        horizon_days: How far ahead to look; ``None`` for everything outstanding.
        soon_days: How close a deadline makes an agreement "due soon".
    """
    today = on if on is not None else now(clock).date()
    limit = None if horizon_days is None else today.add(days=horizon_days)
    cycles = tuple(cycles)
    settings = {c.id: c.settings for c in cycles}
    default = CycleSettings()
    items: list[DueItem] = []
    convs = in_passes(conversations)
    superseded = superseded_agreements(convs)
    followed = follow_up_conversations(convs)
    for conversation in convs:
        if cycle is not None and conversation.cycle != cycle:
            continue
        if leader is not None and conversation.leader != leader:
            continue
        lead_days = settings.get(conversation.cycle or "", default).invitation_lead_days
        planned = conversation.id in followed
        for item in _items(conversation, today, lead_days, soon_days, superseded, planned):
            if person is not None and item.actor != person:
                continue
            if limit is not None and item.due > limit:
                continue
            items.append(item)
    for round_ in cycles:
        if cycle is not None and round_.id != cycle:
            continue
        for step in round_steps(round_):
            if step.done or step.responsible is None or step.due is None:
                continue
            if person is not None and step.responsible != person:
                continue
            if leader is not None or (limit is not None and step.due > limit):
                continue
            items.append(
                DueItem(
                    kind=DueKind.ROUND_STEP,
                    actor=step.responsible,
                    conversation=round_.id,
                    due=step.due,
                    overdue=step.due < today,
                    cycle=round_.id,
                    step=step.step,
                )
            )
    items.sort(key=DueItem.sort_key)
    return items


def _items(
    conversation: Conversation,
    today: pendulum.Date,
    lead_days: int,
    soon_days: int,
    superseded: frozenset[tuple[str, str]],
    follow_up_planned: bool = False,
) -> Iterable[DueItem]:
    status = conversation.status
    boss = conversation.leader
    start = conversation.scheduled_start

    def item(
        kind: DueKind, actor: str | None, due: pendulum.Date | None, agreement: str | None = None
    ) -> DueItem | None:
        if actor is None or due is None:
            return None
        return DueItem(
            kind=kind,
            actor=actor,
            conversation=conversation.id,
            due=due,
            overdue=due < today,
            agreement=agreement,
            cycle=conversation.cycle,
            leader=boss,
        )

    found: list[DueItem | None] = []
    if status is S.PLANNED:
        found.append(item(DueKind.SEND_INVITATION, boss, invitation_date(conversation, lead_days)))
    elif status in (S.INVITED, S.PREPARED) and start is not None:
        if status is S.INVITED:
            invitation = conversation.invitation
            respond_by = invitation.respond_by if invitation is not None else None
            form_due = respond_by or start.date().subtract(days=1)
            responded = {r.person for r in conversation.responses}
            found.extend(
                item(DueKind.RETURN_FORM, p, form_due)
                for p in conversation.participant_ids
                if p not in responded
            )
        found.append(item(DueKind.HOLD, boss, start.date()))
    elif status is S.HELD:
        held = conversation.held_at or start
        if held is not None:
            found.append(item(DueKind.CONCLUDE, boss, held.date().add(days=_WRITE_UP_DAYS)))
    elif status is S.CONCLUDED:
        held = conversation.held_at or start
        if held is not None:
            due = held.date().add(days=_WRITE_UP_DAYS)
            found.extend(item(DueKind.SIGN, p, due) for p in missing_signers(conversation))
    elif status is S.SIGNED and not follow_up_planned:
        found.append(item(DueKind.FOLLOW_UP, boss, conversation.follow_up_date))
    for agreement in conversation.agreements:
        if not agreement_counts(conversation, agreement, superseded):
            continue
        if agreement.is_overdue(today):
            kind = DueKind.AGREEMENT_OVERDUE
        elif agreement.is_due_within(today, soon_days):
            kind = DueKind.AGREEMENT_DUE_SOON
        else:
            continue
        found.append(item(kind, agreement.owner, agreement.deadline, agreement.id))
    return [f for f in found if f is not None]
