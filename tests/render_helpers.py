"""Shared helpers of the renderer tests: text extraction from every format."""

import io
import re

import html5lib
import markdown_it

from musframework.rendering import clean_text


def norm(text: str) -> str:
    """Whitespace-normalised text, as every format may wrap or collapse spaces."""
    return " ".join(clean_text(text).split())


def strict_html(document: str):
    """Parse with html5lib's strict parser (raises on any parse error)."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document)


def html_text(tree) -> str:
    return norm(" ".join(tree.itertext()))


def markdown_html(text: str) -> str:
    # CommonMark with raw HTML allowed: any HTML that got through would be live here.
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def markdown_text(text: str) -> str:
    tree = html5lib.parse(markdown_html(text), namespaceHTMLElements=False)
    return norm(" ".join(tree.itertext()))


def docx_text(data: bytes) -> str:
    import docx

    word = docx.Document(io.BytesIO(data))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return norm(" ".join(parts))


def text_of(fmt: str, output) -> str:
    """The readable text of a rendered document, whitespace-normalised."""
    if fmt == "html":
        return html_text(strict_html(output))
    if fmt == "markdown":
        return markdown_text(output)
    if fmt == "docx":
        return docx_text(output)
    return norm(output)


MD_ESCAPED = re.compile(r"\\(.)")
