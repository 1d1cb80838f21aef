"""Scores: weights and scale values give section and form scores (issue 18, point 5)."""

import json
import pathlib

import attrs
import pytest

import musframework as mf
import musframework.cli
from musframework.analytics import score_summary
from musframework.interop import surveyjs
from musframework.model.anonymity import MINIMUM_GROUP_SIZE
from musframework.model.scores import (
    Score,
    compare_scores,
    is_scored,
    points_range,
    score_response,
)
from tests.node_kit import node_with_packages, run_json


def t(text: str) -> dict[str, str]:
    return {"da": text, "en": text}


def _form() -> mf.Questionnaire:
    return mf.Questionnaire(
        id="scored",
        title=t("Scored"),
        sections=[
            mf.Section(
                id="work",
                title=t("Work"),
                questions=[
                    mf.ScaleQuestion(id="tasks", text=t("Tasks"), min=1, max=6),
                    mf.YesNoQuestion(id="more", text=t("More?")),
                    mf.ScaleQuestion(
                        id="how_much",
                        text=t("How much more?"),
                        condition=mf.Condition.when("more", "equals", True),
                    ),
                    mf.ScaleQuestion(id="leader_view", text=t("Leader"), answered_by="leader"),
                ],
            ),
            mf.Section(
                id="learning",
                title=t("Learning"),
                questions=[
                    mf.MultipleChoiceQuestion(
                        id="methods",
                        text=t("Methods"),
                        max_selected=2,
                        options=[
                            mf.Option("course", t("Course"), weight=1),
                            mf.Option("mentor", t("Mentor"), weight=3),
                            mf.Option("network", t("Network"), weight=2),
                            mf.Option("none", t("None"), weight=-1),
                        ],
                    ),
                    mf.SingleChoiceQuestion(
                        id="plan",
                        text=t("Plan"),
                        options=[
                            mf.Option("no", t("No"), weight=0),
                            mf.Option("rough", t("Rough")),
                            mf.Option("yes", t("Yes"), weight=2),
                        ],
                    ),
                    mf.TextQuestion(id="notes", text=t("Notes")),
                ],
            ),
            mf.Section(
                id="talk", title=t("Talk"), questions=[mf.TextQuestion(id="x", text=t("X"))]
            ),
        ],
    )


def test_which_questions_give_points_and_their_range():
    form = _form()
    assert [q.id for q in form.questions() if is_scored(q)] == [
        "tasks", "how_much", "leader_view", "methods", "plan",
    ]  # fmt: skip
    assert points_range(form.question("tasks")) == (1.0, 6.0)
    # At most two of the options: the two highest and the two lowest weights.
    assert points_range(form.question("methods")) == (-1.0, 5.0)
    assert points_range(form.question("plan")) == (0.0, 2.0)  # no weight counts 0
    assert points_range(form.question("notes")) is None


def test_a_response_scores_what_was_shown_asked_and_answered():
    form = _form()
    response = form.new_response(
        "employee",
        "ane",
        {"tasks": 5, "more": False, "methods": ["mentor", "network"], "plan": "rough"},
    )
    score = score_response(form, response)
    # "how_much" is hidden (more = no) and "leader_view" is not asked of the employee:
    # neither counts. 5 points of 1-6.
    assert score.section("work") == Score(points=5, lowest=1, highest=6, answered=1)
    assert score.section("work").percent == 80.0
    # methods 3 + 2 of -1..5; plan "rough" (no weight) 0 of 0..2.
    assert score.section("learning") == Score(points=5, lowest=-1, highest=7, answered=2)
    assert score.section("learning").percent == 75.0
    assert [s.scored for s in score.sections] == [True, True, False]
    assert score.total == Score(points=10, lowest=0, highest=13, answered=3)
    assert score.total.mean == pytest.approx(10 / 3)


def test_unanswered_questions_do_not_count_and_are_counted_as_open():
    form = _form()
    response = form.new_response("employee", "ane", {"more": True, "how_much": 2})
    work = score_response(form, response).section("work")
    assert work == Score(points=2, lowest=1, highest=5, answered=1, unanswered=1)  # tasks open
    empty = score_response(form, form.new_response("employee", "ane", {}))
    assert empty.total.percent is None and empty.total.mean is None
    assert empty.total.unanswered == 3  # tasks, methods, plan (how_much hidden)


