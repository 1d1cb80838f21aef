"""The one error hierarchy of musframework.

Every error the library raises on purpose derives from :class:`MusframeworkError`, so an
application can catch the library's problems with a single ``except`` clause. Errors caused by
bad input carry every problem found (not just the first) as :class:`~musframework.Finding`
objects, each with a path to the offending value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from musframework.model.findings import Finding

__all__ = [
    "AccessDeniedError",
    "ConflictError",
    "DataError",
    "LoadError",
    "MigrationError",
    "MissingExtraError",
    "MusframeworkError",
    "NotFoundError",
    "RegistryError",
    "StorageError",
    "TransitionError",
]


class MusframeworkError(Exception):
    """Base class of every error raised by musframework."""


class DataError(MusframeworkError):
    """Input data is invalid; :attr:`findings` lists every problem with its path."""

    findings: tuple[Finding, ...]

    def __init__(self, summary: str, findings: Iterable[Finding] = ()) -> None:
        self.findings = tuple(findings)
        self.summary = summary
        super().__init__(self._compose())

    def _compose(self) -> str:
        if not self.findings:
            return self.summary
        lines = [f"{self.summary} ({len(self.findings)} problem(s)):"]
        lines.extend(f"  {f.path or '<root>'}: {f.message.get('en')}" for f in self.findings)
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
        self, summary: str, findings: Iterable[Finding] = (), *, source: str | None = None
    ) -> None:
        self.source = source
        super().__init__(f"{source}: {summary}" if source else summary, findings)


class MigrationError(LoadError):
    """A stored document has a schema version that no registered migration can upgrade."""


class TransitionError(MusframeworkError):
    """A workflow step is not allowed in the object's current state.

    Attributes:
        current: The current state, as a string.
        allowed: The states or steps that are allowed next.
    """

    def __init__(self, message: str, *, current: str, allowed: Sequence[str]) -> None:
        self.current = current
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) or "none"
        super().__init__(f"{message} (current state: {current}; allowed next: {allowed_text})")


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
            f"{kind} {doc_id!r} was changed by someone else: "
            f"you had revision {expected}, the store has {actual}"
        )


class StorageError(MusframeworkError):
    """A storage backend failed, or was configured wrongly."""


class AccessDeniedError(MusframeworkError):
    """The acting person may not perform this action on this object."""


class MissingExtraError(MusframeworkError, ImportError):
    """An optional feature needs a package that is not installed.

    The message names the extra to install, for example ``pip install 'musframework[html]'``.
    """

    def __init__(self, feature: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs an optional dependency: pip install 'musframework[{extra}]'"
        )
