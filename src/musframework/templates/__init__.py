"""Built-in questionnaires, shipped as TOML data files and loaded like any user's file.

>>> import musframework as mf
>>> mf.templates.names()  # doctest: +NORMALIZE_WHITESPACE
['evaluation', 'follow-up', 'grus', 'lus', 'mus-core-task', 'mus-scored', 'mus-standard',
 'upward-feedback']
>>> form = mf.templates.load("mus-standard")
>>> form.total_minutes, form.check()
(60, [])

Each file lives in ``musframework/templates/data/`` and goes through
:func:`musframework.load_questionnaire`, the same loader your own files use; copy one with
:func:`text` to start your own. All are complete in Danish and English.

A published version is frozen. When a built-in changes, it gets a new version and the old one
stays in ``data/archive/`` (``name@version.toml``), so responses to it can still be checked
and shown: ``load(name, version="1")``; :func:`versions` lists them.

>>> mf.templates.versions("mus-standard")
['1', '2', '3']
>>> mf.templates.load("mus-standard", version="1").ref
QuestionnaireRef(id='mus-standard', version='1')

===================  ================================================================
name                 what it is for
===================  ================================================================
``mus-standard``     a MUS in dialogue style: 60 minutes in five parts, questions for
                     the employee and for the leader
``mus-scored``       the same topics rated 1-5 by both parties (the same question ids),
                     each with a comment, so self and leader ratings can be compared
``mus-core-task``    a 45-minute MUS centred on the organisation's core task, looking
                     forward
``grus``             a group conversation that breaks the goals down to the unit and
                     prepares the MUS
``lus``              a leader's conversation with their own leader, with feedback on
                     leadership style
``follow-up``        the follow-up on the agreements after 3-6 months
``evaluation``       a short evaluation of one conversation and of the round
``upward-feedback``  the staff's anonymous feedback for their leader before the LUS
                     (only an aggregate of at least the minimum group size is shown)
===================  ================================================================
"""

from __future__ import annotations

from importlib import resources

from musframework.catalogue import Message
from musframework.errors import NotFoundError
from musframework.model import Questionnaire
from musframework.serialization.files import load_questionnaire

__all__ = ["SCHEMA_FILE", "load", "names", "schema_text", "text", "versions"]

_PACKAGE = "musframework.templates"
_SUFFIX = ".toml"

SCHEMA_FILE = "questionnaire.schema.json"
"""The JSON Schema's file name beside the built-in forms (their ``#:schema`` lines name it)."""


def _data() -> resources.abc.Traversable:
    return resources.files(_PACKAGE).joinpath("data")


def names() -> list[str]:
    """The names of the built-in questionnaires, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in _data().iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def schema_text() -> str:
    """The JSON Schema of questionnaire files, as shipped beside the built-in forms.

    Every built-in TOML file starts with ``#:schema ./questionnaire.schema.json``: editors that
    run Taplo (the "Even Better TOML" extension) read that line and complete and check the file
    against this schema. It describes the built-in question types; generate a copy that
    describes your registered types too with ``python -m musframework schema``.
    """
    return _data().joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def _archive() -> resources.abc.Traversable:
    return _data().joinpath("archive")


def versions(name: str) -> list[str]:
    """The versions of built-in questionnaire ``name``, oldest first; the last is :func:`load`'s.

    Raises:
        NotFoundError: naming the built-ins when ``name`` is not one of them.
    """
    current = load(name).version
    prefix = name + "@"
    archived = [
        entry.name.removeprefix(prefix).removesuffix(_SUFFIX)
        for entry in _archive().iterdir()
        if entry.is_file() and entry.name.startswith(prefix) and entry.name.endswith(_SUFFIX)
    ]
    return [*sorted(archived, key=_version_key), current]


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def text(name: str, version: str | None = None) -> str:
    """The TOML text of built-in questionnaire ``name`` (a starting point for your own).

    Args:
        name: One of :func:`names`.
        version: An earlier version (see :func:`versions`); the current one by default.

    Raises:
        NotFoundError: naming the built-ins when ``name`` is not one of them, or naming the
            versions when there is no such version.
    """
    if name not in names():
        raise NotFoundError(
            Message("error.not-found.builtin-form", {"name": name, "names": ", ".join(names())})
        )
    current = _data().joinpath(name + _SUFFIX).read_text(encoding="utf-8")
    if version is None:
        return current
    archived = _archive().joinpath(f"{name}@{version}{_SUFFIX}")
    if archived.is_file():
        return archived.read_text(encoding="utf-8")
    known = versions(name)
    if version == known[-1]:
        return current
    raise NotFoundError(
        Message(
            "error.not-found.builtin-form-version",
            {"name": name, "version": version, "versions": ", ".join(known)},
        )
    )


def load(name: str, version: str | None = None) -> Questionnaire:
    """Load built-in questionnaire ``name`` (see :func:`names`), the current or an earlier version.

    Raises:
        NotFoundError: naming the built-ins when ``name`` is not one of them, or naming the
            versions when there is no such version.
    """
    label = f"{name}{_SUFFIX}" if version is None else f"{name}@{version}{_SUFFIX}"
    return load_questionnaire(text(name, version), format="toml", name=f"{label} (built-in)")
