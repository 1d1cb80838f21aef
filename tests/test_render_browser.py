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


# ------------------------------------------------------------------ issue 21: what people read


def _review_documents():
    """The sample round's documents a reviewer opens (the report with its charts, plans of
    every kind, an invitation, every built-in form for both parties)."""
    import attrs

    from musframework.testing.sample import sample_round

    sample = sample_round(seed=21, people=30)
    convs = list(sample.conversations)
    convs[3] = attrs.evolve(convs[3], status="cancelled")

    def first(kind, *statuses):
        return next(c for c in convs if c.kind is kind and c.status.value in statuses)

    mus = first(mf.ConversationKind.MUS, "signed")
    grus = first(mf.ConversationKind.GRUS, "concluded", "signed")
    lus = first(mf.ConversationKind.LUS, "signed", "concluded")
    invited = first(mf.ConversationKind.MUS, "invited")
    extra = {"conversations": convs, "on": sample.on}
    docs = [
        ("review-report", sample.cycle, None, extra),
        ("review-plan", mf.DevelopmentPlan.from_conversation(mus), None, {}),
        ("review-plan-lus", mf.DevelopmentPlan.from_conversation(lus), None, {}),
        ("review-plan-grus", grus, "plan", {}),
        ("review-invitation", invited, "invitation", {}),
        ("review-follow-up", mus, "follow_up", {}),
    ]
    for name in mf.templates.names():
        for role in ("employee", "leader"):
            form = mf.templates.load(name)
            docs.append((f"review-form-{name}-{role}", form, None, {"role": role}))
    return sample, docs


SAMPLE, REVIEW = _review_documents()


@pytest.mark.parametrize(("name", "obj", "doc", "extra"), REVIEW, ids=[d[0] for d in REVIEW])
def test_every_document_a_reviewer_opens_is_accessible(page, name, obj, doc, extra):
    html = mf.render(
        obj, "html", "da", doc, people=SAMPLE.organisation, clock=SAMPLE.clock, **extra
    )
    page.set_content(html)
    assert axe_violations(page) == []
    if not name.startswith("review-form-") or name == "review-form-mus-standard-employee":
        screenshot(page, f"{name}-da")
    if name == "review-report":
        # The charts are pictures with a name, each with its table.
        assert page.locator("figure svg[role=img]").count() == 3
        assert page.locator("figure table").count() == 3
        assert "<script" not in html.lower()  # (axe added its own to the page)
        page.emulate_media(media="print")
        screenshot(page, "review-report-print-da")


def test_a_word_page_as_a_reviewer_sees_it(tmp_path):
    """The plan's Word file, opened in LibreOffice and drawn as a page image."""
    import shutil
    import subprocess

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: no image of the Word page (only that image)")
    pdfium = pytest.importorskip("pypdfium2")
    from tests.browser_kit import SCREENSHOTS

    plan = REVIEW[1][1]
    source = tmp_path / "plan.docx"
    source.write_bytes(mf.render(plan, "docx", people=SAMPLE.organisation, clock=SAMPLE.clock))
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    document = pdfium.PdfDocument(str(tmp_path / "plan.pdf"))
    text = document[0].get_textpage().get_text_range()
    assert "Udviklingsplan for" in text and "Underskrift" in text
    assert "arbejdsopgave\nrne" not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=110 / 72).to_pil().save(SCREENSHOTS / "review-word-plan-da.png")
