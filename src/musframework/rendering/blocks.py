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


Block: TypeAlias = Heading | Paragraph | Facts | Table | BulletList | Field
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
