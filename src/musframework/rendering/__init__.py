"""Documents people read, print, sign and put in their calendar.

:func:`render` turns a model object into a document in a format; :func:`render_to` writes it
to a file and picks the format from the file's extension.

Formats (renderers, registered by name): ``html``, ``markdown``, ``text``, ``docx``, ``ics``,
``pdf`` (the ``pdf`` extra: WeasyPrint from the HTML);
add your own with :func:`register_renderer` or the ``musframework.renderers`` entry point group.

Documents (see ``DOCUMENTS``): ``invitation``, ``form`` (blank preparation form),
``side_by_side``, ``plan``, ``follow_up``, ``guide`` (the leader's guide), ``report``, ``response``
and ``calendar``. An object
that can become several documents (a :class:`~musframework.Conversation`) takes
``document=``; without it, its status chooses (see :func:`document_candidates`).

The top-level package re-exports :func:`render` and :func:`render_to` as ``mf.render`` and
``mf.render_to``; everything else is imported from this subpackage.

Names: documents refer to people by id; pass ``people=`` (an
:class:`~musframework.Organisation`, a ``{person id: name}`` mapping, or
:class:`~musframework.Person` objects) to show names. Unknown ids are shown as they are.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable
from typing import Any

import pendulum

from musframework._registry import Registry
from musframework.catalogue import Message
from musframework.clock import DEFAULT_TIMEZONE, Clock, resolve_clock
from musframework.errors import DataError, RegistryError
from musframework.model.conversation import Conversation
from musframework.model.cycle import Cycle
from musframework.model.findings import Finding
from musframework.model.kinds import Role
from musframework.model.questionnaire import Questionnaire
from musframework.model.upward import UpwardSummary
from musframework.policy import Action, Policy, Viewer, authorize, seen_by, view
from musframework.rendering.base import (
    DOCUMENTS,
    DocumentError,
    Names,
    PeopleLike,
    RenderContext,
    Renderer,
    clean_text,
    document_candidates,
    file_stem,
)
from musframework.rendering.blocks import Document
from musframework.rendering.documents import RoundFigures, build_document, round_figures
from musframework.signing import Signer

__all__ = [
    "DOCUMENTS",
    "Document",
    "DocumentError",
    "Names",
    "RenderContext",
    "Renderer",
    "RoundFigures",
    "build_document",
    "choose_document",
    "clean_text",
    "document_candidates",
    "file_stem",
    "get_renderer",
    "register_renderer",
    "render",
    "render_to",
    "renderer_for_path",
    "renderer_names",
    "round_figures",
    "unregister_renderer",
]

_RENDERERS: Registry[Renderer | type[Renderer]] = Registry("renderer", "musframework.renderers")

_BUILTINS = {
    "docx": "musframework.rendering.docx:DocxRenderer",
    "html": "musframework.rendering.html:HtmlRenderer",
    "ics": "musframework.rendering.ics:IcsRenderer",
    "markdown": "musframework.rendering.markdown:MarkdownRenderer",
    "pdf": "musframework.rendering.pdf:PdfRenderer",
    "text": "musframework.rendering.text:TextRenderer",
}
"""The built-ins, as declared in ``pyproject.toml``'s entry points; used only when the package
metadata is missing (running from a source tree that was never installed)."""


_STATE = {"builtins_checked": False}


def _ensure_builtins() -> None:
    # Once only: a built-in unregistered on purpose stays unregistered.
    import importlib

    if _STATE["builtins_checked"]:
        return
    _STATE["builtins_checked"] = True
    known = set(_RENDERERS.names())
    for name, target in _BUILTINS.items():
        if name not in known:
            module, _, attr = target.partition(":")
            _RENDERERS.register(name, getattr(importlib.import_module(module), attr))


def register_renderer(
    name: str, renderer: Renderer | type[Renderer], *, replace: bool = False
) -> Renderer | type[Renderer]:
    """Register ``renderer`` (an instance, or a class called without arguments) as ``name``.

    A configured instance (for example ``HtmlRenderer(template_dirs=["my_templates"])``) can
    be registered under its own name, or replace a built-in with ``replace=True``. Installed
    packages can declare renderers in the ``musframework.renderers`` entry point group
    instead; an explicit registration wins over an entry point of the same name.
    """
    return _RENDERERS.register(name, renderer, replace=replace)


def unregister_renderer(name: str) -> Renderer | type[Renderer]:
    """Remove the renderer registered as ``name`` and return it (it stays removed)."""
    _ensure_builtins()
    return _RENDERERS.unregister(name)


def renderer_names() -> list[str]:
    """The names of every renderer (built-in, entry points and registered), sorted."""
    _ensure_builtins()
    return _RENDERERS.names()


def get_renderer(name: str) -> Renderer:
    """The renderer registered as ``name`` (a registered class is instantiated once)."""
    if name not in _RENDERERS:
        _ensure_builtins()
    item = _RENDERERS.get(name)
    if isinstance(item, type):
        instance = item()
        _RENDERERS.register(name, instance, replace=True)
        return instance
    return item


def renderer_for_path(path: str | os.PathLike[str]) -> Renderer:
    """The renderer for a file name's extension.

    A renderer whose name is the extension (``.html`` -> ``html``) is preferred; otherwise
    the one renderer with that extension.

    Raises:
        RegistryError: when no renderer, or more than one, writes that extension.
    """
    suffix = pathlib.Path(path).suffix.lower()
    if not suffix:
        raise RegistryError(Message("error.render.no-extension", {"path": os.fspath(path)}))
    matches = []
    for name in renderer_names():
        r = get_renderer(name)
        if r.extension.lower() == suffix:
            if name == suffix[1:]:
                return r
            matches.append(name)
    if len(matches) == 1:
        return get_renderer(matches[0])
    if not matches:
        raise RegistryError(
            Message("error.render.no-renderer", {"suffix": suffix, "known": renderer_names()})
        )
    raise RegistryError(
        Message("error.render.several-renderers", {"suffix": suffix, "names": matches})
    )


def choose_document(obj: object, renderer: Renderer, document: str | None = None) -> str:
    """The document ``renderer`` makes from ``obj``: ``document`` if given, else the usual one.

    Raises:
        DocumentError: when the renderer cannot make that document (or any) from ``obj``.
    """
    if document is not None:
        if document not in renderer.documents:
            raise DocumentError(
                Message(
                    "error.render.not-made",
                    {
                        "renderer": renderer.name,
                        "documents": list(renderer.documents),
                        "document": document,
                    },
                )
            )
        types = DOCUMENTS.get(document)
        if types is not None and not isinstance(obj, types):
            raise DocumentError(
                Message(
                    "error.render.wrong-object",
                    {
                        "document": document,
                        "types": [t.__name__ for t in types],
                        "type": type(obj).__name__,
                    },
                )
            )
        return document
    for candidate in document_candidates(obj):
        if candidate in renderer.documents:
            return candidate
    for candidate in renderer.documents:  # a custom renderer's own documents
        if candidate not in DOCUMENTS:
            return candidate
    raise DocumentError(
        Message(
            "error.render.cannot-render",
            {
                "renderer": renderer.name,
                "type": type(obj).__name__,
                "documents": list(renderer.documents),
            },
        )
    )


def _context(
    obj: object,
    renderer: Renderer,
    *,
    locale: str,
    document: str | None,
    people: PeopleLike | Names,
    questionnaire: Questionnaire | None,
    role: Role | str | None,
    conversations: Iterable[Conversation],
    clock: Clock | None,
    on: pendulum.Date | None,
    timezone: str,
    gap_threshold: int | None,
    signer: Signer | None = None,
    upward_feedback: UpwardSummary | None = None,
) -> RenderContext:
    now = resolve_clock(clock).now()
    return RenderContext(
        document=choose_document(obj, renderer, document),
        locale=locale,
        names=people,
        questionnaire=questionnaire,
        role=role,
        conversations=conversations,
        on=on or now.date(),
        now=now,
        timezone=timezone,
        gap_threshold=gap_threshold,
        signer=signer,
        upward_feedback=upward_feedback,
    )


def render(
    obj: object,
    format: str = "html",
    locale: str = "da",
    document: str | None = None,
    *,
    people: PeopleLike | Names = None,
    questionnaire: Questionnaire | None = None,
    role: Role | str | None = None,
    conversations: Iterable[Conversation] = (),
    clock: Clock | None = None,
    on: pendulum.Date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    gap_threshold: int | None = None,
    viewer: Viewer | None = None,
    policy: Policy | None = None,
    signer: Signer | None = None,
    upward_feedback: UpwardSummary | None = None,
) -> str | bytes:
    """Render ``obj`` as a document in ``format`` and ``locale`` (Danish by default).

    Args:
        obj: A Questionnaire, Response, Conversation, DevelopmentPlan or Cycle.
        format: A registered renderer name: ``html``, ``markdown``, ``text``, ``docx``, ``ics``.
        locale: ``"da"`` or ``"en"``.
        document: Which document to make when the object allows several (a Conversation:
            ``invitation``, ``side_by_side``, ``plan``, ``follow_up``, ``calendar``).
        people: Where names come from (an Organisation, ``{id: name}`` or Person objects).
        questionnaire: The form, to show question texts in side-by-side and responses.
        role: The role a blank form is for (``employee`` by default).
        conversations: A round's conversations, for a report or round calendar.
        clock: The clock today and the calendar's time stamps come from.
        on: The day overdue and upcoming deadlines are measured from (default: today by
            ``clock``).
        timezone: The zone calendar times are written in.
        gap_threshold: The rating gap highlighted side by side (default: half the scale).
        viewer: Render only what this person may see: the object (and ``conversations``)
            are replaced by their redacted views under ``policy`` first.
        policy: The access policy that decides for ``viewer`` (required with ``viewer``).
        signer: Checks the signatures' proofs (:mod:`musframework.signing`): without it a
            signature on the current content reads "unverified", never "valid".
        upward_feedback: The summary of the staff's upward feedback
            (``Services.upward_feedback_summary``), shown in a LUS invitation: the leader's
            preparation and their own leader's guide.

    Returns:
        ``str`` for text formats, ``bytes`` for binary ones (docx, ics, pdf).
    """
    return _render(get_renderer(format), obj, _options(locals()))


_OPTIONS = (
    "locale",
    "document",
    "people",
    "questionnaire",
    "role",
    "conversations",
    "clock",
    "on",
    "timezone",
    "gap_threshold",
    "viewer",
    "policy",
    "signer",
    "upward_feedback",
)


def _options(arguments: dict[str, Any]) -> dict[str, Any]:
    # render() and render_to() take the same options; pick them from the caller's arguments.
    return {name: arguments[name] for name in _OPTIONS}


def _render(renderer: Renderer, obj: object, options: dict[str, Any]) -> str | bytes:
    viewer, policy = options.pop("viewer"), options.pop("policy")
    obj, options["conversations"] = _as_seen_by(viewer, policy, obj, options["conversations"])
    return renderer(obj, _context(obj, renderer, **options))


def _as_seen_by(
    viewer: Viewer | None,
    policy: Policy | None,
    obj: object,
    conversations: Iterable[Conversation],
) -> tuple[object, Iterable[Conversation]]:
    """``obj`` and ``conversations`` redacted for ``viewer`` (unchanged without a viewer)."""
    if viewer is None:
        return obj, conversations
    if policy is None:
        raise DataError(
            Message("error.viewer-needs-policy"), [Finding.error("render.no-policy", "policy")]
        )
    if isinstance(obj, Cycle):
        authorize(viewer, Action.VIEW, obj, policy)
        return obj, seen_by(conversations, viewer, policy)
    return view(obj, viewer, policy), seen_by(conversations, viewer, policy)


def render_to(
    path: str | os.PathLike[str],
    obj: object,
    *,
    format: str | None = None,
    locale: str = "da",
    document: str | None = None,
    people: PeopleLike | Names = None,
    questionnaire: Questionnaire | None = None,
    role: Role | str | None = None,
    conversations: Iterable[Conversation] = (),
    clock: Clock | None = None,
    on: pendulum.Date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    gap_threshold: int | None = None,
    viewer: Viewer | None = None,
    policy: Policy | None = None,
    signer: Signer | None = None,
    upward_feedback: UpwardSummary | None = None,
) -> pathlib.Path:
    """Render ``obj`` into the file ``path``; the format follows the extension.

    ``plan.html``, ``plan.md``, ``plan.txt``, ``plan.docx``, ``round.ics`` … (see
    :func:`renderer_for_path`); ``format=`` overrides. Text is written as UTF-8. Takes the
    same options as :func:`render` and returns the path written.
    """
    renderer = get_renderer(format) if format is not None else renderer_for_path(path)
    output = _render(renderer, obj, _options(locals()))
    target = pathlib.Path(path)
    if isinstance(output, bytes):
        target.write_bytes(output)
    else:
        target.write_text(output, encoding="utf-8")
    return target
