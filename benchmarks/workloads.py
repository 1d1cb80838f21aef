"""The workloads of this pass: round trip, load, checks, planning, carry-over, memory."""

from __future__ import annotations

import functools
import gc
import json
import tracemalloc
from typing import Any

import attrs
import floors
from harness import Workload, workload

import data
import musframework as mf
from musframework import serialization
from musframework.workflow import plan_round, start_next

try:
    import orjson

    def _dumps(d: Any) -> str:
        return orjson.dumps(d).decode("utf-8")

    _loads = orjson.loads
except ImportError:  # pragma: no cover - stdlib fallback, like the library
    _loads = json.loads

    def _dumps(d: Any) -> str:
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


@functools.cache
def _round(n: int) -> data.Round:
    return data.make_round(n)


# --------------------------------------------------------------------------- round trip


def _roundtrip_setup(n: int) -> dict[str, Any]:
    r = _round(n)
    model = floors.pydantic_models()
    peers = [model.model_validate(floors.strip_zone_names(mf.to_dict(c))) for c in r.conversations]
    return {"conversations": r.conversations, "peers": peers, "model": model}


def _roundtrip(s: dict[str, Any]) -> list[mf.Conversation]:
    return [mf.loads(mf.dumps(c), mf.Conversation) for c in s["conversations"]]


def _roundtrip_floor(s: dict[str, Any]) -> list[mf.Conversation]:
    return [
        floors.floor_from_dict(_loads(_dumps(floors.floor_to_dict(c)))) for c in s["conversations"]
    ]


def _roundtrip_peer(s: dict[str, Any]) -> list[Any]:
    model = s["model"]
    return [model.model_validate_json(p.model_dump_json()) for p in s["peers"]]


workload(
    Workload(
        "roundtrip",
        _roundtrip_setup,
        _roundtrip,
        floor=_roundtrip_floor,
        peer=_roundtrip_peer,
        floor_name="hand-written to_dict/from_dict, same JSON library",
        peer_name="pydantic v2 dump_json/validate_json",
        target="<= 1.2x floor; >= 1.5x faster than pydantic",
    )
)

# --------------------------------------------------------------------------- bulk load


def _texts(n: int) -> list[str]:
    return [mf.dumps(c) for c in _round(n).conversations]


def _load_one_by_one(texts: list[str]) -> list[mf.Conversation]:
    return [mf.loads(t, mf.Conversation) for t in texts]


def _load_many(texts: list[str]) -> list[mf.Conversation]:
    return serialization.loads_many(texts, mf.Conversation)


def _load_floor(texts: list[str]) -> list[mf.Conversation]:
    return [floors.floor_from_dict(_loads(t)) for t in texts]


workload(
    Workload(
        "load (one by one)",
        _texts,
        _load_one_by_one,
        floor=_load_floor,
        floor_name="hand-written from_dict",
        target="<= 1.2x floor",
    )
)
workload(
    Workload(
        "load (loads_many)",
        _texts,
        _load_many,
        floor=_load_floor,
        floor_name="hand-written from_dict",
        target="<= 1.2x floor",
    )
)

# --------------------------------------------------------------------------- checks


def _check_setup(n: int) -> tuple[mf.Questionnaire, list[mf.Response]]:
    r = _round(n)
    return r.questionnaire, [resp for c in r.conversations for resp in c.responses]


def _check(s: tuple[mf.Questionnaire, list[mf.Response]]) -> int:
    form, responses = s
    return sum(len(form.check_response(r)) for r in responses)


def _check_floor(s: tuple[mf.Questionnaire, list[mf.Response]]) -> int:
    form, responses = s
    return sum(len(floors.floor_check_response(form, r)) for r in responses)


workload(
    Workload(
        "check_response",
        _check_setup,
        _check,
        floor=_check_floor,
        floor_name="plain loop, same checks",
        target="<= 1.5x floor",
    )
)

