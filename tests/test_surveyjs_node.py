"""The SurveyJS export against the real SurveyJS library (survey-core from npm, in Node).

For every built-in questionnaire and every role it asks, the exported survey is loaded into
``new Model(json)``; the test checks the question names, answers every shown question like a
respondent, runs SurveyJS's own ``validate()``, and imports ``survey.data`` back into a
Response equal to the one it started from. Needs Node.js and npm: the fixture runs ``npm ci``
in tests/surveyjs when node_modules is missing. Without Node the tests skip locally and fail
in CI (the CI variable is set).
"""

import pathlib

import pendulum
import pytest

import musframework as mf
from musframework.interop import surveyjs
from tests.node_kit import node_with_packages, run_json

pytestmark = pytest.mark.node

HERE = pathlib.Path(__file__).parent / "surveyjs"


@pytest.fixture(scope="session")
def survey_core():
    """A function running tests/surveyjs/run.js on a list of cases."""
    node = node_with_packages(HERE, "node_modules/survey-core/package.json", "survey-core")

    def run(cases):
        return run_json(node, "run.js", HERE, cases)

    return run


def _value(question, mode):
    """A valid answer; ``mode`` "open" opens conditional questions, "closed" keeps them shut."""
    open_ = mode == "open"
    if isinstance(question, mf.ScaleQuestion):
        return mf.ScaleAnswer(question.max if open_ else question.min)
    if isinstance(question, mf.TextQuestion):
        return mf.TextAnswer(f"Svar på {question.id}: «æøå» \"citat\" \\ 'x'")
    if isinstance(question, mf.SingleChoiceQuestion):
        return mf.ChoiceAnswer(question.codes[-1] if open_ else question.codes[0])
    if isinstance(question, mf.MultipleChoiceQuestion):
        return mf.MultipleChoiceAnswer(question.codes[:2])
    if isinstance(question, mf.YesNoQuestion):
        return mf.YesNoAnswer(open_)
    if isinstance(question, mf.NumberQuestion):
        return mf.NumberAnswer(int(question.min or 0) + 3)
    if isinstance(question, mf.DateQuestion):
        return mf.DateAnswer(pendulum.date(2026, 9, 1))
    raise AssertionError(question)


def _full_response(questionnaire, role, mode):
    answers = {}
    for question in questionnaire.questions_for(role):
        if question.is_shown(answers) and (mode != "required" or question.required):
            answers[question.id] = _value(question, "closed" if mode == "required" else mode)
    response = mf.Response(questionnaire=questionnaire.ref, role=role, person="p1", answers=answers)
    assert questionnaire.check_response(response) == []
    return response


def _roles(questionnaire):
    return [role for role in mf.Role if questionnaire.questions_for(role)]


CASES = [
    (name, role, mode)
    for name in mf.templates.names()
    for role in _roles(mf.templates.load(name))
    for mode in ("open", "closed", "required")
]


@pytest.fixture(scope="module")
def results(survey_core):
    cases = []
    for name, role, mode in CASES:
        q = mf.templates.load(name)
        response = _full_response(q, role, mode)
        cases.append(
            {
                "survey": surveyjs.to_surveyjs(q, role=role),
                "data": surveyjs.response_to_surveyjs(response, q),
            }
        )
    return dict(zip(CASES, survey_core(cases), strict=True))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1].value}-{c[2]}")
def test_builtin_runs_in_surveyjs_and_data_comes_back_equal(case, results):
    name, role, mode = case
    q = mf.templates.load(name)
    out = results[case]
    response = _full_response(q, role, mode)

    assert out["jsonErrors"] == []
    assert out["names"] == [question.id for question in q.questions_for(role)]
    assert out["pages"] == [s.id for s in q.sections if s.questions_for(role)]
    assert out["title"]["da"] == q.title.get("da")
    assert out["title"]["en"] == q.title.get("en")
    first = q.questions_for(role)[0]
    assert out["title"]["firstQuestionDa"] == first.text_for(mf.Role(role)).get("da")
    assert out["title"]["firstQuestionEn"] == first.text_for(mf.Role(role)).get("en")

    # SurveyJS shows exactly the questions our conditions show, and its validate() agrees.
    shown = q.visible_answers(response.answers)
    expected_visible = [
        question.id for question in q.questions_for(role) if question.is_shown(shown)
    ]
    assert out["visible"] == expected_visible
    assert out["invalid"] == []
    assert out["valid"] is True

    back = surveyjs.response_from_surveyjs(out["data"], q, role=role, person="p1")
    assert back == response


def test_surveyjs_validate_and_our_check_agree_on_missing_answers(survey_core):
    cases, expected = [], []
    for name in mf.templates.names():
        q = mf.templates.load(name)
        for role in _roles(q):
            empty = mf.Response(questionnaire=q.ref, role=role, person="p1")
            missing = [
                f.path.removeprefix("answers.")
                for f in q.check_response(empty)
                if f.code == "response.missing-required"
            ]
            cases.append({"survey": surveyjs.to_surveyjs(q, role=role), "data": {}})
            expected.append((name, role, missing))
    for out, (name, role, missing) in zip(survey_core(cases), expected, strict=True):
        order = out["names"]
        assert sorted(out["invalid"], key=order.index) == sorted(missing, key=order.index), (
            name,
            role,
        )
        assert out["valid"] is (not missing)


def test_hiding_cascades_and_clears_values_in_surveyjs(survey_core):
    q = mf.templates.load("follow-up")
    survey = surveyjs.to_surveyjs(q, role="employee")
    # Open the conditional question, answer it, then close it again: SurveyJS must hide it,
    # clear its value, and still validate; the data must import cleanly.
    data = {"progress": "behind", "obstacles": "travl periode", "plan_still_fits": True}
    (out_open,) = survey_core([{"survey": survey, "data": data}])
    assert "obstacles" in out_open["visible"]
    steps = [["progress", "done"]]
    (out_closed,) = survey_core([{"survey": survey, "data": data, "steps": steps}])
    assert "obstacles" not in out_closed["visible"]
    assert "obstacles" not in out_closed["data"]
    back = surveyjs.response_from_surveyjs(out_closed["data"], q, role="employee", person="p")
    assert set(back.answers) == {"progress", "plan_still_fits"}


def test_required_hidden_question_does_not_block_surveyjs(survey_core):
    q = mf.templates.load("follow-up")
    survey = surveyjs.to_surveyjs(q, role="employee")
    (out,) = survey_core(
        [{"survey": survey, "data": {"progress": "behind", "plan_still_fits": True}}]
    )
    assert out["invalid"] == ["obstacles"]  # shown and required, so SurveyJS asks for it
