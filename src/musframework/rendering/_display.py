"""Notebook display (``_repr_html_``, ``_repr_markdown_``) for the model classes.

The two hooks of :mod:`musframework.model.display`, declared in ``pyproject.toml`` as entry
points of the group ``musframework.display_hooks``; the model loads them when a notebook asks.
"""

from __future__ import annotations

from musframework.errors import MissingExtraError
from musframework.rendering.base import RenderContext, document_candidates
from musframework.rendering.html import HtmlRenderer
from musframework.rendering.markdown import MarkdownRenderer

_HTML = HtmlRenderer(fragment=True)
_MARKDOWN = MarkdownRenderer()


def _context(obj: object) -> RenderContext | None:
    from musframework.clock import SystemClock

    candidates = [d for d in document_candidates(obj) if d != "calendar"]
    if not candidates:
        return None
    now = SystemClock().now()
    return RenderContext(document=candidates[0], on=now.date(), now=now)


def repr_html(obj: object) -> str | None:
    """An HTML fragment for Jupyter, or ``None`` (IPython then falls back) without Jinja2."""
    context = _context(obj)
    if context is None:
        return None
    try:
        return _HTML(obj, context)
    except MissingExtraError:
        return None


def repr_markdown(obj: object) -> str | None:
    """Markdown for Jupyter, or ``None`` without Jinja2."""
    context = _context(obj)
    if context is None:
        return None
    try:
        return _MARKDOWN(obj, context)
    except MissingExtraError:
        return None
