"""Try the web kit: the API and pages on 127.0.0.1 over SQLite, with the sample organisation.

Run with ``nox -s serve`` (or ``python examples/web_app.py``) and open the address it prints.
The login is a **development-only picker** (anyone can be anyone: never deploy it): choose
an employee to fill in the preparation form, their leader to see both preparations side by
side, and open the plan to sign it or download the calendar file.

What it sets up, through the services (``musframework.services``) on a SQLite file: the sample
organisation (60 people, 5 units, fictitious names) and its scored form, a MUS round starting
next week with every conversation invited, and for the first team one conversation already
prepared by both, held and written up, waiting for both signatures.

Options: ``--port`` (8000), ``--db`` (examples/output/web.db), ``--fresh`` (start over),
``--check`` (set everything up, answer one request, exit: what the tests run).
"""

import argparse
import html
import pathlib
import sys
from typing import Any

import pendulum

import musframework as mf
from musframework.catalogue import translate
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings
from musframework.testing.sample import sample_round

HERE = pathlib.Path(__file__).parent
COOKIE = "mus-dev-person"


def build(db: pathlib.Path, *, fresh: bool) -> str:
    """Set up the store (unless it is there already); returns its URL."""
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db}"
    with mf.storage.open(url) as store:
        if store.documents(mf.Cycle):
            return url
        sample = sample_round(seed=1)
        hr = Viewer("setup", {Capacity.HR})
        services = Services(store, settings=Settings(name="Eksempel Kommune"))
        services.replace_organisation(hr, sample.organisation)
        store.save(sample.questionnaire, actor="setup")
        start = pendulum.today("Europe/Copenhagen").date().add(weeks=1)
        cycle = mf.Cycle(
            id=f"mus-{start.year}",
            name=f"MUS {start.year}",
            period=mf.Period(start, start.add(weeks=5)),
            questionnaire=sample.questionnaire.ref,
            settings=mf.CycleSettings(include_lus=False, grus_before_mus=False),
        )
        plan = services.plan_round(hr, cycle)
        mus = [c for c in plan.conversations if c.kind is mf.ConversationKind.MUS]
        for c in mus:
            services.invite(str(c.leader), c.id)
        ready = mus[0]
        answers = {q.id: 4 for q in sample.questionnaire.questions() if q.type_name == "scale"}
        for person in ready.participant_ids:
            services.submit_response(person, ready.id, answers)
            services.share(person, ready.id)
        leader = str(ready.leader)
        if ready.scheduled_start is not None and services.clock.now() < ready.scheduled_start:
            services.reschedule(leader, ready.id, start=services.clock.now())  # held today
        services.hold(leader, ready.id)
        services.conclude(
            leader,
            ready.id,
            conclusions=["Et godt år; mere ansvar for planlægningen"],
            goals=["Blive selvkørende i det nye sagssystem"],
            agreements=[
                mf.Agreement(
                    id="a1",
                    description="Sidemandsoplæring i det nye sagssystem",
                    owner=str(ready.employee),
                    deadline=start.add(months=3),
                )
            ],
        )
    return url


def app(url: str) -> Any:
    """The FastAPI app: the router under /mus, the development login picker under /dev."""
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, RedirectResponse, Response

    from musframework import web

    store = mf.storage.open(url)
    services = Services(store, settings=Settings(name="Eksempel Kommune"))
    per_thread = web.ServicesPerThread(services, url)

    def who(request: Request) -> str | None:  # the one thing an app supplies
        return request.cookies.get(COOKIE)

    application = FastAPI(title="musframework (development)", on_shutdown=[per_thread.close])
    application.include_router(web.router(per_thread, who), prefix="/mus")

    @application.middleware("http")
    async def banner(request: Request, call_next: Any) -> Response:
        """Mark every page as development-only (the login is a picker, not a login)."""
        response: Any = await call_next(request)  # a streaming response
        if not response.headers.get("content-type", "").startswith("text/html"):
            return response  # type: ignore[no-any-return]
        if request.url.path.startswith("/mus/api/"):
            return response  # type: ignore[no-any-return]  # documents stay as they are
        body = b"".join([chunk async for chunk in response.body_iterator])
        locale = web.language(request.headers.get("accept-language"), "da")
        note = (
            f'<div class="mus-dev-banner" role="note">{translate("web.dev.banner", locale)} '
            f'<a href="/dev" style="color:#fff">{translate("web.dev.logout", locale)}</a></div>'
        )
        body = body.replace(b"<body>", b"<body>" + note.encode("utf-8"), 1)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body, status_code=response.status_code, headers=headers)

    @application.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/dev")

    @application.get("/dev", include_in_schema=False)
    def picker(request: Request) -> Response:
        locale = web.language(request.headers.get("accept-language"), "da")
        organisation = services.organisation()
        items = []
        for unit in organisation.units:
            people = ([unit.leader] if unit.leader else []) + list(unit.members)
            links = []
            for pid in people:
                person = organisation.person(pid)
                role = f" ({translate('web.dev.leader', locale)})" if pid == unit.leader else ""
                links.append(
                    f'<li><a href="/dev/login/{html.escape(pid)}">'
                    f"{html.escape(person.name)}</a>{role}</li>"
                )
            items.append(f"<h2>{html.escape(unit.name)}</h2><ul>{''.join(links)}</ul>")
        title = translate("web.dev.title", locale)
        return HTMLResponse(
            f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
            f'<title>{title}</title><link rel="stylesheet" href="/mus/static/kit.css"></head>'
            f'<body><main class="mus-login"><h1>{title}</h1>{"".join(items)}</main></body></html>'
        )

    @application.get("/dev/login/{person}", include_in_schema=False)
    def pick(person: str) -> Response:
        response = RedirectResponse("/mus/", status_code=303)
        response.set_cookie(COOKIE, person, httponly=True, samesite="strict")
        return response

    application.state.store = store
    return application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", type=pathlib.Path, default=HERE / "output" / "web.db")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    url = build(args.db, fresh=args.fresh)
    application = app(url)
    if args.check:
        from fastapi.testclient import TestClient

        with TestClient(application) as client:
            status = client.get("/dev").status_code
        application.state.store.close()
        print(f"musframework web (check): /dev answered {status}")
        return 0 if status == 200 else 1
    import uvicorn

    print(f"musframework web (DEVELOPMENT ONLY): http://127.0.0.1:{args.port}/dev")
    try:
        uvicorn.run(application, host="127.0.0.1", port=args.port, log_level="warning")
    finally:
        application.state.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
