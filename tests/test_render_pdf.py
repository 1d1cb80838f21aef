"""PDF documents (the ``pdf`` extra): plans, invitations and the round report.

Checked by extracting the text (pypdf) and by looking at a page image: the first page of each
is drawn to ``test-output/screenshots/pdf-*.png`` (with ``pdftoppm`` when it is installed,
otherwise with pdfium from the ``pypdfium2`` package).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

import musframework as mf
from musframework.testing.sample import sample_round
from tests.browser_kit import SCREENSHOTS
from tests.render_helpers import norm

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

ROUND = sample_round(seed=21, people=30)
ORG = ROUND.organisation
CLOCK = ROUND.clock


def _signed():
    return next(c for c in ROUND.conversations if c.status is mf.ConversationStatus.SIGNED)


def _invited():
    return next(
        c
        for c in ROUND.conversations
        if c.status is mf.ConversationStatus.INVITED and c.kind is mf.ConversationKind.MUS
    )


DOCUMENTS = {
    "plan": lambda: (mf.DevelopmentPlan.from_conversation(_signed()), {}),
    "invitation": lambda: (_invited(), {"document": "invitation"}),
    "report": lambda: (ROUND.cycle, {"conversations": ROUND.conversations, "on": ROUND.on}),
}


def _pdf(name, locale="da"):
    obj, extra = DOCUMENTS[name]()
    return mf.render(obj, "pdf", locale, people=ORG, clock=CLOCK, **extra)


def page_image(data: bytes, name: str):
    """Draw the PDF's first page to test-output/screenshots/<name>.png and return the image."""
    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        source = SCREENSHOTS / f"{name}.pdf"
        source.write_bytes(data)
        stem = target.with_suffix("")
        subprocess.run(
            [pdftoppm, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", source, stem],
            check=True,
        )
        source.unlink()
    else:
        pdfium = pytest.importorskip("pypdfium2")
        pdfium.PdfDocument(data)[0].render(scale=110 / 72).to_pil().save(target)
    return Image.open(target).convert("L")


EXPECTED = {
    "plan": ("Udviklingsplan for", "MUS-samtale den", "Underskrifter", "Aftaler"),
    "invitation": ("Invitation til MUS-samtale", "Sådan forbereder du dig", "Hvornår"),
    "report": ("Rapport for runden", "Dækning efter enhed", "Åbne aftaler efter frist"),
}
ENGLISH = ("Development plan", "Owner", "Signatures", "Coverage", "Invitation to", "Deadline")


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pdf_holds_the_documents_text_in_its_language_with_fonts_embedded(name):
    data = _pdf(name)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = norm(" ".join(page.extract_text() for page in reader.pages))
    for words in EXPECTED[name]:
        assert words in text, (name, words)
    assert [w for w in ENGLISH if w in text] == []
    # Every font is embedded (a font file in each descriptor).
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            if descendants is not None:
                font = descendants[0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # Tagged for screen readers, in its language, with the organisation as author.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "da"
    assert reader.metadata.author == "Forvaltningen"
    assert "python" not in (reader.metadata.producer or "").lower()
    # The page looks like a document: mostly paper, with dark text on it.
    image = page_image(data, f"pdf-{name}-da")
    histogram = image.histogram()
    dark = sum(histogram[:100]) / sum(histogram)
    assert 0.005 < dark < 0.4, dark


def test_the_same_document_and_clock_give_the_same_pdf():
    assert _pdf("plan") == _pdf("plan")


def test_english_pdf_is_english():
    text = norm(pypdf.PdfReader(io.BytesIO(_pdf("plan", "en"))).pages[0].extract_text())
    assert "Development plan for" in text and "Udviklingsplan" not in text
