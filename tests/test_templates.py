"""The built-in questionnaires: present, clean, complete in both languages, and true to the domain."""

import re

import pytest

import musframework as mf
from musframework.errors import NotFoundError

NAMES = [
    "evaluation",
    "follow-up",
    "grus",
    "lus",
    "mus-core-task",
    "mus-scored",
    "mus-standard",
    "upward-feedback",
]


def test_the_builtins_are_listed():
    assert mf.templates.names() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_builtin_loads_and_checks_clean_in_both_languages(name):
    q = mf.templates.load(name)
    assert q.id == name
    assert q.check() == []
    assert set(q.languages) == {"da", "en"}
    for _, text in q.texts():
        assert text.missing(("da", "en")) == []
        assert text.get("da") != text.get("en") or len(text.get("da")) < 12
    # It is the same file users could load themselves.
    assert mf.load_questionnaire(mf.templates.text(name), format="toml") == q


@pytest.mark.parametrize("name", NAMES)
def test_no_salary_questions_on_development_forms(name):
    q = mf.templates.load(name)
    salary = re.compile(r"\bløn(?!g)|\bsalary\b|\bpay\b|\bbonus", re.I)
    for question in q.questions():
        for _, text in question.texts():
            for lang in ("da", "en"):
                words = text.get(lang)
                # The only mention allowed is saying that the conversation is *not* about pay.
                assert not salary.search(words), (name, question.id, words)


def test_mus_standard_follows_the_five_parts():
    q = mf.templates.load("mus-standard")
    assert [(s.id, s.minutes) for s in q.sections] == [
        ("intro", 5),
        ("past", 10),
        ("present_future", 30),
        ("collaboration", 10),
        ("closing", 5),
    ]
    assert q.total_minutes == 60
    assert q.questions_for("employee") and q.questions_for("leader")
    only_leader = {x.id for x in q.questions_for("leader")} - {
        x.id for x in q.questions_for("employee")
    }
    assert only_leader  # the leader prepares their own points too
    assert q.kinds == frozenset({mf.ConversationKind.MUS})
    assert "ikke en lønsamtale" in q.intro.get("da")


def test_mus_scored_ratings_pair_up_by_id():
    q = mf.templates.load("mus-scored")
    assert [(s.id, s.minutes) for s in q.sections] == [
        (s.id, s.minutes) for s in mf.templates.load("mus-standard").sections
    ]
    ratings = [x for x in q.questions() if isinstance(x, mf.ScaleQuestion)]
    assert len(ratings) >= 10
    ids = {x.id for x in q.questions()}
    for rating in ratings:
        assert (rating.min, rating.max) == (1, 5)
        assert rating.answered_by == frozenset({mf.Role.EMPLOYEE, mf.Role.LEADER})
        if rating.id != "conversation_rating":
            assert f"{rating.id}_comment" in ids
    # Self- and leader ratings of the same question compare directly.
    both = {"goals": "Mål"}
    employee = q.new_response("employee", "ane", {r.id: 4 for r in ratings} | both)
    leader = q.new_response("leader", "bo", {r.id: 3 for r in ratings} | both)
    assert set(employee.answers) == set(leader.answers)
    assert q.check_response(employee) == q.check_response(leader) == []


def test_core_task_conversation_is_45_minutes_and_forward_looking():
    q = mf.templates.load("mus-core-task")
    assert q.total_minutes == 45
    assert "core_task" in [s.id for s in q.sections]
    assert "kerneopgave" in q.title.get("da")


def test_grus_lus_follow_up_and_evaluation_fit_their_conversations():
    grus = mf.templates.load("grus")
    assert grus.kinds == frozenset({mf.ConversationKind.GRUS})
    assert grus.questions_for("group_member") and grus.questions_for("leader")
    lus = mf.templates.load("lus")
    assert lus.kinds == frozenset({mf.ConversationKind.LUS})
    assert "leadership_style" in [s.id for s in lus.sections]
    follow_up = mf.templates.load("follow-up")
    assert follow_up.kinds == frozenset({mf.ConversationKind.FOLLOW_UP})
    evaluation = mf.templates.load("evaluation")
    assert {s.id for s in evaluation.sections} == {"conversation", "round"}
    assert len(list(evaluation.questions())) <= 12


@pytest.mark.parametrize("name", NAMES)
def test_builtin_round_trips_toml_and_json(name, tmp_path):
    q = mf.templates.load(name)
    for fmt in ("toml", "json"):
        text = mf.dump_questionnaire(q, fmt)
        back = mf.load_questionnaire(text, format=fmt)
        assert back == q
        assert mf.dump_questionnaire(back, fmt) == text
        path = mf.save_questionnaire(q, tmp_path / f"{name}.{fmt}")
        assert mf.load_questionnaire(path) == q


def test_unknown_builtin_names_the_builtins():
    with pytest.raises(NotFoundError, match="mus-standard"):
        mf.templates.load("mus-standrad")


@pytest.mark.parametrize("name", NAMES)
def test_every_version_of_a_builtin_loads_clean_and_keeps_its_question_ids(name):
    current = mf.templates.load(name)
    versions = mf.templates.versions(name)
    assert versions[-1] == current.version
    for version in versions:
        q = mf.templates.load(name, version=version)
        assert (q.id, q.version) == (name, version)
        assert q.check() == []
        assert mf.load_questionnaire(mf.templates.text(name, version), format="toml") == q
        # Answers are keyed by question id: a new version keeps the ids (see the docs).
        assert [x.id for x in q.questions()] == [x.id for x in current.questions()]
