"""Word (.docx) through python-docx: the blank form and the development plan.

Needs the ``docx`` extra (``pip install 'musframework[docx]'``). The page is A4; tables use
Word's built-in "Table Grid" style, so HR can restyle the file in Word.

* The file's properties (author, title, subject, language, dates) come from the document and
  the organisation (its top unit's name, or ``author=``), never from the tool that wrote it;
  the dates are the render clock's, and the zip entries carry that moment too, so the same
  input and clock give the same bytes.
* Column widths follow the content: a column gets room in proportion to its text, and at
  least its longest word, so words do not break in the middle.
* A signature table has a labelled column to sign in by hand, tall enough to sign.
* Spacing comes from the document's styles (space before and after paragraphs, headings,
  tables), not from empty paragraphs.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from musframework.errors import MissingExtraError
from musframework.rendering._i18n import label
from musframework.rendering.base import Names, RenderContext, clean_text
from musframework.rendering.blocks import (
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

__all__ = ["DocxRenderer"]

_TEXT_WIDTH_MM = 170.0
_MM_PER_CHAR = 2.4  # 10.5 pt text, bold headers and wide letters included


def _t(text: str) -> str:
    return clean_text(text)


def _organisation_name(names: Names) -> str:
    org = names.organisation
    if org is None:
        return ""
    top = next((u for u in org.units if u.parent is None), None)
    return "" if top is None else top.name


class DocxRenderer:
    """Renders the blank form and the development plan as Word documents.

    Args:
        template: An optional .docx file whose styles (fonts, headings, margins) are used.
        author: The file's author property; by default the organisation's name (its top
            unit), from ``people=``.
    """

    name = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = ".docx"
    documents: tuple[str, ...] = ("form", "plan")

    def __init__(self, template: str | None = None, *, author: str | None = None) -> None:
        self.template = template
        self.author = author

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
            _styles(word)
        author = self.author if self.author is not None else _organisation_name(context.names)
        moment = context.now.in_tz("UTC").naive().replace(microsecond=0)
        props = word.core_properties
        props.author = _t(author)
        props.last_modified_by = _t(author)
        props.title = _t(document.title)
        props.subject = _t(label(f"file.{document.name}", context.locale))
        props.language = context.locale
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.revision = 1
        props.created = moment
        props.modified = moment
        props.last_printed = moment
        _write(word, document, context.locale)
        buffer = io.BytesIO()
        word.save(buffer)
        return _stable_zip(buffer.getvalue(), moment.timetuple()[:6])

    def __repr__(self) -> str:
        return f"DocxRenderer(template={self.template!r}, author={self.author!r})"


def _stable_zip(data: bytes, when: tuple[int, ...]) -> bytes:
    # python-docx stamps every zip entry with the wall clock; use the render moment instead.
    date_time = (max(when[0], 1980), *when[1:6])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=date_time)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def _styles(word: Any) -> None:
    from docx.shared import Pt

    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_before = Pt(2)
    normal.paragraph_format.space_after = Pt(4)
    for name, before in (("Heading 1", 14), ("Heading 2", 10), ("Heading 3", 8)):
        fmt = word.styles[name].paragraph_format
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(4)
        fmt.keep_with_next = True
    # The paragraph after a table keeps its distance from it (Word adds none of its own).
    after = word.styles.add_style("MF After Table", 1)  # WD_STYLE_TYPE.PARAGRAPH
    after.base_style = normal
    after.paragraph_format.space_before = Pt(10)


def _widths(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[float]:
    """Column widths in mm: room for each column's text, never less than its longest word."""
    n = len(columns)
    longest = [0] * n
    lengths = [0] * n
    for values in [columns, *rows]:
        for i, text in enumerate(values):
            words = text.split() or [""]
            longest[i] = max(longest[i], max(len(w) for w in words))
            lengths[i] = max(lengths[i], len(text))
    floor = [max(8.0, w * _MM_PER_CHAR + 4) for w in longest]
    want = [
        max(f, min(length, 60) * _MM_PER_CHAR) for f, length in zip(floor, lengths, strict=True)
    ]
    total = sum(want)
    if total <= _TEXT_WIDTH_MM:
        return [w * _TEXT_WIDTH_MM / total for w in want]
    spare = _TEXT_WIDTH_MM - sum(floor)
    if spare <= 0:  # too many long words: share the page by the floors
        return [f * _TEXT_WIDTH_MM / sum(floor) for f in floor]
    extra = [w - f for w, f in zip(want, floor, strict=True)]
    return [f + e * spare / (sum(extra) or 1) for f, e in zip(floor, extra, strict=True)]


def _table(
    word: Any, columns: tuple[str, ...], rows: list[tuple[str, ...]], *, sign: bool = False
) -> Any:
    from docx.shared import Mm

    table = word.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = _widths(columns, rows)
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_t(text)).bold = True
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = _t(text)
        if sign:
            row.height = Mm(14)  # room to sign by hand
    for row in table.rows:
        row.cells[0].paragraphs[0].paragraph_format.keep_with_next = False
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    return table


def _write(word: Any, document: Document, locale: str) -> None:
    word.add_heading(_t(document.title), level=0)
    if document.subtitle:
        word.add_paragraph(_t(document.subtitle), style="Subtitle")
    after_table = False

    def paragraph(text: str = "", style: str | None = None) -> Any:
        nonlocal after_table
        if style is None and after_table and "MF After Table" in [s.name for s in word.styles]:
            style = "MF After Table"
        after_table = False
        return word.add_paragraph(text, style=style)

    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(_t(block.text), level=min(block.level, 9) - 1 or 1)
            after_table = False
        elif isinstance(block, Paragraph):
            p = paragraph(_t(block.text))
            if block.style in ("note", "muted"):
                for run in p.runs:
                    run.italic = True
        elif isinstance(block, Facts):
            for label_, value in block.items:
                p = paragraph()
                p.add_run(_t(label_) + ": ").bold = True
                p.add_run(_t(value) if value else "_" * 40)
        elif isinstance(block, Table | Chart):
            table = block.table if isinstance(block, Chart) else block
            if isinstance(block, Chart):
                paragraph().add_run(_t(block.title)).bold = True
            if table.rows:
                rows = [row.cells for row in table.rows]
                sign = table.role == "signatures"
                columns = (*table.columns, label("sign_here", locale)) if sign else table.columns
                rows = [(*cells, "") for cells in rows] if sign else rows
                _table(word, columns, rows, sign=sign)
                after_table = True
            else:
                paragraph(_t(table.empty)).runs[0].italic = True
        elif isinstance(block, BulletList):
            if block.items:
                for item in block.items:
                    paragraph(_t(item), style="List Bullet")
            else:
                paragraph(_t(block.empty)).runs[0].italic = True
        else:
            _field(word, block)
            after_table = False


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
