"""Planning a round: who has which conversation with whom, idempotently, in one call.

:func:`plan_round` plans a :class:`~musframework.Cycle` for an
:class:`~musframework.Organisation`:

* one MUS per employee in scope with their nearest leader;
* with ``settings.include_lus``, one LUS per leader of a unit in scope with their own leader
  (that leader then has no MUS in the round, even if listed as a member somewhere);
* with ``settings.grus_before_mus`` (or ``grus=True``), one GRUS per unit with a leader and
  members, scheduled on an earlier day than that unit's MUS;
* in the units of ``settings.grus_replaces_mus``, a GRUS replaces the individual MUS: the
  unit gets a GRUS and its members no MUS, except those who asked for an individual MUS
  (``Cycle.mus_requests``): they get one.

Each conversation gets the form and length the round gives its kind and unit
(:func:`musframework.model.round.round_form` and
:func:`~musframework.model.round.planned_minutes`: ``Cycle.forms``, else the round's own
form), an agenda made of that form's sections with their minutes (when the form is among
``questionnaires``), and a place: ``place`` (a text, or a callable given the new
conversation), else ``settings.place``.

:func:`plan_follow_ups` is the round step after the conversations: every concluded or signed
conversation of the round with a follow-up date gets a ``FOLLOW_UP`` conversation on (or
soon after) that date, with the same people, carrying the agreements under review.

Ids are deterministic (``<cycle>-mus-<person>``, ``<cycle>-lus-<person>``,
``<cycle>-grus-<unit>``). Re-planning is idempotent: a conversation of the round already in
``existing`` (matched by id, or by kind and person, or for a GRUS by unit) is kept exactly as it
is, only what is missing is added, and the report says per person what happened. With
``previous`` (earlier rounds' conversations), each new conversation carries over the open
agreements of that person's latest earlier conversation of the same kind.

Unless ``schedule=False``, new conversations are placed by the
:func:`~musframework.workflow.schedule` scheduler, which also sets their follow-up (3 or 6
months) and next conversation (12 months) dates; :meth:`RoundPlan.invitation_date` gives the
day to send each invitation.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import DataError
from musframework.model.conversation import (
    AgendaItem,
    Conversation,
    ConversationStatus,
    Participant,
)
from musframework.model.cycle import Cycle, Period, RoundStep, RoundStepKind
from musframework.model.findings import Finding
from musframework.model.kinds import ConversationKind, Role
from musframework.model.organisation import Organisation
from musframework.model.people import OrgUnit
from musframework.model.questionnaire import Questionnaire
from musframework.model.response import QuestionnaireRef
from musframework.model.round import (
    follow_up_conversations,
    planned_minutes,
    requested_mus,
    round_form,
    scope_units,
)
from musframework.workflow._common import now
from musframework.workflow.carry_over import carry_over
from musframework.workflow.due import invitation_date
from musframework.workflow.scheduling import Scheduler, Unplaced, schedule

__all__ = [
    "Place",
    "PlanAction",
    "PlanEntry",
    "RoundPlan",
    "agenda_from",
    "complete_round_step",
    "conversation_id",
    "follow_up_id",
    "plan_follow_ups",
    "plan_round",
]

Place = str | Callable[[Conversation], str]
"""Where a conversation is held: one text for all, or a callable given the new conversation."""

K = ConversationKind


class PlanAction(enum.Enum):
    """What planning did for one person (or, for a GRUS, one unit)."""

    ADDED = "added"
    KEPT = "kept"
    SKIPPED = "skipped"


@attrs.frozen(kw_only=True)
class PlanEntry:
    """One line of the planning report.

    Attributes:
        subject: The person id (MUS, LUS) or unit id (GRUS) the line is about.
        kind: The kind of conversation.
        action: Added, kept or skipped.
        conversation: The conversation's id (``None`` when skipped).
        reason: Why, for kept and skipped lines (a catalogue message: ``reason.text(locale)``).
    """

    subject: str
    kind: ConversationKind
    action: PlanAction
    conversation: str | None = None
    reason: Message | None = None


@attrs.frozen(kw_only=True)
class RoundPlan:
    """The result of :func:`plan_round`.

    Attributes:
        cycle: The round planned.
        conversations: Every conversation of the round: those kept (in the order given) and
            those added.
        report: What was done, per person (and per unit for GRUS).
        unplaced: New conversations the scheduler could not place, with the reason.
    """

    cycle: Cycle
    conversations: tuple[Conversation, ...]
    report: tuple[PlanEntry, ...]
    unplaced: tuple[Unplaced, ...] = ()

    @property
    def added(self) -> tuple[str, ...]:
        """The ids of the conversations added by this planning."""
        return tuple(
            e.conversation for e in self.report if e.action is PlanAction.ADDED and e.conversation
        )

    def entries_for(self, subject: str) -> tuple[PlanEntry, ...]:
        """The report lines about one person or unit."""
        return tuple(e for e in self.report if e.subject == subject)

    def invitation_date(self, conversation_id: str) -> pendulum.Date | None:
        """When to send the invitation for a scheduled conversation (start minus lead days)."""
        found = next((c for c in self.conversations if c.id == conversation_id), None)
        if found is None:
            return None
        return invitation_date(found, self.cycle.settings.invitation_lead_days)


def conversation_id(
    cycle: Cycle, kind: ConversationKind | str, subject: str, *, key: bytes | None = None
) -> str:
    """The deterministic id planning gives a conversation; it never holds a person's id.

    ``<cycle>-grus-<unit>`` for a GRUS (a unit is no person); ``<cycle>-<kind>-<12 hex>`` for
    a MUS or LUS, the start of a SHA-256 of the cycle, kind and person (an HMAC with ``key``
    when given: then nobody without the key can tell from the database whose it was, even
    with a list of person ids). An erased person's conversations keep their ids.
    """
    kind = ConversationKind(kind)
    prefix = f"{cycle.id}-{kind.value.lower()}-"
    if kind is K.GRUS:
        return prefix + subject
    message = "\x00".join(("musframework.conversation-id/1", cycle.id, kind.value, subject))
    data = message.encode("utf-8", "surrogatepass")
    if key is None:
        digest = hashlib.sha256(data).hexdigest()
    else:
        digest = hmac.new(key, data, hashlib.sha256).hexdigest()
    return prefix + digest[:12]


def _key(c: Conversation) -> tuple[ConversationKind, str | None]:
    return (c.kind, c.unit if c.kind is K.GRUS else c.employee)


def _when(c: Conversation) -> tuple[int, float]:
    moment = c.held_at or c.scheduled_start
    return (0, 0.0) if moment is None else (1, moment.timestamp())


def agenda_from(form: Questionnaire) -> tuple[AgendaItem, ...]:
    """The agenda a form gives a conversation: its sections with minutes, in order."""
    return tuple(
        AgendaItem(title=section.title, minutes=section.minutes, section=section.id)
        for section in form.sections
        if section.minutes
    )


def _forms(questionnaires: Iterable[Questionnaire]) -> dict[QuestionnaireRef, Questionnaire]:
    return {q.ref: q for q in questionnaires}


def _place(place: Place | None, cycle: Cycle, conversation: Conversation) -> str:
    if place is None:
        return cycle.settings.place
    return place(conversation) if callable(place) else place


def plan_round(
    organisation: Organisation,
    cycle: Cycle,
    *,
    existing: Iterable[Conversation] = (),
    previous: Iterable[Conversation] = (),
    grus: bool | None = None,
    grus_minutes: int = 120,
    schedule_new: bool = True,
    scheduler: Scheduler | None = None,
    id_key: bytes | None = None,
    questionnaires: Iterable[Questionnaire] = (),
    place: Place | None = None,
) -> RoundPlan:
    """Plan (and schedule) a round; keep what exists, add what is missing, report both.

    Args:
        organisation: People and units; the nearest leader comes from it.
        cycle: The round: its scope (unit ids, with every unit below; all units when empty),
            period, form and settings.
        existing: Conversations already in the round (any others are ignored).
        previous: Conversations of earlier rounds, for carry-over of open agreements.
        grus: Plan a GRUS per unit (default ``cycle.settings.grus_before_mus``).
        grus_minutes: The length of a GRUS when neither the round's ``forms`` nor the GRUS
            form gives one.
        schedule_new: Place new conversations with the scheduler (default) or leave them
            unscheduled.
        scheduler: Working days, hours, capacity, breaks and closed days.
        id_key: A secret for the ids of new conversations (see :func:`conversation_id`).
        questionnaires: The forms the round uses (matched by id and version); a
            conversation whose form is among them gets the form's sections as its agenda,
            and the form's minutes as its length unless the round says otherwise.
        place: Where new conversations are held: a text, or a callable given the new
            conversation (its kind, unit and people are set); default ``settings.place``.

    Raises:
        MissingExtraError: when scheduling needs public holidays and ``holidays`` is missing.
        DataError: when the round is closed (evaluated: ``round.closed``).
    """
    refuse_closed(cycle)
    settings = cycle.settings
    want_grus = settings.grus_before_mus if grus is None else grus
    replaced = frozenset(settings.grus_replaces_mus)
    asked = requested_mus(cycle)
    forms = _forms(questionnaires)
    units = scope_units(cycle, organisation)
    kept = [c for c in existing if c.cycle == cycle.id]
    by_id = {c.id: c for c in kept}
    by_key: dict[tuple[ConversationKind, str | None], Conversation] = {}
    for c in kept:
        by_key.setdefault(_key(c), c)
    latest: dict[tuple[ConversationKind, str | None], Conversation] = {}
    for c in previous:
        if c.cycle == cycle.id or c.status is ConversationStatus.CANCELLED:
            continue
        key = _key(c)
        if key not in latest or _when(c) >= _when(latest[key]):
            latest[key] = c

    group_of: dict[str | None, str] = {}
    for g in organisation.groups:
        group_of.setdefault(g.unit, g.id)
    report: list[PlanEntry] = []
    new: list[Conversation] = []
    matched: set[str] = set()

    def add(
        kind: ConversationKind, subject: str, unit: OrgUnit | None, people: list[Participant]
    ) -> None:
        cid = conversation_id(cycle, kind, subject, key=id_key)
        found = by_id.get(cid) or by_key.get((kind, subject))
        if found is not None:
            matched.add(found.id)
            report.append(
                PlanEntry(
                    subject=subject,
                    kind=kind,
                    action=PlanAction.KEPT,
                    conversation=found.id,
                    reason=Message("plan.reason.already-planned", {"status": found.status}),
                )
            )
            return
        unit_id = None if unit is None else unit.id
        ref = round_form(cycle, kind, unit_id)
        form = None if ref is None else forms.get(ref)
        length = planned_minutes(cycle, kind, unit_id, form=form)
        conversation = Conversation(
            id=cid,
            kind=kind,
            cycle=cycle.id,
            unit=unit_id,
            group=group_of.get(unit.id) if kind is K.GRUS and unit is not None else None,
            participants=people,
            duration=_duration(length if length is not None else grus_minutes),
            questionnaire=ref,
            agenda=() if form is None else agenda_from(form),
        )
        conversation = attrs.evolve(conversation, place=_place(place, cycle, conversation))
        earlier = latest.get((kind, subject))
        if earlier is not None:
            conversation = carry_over(earlier, conversation)
        new.append(conversation)
        report.append(
            PlanEntry(subject=subject, kind=kind, action=PlanAction.ADDED, conversation=cid)
        )

    def skip(kind: ConversationKind, subject: str, reason: str) -> None:
        # ``reason`` names the catalogue's "plan.reason.<reason>".
        report.append(
            PlanEntry(
                subject=subject,
                kind=kind,
                action=PlanAction.SKIPPED,
                reason=Message(f"plan.reason.{reason}"),
            )
        )

    leaders = list(dict.fromkeys(u.leader for u in units if u.leader is not None))
    leader_set = set(leaders) if settings.include_lus else set()

    if want_grus or replaced:
        for unit in units:
            if not want_grus and unit.id not in replaced:
                continue
            if unit.leader is None or not unit.members:
                skip(K.GRUS, unit.id, "no-leader-or-members")
                continue
            members = [Participant(m, Role.GROUP_MEMBER) for m in unit.members if m != unit.leader]
            add(K.GRUS, unit.id, unit, [Participant(unit.leader, Role.LEADER), *members])

    seen: set[str] = set()
    for unit in units:
        for member in unit.members:
            if member in seen or member in leader_set:
                continue
            seen.add(member)
            if unit.id in replaced and member not in asked:
                skip(K.MUS, member, "grus-replaces-mus")
                continue
            boss = organisation.nearest_leader(member)
            if boss is None:
                skip(K.MUS, member, "no-nearest-leader")
                continue
            home = organisation.unit_of(member) or unit
            add(
                K.MUS,
                member,
                home,
                [Participant(member, Role.EMPLOYEE), Participant(boss, Role.LEADER)],
            )

    if settings.include_lus:
        for leader in leaders:
            boss = organisation.nearest_leader(leader)
            if boss is None:
                skip(K.LUS, leader, "no-leader-above")
                continue
            led = organisation.units_led_by(leader)
            add(
                K.LUS,
                leader,
                led[0] if led else None,
                [Participant(leader, Role.EMPLOYEE), Participant(boss, Role.LEADER)],
            )

    for c in kept:
        if c.id not in matched:
            subject = (c.unit if c.kind is K.GRUS else c.employee) or c.id
            report.append(
                PlanEntry(
                    subject=subject,
                    kind=c.kind,
                    action=PlanAction.KEPT,
                    conversation=c.id,
                    reason=Message("plan.reason.kept-as-it-was"),
                )
            )

    conversations = (*kept, *new)
    unplaced: tuple[Unplaced, ...] = ()
    if schedule_new and new:
        # Only new conversations are placed; kept ones with a time take up their slots.
        fixed = [c for c in kept if c.scheduled_start is not None]
        result = schedule((*fixed, *new), cycle, scheduler=scheduler)
        placed = {c.id: c for c in result.conversations[len(fixed) :]}
        conversations = (*kept, *(placed[c.id] for c in new))
        unplaced = result.unplaced
    return RoundPlan(
        cycle=cycle, conversations=conversations, report=tuple(report), unplaced=unplaced
    )


_DURATIONS: dict[int, pendulum.Duration] = {}


def _duration(minutes: int) -> pendulum.Duration:
    # Durations are immutable: conversations of the same length share one.
    found = _DURATIONS.get(minutes)
    if found is None:
        found = _DURATIONS[minutes] = pendulum.duration(minutes=minutes)
    return found


_REVIEWED = (K.MUS, K.GRUS, K.LUS)
_FOLLOW_UP_WINDOW_DAYS = 14


def follow_up_id(conversation: Conversation) -> str:
    """The id :func:`plan_follow_ups` gives a conversation's follow-up: ``<id>-follow-up``."""
    return f"{conversation.id}-follow-up"


