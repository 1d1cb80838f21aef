"""Agreement status history, review of carried-over agreements, overdue and due soon."""

import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import DataError, TransitionError

from .test_workflow_transitions import clock, held, planned, signed

A = mf.AgreementStatus


def test_status_changes_are_recorded_with_actor_and_time():
    c = wf.set_agreement_status(
        signed(), "a1", "in_progress", by="emp", note="Startet", clock=clock(2026, 4, 1, 9)
    )
    c = wf.set_agreement_status(c, "a1", A.DONE, by="boss", clock=clock(2026, 5, 2, 9))
    history = c.agreement("a1").history
    assert [(h.status, h.by, h.at.day) for h in history] == [
        (A.IN_PROGRESS, "emp", 1),
        (A.DONE, "boss", 2),
    ]
    assert history[0].note == "Startet"
    assert c.agreement("a1").status is A.DONE


def test_status_change_refusals():
    with pytest.raises(DataError) as info:
        wf.set_agreement_status(signed(), "zz", "done", by="emp")
    assert info.value.findings[0].code == "workflow.unknown-agreement"
    with pytest.raises(TransitionError, match="not a participant"):
        wf.set_agreement_status(signed(), "a1", "done", by="hr")
    gone = wf.cancel(signed(), by="hr")
    with pytest.raises(TransitionError, match="cancelled"):
        wf.set_agreement_status(gone, "a1", "done", by="emp")


def test_overdue_and_due_soon_come_from_the_clock():
    c = signed()  # a1 is due 2026-06-01
    assert wf.overdue_agreements(c, clock=clock(2026, 6, 1, 9)) == ()
    assert [a.id for a in wf.overdue_agreements(c, clock=clock(2026, 6, 2, 9))] == ["a1"]
    assert wf.agreements_due_soon(c, clock=clock(2026, 5, 1, 9)) == ()
    assert [a.id for a in wf.agreements_due_soon(c, clock=clock(2026, 5, 20, 9))] == ["a1"]
    assert [
        a.id for a in wf.agreements_due_soon(c, within_days=40, clock=clock(2026, 5, 1, 9))
    ] == ["a1"]
    done = wf.set_agreement_status(c, "a1", "done", by="emp", clock=clock(2026, 5, 1, 9))
    assert wf.overdue_agreements(done, clock=clock(2026, 7, 1, 9)) == ()


def _with_carry_over() -> mf.Conversation:
    previous = mf.Conversation(
        id="last",
        kind="MUS",
        participants=planned().participants,
        agreements=[
            mf.Agreement(
                id="sql", description="SQL", owner="emp", deadline=pendulum.date(2025, 12, 1)
            )
        ],
    )
    return wf.carry_over(previous, planned())


def test_review_marks_carry_over_as_reviewed():
    c = _with_carry_over()
    assert [a.id for a in c.unreviewed_carry_over()] == ["sql"]
    # reviewing during the conversation (at or after its start) counts
    reviewed = wf.review_agreement(
        c,
        "sql",
        "in_progress",
        by="boss",
        note="Halvvejs; ny frist",
        deadline=pendulum.date(2026, 6, 1),
        owner="emp",
        clock=clock(2026, 3, 4, 10, 5),
    )
    assert reviewed.unreviewed_carry_over() == ()
    agreement = reviewed.agreement("sql")
    assert agreement.deadline == pendulum.date(2026, 6, 1)
    assert agreement.history[-1].note == "Halvvejs; ny frist"
    # before the start it is a note in preparation, not the review
    early = wf.review_agreement(c, "sql", "open", by="emp", clock=clock(2026, 3, 1, 9))
    assert [a.id for a in early.unreviewed_carry_over()] == ["sql"]


def test_review_refusals():
    c = _with_carry_over()
    with pytest.raises(TransitionError, match="not carried over"):
        wf.review_agreement(
            wf.conclude(
                held(),
                by="boss",
                conclusions=[],
                goals=[],
                agreements=[mf.Agreement(id="n", description="new", owner="emp")],
                follow_up_date=None,
                next_conversation_date=None,
            ),
            "n",
            "done",
            by="boss",
        )
    with pytest.raises(
        TransitionError, match="an agreement for 'stranger', who is not a participant"
    ):
        wf.review_agreement(c, "sql", "open", by="boss", owner="stranger")
    with pytest.raises(TransitionError, match="cannot review an agreement now"):
        wf.review_agreement(signed(), "a1", "done", by="boss")


def test_every_step_refuses_an_unknown_agreement_the_same_way():
    errors = []
    for conversation, step in (
        (signed(), lambda c: wf.set_agreement_status(c, "zz", "done", by="emp")),
        (held(), lambda c: wf.review_agreement(c, "zz", "done", by="emp")),
        (signed(), lambda c: wf.remove_agreement(c, "zz", by="boss")),
        (
            signed(),
            lambda c: wf.replace_agreement(c, mf.Agreement(id="zz", description="?"), by="boss"),
        ),
    ):
        with pytest.raises(DataError) as info:
            step(conversation)
        errors.append((str(info.value), [(f.code, f.path) for f in info.value.findings]))
    assert len(set(map(repr, errors))) == 1, errors
    assert errors[0][1] == [("workflow.unknown-agreement", "agreements")]
