"""The services benchmark's quick mode runs, so the benchmark code never rots (no timings asserted)."""

import importlib.util
import io
import pathlib

_PATH = pathlib.Path(__file__).parent.parent / "benchmarks" / "bench_services.py"


def test_services_benchmark_quick_mode_runs(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_services", _PATH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = io.StringIO()
    results = bench.run(5, tmp_path, out=out)
    assert set(results) == {"reschedule", "comment", "set_agreement_status"}
    for row in results.values():
        assert row["floor_ms"] > 0 and row["services"] > 0 and row["services, no view"] > 0
    assert "services benchmark: 5 calls per cell" in out.getvalue()
