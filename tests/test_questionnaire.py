import attrs
import pytest

import musframework as mf
from musframework.errors import DataError, NotFoundError

from .helpers import small_questionnaire, t


def codes(findings):
    return sorted(f.code for f in findings)


def test_small_questionnaire_checks_clean():
    q = small_questionnaire()
    assert q.check() == []
    assert q.total_minutes == 40
    assert [x.id for x in q.questions_for("employee")] == [
        "rating",
        "why_low",
        "detail",
        "focus",
        "methods",
        "hours",
        "start",
    ]


def test_check_reports_every_definition_problem_at_once():
    bad = mf.Questionnaire(
        id="bad",
        title={"da": "Kun dansk"},
        sections=[
            mf.Section(
                id="a",
                title=t("A"),
                questions=[
                    mf.ScaleQuestion(id="q1", text=t("Q"), min=5, max=5),
                    mf.TextQuestion(
                        id="q2", text=t("Q"), condition=mf.Condition.when("q3", "equals", "x")
                    ),
                    mf.TextQuestion(id="q1", text=t("dup")),
                    mf.TextQuestion(
                        id="q4", text=t("Q"), condition=mf.Condition.when("ghost", "equals", 1)
                    ),
                    mf.SingleChoiceQuestion(id="q5", text=t("Q")),
                    mf.TextQuestion(
                        id="q6", text=t("Q"), condition=mf.Condition.when("q1", "in", 3)
                    ),
                ],
            ),
            mf.Section(id="a", title=t("Empty")),
            mf.Section(id="b", title=t("B"), questions=[mf.TextQuestion(id="q3", text=t("late"))]),
        ],
    )
    found = bad.check()
    assert codes(found) == [
        "question.no-options",
        "question.scale-range",
        "questionnaire.condition-forward-reference",
        "questionnaire.condition-unknown-question",
        "questionnaire.condition-value",
        "questionnaire.duplicate-id",
        "questionnaire.duplicate-section-id",
        "questionnaire.empty-section",
        "text.missing-language",
    ]
    by_code = {f.code: f for f in found}
    assert by_code["question.scale-range"].path == "sections[0].questions[0].max"
    assert by_code["questionnaire.duplicate-id"].path == "sections[0].questions[2].id"
    assert by_code["text.missing-language"].path == "title"
    assert "English" in by_code["text.missing-language"].text("en")
    assert "engelsk" in by_code["text.missing-language"].text("da")
    assert all(f.severity is mf.Severity.ERROR for f in found)
    assert bad.has_errors()


def test_self_referencing_condition_is_a_forward_reference():
    q = mf.Questionnaire(
        id="x",
        title=t("X"),
        sections=[
            mf.Section(
                id="s",
                title=t("S"),
                questions=[
                    mf.ScaleQuestion(
                        id="a", text=t("A"), condition=mf.Condition.when("a", "greater", 1)
                    ),
                ],
            )
        ],
    )
    assert codes(q.check()) == ["questionnaire.condition-forward-reference"]


def test_other_definition_checks():
    q = mf.Questionnaire(
        id="x",
        title=t("X"),
        sections=[
            mf.Section(
                id="s",
                title=t("S"),
                questions=[
                    mf.TextQuestion(id="a", text=t("A"), max_length=0),
                    mf.NumberQuestion(id="b", text=t("B"), min=5, max=1),
                    mf.ScaleQuestion(id="c", text=t("C"), labels=[mf.ScalePoint(9, t("nine"))]),
                    mf.MultipleChoiceQuestion(
                        id="d",
                        text=t("D"),
                        options=[mf.Option("o", t("O")), mf.Option("o", t("O2"))],
                    ),
                ],
            )
        ],
    )
    assert codes(q.check()) == [
        "question.duplicate-option",
        "question.max-length",
        "question.number-range",
        "question.scale-label",
    ]
    empty = mf.Questionnaire(id="e", title=t("E"))
    assert codes(empty.check()) == ["questionnaire.no-sections"]


def valid_employee_response(**values):
    q = small_questionnaire()
    base = {
        "rating": 4,
        "focus": "skills",
        "methods": ["mentor"],
        "hours": 10,
        "start": "2026-05-01",
    }
    base.update(values)
    return q, q.new_response("employee", "emp", {k: v for k, v in base.items() if v is not None})


def test_valid_response_passes():
    q, r = valid_employee_response()
    assert q.check_response(r) == []
    assert r.answers["start"] == mf.DateAnswer(__import__("pendulum").date(2026, 5, 1))


def test_check_response_reports_every_problem():
    q = small_questionnaire()
    r = mf.Response(
        questionnaire=mf.QuestionnaireRef("demo", "2"),
        role="employee",
        person="emp",
        answers={
            "rating": mf.ScaleAnswer(9),  # out of range, so why_low is hidden
            "detail": mf.TextAnswer("x"),  # hidden (cascade: why_low is hidden)
            "focus": mf.ChoiceAnswer("salary"),  # not an option
            "methods": mf.MultipleChoiceAnswer(("course", "mentor")),  # too many
            "salary_ok": mf.YesNoAnswer(True),  # leader only
            "hours": mf.TextAnswer("ten"),  # wrong type
            "ghost": mf.TextAnswer("boo"),  # unknown question
        },
    )
    found = q.check_response(r)
    assert codes(found) == [
        "response.hidden-question-answered",
        "response.out-of-range",
        "response.role-not-asked",
        "response.too-many",
        "response.unknown-option",
        "response.unknown-question",
        "response.wrong-questionnaire",
        "response.wrong-type",
    ]
    paths = {f.code: f.path for f in found}
    assert paths["response.out-of-range"] == "answers.rating.value"
    assert paths["response.unknown-question"] == "answers.ghost"


