import json

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import DataError, LoadError, MigrationError, MusframeworkError
from musframework.serialization import (
    from_dict,
    register_migration,
    to_dict,
    unregister_migration,
)
from musframework.serialization.time import (
    format_datetime,
    format_duration,
    parse_datetime,
    parse_duration,
)
from musframework.testing import strategies as mst

from .helpers import at, mus, small_questionnaire


def roundtrip(obj):
    text = mf.dumps(obj)
    back = mf.loads(text, type(obj))
    # == on DateTime compares instants only; comparing the text also checks zone names.
    assert back == obj
    assert mf.dumps(back) == text
    return back


@given(mst.questionnaires())
def test_questionnaires_roundtrip(q):
    assert q.check() == []
    roundtrip(q)


@given(st.data())
def test_conversations_roundtrip_with_zone_names(data):
    q = data.draw(mst.questionnaires(max_sections=2, max_questions=3))
    c = data.draw(mst.conversations(q))
    back = roundtrip(c)
    if c.scheduled_start is not None:
        assert back.scheduled_start.timezone_name == c.scheduled_start.timezone_name
        assert isinstance(back.scheduled_start, pendulum.DateTime)
    assert isinstance(back.duration, pendulum.Duration)


@pytest.mark.parametrize(
    "strategy",
    [mst.people(), mst.org_units(), mst.groups(), mst.cycles(), mst.agreements()],
    ids=["person", "unit", "group", "cycle", "agreement"],
)
@given(data=st.data())
def test_other_models_roundtrip(strategy, data):
    roundtrip(data.draw(strategy))


def test_copenhagen_keeps_its_name_not_its_offset():
    c = mus(scheduled_start=at(2026, 3, 3, 10))
    text = mf.dumps(c)
    assert "2026-03-03T10:00:00+01:00[Europe/Copenhagen]" in text
    back = mf.loads(text, mf.Conversation)
    six_months = back.scheduled_start.add(months=6)
    assert six_months.utcoffset().total_seconds() == 7200  # summer time: the zone, not +01:00


