"""Tamper evidence (issue 15, point 4): store.verify() on a real SQLite file and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import signing
from musframework import workflow as wf
from musframework.errors import StorageError
from musframework.storage import PostgresStore, SQLiteStore

HMAC = signing.HmacSigner({"sys-1": b"s" * 32})


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Copenhagen")


def signed_mus(cid: str = "c1") -> mf.Conversation:
    c = mf.Conversation(
        id=cid,
        kind="MUS",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        status="concluded",
        conclusions=["A good year"],
        goals=["Lead the intake"],
        agreements=[mf.Agreement(id="a1", description="Shadow the intake lead", owner="emp")],
    )
    c = wf.sign(c, person="emp", clock=mf.FixedClock(at(2026, 3, 5, 9)), signer=HMAC)
    return wf.sign(c, person="boss", clock=mf.FixedClock(at(2026, 3, 5, 10)), signer=HMAC)


class Raw:
    """SQL straight at the backend's tables, as someone with the database file would."""

    def __init__(self, store, dsn=None, schema=None):
        self.store, self.dsn, self.schema = store, dsn, schema

    def __call__(self, sql: str, params=()):
        if isinstance(self.store, SQLiteStore):
            return self.store.connection.execute(sql, params).fetchall()
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {self.schema}")
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path):
    clock = mf.FixedClock(at(2026, 3, 6, 9))
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "mus.db", clock=clock) as store:
            yield store, Raw(store)
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        schema = f"v_{uuid.uuid4().hex[:12]}"
        with PostgresStore(dsn, schema=schema, clock=clock) as store:
            yield store, Raw(store, dsn, schema)


def world(store) -> None:
    store.save(mf.Person(id="emp", name="Ane Berg", email="ane@example.dk"), actor="hr")
    store.save(mf.Person(id="boss", name="Bo Lund"), actor="hr")
    store.save(signed_mus(), actor="boss")
    store.save(signed_mus("c2"), actor="boss")
    rev = store.save(mf.Person(id="tmp", name="Temp"), actor="hr")
    store.delete(mf.Person, "tmp", revision=rev, actor="hr")
    with store.unit_of_work(actor="hr") as uow:
        uow.save(mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp"]))
        uow.save(mf.Person(id="cai", name="Cai"))


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def test_a_store_the_library_wrote_verifies_clean_even_after_erasure(backend):
    store, _ = backend
    world(store)
    report = store.verify(signer=HMAC)
    assert report.ok, report.findings
    assert (report.entries, report.documents, report.signatures, report.unverified) == (
        8,
        6,
        4,
        0,
    )
    assert report.head == store.audit_log()[-1].hash
    store.erase_person("emp", actor="dpo", signer=HMAC)
    store.compact()
    after = store.verify(signer=HMAC)
    assert after.ok, after.findings
    assert after.entries > report.entries
    # Without a key the signatures are counted as unverified, not reported as tampered.
    assert store.verify().ok and store.verify().unverified == 4


def test_an_edited_body_with_a_recomputed_digest_is_found(backend):
    store, raw = backend
    world(store)
    (body,) = raw("SELECT body FROM conversations WHERE id = 'c1'")[0]
    data = json.loads(body) if isinstance(body, str) else body
    data["goals"] = ["Get a 50% raise"]
    forged = mf.from_dict(data, mf.Conversation)
    digest = forged.content_digest()  # what an attacker without the key can compute
    for s in data["signatures"]:
        s["digest"] = digest
    raw("UPDATE conversations SET body = ? WHERE id = 'c1'", (json.dumps(data),))
    report = store.verify(signer=HMAC)
    assert {"store.body-altered", "signature.invalid"} <= codes(report)
    assert {f.path for f in report.findings if f.code == "store.body-altered"} == {
        "conversation 'c1'"
    }
    assert "conversation 'c2'" not in {f.path for f in report.findings}


def test_stale_side_tables_are_found(backend):
    store, raw = backend
    world(store)
    raw("UPDATE agreements SET status = 'done' WHERE conversation = 'c1'")
    raw("DELETE FROM conversation_people WHERE conversation = 'c2' AND person = 'emp'")
    report = store.verify(signer=HMAC)
    assert codes(report) == {"store.side-table-stale"}
    assert {f.path for f in report.findings} == {"conversation 'c1'", "conversation 'c2'"}
    # Rows left behind by a conversation that is gone (deleted outside the library).
    raw("INSERT INTO conversation_people (conversation, person, role) VALUES ('gone', 'x', 'y')")
    paths = {f.path for f in store.verify().findings if f.code == "store.side-table-stale"}
    assert "conversation 'gone'" in paths


def test_broken_links_and_altered_entries_are_found(backend):
    store, raw = backend
    world(store)
    seqs = [row[0] for row in raw("SELECT seq FROM audit_log ORDER BY seq")]
    raw("DELETE FROM audit_log WHERE seq = ?", (seqs[2],))
    raw("UPDATE audit_log SET actor = 'Zelda Quixote' WHERE seq = ?", (seqs[4],))
    report = store.verify(signer=HMAC)
    assert {"audit.broken-link", "audit.entry-altered"} <= codes(report)
    paths = {f.code: f.path for f in report.findings if f.code.startswith("audit.")}
    assert paths == {"audit.broken-link": "audit_log[2]", "audit.entry-altered": "audit_log[3]"}
    # A document written around the library has no entry about its revision.
    raw("UPDATE documents SET revision = 7 WHERE kind = 'unit' AND id = 'it'")
    assert "store.revision-not-logged" in codes(store.verify())


def test_forged_signatures_are_found(backend):
    store, _ = backend
    c = signed_mus()
    eve = mf.Signature(person="eve", role="employee", signed_at=at(2026, 3, 5), digest="0")
    moved = attrs.evolve(c.signatures[0], signed_at=at(2026, 1, 1))
    store.save(attrs.evolve(c, signatures=(moved, c.signatures[1], eve)), actor="boss")
    report = store.verify(signer=HMAC)
    assert codes(report) == {"signature.invalid", "signature.not-required"}
    assert [f.path for f in report.findings] == [
        "conversation 'c1'.signatures[0]",
        "conversation 'c1'.signatures[2]",
    ]


def test_actors_must_be_ids_not_names_or_addresses(backend):
    store, _ = backend
    for actor in ("Zelda Quixote", "zq@example.dk", "", "Zelda\\tQ"):
        with pytest.raises(StorageError):
            store.save(mf.Person(id="p", name="P"), actor=actor.replace("\\t", "\t"))
    with pytest.raises(StorageError):
        store.erase_person("p", actor="Data Officer")
    assert store.audit_log() == []


def test_the_verify_command(tmp_path):
    path = tmp_path / "mus.db"
    with SQLiteStore(path) as store:
        world(store)
    run = [sys.executable, "-m", "musframework.storage.verify", f"sqlite:///{path}"]
    ok = subprocess.run(run, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "0 findings" in ok.stdout
    keyed = subprocess.run(
        [*run, "--hmac-key", f"sys-1={(b's' * 32).hex()}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert keyed.returncode == 0 and "4 signatures (0 unverified)" in keyed.stdout
    with SQLiteStore(path) as store:
        store.connection.execute("UPDATE conversation_people SET person = 'x'")
    bad = subprocess.run(run, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "side tables of the conversation c1 disagree" in bad.stdout