def plan_follow_ups(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    *,
    questionnaires: Iterable[Questionnaire] = (),
    follow_up_minutes: int = 30,
    schedule_new: bool = True,
    scheduler: Scheduler | None = None,
    place: Place | None = None,
    clock: Clock | None = None,
) -> RoundPlan:
    """Plan the follow-up conversation of every concluded or signed conversation of the round.

    A MUS, GRUS or LUS of ``cycle`` that is concluded or signed (not yet followed up) and
    has a ``follow_up_date`` gets a ``FOLLOW_UP`` conversation (id :func:`follow_up_id`) with
    the same people, unit and group, ``previous`` naming it, and copies of its open
    agreements (the agreements under review, as :func:`~musframework.workflow.carry_over`
    makes them). Its form and length come from the round (``Cycle.forms`` for
    ``FOLLOW_UP``; else ``follow_up_minutes``), its agenda from the form's sections, its
    place from ``place`` or ``settings.place``. Unless ``schedule_new=False`` it is
    scheduled on the follow-up date or the first free slot in the two weeks after it; a
    follow-up planned after its date has passed is placed from today (by ``clock``) on.

    Idempotent: a conversation that already has a follow-up conversation among
    ``conversations`` (not cancelled) is reported as kept.

    Returns:
        A :class:`RoundPlan` whose ``conversations`` are the new follow-ups only, and whose
        report has one line per conversation followed up (subject: its id).
    """
    forms = _forms(questionnaires)
    convs = tuple(c for c in conversations if c.cycle == cycle.id)
    followed = follow_up_conversations(convs)
    report: list[PlanEntry] = []
    new: list[Conversation] = []
    for c in convs:
        if c.kind not in _REVIEWED or c.follow_up_date is None:
            continue
        if c.status not in ConversationStatus.CONCLUDED_OR_LATER:
            continue
        if c.status is ConversationStatus.FOLLOWED_UP:
            continue
        found = followed.get(c.id)
        if found is not None:
            report.append(
                PlanEntry(
                    subject=c.id,
                    kind=K.FOLLOW_UP,
                    action=PlanAction.KEPT,
                    conversation=found.id,
                    reason=Message("plan.reason.already-planned", {"status": found.status}),
                )
            )
            continue
        ref = round_form(cycle, K.FOLLOW_UP, c.unit)
        form = None if ref is None else forms.get(ref)
        length = planned_minutes(cycle, K.FOLLOW_UP, c.unit, form=form)
        fresh = Conversation(
            id=follow_up_id(c),
            kind=K.FOLLOW_UP,
            cycle=cycle.id,
            unit=c.unit,
            group=c.group,
            participants=c.participants,
            duration=_duration(length if length is not None else follow_up_minutes),
            questionnaire=ref,
            agenda=() if form is None else agenda_from(form),
            next_conversation_date=c.next_conversation_date,
        )
        fresh = attrs.evolve(carry_over(c, fresh), place=_place(place, cycle, fresh))
        new.append(fresh)
        report.append(
            PlanEntry(
                subject=c.id, kind=K.FOLLOW_UP, action=PlanAction.ADDED, conversation=fresh.id
            )
        )
    unplaced: list[Unplaced] = []
    if schedule_new and new:
        source = {c.id: c for c in convs}
        today = now(clock).date()
        on_day: dict[pendulum.Date, list[Conversation]] = defaultdict(list)
        for f in new:
            day = source[f.previous or ""].follow_up_date
            assert day is not None
            on_day[max(day, today)].append(f)
        occupied = [c for c in convs if c.scheduled_start is not None]
        placed: dict[str, Conversation] = {}
        for day in sorted(on_day):
            window = Period(day, day.add(days=_FOLLOW_UP_WINDOW_DAYS))
            result = schedule((*occupied, *on_day[day]), cycle, scheduler=scheduler, window=window)
            for f in result.conversations[len(occupied) :]:
                if f.scheduled_start is not None:
                    # The scheduler dates a follow-up; this one is the follow-up.
                    f = attrs.evolve(f, follow_up_date=None)
                    placed[f.id] = f
                    occupied.append(f)
            unplaced.extend(result.unplaced)
        new = [placed.get(f.id, f) for f in new]
    return RoundPlan(
        cycle=cycle, conversations=tuple(new), report=tuple(report), unplaced=tuple(unplaced)
    )


