"""Rounds of up to a million conversations in SQLite: queries that the SQL answers (issue 16).

The round is generated one conversation at a time (``data.iter_conversations``) and saved
with ``save_many`` in chunks, so building a store of a million conversations never holds
more than one chunk. About N / 25 units, so that units of about 25 members exist at every N
and a query of one unit does the same work at 10,000 as at 1,000,000.

Workload ``sqlite overdue in a unit (SQL)``: for each of 20 units of about 25 members,
``store.overdue_agreements(on, unit=u)`` (the agreements side table's ``unit`` column and
its ``(unit, status, deadline)`` index). Floor: a raw SQL join of ``conversations`` (by
``unit``) and ``agreements`` (open or in progress, deadline before the day) on the store's
own connection, each body structured with the same ``mf.loads``. The extra figures give
per-unit p50 latencies of the count queries and, for contrast, of the old way: loading the
unit's conversations (``store.conversations(unit=u)``) and filtering with
``Agreement.is_overdue``.

Run: ``nox -s bench -- --sizes 10000 100000 --only "sqlite overdue in a unit (SQL)"``.

Workload ``validate+analyse from SQLite (memory)``: ``validate`` and ``analyse_round`` over
``store.conversation_source(cycle=...)``, which they read in passes. At 1,000,000 the harness
would build the store for each run; measure it once instead:
``python benchmarks/round_scale.py 1000000 --build DIR`` (about half an hour), then
``python benchmarks/round_scale.py 1000000 --store DIR/round.db`` (peak RSS, CPU and wall);
``... --store DIR/round.db --overdue`` times the overdue query of one unit in that store.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pendulum
from harness import Workload, workload

import data
import musframework as mf
from musframework.model.round import overdue_filter

CLOCK = mf.FixedClock(pendulum.datetime(2026, 3, 2, 12, tz=data.TZ))
UNIT_SIZE = 25
SAMPLES = 20
CHUNK = 5_000
_OVERDUE = overdue_filter(data.TODAY)


def round_parts(n: int) -> tuple[mf.Questionnaire, mf.Organisation, mf.Cycle]:
    """The form, an organisation of ``n`` employees in about n / 25 units, and the cycle."""
    form = data.scored_questionnaire()
    org = data.organisation(n, 1, max(3, n // UNIT_SIZE))
    return form, org, data.cycle(form, "mus-2025")


def stream(n: int) -> tuple[mf.Organisation, mf.Cycle, Iterator[mf.Conversation]]:
    """The organisation, the cycle and the round's conversations, generated one by one."""
    form, org, cyc = round_parts(n)
    return org, cyc, data.iter_conversations(form, org, cyc, 1)


def build_store(n: int, directory: str) -> str:
    """A SQLite file in ``directory`` holding a round of ``n``; returns its path."""
    path = os.path.join(directory, "round.db")
    _, cyc, conversations = stream(n)
    with mf.storage.SQLiteStore(path, clock=CLOCK) as store:
        store.save(cyc)
        store.save_many(conversations, chunk=CHUNK)
    return path


def sample_units(org: mf.Organisation) -> list[str]:
    """The ``SAMPLES`` units whose size is closest to ``UNIT_SIZE`` (ties by id)."""
    sizes = {u.id: len(u.members) for u in org.units}
    return sorted(sizes, key=lambda u: (abs(sizes[u] - UNIT_SIZE), u))[:SAMPLES]


def _setup(n: int) -> dict[str, Any]:
    directory = tempfile.mkdtemp(prefix="mf-bench-scale-")
    started = time.perf_counter()
    path = build_store(n, directory)
    built = time.perf_counter() - started
    _, org, _ = round_parts(n)
    units = sample_units(org)
    sizes = {u.id: len(u.members) for u in org.units}
    store = mf.storage.SQLiteStore(path, clock=CLOCK)
    return {
        "store": store,
        "dir": directory,
        "units": units,
        "sizes": [sizes[u] for u in units],
        "built": built,
    }


def _ours(s: dict[str, Any]) -> list[list[mf.storage.AgreementRecord]]:
    store = s["store"]
    return [store.overdue_agreements(data.TODAY, unit=u) for u in s["units"]]


