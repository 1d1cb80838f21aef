"""The built-in questionnaires: present, clean, complete in both languages, and true to the domain."""

import re

import pendulum
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
        # Answers are keyed by question id: a new version keeps the ids (see the docs), except
        # the questions about the conversation itself, which moved to after it.
        kept = [x.id for x in q.questions() if (name, x.id) not in MOVED_AFTER_THE_CONVERSATION]
        now = [x.id for x in current.questions()]
        assert [x for x in now if x in kept] == kept


# Questions about the conversation itself, which the preparation form asked before it had
# happened: (form, id) -> the form (filled in after the conversation) that asks it now.
MOVED_AFTER_THE_CONVERSATION = {
    ("mus-standard", "conversation_feedback"): ("evaluation", "conversation_feedback"),
    ("mus-scored", "conversation_rating"): ("evaluation", "useful"),
}


def test_questions_about_the_conversation_are_asked_after_it():
    for (name, qid), (target, tid) in MOVED_AFTER_THE_CONVERSATION.items():
        assert qid not in {x.id for x in mf.templates.load(name).questions()}
        assert tid in {x.id for x in mf.templates.load(target).questions()}
        assert qid in {x.id for x in mf.templates.load(name, version="1").questions()}
    # No preparation form asks how the conversation went.
    words = ("var godt ved samtalen", "var samtalen nyttig", "was the conversation useful")
    for name in NAMES:
        if name == "evaluation":
            continue
        for _, text in mf.templates.load(name).texts():
            for value in text.translations.values():
                assert not any(w in value.lower() for w in words), (name, value)


# The forms people prepare a conversation on: not the round's evaluation, and not the upward
# feedback a leader's staff give anonymously outside any conversation.
CONVERSATION_FORMS = [n for n in NAMES if n not in ("evaluation", "upward-feedback")]
GOOD_CONVERSATION = {
    "da": (
        "åbne spørgsmål",
        "tid til at forklare",
        "konstruktiv",
        "for dig selv",
        "altid",
        "aldrig",
        "sarkasme",
        "først",
    ),
    "en": (
        "open questions",
        "time to explain",
        "constructive",
        "speak for yourself",
        "always",
        "never",
        "sarcasm",
        "first",
    ),
}


@pytest.mark.parametrize("name", CONVERSATION_FORMS)
def test_every_conversation_form_carries_the_good_conversation_guidance(name):
    form = mf.templates.load(name)
    for language, words in GOOD_CONVERSATION.items():
        intro = form.intro.get(language).lower()
        assert [w for w in words if w not in intro] == [], (name, language)


@pytest.mark.parametrize("name", CONVERSATION_FORMS)
def test_preparation_is_told_apart_from_the_meeting(name):
    from musframework.rendering import build_document
    from musframework.rendering.base import RenderContext
    from musframework.rendering.blocks import Paragraph

    form = mf.templates.load(name)
    for section in form.sections:
        assert section.preparation is not None, (name, section.id)
        assert section.preparation.missing(("da", "en")) == []
    now = mf.FixedClock(pendulum.datetime(2026, 3, 2, 9)).now()
    doc = build_document(form, RenderContext(document="form", on=now.date(), now=now))
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    notes = [b.text for b in paragraphs if b.style == "note"]
    meeting = [b.text for b in paragraphs if b.style == "muted"]
    assert notes == [s.preparation.get("da") for s in form.sections]
    with_guidance = [s for s in form.sections if s.guidance is not None]
    assert meeting == [f"I samtalen: {s.guidance.get('da')}" for s in with_guidance]


# Words that talk about the reader in the third person, per role and language.
THIRD_PERSON = {
    "employee": {
        "da": ("medarbejderen", "medarbejderens", "din medarbejder"),
        "en": ("the employee", "your employee"),
    },
    "leader": {
        "da": ("din leder ", "din leder?", "dig som medarbejder"),
        "en": ("your leader", "you as the employee"),
    },
}


@pytest.mark.parametrize("name", ["mus-standard", "mus-scored", "mus-core-task", "follow-up"])
@pytest.mark.parametrize("role", ["employee", "leader"])
def test_each_mus_form_speaks_to_whoever_fills_it(name, role):
    from musframework.rendering import build_document
    from musframework.rendering.base import RenderContext
    from musframework.rendering.blocks import Field

    form = mf.templates.load(name)
    now = mf.FixedClock(pendulum.datetime(2026, 3, 2, 9)).now()
    for language, words in THIRD_PERSON[role].items():
        doc = build_document(
            form,
            RenderContext(document="form", locale=language, role=role, on=now.date(), now=now),
        )
        texts = [b.text.lower() for b in doc.blocks if isinstance(b, Field)]
        assert texts
        wrong = [t for t in texts if any(w in t for w in words)]
        assert wrong == [], (name, role, language)
    # The employee reads "du"/"dig"/"din" in most of their questions.
    employee = [
        q.text_for(mf.Role.EMPLOYEE).get("da")
        for q in form.questions()
        if q.asks(mf.Role.EMPLOYEE) and not q.id.endswith("_comment")  # "Uddyb gerne …"
    ]
    addressed = [t for t in employee if re.search(r"\b(du|dig|din|dit|dine)\b", t.lower())]
    assert len(addressed) >= len(employee) * 0.6


def test_a_question_both_answer_has_the_leaders_own_wording():
    goals = mf.templates.load("mus-standard").question("goals")
    assert goals.text_for(mf.Role.EMPLOYEE).get("da").startswith("Hvilke mål vil du")
    assert "din medarbejder" in goals.text_for(mf.Role.LEADER).get("da")
    assert "your employee" in goals.text_for(mf.Role.LEADER).get("en")
    assert goals.text_for(None) == goals.text
    survey = mf.interop.surveyjs.to_surveyjs(
        mf.templates.load("mus-standard"), role="leader", default_language="da"
    )
    titles = [e["title"]["default"] for p in survey["pages"] for e in p["elements"]]
    assert goals.leader_text.get("da") in titles


def test_lus_labels_the_leader_being_developed_and_their_leader():
    lus = mf.templates.load("lus")
    style = lus.question("style_direction")
    assert "du" in style.text_for(mf.Role.EMPLOYEE).get("da").split()
    assert "lederen" in style.text_for(mf.Role.LEADER).get("da")
