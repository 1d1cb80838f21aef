"""The one shape for every problem the library reports: :class:`Finding`."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

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


@attrs.frozen
class Finding:
    """One problem (or hint) found by a check, a loader or a validation rule.

    Attributes:
        severity: How serious it is.
        code: A stable, machine-readable code such as ``"questionnaire.duplicate-id"``.
        path: Where the problem is, such as ``"sections[2].questions[0].max"``; empty for the
            object as a whole.
        message: A human-readable explanation in Danish and English.
    """

    severity: Severity
    code: str
    path: str
    message: LocalizedText

    @classmethod
    def error(cls, code: str, path: str, *, da: str, en: str) -> Finding:
        """Create an error finding with a Danish and an English message."""
        return cls(Severity.ERROR, code, path, LocalizedText({"da": da, "en": en}))

    @classmethod
    def warning(cls, code: str, path: str, *, da: str, en: str) -> Finding:
        """Create a warning finding with a Danish and an English message."""
        return cls(Severity.WARNING, code, path, LocalizedText({"da": da, "en": en}))

    @classmethod
    def info(cls, code: str, path: str, *, da: str, en: str) -> Finding:
        """Create an informational finding with a Danish and an English message."""
        return cls(Severity.INFO, code, path, LocalizedText({"da": da, "en": en}))

    def text(self, locale: str = "da") -> str:
        """The message in ``locale`` (falling back to Danish, then English)."""
        return self.message.get(locale)

    def format(self, locale: str = "da") -> str:
        """One line: ``severity code at path: message``."""
        where = self.path or "<root>"
        return f"{self.severity.value} {self.code} at {where}: {self.text(locale)}"

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
    """Sort findings in the library's stable order: by path, then severity, then code."""
    return sorted(findings, key=lambda f: (f.path, f.severity.rank, f.code, f.text("en")))
