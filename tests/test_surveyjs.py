"""SurveyJS export and import, Python side (tests/test_surveyjs_node.py runs the real library)."""

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import DataError
from musframework.interop import surveyjs
from musframework.testing import strategies as mst
from tests.helpers import small_questionnaire
from tests.test_custom_question_type import TrafficLightAnswer, TrafficLightQuestion


def _elements(survey):
    return [e for page in survey["pages"] for e in page["elements"]]


def test_export_maps_sections_types_and_texts():
    q = small_questionnaire()
    survey = surveyjs.to_surveyjs(q)
    assert [p["name"] for p in survey["pages"]] == ["past", "future"]
    assert survey["clearInvisibleValues"] == "onHidden"
    by_name = {e["name"]: e for e in _elements(survey)}
    assert by_name["rating"]["type"] == "rating"
    assert [v["value"] for v in by_name["rating"]["rateValues"]] == [1, 2, 3, 4, 5]
    assert by_name["rating"]["isRequired"] is True
    assert by_name["rating"]["title"] == {"default": "How did it go?", "en": "How did it go?"}
    assert by_name["why_low"] | {} == by_name["why_low"]
    assert by_name["why_low"]["maxLength"] == 50
    assert by_name["why_low"]["visibleIf"] == "{rating} < 3"
    assert by_name["focus"]["type"] == "radiogroup"
    assert by_name["focus"]["choices"][0] == {
        "value": "skills",
        "text": {"default": "Skills", "en": "Skills"},
    }
    assert by_name["methods"]["type"] == "checkbox"
    assert by_name["methods"]["maxSelectedChoices"] == 1
    assert by_name["salary_ok"]["type"] == "boolean"
    assert (by_name["hours"]["inputType"], by_name["hours"]["min"], by_name["hours"]["max"]) == (
        "number",
        0,
        40,
    )
    assert by_name["hours"]["step"] == 1
    assert by_name["start"]["inputType"] == "date"
    json.dumps(survey)  # plain JSON


def test_labelled_scale_and_languages():
    q = mf.templates.load("mus-scored")
    rating = _elements(surveyjs.to_surveyjs(q))[1]
    assert rating["rateValues"][0] == {
        "value": 1,
        "text": {"default": "I meget lav grad", "en": "To a very small extent"},
    }
    plain = surveyjs.to_surveyjs(q, default_language=None)
    assert plain["title"] == {"da": q.title.get("da"), "en": q.title.get("en")}


def test_per_role_export_holds_only_that_roles_questions():
    q = mf.templates.load("mus-standard")
    for role in ("employee", "leader"):
        names = [e["name"] for e in _elements(surveyjs.to_surveyjs(q, role=role))]
        assert names == [x.id for x in q.questions_for(role)]
    grus = mf.templates.load("grus")
    pages = surveyjs.to_surveyjs(grus, role="group_member")["pages"]
    assert all(page["elements"] for page in pages)
    assert surveyjs.to_surveyjs(grus, role="employee")["pages"]  # "all" includes employees


@pytest.mark.parametrize(
    ("condition", "expression"),
    [
        (mf.Condition.when("focus", "equals", "skills"), "{focus} = 'skills'"),
        (mf.Condition.when("focus", "in", ("a", "b")), "{focus} anyof ['a', 'b']"),
        (mf.Condition.when("methods", "equals", "mentor"), "{methods} contains 'mentor'"),
        (mf.Condition.when("methods", "in", ("mentor",)), "{methods} anyof ['mentor']"),
        (mf.Condition.when("salary_ok", "equals", True), "{salary_ok} = true"),
        (mf.Condition.when("hours", "greater", 2.5), "{hours} > 2.5"),
        (mf.Condition.when("start", "less", "2026-01-01"), "{start} < '2026-01-01'"),
        (mf.Condition.when("focus", "equals", "it's"), "{focus} = 'it\\'s'"),
        (
            mf.Condition.any_of(
                mf.Comparison("rating", mf.Operator.LESS, 2),
                mf.Comparison("salary_ok", mf.Operator.EQUALS, False),
            ),
            "({rating} < 2) or ({salary_ok} = false)",
        ),
    ],
)
def test_conditions_become_visible_if(condition, expression):
    q = small_questionnaire()
    assert surveyjs.visible_if(condition, q) == expression


def test_result_data_imports_as_a_checked_response():
    q = small_questionnaire()
    data = {"rating": 2, "why_low": "for travlt", "methods": ["mentor"], "start": "2026-04-01"}
    response = surveyjs.response_from_surveyjs(data, q, role="employee", person="ane")
    assert response.answers["methods"] == mf.MultipleChoiceAnswer(("mentor",))
    assert response.answers["start"].value.isoformat() == "2026-04-01"
    assert response.questionnaire == q.ref
    assert surveyjs.response_to_surveyjs(response, q) == data


