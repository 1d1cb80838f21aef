"""Planning a round: who has which conversation with whom, idempotently, in one call.

:func:`plan_round` plans a :class:`~musframework.Cycle` for an
:class:`~musframework.Organisation`:

* one MUS per employee in scope with their nearest leader;
* with ``settings.include_lus``, one LUS per leader of a unit in scope with their own leader
  (that leader then has no MUS in the round, even if listed as a member somewhere);
* with ``settings.grus_before_mus`` (or ``grus=True``), one GRUS per unit with a leader and
  members, scheduled on an earlier day than that unit's MUS;
* in the units of ``settings.grus_replaces_mus``, a GRUS replaces the individual MUS: the
  unit gets a GRUS and its members no MUS.

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
from collections.abc import Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.model.conversation import Conversation, ConversationStatus, Participant
from musframework.model.cycle import Cycle
from musframework.model.kinds import ConversationKind, Role
from musframework.model.organisation import Organisation
from musframework.model.people import OrgUnit
from musframework.model.round import scope_units
from musframework.workflow.carry_over import carry_over
from musframework.workflow.due import invitation_date
from musframework.workflow.scheduling import Scheduler, Unplaced, schedule

__all__ = ["PlanAction", "PlanEntry", "RoundPlan", "conversation_id", "plan_round"]

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
) -> RoundPlan:
    """Plan (and schedule) a round; keep what exists, add what is missing, report both.

    Args:
        organisation: People and units; the nearest leader comes from it.
        cycle: The round: its scope (unit ids, with every unit below; all units when empty),
            period, form and settings.
        existing: Conversations already in the round (any others are ignored).
        previous: Conversations of earlier rounds, for carry-over of open agreements.
        grus: Plan a GRUS per unit (default ``cycle.settings.grus_before_mus``).
        grus_minutes: The length of a GRUS.
        schedule_new: Place new conversations with the scheduler (default) or leave them
            unscheduled.
        scheduler: Working days, hours, capacity, breaks and closed days.
        id_key: A secret for the ids of new conversations (see :func:`conversation_id`).

    Raises:
        MissingExtraError: when scheduling needs public holidays and ``holidays`` is missing.
    """
    settings = cycle.settings
    want_grus = settings.grus_before_mus if grus is None else grus
    replaced = frozenset(settings.grus_replaces_mus)
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
    minutes = pendulum.duration(minutes=settings.conversation_minutes)

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
        conversation = Conversation(
            id=cid,
            kind=kind,
            cycle=cycle.id,
            unit=None if unit is None else unit.id,
            group=group_of.get(unit.id) if kind is K.GRUS and unit is not None else None,
            participants=people,
            duration=pendulum.duration(minutes=grus_minutes) if kind is K.GRUS else minutes,
            questionnaire=cycle.questionnaire,
        )
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
            if unit.id in replaced:
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
