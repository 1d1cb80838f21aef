"""Notebook display hooks for model classes, built on :mod:`musframework.rendering`.

The model layer never imports the renderers at import time: these methods import them when
IPython asks for a representation. Without Jinja2 they return ``None`` and IPython falls back
to the plain ``repr``.
"""

from __future__ import annotations

__all__ = ["DisplayMixin"]


class DisplayMixin:
    """Adds ``_repr_html_`` and ``_repr_markdown_`` (a Jupyter view) to a model class."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        from musframework.rendering._display import repr_html

        return repr_html(self)

    def _repr_markdown_(self) -> str | None:
        from musframework.rendering._display import repr_markdown

        return repr_markdown(self)
