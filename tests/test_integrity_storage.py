"""A signed conversation changed outside the library is detected when it is loaded again.

The stored JSON is edited directly (sqlite3 on the SQLite file, SQL on PostgreSQL): the
signatures of the loaded conversation show as void and ``mf.validate`` reports
``signature.void``. Changes outside the signed content (the place) leave them valid.
"""

import contextlib
import hashlib
import json
import sqlite3
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.storage._integrity import body_hash
from musframework.storage.postgres import PostgresStore

from .test_workflow_transitions import signed

# (SQLite json_set path, PostgreSQL jsonb_set path, new JSON value)
TAMPERINGS = [
    ("$.conclusions[0]", "{conclusions,0}", "Dårligt år"),
    ("$.goals", "{goals}", ["Noget helt andet"]),
    ("$.agreements[0].description", "{agreements,0,description}", "Ingen mentor"),
    ("$.agreements[0].deadline", "{agreements,0,deadline}", "2030-01-01"),
    ("$.follow_up_date", "{follow_up_date}", "2026-12-24"),
]


def _void_codes(conversation):
    report = mf.validate(conversation)
    return {f.path for f in report if f.code == "signature.void"}


def _assert_untouched(stored):
    c = stored.document
    assert c.status is mf.ConversationStatus.SIGNED
    assert c.void_signatures == ()
    assert {s.person for s in c.valid_signatures} == {"emp", "boss"}
    assert not _void_codes(c)


def _assert_tampered(stored):
    c = stored.document
    assert {s.person for s in c.void_signatures} == {"emp", "boss"}
    assert c.valid_signatures == ()
    assert not c.is_signed_by("emp") and not c.is_signed_by("boss")
    assert len(_void_codes(c)) == 2


@pytest.mark.parametrize(("sqlite_path", "_pg", "value"), TAMPERINGS)
def test_sqlite_edit_outside_the_library_voids_the_signatures(tmp_path, sqlite_path, _pg, value):
    db = tmp_path / "mus.db"
    with mf.storage.SQLiteStore(db) as store:
        store.save(signed())
        _assert_untouched(store.load(mf.Conversation, "c1"))
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        changed = conn.execute(
            "UPDATE conversations SET body = json_set(body, ?, json(?)) WHERE id = 'c1'",
            (sqlite_path, json.dumps(value)),
        ).rowcount
    assert changed == 1
    with mf.storage.SQLiteStore(db) as store:
        _assert_tampered(store.load(mf.Conversation, "c1"))


def test_sqlite_edit_outside_the_signed_content_keeps_the_signatures(tmp_path):
    db = tmp_path / "mus.db"
    with mf.storage.SQLiteStore(db) as store:
        store.save(signed())
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE conversations SET body = json_set(body, '$.place', 'Kantinen')")
    with mf.storage.SQLiteStore(db) as store:
        stored = store.load(mf.Conversation, "c1")
    assert stored.document.place == "Kantinen"
    _assert_untouched(stored)


@pytest.mark.postgres
@pytest.mark.parametrize(("_sqlite", "pg_path", "value"), TAMPERINGS)
def test_postgres_edit_outside_the_library_voids_the_signatures(
    postgres_dsn, _sqlite, pg_path, value
):
    schema = f"integrity_{uuid.uuid4().hex[:10]}"
    with PostgresStore(postgres_dsn, schema=schema) as store:
        store.save(signed())
        _assert_untouched(store.load(mf.Conversation, "c1"))
        import psycopg

        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            cur = conn.execute(
                f'UPDATE "{schema}".conversations '
                "SET body = jsonb_set(body, %s::text[], %s::jsonb) WHERE id = 'c1'",
                (pg_path, json.dumps(value)),
            )
            assert cur.rowcount == 1
    with PostgresStore(postgres_dsn, schema=schema) as store:
        _assert_tampered(store.load(mf.Conversation, "c1"))


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON, ascii_only=st.booleans(), indent=st.sampled_from([None, 1]))
def test_body_hash_is_the_hash_of_the_canonical_json_whatever_the_fast_path(
    value, ascii_only, indent
):
    # The fast path (msgspec + orjson) must give the very bytes of the json module's
    # canonical form, or stores written before it would no longer verify.
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    canonical = json.dumps(
        json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8", "surrogatepass")
    assert body_hash(text) == hashlib.sha256(canonical).hexdigest()


def test_body_hash_of_a_lone_surrogate_and_a_large_integer_takes_the_json_path():
    for text in ('{"a": "\\ud800x"}', '{"n": 123456789012345678901234567890}', '{"f": 1e16}'):
        canonical = json.dumps(
            json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8", "surrogatepass")
        assert body_hash(text) == hashlib.sha256(canonical).hexdigest()


@pytest.mark.parametrize(
    "text",
    [
        '{"n": 999999999999999999}',
        '{"n": 9223372036854775807, "m": -9223372036854775808}',  # the ends of 64 bits
        '{"n": 18446744073709551616}',  # 2**64: beyond them
        '{"f": 1E5, "g": -0.0, "h": 1e-7, "i": 12.5}',
        '{"s": "version 1.2", "t": [1, 2, {"z": 0, "a": null}]}',
    ],
)
def test_body_hash_of_integers_and_floats_at_the_edges_of_the_fast_path(text):
    canonical = json.dumps(
        json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8", "surrogatepass")
    assert body_hash(text) == hashlib.sha256(canonical).hexdigest()


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.text() | st.integers(min_value=-(2**70), max_value=2**70) | st.just("\ud800"),
        max_size=7,
    )
)
def test_seals_and_entry_hashes_hash_the_canonical_json_of_their_fields(items):
    from musframework.storage import _integrity

    reference = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert _integrity._FLAT(items) == reference.encode("utf-8", "surrogatepass")