def test_bad_result_data_reports_every_problem_by_question_id():
    q = small_questionnaire()
    data = {
        "rating": "5",
        "nope": 1,
        "detail": "hidden",
        "hours": 99,
        "salary_ok": True,
        "start": "1. april",
        "focus": None,
    }
    with pytest.raises(DataError) as info:
        surveyjs.response_from_surveyjs(data, q, role="employee", person="ane")
    codes = {(f.path, f.code) for f in info.value.findings}
    assert codes == {
        ("answers.rating", "response.wrong-type"),
        ("answers.nope", "response.unknown-question"),
        ("answers.start", "response.wrong-type"),
        ("answers.detail", "response.hidden-question-answered"),
        ("answers.hours.value", "response.out-of-range"),
        ("answers.salary_ok", "response.role-not-asked"),
    }


def test_hidden_answers_can_be_pruned_explicitly():
    q = small_questionnaire()
    data = {"rating": 5, "why_low": "left over from before"}
    with pytest.raises(DataError, match="hidden"):
        surveyjs.response_from_surveyjs(data, q, role="employee", person="ane")
    response = surveyjs.response_from_surveyjs(
        data, q, role="employee", person="ane", prune_hidden=True
    )
    assert set(response.answers) == {"rating"}


SURVEY = {
    "title": {"default": "Trivsel", "en": "Well-being"},
    "pages": [
        {
            "name": "p1",
            "title": {"default": "Om dig", "en": "About you"},
            "elements": [
                {
                    "type": "rating",
                    "name": "mood",
                    "title": {"default": "Humør", "en": "Mood"},
                    "rateMin": 0,
                    "rateMax": 10,
                    "minRateDescription": {"default": "Dårligt", "en": "Bad"},
                    "isRequired": True,
                },
                {
                    "type": "panel",
                    "name": "box",
                    "elements": [
                        {
                            "type": "dropdown",
                            "name": "team",
                            "title": {"default": "Hold", "en": "Team"},
                            "choices": ["a", {"value": "b", "text": {"default": "B", "en": "B"}}],
                        },
                        {
                            "type": "tagbox",
                            "name": "tools",
                            "title": {"default": "Værktøjer", "en": "Tools"},
                            "choices": ["x", "y"],
                            "visibleIf": "{team} anyof ['a', 'b'] and {mood} > 3",
                        },
                    ],
                },
                {
                    "type": "text",
                    "name": "years",
                    "inputType": "number",
                    "min": 0,
                    "step": 1,
                    "title": {"default": "År", "en": "Years"},
                },
                {
                    "type": "boolean",
                    "name": "ok",
                    "title": {"default": "OK?", "en": "OK?"},
                    "visibleIf": "({tools} contains 'x') or ({years} < 2)",
                },
                {"type": "comment", "name": "more", "title": {"default": "Mere", "en": "More"}},
            ],
        }
    ],
}


def test_survey_json_imports_as_a_questionnaire():
    q = surveyjs.questionnaire_from_surveyjs(SURVEY, id="trivsel", version="2")
    assert q.check() == []
    assert q.languages == ("da", "en")
    assert [x.id for x in q.questions()] == ["mood", "team", "tools", "years", "ok", "more"]
    mood = q.question("mood")
    assert (mood.min, mood.max, mood.labels[0].label.get("en")) == (0, 10, "Bad")
    assert q.question("team").codes == ("a", "b")
    assert q.question("tools").condition == mf.Condition.all_of(
        mf.Comparison("team", mf.Operator.IN, ("a", "b")),
        mf.Comparison("mood", mf.Operator.GREATER, 3),
    )
    assert q.question("ok").condition.match is mf.Match.ANY
    assert q.question("years").integer is True
    assert q.question("more").long is True


def test_survey_json_it_cannot_represent_is_named_element_by_element():
    survey = {
        "pages": [
            {
                "name": "p",
                "elements": [
                    {"type": "text", "name": "fine"},
                    {"type": "matrix", "name": "grid", "columns": [1, 2], "rows": ["a"]},
                    {"type": "file", "name": "cv"},
                    {"type": "radiogroup", "name": "pick", "choices": ["a"], "showOtherItem": True},
                    {"type": "text", "name": "calc", "visibleIf": "{fine} notempty"},
                    {"type": "radiogroup", "name": "nums", "choices": [1, 2]},
                    {"type": "rating", "name": "half", "rateStep": 0.5},
                ],
            }
        ]
    }
    with pytest.raises(DataError) as info:
        surveyjs.questionnaire_from_surveyjs(survey, id="x")
    findings = info.value.findings
    assert [f.path for f in findings] == [f"pages[0].elements[{i}]" for i in range(1, 7)]
    text = str(info.value)
    for name in ("grid", "cv", "pick", "calc", "nums", "half"):
        assert f"element '{name}'" in text
    assert "(matrix)" in text
    assert "'{fine} notempty'" in text
    kept = surveyjs.questionnaire_from_surveyjs(survey, id="x", skip_unsupported=True)
    assert [x.id for x in kept.questions()] == ["fine"]


