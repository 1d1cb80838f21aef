"""Starting the next conversation brings the previous one's open agreements."""

import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import TransitionError

from .test_workflow_transitions import planned, signed


def previous() -> mf.Conversation:
    def agreement(aid: str, status: str) -> mf.Agreement:
        return mf.Agreement(
            id=aid,
            description=aid,
            owner="emp",
            deadline=pendulum.date(2025, 9, 1),
            status=status,
            learning_method=mf.LearningMethod.MENTORING,
        )

    return mf.Conversation(
        id="mus-2025",
        kind="MUS",
        unit="it",
        cycle="2025",
        participants=planned().participants,
        status="followed_up",
        agreements=[
            agreement("open", "open"),
            agreement("going", "in_progress"),
            agreement("done", "done"),
            agreement("dropped", "cancelled"),
        ],
    )


def test_open_agreements_are_carried_over_and_linked():
    nxt = wf.start_next(
        previous(), id="mus-2026", cycle="2026", scheduled_start=planned().scheduled_start
    )
    assert nxt.previous == "mus-2025"
    assert nxt.status is mf.ConversationStatus.PLANNED
    assert (nxt.kind, nxt.unit, nxt.cycle) == (mf.ConversationKind.MUS, "it", "2026")
    assert [(a.id, a.continues, a.status.value) for a in nxt.agreements] == [
        ("open", "open", "open"),
        ("going", "going", "in_progress"),
    ]
    assert nxt.agreements[0].learning_method is mf.LearningMethod.MENTORING
    assert [a.id for a in nxt.unreviewed_carry_over()] == ["open", "going"]


def test_carry_over_is_idempotent_and_avoids_id_clashes():
    import attrs

    base = attrs.evolve(planned(), agreements=[mf.Agreement(id="open", description="new one")])
    once = wf.carry_over(previous(), base)
    twice = wf.carry_over(previous(), once)
    assert once == twice
    assert [(a.id, a.continues) for a in once.agreements] == [
        ("open", None),
        ("mus-2025.open", "open"),
        ("going", "going"),
    ]


def test_carry_over_is_refused_into_concluded_conversations():
    with pytest.raises(TransitionError, match="before the conversation is concluded"):
        wf.carry_over(previous(), signed())
    with pytest.raises(TransitionError, match="its own"):
        wf.carry_over(previous(), previous())
