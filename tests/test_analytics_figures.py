"""Each figure of the hand-built round in tests/analytics_round.py, computed by hand."""

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import analytics as an
from musframework.model.anonymity import Suppressed
from tests import analytics_round as r

ORG = r.organisation()


def test_progress_by_status_and_unit():
    p = an.conversation_progress(r.conversations(), organisation=ORG)
    assert [(u.unit, u.name) for u in p.units] == [("a", "Afdeling A"), ("b", "Afdeling <B>")]
    a, b = p.units
    assert (a.count("planned"), a.count("held"), a.count("signed"), a.total) == (1, 1, 1, 3)
    assert (b.count("held"), b.count("cancelled"), b.total) == (1, 1, 2)
    assert p.total == 5
    assert p.held == 3
    assert p.held_share == pytest.approx(3 / 4)  # cancelled ones do not count
    assert dict(p.by_status)[mf.ConversationStatus.CANCELLED] == 1
    assert p.unit("b") is b
    assert p.unit("nowhere") is None
    assert p.to_records()[0] == {
        "unit": "a",
        "unit_name": "Afdeling A",
        "planned": 1,
        "invited": 0,
        "prepared": 0,
        "held": 1,
        "concluded": 0,
        "signed": 1,
        "followed_up": 0,
        "cancelled": 0,
        "total": 3,
    }


def test_progress_without_organisation_uses_the_conversation_unit_or_none():
    convs = [*r.conversations(), r.mus("c9", "e3", "L1", None)]  # type: ignore[arg-type]
    p = an.conversation_progress(convs, locale="en")
    assert [u.unit for u in p.units] == ["a", "b", None]
    assert p.units[-1].name == "(no unit)"
    # With the organisation, the employee's unit is found.
    p = an.conversation_progress(convs, organisation=ORG)
    assert p.unit("a").total == 4  # type: ignore[union-attr]


def test_coverage_finds_who_is_covered_planned_cancelled_or_missing():
    c = an.coverage(r.cycle(), r.conversations(), ORG)
    # In scope: e1-e5, and the leaders L1 and L2 (LUS); the director has nobody above her.
    assert c.in_scope == 7
    # Held: e1 (signed) and L1 (LUS). e2's MUS is only planned; e4's is cancelled, and the
    # GRUS does not replace it (the round does not say so); e3, e5 and L2 have none.
    assert (c.covered, c.planned, c.cancelled, c.missing) == (2, 1, 1, 3)
    assert {p.person: p.state.value for p in c.uncovered} == {
        "e2": "planned",
        "e3": "missing",
        "e4": "cancelled",
        "e5": "missing",
        "L2": "missing",
    }
    assert [p.person for p in c.people("missing")] == ["e3", "e5", "L2"]
    assert [
        (u.unit, u.in_scope, u.covered, u.planned, u.cancelled, u.missing) for u in c.units
    ] == [
        ("a", 4, 2, 1, 0, 1),
        ("b", 3, 0, 0, 1, 2),
    ]
    assert c.share == pytest.approx(2 / 7)
    e3 = next(p for p in c.uncovered if p.person == "e3")
    assert (e3.name, e3.unit, e3.unit_name) == ("Navn e3", "a", "Afdeling A")
    assert c.uncovered_records()[0].keys() == {"person", "name", "unit", "unit_name", "state"}
    assert c.to_records()[1] == {
        "unit": "b",
        "unit_name": "Afdeling <B>",
        "in_scope": 3,
        "covered": 0,
        "planned": 0,
        "cancelled": 1,
        "missing": 2,
        "share": 0.0,
    }


def test_coverage_follows_the_round_settings():
    cycle = r.cycle()
    # Where the round says a GRUS replaces the MUS, e4 and e5 are covered by their GRUS.
    replaced = attrs.evolve(cycle, settings=mf.CycleSettings(grus_replaces_mus=["b"]))
    c = an.coverage(replaced, r.conversations(), ORG)
    assert (c.covered, c.cancelled) == (4, 0)
    # A GRUS round counts GRUS conversations for the members, a LUS for the leader.
    grus = attrs.evolve(cycle, kind="GRUS", scope=["b"])
    c = an.coverage(grus, r.conversations(), ORG)
    assert (c.in_scope, c.covered) == (3, 2)
    assert [p.person for p in c.uncovered] == ["L2"]
    no_lus = attrs.evolve(grus, settings=mf.CycleSettings(include_lus=False))
    assert an.coverage(no_lus, r.conversations(), ORG).in_scope == 2
    # An empty scope means the whole organisation; another round's conversations count for
    # nothing.
    whole = mf.Cycle(id="w", name="W", period=cycle.period)
    c = an.coverage(whole, r.conversations(), ORG)
    assert (c.in_scope, c.covered, c.missing) == (7, 0, 7)


