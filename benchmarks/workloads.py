"""The workloads of this pass: round trip, load, checks, planning, carry-over, memory."""

from __future__ import annotations

import functools
import gc
import json
import shutil
import time
import tracemalloc
from typing import Any

import attrs
import floors
import pendulum
from harness import Workload, workload

import data
import musframework as mf
from musframework import serialization
from musframework.rendering import Names
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
#
# The peers: pydantic v2 models of the same shape (keeping the offset only: less work than
# ours), and msgspec Structs of the same shape with zoned pendulum values made by the
# library's own time functions, writing the very bytes ``mf.dumps`` writes
# (``benchmarks/msgspec_peer.py``).


def _peer_setup(n: int) -> dict[str, Any]:
    import msgspec_peer

    r = _round(n)
    model = floors.pydantic_models()
    texts = [mf.dumps(c) for c in r.conversations]
    stripped = [_dumps(floors.strip_zone_names(_loads(t))) for t in texts]
    return {
        "conversations": r.conversations,
        "texts": texts,
        "model": model,
        "pydantic_texts": stripped,
        "pydantic": [model.model_validate_json(t) for t in stripped],
        "msgspec": msgspec_peer,
        "structs": [msgspec_peer.decode(t) for t in texts],
    }


def _roundtrip(s: dict[str, Any]) -> list[mf.Conversation]:
    return [mf.loads(mf.dumps(c), mf.Conversation) for c in s["conversations"]]


def _roundtrip_floor(s: dict[str, Any]) -> list[mf.Conversation]:
    return [
        floors.floor_from_dict(_loads(_dumps(floors.floor_to_dict(c)))) for c in s["conversations"]
    ]


def _roundtrip_pydantic(s: dict[str, Any]) -> list[Any]:
    model = s["model"]
    return [model.model_validate_json(p.model_dump_json()) for p in s["pydantic"]]


def _roundtrip_msgspec(s: dict[str, Any]) -> list[Any]:
    peer = s["msgspec"]
    return [peer.decode(peer.encode(x)) for x in s["structs"]]


workload(
    Workload(
        "roundtrip",
        _peer_setup,
        _roundtrip,
        floor=_roundtrip_floor,
        floor_name="hand-written to_dict/from_dict, same JSON library",
        peers={"pydantic": _roundtrip_pydantic, "msgspec": _roundtrip_msgspec},
        target="pydantic v2 / ours >= 2.0 (same GC state)",
    )
)

# --------------------------------------------------------------------------- decode and encode


def _load_one_by_one(s: dict[str, Any]) -> list[mf.Conversation]:
    return [mf.loads(t, mf.Conversation) for t in s["texts"]]


def _load_many(s: dict[str, Any]) -> list[mf.Conversation]:
    return serialization.loads_many(s["texts"], mf.Conversation)


def _load_floor(s: dict[str, Any]) -> list[mf.Conversation]:
    return [floors.floor_from_dict(_loads(t)) for t in s["texts"]]


def _decode_pydantic(s: dict[str, Any]) -> list[Any]:
    model = s["model"]
    return [model.model_validate_json(t) for t in s["pydantic_texts"]]


def _decode_msgspec(s: dict[str, Any]) -> list[Any]:
    decode = s["msgspec"].decode
    return [decode(t) for t in s["texts"]]


_DECODE_PEERS = {"pydantic": _decode_pydantic, "msgspec": _decode_msgspec}

workload(
    Workload(
        "load (one by one)",
        _peer_setup,
        _load_one_by_one,
        floor=_load_floor,
        floor_name="hand-written from_dict",
        peers=_DECODE_PEERS,
        target="<= 1.3x msgspec zoned",
    )
)
workload(
    Workload(
        "decode (loads_many)",
        _peer_setup,
        _load_many,
        floor=_load_floor,
        floor_name="hand-written from_dict",
        peers=_DECODE_PEERS,
        target="<= 1.3x msgspec zoned; pydantic / ours >= 2.0",
    )
)


