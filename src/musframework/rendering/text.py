"""Plain text, for e-mail bodies: no markup, lines of at most about 78 characters."""

from __future__ import annotations

import textwrap

from musframework.rendering.base import RenderContext, clean_text
from musframework.rendering.blocks import (
    Block,
    BulletList,
    Chart,
    Document,
    Facts,
    Field,
    Heading,
    Paragraph,
    Table,
)
from musframework.rendering.documents import build_document

__all__ = ["TextRenderer", "document_text"]

_DOCUMENTS = (
    "form",
    "response",
    "invitation",
    "side_by_side",
    "plan",
    "follow_up",
    "report",
    "guide",
)


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    lines: list[str] = []
    for part in clean_text(text).split("\n"):
        wrapped = textwrap.wrap(
            part,
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,  # a name or id such as "Jens-Ole" stays on one line
        )
        lines.extend(wrapped or [indent.rstrip()])
    return lines


def _block(block: Block, width: int) -> list[str]:
    if isinstance(block, Heading):
        text = clean_text(block.text)
        return [text, ("=" if block.level <= 2 else "-") * min(len(text), width)]
    if isinstance(block, Paragraph):
        return _wrap(block.text, width, "    " if block.style == "note" else "")
    if isinstance(block, Facts):
        lines: list[str] = []
        for label, value in block.items:
            lines.extend(_wrap(f"{label}: {value}", width))
        return lines
    if isinstance(block, Table):
        if not block.rows:
            return [clean_text(block.empty)]
        lines = []
        for row in block.rows:
            first, *rest = row.cells
            mark = "! " if row.highlight else "* "
            lines.extend(_wrap(mark + first, width))
            for column, cell in zip(block.columns[1:], rest, strict=False):
                if cell:
                    lines.extend(_wrap(f"{column}: {cell}", width, "    "))
        return lines
    if isinstance(block, Chart):  # the numbers; the picture is for HTML and PDF
        return [*_wrap(block.title + ":", width), *_block(block.table, width)]
    if isinstance(block, BulletList):
        if not block.items:
            return [clean_text(block.empty)]
        lines = []
        for item in block.items:
            lines.extend(_wrap("- " + item, width))
        return lines
    return _field(block, width)


def _field(block: Field, width: int) -> list[str]:
    lines = _wrap(f"{block.number}. {block.text}{' *' if block.required else ''}", width)
    if block.help:
        lines.extend(_wrap(block.help, width, "   "))
    if block.hint:
        lines.extend(_wrap(block.hint + ":", width, "   "))
    if block.input == "scale":
        for value, text in block.choices:
            lines.extend(_wrap(f"[ ] {value} {text}".rstrip(), width, "   "))
    elif block.choices:
        for _, text in block.choices:
            lines.extend(_wrap(f"[ ] {text}", width, "   "))
    else:
        lines.extend(["   " + "_" * 50] * block.lines)
    return lines


def document_text(document: Document, width: int = 78) -> str:
    """Lay out a document as plain text."""
    title = clean_text(document.title)
    out = [title, "#" * min(len(title), width)]
    if document.subtitle:
        out.extend(_wrap(document.subtitle, width))
    for block in document.blocks:
        out.append("")
        out.extend(_block(block, width))
    return "\n".join(out).rstrip() + "\n"


class TextRenderer:
    """Renders documents as plain text (for e-mail bodies).

    Args:
        width: The line width to wrap at.
    """

    name = "text"
    media_type = "text/plain"
    extension = ".txt"
    documents: tuple[str, ...] = _DOCUMENTS

    def __init__(self, width: int = 78) -> None:
        self.width = width

    def __call__(self, obj: object, context: RenderContext) -> str:
        """Render ``obj`` as ``context.document`` in plain text."""
        return document_text(build_document(obj, context), self.width)

    def __repr__(self) -> str:
        return f"TextRenderer(width={self.width})"