# --------------------------------------------------------------------------- planning


def _plan_setup(n: int) -> dict[str, Any]:
    r = _round(n)
    return {
        "org": r.organisation,
        "cycle": data.cycle(r.questionnaire, "mus-2026"),
        "previous": r.conversations,
    }


def _plan(s: dict[str, Any]) -> mf.workflow.RoundPlan:
    return plan_round(s["org"], s["cycle"])


def _plan_carry(s: dict[str, Any]) -> mf.workflow.RoundPlan:
    return plan_round(s["org"], s["cycle"], previous=s["previous"])


def _plan_floor(s: dict[str, Any]) -> list[mf.Conversation]:
    # The unavoidable part: one conversation object per employee, built directly.
    org: mf.Organisation = s["org"]
    cycle: mf.Cycle = s["cycle"]
    return [
        mf.Conversation(
            id=f"{cycle.id}-mus-{m}",
            kind=mf.ConversationKind.MUS,
            cycle=cycle.id,
            unit=u.id,
            participants=[
                mf.Participant(m, mf.Role.EMPLOYEE),
                mf.Participant(u.leader or m, mf.Role.LEADER),
            ],
            questionnaire=cycle.questionnaire,
        )
        for u in org.units
        for m in u.members
    ]


def _plan_figures(s: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(s)
    return {"conversations": len(plan.conversations), "unplaced": len(plan.unplaced)}


workload(
    Workload(
        "plan+schedule",
        _plan_setup,
        _plan,
        floor=_plan_floor,
        floor_name="build the same conversations directly",
        target="time(100k) <= 12x time(10k)",
        extra=_plan_figures,
    )
)
workload(
    Workload(
        "plan+schedule+carry-over",
        _plan_setup,
        _plan_carry,
        floor=_plan_floor,
        floor_name="build the same conversations directly",
        target="time(100k) <= 12x time(10k)",
    )
)


def _start_next(s: dict[str, Any]) -> list[mf.Conversation]:
    return [start_next(c, id=c.id + "-next", cycle="mus-2026") for c in s["previous"]]


def _start_next_floor(s: dict[str, Any]) -> list[mf.Conversation]:
    return [
        mf.Conversation(
            id=c.id + "-next",
            kind=c.kind,
            cycle="mus-2026",
            unit=c.unit,
            participants=c.participants,
            questionnaire=c.questionnaire,
            previous=c.id,
            agreements=[attrs.evolve(a, continues=a.id) for a in c.agreements if a.is_open],
        )
        for c in s["previous"]
    ]


workload(
    Workload(
        "carry-over (start_next)",
        _plan_setup,
        _start_next,
        floor=_start_next_floor,
        floor_name="build the next conversations directly",
        target="time(100k) <= 12x time(10k)",
    )
)

# --------------------------------------------------------------------------- memory

MEMORY_TRACE_LIMIT = 100_000


def _memory_figures(texts: list[str]) -> dict[str, Any]:
    """Bytes held by the loaded conversations vs the same data as plain dicts."""
    if len(texts) > MEMORY_TRACE_LIMIT:
        return {}
    gc.collect()
    tracemalloc.start()
    dicts = [_loads(t) for t in texts]
    as_dicts = tracemalloc.get_traced_memory()[0]
    del dicts
    gc.collect()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    objects = serialization.loads_many(texts, mf.Conversation)
    as_objects = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del objects
    return {
        "objects MiB": round(as_objects / 2**20, 1),
        "dicts MiB": round(as_dicts / 2**20, 1),
        "objects/dicts": round(as_objects / as_dicts, 2),
    }


workload(
    Workload(
        "memory (load and hold)",
        _texts,
        _load_many,
        floor=lambda texts: [_loads(t) for t in texts],
        floor_name="json.loads to plain dicts",
        target="objects held <= dicts held at 100,000",
        extra=_memory_figures,
    )
)
