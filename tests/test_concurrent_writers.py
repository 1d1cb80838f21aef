"""Concurrent writers (threads and processes) update the same conversation.

Every writer loads the conversation, appends a note of its own and saves with the revision
it loaded; on ``ConflictError`` it loads again and retries. First all writers save on the
same revision at once (behind a barrier): exactly one wins, the others get a conflict. Then
they run freely until each has made ``UPDATES`` changes. At the end: the revisions written
are 2..final without repeats (one winner per revision), the number of successful saves equals
the final revision minus one, and every successful change is in the stored conversation
exactly once (no update is lost). SQLite and PostgreSQL, threads and forked processes.
"""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import musframework as mf
from musframework.errors import ConflictError
from musframework.storage.postgres import PostgresStore

from .helpers import mus

WRITERS = 4
UPDATES = 8


def work(make_store: Callable[[], Any], writer: int, barrier: Any) -> dict[str, Any]:
    """One writer's run; returns its successful (revision, text) pairs and its conflicts."""
    store = make_store()
    won: list[tuple[int, str]] = []
    conflicts = 0
    first = store.load(mf.Conversation, "c1")
    barrier.wait()
    stored = first
    while len(won) < UPDATES:
        text = f"writer {writer} change {len(won)} ('; DROP TABLE x; --)"
        note = mf.Note(author="boss", text=text)
        changed = attrs.evolve(stored.document, notes=(*stored.document.notes, note))
        try:
            revision = store.save(changed, revision=stored.revision, actor=f"w{writer}")
        except ConflictError as error:
            assert error.document == ("conversation", "c1")
            assert error.expected == stored.revision and error.actual > stored.revision
            conflicts += 1
        else:
            won.append((revision, text))
        stored = store.load(mf.Conversation, "c1")
    store.close()
    return {"won": won, "conflicts": conflicts, "first_won": bool(won) and won[0][0] == 2}


def _in_process(make_store, writer, barrier, queue):
    try:
        queue.put(work(make_store, writer, barrier))
    except BaseException as exc:  # report, so the parent fails instead of hanging
        queue.put({"error": repr(exc)})
        raise


def run(make_store: Callable[[], Any], mode: str) -> dict[str, int]:
    setup = make_store()
    setup.save(mus(id="c1"))
    if mode == "threads":
        barrier: Any = threading.Barrier(WRITERS)
        results: list[dict[str, Any]] = [{} for _ in range(WRITERS)]

        def thread(i: int) -> None:
            results[i] = work(make_store, i, barrier)

        threads = [threading.Thread(target=thread, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(WRITERS)
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=_in_process, args=(make_store, i, barrier, queue))
            for i in range(WRITERS)
        ]
        for p in procs:
            p.start()
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join()
        assert [r.get("error") for r in results] == [None] * WRITERS
    final = setup.load(mf.Conversation, "c1")
    setup.close()

    won = [pair for r in results for pair in r["won"]]
    revisions = sorted(revision for revision, _ in won)
    assert revisions == list(range(2, final.revision + 1)), "one winner per revision"
    assert len(won) == WRITERS * UPDATES == final.revision - 1
    assert sorted(n.text for n in final.document.notes) == sorted(text for _, text in won)
    # the first round: everyone saved on revision 1 at once; exactly one won it
    assert sum(r["first_won"] for r in results) == 1
    conflicts = sum(r["conflicts"] for r in results)
    assert conflicts >= WRITERS - 1
    return {"saves": len(won), "conflicts": conflicts}


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_sqlite_concurrent_writers_lose_no_update(tmp_path, mode):
    db = tmp_path / "mus.db"
    figures = run(lambda: mf.storage.SQLiteStore(db), mode)
    print(f"sqlite {mode}: {figures}")


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_postgres_concurrent_writers_lose_no_update(postgres_dsn, mode):
    schema = f"writers_{uuid.uuid4().hex[:10]}"
    PostgresStore(postgres_dsn, schema=schema).close()  # create the schema once
    figures = run(lambda: PostgresStore(postgres_dsn, schema=schema), mode)
    print(f"postgresql {mode}: {figures}")
