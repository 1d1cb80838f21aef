"""The figures script of docs/reliability.md ("Signatures, erasure and tamper evidence") runs."""

from __future__ import annotations

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).parent.parent


def test_the_trust_figures_hold_at_a_small_count(capsys):
    spec = importlib.util.spec_from_file_location(
        "trust_figures", ROOT / "benchmarks" / "trust_figures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--plans", "100", "--stores", "8"]) == 0
    out = capsys.readouterr().out
    assert "tampered plans detected:            100 of 100" in out
    assert "tampered SQLite stores detected:    8 of 8" in out
    assert "bytes found after erasure:          0" in out
