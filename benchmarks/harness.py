"""A small benchmark harness: named workloads at several N, each against its floor and peers.

Each (workload, N) cell runs in a fresh child process, so its peak RSS is its own: the child
first builds the round (millions of objects), then times the workload. In the child:

* the workload, its floor and its peers run **interleaved**, in a rotating order (floor,
  ours, peers …; then ours, peers …, floor; …), ``--repeats`` times (5 by default);
* every side runs under the **same garbage-collector state**: before each timed call the
  harness collects (untimed) and then, by default, pauses the collector for the call
  (``--gc off``), which is what ``loads_many``, ``save_many`` and the stores' bulk loads do
  inside the library; with ``--gc on`` it stays on for every side instead (functions of the
  library that pause it themselves still do). Either way no side gets a collector state the
  other does not;
* each call is timed twice over: **CPU time** (``time.process_time``, this process only: on
  a shared machine the figure to compare) and wall time (``time.perf_counter``); the cell
  keeps the min and the median of both for every side, and ratios are taken from the CPU
  medians;
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
GC_MODES = ("off", "on")


@dataclass
class Workload:
    """A named workload: ``setup(n)`` builds its input once; the callables take that input.

    ``peers`` are other libraries doing the same job (pydantic v2, msgspec), by name.
    ``peer``/``peer_name`` is the older single-peer spelling (kept for the storage benchmarks).
    """

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
    peers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def sides(self) -> dict[str, Callable[[Any], Any]]:
        """Every timed side by name: ``floor``, ``ours``, then the peers."""
        out: dict[str, Callable[[Any], Any]] = {}
        if self.floor is not None:
            out["floor"] = self.floor
        out["ours"] = self.run
        if self.peer is not None:
            out[self.peer_name or "peer"] = self.peer
        out.update(self.peers)
        return out


WORKLOADS: dict[str, Workload] = {}


def workload(w: Workload) -> Workload:
    """Register a workload (later registrations under the same name replace earlier ones)."""
    WORKLOADS[w.name] = w
    return w


@dataclass
class Stats:
    """The timings of one side of a cell: CPU and wall seconds of every repeat."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """min and median of the CPU and the wall times."""
        return {
            "cpu_min": min(self.cpu),
            "cpu_median": statistics.median(self.cpu),
            "wall_min": min(self.wall),
            "wall_median": statistics.median(self.wall),
        }


@dataclass
class Cell:
    """The measurements of one workload at one N.

    ``time``, ``floor`` and ``peers`` are CPU-time medians (seconds); ``sides`` has min and
    median of CPU and wall time for every side (``ours``, ``floor``, each peer).
    """

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
    peers: dict[str, float] = field(default_factory=dict)
    sides: dict[str, dict[str, float]] = field(default_factory=dict)
    gc: str = "off"
    repeats: int = 0


def timed(
    fn: Callable[[], Any], gc_mode: str = "off", reset: Callable[[], Any] | None = None
) -> tuple[float, float]:
    """CPU and wall seconds of one call of ``fn`` in the given collector state.

    Untimed before the call: ``reset()``, then a full collection. With ``gc_mode="off"`` the
    collector is paused for the call and restored after it.
    """
    if reset is not None:
        reset()
    gc.collect()
    was_enabled = gc.isenabled()
    if gc_mode == "off":
        gc.disable()
    else:
        gc.enable()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def interleaved(
    sides: dict[str, Callable[[], Any]],
    repeats: int,
    gc_mode: str = "off",
    reset: Callable[[], Any] | None = None,
) -> dict[str, Stats]:
    """Time every side ``repeats`` times, interleaved, the order rotating each round.

    Every side gets the same collector state (see :func:`timed`) and the same ``reset``.
    """
    if gc_mode not in GC_MODES:
        raise ValueError(f"gc_mode must be one of {GC_MODES}, got {gc_mode!r}")
    names = list(sides)
    out = {name: Stats() for name in names}
    for i in range(repeats):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            cpu, wall = timed(sides[name], gc_mode, reset)
            out[name].cpu.append(cpu)
            out[name].wall.append(wall)
    return out


def measure(w: Workload, n: int, repeats: int = 5, gc_mode: str = "off") -> Cell:
    """Measure one workload at ``n`` in this process (see the module docs)."""
    state = w.setup(n)
    gc.collect()
    sides = {name: (lambda fn=fn: fn(state)) for name, fn in w.sides().items()}
    reset = None if w.reset is None else (lambda: w.reset(state))
    stats = interleaved(sides, repeats, gc_mode, reset)
    summaries = {name: st.summary() for name, st in stats.items()}
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
    peers = {
        name: summaries[name]["cpu_median"] for name in summaries if name not in ("ours", "floor")
    }
    single = w.peer_name or "peer"
    return Cell(
        name=w.name,
        n=n,
        time=summaries["ours"]["cpu_median"],
        floor=summaries["floor"]["cpu_median"] if "floor" in summaries else None,
        peer=peers.get(single) if w.peer is not None else None,
        peak_traced=peak_traced,
        peak_rss=rss,
        figures=figures,
        floor_name=w.floor_name,
        peer_name=w.peer_name,
        target=w.target,
        peers=peers,
        sides=summaries,
        gc=gc_mode,
        repeats=repeats,
    )


def _child(name: str, n: int, repeats: int, gc_mode: str) -> Cell:
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        name,
        str(n),
        str(repeats),
        "--gc",
        gc_mode,
    ]
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


def ratio(a: float | None, b: float | None) -> str:
    """``a / b`` to two decimals, or ``-``."""
    return f"{a / b:.2f}" if a and b else "-"


def table(cells: list[Cell]) -> str:
    """The results as Markdown tables: CPU medians and ratios, every side's figures, growth."""
    peer_names = list(dict.fromkeys(p for c in cells for p in c.peers))
    head = "| operation | N | ours (CPU) | floor (CPU) | x floor (CPU) | x floor (wall) |"
    rule = "|---|---:|---:|---:|---:|---:|"
    for p in peer_names:
        head += f" {p} (CPU) | ours / {p} | {p} / ours |"
        rule += "---:|---:|---:|"
    head += " peak traced | peak RSS |"
    rule += "---:|---:|"
    lines = [head, rule]
    for c in cells:
        wall = c.sides.get("ours", {}).get("wall_median")
        floor_wall = c.sides.get("floor", {}).get("wall_median")
        row = (
            f"| {c.name} | {c.n:,} | {_fmt_time(c.time)} | {_fmt_time(c.floor)} | "
            f"{ratio(c.time, c.floor)} | {ratio(wall, floor_wall)} |"
        )
        for p in peer_names:
            t = c.peers.get(p)
            row += f" {_fmt_time(t)} | {ratio(c.time, t)} | {ratio(t, c.time)} |"
        row += f" {_fmt_bytes(c.peak_traced)} | {_fmt_bytes(c.peak_rss)} |"
        lines.append(row)
    lines += [
        "",
        "| operation | N | side | CPU min | CPU median | wall min | wall median |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for c in cells:
        for side, s in c.sides.items():
            lines.append(
                f"| {c.name} | {c.n:,} | {side} | {_fmt_time(s['cpu_min'])} | "
                f"{_fmt_time(s['cpu_median'])} | {_fmt_time(s['wall_min'])} | "
                f"{_fmt_time(s['wall_median'])} |"
            )
    by = {(c.name, c.n): c for c in cells}
    growth = []
    for name in dict.fromkeys(c.name for c in cells):
        small, large = by.get((name, 10_000)), by.get((name, 100_000))
        if small and large:
            growth.append(f"| {name} | {large.time / small.time:.1f} |")
    if growth:
        lines += ["", "| operation | CPU(100,000) / CPU(10,000) (target <= 12) |", "|---|---:|"]
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
    """One line about the machine, its load and the interpreter."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, load average {load}, Python {platform.python_version()} "
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
    parser.add_argument(
        "--gc", choices=GC_MODES, default="off", help="collector state for every side"
    )
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, n, repeats = args.child
        cell = measure(WORKLOADS[name], int(n), int(repeats), args.gc)
        print(json.dumps(cell.__dict__))
        return [cell]
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    names = args.only or list(WORKLOADS)
    print(f"# musframework benchmarks: {machine()}", flush=True)
    print(
        f"# {args.repeats} interleaved repeats per cell, collector {args.gc} for every side; "
        "times are CPU-time medians unless marked wall",
        flush=True,
    )
    cells: list[Cell] = []
    for name in names:
        w = WORKLOADS[name]
        for n in sizes:
            if w.sizes is not None and n not in w.sizes and not args.quick:
                continue
            if args.in_process:
                cell = measure(w, n, args.repeats, args.gc)
            else:
                cell = _child(name, n, args.repeats, args.gc)
            cells.append(cell)
            peers = ", ".join(f"{p} {_fmt_time(t)}" for p, t in cell.peers.items())
            print(
                f"{name} N={n:,}: {_fmt_time(cell.time)} CPU (floor {_fmt_time(cell.floor)}"
                f"{', ' + peers if peers else ''}) {cell.figures or ''}",
                flush=True,
            )
    print()
    print(table(cells))
    print(f"\n# finished: {machine()}")
    return cells


if __name__ == "__main__":
    # Run through the importable module, so the workloads register where main() looks.
    import harness

    harness.main()
