"""The audit log's hash written with the document equals the hash of the text written.

A store saves a conversation's text and, in its audit entry, the SHA-256 of that text as
canonical JSON (``storage._integrity.body_hash``: the text read by :mod:`json` and written
again with sorted keys). ``serialization.dumps_parts_canonical`` writes the canonical bytes
from the same msgspec conversion instead; they must be the very bytes ``body_hash`` hashes,
or a store written by one would not verify by the other. Generated conversations (zoned
date-times, any unicode, integers at and beyond the ends of 64 bits, floats of every
magnitude) are compared both ways, and saved and verified.
"""

import hashlib
import json
import sqlite3

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.serialization import dumps, dumps_parts, dumps_parts_canonical
from musframework.storage._integrity import body_hash
from musframework.testing.strategies import conversations

pytest.importorskip("msgspec")


def _reference(text: str) -> bytes:
    """What ``body_hash`` hashes, written out with the json module alone."""
    canonical = json.dumps(
        json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return canonical.encode("utf-8", "surrogatepass")


_NUMBERS = (
    st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.sampled_from([2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**30])
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e16, 1e-7, 5e-324, -0.0, 1.0, 1e22, 0.1, 1.7976931348623157e308])
)
# Any text but lone surrogates (which no path writes), control characters, quotes and
# backslashes included.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ['"\\\x00\x1f\x7f', "\u2028\u2029", "æøå ÆØÅ", "\U0001f600", "1.5]", "x:1e16,"]
)


# What the library loads again (integers within INT_MIN..INT_MAX), for the stored round trip.
_READABLE = (
    st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.sampled_from([2**63 - 1, -(2**63), 2**64 - 1])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e16, 1e-7, 5e-324, 1e22])
)


@st.composite
def _documents(
    draw: st.DrawFn, numbers: st.SearchStrategy[int | float] = _NUMBERS
) -> mf.Conversation:
    """A generated conversation, with numbers and free text added where the model allows."""
    c = draw(conversations())
    values = draw(st.dictionaries(st.sampled_from([f"n{i}" for i in range(6)]), numbers))
    extra = mf.Response(
        questionnaire=mf.QuestionnaireRef(draw(_TEXT) or "q", "1"),
        role="employee",
        person=draw(_TEXT) or "p",
        answers={
            **{k: mf.NumberAnswer(v) for k, v in values.items()},
            **{f"t{i}": mf.TextAnswer(t) for i, t in enumerate(draw(st.lists(_TEXT, max_size=3)))},
        },
    )
    return attrs.evolve(
        c,
        responses=(*c.responses, extra),
        goals=(*c.goals, *draw(st.lists(_TEXT, max_size=3))),
        place=draw(_TEXT),
    )


def _holds_float(c: mf.Conversation) -> bool:
    answers = [a for r in c.responses for a in r.answers.values()]
    return any(type(getattr(a, "value", None)) is float for a in answers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=_documents())
def test_the_canonical_bytes_are_the_json_modules_of_the_text_written(c: mf.Conversation) -> None:
    body, parts, canonical = dumps_parts_canonical(c, "agreements")
    assert (body, parts) == dumps_parts(c, "agreements")
    assert body == dumps(c)
    if canonical is not None:
        assert canonical == _reference(body)
        assert hashlib.sha256(canonical).hexdigest() == body_hash(body)
    # Integers of any size are written digit for digit by both; a float takes json's path.
    assert (canonical is None) == _holds_float(c)


def test_a_float_takes_the_json_path_an_integer_of_any_size_does_not() -> None:
    c = attrs.evolve(
        mf.Conversation(id="c1", kind=mf.ConversationKind.MUS),
        responses=(
            mf.Response(
                questionnaire=mf.QuestionnaireRef("q", "1"),
                role="employee",
                person="p",
                answers={"n": mf.NumberAnswer(1e16)},
            ),
        ),
    )
    body, _, canonical = dumps_parts_canonical(c, "agreements")
    assert canonical is None and '"value":1e16' in body  # msgspec's form, json's is 1e+16
    for n in (2**63 - 1, -(2**63), 2**64, -(10**30)):
        answers = {"n": mf.NumberAnswer(n), "m": mf.NumberAnswer(7)}
        big = attrs.evolve(c, responses=(attrs.evolve(c.responses[0], answers=answers),))
        body, _, canonical = dumps_parts_canonical(big, "agreements")
        assert canonical == _reference(body) and f'"value":{n}' in body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(_documents(_READABLE), min_size=1, max_size=4, unique_by=lambda c: c.id))
def test_saved_conversations_verify_and_their_entries_hash_the_text_stored(
    tmp_path_factory: pytest.TempPathFactory, batch: list[mf.Conversation]
) -> None:
    path = tmp_path_factory.mktemp("canonical") / "mus.db"
    with mf.storage.SQLiteStore(path) as store:
        store.save_many(batch)
        store.save(batch[0], revision=1)
        report = store.verify()
        assert report.ok, [(f.code, f.path, f.text("en")) for f in report.findings]
    conn = sqlite3.connect(path)
    try:
        bodies = dict(conn.execute("SELECT id, body FROM conversations"))
        entries = conn.execute(
            "SELECT id, document_hash FROM audit_log WHERE kind = 'conversation' ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    latest = dict(entries)
    assert latest.keys() == bodies.keys()
    for id, text in bodies.items():
        assert latest[id] == hashlib.sha256(_reference(text)).hexdigest()
