"""Fuzzing the JSON loaders: mutated valid documents load or fail with LoadError and a path.

Every top-level document type is drawn valid from ``musframework.testing.strategies``, dumped,
then mutated (wrong types, missing and extra keys, huge strings, deep nesting, invalid dates
and time zones, unicode edge cases, broken JSON text). Loading must either succeed or raise
``LoadError`` whose findings point at (or above, or below) a mutated place; any other
exception is a bug. The normal run tries a few hundred inputs; ``nox -s fuzz`` runs the same
tests under the ``fuzz`` hypothesis profile (see docs/reliability.md for the figures).
"""

import copy
import json
import os
import re

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musframework as mf
import musframework.serialization as ser
from musframework.errors import LoadError
from musframework.serialization import DOCUMENT_TYPES, from_dict
from musframework.testing import strategies as mst


@st.composite
def _responses(draw):
    q = draw(mst.questionnaires(max_sections=2, max_questions=3))
    return draw(mst.responses(q))


@st.composite
def _conversations(draw):
    q = draw(mst.questionnaires(max_sections=2, max_questions=3))
    return draw(mst.conversations(q))


VALID = {
    "conversation": _conversations(),
    "cycle": mst.cycles(),
    "delivery": mst.deliveries(),
    "group": mst.groups(),
    "leader_change": mst.leader_changes(),
    "organisation": mst.organisation_versions(),
    "person": mst.people(),
    "plan": mst.development_plans(),
    "questionnaire": mst.questionnaires(max_sections=2, max_questions=3),
    "response": _responses(),
    "response_draft": mst.response_drafts(),
    "unit": mst.org_units(),
    "upward_feedback": mst.upward_feedback(),
}

# The normal run is modest; the fuzz profile's own max_examples applies under nox -s fuzz.
_FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# Drawing a valid document costs far more than mutating it, so each example mutates it
# several times; every mutated input counts. Under the fuzz profile: 16 tests x 300 examples
# x 16 mutations, loaded from data and from text: about 110,000 inputs.
MUTATIONS_PER_EXAMPLE = 16 if _FUZZING else 2
_EXAMPLES = int(os.environ.get("MUSFRAMEWORK_FUZZ_EXAMPLES", "300"))
_budget = settings(max_examples=_EXAMPLES) if _FUZZING else settings(max_examples=20)
TRIED = {"dict": 0, "text": 0, "load_errors": 0, "loaded": 0}
_settings = settings(
    _budget,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_document_type_is_fuzzed():
    assert set(VALID) == set(DOCUMENT_TYPES)


# ------------------------------------------------------------------ mutation values

_WEIRD_TEXT = [
    "",
    " ",
    "\x00",
    "\ufeff",
    "\u202e\u202d",
    "\ud800",  # a lone surrogate
    "e\u0301\u0301\u0301",
    "🧑🏽‍💻",
    "Ærø Å ø",
    "\u2028\u2029",
    "${jndi:ldap://x}",
    "'; DROP TABLE conversations; --",
    "<script>alert(1)</script>",
]

_BAD_TIMES = [
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "2026-3-3",
    "20260303",
    "2026-03-03T10:00:00",
    "2026-03-03T24:00:00+01:00",
    "2026-03-03T10:00:60+01:00",
    "2026-03-03T10:00:00+25:00",
    "2026-03-03T10:00:00+01:00[",
    "2026-03-03T10:00:00+01:00[]",
    "2026-03-03T10:00:00+01:00[Mars/Olympus_Mons]",
    "2026-03-03T10:00:00+01:00[../../../etc/passwd]",
    "2026-03-03T10:00:00+01:00[Europe/Copenhagen\x00]",
    "2026-03-03T10:00:00+01:00[Europe/Copenhagen]]",
    "2026-03-03T10:00:00+01:00[europe/copenhagen]",
    "2026-03-03T10:00:00+01:00[+01:00]",
    "9999-12-31T23:59:59+00:00[Pacific/Kiritimati]",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+00:00[America/New_York]",
    "0001-01-01T00:00:00+14:00",
    "2026-03-29T02:30:00+01:00[Europe/Copenhagen]",
    "P",
    "PT",
    "P1Y",
    "PT-1H",
    "PT1.5H",
    "P99999999999999999999D",
    "PT99999999999999999999999S",
    "P999999999D",
]


def _deep(depth, leaf):
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(_WEIRD_TEXT)
    | st.sampled_from(_BAD_TIMES)
)
garbage = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(doc, prefix=()):
    """Every place in a JSON document (down to depth 40), as a tuple of keys and indexes."""
    yield prefix
    if len(prefix) >= 40:
        return
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _paths(value, (*prefix, index))


