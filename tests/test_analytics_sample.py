"""musframework.testing.sample: realistic, deterministic sample rounds."""

from collections import Counter

import pendulum

import musframework as mf
from musframework import analytics as an
from musframework.testing.sample import FIRST_NAMES, LAST_NAMES, sample_round


def test_same_seed_same_round_other_seed_other_round():
    assert sample_round(seed=11) == sample_round(seed=11)
    assert mf.dumps(sample_round(seed=11).conversations[5]) == mf.dumps(
        sample_round(seed=11).conversations[5]
    )
    assert sample_round(seed=11).conversations != sample_round(seed=12).conversations


def test_sixty_people_in_five_units_with_danish_names():
    s = sample_round()
    org = s.organisation
    assert len(org.people) == 60
    assert len(org.units) == 5
    assert org.check() == []
    for person in org.people:
        first, last = person.name.split(" ")
        assert first in FIRST_NAMES and last in LAST_NAMES
    top, *below = org.units
    assert top.parent is None and all(u.parent == top.id for u in below)
    assert all(len(u.members) >= 8 for u in below)


def test_forms_and_responses_are_valid():
    s = sample_round(seed=4)
    assert s.questionnaire.check() == []
    assert s.evaluation.check() == []
    assert s.questionnaire.total_minutes == 60
    responses = [r for c in s.conversations for r in c.responses]
    assert len(responses) > 40
    for response in responses:
        assert s.questionnaire.check_response(response) == []
    for response in s.evaluation_responses:
        assert s.evaluation.check_response(response) == []
    assert {r.role for r in s.evaluation_responses} == {mf.Role.EMPLOYEE, mf.Role.LEADER}


def test_the_round_stands_mid_way_with_every_kind_of_state():
    s = sample_round()
    today = s.on
    statuses = Counter(c.status for c in s.conversations)
    for status in ("planned", "invited", "held", "concluded", "signed"):
        assert statuses[mf.ConversationStatus(status)] > 0, status
    assert {c.kind for c in s.conversations} == {
        mf.ConversationKind.MUS,
        mf.ConversationKind.LUS,
        mf.ConversationKind.GRUS,
    }
    for c in s.conversations:
        if c.status in (mf.ConversationStatus.PLANNED, mf.ConversationStatus.INVITED):
            assert c.scheduled_start.date() > today
        if c.status is mf.ConversationStatus.SIGNED:
            assert c.scheduled_start.date() <= today
            assert {sig.person for sig in c.valid_signatures} == set(c.participant_ids)
    deadlines = [a.deadline for c in s.conversations for a in c.agreements]
    assert min(deadlines) < today < max(deadlines)
    assert s.clock.now().date() == today
    assert all(c.status is mf.ConversationStatus.FOLLOWED_UP for c in s.previous_conversations)


def test_the_sample_gives_every_figure_something_to_show():
    s = sample_round()
    a = an.analyse_round(
        s.cycle,
        s.conversations,
        organisation=s.organisation,
        previous=s.previous_conversations,
        questionnaire=s.questionnaire,
        evaluation=s.evaluation,
        evaluation_responses=s.evaluation_responses,
        clock=s.clock,
    )
    f = a.key_figures()
    assert 0 < f["held"] < f["conversations"]
    assert 0 < f["covered"] < f["in_scope"]
    assert f["overdue"] > 0 and f["due_soon"] > 0
    assert f["carried_over"] > 0
    assert a.carry_over.not_carried_over > 0
    assert a.invitations.too_late > 0 and a.invitations.too_early > 0
    assert len(a.rating_gaps.questions) == 6
    # Employees rate their collaboration higher than their leaders do, by construction.
    assert a.rating_gaps.question("samarbejde").mean_gap > 0


def test_scales_up_and_moves_with_today():
    big = sample_round(people=600, units=12, seed=2)
    assert len(big.organisation.people) == 600
    assert len(big.conversations) > 550
    assert len({u.name for u in big.organisation.units}) == 12
    later = sample_round(on=pendulum.date(2027, 2, 1))
    assert later.cycle.period.start.year == 2026
    assert later.cycle.period.start < later.on < later.cycle.period.end