def test_invitation_lead_times_in_the_conversation_time_zone():
    inv = an.invitation_lead_times(r.conversations())
    assert inv.histogram == ((3, 1), (14, 1), (15, 1))
    assert inv.not_invited == 2  # c2 (planned) and c5 have a start but no invitation
    assert (inv.too_late, inv.on_time, inv.too_early) == (1, 1, 1)
    assert inv.invited == 3
    assert inv.median == 14
    assert inv.mean == pytest.approx(32 / 3)
    assert inv.to_records() == [
        {"lead_days": 3, "band": "too_late", "conversations": 1},
        {"lead_days": 14, "band": "recommended", "conversations": 1},
        {"lead_days": 15, "band": "too_early", "conversations": 1},
    ]
    wide = an.invitation_lead_times(r.conversations(), recommended=(3, 15))
    assert wide.on_time == 3
    empty = an.invitation_lead_times([])
    assert (empty.median, empty.mean, empty.invited) == (None, None, 0)


def test_agreements_by_status_owner_role_and_method():
    ag = an.agreement_breakdown(r.conversations(), organisation=ORG)
    assert ag.total == 5  # x1-x3, y1 and y2; not z1 of the cancelled c3
    status = mf.AgreementStatus
    assert ag.by_status() == (
        (status.OPEN, 3),
        (status.IN_PROGRESS, 1),
        (status.DONE, 1),
        (status.CANCELLED, 0),
    )
    # L1 is the employee of their own LUS, so y1 is an employee agreement.
    assert ag.by_owner_role() == (("employee", 3), ("leader", 1), ("unknown", 1))
    method = mf.LearningMethod
    assert ag.by_learning_method() == (
        (None, 2),
        (method.COURSE, 1),
        (method.MENTORING, 1),
        (method.SELF_STUDY, 1),
    )
    records = ag.to_records()
    assert sum(rec["count"] for rec in records) == 5
    assert {
        "unit": "a",
        "unit_name": "Afdeling A",
        "status": "open",
        "owner_role": "employee",
        "learning_method": "course",
        "count": 1,
    } in records


def test_overdue_and_due_soon_are_derived_from_today():
    due = an.due_agreements(r.conversations(), on=r.TODAY, organisation=ORG)
    assert [(x.agreement, x.state, x.days) for x in due.rows] == [
        ("x1", "overdue", -30),
        ("x2", "due_soon", 9),
    ]
    assert [x.agreement for x in due.overdue] == ["x1"]
    assert due.rows[1].owner_name == "Navn L1"
    # Agreement.is_overdue agrees; a later day makes x2 overdue too.
    later = an.due_agreements(r.conversations(), on=pendulum.date(2026, 5, 11), within_days=0)
    assert [x.agreement for x in later.overdue] == ["x1", "x2"]
    assert later.due_soon == ()
    # The due-soon window includes today and the last day.
    edge = an.due_agreements(r.conversations(), on=pendulum.date(2026, 4, 10), within_days=30)
    assert [x.agreement for x in edge.due_soon] == ["x2"]
    with pytest.raises(mf.errors.InvalidValueError):
        an.due_agreements([], on="2026-05-01")  # type: ignore[arg-type]


def test_deadline_timeline_by_month_and_week():
    tl = an.agreement_deadlines(r.conversations(), on=r.TODAY)
    d = pendulum.date
    assert tl.counts == (
        (d(2026, 3, 1), "done", 1),
        (d(2026, 4, 1), "overdue", 1),
        (d(2026, 5, 1), "in_progress", 1),
        (d(2026, 9, 1), "open", 1),
    )
    assert tl.without_deadline == 1
    assert len(tl.periods) == 7
    assert tl.series("open") == (0, 0, 0, 0, 0, 0, 1)
    weekly = an.agreement_deadlines(r.conversations(), on=r.TODAY, bucket="week")
    assert weekly.counts[0] == (d(2026, 3, 16), "done", 1)  # 20 March 2026 is a Friday
    assert all(p.weekday() == 0 for p in weekly.periods)
    with pytest.raises(ValueError):
        an.agreement_deadlines([], on=r.TODAY, bucket="year")
    assert an.agreement_deadlines([], on=r.TODAY).periods == ()