def _distinct_times(c: mf.Conversation, i: int) -> mf.Conversation:
    """``c`` with every date-time moved by its own number of microseconds (all distinct)."""

    def shift(t: pendulum.DateTime | None, k: int) -> pendulum.DateTime | None:
        return None if t is None else t.add(microseconds=(i * 8 + k) % 999_983 + 1)

    return attrs.evolve(
        c,
        scheduled_start=shift(c.scheduled_start, 0),
        held_at=shift(c.held_at, 1),
        responses=[attrs.evolve(r, submitted_at=shift(r.submitted_at, 2)) for r in c.responses],
        agreements=[
            attrs.evolve(
                a,
                history=[attrs.evolve(h, at=shift(h.at, 3 + k)) for k, h in enumerate(a.history)],
            )
            for a in c.agreements
        ],
    )


def _distinct_setup(n: int) -> dict[str, Any]:
    import msgspec_peer

    s = _peer_setup(n)
    conversations = [_distinct_times(c, i) for i, c in enumerate(s["conversations"])]
    texts = [mf.dumps(c) for c in conversations]
    stripped = [_dumps(floors.strip_zone_names(_loads(t))) for t in texts]
    return {
        **s,
        "conversations": conversations,
        "texts": texts,
        "pydantic_texts": stripped,
        "pydantic": [s["model"].model_validate_json(t) for t in stripped],
        "structs": [msgspec_peer.decode(t) for t in texts],
    }


workload(
    Workload(
        "decode (loads_many, distinct time stamps)",
        _distinct_setup,
        _load_many,
        floor=_load_floor,
        floor_name="hand-written from_dict",
        peers=_DECODE_PEERS,
        target="(no target: the worst case of sharing parsed values; see docs/performance.md)",
    )
)


def _encode(s: dict[str, Any]) -> list[str]:
    return [mf.dumps(c) for c in s["conversations"]]


def _encode_floor(s: dict[str, Any]) -> list[str]:
    return [_dumps(floors.floor_to_dict(c)) for c in s["conversations"]]


def _encode_pydantic(s: dict[str, Any]) -> list[str]:
    return [p.model_dump_json() for p in s["pydantic"]]


def _encode_msgspec(s: dict[str, Any]) -> list[bytes]:
    encode = s["msgspec"].encode
    return [encode(x) for x in s["structs"]]


workload(
    Workload(
        "encode (dumps)",
        _peer_setup,
        _encode,
        floor=_encode_floor,
        floor_name="hand-written to_dict, same JSON library",
        peers={"pydantic": _encode_pydantic, "msgspec": _encode_msgspec},
        target="<= 1.3x msgspec zoned; pydantic / ours >= 2.0",
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


def _texts(n: int) -> list[str]:
    return [mf.dumps(c) for c in _round(n).conversations]


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
        lambda texts: serialization.loads_many(texts, mf.Conversation),
        floor=lambda texts: [_loads(t) for t in texts],
        floor_name="json.loads to plain dicts",
        target="objects held <= dicts held at 100,000",
        extra=_memory_figures,
    )
)

# --------------------------------------------------------------------------- validate


def _validate_setup(n: int) -> data.Round:
    # The round's scope is the whole organisation, so coverage checks every employee.
    r = _round(n)
    return data.Round(
        r.questionnaire,
        r.organisation,
        attrs.evolve(r.cycle, scope=(r.organisation.units[0].id,)),
        r.conversations,
    )


def _validate(r: data.Round) -> mf.rules.ValidationReport:
    return mf.validate(r.cycle, conversations=r.conversations, organisation=r.organisation)


def _validate_floor(r: data.Round) -> list[mf.Finding]:
    return floors.floor_validate_round(r.cycle, r.conversations, r.organisation)


def _validate_figures(r: data.Round) -> dict[str, Any]:
    # The floor is only a floor if it finds what the library finds, at this N too: the same
    # codes, paths, severities and messages, in the same order (tests/test_benchmarks.py
    # checks the same on small rounds made to break every rule of the floor).
    ours, floor = list(_validate(r)), _validate_floor(r)
    if ours != floor:
        pairs = enumerate(zip(ours, floor, strict=False))
        differ = next((i for i, (a, b) in pairs if a != b), min(len(ours), len(floor)))
        raise RuntimeError(
            f"the validate floor finds {len(floor)} findings, the library {len(ours)}; "
            f"first difference at {differ}"
        )
    return {"findings": len(ours), "floor finds the same": "yes"}


