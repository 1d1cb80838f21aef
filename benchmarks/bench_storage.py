"""Storage benchmark: save and load conversations in SQLite, as ratios to floors.

Run with ``nox -s bench`` or ``python benchmarks/bench_storage.py [--quick] [-n N]``.

* **save**: ``SQLiteStore.save_many`` of N conversations (30 answers and 5 agreements each,
  from a seeded generator). Floor: raw ``sqlite3`` ``executemany``, in one transaction, of the
  very rows the store writes (the same JSON text, index columns, side-table and audit rows,
  into the same tables): what saving would cost if serialization and Python were free.
* **load a cycle**: ``store.conversations(cycle=...)``. Floor: a raw select of the same rows,
  JSON parsing and the converter's structuring.
* **overdue agreements**: the query at N and at N/10 conversations. The number of overdue
  agreements is the same in both, so an index answers in about the same time; a scan would
  take ten times as long.

Targets: save <= 2x floor, load <= 1.3x floor, overdue(N) <= 2x overdue(N/10). Not part of
the test suite (``tests/test_bench_storage.py`` only runs the quick mode so this never rots).
"""

from __future__ import annotations

import argparse
import gc
import pathlib
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator

import pendulum

import musframework as mf
from musframework.serialization import _load_json, converter
from musframework.storage import SQLiteStore
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


def chunks(n: int) -> Iterator[list[mf.Conversation]]:
    batch: list[mf.Conversation] = []
    for c in conversations(n):
        batch.append(c)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def time_store_save(path: pathlib.Path, n: int, clock: mf.FixedClock) -> float:
    store = SQLiteStore(path, clock=clock)
    elapsed = 0.0
    for batch in chunks(n):  # generation is not timed
        t0 = time.perf_counter()
        store.save_many(batch, chunk=CHUNK)
        elapsed += time.perf_counter() - t0
    store.close()
    return elapsed


def time_floor_save(path: pathlib.Path, n: int, clock: mf.FixedClock) -> float:
    SQLiteStore(path).close()  # the same tables and indexes
    writer = SQLiteStore(path.with_suffix(".scratch"), clock=clock)  # only to prepare rows
    conn = connect(path)  # the store's own connection settings (WAL, cache, secure delete)
    elapsed = 0.0
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    elapsed += time.perf_counter() - t0
    for batch in chunks(n):
        writes = [writer._prepare(c, 0) for c in batch]
        audit = [
            AuditEntry(
                kind=w.kind,
                id=w.name,
                revision=w.revision,
                actor="system",
                action="create",
                at=clock.now(),
            )
            for w in writes
        ]
        rows = rows_for(writes, audit)
        t0 = time.perf_counter()
        for sql, values in rows.items():
            conn.executemany(sql, values)
        elapsed += time.perf_counter() - t0
    t0 = time.perf_counter()
    conn.execute("COMMIT")
    elapsed += time.perf_counter() - t0
    conn.close()
    writer.close()
    return elapsed


def best_of(repeat: int, *fns):  # type: ignore[no-untyped-def]
    """The best time of each function, run in turns so that a busy machine hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


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


def run(n: int, directory: pathlib.Path, out=sys.stdout) -> dict[str, float]:  # type: ignore[no-untyped-def]
    clock = mf.FixedClock(pendulum.datetime(2026, 1, 1, 12, tz=CPH))
    small = max(n // 10, 1)
    print(f"storage benchmark: {n:,} conversations (30 answers, 5 agreements each)", file=out)
    print(
        f"machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        file=out,
    )
    gc.collect()
    gc.freeze()  # see docs/performance.md: the collector slows bulk loading of many objects
    results: dict[str, float] = {}
    big, floor_db, small_db = directory / "big.db", directory / "floor.db", directory / "small.db"
    results["save"] = time_store_save(big, n, clock)
    results["save_floor"] = time_floor_save(floor_db, n, clock)
    time_store_save(small_db, small, clock)

    store = SQLiteStore(big)
    cycle = "cycle-3"
    count = len(store.conversations(cycle=cycle))
    assert count == load_floor(big, cycle)
    repeat = 3 if n >= 10_000 else 5
    results["load"], results["load_floor"] = best_of(
        repeat, lambda: store.conversations(cycle=cycle), lambda: load_floor(big, cycle)
    )

    small_store = SQLiteStore(small_db)
    overdue_big = len(store.overdue_agreements(TODAY))
    overdue_small = len(small_store.overdue_agreements(TODAY))
    results["overdue"], results["overdue_small"] = best_of(
        50,
        lambda: store.overdue_agreements(TODAY),
        lambda: small_store.overdue_agreements(TODAY),
    )
    store.close()
    small_store.close()
    gc.unfreeze()

    def line(name: str, seconds: float, floor: float, target: float, what: str) -> None:
        ratio = seconds / floor
        verdict = "ok" if ratio <= target else "OVER TARGET"
        print(
            f"{name:<28} {seconds:9.3f} s   {what:<24} {floor:9.3f} s   "
            f"ratio {ratio:5.2f} (target <= {target}) {verdict}",
            file=out,
        )

    line(f"save {n:,}", results["save"], results["save_floor"], 2.0, "floor (raw executemany)")
    line(
        f"load cycle ({count:,})",
        results["load"],
        results["load_floor"],
        1.3,
        "floor (select+parse+structure)",
    )
    line(
        f"overdue at {n:,} ({overdue_big})",
        results["overdue"],
        results["overdue_small"],
        2.0,
        f"at {small:,} ({overdue_small})",
    )
    return results


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 conversations (a smoke test)")
    parser.add_argument("-n", type=int, default=100_000, help="number of conversations")
    parser.add_argument("--dir", type=pathlib.Path, help="where to put the databases")
    args = parser.parse_args(argv)
    n = 100 if args.quick else args.n
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        return run(n, args.dir)
    with tempfile.TemporaryDirectory(prefix="mf-bench-") as directory:
        return run(n, pathlib.Path(directory))


if __name__ == "__main__":
    main()
