"""The scheduler: places conversations on working days and hours inside a round's window.

:func:`schedule` gives every planned conversation without a time a start within the window
(the cycle's period by default), on working days and within working hours in the round's time
zone (Europe/Copenhagen by default), skipping closed days (public holidays and your hook, see
:mod:`musframework.workflow.dates`). It respects each leader's capacity (conversations they
lead per day), keeps a break between any participant's conversations, never books a
participant twice at once, places a unit's GRUS on an earlier day than that unit's MUS, and
reports every conversation it could not place, with the reason, instead of dropping it.

Times are computed on absolute instants and shown in the named zone, so a day after a
daylight-saving change starts at the same local hour with the new offset. Follow-up and next
conversation dates are calendar months after the conversation, clamped to month ends.

The work is one sort by leader plus a walk over each leader's days: O(N log N) for N
conversations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import InvalidValueError
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.cycle import Cycle, Period
from musframework.model.kinds import ConversationKind
from musframework.workflow.dates import ClosedDays, add_months, closed_day_test

__all__ = ["ScheduleResult", "Scheduler", "Unplaced", "schedule"]

_KIND_ORDER = {
    ConversationKind.GRUS: 0,
    ConversationKind.LUS: 1,
    ConversationKind.MUS: 2,
    ConversationKind.FOLLOW_UP: 3,
}


def _time(value: pendulum.Time | str) -> pendulum.Time:
    if isinstance(value, str):
        hour, minute = value.split(":")
        return pendulum.time(int(hour), int(minute))
    return value


def _weekdays(values: Iterable[int]) -> frozenset[int]:
    days = frozenset(values)
    if not days or not days <= set(range(1, 8)):
        raise InvalidValueError(Message("error.scheduler.working-days"))
    return days


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise InvalidValueError(
            Message("error.scheduler.at-least-one", {"name": attribute.name, "value": value})
        )


def _not_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise InvalidValueError(
            Message("error.scheduler.negative", {"name": attribute.name, "value": value})
        )


@attrs.frozen(kw_only=True)
class Scheduler:
    """How conversations are placed.

    Attributes:
        day_start: When the working day starts (local time; ``"09:00"`` or a pendulum Time).
        day_end: When the last conversation must have ended.
        working_days: ISO weekdays that are working days (Monday 1 … Sunday 7).
        capacity_per_day: How many conversations a leader holds per day at most.
        break_minutes: The break each participant gets between two conversations.
        public_holidays: The country whose public holidays are closed (needs the ``holidays``
            extra); ``None`` for none.
        closed_days: Your hook for further closed days: a collection of dates or a callable
            ``day -> bool``.
        timezone: The zone to schedule in; ``None`` for the round's ``settings.timezone``.
    """

    day_start: pendulum.Time = attrs.field(default=pendulum.time(9), converter=_time)
    day_end: pendulum.Time = attrs.field(default=pendulum.time(15, 30), converter=_time)
    working_days: frozenset[int] = attrs.field(
        default=frozenset({1, 2, 3, 4, 5}), converter=_weekdays
    )
    capacity_per_day: int = attrs.field(default=4, validator=_positive)
    break_minutes: int = attrs.field(default=15, validator=_not_negative)
    public_holidays: str | None = "DK"
    closed_days: ClosedDays | None = attrs.field(default=None, eq=False)
    timezone: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise InvalidValueError(
                Message(
                    "error.scheduler.day-end",
                    {"end": self.day_end.isoformat(), "start": self.day_start.isoformat()},
                )
            )


@attrs.frozen(kw_only=True)
class Unplaced:
    """A conversation the scheduler could not place, and why.

    Attributes:
        conversation: Its id.
        leader: Its leader, if it has one.
        people: The people being developed in it.
        reason: Why it could not be placed (a catalogue message: ``reason.text(locale)``).
    """

    conversation: str
    leader: str | None
    people: tuple[str, ...]
    reason: Message


@attrs.frozen(kw_only=True)
class ScheduleResult:
    """The conversations after scheduling, in the order given, and those left unplaced.

    Attributes:
        conversations: Every conversation passed in; placed ones now have a start, a
            follow-up date and a next conversation date.
        placed: The ids of the conversations placed by this call.
        unplaced: The conversations that could not be placed.
    """

    conversations: tuple[Conversation, ...]
    placed: tuple[str, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()


def _needs_place(c: Conversation) -> bool:
    return c.status is ConversationStatus.PLANNED and c.scheduled_start is None


def _occupies(c: Conversation) -> bool:
    return c.status is not ConversationStatus.CANCELLED and c.scheduled_start is not None


def schedule(
    conversations: Iterable[Conversation],
    cycle: Cycle,
    *,
    scheduler: Scheduler | None = None,
    window: Period | None = None,
) -> ScheduleResult:
    """Place every planned, unscheduled conversation; keep the rest where they are.

    Conversations that already have a start (and are not cancelled) keep it and take up their
    leader's capacity and their participants' time. Each leader's conversations are placed
    GRUS first, then LUS, then MUS, each in id order, so the result is deterministic.

    Raises:
        MissingExtraError: when ``scheduler.public_holidays`` is set and the ``holidays``
            extra is not installed.
    """
    rules = scheduler or Scheduler()
    period = window or cycle.period
    tz = pendulum.timezone(rules.timezone or cycle.settings.timezone)
    settings = cycle.settings
    items = tuple(conversations)

    years = range(period.start.year, period.end.year + 1)
    is_closed = closed_day_test(years, country=rules.public_holidays, closed_days=rules.closed_days)
    days: list[pendulum.Date] = []
    bounds: list[tuple[int, int]] = []
    day = period.start
    while day <= period.end:
        if day.isoweekday() in rules.working_days and not is_closed(day):
            days.append(day)
            opens = pendulum.datetime(
                day.year, day.month, day.day, rules.day_start.hour, rules.day_start.minute, tz=tz
            )
            closes = pendulum.datetime(
                day.year, day.month, day.day, rules.day_end.hour, rules.day_end.minute, tz=tz
            )
            bounds.append((int(opens.timestamp()), int(closes.timestamp())))
        day = day.add(days=1)
    day_index = {d: i for i, d in enumerate(days)}
    brk = rules.break_minutes * 60

    busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    load: dict[tuple[str, int], int] = defaultdict(int)
    for c in items:
        if not _occupies(c):
            continue
        assert c.scheduled_start is not None
        local = c.scheduled_start.in_timezone(tz)
        i = day_index.get(local.date())
        if i is None:
            continue
        begin = int(c.scheduled_start.timestamp())
        span = (begin, begin + int(c.duration.total_seconds()))
        for person in c.participant_ids:
            busy[person, i].append(span)
        if c.leader is not None:
            load[c.leader, i] += 1

    queues: dict[str, list[Conversation]] = defaultdict(list)
    unplaced: list[Unplaced] = []
    for c in items:
        if not _needs_place(c):
            continue
        if c.leader is None:
            unplaced.append(_unplaced(c, Message("plan.reason.no-leader")))
        else:
            queues[c.leader].append(c)

    grus_day: dict[str, int] = {}
    placed: dict[str, Conversation] = {}
    cursor: dict[str, int] = {}
    # Many conversations share a start time or a day: build each pendulum value once.
    starts: dict[int, pendulum.DateTime] = {}
    later: dict[int, tuple[pendulum.Date, pendulum.Date]] = {}
    # Every GRUS first (a unit's MUS must come on a later day), then each leader's others.
    order = sorted(
        ((leader, c) for leader, queue in queues.items() for c in queue),
        key=lambda item: (
            item[1].kind is not ConversationKind.GRUS,
            item[0],
            _KIND_ORDER[item[1].kind],
            item[1].id,
        ),
    )
    for leader, c in order:
        first = cursor.get(leader, 0)
        if c.kind is not ConversationKind.GRUS and c.unit in grus_day:
            first = max(first, grus_day[c.unit] + 1)
        spot = _find_slot(c, leader, first, bounds, busy, load, rules.capacity_per_day, brk)
        if spot is None:
            reason = Message(
                "plan.reason.no-free-slot" if days else "plan.reason.no-working-day",
                {"leader": leader, "start": period.start, "end": period.end},
            )
            unplaced.append(_unplaced(c, reason))
            continue
        i, begin = spot
        span = (begin, begin + int(c.duration.total_seconds()))
        for person in c.participant_ids:
            busy[person, i].append(span)
        load[leader, i] += 1
        first = cursor.get(leader, 0)
        while first < len(days) and load.get((leader, first), 0) >= rules.capacity_per_day:
            first += 1
        cursor[leader] = first
        if c.kind is ConversationKind.GRUS and c.unit is not None:
            grus_day[c.unit] = min(grus_day.get(c.unit, i), i)
        start = starts.get(begin)
        if start is None:
            start = starts[begin] = pendulum.from_timestamp(begin, tz=tz)
        dates = later.get(i)
        if dates is None:
            day_of = days[i]
            dates = later[i] = (
                add_months(day_of, settings.follow_up_months),
                add_months(day_of, settings.next_conversation_months),
            )
        placed[c.id] = attrs.evolve(
            c,
            scheduled_start=start,
            follow_up_date=c.follow_up_date or dates[0],
            next_conversation_date=c.next_conversation_date or dates[1],
        )
    return ScheduleResult(
        conversations=tuple(placed.get(c.id, c) if _needs_place(c) else c for c in items),
        placed=tuple(c.id for c in items if c.id in placed),
        unplaced=tuple(unplaced),
    )


def _unplaced(c: Conversation, reason: Message) -> Unplaced:
    return Unplaced(conversation=c.id, leader=c.leader, people=c.developed, reason=reason)


def _find_slot(
    c: Conversation,
    leader: str,
    first: int,
    bounds: list[tuple[int, int]],
    busy: dict[tuple[str, int], list[tuple[int, int]]],
    load: dict[tuple[str, int], int],
    capacity: int,
    brk: int,
) -> tuple[int, int] | None:
    length = int(c.duration.total_seconds())
    people = c.participant_ids
    for i in range(first, len(bounds)):
        if load.get((leader, i), 0) >= capacity:
            continue
        opens, closes = bounds[i]
        begin = opens
        while begin + length <= closes:
            clash_end = None
            for person in people:
                for s, e in busy.get((person, i), ()):
                    if begin < e + brk and s < begin + length + brk:
                        clash_end = e if clash_end is None else max(clash_end, e)
            if clash_end is None:
                return i, begin
            begin = max(begin + 1, clash_end + brk)
        # the day is full for someone; try the next
    return None
