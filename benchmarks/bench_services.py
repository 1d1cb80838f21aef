"""Services benchmark: what a use case costs over the bare workflow step plus save.

Run with ``nox -s bench`` or ``python benchmarks/bench_services.py [--quick] [-n N]``.

One conversation in a SQLite file (a MUS with both responses, eight notes and five agreements
with their history: the size of a real one), one organisation of 60 people. Each cell is one
call made N times, each time on that same conversation (it is saved back, untimed, before
every call, so notes and history do not pile up):

* **floor**: ``store.load`` + the workflow step (``workflow.reschedule``, ``comment``,
  ``set_agreement_status``) + ``store.save`` with the loaded revision: what an app would write
  by hand, without any access check;
* **services**: the use case (``Services.reschedule``, ``comment``, ``set_agreement_status``):
  the same load, step and save, plus the policy's questions, the retry loop, the audit actor
  and the actor's redacted view of the result;
* **services, no view**: the same with ``Settings(redact=False)``, to show what the view costs.

The three run interleaved (rotating order) in the same garbage-collector state; the figure
is the ratio of the medians of CPU time (``time.process_time``), wall time beside it. Target:
services <= 1.3x floor for a single conversation on SQLite. Not part of the test suite
(``tests/test_bench_services.py`` runs the quick mode so this never rots).
"""

from __future__ import annotations

import argparse
import pathlib
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import pendulum

import musframework as mf
from musframework import workflow as wf
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings
from musframework.storage import SQLiteStore

CPH = "Europe/Copenhagen"
TARGET = 1.3
START = pendulum.datetime(2026, 3, 3, 10, tz=CPH)
OTHER = START.add(hours=2)


def organisation(people: int = 60) -> mf.Organisation:
    ids = [f"p{i:03}" for i in range(people)]
    units = [mf.OrgUnit(id="top", name="Top", leader=ids[0])]
    for u in range(5):
        leader = ids[1 + u]
        members = [i for k, i in enumerate(ids[6:]) if k % 5 == u]
        units.append(
            mf.OrgUnit(id=f"u{u}", name=f"U{u}", leader=leader, members=members, parent="top")
        )
    return mf.Organisation(people=[mf.Person(id=i, name=i.upper()) for i in ids], units=units)


def conversation(org: mf.Organisation) -> mf.Conversation:
    unit = org.unit("u0")
    employee, leader = unit.members[0], unit.leader
    assert leader is not None
    ref = mf.QuestionnaireRef("bench", "1")
    c = mf.Conversation(
        id="c1",
        kind="MUS",
        unit="u0",
        participants=[mf.Participant(employee, "employee"), mf.Participant(leader, "leader")],
        scheduled_start=START,
        notes=[
            mf.Note(author=leader if i % 2 else employee, text=f"Note {i} " * 8, at=START)
            for i in range(8)
        ],
        agreements=[
            mf.Agreement(id=f"a{i}", description=f"Activity {i} " * 4, owner=employee).with_status(
                "in_progress", by=employee, at=START
            )
            for i in range(5)
        ],
        responses=[
            mf.Response(
                questionnaire=ref,
                role=role,
                person=person,
                answers={f"q{j}": mf.TextAnswer("Svar " * 10) for j in range(20)},
                submitted_at=START,
            )
            for person, role in ((employee, "employee"), (leader, "leader"))
        ],
    )
    return wf.invite(c, by=leader, clock=mf.FixedClock(START.subtract(days=14)))


