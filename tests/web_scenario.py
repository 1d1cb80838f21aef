"""A small organisation with an invited MUS per employee, for the web tests (API and browser).

Hanne is HR; Bo leads IT with Ane and Carl. The form has a required rating, a free text and
a whole number (how many course days): the browser lets 2.5 through, the server refuses it.
"""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Iterator
from typing import Any

import pendulum

import musframework as mf
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings

CLOCK = mf.FixedClock(pendulum.datetime(2026, 2, 16, 9, tz="Europe/Copenhagen"))
HR = Viewer("hanne", {Capacity.HR})


def form() -> mf.Questionnaire:
    """The preparation form: two sections, so the page shows "page 1 of 2"."""
    return mf.Questionnaire(
        id="mus",
        title={"da": "MUS-forberedelse", "en": "MUS preparation"},
        sections=[
            mf.Section(
                id="year",
                title={"da": "Året der gik", "en": "The past year"},
                minutes=20,
                questions=[
                    mf.ScaleQuestion(
                        id="mood",
                        text={"da": "Hvordan var året?", "en": "How was the year?"},
                        required=True,
                    ),
                    mf.TextQuestion(
                        id="wish",
                        text={"da": "Hvad ønsker du dig?", "en": "What do you wish for?"},
                    ),
                ],
            ),
            mf.Section(
                id="future",
                title={"da": "Fremtiden", "en": "The future"},
                minutes=30,
                questions=[
                    mf.NumberQuestion(
                        id="days",
                        text={
                            "da": "Hvor mange kursusdage ønsker du?",
                            "en": "How many course days would you like?",
                        },
                        min=0,
                        max=20,
                        integer=True,
                    ),
                ],
            ),
        ],
    )


def organisation() -> mf.Organisation:
    """Hanne (HR), Bo (leader of IT), Ane and Carl (IT)."""
    return mf.Organisation(
        people=[
            mf.Person(id="hanne", name="Hanne Holm", email="hanne@kommune.dk"),
            mf.Person(id="bo", name="Bo Ærø", email="bo@kommune.dk"),
            mf.Person(id="ane", name="Ane Østergård", email="ane@kommune.dk"),
            mf.Person(id="carl", name="Carl Dahl", email="carl@kommune.dk"),
        ],
        units=[
            mf.OrgUnit(id="hr", name="HR", members=["hanne"]),
            mf.OrgUnit(id="it", name="IT", leader="bo", members=["ane", "carl"]),
        ],
    )


def build(folder: pathlib.Path) -> tuple[str, dict[str, str]]:
    """Write the store: the organisation, the form, a planned round, every MUS invited.

    Returns the store URL and the MUS id by employee.
    """
    url = f"sqlite:///{folder / 'mus.db'}"
    with mf.storage.open(url) as store:
        services = Services(store, clock=CLOCK, settings=Settings(name="Eksempel Kommune"))
        services.replace_organisation(HR, organisation())
        questionnaire = form()
        store.save(questionnaire, actor="hanne")
        cycle = mf.Cycle(
            id="mus-2026",
            name="MUS 2026",
            period=mf.Period(pendulum.date(2026, 3, 2), pendulum.date(2026, 3, 27)),
            questionnaire=questionnaire.ref,
            settings=mf.CycleSettings(include_lus=False),
        )
        plan = services.plan_round(HR, cycle)
        ids = {}
        for c in plan.conversations:
            if c.kind is mf.ConversationKind.MUS:
                services.invite("bo", c.id)
                ids[str(c.employee)] = c.id
    return url, ids


def conclude(url: str, conversation: str) -> None:
    """Bo holds the conversation and writes it up (the plan both then sign)."""
    with mf.storage.open(url) as store:
        services = Services(store, clock=CLOCK)
        if services.conversation("bo", conversation).status is mf.ConversationStatus.INVITED:
            services.prepare("bo", conversation)
        planned = services.conversation("bo", conversation).scheduled_start
        if planned is not None and CLOCK.now() < planned:  # held today: moved to today first
            services.reschedule("bo", conversation, start=CLOCK.now())
        services.hold("bo", conversation)
        services.conclude(
            "bo",
            conversation,
            conclusions=["Et godt år med det nye sagssystem"],
            goals=["Blive selvkørende i sagssystemet"],
            agreements=[
                mf.Agreement(
                    id="a1",
                    description="Kursus i projektledelse",
                    owner="ane",
                    deadline=pendulum.date(2026, 9, 1),
                )
            ],
        )


def who(request: Any) -> Viewer | str | None:
    """The tests' authentication hook: the person named by a header or a cookie (Hanne: HR)."""
    person = request.headers.get("x-person") or request.cookies.get("person")
    return HR if person == "hanne" else person


@contextlib.contextmanager
def app(url: str) -> Iterator[tuple[Any, Any]]:
    """A FastAPI app with the router mounted at ``/mus``, and its per-thread services."""
    from fastapi import FastAPI

    from musframework import web

    with mf.storage.open(url) as store:
        services = Services(store, clock=CLOCK, settings=Settings(name="Eksempel Kommune"))
        per_thread = web.ServicesPerThread(services, url)
        application = FastAPI(title="MUS")
        application.include_router(web.router(per_thread, who), prefix="/mus")
        try:
            yield application, per_thread
        finally:
            per_thread.close()
