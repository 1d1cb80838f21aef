"""Many processes call the services on one conversation, on SQLite and on PostgreSQL.

The same workload as ``tests/test_services_concurrency.py`` (participants adding notes and
progress on the agreements of one signed conversation at once), run by forked processes
instead of threads: each process opens its own store (an SQLite file shared by all, or its
own PostgreSQL connection to one schema) and its own services. Nobody's change may be lost:
every call that returned is in the stored conversation exactly once, every reported
``ConflictError`` left nothing behind, and the audit log holds one entry per revision with
the actor who made it. The processes start their calls together, behind a barrier.
"""

from __future__ import annotations

import multiprocessing
import uuid
from typing import Any

import pytest

from musframework.services import Services, Settings
from musframework.services.application import Counters
from musframework.storage import SQLiteStore
from musframework.storage.postgres import PostgresStore

from .test_services_concurrency import check, seed, work

PROCESSES = 4


def _child(open_store: Any, index: int, barrier: Any, queue: Any) -> None:
    try:
        store = open_store()
        services = Services(store, settings=Settings(retries=50, redact=False))
        out: dict[int, Any] = {}
        work(services, index, barrier, out)
        c = services.counters
        queue.put(
            {
                "index": index,
                "result": out[index],
                "counters": (c.attempts, c.conflicts, c.reported),
            }
        )
        store.close()
    except BaseException as exc:  # report, so the parent fails instead of waiting
        queue.put({"index": index, "error": repr(exc)})
        raise


class _Summed:
    """What ``check`` reads of a services object: the counters, added up over processes."""

    def __init__(self, reports: list[dict[str, Any]]) -> None:
        self.counters = Counters()
        for report in reports:
            attempts, conflicts, reported = report["counters"]
            self.counters.count(attempts=attempts, conflicts=conflicts, reported=reported)


def run(open_store: Any) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(PROCESSES)
    queue = ctx.Queue()
    children = [
        ctx.Process(target=_child, args=(open_store, i, barrier, queue)) for i in range(PROCESSES)
    ]
    for child in children:
        child.start()
    reports = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [r.get("error") for r in reports] == [None] * PROCESSES
    assert [child.exitcode for child in children] == [0] * PROCESSES
    return {
        "results": {r["index"]: r["result"] for r in reports},
        "services": [_Summed(reports)],
    }


def test_processes_on_sqlite_lose_no_update(tmp_path):
    path = tmp_path / "processes.db"
    with SQLiteStore(path) as setup:
        seed(setup)
    outcome = run(lambda: SQLiteStore(path))
    with SQLiteStore(path) as store:
        figures = check(store, outcome, PROCESSES)
    print(f"sqlite processes: {figures}")


@pytest.mark.postgres
def test_processes_on_postgresql_lose_no_update(postgres_dsn):
    schema = f"svcp_{uuid.uuid4().hex[:10]}"
    with PostgresStore(postgres_dsn, schema=schema) as setup:
        seed(setup)
    outcome = run(lambda: PostgresStore(postgres_dsn, schema=schema))
    with PostgresStore(postgres_dsn, schema=schema) as store:
        figures = check(store, outcome, PROCESSES)
    print(f"postgresql processes: {figures}")
