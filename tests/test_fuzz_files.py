"""Fuzz the loaders: bad input either loads or raises the library's own error, never another.

Covers the questionnaire file loader (TOML and JSON, mutated built-ins, generated
questionnaires, broken TOML syntax), SurveyJS result data and survey JSON, and stored
documents corrupted in a SQLite row. The JSON loader of single documents (``mf.loads``) is
fuzzed in its own file. Example counts come from the hypothesis profile: run
``HYPOTHESIS_PROFILE=fuzz pytest -m fuzz`` for the long run (20,000 inputs per test).
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, reject
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import MusframeworkError
from musframework.interop import surveyjs
from musframework.testing import strategies as mst

from .fuzzing import FUZZ_SETTINGS, WEIRD_TEXT, assert_own_error, broken_text, junk, mutated

pytestmark = pytest.mark.fuzz

TEMPLATES = mf.templates.names()


@functools.cache
def template_data(name: str) -> dict[str, Any]:
    return tomllib.loads(mf.templates.text(name))


@functools.cache
def template(name: str) -> mf.Questionnaire:
    return mf.templates.load(name)


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value if v is not None]
    return value


def to_toml(data: Any) -> str:
    """TOML text for ``data`` (TOML has no null: None values are left out)."""
    if not isinstance(data, dict):
        data = {"value": data}
    try:
        return tomli_w.dumps(_without_none(data))
    except (RecursionError, TypeError, ValueError):
        reject()  # the writer cannot express it; nothing to load


def to_json(data: Any) -> str:
    try:
        return json.dumps(data, ensure_ascii=False)
    except (RecursionError, ValueError):
        reject()


def load_or_own_error(text: str | bytes, fmt: str) -> mf.Questionnaire | None:
    try:
        return mf.load_questionnaire(text, format=fmt)
    except MusframeworkError as exc:
        assert_own_error(exc)
        assert isinstance(exc, mf.errors.LoadError)
        assert exc.source == f"<{fmt} text>"
        return None


@FUZZ_SETTINGS
@given(name=st.sampled_from(TEMPLATES), data=st.data())
def test_questionnaire_toml_files_mutated(name, data):
    mutant = data.draw(mutated(template_data(name)))
    load_or_own_error(to_toml(mutant), "toml")


@FUZZ_SETTINGS
@given(name=st.sampled_from(TEMPLATES), data=st.data())
def test_questionnaire_json_files_mutated(name, data):
    mutant = data.draw(mutated(template_data(name)))
    text = to_json(mutant)
    load_or_own_error(text, "json")
    load_or_own_error(text.encode("utf-8", "surrogatepass"), "json")


@FUZZ_SETTINGS
@given(name=st.sampled_from(TEMPLATES), data=st.data())
def test_questionnaire_toml_syntax_broken(name, data):
    text = data.draw(broken_text(mf.templates.text(name)))
    load_or_own_error(text, "toml")


@FUZZ_SETTINGS
@given(questionnaire=mst.questionnaires(), data=st.data(), fmt=st.sampled_from(["toml", "json"]))
def test_generated_questionnaires_mutated(questionnaire, data, fmt):
    original = mf.to_dict(questionnaire)
    text = to_toml(original) if fmt == "toml" else to_json(original)
    assert load_or_own_error(text, fmt) is not None or fmt == "toml"  # JSON is lossless
    mutant = data.draw(mutated(original))
    load_or_own_error(to_toml(mutant) if fmt == "toml" else to_json(mutant), fmt)


@FUZZ_SETTINGS
@given(top=junk, fmt=st.sampled_from(["toml", "json"]))
def test_questionnaire_files_that_are_not_questionnaires(top, fmt):
    load_or_own_error(to_toml(top) if fmt == "toml" else to_json(top), fmt)


# ---------------------------------------------------------------------------- SurveyJS


def _answer_values(q: mf.Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    ids = [question.id for question in q.questions()]
    keys = st.one_of(st.sampled_from(ids), st.text(max_size=10), st.sampled_from(WEIRD_TEXT))
    values = st.one_of(
        junk,
        st.integers(-3, 12),
        st.lists(st.text(max_size=5), max_size=4),
        st.sampled_from([True, False, "yes", "2026-03-03", "2026-02-30", 1e308, math.nan]),
    )
    return st.dictionaries(keys, values, max_size=8)


@FUZZ_SETTINGS
@given(name=st.sampled_from(TEMPLATES), data=st.data(), role=st.sampled_from(list(mf.Role)))
def test_surveyjs_result_data(name, data, role):
    q = template(name)
    answers = data.draw(_answer_values(q))
    try:
        response = surveyjs.response_from_surveyjs(answers, q, role=role, person="p1")
    except MusframeworkError as exc:
        assert_own_error(exc)
        assert all(f.path.startswith("answers") for f in exc.findings)
    else:
        assert set(response.answers) <= set(answers)


@FUZZ_SETTINGS
@given(top=junk)
def test_surveyjs_result_data_that_is_not_an_object(top):
    try:
        surveyjs.response_from_surveyjs(top, template("mus-standard"), role="employee", person="p")
    except MusframeworkError as exc:
        assert_own_error(exc)


@functools.cache
def survey_json(name: str) -> dict[str, Any]:
    return surveyjs.to_surveyjs(template(name))


@FUZZ_SETTINGS
@given(
    name=st.sampled_from(TEMPLATES),
    data=st.data(),
    skip=st.booleans(),
)
def test_surveyjs_survey_json_mutated(name, data, skip):
    survey = data.draw(st.one_of(mutated(survey_json(name)), junk))
    try:
        surveyjs.questionnaire_from_surveyjs(survey, id="imported", skip_unsupported=skip)
    except MusframeworkError as exc:
        assert_own_error(exc)


# ---------------------------------------------------------------------- stored documents


_STORED = {
    "conversation": ("conversations", mf.Conversation, "c1"),
    "questionnaire": ("documents", mf.Questionnaire, "mus-standard"),
    "person": ("documents", mf.Person, "ane"),
}


@pytest.fixture(scope="module", autouse=True)
def _close_the_shared_store():
    """The store below is shared by every example; close its connections after the module."""
    yield
    if _corrupt_store.cache_info().currsize:
        store, raw, _ = _corrupt_store()
        raw.close()
        store.close()
        _corrupt_store.cache_clear()


@functools.cache
def _corrupt_store() -> tuple[mf.storage.SQLiteStore, sqlite3.Connection, dict[str, str]]:
    """A store with one document of each kind, a second connection to corrupt them with,
    and the documents' original JSON text (each example starts from it)."""
    from .test_workflow_transitions import signed

    db = Path(tempfile.mkdtemp(prefix="mf-fuzz-store-")) / "mus.db"
    store = mf.storage.SQLiteStore(db)
    store.save(signed())
    store.save(template("mus-standard"))
    store.save(mf.Person(id="ane", name="Ane", email="ane@example.dk"))
    raw = sqlite3.connect(db, isolation_level=None)
    bodies = {
        kind: raw.execute(f"SELECT body FROM {table} WHERE id = ?", (doc_id,)).fetchone()[0]
        for kind, (table, _, doc_id) in _STORED.items()
    }
    return store, raw, bodies


