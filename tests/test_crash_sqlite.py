"""SIGKILL a process while it writes large units of work to SQLite, many times; then verify.

A forked child opens the store and writes units of work one after the other: unit ``n`` is
``PEOPLE`` people and one conversation with ``AGREEMENTS`` agreements, with contents derived
from ``n``. After each commit it appends ``n`` to a report file (one ``write`` system call,
so a report is whole or absent). The parent kills the child at a random moment, opens the
store as an app would (no repair step) and checks: SQLite's integrity check passes, every
reported unit is complete, no partial unit exists anywhere, and the units present are
0..m without gaps (a unit committed but killed before its report is complete too).

``MF_CRASH_KILLS`` sets the number of kills (30 by default).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
import time

import pendulum
import pytest

import musframework as mf

PEOPLE = 100
AGREEMENTS = 30
KILLS = int(os.environ.get("MF_CRASH_KILLS", "30"))
START = pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen")


def unit_documents(n: int) -> list[mf.Person | mf.Conversation]:
    people: list[mf.Person | mf.Conversation] = [
        mf.Person(id=f"u{n:05}-p{i:03}", name=f"Unit {n} person {i} " + "æøå" * 40)
        for i in range(PEOPLE)
    ]
    conversation = mf.Conversation(
        id=f"u{n:05}-c",
        kind="MUS",
        participants=[
            mf.Participant(f"u{n:05}-p000", "employee"),
            mf.Participant(f"u{n:05}-p001", "leader"),
        ],
        scheduled_start=START,
        agreements=[
            mf.Agreement(
                id=f"a{j}",
                description=f"unit {n} agreement {j}",
                owner=f"u{n:05}-p000",
                deadline=pendulum.date(2026, 6, 1),
            )
            for j in range(AGREEMENTS)
        ],
    )
    return [*people, conversation]


def writer(db: str, report: str, first: int) -> None:
    """Write units ``first``, ``first + 1`` … until killed; report each after its commit."""
    fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    store = mf.storage.SQLiteStore(db)
    n = first
    while True:
        with store.unit_of_work(actor="crash-test") as uow:
            for document in unit_documents(n):
                uow.save(document)
        os.write(fd, f"{n}\n".encode())
        n += 1


def verify(db: str, reported: set[int]) -> int:
    """Check the store after a kill; returns the number of units present."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = mf.storage.SQLiteStore(db)  # opens as an app would: no repair step exists
    try:
        conn = store.connection
        people = dict(
            conn.execute(
                "SELECT substr(id, 2, 5), count(*) FROM documents WHERE kind = 'person' GROUP BY 1"
            ).fetchall()
        )
        agreements = dict(
            conn.execute(
                "SELECT substr(conversation, 2, 5), count(*) FROM agreements GROUP BY 1"
            ).fetchall()
        )
        conversations = {row[0][1:6] for row in conn.execute("SELECT id FROM conversations")}
        units = {int(u) for u in people} | {int(u) for u in conversations}
        assert units == set(range(len(units))), "units present must be 0..m without gaps"
        assert reported <= units, "a reported (committed) unit is missing"
        for u in units:
            key = f"{u:05}"
            assert people.get(key) == PEOPLE, f"unit {u} has {people.get(key)} people"
            assert agreements.get(key) == AGREEMENTS, f"unit {u} is partial"
            assert key in conversations
        if units:  # the newest unit loads completely through the store
            last = max(units)
            stored = store.load(mf.Conversation, f"u{last:05}-c").document
            assert stored == unit_documents(last)[-1]
            assert (
                store.load(mf.Person, f"u{last:05}-p{PEOPLE - 1:03}").document
                == (unit_documents(last)[PEOPLE - 1])
            )
        return len(units)
    finally:
        store.close()


def _reported(report: str) -> set[int]:
    if not os.path.exists(report):
        return set()
    with open(report) as f:
        return {int(line) for line in f if line.endswith("\n")}


@pytest.mark.slow
def test_sigkill_during_units_of_work_leaves_only_whole_units(tmp_path):
    db = str(tmp_path / "crash.db")
    report = str(tmp_path / "committed.txt")
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(int(os.environ.get("MF_CRASH_SEED", "20261122")))
    present = 0
    for _ in range(KILLS):
        child = ctx.Process(target=writer, args=(db, report, present), daemon=True)
        child.start()
        # Wait for this child's first commit, so each life writes, then kill at a random
        # moment within the next units (one unit takes some 10-60 ms here).
        deadline = time.monotonic() + 30
        while _reported(report) <= set(range(present)) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.08))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        present = verify(db, _reported(report))
    assert present >= KILLS  # every child committed at least one unit before its kill
    print(f"kills: {KILLS}, units committed: {present}")
