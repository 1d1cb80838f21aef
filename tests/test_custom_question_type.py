"""A downstream developer's own question type, defined outside the package."""

from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import pytest

import musframework as mf
from musframework.errors import LoadError


@attrs.frozen
class TrafficLightAnswer(mf.Answer):
    type_name: ClassVar[str] = "traffic_light"
    value: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class TrafficLightQuestion(mf.Question):
    """Red, yellow or green, with an optional reason; red needs one."""

    type_name: ClassVar[str] = "traffic_light"
    answer_type: ClassVar[type[mf.Answer]] = TrafficLightAnswer
    colours: tuple[str, ...] = ("red", "yellow", "green")

    def check_value(self, answer: TrafficLightAnswer) -> Iterator[mf.Finding]:
        if answer.value not in self.colours:
            yield mf.Finding.error(
                "traffic.colour", "value", da="ukendt farve", en="unknown colour"
            )
        if answer.value == "red" and not answer.reason:
            yield mf.Finding.warning(
                "traffic.reason", "reason", da="giv en grund", en="give a reason"
            )

    def coerce(self, value: Any) -> TrafficLightAnswer:
        colour, _, reason = str(value).partition(":")
        return TrafficLightAnswer(colour, reason)

    def answer_text(self, answer: mf.Answer, locale: str = "da") -> str:
        return {"da": "Trafiklys: ", "en": "Traffic light: "}[locale] + getattr(answer, "value", "")


def questionnaire():
    return mf.Questionnaire(
        id="custom",
        title={"da": "Eget", "en": "Own"},
        sections=[
            mf.Section(
                id="s",
                title={"da": "S", "en": "S"},
                questions=[
                    TrafficLightQuestion(
                        id="mood", text={"da": "Humør", "en": "Mood"}, required=True
                    ),
                    mf.TextQuestion(
                        id="why",
                        text={"da": "Hvorfor", "en": "Why"},
                        condition=mf.Condition.when("mood", "equals", "red"),
                    ),
                ],
            )
        ],
    )


@pytest.fixture
def registered():
    mf.register_question_type(TrafficLightQuestion)
    yield
    mf.unregister_question_type("traffic_light")


def test_custom_type_roundtrips_through_json(registered):
    q = questionnaire()
    assert q.check() == []
    text = mf.dumps(q)
    assert '"type":"traffic_light"' in text
    back = mf.loads(text, mf.Questionnaire)
    assert back == q and isinstance(back.question("mood"), TrafficLightQuestion)

    r = q.new_response("employee", "emp", {"mood": "red:too much work", "why": "deadlines"})
    assert q.check_response(r) == []
    r_back = mf.loads(mf.dumps(r), mf.Response)
    assert r_back.answers["mood"] == TrafficLightAnswer("red", "too much work")
    assert q.question("mood").answer_text(r_back.answers["mood"], "en") == "Traffic light: red"

    bad = q.new_response("employee", "emp", {"mood": "blue"})
    assert [f.code for f in q.check_response(bad)] == ["traffic.colour"]
    assert [
        f.severity for f in q.check_response(q.new_response("employee", "e", {"mood": "red"}))
    ] == [mf.Severity.WARNING]


def test_unregistered_type_is_a_clear_load_error(registered):
    text = mf.dumps(questionnaire())
    mf.unregister_question_type("traffic_light")
    try:
        with pytest.raises(LoadError) as info:
            mf.loads(text, mf.Questionnaire)
        assert info.value.paths == ["sections[0].questions[0]"]
        assert "unknown question type 'traffic_light'" in str(info.value)
    finally:
        mf.register_question_type(TrafficLightQuestion)


def test_type_registered_after_first_use_of_the_converter():
    mf.dumps(mf.Person(id="warm", name="up"))  # the converter exists before registration
    mf.register_question_type(TrafficLightQuestion)
    try:
        back = mf.loads(mf.dumps(questionnaire()), mf.Questionnaire)
        assert isinstance(back.question("mood"), TrafficLightQuestion)
    finally:
        mf.unregister_question_type("traffic_light")


def test_registered_types_are_listed_and_a_registration_changes_the_generation():
    from musframework.model import question_type_generation, question_types

    before = question_type_generation()
    assert "traffic_light" not in question_types()
    mf.register_question_type(TrafficLightQuestion)
    try:
        assert question_types()["traffic_light"] is TrafficLightQuestion
        assert list(question_types()) == mf.question_type_names()
        during = question_type_generation()
        assert during != before
    finally:
        mf.unregister_question_type("traffic_light")
    assert "traffic_light" not in question_types()
    assert question_type_generation() != during
