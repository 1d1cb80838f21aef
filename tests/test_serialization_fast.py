"""The fast converter's generated structure functions against the detailed converter.

Loading tries the fast converter first and, on any failure, the detailed one, which reports
every problem. So the fast path must never accept what the detailed converter rejects, nor
build a different object; and it should accept what the detailed converter accepts, or every
valid load pays twice. Both converters get the same valid and mutated documents.
"""

import importlib
import json
from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
import musframework.serialization as ser
from musframework.serialization import DOCUMENT_TYPES
from musframework.serialization._fast import make_structure_fn
from musframework.serialization.converter import make_converter
from tests.test_fuzz_loaders import VALID, _settings, mutated


class _Same:
    """Wraps a loaded object: equal by ``==``, or by repr (NaN != NaN, but prints alike)."""

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return self.obj == other.obj or repr(self.obj) == repr(other.obj)

    def __repr__(self):
        return repr(self.obj)


def _outcome(conv, data, cls):
    try:
        return True, _Same(conv.structure(data, cls))
    except Exception as exc:
        return False, type(exc).__name__


def _both(data, cls):
    return _outcome(ser.converter(), data, cls), _outcome(ser._detailed(), data, cls)


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


def test_generated_functions_are_used_for_model_classes():
    hook = ser.converter().get_structure_hook(mf.Agreement)
    assert hook.__code__.co_filename == "<musframework fast structure Agreement>"


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
def test_the_fast_path_rejects_and_loading_explains(data, why):
    with pytest.raises(Exception):  # noqa: B017 - any failure sends it to the detailed path
        make_structure_fn(mf.Agreement, ser.converter())(data, mf.Agreement)
    with pytest.raises(mf.errors.LoadError) as info:
        ser.from_dict(data, mf.Agreement)
    assert info.value.findings, why


@pytest.fixture(scope="module")
def cattrs_reference():
    """A converter built the same way, but with cattrs' own unstructure functions."""
    module = importlib.import_module("musframework.serialization.converter")
    saved = module.make_unstructure_fn
    module.make_unstructure_fn = lambda cls, conv: conv.gen_unstructure_attrs_fromdict(cls)
    try:
        return module.make_converter(detailed_validation=False)
    finally:
        module.make_unstructure_fn = saved


@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_generated_unstructure_writes_what_cattrs_writes(name, cattrs_reference, data):
    # Byte for byte, key order included: stored bodies and signature digests depend on it.
    document = data.draw(VALID[name], label="valid")
    ours = ser.converter().unstructure(document)
    theirs = cattrs_reference.unstructure(document)
    assert json.dumps(ours, ensure_ascii=False) == json.dumps(theirs, ensure_ascii=False)
    assert ser.converter().get_unstructure_hook(type(document)) is not (
        cattrs_reference.get_unstructure_hook(type(document))
    )


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
    finally:
        mf.unregister_question_type("mood")
    with pytest.raises(mf.errors.LoadError):
        ser.from_dict({**data, "answers": {"q": {"type": "mood", "value": 3}}}, mf.Response)