def test_an_answer_to_a_hidden_question_is_ignored():
    form = _form()
    answers = {"tasks": 6, "more": False, "how_much": 5}
    response = mf.Response(
        questionnaire=form.ref,
        role="employee",
        person="ane",
        answers={k: form.question(k).coerce(v) for k, v in answers.items()},
    )
    assert score_response(form, response).section("work").points == 6


def test_self_and_leader_side_by_side_on_the_scored_mus():
    form = mf.templates.load("mus-scored")
    scales = [q for q in form.questions() if isinstance(q, mf.ScaleQuestion)]
    own = form.new_response("employee", "ane", {q.id: q.max for q in scales})
    leader = form.new_response("leader", "bo", {q.id: q.min for q in scales})
    rows = compare_scores(form, own, leader)
    assert [r.section for r in rows] == [
        *(s.id for s in form.sections if any(is_scored(q) for q in s.questions)),
        None,
    ]
    assert all(r.own.percent == 100.0 and r.leader.percent == 0.0 for r in rows)
    assert rows[-1].gap == 100.0


# --------------------------------------------------------------------------- analytics


def _round(sizes: dict[str, int], form: mf.Questionnaire) -> list[mf.Conversation]:
    conversations = []
    for unit, size in sizes.items():
        for i in range(size):
            person = f"{unit}-{i}"
            own = form.new_response("employee", person, {"tasks": 6, "plan": "yes"})
            leader = form.new_response("leader", f"{unit}-boss", {"tasks": 1, "plan": "no"})
            conversations.append(
                mf.Conversation(
                    id=f"mus-{person}",
                    kind="MUS",
                    unit=unit,
                    participants=[
                        mf.Participant(person, "employee"),
                        mf.Participant(f"{unit}-boss", "leader"),
                    ],
                    questionnaire=form.ref,
                    responses=[own, leader],
                )
            )
    return conversations


def test_scores_per_unit_are_hidden_under_the_minimum_group_size():
    form = _form()
    conversations = _round({"big": MINIMUM_GROUP_SIZE, "small": MINIMUM_GROUP_SIZE - 1}, form)
    summary = score_summary(conversations, form, locale="en")
    big = {r.section: r for r in summary.for_unit("big")}
    small = {r.section: r for r in summary.for_unit("small")}
    assert list(big) == ["work", "learning", None]
    assert big["work"].self_percent == 100.0 and big["work"].leader_percent == 0.0
    assert big[None].gap == 100.0
    assert big[None].section_title == "The whole form"
    for row in small.values():
        assert row.self_responses == MINIMUM_GROUP_SIZE - 1
        assert row.self_percent is None and row.leader_percent is None and row.gap is None
    overall = {r.section: r for r in summary.overall}
    assert overall["work"].self_responses == 2 * MINIMUM_GROUP_SIZE - 1
    assert overall["work"].self_percent == 100.0
    # A round that allows smaller groups shows them (never below three).
    lenient = score_summary(conversations, form, minimum_group_size=MINIMUM_GROUP_SIZE - 1)
    assert lenient.for_unit("small")[0].self_percent == 100.0
    with pytest.raises(mf.errors.InvalidValueError):
        score_summary(conversations, form, minimum_group_size=2)
    records = summary.to_records(by_unit=True)
    assert records[0]["unit"] == "big" and records[0]["gap"] == 100.0
    assert "Scores per section" in summary.to_html("en")


def test_responses_to_another_version_are_not_scored():
    form = _form()
    conversations = _round({"big": MINIMUM_GROUP_SIZE}, attrs.evolve(form, version="2"))
    assert all(r.self_responses == 0 for r in score_summary(conversations, form).overall)


# --------------------------------------------------------------------------- SurveyJS


