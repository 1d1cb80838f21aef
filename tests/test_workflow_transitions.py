"""Every workflow step, legal and illegal; originals stay unchanged; outsiders are refused."""

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import DataError, TransitionError

from .helpers import at
from .walks import questionnaire

S = mf.ConversationStatus
FORM = questionnaire()


def clock(*args: int) -> mf.FixedClock:
    return mf.FixedClock(at(*args))


def planned() -> mf.Conversation:
    return mf.Conversation(
        id="c1",
        kind="MUS",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=at(2026, 3, 4, 10),
        questionnaire=FORM.ref,
    )


def response(person: str, role: str) -> mf.Response:
    return FORM.new_response(role, person, {"year": 4, "goals": "Lære mere"})


def invited() -> mf.Conversation:
    return wf.invite(planned(), by="boss", message="Velkommen", clock=clock(2026, 2, 20, 9))


def prepared() -> mf.Conversation:
    return wf.submit_response(invited(), response("emp", "employee"), clock=clock(2026, 2, 25, 9))


def held() -> mf.Conversation:
    return wf.hold(prepared(), by="boss", clock=clock(2026, 3, 4, 11))


AGREEMENT = mf.Agreement(
    id="a1", description="Mentor", owner="emp", deadline=pendulum.date(2026, 6, 1)
)


def concluded() -> mf.Conversation:
    return wf.conclude(
        held(),
        by="boss",
        conclusions=["Godt år"],
        goals=["Databaser"],
        agreements=[AGREEMENT],
        follow_up_date=pendulum.date(2026, 9, 4),
        next_conversation_date=pendulum.date(2027, 3, 1),
        clock=clock(2026, 3, 4, 14),
    )


def signed() -> mf.Conversation:
    c = wf.sign(concluded(), person="emp", clock=clock(2026, 3, 5, 9))
    return wf.sign(c, person="boss", clock=clock(2026, 3, 5, 10))


def followed_up() -> mf.Conversation:
    return wf.follow_up(
        signed(),
        by="boss",
        entries=[mf.FollowUpEntry(agreement="a1", status="done", note="Mentor fundet")],
        note="Fint",
        clock=clock(2026, 9, 4, 10),
    )


def cancelled() -> mf.Conversation:
    return wf.cancel(planned(), by="hr", reason="Fratrådt", clock=clock(2026, 2, 1, 9))


BUILDERS = {
    S.PLANNED: planned,
    S.INVITED: invited,
    S.PREPARED: prepared,
    S.HELD: held,
    S.CONCLUDED: concluded,
    S.SIGNED: signed,
    S.FOLLOWED_UP: followed_up,
    S.CANCELLED: cancelled,
}

STEPS = {
    "invite": lambda c: wf.invite(c, by="boss", clock=clock(2026, 2, 20, 9)),
    "submit_response": lambda c: wf.submit_response(
        c, response("boss", "leader"), clock=clock(2026, 2, 21, 9)
    ),
    "prepare": lambda c: wf.prepare(c, by="boss", clock=clock(2026, 2, 21, 9)),
    "hold": lambda c: wf.hold(c, by="boss", clock=clock(2026, 3, 4, 11)),
    "conclude": lambda c: wf.conclude(
        c,
        by="boss",
        conclusions=["x"],
        goals=["y"],
        follow_up_date=None,
        next_conversation_date=None,
        clock=clock(2026, 3, 4, 12),
    ),
    "sign": lambda c: wf.sign(c, person="emp", clock=clock(2026, 3, 5, 9)),
    "follow_up": lambda c: wf.follow_up(c, by="boss", entries=[], clock=clock(2026, 9, 1, 9)),
    "cancel": lambda c: wf.cancel(c, by="boss", clock=clock(2026, 3, 1, 9)),
}

LEGAL = {
    S.PLANNED: {"invite", "cancel"},
    S.INVITED: {"submit_response", "prepare", "cancel"},
    S.PREPARED: {"submit_response", "hold", "cancel"},
    S.HELD: {"conclude", "cancel"},
    S.CONCLUDED: {"sign", "cancel"},
    S.SIGNED: {"follow_up", "cancel"},
    S.FOLLOWED_UP: set(),
    S.CANCELLED: set(),
}


