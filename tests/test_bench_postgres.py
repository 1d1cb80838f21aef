"""The PostgreSQL benchmark runs (quick mode, N=100), so it never rots; no timings asserted.

It does assert what the benchmark counts: saving 100 conversations (900 rows) and re-saving
one in a unit of work take a handful of round trips to the server, not one per row.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def test_quick_mode_runs_every_workload_against_a_real_server(postgres_dsn, capsys):
    spec = importlib.util.spec_from_file_location("bench_postgres", BENCH / "bench_postgres.py")
    bench = importlib.util.module_from_spec(spec)
    saved_path = list(sys.path)
    try:
        spec.loader.exec_module(bench)
        cells = bench.main(["--quick", "--repeats", "1", "--dsn", postgres_dsn])
    finally:
        sys.path[:] = saved_path
    by_name = {c.name: c for c in cells}
    assert set(by_name) == {
        "postgres save",
        "postgres re-save 1%",
        "postgres load unit",
        "postgres queries",
        "postgres queries (n/25 units)",
    }
    for cell in cells:
        assert cell.n == 100
        assert cell.time > 0
        if not cell.name.startswith("postgres queries"):
            assert cell.floor > 0
    save = by_name["postgres save"].figures
    assert save["traced conversations"] == 100
    assert save["rows"] == 100 * (1 + 2 + 5 + 1)  # conversation, people, agreements, audit
    # One more than before the audit log was a hash chain: its lock and head (one statement);
    # one more since save_many is one transaction (its chunks savepoints in it).
    assert save["round trips"] <= 14
    resave = by_name["postgres re-save 1%"].figures
    assert resave["conversations re-saved"] == 1
    assert resave["round trips"] <= 13
    load = by_name["postgres load unit"].figures
    assert load["loaded"] > 0
    for workload in ("postgres queries", "postgres queries (n/25 units)"):
        queries = by_name[workload].figures
        for name in ("overdue", "completion", "owner"):
            assert 0 < queries[f"{name} p50 ms"] <= queries[f"{name} p95 ms"]
    out = capsys.readouterr().out
    assert "| postgres save | 100 |" in out
    assert "PostgreSQL 1" in out  # the server version line
