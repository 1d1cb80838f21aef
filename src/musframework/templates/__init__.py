"""Built-in questionnaires, shipped as TOML data files and loaded like any user's file.

>>> import musframework as mf
>>> mf.templates.names()
['evaluation', 'follow-up', 'grus', 'lus', 'mus-core-task', 'mus-scored', 'mus-standard']
>>> form = mf.templates.load("mus-standard")
>>> form.total_minutes, form.check()
(60, [])

Each file lives in ``musframework/templates/data/`` and goes through
:func:`musframework.load_questionnaire`, the same loader your own files use; copy one with
:func:`text` to start your own. All are complete in Danish and English.

=================  ================================================================
name               what it is for
=================  ================================================================
``mus-standard``   a MUS in dialogue style: 60 minutes in five parts, questions for
                   the employee and for the leader
``mus-scored``     the same topics rated 1-5 by both parties (the same question ids),
                   each with a comment, so self and leader ratings can be compared
``mus-core-task``  a 45-minute MUS centred on the organisation's core task, looking
                   forward
``grus``           a group conversation that breaks the goals down to the unit and
                   prepares the MUS
``lus``            a leader's conversation with their own leader, with feedback on
                   leadership style
``follow-up``      the follow-up on the agreements after 3-6 months
``evaluation``     a short evaluation of one conversation and of the round
=================  ================================================================
"""

from __future__ import annotations

from importlib import resources

from musframework.catalogue import Message
from musframework.errors import NotFoundError
from musframework.model import Questionnaire
from musframework.serialization.files import load_questionnaire

__all__ = ["load", "names", "text"]

_PACKAGE = "musframework.templates"
_SUFFIX = ".toml"


def _data() -> resources.abc.Traversable:
    return resources.files(_PACKAGE).joinpath("data")


def names() -> list[str]:
    """The names of the built-in questionnaires, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in _data().iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def text(name: str) -> str:
    """The TOML text of built-in questionnaire ``name`` (a starting point for your own).

    Raises:
        NotFoundError: naming the built-ins when ``name`` is not one of them.
    """
    entry = _data().joinpath(name + _SUFFIX)
    if name not in names():
        raise NotFoundError(
            Message("error.not-found.builtin-form", {"name": name, "names": ", ".join(names())})
        )
    return entry.read_text(encoding="utf-8")


def load(name: str) -> Questionnaire:
    """Load built-in questionnaire ``name`` (see :func:`names`).

    Raises:
        NotFoundError: naming the built-ins when ``name`` is not one of them.
    """
    return load_questionnaire(text(name), format="toml", name=f"{name}{_SUFFIX} (built-in)")