def test_the_happy_path_reaches_every_state_in_order():
    assert [BUILDERS[s]().status for s in list(S)[:-1]] == list(S)[:-1]
    done = followed_up()
    assert done.invitation.sent_at == at(2026, 2, 20, 9)
    assert done.held_at == at(2026, 3, 4, 11)
    assert done.follow_up.entries[0].status is mf.AgreementStatus.DONE
    assert done.agreement("a1").status is mf.AgreementStatus.DONE
    assert done.agreement("a1").history[-1].by == "boss"
    assert done.agreement("a1").history[-1].at == at(2026, 9, 4, 10)
    assert done.agreement("a1").history[-1].note == "Mentor fundet"
    assert done.valid_signatures == done.signatures  # a status change does not void


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_in_each_state(state, step):
    original = BUILDERS[state]()
    before = mf.dumps(original)
    if step in LEGAL[state]:
        after = STEPS[step](original)
        assert after is not original
        assert after != original
    else:
        with pytest.raises(TransitionError) as info:
            STEPS[step](original)
        err = info.value
        assert err.current == state.value
        assert f"current state: {state.value.replace('_', ' ')}" in str(err)
        assert set(err.allowed) >= LEGAL[state]
        assert set(err.allowed) == set(wf.allowed_steps(original))
    assert mf.dumps(original) == before  # the original is never changed


def test_error_names_the_allowed_next_steps():
    with pytest.raises(TransitionError, match=r"cannot sign now.*current state: held") as info:
        wf.sign(held(), person="emp")
    assert "conclude" in info.value.allowed
    assert "allowed next: conclude, review an agreement" in str(info.value)
    assert "tilladt næste: konklusion, gennemgang af en aftale" in info.value.text("da")


def test_preparing_a_cancelled_conversation_is_refused():
    gone = wf.cancel(invited(), by="boss", reason="sick", clock=clock(2026, 2, 22, 9))
    assert gone.cancelled_reason == "sick"
    with pytest.raises(TransitionError, match="cancelled"):
        wf.prepare(gone, by="boss")


def test_responses_and_signatures_from_non_participants_are_refused():
    with pytest.raises(TransitionError, match="'stranger', who is not a participant"):
        wf.submit_response(invited(), response("stranger", "employee"))
    with pytest.raises(TransitionError, match="not a participant"):
        wf.sign(concluded(), person="stranger")
    for step in (
        lambda: wf.invite(planned(), by="stranger"),
        lambda: wf.hold(prepared(), by="stranger"),
        lambda: wf.prepare(invited(), by="stranger"),
    ):
        with pytest.raises(TransitionError, match="not a participant"):
            step()


def test_a_response_in_the_wrong_role_is_refused():
    with pytest.raises(TransitionError, match="as leader, who takes part as employee"):
        wf.submit_response(invited(), response("emp", "leader"))


def test_response_is_checked_against_the_form():
    bad = FORM.new_response("employee", "emp", {"year": 4})  # "goals" is required
    with pytest.raises(DataError) as info:
        wf.submit_response(invited(), bad, questionnaire=FORM)
    assert [f.code for f in info.value.findings] == ["response.missing-required"]
    other = attrs.evolve(bad, questionnaire=mf.QuestionnaireRef("other", "1"))
    with pytest.raises(DataError, match="other@1"):
        wf.submit_response(invited(), other)


def test_prepared_once_the_developed_person_has_responded():
    c = invited()
    c = wf.submit_response(c, response("boss", "leader"), clock=clock(2026, 2, 21, 9))
    assert c.status is S.INVITED  # the leader's form alone is not enough
    c = wf.submit_response(c, response("emp", "employee"), clock=clock(2026, 2, 22, 9))
    assert c.status is S.PREPARED
    assert c.response_of("emp").submitted_at == at(2026, 2, 22, 9)
    again = wf.submit_response(c, response("emp", "employee"), clock=clock(2026, 2, 23, 9))
    assert len(again.responses) == 2  # replaced, not added
    assert again.response_of("emp").submitted_at == at(2026, 2, 23, 9)


