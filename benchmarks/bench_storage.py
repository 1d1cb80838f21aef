"""Storage benchmark: save and load conversations in SQLite, as ratios to floors.

Run with ``nox -s bench`` or ``python benchmarks/bench_storage.py [--quick] [-n N]``.

* **save**: ``SQLiteStore.save_many`` of N conversations (30 answers and 5 agreements each,
  from a seeded generator), one call (one transaction, chunks of 5,000 inside). Floor: raw
  ``sqlite3`` ``executemany``, in one transaction, of the very rows the store writes (the
  same JSON text, index columns, side-table and audit rows, into the same tables): what
  saving would cost if serialization and Python were free.
* **load a cycle**: ``store.conversations(cycle=...)``. Floor: a raw select of the same rows,
  JSON parsing and the converter's structuring.
* **load all**: ``store.documents(mf.Conversation)``. Floor: a raw select of every row,
  decoded by msgspec into Structs of the same shape (``msgspec_peer``: zoned, byte-identical).
* **overdue agreements**: the query at N and at N/10 conversations. The number of overdue
  agreements is the same in both, so an index answers in about the same time; a scan would
  take ten times as long.

Store and floor run interleaved, ``--repeats`` times (3 from 10,000 conversations, else 5),
the order alternating, each run into a new empty database with the store's tables, in the same
collector state (``--gc off``, the default: paused for both, as ``save_many`` and the store's
loads pause it themselves; ``--gc on``: on for both), timed in CPU time
(``time.process_time``) and wall time; ratios are of the CPU medians, with the wall ratio
beside. The conversations and the floor's rows are built once, untimed.

Targets: save <= 1.5x floor, load <= 1.3x floor (a cycle; all), overdue(N) <= 2x
overdue(N/10). Not part of the test suite (``tests/test_bench_storage.py`` only runs the
quick mode so this never rots).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import sqlite3
import sys
import tempfile
from collections.abc import Iterator

import pendulum

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness
import msgspec_peer

import musframework as mf
from musframework.serialization import _load_json, converter
from musframework.storage import SQLiteStore
from musframework.storage._integrity import body_hash
from musframework.storage.base import link_audit
from musframework.storage.protocol import AuditEntry
from musframework.storage.sqlite import connect, rows_for

CHUNK = 5000  # save_many's default: see docs/performance.md
CYCLES = 10
OVERDUE = 200  # agreements overdue on TODAY, all among the first conversations
TODAY = pendulum.date(2026, 1, 1)
CPH = "Europe/Copenhagen"


def questionnaire() -> mf.Questionnaire:
    questions: list[mf.Question] = []
    for i in range(30):
        text = {"da": f"Spørgsmål {i}", "en": f"Question {i}"}
        if i % 3 == 2:
            questions.append(mf.TextQuestion(id=f"q{i}", text=text, long=True))
        else:
            questions.append(mf.ScaleQuestion(id=f"q{i}", text=text))
    return mf.Questionnaire(
        id="bench",
        version="1",
        title={"da": "Benchmark", "en": "Benchmark"},
        sections=[
            mf.Section(id="s", title={"da": "S", "en": "S"}, minutes=60, questions=questions)
        ],
    )


def conversations(n: int, seed: int = 2026) -> Iterator[mf.Conversation]:
    """N conversations, 30 answers and 5 agreements each, the same for the same seed."""
    rng = random.Random(seed)
    form = questionnaire()
    start = pendulum.datetime(2024, 1, 8, 9, tz=CPH)
    overdue_left = OVERDUE
    words = ["udvikling", "kursus", "mentor", "opgave", "ansvar", "trivsel", "mål", "læring"]
    for i in range(n):
        employee, leader = f"p{i:06}", f"l{i % 500:04}"
        answers: dict[str, object] = {}
        for j in range(30):
            if j % 3 == 2:
                answers[f"q{j}"] = " ".join(rng.choices(words, k=rng.randint(5, 25)))
            else:
                answers[f"q{j}"] = rng.randint(1, 5)
        response = form.new_response("employee", employee, answers)
        agreements = []
        for k in range(5):
            if overdue_left > 0 and i % 5 == 0:
                deadline = TODAY.subtract(days=rng.randint(1, 300))
                overdue_left -= 1
            else:
                deadline = TODAY.add(days=rng.randint(1, 700))
            agreements.append(
                mf.Agreement(
                    id=f"a{k}",
                    description=" ".join(rng.choices(words, k=rng.randint(3, 10))),
                    owner=rng.choice([employee, leader]),
                    deadline=deadline,
                    kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
                )
            )
        yield mf.Conversation(
            id=f"c{i:06}",
            kind=mf.ConversationKind.MUS,
            cycle=f"cycle-{i % CYCLES}",
            unit=f"u{i % 97}",
            participants=[mf.Participant(employee, "employee"), mf.Participant(leader, "leader")],
            scheduled_start=start.add(minutes=30 * (i % 5000)),
            questionnaire=form.ref,
            responses=[response],
            goals=[" ".join(rng.choices(words, k=8))],
            agreements=agreements,
            status=mf.ConversationStatus.CONCLUDED,
        )


def prepared(n: int, clock: mf.FixedClock, directory: pathlib.Path) -> dict[str, object]:
    """The N conversations in batches, and the floor's rows (all built once, untimed)."""
    batches: list[list[mf.Conversation]] = []
    for c in conversations(n):
        if not batches or len(batches[-1]) == CHUNK:
            batches.append([])
        batches[-1].append(c)
    writer = SQLiteStore(directory / "scratch.db", clock=clock)  # only to prepare the rows
    rows: list[dict[str, list[tuple[object, ...]]]] = []
    head = ""  # the floor writes the audit rows sealed and chained, as the store does
    for batch in batches:
        writes = [writer._prepare(c, 0) for c in batch]
        audit = [
            AuditEntry(
                kind=w.kind,
                id=w.name,
                revision=w.revision,
                actor="system",
                action="create",
                at=clock.now(),
                document_hash=body_hash(w.body),  # as the store's entries: the body's hash
            )
            for w in writes
        ]
        audit = link_audit(head, audit)
        head = audit[-1].hash
        rows.append(rows_for(writes, audit))
    writer.close()
    return {"batches": batches, "rows": rows}


