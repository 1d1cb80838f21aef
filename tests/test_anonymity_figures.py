"""Suppression as people see it: figures in steps, marked cells, plots, the round's minimum."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import analytics as an
from musframework.model.anonymity import Suppressed, SuppressionReason
from musframework.testing.sample import sample_round

E, L = mf.Role.EMPLOYEE, mf.Role.LEADER
REF = mf.QuestionnaireRef("scored", "1")
START = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Copenhagen")


def _round(sizes: dict[str, int]) -> tuple[mf.Organisation, list[mf.Conversation]]:
    people = [mf.Person(id="boss", name="Boss")]
    units = [mf.OrgUnit(id="top", name="Top", leader="boss")]
    conversations = []
    for unit, size in sizes.items():
        members = [f"{unit}{i}" for i in range(size)]
        people += [mf.Person(id=p, name=p) for p in [f"{unit}-lead", *members]]
        units.append(
            mf.OrgUnit(
                id=unit, name=unit.upper(), leader=f"{unit}-lead", members=members, parent="top"
            )
        )
        for i, member in enumerate(members):
            at = START.add(hours=len(conversations))
            conversations.append(
                mf.Conversation(
                    id=f"c-{member}",
                    kind=mf.ConversationKind.MUS,
                    cycle="r",
                    participants=[mf.Participant(member, E), mf.Participant(f"{unit}-lead", L)],
                    responses=[
                        mf.Response(
                            questionnaire=REF,
                            role=E,
                            person=member,
                            answers={"q": mf.ScaleAnswer(1 + i % 5)},
                            submitted_at=at,
                        ),
                        mf.Response(
                            questionnaire=REF,
                            role=L,
                            person=f"{unit}-lead",
                            answers={"q": mf.ScaleAnswer(3)},
                            submitted_at=at,
                        ),
                    ],
                )
            )
    return mf.Organisation(people=people, units=units), conversations


def test_a_unit_shows_its_first_answers_in_whole_steps_and_the_round_adds_the_pool():
    org, conversations = _round({"a": 7, "b": 2, "c": 2, "d": 1})
    gaps = an.rating_gaps(conversations, organisation=org, minimum=3, locale="en")
    (a,) = gaps.units
    # Unit a: six of its seven (first in order of submission): ratings 1 2 3 4 5 1.
    assert (a.unit, a.pairs, a.self_mean) == ("a", 6, pytest.approx(16 / 6))
    assert (a.leader_mean, a.agree) == (3.0, 1)
    # b, c and d can never reach three: pooled; their five answers count three in the total.
    assert {c.unit: c.marker.reason for c in gaps.suppressed} == {
        "b": SuppressionReason.POOLED,
        "c": SuppressionReason.POOLED,
        "d": SuppressionReason.POOLED,
    }
    (total,) = gaps.questions
    assert total.pairs == 6 + 3
    html = gaps.to_html("en")
    assert "suppressed (the unit has fewer than 3; its answers count in the total only)" in html
    assert 'class="suppressed"' in html


def test_without_an_organisation_small_units_are_suppressed_and_left_out_of_the_total():
    _, conversations = _round({"a": 5, "b": 2})
    conversations = [attrs.evolve(c, unit=c.id[2]) for c in conversations]
    gaps = an.rating_gaps(conversations, locale="en")
    assert [(r.unit, r.pairs) for r in gaps.units] == [("a", 5)]
    assert [(c.unit, c.marker) for c in gaps.suppressed] == [("b", Suppressed(5))]
    assert gaps.questions[0].pairs == 5


def test_the_rounds_own_minimum_reaches_the_analysis():
    sample = sample_round(seed=2026)
    strict = attrs.evolve(
        sample.cycle,
        settings=attrs.evolve(sample.cycle.settings, minimum_group_size=10),
    )
    default = an.analyse_round(
        sample.cycle, sample.conversations, organisation=sample.organisation, on=sample.on
    )
    stricter = an.analyse_round(
        strict, sample.conversations, organisation=sample.organisation, on=sample.on
    )
    assert default.rating_gaps.minimum == 5 and stricter.rating_gaps.minimum == 10
    assert all(r.pairs % 10 == 0 for r in stricter.rating_gaps.units)
    assert len(stricter.rating_gaps.suppressed) > len(default.rating_gaps.suppressed)


def test_a_plot_says_how_many_it_left_out():
    sample = sample_round(seed=2026)
    analysis = an.analyse_round(
        sample.cycle,
        sample.conversations,
        organisation=sample.organisation,
        questionnaire=sample.questionnaire,
        on=sample.on,
    )
    hidden = {c.unit for c in analysis.rating_gaps.suppressed}
    assert hidden == {sample.organisation.units[0].id}
    fig = an.plot_rating_gaps(analysis, unit=sample.organisation.units[0].id, locale="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["6 suppressed (fewer than 5 answers)"]


def test_evaluation_counts_whole_steps_and_never_shows_free_text():
    form = mf.templates.load("evaluation")
    responses = [
        form.new_response(
            "employee",
            f"p{i}",
            {"useful": 1 + i % 5, "heard": True, "conversation_improve": f"secret {i}"},
            submitted_at=START.add(hours=i),
        )
        for i in range(7)
    ]
    ev = an.evaluation_results(form, responses, locale="en")
    useful = ev.question("useful")
    assert useful is not None and useful.respondents == 5
    assert useful.mean == pytest.approx(3.0)
    assert "secret" not in repr(ev.to_records())
    assert ev.is_suppressed("prepared") is False  # nobody answered it: nothing to protect


def test_the_round_report_shows_counts_of_the_process_and_no_answers():
    org, conversations = _round({"a": 6, "b": 2})
    secret = [
        attrs.evolve(
            c,
            responses=[
                c.responses[0].with_answer("why", mf.TextAnswer(f"secret of {c.id}")),
                c.responses[1],
            ],
        )
        for c in conversations
    ]
    cycle = mf.Cycle(
        id="r",
        name="R",
        period=mf.Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 6, 30)),
    )
    for fmt in ("html", "markdown", "text"):
        report = mf.render(cycle, fmt, "en", conversations=secret, people=org, on=START.date())
        assert isinstance(report, str)
        assert "secret" not in report
