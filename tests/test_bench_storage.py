"""The storage benchmark's quick mode runs, so the benchmark code never rots (no timings asserted)."""

import importlib.util
import io
import pathlib

_PATH = pathlib.Path(__file__).parent.parent / "benchmarks" / "bench_storage.py"


def test_quick_mode_runs_and_reports_every_ratio(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_storage", _PATH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = io.StringIO()
    results = bench.run(100, tmp_path, out=out)
    text = out.getvalue()
    for label in ("save 100", "load cycle (10)", "load all (100)", "overdue at 100"):
        assert label in text
    assert text.count("ratio") == 4
    names = {"save", "save_floor", "load", "load_floor", "load_all", "load_all_floor"}
    names |= {"overdue", "overdue_small"}
    assert set(results) == names | {f"{n}_{s}" for n in names for s in ("wall", "min")}
    assert "interleaved repeats, collector off for store and floor alike" in text
    assert all(value > 0 for value in results.values())
    assert bench.main(["--quick", "--dir", str(tmp_path / "cli")])["save"] > 0