# The best plain join on the tables as they were: the unit's conversations by their index,
# then their agreements by the primary key (CROSS JOIN fixes SQLite's join order, and the
# unary ``+`` keeps it from using the (status, deadline) index instead). Left to itself,
# SQLite started from that index and joined every overdue agreement of the round to its
# conversation: 321 ms a unit at 100,000.
_JOIN = (
    "SELECT a.conversation, a.body FROM conversations c "
    "CROSS JOIN agreements a ON a.conversation = c.id "
    "WHERE c.unit = ? AND +a.status IN ({}) AND +a.deadline < ? "
    "ORDER BY a.deadline, a.conversation, a.position"
)


def raw_join(conn: Any, unit: str, *, decode: bool = True) -> list[Any]:
    """The floor: one hand-written join, each body structured with ``mf.loads``."""
    statuses = sorted(s.value for s in _OVERDUE.statuses)
    sql = _JOIN.format(",".join("?" * len(statuses)))
    rows = conn.execute(sql, (unit, *statuses, _OVERDUE.deadline_before.isoformat())).fetchall()
    if not decode:
        return rows
    return [(c, mf.loads(body, mf.Agreement)) for c, body in rows]


def _floor(s: dict[str, Any]) -> list[list[Any]]:
    conn = s["store"].connection
    return [raw_join(conn, u) for u in s["units"]]


