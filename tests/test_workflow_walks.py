"""The reusable walks reach their end states with realistic, consistent content."""

import pytest

import musframework as mf
from musframework import workflow as wf

from .walks import cycle, organisation, walk_grus, walk_lus, walk_mus

S = mf.ConversationStatus
WALKS = {"MUS": walk_mus, "GRUS": walk_grus, "LUS": walk_lus}


@pytest.mark.parametrize("kind", list(WALKS))
def test_walk_reaches_followed_up_through_every_state(kind):
    walk = WALKS[kind]()
    final = walk.final
    assert final.kind is mf.ConversationKind(kind)
    assert final.status is S.FOLLOWED_UP
    seen = [c.status for _, c in walk.steps]
    assert [s for s in S if s in seen] == list(S)[:-1]  # every state but cancelled
    signed = walk.state("signed")
    assert wf.is_fully_signed(signed)
    assert signed.void_signatures == ()
    assert set(wf.required_signers(final)) == {s.person for s in final.signatures}
    assert final.unreviewed_carry_over() == ()
    assert all(a.owner in final.participant_ids for a in final.agreements)
    start = final.scheduled_start.date()
    assert all(a.deadline > start for a in final.agreements)
    assert 3 <= (final.follow_up_date.diff(start).in_months()) <= 6
    assert final.next_conversation_date <= start.add(months=12)
    lead = (start - final.invitation.sent_at.date()).in_days()
    assert 7 <= lead <= 14 and final.invitation.form_attached
    assert sum(item.minutes for item in final.agenda) == final.duration.in_minutes()
    assert {r.person for r in final.responses} == set(final.participant_ids)
    for response in final.responses:
        assert walk.questionnaire.check_response(response) == []
    assert {e.agreement for e in final.follow_up.entries} == {a.id for a in final.agreements}
    assert [p.person for p in walk.plans] == list(final.developed)
    assert all(p.is_signed_by_both and p.goals and p.activities for p in walk.plans)
    assert {a.learning_method for a in final.agreements} - {mf.LearningMethod.COURSE, None}


def test_mus_walk_reviews_last_years_agreement():
    walk = walk_mus()
    sql = walk.final.agreement("sql")
    assert sql.continues == "sql"
    assert walk.final.previous == walk.previous.id
    assert walk.state("prepared").unreviewed_carry_over() != ()


def test_walks_belong_to_the_round():
    plan = wf.plan_round(organisation(), cycle(), schedule_new=False)
    planned_ids = {c.id for c in plan.conversations}
    for make in WALKS.values():
        assert make().final.id in planned_ids


def test_walks_serialise():
    for make in WALKS.values():
        final = make().final
        assert mf.loads(mf.dumps(final), mf.Conversation) == final
