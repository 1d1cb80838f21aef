"""Many threads call the services on one conversation, on SQLite and on PostgreSQL.

Each thread is a participant working on the same signed conversation at once: notes
(``comment``) and progress on the agreements (``set_agreement_status``). Nobody's change
may be lost: every call that returned is in the stored conversation exactly once, every
conflict was retried (or reported as a ``ConflictError``, and then its change is absent),
and the audit log holds one entry per revision with the actor who made it.

SQLite: one store per thread on one file (the documented rule), services bound to it.
PostgreSQL: one pooled store shared by every thread (the other documented rule), and one
services object shared too.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import ConflictError
from musframework.services import Services, Settings
from musframework.storage import PooledPostgresStore, SQLiteStore

CPH = "Europe/Copenhagen"
THREADS = 8
CALLS = 12
ORG = mf.Organisation(
    people=[mf.Person(id=p, name=p.title()) for p in ("boss", "emp")],
    units=[mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp"])],
)


def signed_conversation() -> mf.Conversation:
    start = pendulum.datetime(2026, 3, 3, 10, tz=CPH)
    c = mf.Conversation(
        id="c1",
        kind="MUS",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=start,
    )
    c = wf.invite(c, by="boss", clock=mf.FixedClock(start.subtract(days=14)))
    c = wf.prepare(c, by="boss", clock=mf.FixedClock(start.subtract(days=1)))
    c = wf.hold(c, by="boss", clock=mf.FixedClock(start))
    c = wf.conclude(
        c,
        by="boss",
        conclusions=["ok"],
        goals=["g"],
        agreements=[
            mf.Agreement(id=f"a{i}", description=f"Activity {i}", owner="emp") for i in range(4)
        ],
        follow_up_date=None,
        next_conversation_date=None,
        clock=mf.FixedClock(start.add(hours=1)),
    )
    for person in wf.required_signers(c):
        c = wf.sign(c, person=person, clock=mf.FixedClock(start.add(days=1)))
    return c


def seed(store) -> None:
    for person in ORG.people:
        store.save(person)
    for unit in ORG.units:
        store.save(unit)
    store.save(signed_conversation())


def work(services: Services, thread: int, barrier: threading.Barrier, out: dict) -> None:
    actor = "boss" if thread % 2 else "emp"
    done, reported = [], []
    barrier.wait()
    for call in range(CALLS):
        tag = f"t{thread}-{call}"
        try:
            if call % 3 == 2:
                status = "in_progress" if call % 2 else "open"
                services.set_agreement_status(actor, "c1", f"a{thread % 4}", status, note=tag)
                done.append(("status", tag, actor))
            else:
                services.comment(actor, "c1", tag)
                done.append(("note", tag, actor))
        except ConflictError:
            reported.append(tag)
    out[thread] = {"done": done, "reported": reported}


def run(make_services) -> dict[str, int]:
    results: dict[int, dict] = {}
    barrier = threading.Barrier(THREADS)
    services = [make_services(i) for i in range(THREADS)]
    threads = [
        threading.Thread(target=work, args=(services[i], i, barrier, results))
        for i in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == THREADS, "a thread died"
    return {"results": results, "services": services}


def check(store, outcome, workers: int = THREADS) -> dict[str, int]:
    results = outcome["results"]
    counters = outcome["services"][0].counters
    final = store.load(mf.Conversation, "c1")
    c = final.document
    done = [d for r in results.values() for d in r["done"]]
    reported = [tag for r in results.values() for tag in r["reported"]]
    ours = signed_conversation()
    notes = Counter(n.text for n in c.notes[len(ours.notes) :])
    changes = Counter(h.note for a in c.agreements for h in a.history if h.note)
    assert c.notes[: len(ours.notes)] == ours.notes
    for kind, tag, _actor in done:
        where = notes if kind == "note" else changes
        assert where[tag] == 1, f"{tag} lost or repeated"
    for tag in reported:
        assert notes[tag] == 0 and changes[tag] == 0
    assert sum(notes.values()) + sum(changes.values()) == len(done)
    assert len(done) + len(reported) == workers * CALLS
    log = store.audit_log(kind="conversation", id="c1")
    assert [e.revision for e in log] == list(range(1, final.revision + 1))
    assert Counter(e.actor for e in log[1:]) == Counter(actor for *_, actor in done)
    # Every attempt either saved or lost to another writer; a reported call lost them all.
    assert counters.attempts - counters.conflicts == len(done)
    assert counters.reported == len(reported)
    return {
        "calls": workers * CALLS,
        "saved": len(done),
        "conflicts": counters.conflicts,
        "retried": counters.conflicts - counters.reported,
        "reported": len(reported),
    }


def test_threads_on_sqlite_lose_no_update(tmp_path):
    path = tmp_path / "threads.db"
    with SQLiteStore(path) as setup:
        seed(setup)
    shared = Services(SQLiteStore(path), settings=Settings(retries=50, redact=False))

    def make(i):
        return shared.bind(SQLiteStore(path))  # one store per thread

    outcome = run(make)
    with SQLiteStore(path) as store:
        figures = check(store, outcome)
    assert shared.counters.conflicts > 0, "the threads never met: the test proved nothing"
    for s in outcome["services"]:
        s.store.close()
    shared.store.close()
    print(f"sqlite threads: {figures}")


@pytest.mark.postgres
def test_threads_on_postgresql_lose_no_update(postgres_dsn):
    schema = f"svc_{uuid.uuid4().hex[:10]}"
    store = PooledPostgresStore(postgres_dsn, schema=schema, max_size=THREADS)
    try:
        seed(store)
        shared = Services(store, settings=Settings(retries=50, redact=False))
        outcome = run(lambda i: shared)  # one pooled store and one services for all threads
        figures = check(store, outcome)
        assert shared.counters.conflicts > 0, "the threads never met: the test proved nothing"
    finally:
        store.close()
    print(f"postgresql threads: {figures}")
