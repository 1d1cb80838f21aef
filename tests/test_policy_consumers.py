"""Renderers and analytics show a viewer only what the access policy lets them see."""

import attrs
import pytest

import musframework as mf
from musframework.errors import AccessDeniedError, DataError
from musframework.policy import Capacity

from . import walks

SECRET_NOTE = "PRIVAT-NOTE-7731"
SECRET_ANSWER = "USENDT-SVAR-4410"


def conversation():
    final = walks.walk_mus().final
    boss_response = final.response_of("boss")
    unshared = attrs.evolve(
        boss_response.with_answer("strengths", mf.TextAnswer(SECRET_ANSWER)), shared=False
    )
    responses = [unshared if r.person == "boss" else r for r in final.responses]
    note = mf.Note(author="boss", text=SECRET_NOTE, private=True)
    return attrs.evolve(final, responses=responses, notes=(*final.notes, note))


def policy():
    return mf.DefaultPolicy(walks.organisation())


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_render_hides_what_the_viewer_may_not_see(fmt):
    c = conversation()
    form = walks.questionnaire()
    as_boss = mf.render(
        c,
        fmt,
        document="side_by_side",
        questionnaire=form,
        viewer=mf.Viewer("boss"),
        policy=policy(),
    )
    as_emp = mf.render(
        c,
        fmt,
        document="side_by_side",
        questionnaire=form,
        viewer=mf.Viewer("emp"),
        policy=policy(),
    )
    unfiltered = mf.render(c, fmt, document="side_by_side", questionnaire=form)
    assert SECRET_ANSWER in unfiltered and SECRET_ANSWER in as_boss
    assert SECRET_ANSWER not in as_emp


def test_render_refuses_a_stranger_and_needs_a_policy(tmp_path):
    c = conversation()
    with pytest.raises(AccessDeniedError):
        mf.render(c, "markdown", document="plan", viewer=mf.Viewer("m1"), policy=policy())
    with pytest.raises(DataError):
        mf.render(c, "markdown", document="plan", viewer=mf.Viewer("boss"))
    path = mf.render_to(
        tmp_path / "plan.md",
        c,
        document="plan",
        viewer=mf.Viewer("hr", {Capacity.HR}),
        policy=policy(),
    )
    text = path.read_text(encoding="utf-8")
    assert SECRET_NOTE not in text and SECRET_ANSWER not in text


def test_round_report_for_a_viewer_counts_only_what_they_may_see():
    mus, grus, lus = walks.walk_mus().final, walks.walk_grus().final, walks.walk_lus().final
    cycle, org = walks.cycle(), walks.organisation()
    everything = mf.analyse_round(
        cycle, [mus, grus, lus], organisation=org, on=mus.scheduled_start.date()
    )
    for_emp = mf.analyse_round(
        cycle,
        [mus, grus, lus],
        organisation=org,
        on=mus.scheduled_start.date(),
        viewer=mf.Viewer("emp"),
        policy=policy(),
    )
    assert everything.key_figures()["conversations"] == 3
    # Ane sees her MUS and her team's GRUS, not Bo's LUS with the director.
    assert for_emp.key_figures()["conversations"] == 2
    assert for_emp.key_figures()["agreements"] < everything.key_figures()["agreements"]
    report = mf.render(
        cycle,
        "markdown",
        conversations=[mus, grus, lus],
        people=org,
        viewer=mf.Viewer("dir"),
        policy=policy(),
    )
    assert mus.id not in report  # the director is not Ane's leader
    with pytest.raises(DataError):
        mf.analyse_round(cycle, [mus], viewer=mf.Viewer("emp"))