def _get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def _replacement(draw, old):
    kind = draw(
        st.sampled_from(
            ["garbage", "huge", "deep", "time", "unicode", "edit", "container", "number"]
        )
    )
    if kind == "huge":
        return draw(st.sampled_from(["x", "æ", "🧑", "\x00", "[", "9"])) * draw(
            st.sampled_from([10_000, 200_000, 2_000_000])
        )
    if kind == "deep":
        return _deep(draw(st.integers(10, 3_000)), draw(scalars))
    if kind == "time":
        return draw(st.sampled_from(_BAD_TIMES))
    if kind == "unicode":
        return draw(st.sampled_from(_WEIRD_TEXT)) + draw(st.text(max_size=5))
    if kind == "edit" and isinstance(old, str):
        # Change, drop or insert characters of an existing string (dates, ids, tags, zones).
        pos = draw(st.integers(0, len(old)))
        cut = draw(st.integers(0, 3))
        return old[:pos] + draw(st.text(max_size=3)) + old[pos + cut :]
    if kind == "container":
        if isinstance(old, dict):
            return list(old.values())
        if isinstance(old, list):
            return {str(i): v for i, v in enumerate(old)}
        return [old]
    if kind == "number":
        return draw(st.sampled_from([-1, 0, 2**31, -(2**63), 10**30, 1.5, float("inf"), True]))
    return draw(garbage)


@st.composite
def mutated(draw, doc):
    """``(document, mutated_paths)``: one to three mutations applied to a copy of ``doc``."""
    doc = copy.deepcopy(doc)
    touched = []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        target = _get(doc, path)
        op = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        parent = _get(doc, path[:-1]) if path else None
        if op == "delete" and path and (isinstance(parent, dict) or not touched):
            # Deleting a list item shifts the indexes of places mutated before: only first.
            del parent[path[-1]]
            touched.append(path)
        elif op == "add" and isinstance(target, dict):
            key = draw(st.text(max_size=12) | st.sampled_from(["type", "schema_version", "id"]))
            target[key] = draw(garbage)
            touched.append((*path, key))
        elif path:
            _get(doc, path[:-1])[path[-1]] = draw(_replacement(target))
            touched.append(path)
        else:
            doc = draw(_replacement(doc))
            touched.append(())
            break
    return doc, touched


