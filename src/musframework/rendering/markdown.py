"""Markdown through Jinja2, with every piece of user text escaped.

Markdown has no autoescaping, so the environment's ``finalize`` escapes every value a template
prints: Markdown punctuation is backslash-escaped and ``<`` can never open raw HTML. Template
text itself (and values passed through the ``raw`` filter) is written as is. Templates can be
overridden like the HTML ones (``markdown/document.md.j2``, ``markdown/<document>.md.j2``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from musframework.rendering.base import RenderContext, clean_text
from musframework.rendering.documents import build_document

__all__ = ["MarkdownRenderer", "escape_markdown"]

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

# Everything that can start inline markup, a link, raw HTML, an entity or a table cell.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#+!|~&])")
_WS = re.compile(r"\s*\n\s*")


class _Raw(str):
    """A string the Markdown templates write without escaping (template-made markup)."""

    __slots__ = ()


def escape_markdown(text: str) -> str:
    r"""``text`` as literal Markdown: no emphasis, links, HTML, headings, lists or tables.

    Line breaks become spaces, so a value cannot start a new block.

    >>> print(escape_markdown("<b>*hi*</b> | 1. ok"))
    \<b\>\*hi\*\</b\> \| 1. ok
    """
    one_line = _WS.sub(" ", clean_text(text)).strip()
    escaped = _INLINE.sub(r"\\\1", one_line)
    # A value may start a line: it must not become a list item, a rule or a heading underline.
    escaped = re.sub(r"^([-=])", r"\\\1", escaped)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, _Raw):
        return str(value)
    return escape_markdown(value if isinstance(value, str) else str(value))


class MarkdownRenderer:
    """Renders documents as Markdown (CommonMark with pipe tables).

    Args:
        template_dirs: Directories with your own templates, searched before the package's.
        loader: A Jinja2 loader searched first of all.
    """

    name = "markdown"
    media_type = "text/markdown"
    extension = ".md"
    documents: tuple[str, ...] = _DOCUMENTS

    def __init__(
        self, template_dirs: Sequence[str | os.PathLike[str]] = (), *, loader: Any = None
    ) -> None:
        self.template_dirs = tuple(template_dirs)
        self.loader = loader
        self._env: Any = None

    def _environment(self) -> Any:
        if self._env is None:
            from musframework.rendering._jinja import environment

            env = environment(self.template_dirs, self.loader, autoescape=False, finalize=_finalize)
            env.filters["raw"] = _Raw
            self._env = env
        return self._env

    def __call__(self, obj: object, context: RenderContext) -> str:
        """Render ``obj`` as ``context.document`` in Markdown."""
        document = build_document(obj, context)
        template = self._environment().select_template(
            [f"markdown/{document.name}.md.j2", "markdown/document.md.j2"]
        )
        return str(template.render(document=document, context=context)).strip() + "\n"

    def __repr__(self) -> str:
        return f"MarkdownRenderer(template_dirs={list(self.template_dirs)!r})"