def test_required_only_when_shown_and_asked():
    q, r = valid_employee_response(rating=2)
    assert codes(q.check_response(r)) == ["response.missing-required"]
    r2 = r.with_answer("why_low", mf.TextAnswer("x" * 51))
    assert codes(q.check_response(r2)) == ["response.too-long"]
    r3 = r.with_answer("why_low", mf.TextAnswer("busy"))
    assert q.check_response(r3) == []
    leader = q.new_response("leader", "boss", {"rating": 5})
    assert q.check_response(leader) == []


def test_prune_drops_hidden_answers():
    q = small_questionnaire()
    r = q.new_response("employee", "emp", {"rating": 5, "why_low": "x", "detail": "y"})
    pruned = q.prune(r)
    assert set(pruned.answers) == {"rating"}
    assert set(r.answers) == {"rating", "why_low", "detail"}  # the original is unchanged


def test_new_response_reports_every_bad_value():
    q = small_questionnaire()
    with pytest.raises(DataError) as info:
        q.new_response(
            "employee",
            "emp",
            {"rating": "4", "ghost": 1, "methods": "course", "salary_ok": 1, "start": "soon"},
        )
    assert sorted(info.value.paths) == [
        "answers.ghost",
        "answers.methods",
        "answers.rating",
        "answers.salary_ok",
        "answers.start",
    ]
    assert "answers.rating" in str(info.value)


def test_question_lookup():
    q = small_questionnaire()
    assert q.question("focus").id == "focus"
    with pytest.raises(NotFoundError):
        q.question("nope")


@pytest.mark.parametrize(
    ("answer", "op", "value", "expected"),
    [
        (mf.ScaleAnswer(4), "greater", 3, True),
        (mf.ScaleAnswer(3), "greater", 3, False),
        (mf.ScaleAnswer(2), "less", 3, True),
        (mf.ScaleAnswer(3), "equals", 3, True),
        (mf.ScaleAnswer(3), "in", (1, 3), True),
        (mf.ScaleAnswer(2), "in", (1, 3), False),
        (mf.YesNoAnswer(True), "equals", True, True),
        (mf.YesNoAnswer(True), "equals", 1, False),
        (mf.ScaleAnswer(1), "equals", True, False),
        (mf.YesNoAnswer(True), "greater", 0, False),
        (mf.ChoiceAnswer("a"), "in", ("a", "b"), True),
        (mf.ChoiceAnswer("a"), "in", "a", False),
        (mf.MultipleChoiceAnswer(("a", "c")), "equals", "c", True),
        (mf.MultipleChoiceAnswer(("a", "c")), "in", ("b", "c"), True),
        (mf.MultipleChoiceAnswer(("a",)), "in", ("b",), False),
        (mf.MultipleChoiceAnswer(("a",)), "greater", 1, False),
        (mf.DateAnswer(__import__("pendulum").date(2026, 5, 1)), "greater", "2026-04-30", True),
        (mf.TextAnswer("b"), "less", "c", True),
        (mf.TextAnswer("b"), "less", 3, False),
    ],
)
def test_comparison_semantics(answer, op, value, expected):
    cond = mf.Condition.when("q", op, value)
    assert cond.is_met({"q": answer}) is expected
    assert cond.is_met({}) is False


def test_any_and_all():
    a = mf.Comparison("a", "equals", 1)
    b = mf.Comparison("b", "equals", 2)
    answers = {"a": mf.ScaleAnswer(1), "b": mf.ScaleAnswer(3)}
    assert mf.Condition.any_of(a, b).is_met(answers)
    assert not mf.Condition.all_of(a, b).is_met(answers)
    assert mf.Condition.all_of(a, b).question_ids == ("a", "b")


def test_answer_texts_for_every_type():
    q = small_questionnaire()
    scale = attrs.evolve(
        q.question("rating"), labels=[mf.ScalePoint(4, {"da": "Godt", "en": "Good"})]
    )
    assert scale.answer_text(mf.ScaleAnswer(4), "en") == "4 (Good)"
    assert scale.answer_text(mf.ScaleAnswer(3)) == "3"
    assert q.question("focus").answer_text(mf.ChoiceAnswer("skills"), "en") == "Skills"
    assert (
        q.question("methods").answer_text(mf.MultipleChoiceAnswer(("course", "mentor")))
        == "Course, Mentor"
    )
    assert q.question("salary_ok").answer_text(mf.YesNoAnswer(False), "en") == "No"
    assert q.question("salary_ok").answer_text(mf.YesNoAnswer(True)) == "Ja"
    assert q.question("hours").answer_text(mf.NumberAnswer(7)) == "7"
    assert (
        q.question("start").answer_text(mf.DateAnswer(__import__("pendulum").date(2026, 1, 2)))
        == "2026-01-02"
    )
    assert q.question("why_low").answer_text(mf.TextAnswer("hi")) == "hi"


def test_number_checks():
    q = small_questionnaire().question("hours")
    assert codes(q.check_answer(mf.NumberAnswer(7.5))) == ["response.wrong-type"]
    assert codes(q.check_answer(mf.NumberAnswer(41))) == ["response.out-of-range"]
    assert codes(q.check_answer(mf.NumberAnswer(float("nan")))) == ["response.out-of-range"]
    assert list(q.check_answer(mf.NumberAnswer(8.0))) == []


def test_multiple_choice_duplicates_and_unknown_codes():
    q = small_questionnaire().question("methods")
    found = list(q.check_answer(mf.MultipleChoiceAnswer(("mentor", "mentor", "zzz"))))
    assert codes(found) == [
        "response.duplicate-option",
        "response.too-many",
        "response.unknown-option",
    ]
    assert [f.path for f in found if f.code == "response.unknown-option"] == ["value[2]"]