workload(
    Workload(
        "validate (round)",
        _validate_setup,
        _validate,
        floor=_validate_floor,
        floor_name="plain loop over the rules that find something on this data",
        target="<= 1.5x floor",
        extra=_validate_figures,
    )
)

# --------------------------------------------------------------------------- rendering

CLOCK = mf.FixedClock(pendulum.datetime(2026, 3, 2, 12, tz=data.TZ))
RENDER_SIZES = [100, 1_000, 10_000]
"""Rendering costs about 4 ms a plan: 10,000 plans x 2 x 5 runs is already minutes."""


def _render_setup(n: int) -> dict[str, Any]:
    r = _round(n)
    return {
        "round": r,
        "env": floors.jinja_floor_environment(),
        "documents": floors.plan_documents_as_dicts(
            r.conversations, r.organisation, r.questionnaire, CLOCK
        ),
    }


def _render(s: dict[str, Any]) -> list[str | bytes]:
    r: data.Round = s["round"]
    names = Names(r.organisation)  # built once per round, as the rendering docs advise
    return [
        mf.render(
            c,
            "html",
            document="plan",
            people=names,
            questionnaire=r.questionnaire,
            clock=CLOCK,
        )
        for c in r.conversations
    ]


def _render_floor(s: dict[str, Any]) -> list[str]:
    return floors.floor_render_plans(s["env"], s["documents"])


workload(
    Workload(
        "render plans (HTML)",
        _render_setup,
        _render,
        floor=_render_floor,
        floor_name="Jinja2, same template, plain dicts prepared outside the timed part",
        target="<= 1.5x floor",
        sizes=RENDER_SIZES,
    )
)

# --------------------------------------------------------------------------- analytics


def _analyse(r: data.Round) -> Any:
    return mf.analyse_round(r.cycle, r.conversations, organisation=r.organisation, on=data.TODAY)


def _analyse_floor(r: data.Round) -> dict[str, Any]:
    # One simple pass: counts by unit and status, rating sums, agreements by status.
    by_unit: dict[str | None, dict[str, int]] = {}
    ratings: dict[str, list[int]] = {}
    agreements: dict[str, int] = {}
    overdue = 0
    for c in r.conversations:
        counts = by_unit.setdefault(c.unit, {})
        counts[c.status.value] = counts.get(c.status.value, 0) + 1
        for resp in c.responses:
            for q, a in resp.answers.items():
                if isinstance(a, mf.ScaleAnswer):
                    acc = ratings.setdefault(q, [0, 0])
                    acc[0] += a.value
                    acc[1] += 1
        for a in c.agreements:
            agreements[a.status.value] = agreements.get(a.status.value, 0) + 1
            overdue += a.is_overdue(data.TODAY)
    return {"units": by_unit, "ratings": ratings, "agreements": agreements, "overdue": overdue}


workload(
    Workload(
        "analyse_round",
        _validate_setup,
        _analyse,
        floor=_analyse_floor,
        floor_name="one plain pass: counts by unit/status, rating sums, agreement counts",
        target="no target (report time and memory)",
    )
)

# --------------------------------------------------------------------------- SQLite queries

QUERY_SAMPLES = 20
UNIT_SIZE = 25
"""The queries look at units of about this size at every N (the same unit size)."""


def _percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _sqlite_round(n: int, r: data.Round) -> tuple[Any, str]:
    """A SQLite store in a new temporary directory holding the round's conversations."""
    import tempfile

    directory = tempfile.mkdtemp(prefix="mf-bench-q-")
    store = mf.storage.open(f"sqlite:///{directory}/round.db", clock=CLOCK)
    for i in range(0, n, 5_000):
        store.save_many(r.conversations[i : i + 5_000])
    return store, directory


def query_state(store: Any, r: data.Round, directory: str | None = None) -> dict[str, Any]:
    """The query workloads' state: ``store`` holds ``r``; the sample units and owners."""
    sizes = {u.id: len(u.members) for u in r.organisation.units}
    # The units closest to UNIT_SIZE members, and the owners in them.
    units = sorted(sizes, key=lambda u: (abs(sizes[u] - UNIT_SIZE), u))[:QUERY_SAMPLES]
    by_id = {u.id: u for u in r.organisation.units}
    owners = [by_id[u].members[0] for u in units if by_id[u].members]
    return {
        "store": store,
        "dir": directory,
        "units": units,
        "owners": owners,
        "unit_sizes": [sizes[u] for u in units],
    }