def fresh(path: pathlib.Path) -> None:
    """An empty database with the store's tables and indexes at ``path`` (untimed)."""
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
    SQLiteStore(path).close()


def store_save(path: pathlib.Path, data: dict[str, object], clock: mf.FixedClock) -> None:
    """One ``save_many`` of all conversations into the (empty) database at ``path``.

    One call, one transaction (its default), as the floor: chunks of ``CHUNK`` inside it.
    """
    store = SQLiteStore(path, clock=clock)
    batches: list[list[mf.Conversation]] = data["batches"]  # type: ignore[assignment]
    store.save_many((c for batch in batches for c in batch), chunk=CHUNK)
    store.close()


def floor_save(path: pathlib.Path, data: dict[str, object]) -> None:
    """Raw ``executemany`` of the very rows the store writes, in one transaction."""
    conn = connect(path)  # the store's own connection settings (WAL, cache, secure delete)
    conn.execute("BEGIN")
    for rows in data["rows"]:  # type: ignore[attr-defined]
        for sql, values in rows.items():
            conn.executemany(sql, values)
    conn.execute("COMMIT")
    conn.close()


def load_floor(path: pathlib.Path, cycle: str) -> int:
    conn = sqlite3.connect(path)
    conv = converter()
    loaded = []
    for revision, body in conn.execute(
        "SELECT revision, body FROM conversations WHERE cycle = ? ORDER BY id", (cycle,)
    ):
        data = _load_json(body)
        del data["schema_version"]
        loaded.append((conv.structure(data, mf.Conversation), revision))
    conn.close()
    return len(loaded)


def load_all_floor(path: pathlib.Path) -> int:
    """A raw ``SELECT`` of every conversation, decoded by msgspec into the peer's structs."""
    conn = sqlite3.connect(path)
    decode = msgspec_peer.decode
    loaded = [
        (decode(body), revision)
        for revision, body in conn.execute("SELECT revision, body FROM conversations ORDER BY id")
    ]
    conn.close()
    return len(loaded)


