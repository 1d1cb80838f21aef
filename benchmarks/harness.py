"""A small benchmark harness: named workloads at several N, each against its floor.

Each (workload, N) cell runs in a fresh child process, so its peak RSS is its own and the GC
state is what a user's process would have: the child first builds the round (millions of
objects), then times the workload. In the child:

* the workload and its floor (and peer, if any) run interleaved, floor, workload, peer,
  floor, workload, peer …, at least 5 times; the table shows the medians;
* the garbage collector stays ON, as users run;
* one extra run under ``tracemalloc`` gives the workload's peak allocation (only at
  N <= ``TRACE_LIMIT``: tracing slows Python down several times);
* peak RSS comes from ``resource.getrusage`` (data plus workload).

Run ``python benchmarks/harness.py`` (or ``nox -s bench``) with ``--quick`` (N=100),
``--sizes 1000 10000`` or ``--only roundtrip check``. Other workloads (storage, rules,
analytics, rendering) register with :func:`workload`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

FULL_SIZES = [1_000, 10_000, 100_000, 200_000]
QUICK_SIZES = [100]
TRACE_LIMIT = 10_000


@dataclass
class Workload:
    """A named workload: ``setup(n)`` builds its input once; the callables take that input."""

    name: str
    setup: Callable[[int], Any]
    run: Callable[[Any], Any]
    floor: Callable[[Any], Any] | None = None
    peer: Callable[[Any], Any] | None = None
    floor_name: str = ""
    peer_name: str = ""
    target: str = ""
    sizes: list[int] | None = None  # the sizes it runs at (None: every size asked)
    extra: Callable[[Any], dict[str, Any]] | None = None  # more figures after timing
    reset: Callable[[Any], Any] | None = None  # untimed, before every timed call (fresh tables)


WORKLOADS: dict[str, Workload] = {}


def workload(w: Workload) -> Workload:
    """Register a workload (later registrations under the same name replace earlier ones)."""
    WORKLOADS[w.name] = w
    return w


@dataclass
class Cell:
    """The measurements of one workload at one N."""

    name: str
    n: int
    time: float
    floor: float | None = None
    peer: float | None = None
    peak_traced: int | None = None
    peak_rss: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    floor_name: str = ""
    peer_name: str = ""
    target: str = ""


def _timed(fn: Callable[[Any], Any], state: Any, reset: Callable[[Any], Any] | None) -> float:
    if reset is not None:
        reset(state)
    start = time.perf_counter()
    fn(state)
    return time.perf_counter() - start


def measure(w: Workload, n: int, repeats: int = 5) -> Cell:
    """Measure one workload at ``n`` in this process (the GC stays on)."""
    state = w.setup(n)
    gc.collect()
    times: list[float] = []
    floors: list[float] = []
    peers: list[float] = []
    for _ in range(repeats):
        if w.floor is not None:
            floors.append(_timed(w.floor, state, w.reset))
        times.append(_timed(w.run, state, w.reset))
        if w.peer is not None:
            peers.append(_timed(w.peer, state, w.reset))
    peak_traced = None
    if n <= TRACE_LIMIT:
        if w.reset is not None:
            w.reset(state)
        tracemalloc.start()
        w.run(state)
        peak_traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    figures = w.extra(state) if w.extra is not None else {}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return Cell(
        name=w.name,
        n=n,
        time=statistics.median(times),
        floor=statistics.median(floors) if floors else None,
        peer=statistics.median(peers) if peers else None,
        peak_traced=peak_traced,
        peak_rss=rss,
        figures=figures,
        floor_name=w.floor_name,
        peer_name=w.peer_name,
        target=w.target,
    )


def _child(name: str, n: int, repeats: int) -> Cell:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", name, str(n), str(repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{name} at N={n} failed:\n{out.stderr}")
    return Cell(**json.loads(out.stdout.strip().splitlines()[-1]))


def _fmt_time(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t * 1000:.1f} ms" if t < 10 else f"{t:.2f} s"


def _fmt_bytes(b: int | None) -> str:
    return "-" if b is None else f"{b / 2**20:.0f} MiB"


def table(cells: list[Cell]) -> str:
    """The results as a Markdown table, then the growth from 10,000 to 100,000."""
    lines = [
        "| operation | N | time | floor | x floor | peer | peer / ours | peak traced | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cells:
        ratio = f"{c.time / c.floor:.2f}" if c.floor else "-"
        peer = f"{c.peer / c.time:.2f}" if c.peer else "-"
        lines.append(
            f"| {c.name} | {c.n:,} | {_fmt_time(c.time)} | {_fmt_time(c.floor)} | {ratio} | "
            f"{_fmt_time(c.peer)} | {peer} | {_fmt_bytes(c.peak_traced)} | "
            f"{_fmt_bytes(c.peak_rss)} |"
        )
    by = {(c.name, c.n): c for c in cells}
    growth = []
    for name in dict.fromkeys(c.name for c in cells):
        small, large = by.get((name, 10_000)), by.get((name, 100_000))
        if small and large:
            growth.append(f"| {name} | {large.time / small.time:.1f} |")
    if growth:
        lines += ["", "| operation | time(100,000) / time(10,000) (target <= 12) |", "|---|---:|"]
        lines += growth
    extras = [
        f"| {c.name} | {c.n:,} | " + ", ".join(f"{k}: {v}" for k, v in c.figures.items()) + " |"
        for c in cells
        if c.figures
    ]
    if extras:
        lines += ["", "| operation | N | figures |", "|---|---:|---|", *extras]
    return "\n".join(lines)


def machine() -> str:
    """One line about the machine and the interpreter."""
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.platform()}"
    )


def main(argv: list[str] | None = None) -> list[Cell]:
    """Run the benchmarks and print the table."""
    import workloads  # noqa: F401  (registers the workloads)

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N=100 only")
    parser.add_argument("--sizes", type=int, nargs="+", help="sizes to run")
    parser.add_argument("--only", nargs="+", help="workload names to run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, n, repeats = args.child
        cell = measure(WORKLOADS[name], int(n), int(repeats))
        print(json.dumps(cell.__dict__))
        return [cell]
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    names = args.only or list(WORKLOADS)
    print(f"# musframework benchmarks: {machine()}", flush=True)
    cells: list[Cell] = []
    for name in names:
        w = WORKLOADS[name]
        for n in sizes:
            if w.sizes is not None and n not in w.sizes and not args.quick:
                continue
            cell = measure(w, n, args.repeats) if args.in_process else _child(name, n, args.repeats)
            cells.append(cell)
            print(
                f"{name} N={n:,}: {_fmt_time(cell.time)} (floor {_fmt_time(cell.floor)}, "
                f"peer {_fmt_time(cell.peer)}) {cell.figures or ''}",
                flush=True,
            )
    print()
    print(table(cells))
    return cells


if __name__ == "__main__":
    # Run through the importable module, so the workloads register where main() looks.
    import harness

    harness.main()