def _p50_ms(fn: Any, units: list[str], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        for u in units:
            start = time.process_time()
            fn(u)
            times.append(time.process_time() - start)
    return round(statistics.median(times) * 1000, 3)


def _old_way(store: Any, unit: str) -> list[Any]:
    return [
        (s.document.id, a)
        for s in store.conversations(unit=unit)
        for a in s.document.agreements
        if a.is_overdue(data.TODAY)
    ]


_DONE = sorted(s.value for s in mf.ConversationStatus.HELD_OR_LATER)


def overdue_per_unit(store: Any, units: list[str]) -> float:
    """Check the store's overdue query against the raw join unit by unit; the mean found."""
    conn = store.connection
    ours = [
        [(r.conversation, r.agreement) for r in store.overdue_agreements(data.TODAY, unit=u)]
        for u in units
    ]
    assert ours == [raw_join(conn, u) for u in units], "the store and the raw join disagree"
    return sum(map(len, ours)) / len(units)


def _figures(s: dict[str, Any]) -> dict[str, Any]:
    store, units = s["store"], s["units"]
    conn = store.connection
    figures = {
        "unit size": f"{min(s['sizes'])}-{max(s['sizes'])}",
        "overdue per unit": round(overdue_per_unit(store, units), 1),
        "build s (wall)": round(s["built"], 1),
        "overdue p50 ms (CPU)": _p50_ms(
            lambda u: store.overdue_agreements(data.TODAY, unit=u), units
        ),
        "raw join p50 ms (CPU)": _p50_ms(lambda u: raw_join(conn, u), units),
        "raw join, rows only, p50 ms": _p50_ms(lambda u: raw_join(conn, u, decode=False), units),
        "count overdue p50 ms": _p50_ms(
            lambda u: store.count_overdue_agreements(data.TODAY, unit=u), units
        ),
        "completion (2 counts) p50 ms": _p50_ms(
            lambda u: (
                store.count_conversations(unit=u, status=_DONE),
                store.count_conversations(unit=u, status=[*_DONE, "planned", "invited"]),
            ),
            units,
        ),
        "old way (load unit) p50 ms": _p50_ms(lambda u: _old_way(store, u), units, repeats=1),
        "db MiB": round(os.path.getsize(os.path.join(s["dir"], "round.db")) / 2**20),
    }
    store.close()
    shutil.rmtree(s["dir"], ignore_errors=True)
    return figures


workload(
    Workload(
        "sqlite overdue in a unit (SQL)",
        _setup,
        _ours,
        floor=_floor,
        floor_name="raw SQL join + mf.loads",
        target="<= 2x the raw join at 100,000; flat from 10,000 to 1,000,000",
        extra=_figures,
        sizes=[100, 1_000, 10_000, 100_000, 1_000_000],
    )
)


# --------------------------------------------------------------------------- memory


def _rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _memory_setup(n: int) -> dict[str, Any]:
    s = _setup(n)
    _, org, cyc = round_parts(n)
    s.update(org=org, cycle=cyc, rss_before=_rss())
    return s


def validate_and_analyse(store: Any, cyc: mf.Cycle, org: mf.Organisation) -> int:
    """Validate and analyse the round read from ``store`` in passes (one page held at a time)."""
    source = store.conversation_source(cycle=cyc.id)
    report = mf.validate(cyc, conversations=source, organisation=org)
    mf.analyse_round(cyc, source, organisation=org, on=data.TODAY)
    return len(report)


def _validate_and_analyse(s: dict[str, Any]) -> int:
    return validate_and_analyse(s["store"], s["cycle"], s["org"])


def _memory_figures(s: dict[str, Any]) -> dict[str, Any]:
    figures = {
        "peak RSS MiB": round(_rss() / 2**20),
        "RSS before reading the round MiB": round(s["rss_before"] / 2**20),
        "build s (wall)": round(s["built"], 1),
    }
    s["store"].close()
    shutil.rmtree(s["dir"], ignore_errors=True)
    return figures


workload(
    Workload(
        "validate+analyse from SQLite (memory)",
        _memory_setup,
        _validate_and_analyse,
        target="<= 1.5 GiB peak RSS at 1,000,000 (reported: RSS at each N)",
        extra=_memory_figures,
        sizes=[100, 10_000, 50_000, 100_000, 1_000_000],
    )
)


def measure_memory(n: int, path: str | None) -> dict[str, Any]:
    """One run of validate + analyse over a round of ``n`` in SQLite, in this process.

    ``path`` is a store built earlier by :func:`build_store` (building a million takes about
    half an hour); without it the store is built in a temporary folder first. Reports peak
    RSS (the organisation of ``n`` people included), the RSS before reading the round, and
    CPU and wall time of the run.
    """
    directory = None
    if path is None:  # built by a child process: its peak RSS is not this one's
        directory = tempfile.mkdtemp(prefix="mf-bench-memory-")
        path = os.path.join(directory, "round.db")
        subprocess.run([sys.executable, __file__, str(n), "--build", directory], check=True)
    _, org, cyc = round_parts(n)
    before = _rss()
    with mf.storage.SQLiteStore(path, clock=CLOCK) as store:
        assert store.count_conversations(cycle=cyc.id) == n, "the store holds another round"
        cpu, wall = time.process_time(), time.perf_counter()
        findings = validate_and_analyse(store, cyc, org)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
    return {
        "n": n,
        "findings": findings,
        "CPU s": round(cpu, 1),
        "wall s": round(wall, 1),
        "RSS before reading MiB": round(before / 2**20),
        "peak RSS MiB": round(_rss() / 2**20),
    }


def measure_overdue(n: int, path: str, repeats: int = 2) -> dict[str, Any]:
    """Overdue agreements of 20 units of about 25 in a store built by :func:`build_store`.

    p50 CPU milliseconds per unit of ``store.overdue_agreements(on, unit=u)`` and of the raw
    join, interleaved ``repeats`` times (each a list of figures); the answers are compared.
    """
    _, org, _ = round_parts(n)
    units = sample_units(org)
    with mf.storage.SQLiteStore(path, clock=CLOCK) as store:
        conn = store.connection
        figures: dict[str, Any] = {"n": n, "overdue per unit": overdue_per_unit(store, units)}
        for _ in range(repeats):
            figures.setdefault("ours p50 ms", []).append(
                _p50_ms(lambda u: store.overdue_agreements(data.TODAY, unit=u), units)
            )
            figures.setdefault("raw join p50 ms", []).append(
                _p50_ms(lambda u: raw_join(conn, u), units)
            )
    return figures


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="validate + analyse a round from SQLite")
    parser.add_argument("n", type=int, help="conversations in the round")
    parser.add_argument("--store", help="a store built earlier by build_store(n, folder)")
    parser.add_argument("--build", help="only build the store of n in this folder")
    parser.add_argument("--overdue", action="store_true", help="time the overdue query")
    args = parser.parse_args()
    if args.build:
        build_store(args.n, args.build)
    elif args.overdue:
        print(json.dumps(measure_overdue(args.n, args.store)))
    else:
        print(json.dumps(measure_memory(args.n, args.store)))
