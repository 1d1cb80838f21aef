"""Word (.docx) through python-docx: the blank form and the development plan.

Needs the ``docx`` extra (``pip install 'musframework[docx]'``). The page is A4; tables use
Word's built-in "Table Grid" style, so HR can restyle the file in Word.
"""

from __future__ import annotations

import io
from typing import Any

from musframework.errors import MissingExtraError
from musframework.rendering.base import RenderContext, clean_text
from musframework.rendering.blocks import (
    BulletList,
    Document,
    Facts,
    Field,
    Heading,
    Paragraph,
    Table,
)
from musframework.rendering.documents import build_document

__all__ = ["DocxRenderer"]


def _t(text: str) -> str:
    return clean_text(text)


class DocxRenderer:
    """Renders the blank form and the development plan as Word documents.

    Args:
        template: An optional .docx file whose styles (fonts, headings, margins) are used.
    """

    name = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = ".docx"
    documents: tuple[str, ...] = ("form", "plan")

    def __init__(self, template: str | None = None) -> None:
        self.template = template

    def __call__(self, obj: object, context: RenderContext) -> bytes:
        """Render ``obj`` as ``context.document``; returns the bytes of a .docx file."""
        try:
            import docx
            from docx.shared import Mm
        except ImportError:  # pragma: no cover - exercised only without the extra
            raise MissingExtraError("docx", "docx") from None
        document = build_document(obj, context)
        word = docx.Document(self.template)
        if self.template is None:
            for section in word.sections:
                section.page_width, section.page_height = Mm(210), Mm(297)
                section.left_margin = section.right_margin = Mm(20)
                section.top_margin = section.bottom_margin = Mm(18)
        word.core_properties.title = _t(document.title)
        word.core_properties.language = context.locale
        _write(word, document)
        buffer = io.BytesIO()
        word.save(buffer)
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"DocxRenderer(template={self.template!r})"


def _table(word: Any, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Any:
    table = word.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_t(text)).bold = True
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = _t(text)
    return table


def _write(word: Any, document: Document) -> None:
    word.add_heading(_t(document.title), level=0)
    if document.subtitle:
        word.add_paragraph(_t(document.subtitle), style="Subtitle")
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(_t(block.text), level=min(block.level, 9) - 1 or 1)
        elif isinstance(block, Paragraph):
            p = word.add_paragraph(_t(block.text))
            if block.style in ("note", "muted"):
                for run in p.runs:
                    run.italic = True
        elif isinstance(block, Facts):
            for label, value in block.items:
                p = word.add_paragraph()
                p.add_run(_t(label) + ": ").bold = True
                p.add_run(_t(value) if value else "_" * 40)
        elif isinstance(block, Table):
            if block.rows:
                rows = [row.cells for row in block.rows]
                if block.role == "signatures":
                    columns = (*block.columns, "")
                    rows = [(*cells, "_" * 25) for cells in rows]
                else:
                    columns = block.columns
                _table(word, columns, rows)
            else:
                word.add_paragraph(_t(block.empty)).runs[0].italic = True
        elif isinstance(block, BulletList):
            if block.items:
                for item in block.items:
                    word.add_paragraph(_t(item), style="List Bullet")
            else:
                word.add_paragraph(_t(block.empty)).runs[0].italic = True
        else:
            _field(word, block)


def _field(word: Any, block: Field) -> None:
    p = word.add_paragraph()
    p.add_run(_t(f"{block.number}. {block.text}")).bold = True
    if block.required:
        p.add_run(" *")
    if block.help:
        word.add_paragraph(_t(block.help)).runs[0].italic = True
    if block.hint:
        word.add_paragraph(_t(block.hint + ":"))
    if block.input == "scale":
        _table(
            word,
            tuple(value for value, _ in block.choices),
            [tuple(f"☐ {text}".strip() for _, text in block.choices)],
        )
    elif block.choices:
        for _, text in block.choices:
            word.add_paragraph(_t(f"☐ {text}"))
    else:
        for _ in range(block.lines):
            word.add_paragraph("_" * 70)
