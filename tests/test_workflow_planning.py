"""Planning a round: who meets whom, idempotent re-planning, carry-over, one-call scale."""

from collections import Counter

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf

from .walks import organisation, previous_mus

A = wf.PlanAction
K = mf.ConversationKind


def big_org(employees: int = 200, units: int = 12) -> mf.Organisation:
    people = [mf.Person(id="dir", name="Direktør")]
    org_units = [mf.OrgUnit(id="top", name="Direktionen", leader="dir")]
    for u in range(units):
        size = employees // units + (1 if u < employees % units else 0)
        members = [f"e{u}-{i}" for i in range(size)]
        people.append(mf.Person(id=f"lead{u}", name=f"Leder {u}"))
        people.extend(mf.Person(id=m, name=m) for m in members)
        org_units.append(
            mf.OrgUnit(
                id=f"u{u}", name=f"Enhed {u}", leader=f"lead{u}", members=members, parent="top"
            )
        )
    return mf.Organisation(people=people, units=org_units)


def cycle(days: int = 60, scope=(), **settings) -> mf.Cycle:
    start = pendulum.date(2026, 2, 2)
    return mf.Cycle(
        id="r26",
        name="MUS 2026",
        period=mf.Period(start, start.add(days=days)),
        scope=scope,
        questionnaire=mf.QuestionnaireRef("form", "1"),
        settings=mf.CycleSettings(**settings),
    )


def mid(person: str) -> str:
    """The id planning gives ``person``'s MUS in round r26 (opaque: no person id in it)."""
    return wf.conversation_id(cycle(), K.MUS, person)


def lid(person: str) -> str:
    return wf.conversation_id(cycle(), K.LUS, person)


def test_planned_ids_hold_no_person_id_and_a_key_makes_them_unguessable():
    assert mid("emp").startswith("r26-mus-") and "emp" not in mid("emp")
    assert mid("emp") == mid("emp") != mid("emp2")  # deterministic, one per person
    keyed = wf.conversation_id(cycle(), K.MUS, "emp", key=b"secret")
    assert keyed != mid("emp") and keyed.startswith("r26-mus-")
    plan = wf.plan_round(organisation(), cycle(), id_key=b"secret")
    assert keyed in {c.id for c in plan.conversations}
    assert wf.conversation_id(cycle(), K.GRUS, "it") == "r26-grus-it"  # a unit, not a person


def test_who_meets_whom():
    plan = wf.plan_round(organisation(), cycle(grus_before_mus=True))
    by_id = {c.id: c for c in plan.conversations}
    mus = by_id[mid("emp")]
    assert (mus.kind, mus.employee, mus.leader, mus.unit) == (K.MUS, "emp", "boss", "it")
    assert mus.questionnaire == mf.QuestionnaireRef("form", "1")
    assert mus.duration == pendulum.duration(minutes=60)
    lus = by_id[lid("boss")]
    assert (lus.kind, lus.employee, lus.leader) == (K.LUS, "boss", "dir")
    grus = by_id["r26-grus-it"]
    assert (grus.leader, grus.people_in(mf.Role.GROUP_MEMBER), grus.group) == (
        "boss",
        ("emp", "m1", "m2"),
        "it-team",
    )
    assert mid("boss") not in by_id  # a leader has a LUS, not a MUS
    assert [e.reason.text("en") for e in plan.entries_for("dir")] == ["no leader above"]
    assert [e.reason.text("da") for e in plan.entries_for("dir")] == ["ingen leder over"]
    assert [e.action for e in plan.entries_for("top")] == [A.SKIPPED]  # no members: no GRUS


def test_grus_is_optional_and_lus_follows_settings():
    plan = wf.plan_round(organisation(), cycle(include_lus=False))
    assert {c.kind for c in plan.conversations} == {K.MUS}
    with_grus = wf.plan_round(organisation(), cycle(include_lus=False), grus=True, grus_minutes=90)
    grus = [c for c in with_grus.conversations if c.kind is K.GRUS]
    assert [g.duration.in_minutes() for g in grus] == [90]


def test_scheduled_dates_follow_the_settings():
    c = cycle(follow_up_months=3, invitation_lead_days=10)
    plan = wf.plan_round(organisation(), c)
    for conv in plan.conversations:
        day = conv.scheduled_start.date()
        assert day in c.period
        assert conv.follow_up_date == day.add(months=3)
        assert conv.next_conversation_date == day.add(months=12)
        assert plan.invitation_date(conv.id) == day.subtract(days=10)
    assert plan.invitation_date("nope") is None


def test_grus_comes_before_the_units_mus():
    plan = wf.plan_round(big_org(40, 3), cycle(grus_before_mus=True))
    grus_day = {c.unit: c.scheduled_start.date() for c in plan.conversations if c.kind is K.GRUS}
    for c in plan.conversations:
        if c.kind is K.MUS:
            assert c.scheduled_start.date() > grus_day[c.unit]


def test_replanning_keeps_everything_and_adds_only_what_is_missing():
    org = organisation()
    first = wf.plan_round(org, cycle(grus_before_mus=True))
    again = wf.plan_round(org, cycle(grus_before_mus=True), existing=first.conversations)
    assert again.conversations == first.conversations
    assert {e.action for e in again.report if e.conversation} == {A.KEPT}
    # a new employee joins; one held conversation must stay untouched
    progressed = [
        attrs.evolve(c, status="held") if c.id == mid("emp") else c for c in first.conversations
    ]
    grown = attrs.evolve(
        org,
        people=(*org.people, mf.Person(id="new", name="Ny")),
        units=[u.with_member("new") if u.id == "it" else u for u in org.units],
    )
    third = wf.plan_round(grown, cycle(grus_before_mus=True), existing=progressed)
    assert third.added == (mid("new"),)
    assert [e.action for e in third.entries_for("new")] == [A.ADDED]
    assert [e.reason.text("en") for e in third.entries_for("emp")] == ["already planned (held)"]
    kept = {c.id: c for c in third.conversations}
    assert all(kept[c.id] == c for c in progressed)  # times and states kept as they were
    new = kept[mid("new")]
    taken = {(c.leader, c.scheduled_start) for c in progressed}
    assert (new.leader, new.scheduled_start) not in taken


