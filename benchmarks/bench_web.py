"""Web load benchmark: the served app on loopback against the bare service calls.

Run with ``python benchmarks/bench_web.py [--quick]`` (or ``nox -s bench``).

An organisation of 20 leaders with 10 employees each (200 employees), one invited MUS per
employee on the scenario form of the web tests, in a SQLite file (``--postgres``: also in a
throw-away PostgreSQL server, one pooled store shared by the threads). The load is a fixed number
of requests and stops by itself: every employee reads their form and submits their answers
(400 requests), then every leader reads the side-by-side view of each of their employees'
conversations (200 requests), from 16 client threads at once over keep-alive HTTP/1.1
connections to uvicorn on 127.0.0.1.

The **bare** run makes the same 600 calls on the services directly (``preparation_form``,
``submit_response``, ``preparation_form`` for the leader), from the same 16 threads, each on
its own store: what the work costs without HTTP. Each side runs on a fresh copy of the same
database, alternating, ``--repeat`` times; the figures are the medians.

After every web run each stored response is compared with what its employee sent: a lost
response, a half-written one (any answer missing or different) or an unexpected status
counts as an error, and the benchmark fails on any.

Reported: throughput (requests per second) and p50/p95 latency, each as a ratio to the bare
run. No target is asserted (the suite runs ``--quick`` only so the code does not rot).
Latency is per request as the client sees it: on the web side it includes the wait in the
server's queue (16 clients, one server process); on the bare side a read is over before the
interpreter switches threads, so its p50 is the call itself and the ratio is large.

Measured here (December 2026, 2 shared cores at load ~9, Python 3.11, 3 runs each,
``python benchmarks/bench_web.py --postgres``):

==========  ======  ============  ======  =============
backend     side    req/s         p50 ms  p95 ms
==========  ======  ============  ======  =============
SQLite      bare    536           0.26    87.2
SQLite      web     209 (0.39x)   50.9    191.4 (2.19x)
PostgreSQL  bare    288           28.1    137.9
PostgreSQL  web     172 (0.60x)   52.3    314.1 (2.28x)
==========  ======  ============  ======  =============

0 lost or half-written responses and 0 failed requests on both. On SQLite the bare p50
(0.26 ms) is a read finishing before a thread switch, so the p50 ratio (~200x) mostly
measures the HTTP round trip and the server's queue; on PostgreSQL (a pooled store shared by
the threads, every call a network round trip) web/bare is 1.9x at p50.
"""

from __future__ import annotations

import argparse
import http.client
import json
import pathlib
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

import pendulum

import musframework as mf
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings

ROOT = pathlib.Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))
from tests.web_scenario import CLOCK, form  # noqa: E402

THREADS = 16
HR = Viewer("hr", {Capacity.HR})


def organisation(leaders: int, per_leader: int) -> mf.Organisation:
    people = [mf.Person(id="hr", name="HR")]
    units = [mf.OrgUnit(id="hr", name="HR", members=["hr"])]
    for u in range(leaders):
        members = [f"e{u:02}-{k:02}" for k in range(per_leader)]
        people.append(mf.Person(id=f"l{u:02}", name=f"Leder {u}"))
        people.extend(mf.Person(id=m, name=f"Medarbejder {m}") for m in members)
        units.append(
            mf.OrgUnit(id=f"u{u:02}", name=f"Enhed {u}", leader=f"l{u:02}", members=members)
        )
    return mf.Organisation(people=people, units=units)


def answers(person: str) -> dict[str, Any]:
    n = sum(map(ord, person))
    return {"mood": 1 + n % 5, "wish": f"Ønske fra {person}", "days": n % 21}


class Backend:
    """Where each run's fresh copy of the same data lives: a SQLite file, or a PostgreSQL
    database made from a template database."""

    def __init__(self, folder: pathlib.Path, dsn: str | None = None) -> None:
        self.folder = folder
        self.dsn = dsn
        self.name = "SQLite" if dsn is None else "PostgreSQL"

    def url(self, name: str) -> str:
        if self.dsn is None:
            return f"sqlite:///{self.folder / name}.db"
        return self.dsn.rsplit("/", 1)[0] + f"/bench_web_{name}"

    def fresh(self, name: str) -> str:
        """A new copy of the template under ``name``."""
        if self.dsn is None:
            target = self.folder / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                pathlib.Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.folder / "template.db", target)
            return self.url(name)
        self._sql(f"DROP DATABASE IF EXISTS bench_web_{name}")
        self._sql(f"CREATE DATABASE bench_web_{name} TEMPLATE bench_web_template")
        return self.url(name)

    def _sql(self, statement: str) -> None:
        import psycopg

        assert self.dsn is not None
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(statement.encode("ascii"))

    def prepare(self) -> str:
        """The template's URL (created empty)."""
        if self.dsn is not None:
            self._sql("DROP DATABASE IF EXISTS bench_web_template")
            self._sql("CREATE DATABASE bench_web_template")
        return self.url("template")


