"""Upward feedback: staff answer anonymously, the LUS shows only an aggregate of enough people."""

from __future__ import annotations

import json

import pendulum
import pytest

import musframework as mf
from musframework.errors import AccessDeniedError, DataError
from musframework.model.anonymity import SuppressionReason
from musframework.model.upward import UpwardFeedback
from musframework.policy import Viewer
from musframework.rendering import render
from musframework.services import Services

HR = Viewer("hr", capacities={"hr"})
NOW = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Copenhagen")
STAFF = [f"s{i}" for i in range(6)]
FORM = mf.templates.load("upward-feedback")


def _organisation() -> mf.Organisation:
    ids = ["dir", "lea", "sam", "t1", "t2", "hr", *STAFF]
    return mf.Organisation(
        people=[mf.Person(id=i, name=f"Navn {i}") for i in ids],
        units=[
            mf.OrgUnit(id="top", name="Top", leader="dir", members=["hr"]),
            mf.OrgUnit(id="big", name="Big", leader="lea", members=STAFF, parent="top"),
            mf.OrgUnit(id="small", name="Small", leader="sam", members=["t1", "t2"], parent="top"),
        ],
    )


def _answers(value: int) -> dict[str, int]:
    return {q.id: value for q in FORM.questions()}


@pytest.fixture
def services(tmp_path):
    with mf.storage.open(f"sqlite:///{tmp_path / 'upward.db'}") as store:
        s = Services(store, clock=mf.clock.FixedClock(NOW))
        s.replace_organisation(HR, _organisation())
        store.save(
            mf.Cycle(
                id="lus-26",
                name="LUS 2026",
                kind=mf.ConversationKind.LUS,
                period=mf.Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 30)),
            )
        )
        yield s


def _lus(status: mf.ConversationStatus = mf.ConversationStatus.PLANNED) -> mf.Conversation:
    return mf.Conversation(
        id="lus-lea",
        kind=mf.ConversationKind.LUS,
        cycle="lus-26",
        participants=[
            mf.Participant("lea", mf.Role.EMPLOYEE),
            mf.Participant("dir", mf.Role.LEADER),
        ],
        status=status,
    )


def _preparation(summary: mf.model.upward.UpwardSummary, locale: str = "en") -> str:
    text = render(
        _lus(),
        "text",
        locale,
        "invitation",
        clock=mf.clock.FixedClock(NOW),
        upward_feedback=summary,
    )
    assert isinstance(text, str)
    return " ".join(text.split())  # the text renderer wraps long lines


