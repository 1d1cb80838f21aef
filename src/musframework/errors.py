"""The one error hierarchy of musframework.

Every error the library raises on purpose derives from :class:`MusframeworkError`, so an
application can catch the library's problems with a single ``except`` clause. Errors caused by
bad input carry every problem found (not just the first) as :class:`~musframework.Finding`
objects, each with a path to the offending value.

Every error's words come from the catalogue (:mod:`musframework.catalogue`): ``error.text(locale)``
gives the message in a person's language, ``str(error)`` the English text for logs and
tracebacks.

>>> from musframework.catalogue import Message, message_ids
>>> error = NotFoundError(Message("error.not-found.person", {"id": "p7"}))
>>> error.text("da"), str(error)
("ingen person 'p7' i organisationen", "no person 'p7' in the organisation")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from musframework.catalogue import Message, message_ids

if TYPE_CHECKING:
    from musframework.model.findings import Finding

__all__ = [
    "AccessDeniedError",
    "ConflictError",
    "DataError",
    "DocumentError",
    "InvalidValueError",
    "LoadError",
    "MigrationError",
    "MissingExtraError",
    "MusframeworkError",
    "NotFoundError",
    "RegistryError",
    "SigningError",
    "StorageError",
    "TransitionError",
    "UnsupportedObjectError",
]

LOG_LANGUAGE = "en"
"""The language of ``str(error)``: logs and tracebacks are read by developers."""


class _Readable(Protocol):
    def get(self, locale: str = ..., /) -> str: ...


class _Plain:
    # A text given as a plain string (a third-party backend's own message): the same words in
    # every language.
    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def get(self, locale: str = "da", /) -> str:
        return self.value


def _readable(message: Message | str | _Readable) -> _Readable:
    return _Plain(message) if isinstance(message, str) else message


class MusframeworkError(Exception):
    """Base class of every error raised by musframework.

    Attributes:
        message: What went wrong, as a catalogue message (or a plain text).
    """

    def __init__(self, message: Message | str | _Readable = "") -> None:
        self.message = _readable(message)
        super().__init__(self.text(LOG_LANGUAGE))

    def text(self, locale: str = "da") -> str:
        """The error in ``locale``, fit to show to the person who caused it."""
        return self.message.get(locale)

    def __str__(self) -> str:
        return self.text(LOG_LANGUAGE)


class DataError(MusframeworkError):
    """Input data is invalid; :attr:`findings` lists every problem with its path."""

    findings: tuple[Finding, ...]

    def __init__(self, summary: Message | str, findings: Iterable[Finding] = ()) -> None:
        self.findings = tuple(findings)
        self.summary = _readable(summary)
        super().__init__(summary)

    def text(self, locale: str = "da") -> str:
        """The summary and every problem with its path, one per line, in ``locale``."""
        summary = self.summary.get(locale)
        if not self.findings:
            return summary
        head = Message("error.problems", {"summary": summary, "n": len(self.findings)})
        lines = [head.text(locale)]
        root = Message("error.root").text(locale)
        lines.extend(f"  {f.path or root}: {f.text(locale)}" for f in self.findings)
        return "\n".join(lines)

    @property
    def paths(self) -> list[str]:
        """The paths of all problems, in order."""
        return [f.path for f in self.findings]


class LoadError(DataError):
    """Serialized data (JSON, TOML, a stored document, a file) could not be loaded.

    Attributes:
        source: The file name or other origin of the data, when known.
    """

    def __init__(
        self, summary: Message | str, findings: Iterable[Finding] = (), *, source: str | None = None
    ) -> None:
        self.source = source
        super().__init__(summary, findings)

    def text(self, locale: str = "da") -> str:
        """Like :meth:`DataError.text`, starting with the source.

        When the findings know their line (a questionnaire file), each is one line the way
        compilers print them: ``form.toml:41:5: error questionnaire.duplicate-id: ...``.
        """
        source = self.source
        if source and any(f.line is not None for f in self.findings):
            summary = self.summary.get(locale)
            head = Message("error.problems", {"summary": summary, "n": len(self.findings)})
            lines = [f"{source}: {head.text(locale)}"]
            lines.extend(f.format_at(source, locale) for f in self.findings)
            return "\n".join(lines)
        text = super().text(locale)
        return f"{source}: {text}" if source else text


class MigrationError(LoadError):
    """A stored document has a schema version that no registered migration can upgrade."""


class InvalidValueError(MusframeworkError, ValueError):
    """A value is not what its field or question takes; the message says what was expected.

    Raised inside models' converters and validators and by the loaders' strict hooks; the
    loaders turn it into a finding at the value's path.
    """


class TransitionError(MusframeworkError):
    """A workflow step is not allowed in the object's current state.

    Attributes:
        current: The current state, as a string.
        allowed: The states or steps that are allowed next.
    """

    def __init__(self, message: Message | str, *, current: str, allowed: Sequence[str]) -> None:
        self.current = current
        self.allowed = tuple(allowed)
        self.reason = _readable(message)
        super().__init__(message)

    def text(self, locale: str = "da") -> str:
        """The refusal, the current state and the steps allowed next, in ``locale``."""
        steps = [_step_or_state(name) for name in self.allowed]
        return Message(
            "error.transition",
            {
                "reason": self.reason.get(locale),
                "current": _step_or_state(self.current),
                "allowed": steps if steps else Message("word.none"),
            },
        ).text(locale)


def _step_or_state(name: str) -> Message | str:
    # A workflow step ("sign") or a conversation state ("held"), by its catalogue label.
    return _known(f"step.{name}", _known(f"ConversationStatus.{name}", name))


def _known(msgid: str, fallback: Message | str) -> Message | str:
    # The catalogue's message ``msgid`` if it has one, else ``fallback`` (a plugin's own word).
    return Message(msgid) if msgid in message_ids(LOG_LANGUAGE) else fallback


class NotFoundError(MusframeworkError):
    """A requested object (document, question, person, renderer …) does not exist."""


class RegistryError(MusframeworkError):
    """A registry lookup or registration failed (unknown or duplicate name)."""


class ConflictError(MusframeworkError):
    """A document was saved with a stale revision; nothing was written.

    Attributes:
        document: ``(kind, id)`` of the document in conflict.
        expected: The revision the caller based its change on.
        actual: The revision currently stored.
    """

    def __init__(self, document: tuple[str, str], expected: int | None, actual: int | None) -> None:
        self.document = document
        self.expected = expected
        self.actual = actual
        kind, doc_id = document
        super().__init__(
            Message(
                "error.conflict",
                {
                    "kind": Message(f"document.{kind}"),
                    "id": doc_id,
                    "expected": str(expected),
                    "actual": str(actual),
                },
            )
        )


class StorageError(MusframeworkError):
    """A storage backend failed, or was configured wrongly."""


class SigningError(MusframeworkError):
    """A signature or redaction cannot be made (no private key, an unknown key id)."""


class AccessDeniedError(MusframeworkError):
    """The acting person may not perform this action on this object."""


class DocumentError(MusframeworkError, ValueError):
    """The document asked for cannot be made from this object, or by this renderer."""


class UnsupportedObjectError(MusframeworkError, TypeError):
    """:func:`~musframework.validate` was given an object it has no rules for."""


class MissingExtraError(MusframeworkError, ImportError):
    """An optional feature needs a package that is not installed.

    The message names the extra to install, for example ``pip install 'musframework[html]'``.
    """

    def __init__(self, feature: str, extra: str) -> None:
        self.extra = extra
        self.feature = feature
        what = _known(f"feature.{feature}", feature)
        super().__init__(Message("error.missing-extra", {"feature": what, "extra": extra}))