@FUZZ_SETTINGS
@given(kind=st.sampled_from(sorted(_STORED)), data=st.data())
def test_stored_documents_corrupted_in_sqlite(kind, data):
    store, raw, bodies = _corrupt_store()
    table, cls, doc_id = _STORED[kind]
    body = bodies[kind]
    how = data.draw(st.sampled_from(["mutate", "text"]))
    if how == "mutate":
        corrupt = to_json(data.draw(mutated(json.loads(body))))
    else:
        corrupt = data.draw(broken_text(body))
    value: str | bytes = corrupt
    try:
        corrupt.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: what another tool would write is bad UTF-8
        value = corrupt.encode("utf-8", "surrogatepass")
    raw.execute(f"UPDATE {table} SET body = ? WHERE id = ?", (value, doc_id))
    try:  # the store's own connection reads the row another process changed
        store.load(cls, doc_id)
    except MusframeworkError as exc:
        assert_own_error(exc)
        assert isinstance(exc, mf.errors.LoadError)


# ------------------------------------------------------- cases the fuzzing found, kept


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("depth", [600, 5000, 100_000])
def test_deeply_nested_files_are_a_load_error(fmt, depth):
    nested = "[" * depth + "]" * depth
    text = f"id = {nested}" if fmt == "toml" else f'{{"id": {nested}}}'
    with pytest.raises(mf.errors.LoadError) as info:
        mf.load_questionnaire(text, format=fmt)
    # Deeper than MAX_DEPTH is refused the same way on every Python version, whether the
    # parser itself gives up (RecursionError) or parses it and the depth check refuses it.
    assert info.value.findings[0].code == "load.too-deep"


def test_text_with_a_lone_surrogate_is_a_load_error():
    text = json.dumps({"id": "\ud800"}, ensure_ascii=False)  # what json.loads can give back
    with pytest.raises(mf.errors.LoadError) as info:
        mf.load_questionnaire(text, format="json")
    assert info.value.findings[0].code == "load.encoding"
    assert info.value.source == "<json text>"


def test_a_load_error_names_its_source_once():
    with pytest.raises(mf.errors.LoadError) as info:
        mf.load_questionnaire('{"id": 5}', name="form.json")
    # Once per line: the summary, then each finding the way compilers print it (file:line:col).
    lines = str(info.value).splitlines()
    assert all(line.count("form.json") == 1 for line in lines)
    assert lines[0].startswith("form.json: ")
    assert all(line.startswith("form.json:1:") for line in lines[1:])


@pytest.mark.parametrize("top", [None, [], "survey", 3])
def test_surveyjs_input_that_is_not_an_object_is_a_data_error(top):
    with pytest.raises(mf.errors.DataError) as info:
        surveyjs.questionnaire_from_surveyjs(top, id="x")
    assert info.value.findings[0].code == "surveyjs.not-an-object"
    with pytest.raises(mf.errors.DataError) as info:
        surveyjs.response_from_surveyjs(top, template("lus"), role="employee", person="p")
    assert info.value.paths == ["answers"]
