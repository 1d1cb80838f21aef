"""SQL stores use parameters only: ids and texts full of quotes, semicolons, SQL and unicode
are stored, found and read back unchanged (SQLite and PostgreSQL, hypothesis-generated)."""

from __future__ import annotations

import functools
import tempfile
import uuid
from pathlib import Path

import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.model.round import counted_agreements
from musframework.storage.postgres import PostgresStore

SQL_BITS = [
    "'",
    '"',
    ";",
    "--",
    "/*",
    "*/",
    "\\",
    "%s",
    "?",
    ":id",
    "$1",
    "'; DROP TABLE documents; --",
    "' OR '1'='1",
    '"); DELETE FROM conversations; --',
    "Robert'); DROP TABLE audit_log;--",
    "E'\\x00'",
    "$$",
    "ø",
    "\u202e",
    "\U0001f600",
    "\ufeff",
]
# PostgreSQL text cannot hold NUL characters; surrogates are not text in any encoding.
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
nasty = st.lists(st.one_of(st.sampled_from(SQL_BITS), st.text(CHARS, max_size=6)), max_size=6).map(
    "".join
)
nasty_id = nasty.filter(bool)


def check_round_trip(store, person_id, name, conv_id, description, owner):
    assume(person_id != owner)
    for cls in (mf.Conversation, mf.Person):  # a failed example may have left documents
        for stored in store.documents(cls):
            store.delete(cls, stored.document.id, revision=stored.revision)
    person = mf.Person(id=person_id, name=name, email=f"{name}@example.dk")
    conversation = mf.Conversation(
        id=conv_id,
        kind="MUS",
        cycle=name,
        unit=description,
        participants=[mf.Participant(person_id, "employee"), mf.Participant(owner, "leader")],
        scheduled_start=pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen"),
        agreements=[
            mf.Agreement(
                id=description or "a",
                description=description,
                owner=owner,
                deadline=pendulum.date(2026, 6, 1),
                continues=description,
            )
        ],
        status="signed",
        previous=name,  # with ``continues``: the columns that decide whether it counts
    )
    # An audit actor is an id: no white space, no @ (names and addresses are refused).
    actor = "".join(ch for ch in name if not ch.isspace() and ch != "@") or "system"
    leader = "".join(ch for ch in owner if not ch.isspace() and ch != "@") or "system"
    assert store.save(person, actor=actor) == 1
    assert store.save(conversation, actor=leader) == 1
    assert store.load(mf.Person, person_id).document == person
    assert store.load(mf.Conversation, conv_id).document == conversation
    assert [s.document.id for s in store.conversations(person=person_id)] == [conv_id]
    assert [s.document.id for s in store.conversations(cycle=name, unit=description)] == [conv_id]
    counts = [(c.conversation.id, c.agreement.owner) for c in counted_agreements([conversation])]
    assert [(r.conversation, r.agreement.owner) for r in store.agreements(owner=owner)] == counts
    every = store.agreements(owner=owner, include_uncounted=True)
    assert [(r.conversation, r.agreement.owner) for r in every] == [(conv_id, owner)]
    assert store.audit_log(kind="person", id=person_id)[-1].actor == actor
    store.delete(mf.Conversation, conv_id, revision=1)
    store.delete(mf.Person, person_id, revision=1)
    assert store.documents(mf.Person) == [] and store.documents(mf.Conversation) == []


@functools.cache
def _sqlite_store():
    return mf.storage.SQLiteStore(Path(tempfile.mkdtemp(prefix="mf-sql-")) / "mus.db")


@settings(deadline=None, max_examples=40)
@given(nasty_id, nasty, nasty_id, nasty, nasty_id)
def test_sqlite_stores_sql_looking_text_unchanged(person_id, name, conv_id, text, owner):
    check_round_trip(_sqlite_store(), person_id, name, conv_id, text, owner)


@pytest.mark.postgres
def test_postgres_stores_sql_looking_text_unchanged(postgres_dsn):
    store = PostgresStore(postgres_dsn, schema=f"sql_{uuid.uuid4().hex[:10]}")

    @settings(deadline=None, max_examples=15)  # a server round trip per query: fewer examples
    @given(nasty_id, nasty, nasty_id, nasty, nasty_id)
    def round_trip(person_id, name, conv_id, text, owner):
        check_round_trip(store, person_id, name, conv_id, text, owner)

    try:
        round_trip()
    finally:
        store.close()


def test_the_tables_survive_the_classic_injections(tmp_path):
    with mf.storage.SQLiteStore(tmp_path / "mus.db") as store:
        for bit in SQL_BITS:
            store.save(mf.Person(id=bit, name=bit))
        assert sorted(s.document.id for s in store.documents(mf.Person)) == sorted(SQL_BITS)
        tables = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master")}
        assert {"documents", "conversations", "agreements", "audit_log"} <= tables
