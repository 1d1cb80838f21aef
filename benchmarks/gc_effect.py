"""What the cyclic garbage collector costs a bulk load in a process that is already full.

Builds a round of ``--hold`` conversations (millions of objects, like an application that has
loaded a round), then loads ``--load`` conversations from JSON three ways, interleaved, median
of ``--repeats``: ``loads`` in a loop with the collector on, ``loads_many`` (collector paused
by the library), and a ``loads`` loop after ``gc.freeze()``.

    python benchmarks/gc_effect.py --hold 100000 --load 20000
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data
import musframework as mf


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hold", type=int, default=100_000)
    parser.add_argument("--load", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    held = data.make_round(args.hold)
    texts = [mf.dumps(c) for c in held.conversations[: args.load]]
    objects = len(gc.get_objects())

    def loop() -> object:
        return [mf.loads(t, mf.Conversation) for t in texts]

    def many() -> object:
        return mf.loads_many(texts, mf.Conversation)

    def frozen() -> object:
        gc.freeze()
        try:
            return loop()
        finally:
            gc.unfreeze()

    runs: dict[str, list[float]] = {"loads loop, GC on": [], "loads_many": [], "gc.freeze()": []}
    for _ in range(args.repeats):
        for name, fn in zip(runs, (loop, many, frozen), strict=True):
            start = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - start)
    result = {name: statistics.median(times) for name, times in runs.items()}
    base = result["loads loop, GC on"]
    print(
        f"holding {args.hold:,} conversations ({objects:,} tracked objects), loading {args.load:,}:"
    )
    for name, t in result.items():
        print(f"  {name:<20} {t:8.2f} s   {base / t:4.2f}x faster than the loop")
    return result


if __name__ == "__main__":
    main()
