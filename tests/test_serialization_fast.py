"""The fast paths against the strict, detailed converter.

Loading tries a fast path first and, on any failure, the detailed converter, which reports
every problem. So a fast path must never accept what the detailed converter rejects, nor build
a different object; and it should accept what the detailed converter accepts, or every valid
load pays twice. Two fast paths are checked here on the same valid and mutated documents:

* the msgspec codec (``musframework.serialization._msgspec``, the ``fast`` extra), which
  ``loads`` uses when msgspec is installed: JSON text straight into the models;
* the fast cattrs converter (``converter()``, no detailed validation), which ``from_dict``
  uses, and ``loads`` when msgspec is not installed.
"""

import json
from typing import ClassVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
import musframework.serialization as ser
from musframework.serialization import DOCUMENT_TYPES, schema_version
from musframework.serialization.converter import make_converter
from musframework.serialization.time import parse_datetime
from tests.test_fuzz_loaders import VALID, _settings, mutated

msgspec = pytest.importorskip("msgspec")


class _Same:
    """Wraps a loaded object: equal by ``==``, or by repr (NaN != NaN, but prints alike)."""

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return self.obj == other.obj or repr(self.obj) == repr(other.obj)

    def __repr__(self):
        return repr(self.obj)


def _outcome(fn):
    try:
        return True, _Same(fn())
    except Exception as exc:
        return False, type(exc).__name__


def _both(data, cls):
    return (
        _outcome(lambda: ser.converter().structure(data, cls)),
        _outcome(lambda: ser._detailed().structure(data, cls)),
    )


def _codec():
    codec = ser._codec()
    assert codec is not None  # msgspec is installed here
    return codec


def _fast_and_general(text, cls):
    """The msgspec path's outcome and the general path's (JSON parser + converters)."""
    fast = _outcome(lambda: _codec().decode(text, cls, schema_version(cls)))
    general = _outcome(lambda: ser.from_dict(ser._load_json(text), cls))
    return fast, general


@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_fast_and_detailed_converters_agree(name, data):
    cls = DOCUMENT_TYPES[name]
    valid = data.draw(VALID[name], label="valid")
    doc = json.loads(mf.dumps(valid))
    fast, detailed = _both(ser._migrate(doc, cls, None), cls)
    assert fast == detailed == (True, _Same(valid))
    for _ in range(4):
        bad, _touched = data.draw(mutated(doc), label="mutated")
        try:
            bad = ser._migrate(bad, cls, None)
        except mf.errors.LoadError:
            continue  # a broken schema_version never reaches a converter
        fast, detailed = _both(bad, cls)
        assert fast[0] == detailed[0], (fast, detailed)
        if fast[0]:
            assert fast == detailed


@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_the_msgspec_path_and_the_general_path_agree(name, data):
    cls = DOCUMENT_TYPES[name]
    valid = data.draw(VALID[name], label="valid")
    text = mf.dumps(valid)
    fast, general = _fast_and_general(text, cls)
    # A valid document takes the fast path, and both build the same object, byte for byte.
    assert fast == general == (True, _Same(valid))
    assert mf.dumps(fast[1].obj) == text
    doc = json.loads(text)
    for _ in range(4):
        bad, _touched = data.draw(mutated(doc), label="mutated")
        try:
            bad_text = json.dumps(bad, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):  # not JSON (NaN is, in Python)
            continue
        fast, general = _fast_and_general(bad_text, cls)
        if fast[0]:  # never accepts what the general path refuses, never builds otherwise
            assert general == fast, (bad_text, fast, general)


@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_the_msgspec_writer_writes_what_cattrs_writes(name, data):
    # Byte for byte, key order included: stored bodies and signature digests depend on it.
    document = data.draw(VALID[name], label="valid")
    version = schema_version(type(document))
    cattrs_data = ser._to_dict(document, version)
    assert json.dumps(_codec().to_builtins(document, version), ensure_ascii=False) == json.dumps(
        cattrs_data, ensure_ascii=False
    )
    assert _codec().dumps(document, version) == ser._dump_json(cattrs_data).encode("utf-8")
    assert ser.to_dict(document) == cattrs_data