def test_custom_type_falls_back_to_text_and_can_register_an_adapter():
    mf.register_question_type(TrafficLightQuestion)
    try:
        q = mf.Questionnaire(
            id="c",
            title={"da": "C", "en": "C"},
            sections=[
                mf.Section(
                    id="s",
                    title={"da": "S", "en": "S"},
                    questions=[TrafficLightQuestion(id="light", text={"da": "Lys", "en": "Light"})],
                )
            ],
        )
        (element,) = _elements(surveyjs.to_surveyjs(q))
        assert element["type"] == "text"
        response = surveyjs.response_from_surveyjs(
            {"light": "red:busy"}, q, role="employee", person="p"
        )
        assert response.answers["light"] == TrafficLightAnswer("red", "busy")
        with pytest.raises(DataError, match="traffic_light"):
            surveyjs.to_surveyjs(q, strict=True)

        def element_fn(question, loc):
            return {"type": "dropdown", "choices": list(question.colours)}

        surveyjs.register_surveyjs_type(
            "traffic_light",
            surveyjs.SurveyJSAdapter(
                element_fn,
                to_value=lambda question, answer: answer.value,
                from_value=lambda question, value: TrafficLightAnswer(value),
            ),
        )
        try:
            (element,) = _elements(surveyjs.to_surveyjs(q, strict=True))
            assert element["type"] == "dropdown"
            assert element["choices"] == ["red", "yellow", "green"]
            assert surveyjs.surveyjs_type("traffic_light") is not None
        finally:
            surveyjs.unregister_surveyjs_type("traffic_light")
        assert surveyjs.surveyjs_type("traffic_light") is None
    finally:
        mf.unregister_question_type("traffic_light")


def _representable(q):
    """What survives a trip through SurveyJS: no roles, minutes, preparation advice or leader
    wording; plain conditions (weights do)."""

    def question(x):
        changes = {"answered_by": "both", "leader_text": None}
        if isinstance(x, mf.SingleChoiceQuestion | mf.MultipleChoiceQuestion):
            changes["options"] = list(x.options)
        if isinstance(x, mf.ScaleQuestion):
            changes["labels"] = [
                p for p in x.labels if set(p.label.translations.values()) != {str(p.value)}
            ]
        if x.condition is not None and len(x.condition.comparisons) == 1:
            changes["condition"] = attrs.evolve(x.condition, match=mf.Match.ALL)
        return attrs.evolve(x, **changes)

    return attrs.evolve(
        q,
        sections=[
            attrs.evolve(
                s, minutes=0, preparation=None, questions=[question(x) for x in s.questions]
            )
            for s in q.sections
        ],
    )


@settings(deadline=None)
@given(st.data())
def test_generated_questionnaires_and_responses_round_trip_through_surveyjs(data):
    q = data.draw(mst.questionnaires(max_sections=2, max_questions=3))
    role = data.draw(st.sampled_from(list(mf.Role)))
    response = data.draw(mst.responses(q, role))

    survey = surveyjs.to_surveyjs(q, role=role)
    survey = json.loads(json.dumps(survey))  # what a browser would get
    assert [e["name"] for e in _elements(survey)] == [x.id for x in q.questions_for(role)]

    values = json.loads(json.dumps(surveyjs.response_to_surveyjs(response, q)))
    back = surveyjs.response_from_surveyjs(
        values,
        q,
        role=role,
        person=response.person,
        submitted_at=response.submitted_at,
        shared=response.shared,
    )
    assert back == response

    full = json.loads(json.dumps(surveyjs.to_surveyjs(q)))
    imported = surveyjs.questionnaire_from_surveyjs(
        full, id=q.id, version=q.version, kinds=sorted(k.value for k in q.kinds)
    )
    assert imported == _representable(q)


def test_rating_values_that_are_not_a_list_are_refused_with_the_librarys_error():
    # Found by the fuzz test on the upward feedback form: rateValues = true.
    survey = surveyjs.to_surveyjs(mf.templates.load("upward-feedback"))
    survey["pages"][0]["elements"][0]["rateValues"] = True
    with pytest.raises(mf.errors.DataError, match="rating value True is not a whole number"):
        surveyjs.questionnaire_from_surveyjs(survey, id="x")
