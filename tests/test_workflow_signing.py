"""Signatures bind to content; changes after signing void them and return to concluded."""

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import DataError, TransitionError

from .test_workflow_transitions import AGREEMENT, clock, concluded, signed
from .walks import walk_grus

S = mf.ConversationStatus


def test_signed_only_when_both_have_signed():
    c = wf.sign(concluded(), person="emp", clock=clock(2026, 3, 5, 9))
    assert c.status is S.CONCLUDED
    assert wf.missing_signers(c) == ("boss",)
    assert not wf.is_fully_signed(c)
    c = wf.sign(c, person="boss", clock=clock(2026, 3, 5, 10))
    assert c.status is S.SIGNED
    assert wf.is_fully_signed(c)
    assert {s.person: s.role for s in c.signatures} == {
        "emp": mf.Role.EMPLOYEE,
        "boss": mf.Role.LEADER,
    }
    assert all(s.digest == c.content_digest() for s in c.signatures)
    assert c.signatures[0].signed_at == at_(2026, 3, 5, 9)


def at_(*args):
    return pendulum.datetime(*args, tz="Europe/Copenhagen")


def test_signing_twice_is_refused():
    c = wf.sign(concluded(), person="emp")
    with pytest.raises(TransitionError, match="already signed"):
        wf.sign(c, person="emp")


def test_grus_needs_the_leader_and_every_member():
    c = walk_grus().state("concluded")
    assert wf.required_signers(c) == ("boss", "emp", "m1", "m2")
    for person in ("boss", "emp", "m1"):
        c = wf.sign(c, person=person)
        assert c.status is S.CONCLUDED
    assert wf.sign(c, person="m2").status is S.SIGNED


def test_revising_after_signing_voids_and_returns_to_concluded():
    original = signed()
    before = mf.dumps(original)
    revised = wf.revise(original, by="boss", conclusions=["Et andet år"])
    assert revised.status is S.CONCLUDED
    assert revised.conclusions == ("Et andet år",)
    assert {s.person for s in revised.void_signatures} == {"emp", "boss"}
    assert revised.valid_signatures == ()
    assert wf.missing_signers(revised) == ("boss", "emp")
    assert mf.dumps(original) == before
    # signing again replaces the void signature: none remain void once all have re-signed
    again = wf.sign(wf.sign(revised, person="emp"), person="boss")
    assert again.status is S.SIGNED
    assert again.void_signatures == ()
    assert len(again.signatures) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"goals": ["Nyt mål"]},
        {"practice_changes": ["Mere sparring"]},
        {"follow_up_date": pendulum.date(2026, 7, 1)},
        {"next_conversation_date": pendulum.date(2027, 2, 1)},
        {"agreements": []},
    ],
    ids=lambda d: next(iter(d)),
)
def test_every_signed_field_voids(change):
    revised = wf.revise(signed(), by="emp", **change)
    assert revised.status is S.CONCLUDED
    assert len(revised.void_signatures) == 2


def test_revise_that_changes_nothing_keeps_the_signatures():
    original = signed()
    same = wf.revise(original, by="boss", conclusions=list(original.conclusions))
    assert same is original


def test_agreement_edits_void_signatures():
    extra = mf.Agreement(id="a2", description="Kursus", owner="boss")
    added = wf.add_agreement(signed(), extra, by="boss")
    assert added.status is S.CONCLUDED and [a.id for a in added.agreements] == ["a1", "a2"]
    changed = wf.replace_agreement(
        signed(), attrs.evolve(AGREEMENT, deadline=pendulum.date(2026, 7, 1)), by="boss"
    )
    assert changed.agreement("a1").deadline == pendulum.date(2026, 7, 1)
    assert len(changed.void_signatures) == 2
    removed = wf.remove_agreement(signed(), "a1", by="boss")
    assert removed.agreements == () and removed.status is S.CONCLUDED
    with pytest.raises(DataError, match="no agreement 'zz'"):
        wf.remove_agreement(signed(), "zz", by="boss")
    with pytest.raises(DataError):
        wf.add_agreement(signed(), AGREEMENT, by="boss")  # the id is taken


def test_status_changes_do_not_void():
    c = wf.set_agreement_status(signed(), "a1", "in_progress", by="emp", clock=clock(2026, 4, 1, 9))
    assert c.status is S.SIGNED
    assert c.void_signatures == ()


def test_revise_is_refused_before_concluding():
    from .test_workflow_transitions import held

    with pytest.raises(TransitionError, match="cannot revise now"):
        wf.revise(held(), by="boss", goals=["x"])


def test_undoing_a_change_revalidates_the_signatures():
    original = signed()
    changed = wf.revise(original, by="boss", goals=["Noget andet"])
    assert changed.status is S.CONCLUDED
    restored = wf.revise(changed, by="boss", goals=list(original.goals))
    assert restored.status is S.SIGNED
    assert restored.void_signatures == ()
