"""PostgreSQL benchmark: save, re-save, load and query a round against a real server.

Run with ``nox -s bench`` or ``python benchmarks/bench_postgres.py [--quick] [-n N ...]``.
A throw-away server is started as the tests start theirs (``tests/postgres_server.py``:
``initdb`` and ``pg_ctl`` in a temporary directory, as the ``postgres`` user when run as root,
``fsync=off``); ``--dsn`` uses a running server instead (the benchmark creates and drops its
own schemas there). The data is the harness's seeded round (``benchmarks/data.py``), and
every workload is measured as the harness measures (``benchmarks/harness.py``): floor and
workload interleaved in a rotating order, ``--repeats`` times (5 by default), in the same
collector state for both (``--gc off`` by default: paused for each timed call of either side;
``--gc on``: on for both), CPU time (``time.process_time``, the client's) beside wall time,
min and median of each; ratios are of the CPU medians. For a client-server workload the
client's CPU time leaves out the server's work, so the wall ratio is printed beside it and
the save workload also reports the server's CPU seconds.

* **postgres save**: ``PostgresStore.save_many`` of the N conversations into empty tables.
  Floor: ``COPY`` of the very rows the store writes (the same JSON, index columns,
  side-table and audit rows, from ``musframework.storage.postgres.rows_for``), into the
  same tables, one ``COPY`` per table, in one transaction: what saving would cost if
  serialization and Python were free. Target <= 1.5x. Every run starts from new, empty
  tables (created untimed).
* **postgres re-save 1%**: 1 % of the stored conversations, loaded and changed (their first
  agreement's status), saved in one unit of work with their revisions. Floor: ``COPY`` of
  the same rows: the new conversation rows into a temporary table and one
  ``UPDATE … FROM`` it, the side-table rows deleted and copied in again, the audit rows.
* **postgres load unit**: ``store.conversations(unit=u)`` for 20 units of about 25 members.
  Floor: a raw select of the same rows, JSON parsing and the converter's structuring.
* **postgres queries**: the "sqlite queries" workload of ``benchmarks/workloads.py`` on
  PostgreSQL (overdue agreements in a unit, completion of a unit, open agreements of an
  owner), p50 and p95 latency; **postgres queries (n/25 units)** the same on a round of
  about N/25 units, so that the sampled units have about 25 members at every N.

The save workload's figures also give the client's and the server's CPU seconds for one run of
the store and one of the floor (the server's from ``/proc``, when it runs on this host): on a
busy machine they show where the time goes better than wall-clock times do.

"Never one round trip per row" is shown, not assumed: the figures of the save and re-save
workloads count the round trips of a save from a libpq trace of the connection (every
``ReadyForQuery`` and ``CopyInResponse`` the server sends is the end of one round trip),
next to the number of rows written.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import pathlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests.postgres_server

import harness  # noqa: E402
import psycopg  # noqa: E402
import workloads  # noqa: E402
from harness import Cell, Workload  # noqa: E402

import data  # noqa: E402
import musframework as mf  # noqa: E402
from musframework.serialization import _load_json, converter  # noqa: E402
from musframework.storage import PostgresStore  # noqa: E402
from musframework.storage.base import link_audit  # noqa: E402
from musframework.storage.postgres import (  # noqa: E402
    COPY_AGREEMENTS,
    COPY_AUDIT,
    COPY_PEOPLE,
    rows_for,
)
from musframework.storage.protocol import AuditEntry  # noqa: E402

CLOCK = workloads.CLOCK
QUICK = 100
TRACE_SAVE = 2_000
"""The round trips of a save are counted on its first conversations (the trace is large)."""


def _store(dsn: str, schema: str) -> PostgresStore:
    return PostgresStore(dsn, schema=schema, clock=CLOCK)


def _drop(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@functools.cache
def _small_units_round(n: int) -> data.Round:
    # About n / 25 units, so units of about UNIT_SIZE exist at every N.
    return data.make_round(n, units=max(3, n // workloads.UNIT_SIZE))


def _round_store(dsn: str, n: int, small_units: bool = False) -> PostgresStore:
    """A store holding the round of ``n`` (saved by the first workload that asks for it)."""
    store = _store(dsn, f"bench_round_{n}" + ("_small_units" if small_units else ""))
    (count,) = store._conn.execute("SELECT count(*) FROM conversations").fetchone()
    if count != n:
        store._conn.execute("TRUNCATE conversations, conversation_people, agreements, audit_log")
        r = _small_units_round(n) if small_units else workloads._round(n)
        store.save_many(r.conversations)
    return store


def _copy(cur: Any, statement: str, rows: list[tuple[Any, ...]]) -> None:
    with cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def traced(conn: Any) -> Iterator[collections.Counter[str]]:
    """Count the messages the server sends on ``conn`` inside the block, by type."""
    counts: collections.Counter[str] = collections.Counter()
    fd, path = tempfile.mkstemp(prefix="mf-pg-trace-")
    try:
        conn.pgconn.trace(fd)
        conn.pgconn.set_trace_flags(
            psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE
        )
        try:
            yield counts
        finally:
            conn.pgconn.untrace()
        with open(path, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                parts = line.split("\t", 3)
                if len(parts) > 2:
                    counts[f"{parts[0]} {parts[2].split(' ', 1)[0].strip()}"] += 1
    finally:
        os.close(fd)
        os.unlink(path)


def round_trips(counts: collections.Counter[str]) -> int:
    """Round trips in a trace: each ends with a ``ReadyForQuery`` or ``CopyInResponse``."""
    return counts["B ReadyForQuery"] + counts["B CopyInResponse"]


# --------------------------------------------------------------------------- save


def _save_setup(dsn: str, n: int) -> dict[str, Any]:
    conversations = workloads._round(n).conversations
    writer = _store(dsn, "bench_scratch")  # only to prepare the rows the store writes
    writes = [writer._prepare(c, 0) for c in conversations]
    writer.close()
    _drop(dsn, "bench_scratch")
    audit = [
        AuditEntry(
            kind=w.kind, id=w.name, revision=1, actor="system", action="create", at=CLOCK.now()
        )
        for w in writes
    ]
    audit = link_audit("", audit)  # sealed and chained, as the store writes them
    return {
        "dsn": dsn,
        "n": n,
        "conversations": conversations,
        "rows": rows_for(writes, audit),
        "store": None,
        "runs": 0,
    }


def _save_reset(s: dict[str, Any]) -> None:
    """New, empty tables for the next run (the last run's are dropped)."""
    if s["store"] is not None:
        s["store"].close()
        _drop(s["dsn"], s["store"].schema)
    s["runs"] += 1
    s["store"] = _store(s["dsn"], f"bench_save_{s['n']}_{s['runs']}")


def _save(s: dict[str, Any]) -> None:
    s["store"].save_many(s["conversations"])


def _save_floor(s: dict[str, Any]) -> None:
    conn = s["store"]._conn
    with conn.transaction(), conn.cursor() as cur:
        for statement, rows in s["rows"].items():
            if rows:
                _copy(cur, statement, rows)


def _server_cpu(conn: Any) -> float | None:
    """CPU seconds the server process behind ``conn`` has used (``None``: not on this host)."""
    try:
        with open(f"/proc/{conn.info.backend_pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_times(s: dict[str, Any], fn: Callable[[dict[str, Any]], Any]) -> tuple[float, float]:
    """Client and server CPU seconds of one run of ``fn`` (server: -1 when unknown)."""
    _save_reset(s)
    conn = s["store"]._conn
    server, client = _server_cpu(conn), time.process_time()
    fn(s)
    client = time.process_time() - client
    after = _server_cpu(conn)
    return client, -1.0 if server is None or after is None else after - server


def _save_figures(s: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, fn in (("store", _save), ("floor", _save_floor)):
        client, server = _cpu_times(s, fn)
        figures[f"{name} client CPU s"] = round(client, 2)
        figures[f"{name} server CPU s"] = round(server, 2)
    _save_reset(s)
    sample = s["conversations"][:TRACE_SAVE]
    with traced(s["store"]._conn) as counts:
        s["store"].save_many(sample)
    rows = sum(len(rows) for rows in s["rows"].values()) * len(sample) // s["n"]
    s["store"].close()
    _drop(s["dsn"], s["store"].schema)
    s["rows"] = None
    figures.update(
        {"traced conversations": len(sample), "rows": rows, "round trips": round_trips(counts)}
    )
    return figures


# --------------------------------------------------------------------------- re-save 1 %

_RESAVE_TABLE = """
    CREATE TEMPORARY TABLE IF NOT EXISTS resave (
        id TEXT, schema_version INTEGER, cycle TEXT, unit TEXT, kind TEXT, status TEXT,
        start BIGINT, body JSONB) ON COMMIT DELETE ROWS
"""
_RESAVE_UPDATE = """
    UPDATE conversations c SET revision = c.revision + 1, schema_version = t.schema_version,
        cycle = t.cycle, unit = t.unit, kind = t.kind, status = t.status, start = t.start,
        body = t.body
    FROM resave t WHERE c.id = t.id
"""


def _resave_setup(dsn: str, n: int) -> dict[str, Any]:
    store = _round_store(dsn, n)
    s = workloads.resave_state(store, workloads._round(n))
    raw = psycopg.connect(dsn, autocommit=True)
    raw.execute(f'SET search_path TO "{store.schema}"')
    raw.execute(_RESAVE_TABLE)
    floor = []
    for writes in workloads.resave_writes(s):
        audit = [
            AuditEntry(
                kind=w.kind, id=w.id, revision=2, actor="system", action="update", at=CLOCK.now()
            )
            for w in writes
        ]
        rows = rows_for(writes, audit)  # changed conversations: only their side-table rows
        updated = [
            (
                w.id,
                w.schema_version,
                w.index.cycle,
                w.index.unit,
                w.index.kind,
                w.index.status,
                w.index.start,
                w.body,
            )
            for w in writes
        ]
        floor.append(([w.id for w in writes], updated, rows))
    s.update(raw=raw, floor=floor)
    return s


def _resave_floor(s: dict[str, Any]) -> None:
    ids, updated, rows = s["floor"][s["turn"]]
    conn = s["raw"]
    with conn.transaction(), conn.cursor() as cur:
        _copy(
            cur,
            "COPY resave (id, schema_version, cycle, unit, kind, status, start, body) FROM STDIN",
            updated,
        )
        cur.execute(_RESAVE_UPDATE)
        cur.execute("DELETE FROM conversation_people WHERE conversation = ANY(%s)", (ids,))
        cur.execute("DELETE FROM agreements WHERE conversation = ANY(%s)", (ids,))
        for statement in (COPY_PEOPLE, COPY_AGREEMENTS, COPY_AUDIT):
            _copy(cur, statement, rows[statement])
    s["bump"] += 1
    s["turn"] ^= 1


def _resave_figures(s: dict[str, Any]) -> dict[str, Any]:
    with traced(s["store"]._conn) as counts:
        workloads.resave(s)
    ids, _, rows = s["floor"][0]
    written = 2 * len(ids) + sum(len(r) for r in rows.values())  # + the deleted side rows
    s["raw"].close()
    s["store"].close()
    return {
        "conversations re-saved": len(ids),
        "rows written or deleted": written,
        "round trips": round_trips(counts),
    }


# --------------------------------------------------------------------------- load a unit


def _load_setup(dsn: str, n: int) -> dict[str, Any]:
    s = workloads.query_state(_round_store(dsn, n), workloads._round(n))
    raw = psycopg.connect(dsn, autocommit=True)
    raw.execute(f'SET search_path TO "{s["store"].schema}"')
    s["raw"] = raw
    return s


def _load_units(s: dict[str, Any]) -> int:
    return sum(len(s["store"].conversations(unit=u)) for u in s["units"])


_SELECT_UNIT = (
    'SELECT revision, body::text FROM conversations WHERE unit = %s ORDER BY id COLLATE "C"'
)


def _load_units_floor(s: dict[str, Any]) -> int:
    conv = converter()
    loaded = []
    for unit in s["units"]:
        for revision, body in s["raw"].execute(_SELECT_UNIT, (unit,)):
            data = _load_json(body)
            del data["schema_version"]
            loaded.append((conv.structure(data, mf.Conversation), revision))
    return len(loaded)


def _load_figures(s: dict[str, Any]) -> dict[str, Any]:
    count = _load_units(s)
    assert count == _load_units_floor(s)
    sizes = s["unit_sizes"]
    s["raw"].close()
    s["store"].close()
    return {"units": len(sizes), "unit size": f"{min(sizes)}-{max(sizes)}", "loaded": count}


# --------------------------------------------------------------------------- the workloads


def _workloads(dsn: str) -> list[Workload]:
    def setup(fn: Callable[[str, int], Any]) -> Callable[[int], Any]:
        return lambda n: fn(dsn, n)

    return [
        Workload(
            "postgres save",
            setup(_save_setup),
            _save,
            floor=_save_floor,
            floor_name="COPY of the same rows, one transaction",
            target="<= 1.5x floor; never one round trip per row",
            extra=_save_figures,
            reset=_save_reset,
        ),
        Workload(
            "postgres load unit",
            setup(_load_setup),
            _load_units,
            floor=_load_units_floor,
            floor_name="raw select + JSON parsing + structuring",
            target="time(100,000) <= 12x time(10,000)",
            extra=_load_figures,
        ),
        Workload(
            "postgres queries",
            lambda n: workloads.query_state(_round_store(dsn, n), workloads._round(n)),
            workloads._queries,
            target="query p50/p95 at 200,000 <= 1.5x at 10,000 (same unit size)",
            extra=workloads._query_figures,
        ),
        Workload(
            "postgres queries (n/25 units)",
            lambda n: workloads.query_state(_round_store(dsn, n, True), _small_units_round(n)),
            workloads._queries,
            target="query p50/p95 at 200,000 <= 1.5x at 10,000 (same unit size)",
            extra=workloads._query_figures,
            sizes=[10_000, 100_000, 200_000],
        ),
        Workload(
            "postgres re-save 1%",
            setup(_resave_setup),
            workloads.resave,
            floor=_resave_floor,
            floor_name="COPY of the same rows (temp table + UPDATE … FROM), one transaction",
            target="<= 1.5x floor; never one round trip per row",
            extra=_resave_figures,
        ),
    ]


def _ratio(cell: Cell) -> str:
    if not cell.floor:
        return "no floor"
    wall = harness.ratio(cell.sides["ours"]["wall_median"], cell.sides["floor"]["wall_median"])
    return f"{cell.time / cell.floor:.2f}x floor CPU, {wall}x wall"


def run(
    dsn: str, sizes: list[int], repeats: int, only: list[str] | None = None, gc_mode: str = "off"
) -> list[Cell]:
    """Measure every PostgreSQL workload at every size; print each line and the table."""
    with psycopg.connect(dsn) as conn:
        (version,) = conn.execute("SHOW server_version").fetchone()
    print(f"# musframework PostgreSQL benchmarks: {harness.machine()}, PostgreSQL {version}")
    print(
        f"# {repeats} interleaved runs (floor and store in a rotating order), collector "
        f"{gc_mode} for both; CPU time (client) and wall time, medians"
    )
    cells: list[Cell] = []
    for w in _workloads(dsn):
        if only and w.name not in only:
            continue
        for n in sizes:
            if w.sizes is not None and n not in w.sizes and n != QUICK:
                continue
            cell = harness.measure(w, n, repeats, gc_mode)
            cells.append(cell)
            print(
                f"{w.name} N={n:,}: {harness._fmt_time(cell.time)} CPU "
                f"(floor {harness._fmt_time(cell.floor)}: {_ratio(cell)}) {cell.figures or ''}",
                flush=True,
            )
    for n in sizes:
        _drop(dsn, f"bench_round_{n}")
        _drop(dsn, f"bench_round_{n}_small_units")
    print()
    print(harness.table(cells))
    return cells


def main(argv: list[str] | None = None) -> list[Cell]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N=100 (a smoke test)")
    parser.add_argument("-n", type=int, nargs="+", default=[10_000, 100_000], help="sizes")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs (median)")
    parser.add_argument("--only", nargs="+", help="workload names to run")
    parser.add_argument("--dsn", help="use this server instead of starting one")
    parser.add_argument("--gc", choices=harness.GC_MODES, default="off")
    args = parser.parse_args(argv)
    sizes = [QUICK] if args.quick else args.n
    if args.dsn:
        return run(args.dsn, sizes, args.repeats, args.only, args.gc)
    from tests.postgres_server import running_server

    with running_server() as dsn:
        return run(dsn, sizes, args.repeats, args.only, args.gc)


if __name__ == "__main__":
    main()