def test_grus_is_prepared_when_every_member_has_responded():
    grus = mf.Conversation(
        id="g",
        kind="GRUS",
        participants=[
            mf.Participant("boss", "leader"),
            mf.Participant("a", "group_member"),
            mf.Participant("b", "group_member"),
        ],
    )
    c = wf.invite(grus, by="boss", clock=clock(2026, 2, 1, 9))
    c = wf.submit_response(c, response("a", "group_member"), clock=clock(2026, 2, 2, 9))
    assert c.status is S.INVITED
    c = wf.submit_response(c, response("b", "group_member"), clock=clock(2026, 2, 2, 9))
    assert c.status is S.PREPARED


def test_explicit_prepare_records_who_decided():
    c = wf.prepare(invited(), by="boss", clock=clock(2026, 3, 1, 9))
    assert c.status is S.PREPARED
    assert c.notes[-1].author == "boss"
    assert c.notes[-1].at == at(2026, 3, 1, 9)


def test_invitation_records_the_details():
    c = wf.invite(
        planned(),
        by="boss",
        message="Hej",
        form_attached=False,
        respond_by=pendulum.date(2026, 3, 2),
        clock=clock(2026, 2, 20, 9),
    )
    assert c.invitation == mf.Invitation(
        sent_at=at(2026, 2, 20, 9),
        sent_by="boss",
        message="Hej",
        form_attached=False,
        respond_by=pendulum.date(2026, 3, 2),
    )


def test_conclude_keeps_carried_over_agreements_and_replaces_by_id():
    carried = mf.Agreement(id="old", description="SQL", owner="emp", continues="old")
    c = attrs.evolve(held(), agreements=[carried])
    replacement = attrs.evolve(carried, description="SQL og Python")
    done = mf.Agreement(id="d", description="Done already", owner="emp", status="done")
    out = wf.conclude(
        c,
        by="boss",
        conclusions=["a"],
        goals="Ét mål",
        agreements=[AGREEMENT, replacement, done],
        follow_up_date=None,
        next_conversation_date=None,
        clock=clock(2026, 3, 4, 14),
    )
    assert [a.id for a in out.agreements] == ["old", "a1", "d"]
    assert out.agreement("old").description == "SQL og Python"
    assert out.goals == ("Ét mål",)
    assert out.agreement("d").history[-1].by == "boss"  # non-open status is recorded


def test_conclude_refuses_repeated_agreement_ids():
    with pytest.raises(DataError) as info:
        wf.conclude(
            held(),
            by="boss",
            conclusions=[],
            goals=[],
            agreements=[AGREEMENT, AGREEMENT],
            follow_up_date=None,
            next_conversation_date=None,
        )
    assert info.value.findings[0].code == "workflow.duplicate-agreement"


def test_follow_up_refuses_unknown_and_repeated_agreements():
    with pytest.raises(DataError) as info:
        wf.follow_up(
            signed(),
            by="boss",
            entries=[
                mf.FollowUpEntry(agreement="nope", status="done"),
                mf.FollowUpEntry(agreement="a1", status="done"),
                mf.FollowUpEntry(agreement="a1", status="open"),
            ],
        )
    assert [f.code for f in info.value.findings] == [
        "workflow.unknown-agreement",
        "workflow.duplicate-entry",
    ]
    with pytest.raises(TransitionError, match="not a participant"):
        wf.follow_up(signed(), by="stranger", entries=[])


def test_time_comes_from_the_clock():
    fixed = clock(2030, 1, 2, 3)
    assert wf.invite(planned(), by="boss", clock=fixed).invitation.sent_at == fixed.now()
    real = wf.invite(planned(), by="boss")  # the system clock by default
    assert real.invitation.sent_at.timezone_name == "Europe/Copenhagen"