def open_services(url: str) -> tuple[Callable[[], Services], Callable[[], None]]:
    """The current thread's services on ``url``, and how to close them.

    SQLite: a store per thread (``ServicesPerThread``); PostgreSQL: one pooled store and one
    ``Services`` shared by every thread, as the how-to says.
    """
    from musframework import web

    if url.startswith("postgresql"):
        pooled = mf.storage.open(url, pool=True, max_size=THREADS)
        shared = Services(pooled, clock=CLOCK, settings=Settings(name="Bench"))
        return (lambda: shared), pooled.close
    store = mf.storage.open(url)
    per_thread = web.ServicesPerThread(
        Services(store, clock=CLOCK, settings=Settings(name="Bench")), url
    )

    def close() -> None:
        per_thread.close()
        store.close()

    return per_thread, close


def build(backend: Backend, leaders: int, per_leader: int) -> dict[str, str]:
    """Write the template: the organisation, the form, the round, every MUS invited."""
    with mf.storage.open(backend.prepare()) as store:
        services = Services(store, clock=CLOCK)
        services.replace_organisation(HR, organisation(leaders, per_leader))
        questionnaire = form()
        store.save(questionnaire, actor="hr")
        cycle = mf.Cycle(
            id="mus-2026",
            name="MUS 2026",
            period=mf.Period(pendulum.date(2026, 3, 2), pendulum.date(2026, 6, 26)),
            questionnaire=questionnaire.ref,
            settings=mf.CycleSettings(include_lus=False),
        )
        plan = services.plan_round(HR, cycle)
        ids = {}
        for c in plan.conversations:
            services.invite(str(c.leader), c.id)
            ids[str(c.employee)] = c.id
    return ids


# ---------------------------------------------------------------------------- the two sides

Call = tuple[str, str, str, Any]  # (who, method, conversation, body)


def workload(ids: dict[str, str]) -> tuple[list[Call], list[Call]]:
    """The employees' calls (form, submit), then the leaders' (side by side)."""
    first: list[Call] = []
    for person, cid in sorted(ids.items()):
        first.append((person, "form", cid, None))
        first.append((person, "submit", cid, answers(person)))
    # Each employee e<NN>-<k> is led by l<NN> (see build()).
    second = [(f"l{person[1:3]}", "side", cid, None) for person, cid in sorted(ids.items())]
    return first, second


def timed(calls: list[Call], one: Callable[[Call], None]) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def run(call: Call) -> None:
        start = time.perf_counter()
        one(call)
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, calls))
    return latencies, time.perf_counter() - start


def bare(url: str, phases: tuple[list[Call], list[Call]]) -> tuple[list[float], float]:
    services, close = open_services(url)

    def one(call: Call) -> None:
        who, method, cid, body = call
        s = services()
        if method == "submit":
            s.submit_response(who, cid, body)
        else:
            s.preparation_form(who, cid)

    try:
        timed([(phases[0][0][0], "form", phases[0][0][2], None)] * THREADS, one)  # as served()
        latencies, total = [], 0.0
        for calls in phases:
            got, took = timed(calls, one)
            latencies += got
            total += took
        return latencies, total
    finally:
        close()


def make_app(url: str) -> tuple[Any, Callable[[], None]]:
    """The app the server process serves: the router over per-thread services on ``url``."""
    from fastapi import FastAPI

    from musframework import web

    services, close = open_services(url)
    app = FastAPI()
    app.include_router(web.router(services, lambda r: r.headers.get("x-person")), prefix="/mus")
    return app, close


def serve(url: str, port: int) -> None:
    """Serve ``url`` on 127.0.0.1:``port`` until terminated (the server process's main)."""
    import signal

    import uvicorn

    app, close = make_app(url)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    try:
        server.run()
    finally:
        close()