def refuse_closed(cycle: Cycle) -> None:
    """Raise :class:`~musframework.errors.DataError` (``round.closed``) for an evaluated round."""
    if cycle.closed:
        raise DataError(
            Message("error.round-refused", {"cycle": cycle.id}),
            [Finding.error("round.closed", "steps", cycle=cycle.id)],
        )


def complete_round_step(
    cycle: Cycle,
    step: RoundStepKind | str,
    *,
    by: str,
    responsible: str | None = None,
    clock: Clock | None = None,
) -> Cycle:
    """Record one of the round's own steps (seed 004) as done, by ``by`` at the clock's time.

    The step keeps its ``responsible`` person and ``due`` date if it had them
    (``responsible`` sets one). Recording ``evaluate`` closes the round: planning then
    refuses to add conversations (follow-ups of its conversations are still planned).

    Raises:
        DataError: when the round is already closed (``round.closed``).
    """
    refuse_closed(cycle)
    kind = RoundStepKind(step)
    old = next((s for s in cycle.steps if s.step is kind), None)
    done = RoundStep(
        step=kind,
        responsible=responsible or (old.responsible if old is not None else None),
        due=None if old is None else old.due,
        done_at=now(clock),
        done_by=by,
    )
    kept = tuple(s for s in cycle.steps if s.step is not kind)
    order = list(RoundStepKind)
    steps = sorted((*kept, done), key=lambda s: order.index(s.step))
    return attrs.evolve(cycle, steps=steps)