# ------------------------------------------------------------------ checks

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def _render(path):
    """A mutation path in the notation of Finding.path (``a.b[0]['c d']``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out = f"{out}.{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _related(a, b):
    """Whether one path leads to the other (same place, an ancestor or a descendant)."""
    if not a or not b:
        return True
    short, long = sorted((a, b), key=len)
    return long == short or long.startswith((short + ".", short + "["))


def _check_failure(exc, touched):
    assert isinstance(exc, LoadError), f"{type(exc).__name__}: {exc}"
    assert exc.findings, "a LoadError without findings"
    for finding in exc.findings:
        assert isinstance(finding.path, str)
        assert finding.code.startswith("load.")
        assert finding.message.get("en")
    rendered = [_render(p) for p in touched]
    paths = [f.path for f in exc.findings]
    assert any(_related(p, r) for p in paths for r in rendered), (
        f"no finding points at a mutated place: findings at {paths}, mutations at {rendered}"
    )


def _load_dict(data, cls):
    try:
        from_dict(data, cls)
    except Exception as exc:  # anything but LoadError fails the check below
        return exc
    return None


def _load_text(text, cls):
    try:
        mf.loads(text, cls)
    except Exception as exc:
        return exc
    return None


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_mutated_documents_load_or_raise_load_error_with_a_path(name, data):
    cls = DOCUMENT_TYPES[name]
    doc = json.loads(mf.dumps(data.draw(VALID[name], label="valid")))
    for _ in range(MUTATIONS_PER_EXAMPLE):
        bad, touched = data.draw(mutated(doc), label="mutated")
        _check_dict_and_text(cls, bad, touched, data.draw(st.booleans(), label="ascii"))


def _count(exc):
    TRIED["loaded" if exc is None else "load_errors"] += 1
    if (TRIED["loaded"] + TRIED["load_errors"]) % 1000 == 0:
        _write_figures()  # a long run that is stopped early still leaves its figures


def _check_dict_and_text(cls, bad, touched, ascii_only):
    TRIED["dict"] += 1
    exc = _load_dict(bad, cls)
    _count(exc)
    if exc is not None:
        _check_failure(exc, touched)
    try:
        text = json.dumps(bad, ensure_ascii=ascii_only)
    except (RecursionError, ValueError):  # too deep, or NaN for the stdlib encoder
        return
    TRIED["text"] += 1
    exc_text = _load_text(text, cls)
    _count(exc_text)
    if exc_text is not None:
        assert isinstance(exc_text, LoadError), f"{type(exc_text).__name__}: {exc_text}"
        assert exc_text.findings
        # orjson refuses nesting deeper than 1024 and lone surrogates: a root-level finding.
        # It also reads integers beyond 64 bits as floats, so a count of 10**30 that loads
        # from Python data is refused from text ("expected an integer"): still a LoadError.
        if exc_text.findings[0].code != "load.json":
            _check_failure(exc_text, touched)
    elif exc is not None:
        pytest.fail(f"from_dict failed but loads succeeded: {exc}")


@st.composite
def _text_mutation(draw, text):
    kind = draw(st.sampled_from(["truncate", "insert", "bytes", "deep", "number", "dupkey"]))
    if kind == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if kind == "insert":
        pos = draw(st.integers(0, len(text)))
        return (
            text[:pos]
            + draw(st.sampled_from(["\\", '"', "{", "]", ",", "\\ud800", "NaN"]))
            + text[pos:]
        )
    if kind == "bytes":
        raw = text.encode("utf-8")
        pos = draw(st.integers(0, len(raw)))
        return (
            raw[:pos]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]))
            + raw[pos:]
        )
    if kind == "deep":
        depth = draw(st.integers(500, 200_000))
        return "[" * depth + "]" * depth
    if kind == "number":
        return text.replace("1", draw(st.sampled_from(["1e400", "-0", "1" * 5000, "Infinity"])), 1)
    # A duplicated key: JSON parsers keep the last one.
    return text.replace('{"', '{"id":1,"', 1)


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(DOCUMENT_TYPES))
@_settings
@given(data=st.data())
def test_mutated_json_text_loads_or_raises_load_error(name, data):
    cls = DOCUMENT_TYPES[name]
    text = mf.dumps(data.draw(VALID[name], label="valid"))
    for _ in range(MUTATIONS_PER_EXAMPLE):
        bad = data.draw(_text_mutation(text), label="text")
        TRIED["text"] += 1
        exc = _load_text(bad, cls)
        _count(exc)
        if exc is not None:
            assert isinstance(exc, LoadError), f"{type(exc).__name__}: {exc}"
            assert exc.findings
            assert all(isinstance(f.path, str) for f in exc.findings)


def _write_figures():
    folder = os.environ.get("MUSFRAMEWORK_FUZZ_REPORT")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "json-loaders.json"), "w", encoding="utf-8") as fh:
            json.dump({**TRIED, "inputs": TRIED["dict"] + TRIED["text"]}, fh)


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    """Write the inputs tried to $MUSFRAMEWORK_FUZZ_REPORT/json-loaders.json (nox -s fuzz)."""
    yield
    _write_figures()


def test_integers_beyond_64_bits_are_refused_cleanly_from_text():
    doc = json.loads(
        mf.dumps(mf.Cycle(id="r", name="R", period=mf.Period(*[pendulum.date(2026, 1, 1)] * 2)))
    )
    doc["settings"] = {"conversation_minutes": 10**30}
    # from_dict refuses what loads refuses (dumps and the stores cannot write it).
    with pytest.raises(LoadError) as info:
        from_dict(doc, mf.Cycle)
    assert [f.path for f in info.value.findings] == ["settings.conversation_minutes"]
    exc = _load_text(json.dumps(doc), mf.Cycle)
    assert [f.path for f in exc.findings] == ["settings.conversation_minutes"]


def test_non_text_keys_are_reported_not_crashed_on():
    """From plain Python data, keys need not be strings; that is a finding, not a TypeError."""
    with pytest.raises(LoadError) as info:
        from_dict({"id": "p", "name": "P", 3: 4, "x": 1}, mf.Person)
    assert info.value.findings[0].code == "load.unknown-field"
    assert "3" in info.value.findings[0].message.get("en")
    with pytest.raises(LoadError):
        from_dict({1: 2}, mf.Person)


def test_stdlib_json_backend_turns_deep_nesting_into_load_error(monkeypatch):
    """Without orjson the stdlib parser hits Python's recursion limit on deep nesting."""
    monkeypatch.setattr(ser, "_load_json", json.loads)
    depth = 200_000
    with pytest.raises(LoadError) as info:
        mf.loads("[" * depth + "]" * depth, mf.Person)
    assert info.value.findings[0].code == "load.json"


@pytest.mark.parametrize("field", ["schema_version", "id", "period", "scope"])
def test_deeply_nested_values_are_reported_not_crashed_on(field):
    """repr() of a deeply nested value hits the recursion limit; the message must not."""
    cycle = mf.Cycle(id="r", name="R", period=mf.Period(*[pendulum.date(2026, 1, 1)] * 2))
    doc = json.loads(mf.dumps(cycle))
    doc[field] = _deep(3_000, None)
    with pytest.raises(LoadError) as info:
        from_dict(doc, mf.Cycle)
    assert any(f.path.startswith(field) for f in info.value.findings)
