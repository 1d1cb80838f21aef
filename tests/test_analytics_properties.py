"""Properties of the round figures on rounds drawn from musframework.testing.strategies."""

import math

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework import analytics as an
from musframework.model.round import CoverageState
from musframework.testing import strategies as mst
from tests import analytics_round

PEOPLE = ["e1", "e2", "e3", "e4", "e5", "l1", "l2"]


@st.composite
def small_conversations(draw, questionnaire, cid):
    """A light conversation from the public strategies' parts (mst.conversations is heavier)."""
    kind = draw(st.sampled_from(list(mf.ConversationKind)))
    employee, leader = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
    role = mf.Role.GROUP_MEMBER if kind is mf.ConversationKind.GRUS else mf.Role.EMPLOYEE
    participants = [mf.Participant(employee, role), mf.Participant(leader, mf.Role.LEADER)]
    responses = []
    for p in participants:
        if draw(st.booleans()):
            responses.append(draw(mst.responses(questionnaire, p.role, p.person)))
    n = draw(st.integers(0, 3))
    agreements = [
        draw(mst.agreements(f"a{i}", owners=[employee, leader, "outsider"])) for i in range(n)
    ]
    start = draw(st.none() | mst.datetimes())
    invitation = draw(
        st.none() | st.builds(mf.Invitation, sent_at=mst.datetimes(), sent_by=st.just(leader))
    )
    return mf.Conversation(
        id=cid,
        kind=kind,
        unit=draw(st.none() | st.sampled_from(["u0", "u1", "u2", "elsewhere"])),
        participants=participants,
        scheduled_start=start,
        responses=responses,
        agreements=agreements,
        status=draw(st.sampled_from(list(mf.ConversationStatus))),
        invitation=invitation,
        previous=draw(st.none() | st.sampled_from(["c0", "c1"])),
    )


# Every question type and two scales; drawing questionnaires too is slow, so most tests use it.
FORM = analytics_round.evaluation()


@st.composite
def rounds(draw, questionnaires=None, max_size=6):
    questionnaire = FORM if questionnaires is None else draw(questionnaires)
    n = draw(st.integers(0, max_size))
    conversations = [draw(small_conversations(questionnaire, f"c{i}")) for i in range(n)]
    return questionnaire, conversations


@st.composite
def organisations(draw, conversations):
    # Units over the people who appear in the conversations, plus a few extra.
    people = sorted({p for c in conversations for p in c.participant_ids})
    people += draw(st.lists(mst.identifiers(), max_size=4))
    n_units = draw(st.integers(1, 4))
    units = []
    for i in range(n_units):
        members = draw(st.lists(st.sampled_from(people), max_size=5)) if people else []
        leader = draw(st.none() | st.sampled_from(people)) if people else None
        parent = None if i == 0 else f"u{draw(st.integers(0, i - 1))}"
        units.append(
            mf.OrgUnit(id=f"u{i}", name=f"Unit {i}", leader=leader, members=members, parent=parent)
        )
    return mf.Organisation(
        people=[mf.Person(id=p, name=p.upper()) for p in set(people)], units=units
    )


TODAY = st.dates(pendulum.date(2000, 1, 1), pendulum.date(2100, 1, 1)).map(
    lambda d: pendulum.date(d.year, d.month, d.day)
)


def active(conversations):
    return [c for c in conversations if c.status is not mf.ConversationStatus.CANCELLED]


@settings(deadline=None, max_examples=40)
@given(rounds(), TODAY, st.integers(0, 60))
def test_round_figures_agree_with_the_model(data, today, within):
    _, conversations = data
    progress = an.conversation_progress(conversations)
    assert progress.total == len(conversations)
    for status, count in progress.by_status:
        assert count == sum(c.status is status for c in conversations)
    for record in progress.to_records():
        assert record["total"] == sum(record[s.value] for s in mf.ConversationStatus)
    # The agreements that count: of held (or later) conversations, and carried-over copies
    # in conversations that are not cancelled; an original whose copy is in a conversation
    # that is not cancelled counts once, as the copy.
    carried = {(d.previous, b.continues) for d in active(conversations) for b in d.agreements}
    agreements = [
        a
        for c in active(conversations)
        for a in c.agreements
        if (c.status.is_held or a.continues is not None) and (c.id, a.id) not in carried
    ]
    breakdown = an.agreement_breakdown(conversations)
    assert breakdown.total == len(agreements)
    assert sum(n for _, n in breakdown.by_status()) == len(agreements)
    assert sum(n for _, n in breakdown.by_owner_role()) == len(agreements)
    assert sum(n for _, n in breakdown.by_learning_method()) == len(agreements)

    due = an.due_agreements(conversations, on=today, within_days=within)
    assert len(due.overdue) == sum(a.is_overdue(today) for a in agreements)
    assert len(due.due_soon) == sum(a.is_due_within(today, within) for a in agreements)
    assert [r.deadline for r in due.rows] == sorted(r.deadline for r in due.rows)

    timeline = an.agreement_deadlines(conversations, on=today)
    assert sum(n for _, _, n in timeline.counts) + timeline.without_deadline == len(agreements)
    assert sum(n for _, s, n in timeline.counts if s == "overdue") == len(due.overdue)
    assert sum(sum(timeline.series(s)) for s in an.DeadlineTimeline.STATES) == sum(
        n for _, _, n in timeline.counts
    )
    inv = an.invitation_lead_times(conversations)
    assert inv.invited + inv.not_invited <= len(conversations)
    assert inv.too_late + inv.on_time + inv.too_early == inv.invited


