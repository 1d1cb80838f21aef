"""The msgspec path (``fast`` extra) against the pure cattrs path, for every document type.

For each document type of a sample round (``musframework.testing.sample``), loading (JSON
text to objects) and writing (objects to JSON text) through the msgspec codec and through the
cattrs converters (orjson for the JSON itself), interleaved, ``--repeats`` times, collector
paused for both, CPU time (``time.process_time``); prints cattrs / msgspec (above 1: msgspec
is faster). This is the measurement behind using msgspec whenever it is installed.

    python benchmarks/fast_paths.py [--people 400] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness

import musframework as mf
from musframework import serialization as ser
from musframework.testing.sample import (
    evaluation_questionnaire,
    sample_round,
    scored_questionnaire,
)


def documents(people: int) -> dict[str, list[Any]]:
    """Objects of every document type from a sample round of about ``people`` people."""
    r = sample_round(people=people, units=max(3, people // 40))
    return {
        "questionnaire": [scored_questionnaire(), evaluation_questionnaire()] * 50,
        "conversation": list(r.conversations),
        "response": [x for c in r.conversations for x in c.responses],
        "person": list(r.organisation.people),
        "unit": list(r.organisation.units),
        "cycle": [r.cycle] * 100,
    }


def _medians(codec: Any, objs: list[Any], repeats: int) -> dict[str, float]:
    cls = type(objs[0])
    version = ser.schema_version(cls)
    texts = [mf.dumps(o) for o in objs]
    stats = harness.interleaved(
        {
            "msgspec load": lambda: [codec.decode(t, cls, version) for t in texts],
            "cattrs load": lambda: [ser.from_dict(ser._load_json(t), cls) for t in texts],
            "msgspec write": lambda: [codec.dumps(o, version) for o in objs],
            "cattrs write": lambda: [ser._dump_json(ser._to_dict(o, version)) for o in objs],
        },
        repeats,
    )
    return {k: statistics.median(v.cpu) for k, v in stats.items()}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    codec = ser._codec()
    if codec is None:
        raise SystemExit("msgspec is not installed (pip install 'musframework[fast]')")
    print(f"# {harness.machine()}; {args.repeats} interleaved repeats, collector off")
    print("| document | N | load: cattrs / msgspec | write: cattrs / msgspec |")
    print("|---|---:|---:|---:|")
    out: dict[str, dict[str, float]] = {}
    for name, objs in documents(args.people).items():
        m = _medians(codec, objs, args.repeats)
        out[name] = {
            "load": m["cattrs load"] / m["msgspec load"],
            "write": m["cattrs write"] / m["msgspec write"],
        }
        print(f"| {name} | {len(objs):,} | {out[name]['load']:.2f} | {out[name]['write']:.2f} |")
    return out


if __name__ == "__main__":
    main()
