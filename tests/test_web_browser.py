"""The SurveyJS kit and the pages in a real Chromium (Playwright), served by uvicorn on loopback.

Ane fills in and submits her form (a value the server refuses shows on its question and
nothing is stored), shares it; Bo sees both preparations side by side only after she shared;
both sign the plan; the calendar file downloads and parses; axe-core finds no serious or
critical violation on any page. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import contextlib
import pathlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

import musframework as mf  # noqa: E402
from tests import web_scenario as ws  # noqa: E402
from tests.browser_kit import axe_violations, screenshot  # noqa: E402


@contextlib.contextmanager
def serving(url: str) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ws.app(url) as (application, _):
        config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(200):  # wait until it listens (not a timing assertion)
            if server.started:
                break
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}/mus"
        finally:
            server.should_exit = True
            thread.join()


def login(page: Any, base: str, person: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "person", "value": person, "url": base}])


def no_serious_violations(page: Any) -> None:
    found = axe_violations(page)
    assert found == [], found


def stored_response(url: str, conversation: str, person: str) -> mf.Response | None:
    with mf.storage.open(url) as store:
        return store.load(mf.Conversation, conversation).document.response_of(person)


def test_prepare_share_and_sign_in_the_browser(page: Any, tmp_path: pathlib.Path) -> None:
    url, ids = ws.build(tmp_path)
    cid = ids["ane"]
    with serving(url) as base:
        # ---- Ane fills in the form; the server refuses 2.5 course days
        login(page, base, "ane")
        page.goto(f"{base}/conversations/{cid}/form")
        progress = page.locator(".mus-progress")
        progress.wait_for()
        assert progress.inner_text() == "Side 1 af 2 · ca. 20 minutter"
        page.locator(".sd-question", has_text="Hvordan var året?").get_by_text("4").click()
        page.get_by_label("Hvad ønsker du dig?").fill("En mentor")
        page.get_by_role("button", name="Videre").click()
        assert progress.inner_text() == "Side 2 af 2 · ca. 30 minutter"
        # The survey itself refuses 2.5 for a whole number (the browser's step check) ...
        page.get_by_label("Hvor mange kursusdage ønsker du?").fill("2.5")
        page.get_by_role("button", name="Færdig").click()
        page.get_by_text("Indtast en værdi, der matcher trinstørrelsen").wait_for()
        # ... a client that checks less (an older page, a custom control) sends it: the
        # server's finding shows on its question and the survey stays open.
        page.evaluate("document.querySelector('.mus-survey').musSurvey.ignoreValidation = true")
        page.get_by_role("button", name="Færdig").click()
        question = page.locator(".sd-question", has_text="Hvor mange kursusdage")
        error = question.get_by_text("forventede et helt tal, fik 2.5")
        error.wait_for()
        assert page.locator(".mus-status").inner_text().startswith("Dine svar er ikke gemt")
        assert page.get_by_role("button", name="Færdig").is_visible()  # still open
        assert page.get_by_text("Mange tak for din besvarelse").count() == 0
        assert stored_response(url, cid, "ane") is None  # nothing stored
        no_serious_violations(page)
        screenshot(page, "web-form-refused")

        page.get_by_label("Hvor mange kursusdage ønsker du?").fill("2")
        page.get_by_role("button", name="Færdig").click()
        share = page.get_by_role("button", name="Del mine svar med Bo Ærø")
        share.wait_for()
        assert page.locator(".mus-status").inner_text() == "Dine svar er gemt."
        saved = stored_response(url, cid, "ane")
        assert saved is not None and saved.value("days") == 2 and not saved.shared
        assert "Indtil du deler dem, kan kun du se dine svar" in page.inner_text(".mus-share")
        no_serious_violations(page)
        screenshot(page, "web-form")

        # ---- Bo prepares too; before Ane shares he sees only his own
        with mf.storage.open(url) as store:
            services = mf.services.Services(store, clock=ws.CLOCK)
            services.submit_response("bo", cid, {"mood": 3, "wish": "Mere ansvar"})
        login(page, base, "bo")
        page.goto(f"{base}/conversations/{cid}")
        assert page.inner_text("#mus-seen") == "Du kan se 1 forberedelse: Bo Ærø"
        frame = page.frame_locator("iframe.mus-document")
        assert frame.get_by_text("En mentor").count() == 0

        # ---- Ane shares (the page again, prefilled from the server)
        login(page, base, "ane")
        page.goto(f"{base}/conversations/{cid}/form")
        page.get_by_label("Hvad ønsker du dig?").wait_for()
        assert page.get_by_label("Hvad ønsker du dig?").input_value() == "En mentor"
        page.get_by_role("button", name="Del mine svar med Bo Ærø").click()
        page.get_by_text("Dine svar er delt med Bo Ærø.").wait_for()

        login(page, base, "bo")
        page.goto(f"{base}/conversations/{cid}")
        assert page.inner_text("#mus-seen") == (
            "Du kan se 2 forberedelser: Ane Østergård og Bo Ærø"
        )
        frame = page.frame_locator("iframe.mus-document")
        frame.get_by_text("En mentor").wait_for()
        no_serious_violations(page)
        screenshot(page, "web-side-by-side")

        # ---- the plan: Bo writes it up elsewhere; both sign here
        ws.conclude(url, cid)
        for person in ("bo", "ane"):
            login(page, base, person)
            page.goto(f"{base}/conversations/{cid}/plan")
            page.get_by_role("button", name="Underskriv planen").click()
            page.get_by_text("Du har underskrevet planen.").wait_for()
        with mf.storage.open(url) as store:
            signed = store.load(mf.Conversation, cid).document
        assert signed.status is mf.ConversationStatus.SIGNED
        assert {s.person for s in signed.valid_signatures} == {"ane", "bo"}
        page.reload()
        page.frame_locator("iframe.mus-document").get_by_text("Kursus i projektledelse").wait_for()
        no_serious_violations(page)
        screenshot(page, "web-plan")

        # ---- the calendar file downloads and parses
        icalendar = pytest.importorskip("icalendar")
        with page.expect_download() as download:
            page.get_by_role("link", name="Hent samtalen til din kalender (.ics)").click()
        data = pathlib.Path(download.value.path()).read_bytes()
        event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        assert str(event["UID"]) == f"{cid}@musframework"


def test_the_pages_load_nothing_from_outside(page: Any, tmp_path: pathlib.Path) -> None:
    url, ids = ws.build(tmp_path)
    with serving(url) as base:
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(base.rsplit("/", 1)[0]) else outside.append(r.url),
        )
        login(page, base, "ane")
        page.goto(f"{base}/conversations/{ids['ane']}/form")
        page.locator(".mus-progress").wait_for()
        page.goto(f"{base}/")
        page.get_by_text("Mine samtaler").wait_for()
        no_serious_violations(page)
        assert outside == []