def test_loads_uses_the_msgspec_path_and_falls_back_to_explain():
    agreement = mf.Agreement(id="a", description="d", owner="p")
    text = mf.dumps(agreement)
    assert _codec().decode(text, mf.Agreement, None) == agreement
    assert mf.loads(text, mf.Agreement) == agreement


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"id": "a", "description": "d", "owner": 5}, "an integer owner"),
        ({"id": "a", "description": "d", "status": "opened"}, "an unknown status"),
        ({"id": "a", "description": "d", "status": True}, "true as a status"),
        ({"id": "a", "description": "d", "extra": 1}, "an unknown key"),
        ({"id": "a", "description": "d", "history": "x"}, "a text as the history list"),
        ({"id": "a"}, "a missing description"),
        (["a", "d"], "a list"),
    ],
)
def test_the_fast_paths_reject_and_loading_explains(data, why):
    text = json.dumps(data)
    with pytest.raises(Exception):  # noqa: B017 - any failure sends it to the detailed path
        _codec().decode(text, mf.Agreement, None)
    with pytest.raises(Exception):  # noqa: B017
        ser.converter().structure(data, mf.Agreement)
    with pytest.raises(mf.errors.LoadError) as info:
        ser.loads(text, mf.Agreement)
    assert info.value.findings, why
    with pytest.raises(mf.errors.LoadError) as info:
        ser.from_dict(data, mf.Agreement)
    assert info.value.findings, why


def test_integers_between_63_and_64_bits_take_the_general_path():
    # msgspec checks bounds within signed 64 bits; the general path takes up to 2**64 - 1.
    data = {"title": "t", "minutes": 2**63}
    text = json.dumps(data)
    with pytest.raises(msgspec.ValidationError):
        _codec().decode(text, mf.AgendaItem, None)
    assert mf.loads(text, mf.AgendaItem).minutes == 2**63


@attrs.frozen
class _Node:
    """A class that contains itself, as a third party's custom model might."""

    name: str
    children: tuple["_Node", ...] = ()
    parent: "_Node | None" = None


@pytest.mark.parametrize("detailed", [False, True])
def test_classes_that_contain_themselves_round_trip(detailed):
    conv = make_converter(detailed_validation=detailed)
    data = {
        "name": "a",
        "children": [{"name": "b", "children": [{"name": "c"}]}],
        "parent": {"name": "p"},
    }
    node = conv.structure(data, _Node)
    assert node.children[0].children[0].name == "c"
    assert node.parent == _Node("p")
    assert conv.unstructure(node) == data
    with pytest.raises(Exception):  # noqa: B017 - the fast converter rejects; loading explains
        conv.structure({"name": "a", "children": [{"name": 5}]}, _Node)


@attrs.frozen
class _MoodAnswer(mf.Answer):
    type_name: ClassVar[str] = "mood"
    value: str


@attrs.frozen(kw_only=True)
class _MoodQuestion(mf.Question):
    type_name: ClassVar[str] = "mood"
    answer_type: ClassVar[type[mf.Answer]] = _MoodAnswer


@attrs.frozen
class _MoodScore(mf.Answer):
    type_name: ClassVar[str] = "mood"
    value: int


@attrs.frozen(kw_only=True)
class _MoodScoreQuestion(mf.Question):
    type_name: ClassVar[str] = "mood"
    answer_type: ClassVar[type[mf.Answer]] = _MoodScore


def test_plain_answer_types_registered_after_first_use_are_honoured():
    data = {"questionnaire": {"id": "f", "version": "1"}, "role": "employee", "person": "p"}
    ser.from_dict({**data, "answers": {"q": {"type": "text", "value": "x"}}}, mf.Response)
    mf.register_question_type(_MoodQuestion)
    try:
        loaded = ser.from_dict(
            {**data, "answers": {"q": {"type": "mood", "value": "glad"}}}, mf.Response
        )
        assert loaded.answers["q"] == _MoodAnswer("glad")
        mf.register_question_type(_MoodScoreQuestion, replace=True)  # same tag, new class
        loaded = ser.from_dict(
            {**data, "answers": {"q": {"type": "mood", "value": 3}}}, mf.Response
        )
        assert loaded.answers["q"] == _MoodScore(3)
        # The msgspec path is rebuilt for the new registry too.
        text = json.dumps({**data, "answers": {"q": {"type": "mood", "value": 4}}})
        assert _codec().decode(text, mf.Response, 1).answers["q"] == _MoodScore(4)
        assert mf.dumps(mf.loads(text, mf.Response)) == mf.dumps(
            ser.from_dict(json.loads(text), mf.Response)
        )
    finally:
        mf.unregister_question_type("mood")
    with pytest.raises(mf.errors.LoadError):
        ser.from_dict({**data, "answers": {"q": {"type": "mood", "value": 3}}}, mf.Response)