def test_rating_gaps_of_two_pairs_are_suppressed_not_zero():
    # c1: 4 vs 3, c4 (LUS): 5 vs 3; two employees are fewer than the minimum of five.
    # (The figures themselves are checked on larger rounds in tests/test_anonymity_figures.py.)
    gaps = an.rating_gaps(r.conversations(), questionnaire=r.questionnaire(), organisation=ORG)
    assert gaps.questions == () and gaps.units == ()
    assert gaps.is_suppressed("q1") and gaps.is_suppressed("q1", "a")
    assert gaps.is_suppressed("q2")
    assert not gaps.is_suppressed("q3")
    assert gaps.scale == (1, 5)
    assert [(c.unit, c.question) for c in gaps.suppressed] == [
        (None, "q1"),
        (None, "q2"),
        ("a", "q1"),
        ("a", "q2"),
    ]
    assert gaps.for_unit("b") == ()
    records = gaps.to_records(by_unit=True)
    assert len(records) == 2
    assert all(rec["suppressed"] and isinstance(rec["mean_gap"], Suppressed) for rec in records)
    # Unit a has fewer members than five: its answers could only ever count in the total.
    assert records[0]["mean_gap"].text("da") == (
        "skjult (enheden har færre end 5; svarene tæller kun i totalen)"
    )
    assert gaps.suppressed[0].marker.text("en") == "suppressed (fewer than 5 answers)"


def test_rating_gaps_without_questionnaire_use_ids_and_observed_scale():
    gaps = an.rating_gaps(r.conversations(), locale="en")
    assert [c.text for c in gaps.suppressed if c.unit is None] == ["q1", "q2"]
    assert gaps.scale == (2, 5)
    assert gaps.suppressed[0].unit_name == "All units"
    assert an.rating_gaps([]).questions == ()


def test_evaluation_results_of_two_responses_are_suppressed():
    ev = an.evaluation_results(r.evaluation(), r.evaluation_responses(), locale="en")
    assert ev.responses == 2  # the response to another questionnaire is left out
    assert ev.questions == ()
    assert [c.question for c in ev.suppressed] == ["ev1", "ev2", "ev3", "ev4", "ev5", "ev6"]
    assert ev.question("ev1") is None and ev.is_suppressed("ev1")
    records = ev.to_records()
    assert [rec["question"] for rec in records] == ["ev1", "ev2", "ev3", "ev4", "ev5", "ev6"]
    assert records[0]["type"] == "scale"
    assert all(isinstance(rec["mean"], Suppressed) and rec["suppressed"] for rec in records)
    leaders = an.evaluation_results(r.evaluation(), r.evaluation_responses(), role="leader")
    assert leaders.responses == 1
    assert leaders.is_suppressed("ev1")


def test_carry_over_counts_continued_and_dropped_agreements():
    co = an.carry_over_summary(r.conversations(), r.previous(), organisation=ORG)
    # x3 continues p1 of c1's previous conversation and is done; y2's "ghost" resolves nowhere.
    assert co.carried_over == 1
    assert co.done == 1
    assert co.done_share == 1.0
    assert co.unresolved == 1
    # p2 (in progress) and q1 (open) were open and nothing continues them; p3 was done.
    assert co.not_carried_over == 2
    assert co.to_records() == [
        {
            "unit": "a",
            "unit_name": "Afdeling A",
            "carried_over": 1,
            "open": 0,
            "in_progress": 0,
            "done": 1,
            "cancelled": 0,
            "not_carried_over": 2,
        }
    ]


def test_carry_over_finds_the_previous_conversation_through_the_person():
    conv = r.mus(
        "n1",
        "e2",
        "L1",
        "a",
        agreements=[mf.Agreement(id="k", description="K", continues="q1", status="in_progress")],
    )
    co = an.carry_over_summary([conv], r.previous())
    assert (co.carried_over, co.count("in_progress"), co.unresolved) == (1, 1, 0)
    assert co.not_carried_over == 2  # p1 and p2 of pc1
    assert co.done_share == 0.0
    assert an.carry_over_summary([], []).done_share is None
