"""HTML through Jinja2: one self-contained page (inline CSS, print CSS for A4).

Every value in a template is autoescaped; user text can never become markup. Point
``template_dirs`` (or a Jinja2 ``loader``) at your own templates to change the look: they are
searched before the package's, so a ``html/base.html.j2`` of yours replaces the page frame
and ``html/<document>.html.j2`` one document.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from musframework.rendering.base import ISOLATED, RenderContext, clean_text
from musframework.rendering.blocks import Chart
from musframework.rendering.documents import build_document

__all__ = ["HtmlRenderer"]

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


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value  # already markup: made by a template or macro, never user text
    if isinstance(value, str):
        if "\u2068" not in value:
            return clean_text(value)
        from markupsafe import Markup, escape

        # Each isolated span (a name among names) becomes <bdi>; every text is escaped.
        out, last = [], 0
        for match in ISOLATED.finditer(value):
            out.append(escape(clean_text(value[last : match.start()])))
            out.append(Markup("<bdi>%s</bdi>") % clean_text(match.group(1)))
            last = match.end()
        out.append(escape(clean_text(value[last:])))
        return Markup("").join(out)
    return value


def _chart_svg(chart: Chart) -> Any:
    import hashlib

    from markupsafe import Markup

    from musframework.rendering.svg import chart_svg

    ident = "mf-" + hashlib.sha256(chart.title.encode()).hexdigest()[:8]
    return Markup(chart_svg(chart, ident))


class HtmlRenderer:
    """Renders documents as HTML pages.

    Args:
        template_dirs: Directories with your own templates, searched before the package's.
        loader: A Jinja2 loader searched first of all (for templates from a database …).
        fragment: Produce an HTML fragment (a ``<div>`` with scoped style) instead of a whole
            page, for embedding (Jupyter uses this).
        css: Extra CSS appended to the built-in style.
    """

    name = "html"
    media_type = "text/html"
    extension = ".html"
    documents: tuple[str, ...] = _DOCUMENTS

    def __init__(
        self,
        template_dirs: Sequence[str | os.PathLike[str]] = (),
        *,
        loader: Any = None,
        fragment: bool = False,
        css: str = "",
    ) -> None:
        self.template_dirs = tuple(template_dirs)
        self.loader = loader
        self.fragment = fragment
        self.css = css
        self._env: Any = None

    def _environment(self) -> Any:
        if self._env is None:
            from musframework.rendering._jinja import environment

            self._env = environment(
                self.template_dirs, self.loader, autoescape=True, finalize=_finalize
            )
            self._env.filters["chart_svg"] = _chart_svg
        return self._env

    def __call__(self, obj: object, context: RenderContext) -> str:
        """Render ``obj`` as ``context.document``, a page (or fragment) of HTML."""
        document = build_document(obj, context)
        env = self._environment()
        template = env.select_template([f"html/{document.name}.html.j2", "html/document.html.j2"])
        return str(
            template.render(
                document=document,
                context=context,
                fragment=self.fragment,
                extra_css=self.css,
                lang=context.locale,
            )
        )

    def __repr__(self) -> str:
        return f"HtmlRenderer(template_dirs={list(self.template_dirs)!r}, fragment={self.fragment})"
