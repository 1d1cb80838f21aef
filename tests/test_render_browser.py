"""Every HTML document, opened in a real Chromium: accessible (axe-core) and looked at.

Screenshots of each document go to ``test-output/screenshots/documents-*.png``.
"""

from __future__ import annotations

import pendulum
import pytest

import musframework as mf
from tests.browser_kit import axe_violations, screenshot
from tests.walks import cycle, organisation, walk_grus, walk_lus, walk_mus

pytestmark = pytest.mark.browser

CLOCK = mf.FixedClock(pendulum.datetime(2026, 9, 1, 12, tz="Europe/Copenhagen"))


def _documents():
    walks = {"mus": walk_mus(), "grus": walk_grus(), "lus": walk_lus()}
    org = organisation()
    docs = []
    for name, walk in walks.items():
        form = walk.questionnaire
        for conversation, doc in (
            (walk.state("invited"), "invitation"),
            (walk.state("prepared"), "side_by_side"),
            (walk.final, "plan"),
            (walk.final, "follow_up"),
        ):
            docs.append((f"{name}-{doc}", conversation, doc, {"questionnaire": form}))
        response = walk.state("prepared").responses[0]
        docs.append((f"{name}-response", response, None, {"questionnaire": form}))
    docs.append(("form", walks["mus"].questionnaire, None, {}))
    finals = [w.final for w in walks.values()]
    docs.append(("report", cycle(), None, {"conversations": finals}))
    return org, docs


ORG, DOCUMENTS = _documents()


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize(("name", "obj", "doc", "extra"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_html_documents_have_no_serious_accessibility_violations(
    page, name, obj, doc, extra, locale
):
    html = mf.render(obj, "html", locale, doc, people=ORG, clock=CLOCK, **extra)
    page.set_content(html)
    assert page.locator("html").get_attribute("lang") == locale
    assert axe_violations(page) == []
    screenshot(page, f"documents-{name}-{locale}")
