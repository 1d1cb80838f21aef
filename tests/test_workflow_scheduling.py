"""The scheduler: capacity, breaks, closed days, daylight saving, month ends, properties."""

import itertools
import sys
from collections import Counter, defaultdict

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework import workflow as wf
from musframework.errors import MissingExtraError

CPH = "Europe/Copenhagen"
D = pendulum.date


def mus(
    i: int, leader: str = "boss", minutes: int = 60, employee: str | None = None
) -> mf.Conversation:
    return mf.Conversation(
        id=f"c{i:03}",
        kind="MUS",
        participants=[
            mf.Participant(employee or f"e{i}", "employee"),
            mf.Participant(leader, "leader"),
        ],
        duration=pendulum.duration(minutes=minutes),
    )


def cycle(start: pendulum.Date, end: pendulum.Date, **settings) -> mf.Cycle:
    return mf.Cycle(
        id="r", name="r", period=mf.Period(start, end), settings=mf.CycleSettings(**settings)
    )


NO_HOLIDAYS = wf.Scheduler(public_holidays=None)


def starts(result: mf.Conversation) -> list[str]:
    return [
        c.scheduled_start.format("YYYY-MM-DD HH:mm Z") if c.scheduled_start else None
        for c in result.conversations
    ]


def test_capacity_and_breaks():
    rules = wf.Scheduler(capacity_per_day=3, break_minutes=30, public_holidays=None)
    result = wf.schedule(
        [mus(i) for i in range(5)], cycle(D(2026, 2, 2), D(2026, 2, 6)), scheduler=rules
    )
    assert starts(result) == [
        "2026-02-02 09:00 +01:00",
        "2026-02-02 10:30 +01:00",
        "2026-02-02 12:00 +01:00",
        "2026-02-03 09:00 +01:00",
        "2026-02-03 10:30 +01:00",
    ]
    assert result.placed == tuple(c.id for c in result.conversations)
    assert result.unplaced == ()


def test_working_hours_limit_the_day():
    rules = wf.Scheduler(
        day_start="09:00", day_end="11:00", capacity_per_day=10, public_holidays=None
    )
    result = wf.schedule(
        [mus(i) for i in range(3)], cycle(D(2026, 2, 2), D(2026, 2, 3)), scheduler=rules
    )
    # 10:15 + 60 minutes would end after 11:00: one a day, and the third does not fit
    assert starts(result)[:2] == ["2026-02-02 09:00 +01:00", "2026-02-03 09:00 +01:00"]
    assert result.conversations[2].scheduled_start is None
    assert [u.conversation for u in result.unplaced] == ["c002"]


def test_weekends_and_danish_public_holidays_are_skipped():
    # Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April
    rules = wf.Scheduler(capacity_per_day=1)
    result = wf.schedule(
        [mus(i) for i in range(5)], cycle(D(2026, 3, 30), D(2026, 4, 30)), scheduler=rules
    )
    assert [c.scheduled_start.to_date_string() for c in result.conversations] == [
        "2026-03-30",
        "2026-03-31",
        "2026-04-01",
        "2026-04-07",
        "2026-04-08",
    ]
    assert D(2026, 4, 3) in wf.public_holidays([2026])


def test_closed_days_hook_as_dates_or_callable():
    window = cycle(D(2026, 2, 2), D(2026, 2, 13))
    as_set = wf.Scheduler(capacity_per_day=1, public_holidays=None, closed_days={D(2026, 2, 2)})
    as_fn = wf.Scheduler(
        capacity_per_day=1, public_holidays=None, closed_days=lambda d: d.day % 2 == 0
    )
    first = wf.schedule([mus(1)], window, scheduler=as_set).conversations[0]
    assert first.scheduled_start.to_date_string() == "2026-02-03"
    days = [
        c.scheduled_start.day
        for c in wf.schedule([mus(i) for i in range(3)], window, scheduler=as_fn).conversations
    ]
    assert days == [3, 5, 9]


def test_missing_holidays_extra_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "holidays", None)  # what an environment without it sees
    with pytest.raises(MissingExtraError, match=r"musframework\[holidays\]"):
        wf.schedule([mus(1)], cycle(D(2026, 2, 2), D(2026, 2, 6)))
    # the hook alone works without the extra
    result = wf.schedule([mus(1)], cycle(D(2026, 2, 2), D(2026, 2, 6)), scheduler=NO_HOLIDAYS)
    assert result.placed == ("c001",)