def test_the_summary_appears_in_steps_of_the_minimum_and_the_lus_says_why_before(services):
    for i, person in enumerate(STAFF[:4]):
        services.give_upward_feedback(person, "lus-26", "lea", _answers(1 + i % 5))
    early = services.upward_feedback_summary("lea", "lus-26", "lea")
    assert (early.answered, early.counted, early.questions) == (4, 0, ())
    assert early.suppressed is not None and early.suppressed.reason is SuppressionReason.SMALL_GROUP
    text = _preparation(early)
    assert "no combined feedback yet: 4 of 6 staff have answered" in text
    assert "at least 5" in text
    assert "Der er ingen samlet feedback endnu: 4 af 6" in _preparation(early, "da")
    services.give_upward_feedback(STAFF[4], "lus-26", "lea", _answers(5))
    summary = services.upward_feedback_summary("dir", "lus-26", "lea")  # the leader's leader
    assert (summary.answered, summary.counted, summary.suppressed) == (5, 5, None)
    first = summary.questions[0]
    assert first.mean == pytest.approx((1 + 2 + 3 + 4 + 5) / 5)
    assert first.counts == (("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1))
    text = _preparation(summary)
    assert "Feedback from the staff" in text and "Answers of 5 of 6 staff are counted" in text
    assert FORM.questions().__next__().text.get("en") in text
    # The sixth answer waits for four more: the figures stay those of five.
    services.give_upward_feedback(STAFF[5], "lus-26", "lea", _answers(1))
    again = services.upward_feedback_summary(HR, "lus-26", "lea")
    assert (again.answered, again.counted, again.questions) == (6, 5, summary.questions)


def test_who_may_give_and_who_may_read(services):
    for outsider in ("dir", "t1", "hr", "lea"):
        with pytest.raises(AccessDeniedError):
            services.give_upward_feedback(outsider, "lus-26", "lea", _answers(3))
    services.give_upward_feedback("s0", "lus-26", "lea", _answers(3))
    for reader in ("lea", "dir", HR):
        services.upward_feedback_summary(reader, "lus-26", "lea")
    for stranger in ("s0", "s1", "sam", "t1"):
        with pytest.raises(AccessDeniedError):
            services.upward_feedback_summary(stranger, "lus-26", "lea")


def test_once_per_round_valid_answers_and_not_after_the_lus(services):
    with pytest.raises(DataError) as info:
        services.give_upward_feedback("s0", "lus-26", "lea", {"trust": 9})
    assert {f.code for f in info.value.findings} >= {"response.out-of-range"}
    services.give_upward_feedback("s0", "lus-26", "lea", _answers(3))
    with pytest.raises(DataError, match="already given feedback"):
        services.give_upward_feedback("s0", "lus-26", "lea", _answers(4))
    services.store.save(_lus(mf.ConversationStatus.HELD))
    with pytest.raises(DataError, match="has been held"):
        services.give_upward_feedback("s1", "lus-26", "lea", _answers(4))


def test_a_staff_smaller_than_the_minimum_gives_none_and_the_lus_says_why(services):
    with pytest.raises(DataError) as info:
        services.give_upward_feedback("t1", "lus-26", "sam", _answers(3))
    assert "at least 5" in str(info.value) and "mindst 5" in info.value.text("da")
    summary = services.upward_feedback_summary("sam", "lus-26", "sam")
    assert summary.suppressed is not None
    assert summary.suppressed.reason is SuppressionReason.POOLED
    assert "the leader has 2 staff, fewer than the 5 needed" in _preparation(summary)
    assert "lederen har 2 medarbejdere, færre end de 5" in _preparation(summary, "da")


def test_stored_answers_name_nobody_and_do_not_follow_the_order_of_arrival(tmp_path):
    def store_in(order: list[str]) -> tuple[UpwardFeedback, list[str]]:
        with mf.storage.open(f"sqlite:///{tmp_path / ('-'.join(order) + '.db')}") as store:
            s = Services(store, clock=mf.clock.FixedClock(NOW))
            s.replace_organisation(HR, _organisation())
            store.save(
                mf.Cycle(
                    id="lus-26",
                    name="LUS",
                    period=mf.Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 30)),
                )
            )
            for person in order:
                s.give_upward_feedback(person, "lus-26", "lea", _answers(1 + int(person[1:]) % 5))
            (stored,) = store.documents(UpwardFeedback)
            actors = [e.actor for e in store.audit_log(kind="upward_feedback")]
            return stored.document, actors

    forward, actors = store_in(STAFF)
    backward, _ = store_in(list(reversed(STAFF)))
    # Who answered is kept (sorted); the answers carry no person and no time.
    assert forward.respondents == tuple(sorted(STAFF))
    answers_text = json.dumps([{k: str(v) for k, v in a.items()} for a in forward.answers])
    assert not any(p in answers_text for p in STAFF)
    assert set(actors) == {"anonymous"}
    # The five sealed answer sets are in the same order whichever order people answered in
    # (the sixth waits): the order tells nothing about who came first.
    assert len(forward.answers) == 5 and len(forward.pending) == 1
    assert forward.answers == backward.answers  # the same five answers, the same order
    first_five_forward = sorted(map(repr, forward.answers))
    assert [repr(a) for a in forward.answers] == first_five_forward
    assert [repr(a) for a in backward.answers] == sorted(map(repr, backward.answers))


def test_erasing_a_respondent_keeps_the_answers_and_drops_their_id(services):
    for person in STAFF[:5]:
        services.give_upward_feedback(person, "lus-26", "lea", _answers(2))
    pseudonym = services.erase_person(HR, "s0")
    (stored,) = services.store.documents(UpwardFeedback)
    assert "s0" not in stored.document.respondents and pseudonym in stored.document.respondents
    assert len(stored.document.answers) == 5