def run(n: int, folder: pathlib.Path, out=sys.stdout) -> dict[str, dict[str, float]]:
    org = organisation()
    path = folder / "services.db"
    clock = mf.FixedClock(START.subtract(days=10))
    store = SQLiteStore(path, clock=clock)
    hr = Viewer(org.people[-1].id, {Capacity.HR})
    services = Services(store, clock=clock, settings=Settings())
    services.replace_organisation(hr, org)
    c = conversation(org)
    revision = {"now": store.save(c)}

    def reset() -> None:
        # Untimed, before every call: each step starts from the same conversation, so its
        # size stays that of a real one (notes and history would grow by one a call).
        current = store.load(mf.Conversation, "c1").revision
        revision["now"] = store.save(c, revision=current)

    whole = services.bind(store)
    whole.settings = Settings(redact=False)
    leader, employee = c.leader, c.employee
    assert leader is not None
    assert employee is not None

    def floor_step(step: Callable[[mf.Conversation], mf.Conversation]) -> Callable[[], object]:
        def call() -> object:
            stored = store.load(mf.Conversation, "c1")
            changed = step(stored.document)
            store.save(changed, revision=stored.revision, actor=leader)
            return changed

        return call

    cells: dict[str, dict[str, Callable[[], object]]] = {
        "reschedule": {
            # Every call moves the conversation from START (as reset() left it) to OTHER: a
            # real change each time, so both sides save.
            "floor": floor_step(lambda d: wf.reschedule(d, by=leader, start=OTHER)),
            "services": lambda: services.reschedule(leader, "c1", start=OTHER),
            "services, no view": lambda: whole.reschedule(leader, "c1", start=OTHER),
        },
        "comment": {
            "floor": floor_step(lambda d: wf.comment(d, by=leader, text="x", clock=clock)),
            "services": lambda: services.comment(leader, "c1", "x"),
            "services, no view": lambda: whole.comment(leader, "c1", "x"),
        },
        "set_agreement_status": {
            "floor": floor_step(
                lambda d: wf.set_agreement_status(d, "a0", "in_progress", by=employee, clock=clock)
            ),
            "services": lambda: services.set_agreement_status(employee, "c1", "a0", "in_progress"),
            "services, no view": lambda: whole.set_agreement_status(
                employee, "c1", "a0", "in_progress"
            ),
        },
    }
    results: dict[str, dict[str, float]] = {}
    print(
        f"services benchmark: {n} calls per cell, one conversation, SQLite "
        f"(Python {platform.python_version()}, {platform.machine()})",
        file=out,
    )
    for name, sides in cells.items():
        cpu: dict[str, list[float]] = {k: [] for k in sides}
        wall: dict[str, list[float]] = {k: [] for k in sides}
        order = list(sides)
        for _ in range(3):  # warm-up: caches, the organisation, the first statements
            for side in order:
                reset()
                sides[side]()
        for _ in range(n):
            order = order[1:] + order[:1]  # rotate: nobody always goes first
            for side in order:
                reset()
                c0, w0 = time.process_time(), time.perf_counter()
                sides[side]()
                cpu[side].append(time.process_time() - c0)
                wall[side].append(time.perf_counter() - w0)
        floor_cpu = statistics.median(cpu["floor"])
        floor_wall = statistics.median(wall["floor"])
        row: dict[str, float] = {"floor_ms": floor_cpu * 1000}
        print(
            f"  {name}: floor {floor_cpu * 1000:.2f} ms CPU ({floor_wall * 1000:.2f} ms wall)",
            file=out,
        )
        for side in sides:
            if side == "floor":
                continue
            ratio = statistics.median(cpu[side]) / floor_cpu
            wall_ratio = statistics.median(wall[side]) / floor_wall
            row[side] = ratio
            mark = "ok" if ratio <= TARGET or side != "services" else f"over {TARGET}x"
            print(
                f"    {side:18} {ratio:.2f}x CPU, {wall_ratio:.2f}x wall"
                f"{'  (' + mark + ')' if side == 'services' else ''}",
                file=out,
            )
        results[name] = row
    store.close()
    return results


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 calls per cell")
    parser.add_argument("-n", type=int, default=400, help="calls per cell")
    parser.add_argument("--dir", type=pathlib.Path, default=None, help="where the file goes")
    args = parser.parse_args(argv)
    n = 20 if args.quick else args.n
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        return run(n, args.dir)
    with tempfile.TemporaryDirectory() as folder:
        return run(n, pathlib.Path(folder))


if __name__ == "__main__":
    main(sys.argv[1:])
