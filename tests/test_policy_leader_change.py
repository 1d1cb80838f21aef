"""When an employee changes leader: what the new and the former leader see.

``emp`` moves from ``boss`` (unit IT) to ``other_boss`` (unit Sales) on 1 June 2026; the MUS
of March 2026 holds the current plan, handed over to the new leader.
"""

import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import AccessDeniedError
from musframework.policy import Action, DefaultPolicy, LeaderChange, Part, Viewer, may, view

from .policy_scenario import ORG, at, mus

CHANGE = at(2026, 6, 1)
AFTER = mf.Organisation(
    people=ORG.people,
    units=[
        ORG.unit("top"),
        ORG.unit("it").without_member("emp"),
        ORG.unit("sales").with_member("emp"),
    ],
)
MOVE = LeaderChange(person="emp", former="boss", new="other_boss", at=CHANGE, plan="mus")
POLICY = DefaultPolicy(AFTER, [MOVE])
NEW, FORMER, EMP = Viewer("other_boss"), Viewer("boss"), Viewer("emp")


def history():
    """The March MUS as it stands in October: followed up by the new leader after the move."""
    c = mus()
    a1, a2 = c.agreements
    a1 = a1.with_status("in_progress", by="emp", at=at(2026, 4, 1), note="OLD-STATUS-NOTE")
    a1 = a1.with_status("done", by="emp", at=at(2026, 9, 1), note="NEW-STATUS-NOTE")
    a2 = a2.with_status("done", by="boss", at=at(2026, 5, 1), note="BOSS-DONE-NOTE")
    a3 = mf.Agreement(id="a3", description="STILL-OPEN", owner="emp").with_status(
        "in_progress", by="other_boss", at=at(2026, 9, 2), note="NEW-LEADER-NOTE"
    )
    later_note = mf.Note(author="emp", text="LATER-NOTE", at=at(2026, 7, 1))
    follow_up = mf.FollowUp(held_at=at(2026, 9, 3), by="other_boss", note="FOLLOW-UP-NOTE")
    return attrs.evolve(
        c,
        agreements=[a1, a2, a3],
        notes=[*c.notes, later_note],
        follow_up=follow_up,
        status="followed_up",
    )


def later_mus():
    return mus("mus2", leader="other_boss", start=at(2027, 3, 1, 10), held_at=None)


def text(obj):
    return mf.dumps(obj)


def test_new_leader_sees_the_current_plan_and_its_open_agreements_only():
    seen = view(history(), NEW, POLICY)
    assert seen.goals == ("GOAL",)
    assert seen.conclusions == ("CONCLUSION",)
    # Open now: a3 only (a1 was done after the move, a2 before it).
    assert [a.id for a in seen.agreements] == ["a3"]
    assert seen.agreements[0].history[0].note == "NEW-LEADER-NOTE"
    assert len(seen.signatures) == 2
    out = text(seen)
    for old in ["EMP-PREP", "BOSS-PREP-SHARED", "SHARED-NOTE", "EMP-PRIVATE", "BOSS-PRIVATE"]:
        assert old not in out
    # Dated after the move: the shared note and their own follow-up.
    assert "LATER-NOTE" in out
    assert "FOLLOW-UP-NOTE" in out


def test_new_leader_may_follow_up_open_agreements_but_not_rewrite_or_sign_the_plan():
    c = history()
    _, a2, a3 = c.agreements
    assert may(NEW, Action.EDIT, c, POLICY, Part.AGREEMENTS, a3)
    assert not may(NEW, Action.EDIT, c, POLICY, Part.AGREEMENTS, a2)
    assert not may(NEW, Action.EDIT, c, POLICY, Part.CONCLUSIONS)
    assert not may(NEW, Action.SIGN, c, POLICY)
    assert not may(NEW, Action.VIEW, c, POLICY, Part.RESPONSES)


def test_new_leader_gets_the_handed_over_plan_object_too():
    c = history()
    plan = mf.DevelopmentPlan.from_conversation(c, "emp")
    seen = view(plan, NEW, POLICY)
    assert [a.id for a in seen.activities] == ["a3"]
    assert seen.goals == ("GOAL",)


def test_former_leader_keeps_what_they_held_as_it_stood_at_the_move():
    seen = view(history(), FORMER, POLICY)
    out = text(seen)
    for kept in ["BOSS-PREP-SHARED", "SHARED-NOTE", "BOSS-PRIVATE", "OLD-STATUS-NOTE", "GOAL"]:
        assert kept in out
    for later in ["NEW-STATUS-NOTE", "NEW-LEADER-NOTE", "LATER-NOTE", "FOLLOW-UP-NOTE"]:
        assert later not in out
    a1, a2, a3 = seen.agreements
    # Status as of the move: a1 in progress (its "done" came later), a3 never changed then.
    assert a1.status is mf.AgreementStatus.IN_PROGRESS
    assert a2.status is mf.AgreementStatus.DONE
    assert a3.status is mf.AgreementStatus.OPEN
    assert seen.follow_up is None


def test_former_leader_may_only_read_and_export():
    c = history()
    assert may(FORMER, Action.VIEW, c, POLICY)
    assert may(FORMER, Action.EXPORT, c, POLICY)
    for action in (Action.EDIT, Action.SIGN, Action.SHARE):
        assert not may(FORMER, action, c, POLICY), action


def test_former_leader_loses_later_conversations_even_when_still_named_in_them():
    with pytest.raises(AccessDeniedError):
        view(later_mus(), FORMER, POLICY)
    # Planned after the move, still naming boss as the leader.
    stale = mus("stale", start=at(2026, 11, 1, 10), held_at=None, status="planned")
    with pytest.raises(AccessDeniedError):
        view(stale, FORMER, POLICY)
    assert view(later_mus(), NEW, POLICY).responses  # the new leader holds it: full access
    assert view(stale, EMP, POLICY).id == "stale"


def test_former_leader_keeps_plans_they_agreed_cut_at_the_move():
    plan = mf.DevelopmentPlan.from_conversation(history(), "emp")
    seen = view(plan, FORMER, POLICY)
    assert [a.status.value for a in seen.activities] == ["in_progress", "done", "open"]
    assert "NEW-STATUS-NOTE" not in text(seen)


def test_the_employee_keeps_everything_of_their_own():
    out = text(view(history(), EMP, POLICY))
    for own in ["EMP-PREP", "EMP-PRIVATE", "NEW-STATUS-NOTE", "LATER-NOTE", "FOLLOW-UP-NOTE"]:
        assert own in out
    assert "BOSS-PRIVATE" not in out


def test_without_a_record_neither_leader_gets_the_old_conversation():
    bare = DefaultPolicy(AFTER)
    for viewer in (NEW, FORMER):
        with pytest.raises(AccessDeniedError):
            view(history(), viewer, bare)
    assert view(later_mus(), NEW, bare).id == "mus2"


def test_a_record_without_a_plan_hands_nothing_over():
    policy = DefaultPolicy(AFTER, [attrs.evolve(MOVE, plan=None)])
    with pytest.raises(AccessDeniedError):
        view(history(), NEW, policy)
    assert view(history(), FORMER, policy).goals == ("GOAL",)


def test_a_leader_who_moves_back_does_not_see_what_happened_while_away():
    back = LeaderChange(person="emp", former="other_boss", new="boss", at=at(2026, 10, 1))
    policy = DefaultPolicy(ORG, [MOVE, back])
    out = text(view(history(), FORMER, policy))
    assert "NEW-LEADER-NOTE" not in out
    assert "BOSS-PRIVATE" in out
    assert pendulum.instance(CHANGE) < back.at
