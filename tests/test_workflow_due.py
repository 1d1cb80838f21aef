"""What is due: who must act, on what, by when; for a person, a leader and a round."""

import attrs
import pendulum

import musframework as mf
from musframework import workflow as wf
from musframework.workflow import DueKind as K

from .test_workflow_transitions import (
    clock,
    concluded,
    followed_up,
    held,
    invited,
    planned,
    prepared,
    signed,
)

D = pendulum.date


def kinds(items):
    return [(i.kind, i.actor) for i in items]


def test_each_state_has_its_next_action():
    on = D(2026, 3, 1)
    assert kinds(wf.what_is_due([planned()], on=on)) == [(K.SEND_INVITATION, "boss")]
    assert kinds(wf.what_is_due([invited()], on=on)) == [
        (K.RETURN_FORM, "boss"),
        (K.RETURN_FORM, "emp"),
        (K.HOLD, "boss"),
    ]
    assert kinds(wf.what_is_due([prepared()], on=on)) == [(K.HOLD, "boss")]
    assert kinds(wf.what_is_due([held()], on=D(2026, 3, 5))) == [(K.CONCLUDE, "boss")]
    assert kinds(wf.what_is_due([concluded()], on=D(2026, 3, 5))) == [
        (K.SIGN, "boss"),
        (K.SIGN, "emp"),
    ]
    assert kinds(wf.what_is_due([signed()], on=D(2026, 5, 1), horizon_days=None)) == [
        (K.FOLLOW_UP, "boss")
    ]
    assert wf.what_is_due([followed_up()], on=D(2026, 9, 5)) == []
    assert wf.what_is_due([wf.cancel(planned(), by="hr")], on=on) == []


def test_items_say_who_what_and_by_when():
    (item,) = wf.what_is_due([planned()], on=D(2026, 2, 5))
    assert item == wf.DueItem(
        kind=K.SEND_INVITATION,
        actor="boss",
        conversation="c1",
        due=D(2026, 2, 18),  # 14 days before 4 March
        overdue=False,
        leader="boss",
    )
    (late,) = wf.what_is_due([planned()], on=D(2026, 2, 20))
    assert late.overdue


def test_round_settings_set_the_lead_days():
    cycle = mf.Cycle(
        id="r",
        name="r",
        period=mf.Period(D(2026, 2, 1), D(2026, 4, 1)),
        settings=mf.CycleSettings(invitation_lead_days=7),
    )
    c = attrs.evolve(planned(), cycle="r")
    (item,) = wf.what_is_due([c], on=D(2026, 2, 1), cycles=[cycle], horizon_days=None)
    assert item.due == D(2026, 2, 25)
    assert wf.invitation_date(c, 7) == D(2026, 2, 25)
    assert wf.invitation_date(attrs.evolve(c, scheduled_start=None)) is None


def test_horizon_limits_what_is_listed():
    assert wf.what_is_due([planned()], on=D(2026, 1, 1)) == []
    assert len(wf.what_is_due([planned()], on=D(2026, 1, 1), horizon_days=None)) == 1


def test_form_due_uses_respond_by():
    c = wf.invite(planned(), by="boss", respond_by=D(2026, 3, 1), clock=clock(2026, 2, 20, 9))
    forms = [i for i in wf.what_is_due([c], on=D(2026, 2, 21)) if i.kind is K.RETURN_FORM]
    assert {i.due for i in forms} == {D(2026, 3, 1)}


def test_agreements_overdue_and_due_soon_go_to_their_owner():
    c = signed()
    extra = mf.Agreement(id="a2", description="x", owner="boss", deadline=D(2026, 9, 20))
    c = attrs.evolve(c, agreements=(*c.agreements, extra))
    items = wf.what_is_due([c], on=D(2026, 9, 10))
    assert [(i.kind, i.actor, i.agreement) for i in items] == [
        (K.AGREEMENT_OVERDUE, "emp", "a1"),
        (K.FOLLOW_UP, "boss", None),
        (K.AGREEMENT_DUE_SOON, "boss", "a2"),
    ]
    assert items[0].overdue and not items[2].overdue


def test_filters_for_a_person_a_leader_and_a_round():
    mine = attrs.evolve(invited(), cycle="r1")
    other = attrs.evolve(
        invited(),
        id="c2",
        cycle="r2",
        participants=[mf.Participant("x", "employee"), mf.Participant("lead2", "leader")],
    )
    on = D(2026, 3, 1)
    assert {i.conversation for i in wf.what_is_due([mine, other], on=on, person="emp")} == {"c1"}
    assert [i.kind for i in wf.what_is_due([mine, other], on=on, person="emp")] == [K.RETURN_FORM]
    assert {i.actor for i in wf.what_is_due([mine, other], on=on, leader="lead2")} == {"x", "lead2"}
    assert {i.conversation for i in wf.what_is_due([mine, other], on=on, cycle="r2")} == {"c2"}


def test_today_comes_from_the_clock():
    assert kinds(wf.what_is_due([planned()], clock=clock(2026, 2, 10, 9))) == [
        (K.SEND_INVITATION, "boss")
    ]
