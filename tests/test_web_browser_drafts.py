"""Drafts in a real Chromium: Ane types, the kit saves a draft, a reload shows her answer.

Nobody else reads the draft: Carl (another employee) gets 403 on the draft route, Bo (the
leader) has no draft of his own and sees nothing of Ane's. axe-core finds no serious or
critical violation on the page; the screenshot goes to test-output/screenshots/.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import musframework as mf
from musframework.model.draft import ResponseDraft, draft_id
from tests import web_scenario as ws
from tests.browser_kit import screenshot
from tests.test_web_browser import login, no_serious_violations, serving


def stored_draft(url: str, conversation: str, person: str) -> ResponseDraft | None:
    with mf.storage.open(url) as store:
        found = store.get(ResponseDraft, draft_id(conversation, person))
        return None if found is None else found.document


def test_a_draft_is_saved_while_typing_and_prefilled_after_a_reload(
    page: Any, tmp_path: pathlib.Path
) -> None:
    url, ids = ws.build(tmp_path)
    cid = ids["ane"]
    with serving(url) as base:
        login(page, base, "ane")
        page.goto(f"{base}/conversations/{cid}/form")
        wish = page.get_by_label("Hvad ønsker du dig?")
        wish.fill("Et sejlerkursus")
        wish.blur()  # SurveyJS takes a text's value when it loses focus
        status = page.locator(".mus-draft-status")
        page.wait_for_function(
            "document.querySelector('.mus-draft-status').textContent === 'Kladde gemt.'"
        )
        assert status.get_attribute("aria-live") == "polite"
        draft = stored_draft(url, cid, "ane")
        assert draft is not None and draft.answers == {"wish": mf.TextAnswer("Et sejlerkursus")}
        with mf.storage.open(url) as store:  # a draft is not a response
            assert store.load(mf.Conversation, cid).document.response_of("ane") is None

        # changing page saves at once (the rating chosen just before)
        page.locator(".sd-question", has_text="Hvordan var året?").get_by_text("4").click()
        page.get_by_role("button", name="Videre").click()
        page.wait_for_function(
            "document.querySelector('.mus-draft-status').textContent === 'Kladde gemt.'"
        )
        page.get_by_label("Hvor mange kursusdage ønsker du?").wait_for()
        for _ in range(100):  # the save of the page change lands (no timing assertion)
            found = stored_draft(url, cid, "ane")
            if found is not None and "mood" in found.answers:
                break
            page.wait_for_timeout(50)
        assert stored_draft(url, cid, "ane").answers["mood"] == mf.ScaleAnswer(4)  # type: ignore[union-attr]

        page.reload()
        wish = page.get_by_label("Hvad ønsker du dig?")
        wish.wait_for()
        assert wish.input_value() == "Et sejlerkursus"
        assert status.inner_text() == "Dine svar fra kladden er sat ind."
        no_serious_violations(page)
        shot = screenshot(page, "web-form-draft")
        assert shot.stat().st_size > 0

        draft_url = f"{base}/api/conversations/{cid}/response/draft"
        login(page, base, "carl")
        refused = page.request.get(draft_url)
        assert refused.status == 403 and "sejler" not in refused.text()
        login(page, base, "bo")
        leader = page.request.get(draft_url)
        assert leader.status == 404 and "sejler" not in leader.text()
        form = page.request.get(f"{base}/api/conversations/{cid}/form")
        assert form.ok and "sejler" not in form.text()

        # submitting clears the draft; the page then prefills from the response
        login(page, base, "ane")
        page.goto(f"{base}/conversations/{cid}/form")
        page.get_by_role("button", name="Videre").click()
        page.get_by_label("Hvor mange kursusdage ønsker du?").fill("2")
        page.get_by_role("button", name="Færdig").click()
        page.get_by_role("button", name="Del mine svar med Bo Ærø").wait_for()
        assert stored_draft(url, cid, "ane") is None
        assert page.locator(".mus-draft-status").inner_text() == ""