def _query_setup(n: int, r: data.Round | None = None) -> dict[str, Any]:
    r = r or _round(n)
    store, directory = _sqlite_round(n, r)
    return query_state(store, r, directory)


def _overdue_in_unit(store: Any, unit: str) -> list[tuple[str, mf.Agreement]]:
    return [
        (s.document.id, a)
        for s in store.conversations(unit=unit)
        for a in s.document.agreements
        if a.is_overdue(data.TODAY)
    ]


_DONE = ["held", "concluded", "signed", "followed_up"]


def _completion_of_unit(store: Any, unit: str) -> float:
    total = len(store.conversations(unit=unit, status=[*_DONE, "planned", "invited", "prepared"]))
    done = len(store.conversations(unit=unit, status=_DONE))
    return done / total if total else 1.0


def _open_by_owner(store: Any, owner: str) -> list[Any]:
    return store.agreements(owner=owner, status=["open", "in_progress"])


def _query_latencies(s: dict[str, Any]) -> dict[str, list[float]]:
    store = s["store"]
    out: dict[str, list[float]] = {"overdue": [], "completion": [], "owner": []}
    for unit, owner in zip(s["units"], s["owners"], strict=False):
        for name, fn, arg in (
            ("overdue", _overdue_in_unit, unit),
            ("completion", _completion_of_unit, unit),
            ("owner", _open_by_owner, owner),
        ):
            start = time.perf_counter()
            fn(store, arg)
            out[name].append(time.perf_counter() - start)
    return out


def _queries(s: dict[str, Any]) -> dict[str, list[float]]:
    lat = _query_latencies(s)
    s.setdefault("latencies", {k: [] for k in lat})
    for k, v in lat.items():
        s["latencies"][k].extend(v)
    return lat