def test_datetime_formats():
    assert (
        format_datetime(pendulum.datetime(2026, 1, 1, tz="UTC")) == "2026-01-01T00:00:00+00:00[UTC]"
    )
    fixed = pendulum.datetime(2026, 1, 1, tz=pendulum.FixedTimezone(3600))
    assert format_datetime(fixed) == "2026-01-01T00:00:00+01:00"
    assert parse_datetime("2026-01-01T00:00:00+01:00") == fixed
    import datetime
    import zoneinfo

    std = datetime.datetime(2026, 7, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    assert format_datetime(std) == "2026-07-01T09:00:00+02:00[Europe/Copenhagen]"
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime.datetime(2026, 1, 1))
    for bad in [
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00+01:00[Mars/Base",
        "yesterday",
        "2026-01-01T00:00:00+01:00[Nowhere/Never]",
    ]:
        with pytest.raises(ValueError):
            parse_datetime(bad)
    with pytest.raises(mf.errors.InvalidValueError):
        parse_datetime(5)


@pytest.mark.parametrize(
    ("minutes", "text"), [(60, "PT1H"), (45, "PT45M"), (0, "PT0S"), (60 * 26 + 1, "P1DT2H1M")]
)
def test_durations(minutes, text):
    d = pendulum.duration(minutes=minutes)
    assert format_duration(d) == text
    assert parse_duration(text) == d


@pytest.mark.parametrize("bad", ["P", "PT", "1H", "P1DT", "PT1.5H", ""])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_top_level_documents_carry_a_schema_version():
    data = to_dict(mf.Person(id="p", name="N"))
    assert data == {"schema_version": 1, "id": "p", "name": "N"}
    assert "schema_version" not in to_dict(mf.Agreement(id="a", description="d"))


def test_issue_example_error_paths():
    q = small_questionnaire()
    data = to_dict(q)
    data["sections"][1]["questions"][0] = {"type": "scale", "id": "x", "text": "t", "max": "five"}
    data["sections"][0]["questions"][0]["required"] = "yes"
    data["surprise"] = 1
    del data["title"]
    with pytest.raises(LoadError) as info:
        from_dict(data, mf.Questionnaire, source="form.json")
    err = info.value
    messages = {f.path: f.text("en") for f in err.findings}
    assert messages == {
        "sections[1].questions[0].max": "expected an integer, got 'five'",
        "sections[0].questions[0].required": "expected true or false, got 'yes'",
        "": "unknown fields: surprise",
        "title": "required field missing",
    }
    assert str(err).startswith("form.json: cannot load Questionnaire (4 problems)")
    assert "sections[1].questions[0].max: expected an integer, got 'five'" in str(err)
    assert all(f.text("da") for f in err.findings)


@pytest.mark.parametrize(
    ("doc", "cls", "path"),
    [
        ('{"id": "c", "kind": "WORK"}', mf.Conversation, "kind"),
        (
            '{"id": "c", "kind": "MUS", "scheduled_start": "2026-03-01T10:00:00"}',
            mf.Conversation,
            "scheduled_start",
        ),
        ('{"id": "c", "kind": "MUS", "participants": "emp"}', mf.Conversation, "participants"),
        (
            '{"id": "c", "kind": "MUS", "agreements": [{"id": "a"}]}',
            mf.Conversation,
            "agreements[0].description",
        ),
        (
            '{"id": "c", "name": "x", "period": {"start": "2026-05-01", "end": "2026-01-01"}}',
            mf.Cycle,
            "period",
        ),
        (
            '{"questionnaire": {"id": "q", "version": "1"}, "role": "boss", "person": "p"}',
            mf.Response,
            "role",
        ),
        (
            '{"questionnaire": {"id": "q", "version": "1"}, "role": "leader", "person": "p", "answers": {"a b": {"value": 1}}}',
            mf.Response,
            "answers['a b']",
        ),
        (
            '{"questionnaire": {"id": "q", "version": "1"}, "role": "leader", "person": "p", "answers": []}',
            mf.Response,
            "answers",
        ),
        (
            '{"id": "q", "title": "t", "sections": [{"id": "s", "title": "s", "questions": [{"type": "single_choice", "id": "q", "text": "t", "condition": {"comparisons": [{"question": "a", "operator": "equals", "value": {"x": 1}}]}}]}]}',
            mf.Questionnaire,
            "sections[0].questions[0].condition.comparisons[0].value",
        ),
        ('{"id": "q", "title": "t", "kinds": ["MUS", "CHAT"]}', mf.Questionnaire, "kinds"),
        ('{"id": "q", "title": {"da": 3}}', mf.Questionnaire, "title"),
        ('{"id": "q", "title": "t", "sections": "abc"}', mf.Questionnaire, "sections"),
        ("[1, 2]", mf.Person, ""),
        ('{"schema_version": 1, "id": "p", "name": "n", "email": 7}', mf.Person, "email"),
        ('{"schema_version": 0, "id": "p", "name": "n"}', mf.Person, "schema_version"),
        ('{"schema_version": "1", "id": "p", "name": "n"}', mf.Person, "schema_version"),
    ],
)
def test_bad_documents_raise_load_error_with_path(doc, cls, path):
    with pytest.raises(LoadError) as info:
        mf.loads(doc, cls)
    assert path in info.value.paths, info.value


def test_not_json():
    with pytest.raises(LoadError) as info:
        mf.loads("{nope", mf.Person, source="people.json")
    assert info.value.source == "people.json"
    assert info.value.findings[0].code == "load.json"


def test_newer_schema_is_refused_and_older_is_migrated():
    with pytest.raises(MigrationError, match="newer"):
        mf.loads('{"schema_version": 99, "id": "p", "name": "n"}', mf.Person)
    old = {"schema_version": 0}
    with pytest.raises(LoadError):
        from_dict(old, mf.Person)

    # Pretend Person is at version 2 and version 1 spelled the name "full_name".
    def rename(data):
        data = dict(data)
        data["name"] = data.pop("full_name")
        return data

    original = mf.Person.SCHEMA_VERSION
    register_migration("person", 1, rename)
    try:
        mf.Person.SCHEMA_VERSION = 2
        person = from_dict({"schema_version": 1, "id": "p", "full_name": "Ane"}, mf.Person)
        assert person.name == "Ane"
        with pytest.raises(MigrationError, match="no migration"):
            unregister_migration("person", 1)
            from_dict({"schema_version": 1, "id": "p", "full_name": "Ane"}, mf.Person)
    finally:
        mf.Person.SCHEMA_VERSION = original
    with pytest.raises(LoadError):
        register_migration("nonsense", 1, rename)


fuzz_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(doc=fuzz_values)
@pytest.mark.parametrize(
    "cls", [mf.Questionnaire, mf.Conversation, mf.Response, mf.Cycle, mf.Person]
)
def test_garbage_raises_only_load_error(cls, doc):
    try:
        from_dict(doc, cls)
    except LoadError as exc:
        assert exc.findings
    except MusframeworkError as exc:  # pragma: no cover - the assertion explains
        pytest.fail(f"expected LoadError, got {type(exc).__name__}: {exc}")


@given(st.data())
def test_mutated_documents_load_or_fail_cleanly(data):
    q = data.draw(mst.questionnaires(max_sections=2, max_questions=3))
    doc = json.loads(mf.dumps(q))
    # Replace one random leaf or container with garbage.
    target = doc
    path = []
    for _ in range(data.draw(st.integers(0, 6))):
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target)))
        elif isinstance(target, list) and target:
            key = data.draw(st.integers(0, len(target) - 1))
        else:
            break
        path.append((target, key))
        target = target[key]
    if path:
        parent, key = path[-1]
        parent[key] = data.draw(fuzz_values)
    try:
        from_dict(doc, mf.Questionnaire)
    except LoadError as exc:
        assert exc.findings