def test_daylight_saving_keeps_local_hours():
    rules = wf.Scheduler(capacity_per_day=1, public_holidays=None)
    result = wf.schedule(
        [mus(i) for i in range(2)], cycle(D(2026, 3, 27), D(2026, 3, 31)), scheduler=rules
    )
    assert starts(result) == ["2026-03-27 09:00 +01:00", "2026-03-30 09:00 +02:00"]
    assert result.conversations[1].scheduled_start.timezone_name == CPH


def test_the_short_night_of_the_daylight_saving_change():
    # Sunday 29 March 2026, 01:00-05:00 local is three real hours: room for three, not four
    rules = wf.Scheduler(
        working_days=[7],
        day_start="01:00",
        day_end="05:00",
        capacity_per_day=9,
        break_minutes=0,
        public_holidays=None,
    )
    result = wf.schedule(
        [mus(i) for i in range(4)], cycle(D(2026, 3, 29), D(2026, 3, 29)), scheduler=rules
    )
    assert starts(result)[:3] == [
        "2026-03-29 01:00 +01:00",
        "2026-03-29 03:00 +02:00",
        "2026-03-29 04:00 +02:00",
    ]
    assert [u.conversation for u in result.unplaced] == ["c003"]


def test_month_ends_clamp_follow_up_dates():
    rules = wf.Scheduler(public_holidays=None)
    result = wf.schedule(
        [mus(1)], cycle(D(2026, 8, 31), D(2026, 8, 31), follow_up_months=6), scheduler=rules
    )
    (c,) = result.conversations
    assert c.follow_up_date == D(2027, 2, 28)
    assert c.next_conversation_date == D(2027, 8, 31)
    assert wf.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)