def run(  # type: ignore[no-untyped-def]
    n: int, directory: pathlib.Path, out=sys.stdout, repeats: int | None = None, gc_mode="off"
) -> dict[str, float]:
    """Measure save, load and the overdue query at ``n``; print one line each.

    Store and floor run interleaved (``repeats`` times, the order alternating), in the same
    collector state (``harness.timed``), timed in CPU and wall time; the results are CPU
    medians (``*_wall``: wall medians).
    """
    clock = mf.FixedClock(pendulum.datetime(2026, 1, 1, 12, tz=CPH))
    small = max(n // 10, 1)
    repeats = repeats or (3 if n >= 10_000 else 5)
    print(f"storage benchmark: {n:,} conversations (30 answers, 5 agreements each)", file=out)
    print(
        f"machine: {harness.machine()}, SQLite {sqlite3.sqlite_version}; {repeats} "
        f"interleaved repeats, collector {gc_mode} for store and floor alike",
        file=out,
    )
    data = prepared(n, clock, directory)
    results: dict[str, float] = {}
    target = directory / "save.db"
    save = harness.interleaved(
        {
            "save": lambda: store_save(target, data, clock),
            "save_floor": lambda: floor_save(target, data),
        },
        repeats,
        gc_mode,
        reset=lambda: fresh(target),
    )
    big, small_db = directory / "big.db", directory / "small.db"
    fresh(big)
    store_save(big, data, clock)
    fresh(small_db)
    store_save(small_db, prepared(small, clock, directory), clock)

    store = SQLiteStore(big)
    cycle = "cycle-3"
    count = len(store.conversations(cycle=cycle))
    assert count == load_floor(big, cycle)
    load = harness.interleaved(
        {
            "load": lambda: store.conversations(cycle=cycle),
            "load_floor": lambda: load_floor(big, cycle),
        },
        repeats,
        gc_mode,
    )
    assert len(store.documents(mf.Conversation)) == load_all_floor(big) == n
    load_all = harness.interleaved(
        {
            "load_all": lambda: store.documents(mf.Conversation),
            "load_all_floor": lambda: load_all_floor(big),
        },
        repeats,
        gc_mode,
    )
    small_store = SQLiteStore(small_db)
    overdue_big = len(store.overdue_agreements(TODAY))
    overdue_small = len(small_store.overdue_agreements(TODAY))
    overdue = harness.interleaved(
        {
            "overdue": lambda: store.overdue_agreements(TODAY),
            "overdue_small": lambda: small_store.overdue_agreements(TODAY),
        },
        50,
        gc_mode,
    )
    store.close()
    small_store.close()
    for stats in (save, load, load_all, overdue):
        for name, st in stats.items():
            summary = st.summary()
            results[name] = summary["cpu_median"]
            results[f"{name}_wall"] = summary["wall_median"]
            results[f"{name}_min"] = summary["cpu_min"]

    def line(name: str, key: str, floor: str, target: float, what: str) -> None:
        cpu = results[key] / results[floor]
        wall = results[f"{key}_wall"] / results[f"{floor}_wall"]
        low = results[f"{key}_min"] / results[f"{floor}_min"]
        verdict = "ok" if cpu <= target else "OVER TARGET"
        print(
            f"{name:<24} CPU {results[key]:8.3f} s  {what:<26} CPU {results[floor]:8.3f} s  "
            f"ratio {cpu:5.2f} CPU (of minima {low:5.2f}), {wall:5.2f} wall "
            f"(target <= {target}) {verdict}",
            file=out,
        )

    line(f"save {n:,}", "save", "save_floor", 1.5, "floor (raw executemany)")
    line(f"load cycle ({count:,})", "load", "load_floor", 1.3, "floor (select+parse+struct.)")
    line(f"load all ({n:,})", "load_all", "load_all_floor", 1.3, "floor (select+msgspec)")
    line(
        f"overdue at {n:,} ({overdue_big})",
        "overdue",
        "overdue_small",
        2.0,
        f"at {small:,} ({overdue_small})",
    )
    return results


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 conversations (a smoke test)")
    parser.add_argument("-n", type=int, default=100_000, help="number of conversations")
    parser.add_argument("--dir", type=pathlib.Path, help="where to put the databases")
    parser.add_argument("--repeats", type=int, help="interleaved runs (3 from 10,000, else 5)")
    parser.add_argument("--gc", choices=harness.GC_MODES, default="off")
    args = parser.parse_args(argv)
    n = 100 if args.quick else args.n
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        return run(n, args.dir, repeats=args.repeats, gc_mode=args.gc)
    with tempfile.TemporaryDirectory(prefix="mf-bench-") as directory:
        return run(n, pathlib.Path(directory), repeats=args.repeats, gc_mode=args.gc)


if __name__ == "__main__":
    main()