def test_bare_questions_and_answers_keep_their_tag():
    q = mf.ScaleQuestion(id="r", text="R")
    assert to_dict(q)["type"] == "scale"
    assert from_dict(to_dict(q), mf.Question) == q
    assert to_dict(mf.YesNoAnswer(True)) == {"type": "yes_no", "value": True}
    assert from_dict({"type": "yes_no", "value": True}, mf.Answer) == mf.YesNoAnswer(True)


def test_learning_method_accepts_its_value():
    a = mf.Agreement(id="a", description="d", learning_method="course")
    assert a.learning_method is mf.LearningMethod.COURSE
    assert a.signed_content()[5] == "course"


def test_dump_json_writes_plain_data_as_dumps_writes_models():
    from musframework.serialization import dump_json

    person = mf.Person(id="p1", name="Åse Ærø")
    assert dump_json(mf.to_dict(person)) == mf.dumps(person)
    assert dump_json({"a": [1, None, True]}) == '{"a":[1,null,true]}'


LONE = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])


@given(
    before=st.text(max_size=5),
    lone=LONE,
    after=st.text(max_size=5),
    where=st.sampled_from(["id", "place", "conclusions", "answer", "agreement"]),
    indent=st.sampled_from([None, 2]),
)
def test_a_text_with_a_lone_surrogate_is_refused_with_its_path(
    tmp_path_factory, before, lone, after, where, indent
):
    # JSON text is UTF-8: a lone surrogate cannot be written. The user gets a DataError
    # naming the path in their language, never the JSON library's TypeError, and a store
    # writes nothing.
    bad = before + lone + after
    c = mus(id="c1")
    if where == "id":
        c = attrs.evolve(c, id=bad)
        path = "id"
    elif where == "place":
        c, path = attrs.evolve(c, place=bad), "place"
    elif where == "conclusions":
        c, path = attrs.evolve(c, conclusions=["fine", bad]), "conclusions[1]"
    elif where == "agreement":  # the store writes an agreement's own row too
        agreements = [
            mf.Agreement(id="a1", description="ok"),
            mf.Agreement(id="a2", description=bad),
        ]
        c, path = attrs.evolve(c, agreements=agreements), "agreements[1].description"
    else:
        response = mf.Response(
            questionnaire=mf.QuestionnaireRef("q", "1"),
            role=mf.Role.EMPLOYEE,
            person="e1",
            answers={"q1": mf.TextAnswer(bad)},
        )
        c, path = attrs.evolve(c, responses=[response]), "responses[0].answers.q1.value"
    with pytest.raises(DataError) as caught:
        mf.dumps(c, indent=indent)
    assert caught.value.paths == [path]
    assert "surrogate" in caught.value.text("en") and "surrogattegn" in caught.value.text("da")
    with mf.storage.SQLiteStore(tmp_path_factory.mktemp("s") / "s.db") as store:
        with pytest.raises(DataError):
            store.save(c)
        assert store.documents(mf.Conversation) == []
        assert list(store.audit_log()) == []


def test_plain_data_json_cannot_hold_is_refused_with_its_path():
    # dump_json (what stores write plain data with): an integer beyond 64 bits, which
    # loading refuses, is a DataError naming its path, not the JSON library's TypeError.
    pytest.importorskip("orjson")  # the standard library writes such integers as they are
    data = {"agenda": [{"title": "x", "minutes": 2**70}], "place": "p\ud800"}
    with pytest.raises(DataError) as caught:
        mf.serialization.dump_json(data)
    assert caught.value.paths == ["agenda[0].minutes", "place"]
    assert "64 bits" in caught.value.text("en") and "64 bit" in caught.value.text("da")
    with pytest.raises(DataError) as caught:
        mf.serialization.dump_json({"a": {1, 2}})  # nothing with a path: one problem at the root
    assert caught.value.paths == [""]