def test_existing_conversations_keep_their_time_and_take_up_capacity():
    fixed = mf.Conversation(
        id="fixed",
        kind="MUS",
        status="invited",
        participants=[mf.Participant("x", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=pendulum.datetime(2026, 2, 2, 9, tz=CPH),
    )
    cancelled = mf.Conversation(
        id="gone",
        kind="MUS",
        status="cancelled",
        participants=[mf.Participant("y", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=pendulum.datetime(2026, 2, 3, 9, tz=CPH),
    )
    rules = wf.Scheduler(capacity_per_day=1, public_holidays=None)
    result = wf.schedule(
        [fixed, cancelled, mus(1)], cycle(D(2026, 2, 2), D(2026, 2, 6)), scheduler=rules
    )
    assert result.conversations[:2] == (fixed, cancelled)
    assert result.conversations[2].scheduled_start == pendulum.datetime(2026, 2, 3, 9, tz=CPH)


def test_a_participant_is_never_in_two_places():
    # boss holds MUS and has their own LUS with dir at the same time of day
    lus = mf.Conversation(
        id="lus",
        kind="LUS",
        participants=[mf.Participant("boss", "employee"), mf.Participant("dir", "leader")],
    )
    rules = wf.Scheduler(public_holidays=None, break_minutes=15)
    result = wf.schedule([mus(1), lus], cycle(D(2026, 2, 2), D(2026, 2, 2)), scheduler=rules)
    times = sorted(c.scheduled_start for c in result.conversations)
    assert times[1] - times[0] >= pendulum.duration(minutes=75)


def test_unplaceable_conversations_are_reported():
    no_leader = mf.Conversation(id="x", kind="MUS", participants=[mf.Participant("a", "employee")])
    weekend = cycle(D(2026, 2, 7), D(2026, 2, 8))
    result = wf.schedule([no_leader, mus(1)], weekend, scheduler=NO_HOLIDAYS)
    assert [(u.conversation, u.reason.text("en")) for u in result.unplaced] == [
        ("x", "it has no leader to hold it"),
        ("c001", "no open working day between 7 February 2026 and 8 February 2026"),
    ]
    assert result.unplaced[1].reason.text("da") == (
        "ingen åben arbejdsdag mellem 7. februar 2026 og 8. februar 2026"
    )
    assert result.unplaced[1].people == ("e1",)


def test_scheduler_settings_are_checked():
    with pytest.raises(mf.errors.InvalidValueError, match="end of the day"):
        wf.Scheduler(day_start="15:00", day_end="09:00")
    with pytest.raises(ValueError, match="capacity_per_day"):
        wf.Scheduler(capacity_per_day=0)
    with pytest.raises(ValueError, match="break_minutes"):
        wf.Scheduler(break_minutes=-1)
    with pytest.raises(ValueError, match="ISO weekdays"):
        wf.Scheduler(working_days=[0])


@st.composite
def workloads(draw):
    leaders = [f"L{i}" for i in range(draw(st.integers(1, 3)))]
    people = [f"p{i}" for i in range(draw(st.integers(1, 8)))]
    n = draw(st.integers(1, 25))
    items = []
    for i in range(n):
        leader = draw(st.sampled_from(leaders))
        others = draw(
            st.lists(st.sampled_from(people + leaders), min_size=1, max_size=3, unique=True)
        )
        others = [p for p in others if p != leader] or [f"solo{i}"]
        kind = "GRUS" if len(others) > 1 else "MUS"
        role = "group_member" if kind == "GRUS" else "employee"
        items.append(
            mf.Conversation(
                id=f"c{i:02}",
                kind=kind,
                unit=draw(st.sampled_from(["u1", "u2"])),
                participants=[
                    mf.Participant(leader, "leader"),
                    *(mf.Participant(p, role) for p in others),
                ],
                duration=pendulum.duration(minutes=draw(st.sampled_from([30, 45, 60, 120]))),
            )
        )
    rules = wf.Scheduler(
        capacity_per_day=draw(st.integers(1, 5)),
        break_minutes=draw(st.sampled_from([0, 10, 15, 30])),
        day_start=draw(st.sampled_from(["08:00", "09:00"])),
        day_end=draw(st.sampled_from(["12:00", "15:30"])),
        working_days=draw(st.sampled_from([[1, 2, 3, 4, 5], [1, 3, 5], [6, 7]])),
        public_holidays=None,
        closed_days=draw(st.sets(st.dates(D(2026, 3, 23), D(2026, 4, 5)), max_size=4)),
    )
    start = draw(st.dates(D(2026, 3, 23), D(2026, 4, 1)))
    end = start + pendulum.duration(days=draw(st.integers(0, 8)))
    return (
        items,
        rules,
        cycle(D(start.year, start.month, start.day), D(end.year, end.month, end.day)),
    )


@settings(max_examples=60, deadline=None)
@given(workloads())
def test_scheduler_never_double_books_or_exceeds_capacity(case):
    items, rules, window = case
    result = wf.schedule(items, window, scheduler=rules)
    unplaced = {u.conversation for u in result.unplaced}
    placed = [c for c in result.conversations if c.scheduled_start is not None]
    assert {c.id for c in placed} | unplaced == {c.id for c in items}
    assert not ({c.id for c in placed} & unplaced)
    load = Counter((c.leader, c.scheduled_start.date()) for c in placed)
    assert max(load.values(), default=0) <= rules.capacity_per_day
    closed = {D(d.year, d.month, d.day) for d in rules.closed_days}
    spans = defaultdict(list)
    for c in placed:
        local = c.scheduled_start.in_timezone(CPH)
        assert local.date() in window.period
        assert local.isoweekday() in rules.working_days
        assert local.date() not in closed
        assert local.time() >= rules.day_start
        end = local + c.duration
        assert end.date() == local.date() and end.time() <= rules.day_end
        for p in c.participant_ids:
            spans[p].append((c.scheduled_start, c.scheduled_end, c.id))
    gap = pendulum.duration(minutes=rules.break_minutes)
    for p, booked in spans.items():
        booked.sort()
        for (_, end1, a), (start2, _, b) in itertools.pairwise(booked):
            assert end1 + gap <= start2, (p, a, b)
    grus_days = defaultdict(list)
    for c in placed:
        if c.kind is mf.ConversationKind.GRUS:
            grus_days[c.unit].append(c.scheduled_start.date())
    for c in placed:
        if c.kind is mf.ConversationKind.MUS and grus_days.get(c.unit):
            assert c.scheduled_start.date() > min(grus_days[c.unit])
