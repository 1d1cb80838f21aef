"""Notebook display of model objects: a small registry of display hooks.

Jupyter asks an object for ``_repr_html_()`` and ``_repr_markdown_()``. The model classes that
show themselves (:class:`~musframework.Questionnaire`, :class:`~musframework.Response`,
:class:`~musframework.Conversation`, :class:`~musframework.DevelopmentPlan`,
:class:`~musframework.Cycle`) answer by calling the hook registered for ``"html"`` or
``"markdown"``: a function of the object that returns the text, or ``None`` when it cannot
(IPython then falls back to the plain ``repr``). Without a hook they return ``None``.

The model never imports a renderer. :mod:`musframework.rendering` provides both hooks and
declares them as entry points (group ``musframework.display_hooks``) exactly as a plugin
would, so they are loaded the first time a notebook asks, and not at import time. Replace one
with :func:`register_display_hook` (``replace=True``), and remove one with
:func:`unregister_display_hook`.

>>> from musframework.model import display
>>> display.display_hook_names()
['html', 'markdown']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from musframework._registry import Registry

__all__ = [
    "DisplayHook",
    "DisplayMixin",
    "display_hook",
    "display_hook_names",
    "register_display_hook",
    "unregister_display_hook",
]

DisplayHook: TypeAlias = Callable[[object], "str | None"]
"""A function of a model object that returns its display text, or ``None``."""

ENTRY_POINT_GROUP = "musframework.display_hooks"

_HOOKS: Registry[DisplayHook] = Registry("display hook", ENTRY_POINT_GROUP)


def register_display_hook(name: str, hook: DisplayHook, *, replace: bool = False) -> DisplayHook:
    """Register ``hook`` for display format ``name`` (``"html"`` or ``"markdown"``).

    A taken name needs ``replace=True``. Returns the hook.

    Raises:
        RegistryError: when ``name`` is taken and ``replace`` is false.
    """
    return _HOOKS.register(name, hook, replace=replace)


def unregister_display_hook(name: str) -> DisplayHook:
    """Remove and return the hook registered for display format ``name`` (a built-in one too).

    Raises:
        RegistryError: when no hook is registered under ``name``.
    """
    _HOOKS.names()  # load the entry points first, so a built-in hook stays removed
    return _HOOKS.unregister(name)


def display_hook(name: str) -> DisplayHook | None:
    """The hook for display format ``name``, or ``None`` when there is none."""
    return _HOOKS.get(name) if name in _HOOKS else None


def display_hook_names() -> list[str]:
    """The display formats that have a hook, sorted (entry points included)."""
    return _HOOKS.names()


class DisplayMixin:
    """Adds ``_repr_html_`` and ``_repr_markdown_`` (a Jupyter view) to a model class."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        hook = display_hook("html")
        return None if hook is None else hook(self)

    def _repr_markdown_(self) -> str | None:
        hook = display_hook("markdown")
        return None if hook is None else hook(self)
