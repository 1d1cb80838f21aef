"""The Jinja2 environments of the HTML and Markdown renderers (imported lazily)."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

from musframework.errors import MissingExtraError

TEMPLATES = pathlib.Path(__file__).parent / "templates"
"""The package's own templates; an app's directories are searched before these."""


def environment(
    template_dirs: Sequence[str | os.PathLike[str]],
    loader: Any,
    *,
    autoescape: bool,
    finalize: Callable[[Any], Any] | None = None,
) -> Any:
    """A Jinja2 environment: the app's loader or directories first, then the package's."""
    try:
        import jinja2
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError("html", "html") from None
    loaders: list[jinja2.BaseLoader] = []
    if loader is not None:
        loaders.append(loader)
    if template_dirs:
        loaders.append(jinja2.FileSystemLoader([os.fspath(d) for d in template_dirs]))
    loaders.append(jinja2.FileSystemLoader(os.fspath(TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
