"""``PostgresStore.save_many`` streams documents into ``COPY``: it behaves as every store does.

The same imports go to SQLite and to a real PostgreSQL server; the stored documents,
revisions, audit log and errors must be the same: chunks are atomic, a document that exists
already is a conflict naming it, a document twice in one chunk is refused, and a document
that cannot be serialized leaves nothing of its chunk behind.
"""

from __future__ import annotations

import uuid

import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import ConflictError, StorageError
from musframework.storage import PostgresStore, SQLiteStore
from tests.helpers import at, mus, small_questionnaire

pytestmark = pytest.mark.postgres

CLOCK = mf.FixedClock(pendulum.datetime(2026, 3, 2, 12, tz="Europe/Copenhagen"))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = SQLiteStore(tmp_path / "bulk.db", clock=CLOCK)
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        s = PostgresStore(dsn, schema=f"bulk_{uuid.uuid4().hex[:12]}", clock=CLOCK)
    yield s
    s.close()


def conversations(count: int) -> list[mf.Conversation]:
    return [
        mus(
            id=f"c{i:03}",
            unit=f"u{i % 3}",
            participants=[mf.Participant(f"e{i}", "employee"), mf.Participant("boss", "leader")],
            agreements=[
                mf.Agreement(
                    id=f"a{k}",
                    description=f"Agreement {k} of {i}: tab\there, newline\nhere, \\ and 'quotes'",
                    owner=f"e{i}",
                    deadline=pendulum.date(2026, 1, 1 + k),
                )
                for k in range(3)
            ],
            scheduled_start=at(2026, 3, 3, 10).add(hours=i),
            status="signed",  # held or later: its agreements count
        )
        for i in range(count)
    ]


def snapshot(store):
    return (
        [(s.document, s.revision) for s in store.documents(mf.Conversation)],
        [(s.document, s.revision) for s in store.documents(mf.Person)],
        [(s.document, s.revision) for s in store.documents(mf.Questionnaire)],
        [(e.kind, e.id, e.revision, e.actor, e.action, e.at) for e in store.audit_log()],
        [(r.conversation, r.agreement) for r in store.agreements(owner="e4")],
        [s.document.id for s in store.conversations(person="e7")],
        [r.agreement.id for r in store.overdue_agreements(pendulum.date(2026, 1, 3))],
    )


def test_save_many_stores_mixed_documents_in_chunks_with_indexes_and_audit(store):
    people = [mf.Person(id=f"e{i}", name=f"Employee {i}") for i in range(10)]
    documents = [*people[:5], *conversations(10), small_questionnaire(), *people[5:]]
    assert store.save_many(documents, actor="importer", chunk=4) == len(documents)
    stored, persons, forms, audit, owned, of_person, overdue = snapshot(store)
    assert stored == [(c, 1) for c in conversations(10)]
    assert persons == [(p, 1) for p in people]
    assert forms == [(small_questionnaire(), 1)]
    assert {(a[0], a[1], a[2], a[3], a[4]) for a in audit} == {
        (
            mf.storage.base.kind_of(type(d)),
            f"{d.id}@{d.version}" if isinstance(d, mf.Questionnaire) else d.id,
            1,
            "importer",
            "create",
        )
        for d in documents
    }
    assert [(c, a.id) for c, a in owned] == [("c004", "a0"), ("c004", "a1"), ("c004", "a2")]
    assert of_person == ["c007"]
    assert overdue == ["a0"] * 10 + ["a1"] * 10
    assert (
        store.load(mf.Conversation, "c003")
        .document.agreements[1]
        .description.endswith("\\ and 'quotes'")
    )


def test_an_existing_document_is_a_conflict_and_its_chunk_is_not_written(store):
    convs = conversations(9)
    store.save(convs[5])
    with pytest.raises(ConflictError) as caught:
        store.save_many([c for c in convs if c.id != "c005"] + [convs[5]], chunk=4, atomic=False)
    assert caught.value.document == ("conversation", "c005")
    assert (caught.value.expected, caught.value.actual) == (0, 1)
    # chunks: c000-c003 and c004, c006-c008 saved; the last chunk (c005) was the conflict
    assert [s.document.id for s in store.documents(mf.Conversation)] == [c.id for c in convs]
    audit = [(e.id, e.revision) for e in store.audit_log()]
    assert sorted(audit) == sorted((c.id, 1) for c in convs)


def test_a_conflict_in_the_middle_leaves_that_chunk_out_entirely(store):
    convs = conversations(8)
    store.save(convs[5])
    with pytest.raises(ConflictError):
        store.save_many(convs, chunk=4, atomic=False)
    assert [s.document.id for s in store.documents(mf.Conversation)] == [
        "c000",
        "c001",
        "c002",
        "c003",
        "c005",
    ]
    assert [r.conversation for r in store.agreements(owner="e6")] == []
    assert len(store.audit_log()) == 5


def test_a_document_twice_in_one_chunk_is_refused_and_nothing_is_written(store):
    convs = conversations(3)
    with pytest.raises(StorageError, match="appears twice"):
        store.save_many([*convs, convs[1]])
    assert store.documents(mf.Conversation) == []
    assert store.audit_log() == []


def test_a_document_that_cannot_be_serialized_leaves_nothing_of_its_chunk(store):
    convs = conversations(6)
    broken = attrs.evolve(convs[4], responses=["not a response"])
    with pytest.raises(Exception) as caught:
        store.save_many([*convs[:4], broken, convs[5]], chunk=3, atomic=False)
    assert not isinstance(caught.value, ConflictError)
    assert [s.document.id for s in store.documents(mf.Conversation)] == [
        "c000",
        "c001",
        "c002",
    ]
    assert [e.id for e in store.audit_log()] == ["c000", "c001", "c002"]
    assert store.agreements(owner="e3") == []
    assert store.conversations(person="e3") == []


def test_save_many_then_updates_in_a_unit_of_work_replace_the_side_rows(store):
    convs = conversations(5)
    store.save_many(convs)
    with store.unit_of_work(actor="boss") as unit:
        for c in convs[:3]:
            first = c.agreements[0].with_status("done", by="boss", at=at(2026, 3, 4, 9))
            unit.save(
                attrs.evolve(
                    c,
                    agreements=[first, *c.agreements[1:]],
                    participants=[mf.Participant(c.participants[0].person, "employee")],
                ),
                revision=1,
            )
    assert unit.revisions == {("conversation", f"c00{i}"): 2 for i in range(3)}
    assert [r.agreement.status for r in store.agreements(owner="e1")] == [
        mf.AgreementStatus.DONE,
        mf.AgreementStatus.OPEN,
        mf.AgreementStatus.OPEN,
    ]
    assert [s.document.id for s in store.conversations(person="boss")] == ["c003", "c004"]
    assert [e.action for e in store.audit_log(kind="conversation", id="c000")] == [
        "create",
        "update",
    ]