def test_generated_functions_show_their_source_in_tracebacks():
    import linecache
    import traceback

    agreement = mf.Agreement(id="a", description="d")
    _codec().decode(mf.dumps(agreement), mf.Agreement, None)
    _codec().dumps(agreement, None)
    for name in ("build Agreement", "write Agreement"):
        lines = linecache.getlines(f"<musframework msgspec {name}>")
        assert lines
        assert lines[0].startswith("def ")
    try:
        _codec().dumps(attrs.evolve(agreement, deadline="not a date"), None)  # type: ignore[arg-type]
    except Exception as exc:
        text = "".join(traceback.format_exception(exc))
        assert "<musframework msgspec write Agreement>" in text
        assert "return _S(" in text  # the generated line itself
    else:
        raise AssertionError("a text deadline cannot be written")


@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_without_msgspec_the_public_functions_give_the_same(name, data):
    # The pure cattrs path (what an install without the fast extra runs) against the msgspec
    # path, through the public functions.
    document = data.draw(VALID[name], label="valid")
    cls = type(document)
    with_fast = (mf.dumps(document), mf.to_dict(document))
    loaded_fast = mf.loads(with_fast[0], cls)
    saved = ser._CODEC[:]
    ser._CODEC[:] = [None, ser.question_type_generation()]  # as if msgspec were missing
    try:
        assert ser._codec() is None
        without = (mf.dumps(document), mf.to_dict(document))
        loaded = mf.loads(without[0], cls)
        many = mf.loads_many([without[0]] * 2, cls)
    finally:
        ser._CODEC[:] = saved
    assert without == with_fast
    assert loaded == loaded_fast == document
    assert many == [document, document]


def test_a_member_listed_twice_is_one_member_on_both_paths():
    text = '{"id": "u", "name": "U", "members": ["a", "a", "b"]}'
    fast, general = _fast_and_general(text, mf.OrgUnit)
    assert fast == general
    assert mf.loads(text, mf.OrgUnit).members == ("a", "b")


def _meeting(cid, start):
    return mf.dumps(mf.Conversation(id=cid, kind="MUS", scheduled_start=start, held_at=start))


def test_equal_time_texts_share_one_object_and_keep_their_zone():
    # One instant written in two zones: equal as instants, but two texts, two zones.
    cph = parse_datetime("2026-03-03T10:00:00+01:00[Europe/Copenhagen]")
    utc = cph.in_timezone("UTC")
    texts = [_meeting("a", cph), _meeting("b", cph), _meeting("c", utc)]
    a, b, c = ser.loads_many(texts, mf.Conversation)
    assert a.scheduled_start is b.scheduled_start is a.held_at
    assert c.scheduled_start == cph and c.scheduled_start.timezone_name == "UTC"
    assert a.scheduled_start.timezone_name == "Europe/Copenhagen"
    assert [mf.dumps(x) for x in (a, b, c)] == texts


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=60))
def test_parsed_times_equal_the_parse_functions_past_the_table_limit(offsets):
    # More distinct texts than the table keeps (it starts again), then the first ones again.
    import musframework.serialization._msgspec as fast

    base = parse_datetime("2026-10-25T01:30:00+02:00[Europe/Copenhagen]")
    starts = [base.add(seconds=s) for s in offsets] + [
        base.add(microseconds=i) for i in range(fast._PARSED_LIMIT + 5)
    ]
    starts += starts[: len(offsets)]
    texts = [_meeting(f"m{i}", s) for i, s in enumerate(starts)]
    loaded = ser.loads_many(texts, mf.Conversation)
    for text, conv, start in zip(texts, loaded, starts, strict=True):
        assert conv.scheduled_start == start
        assert conv.scheduled_start.fold == start.fold
        assert mf.dumps(conv) == text