def _query_figures(s: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for k, v in s["latencies"].items():
        figures[f"{k} p50 ms"] = round(_percentile(v, 0.5) * 1000, 2)
        figures[f"{k} p95 ms"] = round(_percentile(v, 0.95) * 1000, 2)
    sizes = s["unit_sizes"]
    figures["unit size"] = f"{min(sizes)}-{max(sizes)}"
    s["store"].close()
    if s["dir"] is not None:
        shutil.rmtree(s["dir"], ignore_errors=True)
    return figures


workload(
    Workload(
        "sqlite queries",
        _query_setup,
        _queries,
        target="query p50/p95 at 200,000 <= 1.5x at 10,000 (same unit size)",
        extra=_query_figures,
    )
)


def _query_setup_small_units(n: int) -> dict[str, Any]:
    # About n / 25 units, so units of about UNIT_SIZE exist at every N.
    return _query_setup(n, data.make_round(n, units=max(3, n // UNIT_SIZE)))


workload(
    Workload(
        "sqlite queries (n/25 units)",
        _query_setup_small_units,
        _queries,
        target="query p50/p95 at 200,000 <= 1.5x at 10,000 (same unit size)",
        extra=_query_figures,
        sizes=[10_000, 200_000],
    )
)

# --------------------------------------------------------------------------- re-save 1 %

RESAVE_EVERY = 100
"""Re-save one conversation in this many (1 %)."""


def changed_conversation(c: mf.Conversation) -> mf.Conversation:
    """``c`` with its first agreement's status changed (done, or open again), in the history."""
    first = c.agreements[0]
    status = mf.AgreementStatus.OPEN if first.status.is_closed else mf.AgreementStatus.DONE
    changed = first.with_status(status, by=first.owner or "system", at=CLOCK.now())
    return attrs.evolve(c, agreements=[changed, *c.agreements[1:]])


def resave_state(store: Any, r: data.Round) -> dict[str, Any]:
    """Load 1 % of the stored conversations and change each: the re-save workloads' state.

    ``variants`` holds two changed versions of every loaded conversation (its first
    agreement's status changed, then changed back), so that each run really changes what is
    stored; ``turn`` the variant the next re-save writes (store and floor take turns, each
    writing the other variant than the one stored); ``base`` their loaded revisions;
    ``bump`` how many re-saves (store or floor, each adds 1 to every revision) have run since.
    """
    ids = [c.id for c in r.conversations[::RESAVE_EVERY]]
    loaded = [store.load(mf.Conversation, i) for i in ids]
    changed = [changed_conversation(s.document) for s in loaded]
    return {
        "store": store,
        "variants": [changed, [changed_conversation(c) for c in changed]],
        "base": {s.document.id: s.revision for s in loaded},
        "bump": 0,
        "turn": 0,
    }


def resave(s: dict[str, Any]) -> dict[tuple[str, str], int]:
    """Save the next variant of the 1 % in one unit of work, with their revisions."""
    base, bump = s["base"], s["bump"]
    with s["store"].unit_of_work() as unit:
        for c in s["variants"][s["turn"]]:
            unit.save(c, revision=base[c.id] + bump)
    s["bump"] += 1
    s["turn"] ^= 1
    return unit.revisions


def resave_writes(s: dict[str, Any]) -> list[list[Any]]:
    """The store's writes for each variant (for the floors; the revisions are not used)."""
    store = s["store"]
    return [[store._prepare(c, 1) for c in variant] for variant in s["variants"]]


def _sqlite_resave_setup(n: int) -> dict[str, Any]:
    from musframework.storage.protocol import AuditEntry
    from musframework.storage.sqlite import (
        INSERT_AGREEMENT,
        INSERT_AUDIT,
        INSERT_PERSON,
        rows_for,
    )

    r = _round(n)
    store, directory = _sqlite_round(n, r)
    s = resave_state(store, r)
    s["dir"] = directory
    s["raw"] = store.connection  # its page cache is as warm as the store's
    floor_rows = []
    for writes in resave_writes(s):
        audit = [
            AuditEntry(
                kind=w.kind, id=w.id, revision=2, actor="system", action="update", at=CLOCK.now()
            )
            for w in writes
        ]
        rows = rows_for(writes, audit)
        floor_rows.append(
            [
                (
                    "UPDATE conversations SET revision = revision + 1, schema_version = ?, "
                    "cycle = ?, unit = ?, kind = ?, status = ?, start = ?, body = ? WHERE id = ?",
                    [
                        (
                            w.schema_version,
                            w.index.cycle,
                            w.index.unit,
                            w.index.kind,
                            w.index.status,
                            w.index.start,
                            w.body,
                            w.id,
                        )
                        for w in writes
                    ],
                ),
                (
                    "DELETE FROM conversation_people WHERE conversation = ?",
                    [(w.id,) for w in writes],
                ),
                ("DELETE FROM agreements WHERE conversation = ?", [(w.id,) for w in writes]),
                (INSERT_PERSON, rows[INSERT_PERSON]),
                (INSERT_AGREEMENT, rows[INSERT_AGREEMENT]),
                (INSERT_AUDIT, rows[INSERT_AUDIT]),
            ]
        )
    s["floor_rows"] = floor_rows
    return s


def _sqlite_resave_floor(s: dict[str, Any]) -> None:
    conn = s["raw"]
    conn.execute("BEGIN IMMEDIATE")
    for sql, rows in s["floor_rows"][s["turn"]]:
        conn.executemany(sql, rows)
    conn.execute("COMMIT")
    s["bump"] += 1
    s["turn"] ^= 1


def _sqlite_resave_figures(s: dict[str, Any]) -> dict[str, Any]:
    figures = {"conversations re-saved": len(s["base"])}
    s["store"].close()
    shutil.rmtree(s["dir"], ignore_errors=True)
    return figures


workload(
    Workload(
        "sqlite re-save 1%",
        _sqlite_resave_setup,
        resave,
        floor=_sqlite_resave_floor,
        floor_name="raw executemany UPDATE/DELETE/INSERT of the same rows, one transaction",
        target="time(100,000) <= 12x time(10,000)",
        extra=_sqlite_resave_figures,
    )
)

# --------------------------------------------------------------------------- rounds at scale

import round_scale  # noqa: E402, F401  (registers the round-scale workloads, issue 16)
