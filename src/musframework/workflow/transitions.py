"""The workflow steps: planned → invited → prepared → held → concluded → signed → followed up.

Every step is a function that takes a conversation and what the step needs, and returns a
**new** conversation; the one passed in is never changed. A step that is not allowed in the
current state raises :class:`~musframework.errors.TransitionError`, whose message names the
current state and the steps allowed next (also on ``error.current`` and ``error.allowed``).
Time always comes from the ``clock`` argument (the system clock when ``None``).

When the state advances:

* :func:`invite` moves ``planned`` to ``invited``.
* :func:`submit_response` stores a participant's preparation form; once everyone being
  developed (the employee, or every group member of a GRUS) has submitted, the conversation
  is ``prepared``. The leader's own response may arrive before or after that.
* :func:`prepare` moves ``invited`` to ``prepared`` explicitly, for a dialogue-style
  conversation without a returned form.
* :func:`hold` marks it ``held``; :func:`conclude` records conclusions and agreements
  (``concluded``); :func:`~musframework.workflow.sign` makes it ``signed`` once every required
  signer has signed; :func:`follow_up` records the follow-up (``followed_up``).
* :func:`cancel` ends any open conversation (all but followed up and cancelled).
* :func:`reschedule` moves a conversation that has not been held yet (an invitation already
  sent becomes an update: its ``sequence`` goes up); :func:`share` shares a participant's
  response or note with the other party; :func:`comment` adds a note. None of them changes
  the state.

The steps check that they fit the conversation's state and data (a response in its
respondent's role, a signature by a participant); they do **not** decide who may take them.
``by`` is recorded as the actor. Who may act is the policy's question alone
(:func:`musframework.policy.may_take`), which :mod:`musframework.services` asks before every
step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import DataError
from musframework.model.agreement import Agreement, AgreementStatus
from musframework.model.conversation import (
    Conversation,
    ConversationStatus,
    FollowUp,
    FollowUpEntry,
    Invitation,
    Note,
    ReviewComment,
)
from musframework.model.findings import Finding, Severity
from musframework.model.goals import Goal
from musframework.model.questionnaire import Questionnaire
from musframework.model.response import Response
from musframework.workflow._common import (
    allowed_steps,
    now,
    refuse,
    require_participant,
    require_step,
    strings,
)
from musframework.workflow.signing import check_agreement_ids

__all__ = [
    "allowed_steps",
    "cancel",
    "comment",
    "comment_on_conclusions",
    "conclude",
    "follow_up",
    "hold",
    "invite",
    "prepare",
    "reschedule",
    "share",
    "submit_response",
]


def invite(
    conversation: Conversation,
    *,
    by: str,
    message: str = "",
    form_attached: bool = True,
    respond_by: pendulum.Date | None = None,
    clock: Clock | None = None,
) -> Conversation:
    """Send the invitation (time, place, purpose, and the preparation form attached).

    Raises:
        TransitionError: unless the conversation is planned.
    """
    require_step(conversation, "invite")
    invitation = Invitation(
        sent_at=now(clock),
        sent_by=by,
        message=message,
        form_attached=form_attached,
        respond_by=respond_by,
    )
    return attrs.evolve(conversation, invitation=invitation, status=ConversationStatus.INVITED)


def reschedule(
    conversation: Conversation,
    *,
    by: str,
    start: pendulum.DateTime | None = None,
    duration: pendulum.Duration | None = None,
    place: str | None = None,
) -> Conversation:
    """Move the conversation to a new time, length or place before it is held.

    Only what is given changes. Once the invitation has gone out, a real change raises its
    ``sequence``, so the update reaches the participants' calendars as the same event; a
    call that changes nothing returns the conversation as it was.

    Raises:
        TransitionError: unless the conversation is planned, invited or prepared.
        DataError: when ``start`` is a naive time.
    """
    require_step(conversation, "reschedule")
    changes: dict[str, Any] = {}
    if start is not None:
        if start.tzinfo is None:
            raise DataError(
                Message("error.reschedule-refused", {"conversation": conversation.id}),
                [Finding.error("workflow.naive-start", "start")],
            )
        changes["scheduled_start"] = start
    if duration is not None:
        changes["duration"] = duration
    if place is not None:
        changes["place"] = place
    moved = attrs.evolve(conversation, **changes)
    if _when_and_where(moved) == _when_and_where(conversation):
        return conversation
    invitation = moved.invitation
    if invitation is not None:
        invitation = attrs.evolve(invitation, sequence=invitation.sequence + 1)
        moved = attrs.evolve(moved, invitation=invitation)
    return moved


def _when_and_where(c: Conversation) -> tuple[object, ...]:
    start = c.scheduled_start
    zone = None if start is None else start.timezone_name
    return (start, zone, c.duration, c.place)


def share(
    conversation: Conversation,
    *,
    person: str,
    response: bool = True,
    notes: Iterable[Note] = (),
    shared: bool = True,
) -> Conversation:
    """``person`` shares (or withdraws) their response and chosen notes with the other party.

    Args:
        conversation: The conversation.
        person: The author sharing.
        response: Share their preparation response.
        notes: Their own notes to share (a private note becomes a shared one).
        shared: ``False`` withdraws the response's sharing instead.

    Raises:
        TransitionError: when the conversation is planned or cancelled, or when ``person`` has
            no response to share, or a note is not theirs or not in the conversation.
    """
    require_step(conversation, "share")
    responses = conversation.responses
    if response:
        if conversation.response_of(person) is None:
            raise refuse(conversation, Message("error.nothing-to-share", {"person": person}))
        responses = tuple(
            r.shared_with_other_party(shared) if r.person == person else r for r in responses
        )
    wanted = tuple(notes)
    for note in wanted:
        if note.author != person or note not in conversation.notes:
            raise refuse(conversation, Message("error.not-own-note", {"person": person}))
    shown = tuple(
        attrs.evolve(n, private=not shared) if n in wanted else n for n in conversation.notes
    )
    return attrs.evolve(conversation, responses=responses, notes=shown)


def comment(
    conversation: Conversation,
    *,
    by: str,
    text: str,
    private: bool = False,
    clock: Clock | None = None,
) -> Conversation:
    """Add a note by ``by`` (private: theirs only), dated by the clock.

    Raises:
        TransitionError: when the conversation is cancelled.
        DataError: when the text is blank.
    """
    require_step(conversation, "comment")
    if not text.strip():
        raise DataError(
            Message("error.comment-refused", {"conversation": conversation.id}),
            [Finding.error("workflow.blank-note", "text")],
        )
    note = Note(author=by, text=text, private=private, at=now(clock))
    return attrs.evolve(conversation, notes=(*conversation.notes, note))


def submit_response(
    conversation: Conversation,
    response: Response,
    *,
    questionnaire: Questionnaire | None = None,
    clock: Clock | None = None,
) -> Conversation:
    """Store a participant's preparation response (replacing their earlier one).

    The response is stamped with ``submitted_at`` from the clock when it has none. With
    ``questionnaire`` it is checked first; every error found is raised at once. Once everyone
    being developed has responded, an invited conversation becomes ``prepared``.

    Raises:
        TransitionError: unless the conversation is invited or prepared, when the respondent is
            not a participant, or answers in a role they do not have.
        DataError: when ``questionnaire`` finds errors in the response, or the response answers
            another form than the conversation's.
    """
    require_step(conversation, "submit_response")
    require_participant(conversation, response.person, "response")
    role = conversation.role_of(response.person)
    if role is not response.role:
        raise refuse(
            conversation,
            Message(
                "error.response-wrong-role",
                {"person": response.person, "role": response.role, "actual": role},
            ),
        )
    problems: list[Finding] = []
    if conversation.questionnaire is not None and response.questionnaire != (
        conversation.questionnaire
    ):
        problems.append(
            Finding.error(
                "workflow.wrong-questionnaire",
                "questionnaire",
                answered=str(response.questionnaire),
                used=str(conversation.questionnaire),
            )
        )
    if questionnaire is not None:
        problems.extend(
            f for f in questionnaire.check_response(response) if f.severity is Severity.ERROR
        )
    if problems:
        raise DataError(Message("error.response-refused", {"person": response.person}), problems)
    if response.submitted_at is None:
        response = attrs.evolve(response, submitted_at=now(clock))
    others = tuple(r for r in conversation.responses if r.person != response.person)
    updated = attrs.evolve(conversation, responses=(*others, response))
    responded = {r.person for r in updated.responses}
    if updated.status is ConversationStatus.INVITED and all(
        p in responded for p in updated.developed
    ):
        updated = attrs.evolve(updated, status=ConversationStatus.PREPARED)
    return updated


def prepare(conversation: Conversation, *, by: str, clock: Clock | None = None) -> Conversation:
    """Mark an invited conversation as prepared without waiting for every form.

    For dialogue-style conversations, or when the leader decides to go ahead. A shared note
    records who decided and when.

    Raises:
        TransitionError: unless the conversation is invited.
    """
    require_step(conversation, "prepare")
    note = Note(author=by, text="marked as prepared", at=now(clock))
    return attrs.evolve(
        conversation, status=ConversationStatus.PREPARED, notes=(*conversation.notes, note)
    )


def hold(
    conversation: Conversation,
    *,
    by: str,
    notes: Iterable[Note] = (),
    clock: Clock | None = None,
) -> Conversation:
    """Record that the conversation took place (``held_at`` from the clock), with notes.

    A scheduled conversation is held on its day or later: held earlier, the invitation,
    preparation and the rules that measure from the scheduled day would describe a meeting
    that did not happen. To hold it earlier, :func:`reschedule` it first (the new time is
    then recorded, and reaches the calendars as an update).

    Raises:
        TransitionError: unless the conversation is prepared.
        DataError: when today (by the clock, in the conversation's time zone) is before the
            scheduled day (``workflow.hold-before-scheduled-day``).
    """
    require_step(conversation, "hold")
    at = now(clock)
    start = conversation.scheduled_start
    today = at if start is None or start.tz is None else at.in_timezone(start.tz)
    if start is not None and today.date() < start.date():
        raise DataError(
            Message("error.hold-refused", {"conversation": conversation.id}),
            [
                Finding.error(
                    "workflow.hold-before-scheduled-day",
                    "scheduled_start",
                    day=start.date(),
                    today=today.date(),
                )
            ],
        )
    return attrs.evolve(
        conversation,
        status=ConversationStatus.HELD,
        held_at=at,
        notes=(*conversation.notes, *notes),
    )


def conclude(
    conversation: Conversation,
    *,
    by: str,
    conclusions: Iterable[str],
    goals: Iterable[str],
    practice_changes: Iterable[str] = (),
    agreements: Iterable[Agreement] = (),
    follow_up_date: pendulum.Date | None,
    next_conversation_date: pendulum.Date | None,
    written_by: str | None = None,
    goal_thread: Iterable[Goal] = (),
    clock: Clock | None = None,
) -> Conversation:
    """Write up the conclusions, goals, wanted changes in practice and agreements.

    ``goal_thread`` links the conversation into the strategy (:class:`~musframework.Goal`):
    a GRUS's unit goals, each serving an organisation goal of the round, or a person's goals,
    each serving a unit goal, with the agreements that work towards them.

    ``written_by`` names who wrote the conclusions (default ``by``; seed 002 §4: the leader,
    or the employee for ownership); it is recorded in ``conclusions_by`` and covered by the
    signatures. The other party then reviews them and may comment before signing
    (:func:`comment_on_conclusions`).

    The conversation's existing agreements (those carried over from the previous conversation
    and reviewed in it) are kept; an agreement in ``agreements`` with the same id replaces one,
    the rest are added. New agreements whose status is not ``open`` get a history entry by
    ``by`` at the clock's time.

    Raises:
        TransitionError: unless the conversation is held.
        DataError: when agreement ids repeat.
    """
    require_step(conversation, "conclude")
    at = now(clock)
    given = {a.id: a for a in check_agreement_ids(conversation, tuple(agreements))}
    merged = [given.pop(a.id, a) for a in conversation.agreements]
    for agreement in given.values():
        if agreement.status is not AgreementStatus.OPEN and not agreement.history:
            agreement = agreement.with_status(agreement.status, by=by, at=at)
        merged.append(agreement)
    return attrs.evolve(
        conversation,
        status=ConversationStatus.CONCLUDED,
        conclusions=strings(conclusions),
        conclusions_by=written_by or by,
        goal_thread=tuple(goal_thread),
        goals=strings(goals),
        practice_changes=strings(practice_changes),
        agreements=check_agreement_ids(conversation, tuple(merged)),
        follow_up_date=follow_up_date,
        next_conversation_date=next_conversation_date,
    )


def comment_on_conclusions(
    conversation: Conversation, *, by: str, text: str, clock: Clock | None = None
) -> Conversation:
    """The other party's comment on the written conclusions, before signing (seed 002 §4).

    The comment (a :class:`~musframework.ReviewComment` with the clock's time) becomes part
    of the signed content: everyone signs the conclusions together with the comments, and a
    signature made before the comment is void (its signer signs again). The author of the
    conclusions (``conclusions_by``) does not comment on their own text: they revise it.

    Raises:
        TransitionError: unless the conversation is concluded (written up, not yet signed by
            everyone), or when ``by`` is not a participant.
        DataError: when the text is blank or ``by`` wrote the conclusions
            (``workflow.blank-comment``, ``workflow.own-conclusions``).
    """
    require_step(conversation, "sign")
    require_participant(conversation, by, "review-comment")
    problems: list[Finding] = []
    if not text.strip():
        problems.append(Finding.error("workflow.blank-comment", "text"))
    if by == conversation.conclusions_by:
        problems.append(Finding.error("workflow.own-conclusions", "by", person=by))
    if problems:
        raise DataError(
            Message("error.review-comment-refused", {"conversation": conversation.id}), problems
        )
    comment = ReviewComment(person=by, text=text.strip(), at=now(clock))
    return attrs.evolve(conversation, review_comments=(*conversation.review_comments, comment))


def follow_up(
    conversation: Conversation,
    *,
    by: str,
    entries: Iterable[FollowUpEntry],
    note: str = "",
    clock: Clock | None = None,
) -> Conversation:
    """Record the follow-up: a status and a note per agreement.

    Each entry is also written to its agreement's history (actor ``by``, the clock's time), so
    the agreement's status is the one found at follow-up. Status changes do not void the
    signatures.

    Raises:
        TransitionError: unless the conversation is signed.
        DataError: when an entry names an agreement the conversation does not have, or names
            one twice.
    """
    require_step(conversation, "follow_up")
    at = now(clock)
    entries = tuple(entries)
    known = {a.id for a in conversation.agreements}
    problems: list[Finding] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.agreement not in known:
            problems.append(
                Finding.error(
                    "workflow.unknown-agreement",
                    f"entries[{i}].agreement",
                    conversation=conversation.id,
                    id=entry.agreement,
                )
            )
        elif entry.agreement in seen:
            problems.append(
                Finding.error(
                    "workflow.duplicate-entry",
                    f"entries[{i}].agreement",
                    id=entry.agreement,
                )
            )
        seen.add(entry.agreement)
    if problems:
        raise DataError(
            Message("error.follow-up-refused", {"conversation": conversation.id}), problems
        )
    by_id = {e.agreement: e for e in entries}
    updated = tuple(
        a.with_status(by_id[a.id].status, by=by, at=at, note=by_id[a.id].note)
        if a.id in by_id
        else a
        for a in conversation.agreements
    )
    record = FollowUp(held_at=at, by=by, entries=entries, note=note)
    return attrs.evolve(
        conversation,
        agreements=updated,
        follow_up=record,
        status=ConversationStatus.FOLLOWED_UP,
    )


def cancel(
    conversation: Conversation, *, by: str, reason: str = "", clock: Clock | None = None
) -> Conversation:
    """Cancel an open conversation, recording why in ``cancelled_reason`` and a shared note.

    Raises:
        TransitionError: when the conversation is already followed up or cancelled.
    """
    require_step(conversation, "cancel")
    note = Note(author=by, text=f"cancelled: {reason}" if reason else "cancelled", at=now(clock))
    return attrs.evolve(
        conversation,
        status=ConversationStatus.CANCELLED,
        cancelled_reason=reason,
        notes=(*conversation.notes, note),
    )