@settings(deadline=None, max_examples=25)
@given(st.data())
def test_coverage_states_add_up_to_the_scope(data):
    _, conversations = data.draw(rounds())
    org = data.draw(organisations(conversations))
    cycle = data.draw(mst.cycles())
    scope = data.draw(st.lists(st.sampled_from(["u0", "u1", "x"]), max_size=2))
    cycle = attrs.evolve(cycle, scope=scope)
    in_round = data.draw(st.lists(st.booleans(), min_size=len(conversations)))
    conversations = [
        attrs.evolve(c, cycle=cycle.id) if mine else c
        for c, mine in zip(conversations, in_round, strict=False)
    ]
    cov = an.coverage(cycle, conversations, org)
    assert cov.covered + cov.planned + cov.cancelled + cov.missing == cov.in_scope
    assert len(cov.uncovered) == cov.in_scope - cov.covered
    assert 0 <= cov.covered <= cov.in_scope
    uncovered = [p.person for p in cov.uncovered]
    assert len(set(uncovered)) == len(uncovered)
    round_conversations = [c for c in conversations if c.cycle == cycle.id]
    for p in cov.uncovered:
        mine = [c for c in round_conversations if p.person in c.developed]
        if p.state is CoverageState.PLANNED:
            assert any(c.status in mf.ConversationStatus.NOT_YET_HELD for c in mine)
        if p.state is CoverageState.CANCELLED:
            assert any(c.status is mf.ConversationStatus.CANCELLED for c in mine)
    # Everyone in scope is a member of a unit (or a leader, for LUS), each counted once.
    members = {m for u in org.units for m in u.members} | {u.leader for u in org.units}
    assert set(uncovered) <= members
    assert cov.in_scope <= len(members - {None})
    # Whoever is covered has a held conversation of the round that develops them.
    covered = cov.in_scope - len(uncovered)
    held = {p for c in round_conversations if c.status.is_held for p in c.developed}
    assert covered <= len(held)


@settings(deadline=None, max_examples=15)
@given(rounds(mst.questionnaires(max_sections=2, max_questions=3)))
def test_rating_gaps_are_consistent_on_drawn_questionnaires(data):
    questionnaire, conversations = data
    gaps = an.rating_gaps(conversations, questionnaire=questionnaire)
    for row in gaps.questions:
        assert 1 <= row.pairs <= len(conversations)
        assert math.isclose(row.self_mean - row.leader_mean, row.mean_gap, abs_tol=1e-9)
        assert row.mean_abs_gap >= abs(row.mean_gap) - 1e-9
        assert 0 <= row.agree <= row.pairs
        per_unit = [u for u in gaps.units if u.question == row.question]
        assert sum(u.pairs for u in per_unit) == row.pairs
        low, high = gaps.scale
        assert low <= row.self_mean <= high


@settings(deadline=None, max_examples=25)
@given(rounds())
def test_evaluation_counts_add_up(data):
    questionnaire, conversations = data
    responses = [r for c in conversations for r in c.responses]
    ev = an.evaluation_results(questionnaire, responses)
    assert ev.responses == len(responses)
    for result in ev.questions:
        assert result.respondents <= len(responses)
        if result.type in ("scale", "single_choice", "yes_no"):
            assert sum(n for _, _, n in result.answers) == result.respondents


def _normalise(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@settings(deadline=None, max_examples=20)
@given(st.data())
def test_records_round_trip_through_a_dataframe(data):
    import pandas

    questionnaire, conversations = data.draw(rounds())
    org = data.draw(organisations(conversations))
    cycle = data.draw(mst.cycles())
    analysis = an.analyse_round(
        cycle,
        conversations,
        organisation=org,
        previous=conversations[:2],
        questionnaire=questionnaire,
        evaluation=questionnaire,
        on=data.draw(TODAY),
    )
    for result in [analysis, *analysis.tables().values()]:
        records = result.to_records()
        assert all(list(r) == list(result.COLUMNS) for r in records)
        back = pandas.DataFrame.from_records(records, columns=list(result.COLUMNS))
        again = [{k: _normalise(v) for k, v in r.items()} for r in back.to_dict("records")]
        assert again == [{k: _normalise(v) for k, v in r.items()} for r in records]
