"""One set of codes: a learning method chosen in a form becomes an agreement's method as it is."""

from __future__ import annotations

import attrs
import pytest

import musframework as mf
from musframework.errors import DataError, NotFoundError

# The learning-method question of each built-in form that has one.
LEARNING_QUESTIONS = {
    "grus": "group_activities",
    "lus": "learning_methods",
    "mus-core-task": "learning_methods",
    "mus-standard": "learning_methods",
}
VALUES = {m.value for m in mf.LearningMethod}


def options(form: mf.Questionnaire, question_id: str) -> list[mf.Option]:
    question = form.question(question_id)
    assert isinstance(question, mf.MultipleChoiceQuestion)
    return list(question.options)


def test_the_forms_with_a_learning_method_question_are_the_ones_listed():
    found = {
        name
        for name in mf.templates.names()
        for question in mf.templates.load(name).questions()
        if isinstance(question, mf.SingleChoiceQuestion | mf.MultipleChoiceQuestion)
        and {o.code for o in question.options} & (VALUES - {"course", "other"})
    }
    assert found == set(LEARNING_QUESTIONS)


@pytest.mark.parametrize("name", sorted(LEARNING_QUESTIONS))
def test_every_learning_method_option_of_a_builtin_form_is_a_learning_method(name):
    form = mf.templates.load(name)
    codes = [o.code for o in options(form, LEARNING_QUESTIONS[name])]
    assert set(codes) <= VALUES, set(codes) - VALUES
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("name", sorted(LEARNING_QUESTIONS))
def test_an_employees_choice_becomes_the_agreements_method_in_one_call(name):
    form = mf.templates.load(name)
    qid = LEARNING_QUESTIONS[name]
    role = "group_member" if name == "grus" else "employee"
    codes = [o.code for o in options(form, qid)]
    response = form.new_response(role, "ane", {qid: codes[:2]})
    assert [f for f in form.check_response(response) if f.path.startswith(f"answers.{qid}")] == []
    chosen = response.answers[qid].value[1]
    agreement = mf.Agreement(
        id="a1",
        description="Lære af en kollega",
        owner="ane",
        learning_method=mf.LearningMethod.from_code(chosen),
    )
    assert agreement.learning_method is mf.LearningMethod(codes[1])
    # The value is the code, so the agreement also takes it as it is, and stores it as such.
    assert mf.Agreement(id="a1", description="x", learning_method=chosen) == attrs.evolve(
        agreement, description="x", owner=None
    )
    assert mf.to_dict(agreement)["learning_method"] == chosen


@pytest.mark.parametrize("name", sorted(LEARNING_QUESTIONS))
def test_version_1_responses_stay_readable_and_their_codes_map_to_the_same_methods(name):
    versions = mf.templates.versions(name)
    assert versions == ["1", "2", "3"]
    # Version 2 changed only the codes; version 3 (the voice of the texts) kept them.
    old, new = mf.templates.load(name, version="1"), mf.templates.load(name, version="2")
    assert (old.version, new.version) == ("1", "2")
    current = options(mf.templates.load(name), LEARNING_QUESTIONS[name])
    assert [o.code for o in current] == [o.code for o in options(new, LEARNING_QUESTIONS[name])]
    assert old.check() == []
    qid = LEARNING_QUESTIONS[name]
    old_options, new_options = options(old, qid), options(new, qid)
    # The same options with the same labels, in the same order; only some codes changed.
    assert [o.label for o in old_options] == [o.label for o in new_options]
    assert [mf.LearningMethod.from_code(o.code) for o in old_options] == [
        mf.LearningMethod(o.code) for o in new_options
    ]
    # Nothing but the version and those codes changed (both archived as published, before
    # forms declared their duration; the current version declares it).
    renamed = {o.code: n.code for o, n in zip(old_options, new_options, strict=True)}
    assert old.duration_minutes is None and new.duration_minutes is None
    assert mf.templates.load(name).duration_minutes is not None
    unchanged = attrs.evolve(new, version="1")
    assert mf.dumps(unchanged) == _with_codes(mf.dumps(old), renamed)
    # A stored response to version 1 still loads, checks clean against its own version, and
    # its choices become methods.
    role = "group_member" if name == "grus" else "employee"
    stored = mf.dumps(old.new_response(role, "ane", {qid: [o.code for o in old_options]}))
    response = mf.loads(stored, mf.Response)
    assert response.questionnaire == old.ref
    assert [f for f in old.check_response(response) if f.path.startswith(f"answers.{qid}")] == []
    methods = [mf.LearningMethod.from_code(c) for c in response.answers[qid].value]
    assert methods == [mf.LearningMethod(o.code) for o in new_options]


def _with_codes(text: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        text = text.replace(f'"code":"{old}"', f'"code":"{new}"')
    return text


def test_a_code_that_is_no_learning_method_is_a_clear_error():
    with pytest.raises(DataError) as caught:
        mf.LearningMethod.from_code("yoga")
    (finding,) = caught.value.findings
    assert (finding.code, finding.path) == ("agreement.unknown-learning-method", "learning_method")
    assert "'yoga'" in finding.message.get("da") and "formal_education" in finding.message.get("en")
    assert mf.LearningMethod.from_code(mf.LearningMethod.COURSE) is mf.LearningMethod.COURSE


def test_an_unknown_version_of_a_builtin_names_the_versions():
    with pytest.raises(NotFoundError, match=r"versions: 1, 2, 3"):
        mf.templates.load("mus-standard", version="4")
    assert mf.templates.load("mus-standard", version="3") == mf.templates.load("mus-standard")
    assert mf.templates.versions("evaluation") == ["1", "2"]
