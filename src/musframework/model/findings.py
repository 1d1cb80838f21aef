"""The one shape for every problem the library reports: :class:`Finding`."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from musframework.catalogue import Message
from musframework.model.text import LocalizedText

__all__ = ["Finding", "Severity", "sorted_findings"]


class Severity(enum.Enum):
    """How serious a finding is. ``ERROR`` blocks, ``WARNING`` nudges, ``INFO`` hints."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info: sorts the worst first."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _message(
    code: str, message: Message | LocalizedText | None, params: dict[str, object]
) -> Message | LocalizedText:
    if message is not None:
        return message
    da, en = params.pop("da", None), params.pop("en", None)
    if isinstance(da, str) and isinstance(en, str) and not params:
        # A plugin's own words in both languages (the library's words are in the catalogue).
        return LocalizedText({"da": da, "en": en})
    if da is not None:
        params["da"] = da
    if en is not None:
        params["en"] = en
    return Message(code, params)


@attrs.frozen
class Finding:
    """One problem (or hint) found by a check, a loader or a validation rule.

    The message is a :class:`~musframework.catalogue.Message` of the catalogue, read in the
    language asked for (:meth:`text`); its id is the finding's code unless another is given.
    A plugin may bring its own words instead, as a
    :class:`~musframework.model.LocalizedText` (``message=`` or ``da=`` and ``en=``).

    >>> f = Finding.error("response.missing-required", "answers.goals", question="Dine mål")
    >>> f.text("da")
    'spørgsmålet »Dine mål« skal besvares'

    Attributes:
        severity: How serious it is.
        code: A stable, machine-readable code such as ``"questionnaire.duplicate-id"``.
        path: Where the problem is, such as ``"sections[2].questions[0].max"``; empty for the
            object as a whole.
        message: The human-readable explanation, in every language of the catalogue.
        line: The line (from 1) in the source file where the problem is, when the finding
            came from a file (see :meth:`at`); ``None`` otherwise.
        column: The column (from 1) on that line, or ``None``.
    """

    severity: Severity
    code: str
    path: str
    message: Message | LocalizedText
    line: int | None = attrs.field(default=None, kw_only=True)
    column: int | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def error(
        cls,
        code: str,
        path: str,
        /,
        message: Message | LocalizedText | None = None,
        **params: object,
    ) -> Finding:
        """An error: the catalogue's message ``code`` (or ``message``) with ``params``."""
        return cls(Severity.ERROR, code, path, _message(code, message, params))

    @classmethod
    def warning(
        cls,
        code: str,
        path: str,
        /,
        message: Message | LocalizedText | None = None,
        **params: object,
    ) -> Finding:
        """A warning: the catalogue's message ``code`` (or ``message``) with ``params``."""
        return cls(Severity.WARNING, code, path, _message(code, message, params))

    @classmethod
    def info(
        cls,
        code: str,
        path: str,
        /,
        message: Message | LocalizedText | None = None,
        **params: object,
    ) -> Finding:
        """A hint: the catalogue's message ``code`` (or ``message``) with ``params``."""
        return cls(Severity.INFO, code, path, _message(code, message, params))

    def text(self, locale: str = "da") -> str:
        """The message in ``locale`` (falling back to Danish, then English)."""
        return self.message.get(locale)

    def format(self, locale: str = "da") -> str:
        """One line: ``severity code at path: message``."""
        where = self.path or "<root>"
        return f"{self.severity.value} {self.code} at {where}: {self.text(locale)}"

    def format_at(self, source: str, locale: str = "da") -> str:
        """One line the way compilers print it: ``source:line:column: severity code: message``.

        Without a line the position is left out (``source: severity code at path: message``).

        >>> f = Finding.error("questionnaire.no-sections", "sections").at(3, 1)
        >>> f.format_at("form.toml", "en")
        'form.toml:3:1: error questionnaire.no-sections: the questionnaire has no sections'
        """
        if self.line is None:
            return f"{source}: {self.format(locale)}"
        column = 1 if self.column is None else self.column
        return (
            f"{source}:{self.line}:{column}: {self.severity.value} {self.code}: {self.text(locale)}"
        )

    def at(self, line: int | None, column: int | None = None) -> Finding:
        """Return a copy placed at ``line`` and ``column`` of its source file."""
        return attrs.evolve(self, line=line, column=column)

    def with_path_prefix(self, prefix: str) -> Finding:
        """Return a copy whose path is nested under ``prefix``."""
        if not prefix:
            return self
        if not self.path:
            return attrs.evolve(self, path=prefix)
        sep = "" if self.path.startswith("[") else "."
        return attrs.evolve(self, path=f"{prefix}{sep}{self.path}")

    def with_severity(self, severity: Severity) -> Finding:
        """Return a copy with another severity."""
        return attrs.evolve(self, severity=severity)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Sort findings in the library's stable order: by path, then severity, then code.

    Findings equal in all three are ordered by their English text, which is read (a
    catalogue lookup and formatting) only for those: the same order as sorting every
    finding by all four, without reading every message.
    """
    ordered = sorted(findings, key=lambda f: (f.path, f.severity.rank, f.code))
    i, n = 0, len(ordered)
    while i < n:
        first = ordered[i]
        key = (first.path, first.severity, first.code)
        j = i + 1
        while j < n:
            f = ordered[j]
            if f.path != key[0] or f.severity is not key[1] or f.code != key[2]:
                break
            j += 1
        if j - i > 1:
            ordered[i:j] = sorted(ordered[i:j], key=lambda f: f.text("en"))
        i = j
    return ordered
