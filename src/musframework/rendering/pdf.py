"""PDF through WeasyPrint, from the HTML documents: plans, invitations, the round report ….

Needs the ``pdf`` extra (``pip install 'musframework[pdf]'``), and WeasyPrint needs Pango on
the system (Debian: ``apt-get install libpango-1.0-0 libpangoft2-1.0-0``). The PDF is the HTML
page laid out for A4 print (the page's print style), with the report's charts drawn from their
inline SVG, the fonts embedded (subsets of the fonts used) and the document tagged for
accessibility (a PDF/UA-1 structure tree and the document's language). Its metadata carry the
title, the author (the organisation, as in Word) and the render clock's moment, so the same
input and clock give the same bytes.
"""

from __future__ import annotations

from typing import Any

from musframework.catalogue import Message
from musframework.errors import MissingExtraError
from musframework.rendering.base import DocumentError, RenderContext
from musframework.rendering.html import HtmlRenderer

__all__ = ["PdfRenderer"]


def _organisation_name(context: RenderContext) -> str:
    org = context.names.organisation
    if org is None:
        return ""
    top = next((u for u in org.units if u.parent is None), None)
    return "" if top is None else top.name


class PdfRenderer:
    """Renders the documents people read and print as PDF (through the HTML renderer).

    Args:
        html: The HTML renderer to start from (your templates and CSS apply to the PDF too).
        author: The PDF's author; by default the organisation's name (its top unit).
        tagged: Write a tagged PDF (PDF/UA-1) for screen readers.
    """

    name = "pdf"
    media_type = "application/pdf"
    extension = ".pdf"
    documents: tuple[str, ...] = (
        "invitation",
        "form",
        "side_by_side",
        "plan",
        "follow_up",
        "report",
        "response",
    )

    def __init__(
        self, html: HtmlRenderer | None = None, *, author: str | None = None, tagged: bool = True
    ) -> None:
        self.html = html or HtmlRenderer()
        self.author = author
        self.tagged = tagged

    def __call__(self, obj: object, context: RenderContext) -> bytes:
        """Render ``obj`` as ``context.document``; returns the bytes of a PDF file."""
        try:
            import weasyprint
        except (ImportError, OSError):  # pragma: no cover - without the extra or Pango
            raise MissingExtraError("pdf", "pdf") from None
        if context.document not in self.documents:
            raise DocumentError(
                Message(
                    "error.render.not-made",
                    {
                        "renderer": self.name,
                        "documents": list(self.documents),
                        "document": context.document,
                    },
                )
            )
        page = self.html(obj, context)
        author = self.author if self.author is not None else _organisation_name(context)
        document = weasyprint.HTML(string=page).render()
        metadata = document.metadata
        metadata.authors = [author] if author else []
        moment = context.now.in_tz("UTC").replace(microsecond=0).isoformat()
        metadata.created = metadata.modified = moment
        metadata.lang = context.locale
        metadata.generator = ""
        options: dict[str, Any] = {"pdf_identifier": _identifier(page)}
        if self.tagged:
            options["pdf_variant"] = "pdf/ua-1"
        data: bytes = document.write_pdf(**options)
        return data

    def __repr__(self) -> str:
        return f"PdfRenderer(author={self.author!r}, tagged={self.tagged})"


def _identifier(page: str) -> bytes:
    # The file identifier from the content, not at random: the same page gives the same bytes.
    import hashlib

    return hashlib.md5(page.encode("utf-8"), usedforsecurity=False).hexdigest().encode()