def test_weights_go_to_surveyjs_as_choice_scores_and_come_back():
    form = _form()
    survey = surveyjs.to_surveyjs(form)
    elements = {e["name"]: e for page in survey["pages"] for e in page["elements"]}
    assert [c.get("score") for c in elements["methods"]["choices"]] == [1, 3, 2, -1]
    assert [c.get("score") for c in elements["plan"]["choices"]] == [0, None, 2]
    back = surveyjs.questionnaire_from_surveyjs(survey, id="scored")
    for qid in ("methods", "plan"):
        assert [o.weight for o in back.question(qid).options] == [
            o.weight for o in form.question(qid).options
        ]


HERE = pathlib.Path(__file__).parent / "surveyjs"


@pytest.mark.node
def test_survey_core_computes_the_same_points_from_the_export(survey_core_score):
    form = _form()
    response = form.new_response(
        "employee", "ane", {"tasks": 5, "methods": ["mentor", "none"], "plan": "yes"}
    )
    (result,) = survey_core_score(
        [
            {
                "survey": surveyjs.to_surveyjs(form, role="employee"),
                "data": surveyjs.response_to_surveyjs(response, form),
            }
        ]
    )
    assert result["jsonErrors"] == []
    ours = score_response(form, response).total
    assert result["points"] == ours.points == 5 + 3 - 1 + 2


@pytest.fixture(scope="module")
def survey_core_score():
    node = node_with_packages(HERE, "node_modules/survey-core/package.json", "survey-core")

    def run(cases: list[dict[str, object]]) -> list[dict[str, object]]:
        return run_json(node, "score.js", HERE, cases)  # type: ignore[no-any-return]

    return run


@pytest.mark.parametrize(
    ("locale", "title", "whole", "own_cell", "leader_cell"),
    [
        ("en", "Scores", "The whole form", "100% (", " 0% ("),
        ("da", "Point", "Hele skemaet", "100 % (", " 0 % ("),
    ],
)
def test_the_side_by_side_document_shows_both_scores(locale, title, whole, own_cell, leader_cell):
    from tests.render_helpers import text_of

    form = mf.templates.load("mus-scored")
    scales = [q for q in form.questions() if isinstance(q, mf.ScaleQuestion)]
    conversation = mf.Conversation(
        id="mus-ane",
        kind="MUS",
        participants=[mf.Participant("ane", "employee"), mf.Participant("bo", "leader")],
        questionnaire=form.ref,
        responses=[
            form.new_response("employee", "ane", {q.id: q.max for q in scales}),
            form.new_response("leader", "bo", {q.id: q.min for q in scales}),
        ],
    )
    for fmt in ("html", "markdown", "text"):
        out = mf.render(conversation, fmt, locale, "side_by_side", questionnaire=form)
        text = text_of(fmt, out)
        end = text.rindex(f"{title} {'på' if locale == 'da' else 'on'} 0-100")  # the note
        table = text[text.rindex(title, 0, end) : end]
        assert whole in table
        # A row per section with a scored question, and one for the whole form.
        scored = sum(
            any(isinstance(q, mf.ScaleQuestion) for q in s.questions) for s in form.sections
        )
        assert table.count(own_cell) == table.count(leader_cell) == scored + 1


@pytest.mark.node
def test_the_authors_valid_form_exported_by_the_command_line_loads_in_survey_core(
    survey_core_score, tmp_path
):
    from tests.test_authoring import VALID

    path = tmp_path / "acme.toml"
    path.write_text(VALID, encoding="utf-8")
    out = tmp_path / "acme.survey.json"
    assert mf.cli.main(["export", str(path), "--to", "surveyjs", "-o", str(out)]) == 0
    form = mf.load_questionnaire(path)
    response = form.new_response(
        "employee",
        "ane",
        {"rating": 4, "methods": ["course", "mentor"], "goals_met": False, "why_not": "Tid"},
    )
    (result,) = survey_core_score(
        [
            {
                "survey": json.loads(out.read_text(encoding="utf-8")),
                "data": surveyjs.response_to_surveyjs(response, form),
            }
        ]
    )
    assert result["jsonErrors"] == []
    assert result["points"] == score_response(form, response).total.points == 4 + 1 + 2
