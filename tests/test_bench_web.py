"""The web load benchmark's quick mode runs, so its code never rots (no timings asserted)."""

import importlib.util
import io
import pathlib

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

_PATH = pathlib.Path(__file__).parent.parent / "benchmarks" / "bench_web.py"


def test_web_benchmark_quick_mode_loses_nothing(tmp_path: pathlib.Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_web", _PATH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = io.StringIO()
    result = bench.run(1, 4, 1, tmp_path, out=out)
    assert result["errors"] == 0 and result["requests"] == 12
    assert result["web_rps"] > 0 and result["bare_rps"] > 0
    assert "lost or half-written responses, failed requests: 0" in out.getvalue()