def test_existing_conversations_are_matched_by_person_and_leftovers_reported():
    org = organisation()
    mine = mf.Conversation(
        id="custom-id",
        kind="MUS",
        cycle="r26",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
    )
    gone = mf.Conversation(
        id=mid("left"),
        kind="MUS",
        cycle="r26",
        participants=[mf.Participant("left", "employee"), mf.Participant("boss", "leader")],
    )
    other_round = attrs.evolve(mine, id="old", cycle="r25")
    plan = wf.plan_round(org, cycle(), existing=[mine, gone, other_round])
    assert [e.conversation for e in plan.entries_for("emp") if e.kind is K.MUS] == ["custom-id"]
    (left,) = plan.entries_for("left")
    assert left.action is A.KEPT and "not planned" in left.reason.text("en")
    assert "old" not in {c.id for c in plan.conversations}
    assert plan.conversations[0] is mine  # kept unscheduled: planning does not move it


def test_new_conversations_carry_over_open_agreements():
    plan = wf.plan_round(organisation(), cycle(), previous=[previous_mus()])
    mus = next(c for c in plan.conversations if c.id == mid("emp"))
    assert mus.previous == "mus-2025-mus-emp"
    assert [(a.id, a.continues) for a in mus.agreements] == [("sql", "sql")]


def test_scope_limits_the_round_and_unscheduled_planning():
    org = big_org(24, 3)
    plan = wf.plan_round(org, cycle(scope=["u1"]), schedule_new=False)
    assert {c.unit for c in plan.conversations} == {"u1"}
    assert all(c.scheduled_start is None for c in plan.conversations)
    assert Counter(c.kind for c in plan.conversations) == {K.MUS: 8, K.LUS: 1}


def test_members_without_a_leader_are_reported():
    org = mf.Organisation(
        people=[mf.Person(id="x", name="X")], units=[mf.OrgUnit(id="u", name="U", members=["x"])]
    )
    plan = wf.plan_round(org, cycle())
    assert plan.conversations == ()
    assert [(e.subject, e.action, e.reason and e.reason.text("en")) for e in plan.report] == [
        ("x", A.SKIPPED, "no nearest leader")
    ]


def test_two_hundred_employees_in_twelve_units_in_one_call():
    plan = wf.plan_round(big_org(), cycle(days=90, grus_before_mus=True))
    counts = Counter(c.kind for c in plan.conversations)
    assert counts == {K.MUS: 200, K.GRUS: 12, K.LUS: 12}
    assert plan.unplaced == ()
    assert all(c.scheduled_start is not None for c in plan.conversations)
    assert len({c.id for c in plan.conversations}) == 224
    assert wf.plan_round(big_org(), cycle(days=90, grus_before_mus=True)) == plan  # deterministic


def test_too_short_a_window_reports_who_was_not_placed():
    plan = wf.plan_round(big_org(40, 2), cycle(days=2), scheduler=wf.Scheduler(capacity_per_day=3))
    assert plan.unplaced
    unplaced = {u.conversation for u in plan.unplaced}
    for c in plan.conversations:
        assert (c.scheduled_start is None) == (c.id in unplaced)
    first = plan.unplaced[0]
    assert first.leader is not None and first.people and "no free slot" in first.reason.text("en")


@pytest.mark.parametrize("settings", [{"include_lus": True}, {"include_lus": False}])
def test_every_member_in_scope_gets_exactly_one_mus(settings):
    org = big_org(30, 4)
    plan = wf.plan_round(org, cycle(**settings), schedule_new=False)
    mus = Counter(c.employee for c in plan.conversations if c.kind is K.MUS)
    assert set(mus.values()) == {1}
    assert set(mus) == set(org.members_in([u.id for u in org.units]))


def test_where_a_grus_replaces_the_mus_the_unit_gets_a_grus_and_no_mus():
    from musframework.model.round import round_coverage

    org = big_org(employees=6, units=2)
    replaced = cycle(grus_replaces_mus=["u0"])
    plan = wf.plan_round(org, replaced)
    kinds = Counter((c.kind, c.unit) for c in plan.conversations)
    # u0 gets its GRUS (without grus_before_mus) and no MUS; u1 its three MUS and no GRUS.
    assert kinds[(K.GRUS, "u0")] == 1 and kinds[(K.MUS, "u0")] == 0
    assert kinds[(K.MUS, "u1")] == 3 and kinds[(K.GRUS, "u1")] == 0
    skipped = [e for e in plan.report if e.action is A.SKIPPED and e.kind is K.MUS]
    assert sorted(e.subject for e in skipped) == ["e0-0", "e0-1", "e0-2"]
    assert skipped[0].reason.text("en") == "a GRUS replaces the individual MUS in the unit"
    # The planned round leaves nobody out: everyone has a planned conversation that counts.
    states = {p.person: p.state.value for p in round_coverage(replaced, plan.conversations, org)}
    assert set(states.values()) == {"planned"}
