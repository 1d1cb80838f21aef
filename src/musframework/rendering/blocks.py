"""The format-neutral layout every document is built into before a renderer lays it out.

A document builder (:mod:`musframework.rendering.documents`) turns a model object into a
:class:`Document`: a title and a list of blocks (headings, paragraphs, facts, tables, lists
and form fields). Every string in a block is plain text, never markup: each renderer escapes
it for its own format. Custom renderers and overridden templates work on these blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

import attrs

__all__ = [
    "Block",
    "BulletList",
    "Chart",
    "Document",
    "Facts",
    "Field",
    "Heading",
    "Paragraph",
    "Row",
    "Table",
]


@attrs.frozen
class Heading:
    """A heading; ``level`` 2 is a section, 3 a subsection (the title is level 1)."""

    text: str
    level: int = 2
    kind: str = "heading"


@attrs.frozen
class Paragraph:
    """A paragraph of text; ``style`` is ``""``, ``"muted"`` or ``"note"`` (a hint for layout)."""

    text: str
    style: str = ""
    kind: str = "paragraph"


@attrs.frozen
class Facts:
    """Label and value pairs, such as "Hvor: Mødelokale 2"."""

    items: tuple[tuple[str, str], ...]
    kind: str = "facts"


@attrs.frozen
class Row:
    """One table row; ``highlight`` marks it for attention (a large rating gap, overdue)."""

    cells: tuple[str, ...]
    highlight: bool = False


@attrs.frozen
class Table:
    """A table with column headings and rows; ``role`` names its purpose for styling."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    role: str = ""
    empty: str = ""
    kind: str = "table"


@attrs.frozen
class BulletList:
    """A list of items; ``empty`` is shown when there are none."""

    items: tuple[str, ...]
    empty: str = ""
    kind: str = "list"


@attrs.frozen
class Field:
    """One question of a blank form, with the input its type needs.

    Attributes:
        id: The question id (used for input names in HTML).
        number: The question's number on the form, such as ``"3"``.
        text: The question.
        help: Guidance shown with it, or ``""``.
        required: Whether an answer is required.
        input: ``"scale"``, ``"single"``, ``"multiple"``, ``"yes_no"``, ``"number"``,
            ``"date"``, ``"line"`` (short text) or ``"lines"`` (long text).
        choices: ``(value, label)`` pairs: scale points (label may be ``""``) or options.
        lines: How many writing lines to print for text.
        hint: A short instruction such as "Vælg højst 2".
    """

    id: str
    number: str
    text: str
    help: str = ""
    required: bool = False
    input: str = "line"
    choices: tuple[tuple[str, str], ...] = ()
    lines: int = 1
    hint: str = ""
    kind: str = "field"


@attrs.frozen
class Chart:
    """A bar chart with its numbers: drawn inline (SVG) in HTML and PDF, a table elsewhere.

    Each category (a unit, a month) is one horizontal bar, stacked from its series' values
    (left to right in series order). The ``table`` holds the same numbers and is always shown
    beside the picture, so a screen reader, a text file and a grey print lose nothing.

    Attributes:
        title: What the chart shows (its caption).
        description: One sentence that sums it up (the picture's accessible name).
        categories: The bars' labels, top to bottom.
        series: The segments' labels (the legend).
        values: One row per category, one count per series.
        table: The same numbers as a table.
        percent: Draw every bar as 100 % (shares) rather than counts on one scale.
        attention: Indexes of the series that need action (drawn hatched, so they stand out
            in grey as well as in colour).
    """

    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    table: Table
    percent: bool = False
    attention: tuple[int, ...] = ()
    kind: str = "chart"


Block: TypeAlias = Heading | Paragraph | Facts | Table | BulletList | Field | Chart
"""Any block of a :class:`Document`."""


@attrs.frozen
class Document:
    """A document ready to lay out: which document it is, its title, language and blocks."""

    name: str
    title: str
    locale: str
    blocks: tuple[Block, ...]
    subtitle: str = ""

    def strings(self) -> Iterator[str]:
        """Every text in the document, in order (for tests and plain-text search)."""
        yield self.title
        if self.subtitle:
            yield self.subtitle
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                yield block.text
            elif isinstance(block, Facts):
                for label, value in block.items:
                    yield label
                    yield value
            elif isinstance(block, Chart):
                yield block.title
                yield block.description
                yield from block.table.columns
                for row in block.table.rows:
                    yield from row.cells
            elif isinstance(block, Table):
                yield from block.columns
                for row in block.rows:
                    yield from row.cells
                if not block.rows and block.empty:
                    yield block.empty
            elif isinstance(block, BulletList):
                yield from block.items
                if not block.items and block.empty:
                    yield block.empty
            else:
                yield block.text
                if block.help:
                    yield block.help
                for value, label in block.choices:
                    yield value
                    if label:
                        yield label
                if block.hint:
                    yield block.hint