def served(url: str, phases: tuple[list[Call], list[Call]]) -> tuple[list[float], float, list[str]]:
    """The same calls over HTTP to uvicorn in its own process (its own GIL), on loopback."""
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, "--port", str(port)], cwd=ROOT
    )
    for _ in range(1200):  # until it listens (at most a minute)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    errors: list[str] = []
    local = threading.local()
    connections: list[http.client.HTTPConnection] = []

    def connection() -> http.client.HTTPConnection:
        if not hasattr(local, "c"):
            local.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connections.append(local.c)
        return local.c  # type: ignore[no-any-return]

    def one(call: Call) -> None:
        who, method, cid, body = call
        path = {"form": "/form", "submit": "/response", "side": "/side-by-side"}[method]
        headers = {"x-person": who, "accept": "application/json"}
        data = None
        if body is not None:
            headers["content-type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        verb = "PUT" if method == "submit" else "GET"
        c = connection()
        c.request(verb, f"/mus/api/conversations/{cid}{path}", body=data, headers=headers)
        answer = c.getresponse()
        payload = answer.read()
        if answer.status != 200:
            errors.append(f"{verb} {cid}{path} as {who}: {answer.status} {payload[:200]!r}")

    try:
        # one untimed request per client thread first: connections and the server's worker
        # threads (each opens its SQLite store once) are set up before the clock runs
        warm = [(phases[0][0][0], "form", phases[0][0][2], None)] * THREADS
        timed(warm, one)
        latencies, total = [], 0.0
        for calls in phases:
            got, took = timed(calls, one)
            latencies += got
            total += took
        return latencies, total, errors
    finally:
        for c in connections:
            c.close()
        process.terminate()
        process.wait(timeout=60)


def verify(url: str, ids: dict[str, str]) -> list[str]:
    """Every employee's response stored exactly as sent (nothing lost, nothing half-written)."""
    problems = []
    with mf.storage.open(url) as store:
        for person, cid in ids.items():
            c = store.load(mf.Conversation, cid).document
            mine = [r for r in c.responses if r.person == person]
            if len(mine) != 1:
                problems.append(f"{cid}: {len(mine)} responses of {person}")
                continue
            got = {q: mine[0].value(q) for q in answers(person)}
            if got != answers(person):
                problems.append(f"{cid}: stored {got}, sent {answers(person)}")
            if c.status is not mf.ConversationStatus.PREPARED:
                problems.append(f"{cid}: status {c.status.value}")
    return problems


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(
    leaders: int,
    per_leader: int,
    repeat: int,
    folder: pathlib.Path,
    *,
    dsn: str | None = None,
    out: TextIO = sys.stdout,
) -> dict[str, float]:
    """Both sides ``repeat`` times, alternating; print and return the medians and ratios."""
    backend = Backend(folder, dsn)
    ids = build(backend, leaders, per_leader)
    phases = workload(ids)
    requests = sum(len(p) for p in phases)
    rows: dict[str, list[tuple[float, float, float]]] = {"bare": [], "web": []}
    failures: list[str] = []
    for i in range(repeat):
        for side in ("bare", "web") if i % 2 == 0 else ("web", "bare"):
            url = backend.fresh(side)
            if side == "bare":
                latencies, total = bare(url, phases)
            else:
                latencies, total, errors = served(url, phases)
                failures += errors + verify(url, ids)
            rows[side].append(
                (requests / total, percentile(latencies, 0.5), percentile(latencies, 0.95))
            )
    med = {
        side: tuple(statistics.median(r[k] for r in rs) for k in range(3))
        for side, rs in rows.items()
    }
    result = {
        "requests": float(requests),
        "bare_rps": med["bare"][0],
        "web_rps": med["web"][0],
        "throughput_ratio": med["web"][0] / med["bare"][0],
        "p50_ratio": med["web"][1] / med["bare"][1],
        "p95_ratio": med["web"][2] / med["bare"][2],
        "errors": float(len(failures)),
    }
    print(
        f"web load benchmark: {leaders * per_leader} employees submitting, {leaders} leaders "
        f"reading; {requests} requests from {THREADS} threads; {backend.name}; {repeat} runs each; "
        f"Python {platform.python_version()}",
        file=out,
    )
    print(f"{'':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}", file=out)
    for side in ("bare", "web"):
        rps, p50, p95 = med[side]
        print(f"{side:>6} {rps:8.0f} {p50 * 1000:8.2f} {p95 * 1000:8.2f}", file=out)
    print(
        f" ratio {result['throughput_ratio']:8.2f}x {result['p50_ratio']:7.2f}x "
        f"{result['p95_ratio']:7.2f}x   (web / bare)",
        file=out,
    )
    print(f"lost or half-written responses, failed requests: {len(failures)}", file=out)
    for failure in failures[:10]:
        print("  " + failure, file=out)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 employees, 2 leaders, 1 run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres", action="store_true", help="also on a throw-away PostgreSQL server"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    leaders, per_leader, repeat = (2, 10, 1) if args.quick else (20, 10, args.repeat)
    errors = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        errors += run(leaders, per_leader, repeat, pathlib.Path(scratch))["errors"]
        if args.postgres:
            from tests.postgres_server import running_server

            with running_server() as dsn:
                result = run(leaders, per_leader, repeat, pathlib.Path(scratch), dsn=dsn)
                errors += result["errors"]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
