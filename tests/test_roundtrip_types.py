"""Every public model round-trips by its own type: ``loads(dumps(x), type(x)) == x``.

For every object a public strategy in ``musframework.testing.strategies`` draws, and every
model object inside it (questions and answers of every concrete class, options, conditions,
agreements, their history, signatures …): loading its own dump as its own class gives it
back, with the same text (so named time zones survive too). Questions and answers are written
with their ``"type"`` tag wherever they are written; loading them as their own class takes
that tag, and refuses another.
"""

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
import musframework.serialization as ser
from musframework.testing import strategies as mst

_STRATEGIES = {
    "agreements": mst.agreements(),
    "conversations": st.one_of(
        mst.conversations(), mst.questionnaires().flatmap(mst.conversations)
    ),
    "cycles": mst.cycles(),
    "deliveries": mst.deliveries(),
    "leader_changes": mst.leader_changes(),
    "organisation_versions": mst.organisation_versions(),
    "development_plans": mst.development_plans(),
    "groups": mst.groups(),
    "localized_texts": mst.localized_texts(),
    "org_units": mst.org_units(),
    "organisations": mst.organisations(),
    "people": mst.people(),
    "questionnaires": mst.questionnaires(),
    "questions": mst.questions(),
    "response_drafts": mst.response_drafts(),
    "responses": mst.questionnaires().flatmap(mst.responses),
    "rounds": mst.rounds(),
    "upward_feedback": mst.upward_feedback(),
}


def _models(obj):
    """``obj`` and every attrs model object inside it, depth first.

    A :class:`~musframework.testing.strategies.DrawnRound` is the strategies' container for
    the models of a round, not a model itself: only what it holds is checked.
    """
    if attrs.has(type(obj)):
        if not isinstance(obj, mst.DrawnRound):
            yield obj
        for field in attrs.fields(type(obj)):
            yield from _models(getattr(obj, field.name))
    elif isinstance(obj, tuple | list | frozenset):
        for item in obj:
            yield from _models(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _models(item)


def test_every_public_strategy_is_covered():
    model_strategies = {
        name
        for name in mst.__all__
        if name
        not in {
            "DrawnRound",
            "TIMEZONES",
            "dates",
            "datetimes",
            "durations",
            "identifiers",
            "texts",
        }
    }
    assert model_strategies == set(_STRATEGIES)


@pytest.mark.parametrize("name", sorted(_STRATEGIES))
@settings(max_examples=40)
@given(data=st.data())
def test_every_model_round_trips_by_its_own_type(name, data):
    drawn = data.draw(_STRATEGIES[name], label=name)
    for obj in _models(drawn):
        cls = type(obj)
        text = mf.dumps(obj)
        loaded = mf.loads(text, cls)
        assert type(loaded) is cls
        assert loaded == obj, cls
        assert mf.dumps(loaded) == text, cls  # zone names and key order survive
        assert mf.from_dict(mf.to_dict(obj), cls) == obj, cls


def test_concrete_question_and_answer_classes_load_their_own_dump():
    question = mf.TextQuestion(id="goals", text={"da": "Mål", "en": "Goals"}, long=True)
    assert mf.dumps(question).startswith('{"type":"text",')
    assert mf.loads(mf.dumps(question), mf.TextQuestion) == question
    assert mf.loads(mf.dumps(question), mf.Question) == question
    answer = mf.ScaleAnswer(4)
    assert mf.loads(mf.dumps(answer), mf.ScaleAnswer) == answer
    assert mf.from_dict({"value": 4}, mf.ScaleAnswer) == answer  # the tag stays optional
    with pytest.raises(mf.errors.LoadError, match="expected the type 'text' of TextQuestion"):
        mf.loads(mf.dumps(mf.YesNoQuestion(id="q", text="Ja?")), mf.TextQuestion)
    with pytest.raises(mf.errors.LoadError):
        mf.from_dict({"type": 5, "value": "x"}, mf.TextAnswer)


def test_the_general_path_loads_them_too():
    # Without the msgspec path (questions and answers always take the general one anyway).
    question = mf.ScaleQuestion(id="q", text="Hvor godt?")
    assert ser.from_dict(ser._load_json(mf.dumps(question)), mf.ScaleQuestion) == question
