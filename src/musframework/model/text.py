"""Localised text: the same words in several languages, Danish first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeAlias

import attrs

from musframework.catalogue import FALLBACK_LANGUAGES

__all__ = [
    "DEFAULT_LANGUAGE",
    "LocalizedText",
    "SUPPORTED_LANGUAGES",
    "TextLike",
    "optional_text",
    "to_text",
]

DEFAULT_LANGUAGE = "da"
"""The language a plain string is taken to be in, and the first fallback."""

SUPPORTED_LANGUAGES = ("da", "en")
"""Languages every built-in text (questionnaires, messages, documents) is complete in."""


def _copy_translations(value: Mapping[str, str]) -> dict[str, str]:
    # A private copy, so a caller mutating their dict later cannot change a frozen object.
    return dict(value)


@attrs.frozen(eq=True, hash=False)
class LocalizedText:
    """A text in one or more languages, keyed by language code (``"da"``, ``"en"`` …).

    A plain ``str`` is accepted wherever a ``LocalizedText`` is expected; it becomes Danish text.

    >>> t = LocalizedText({"da": "Hej", "en": "Hello"})
    >>> t.get("en"), t.get("de")
    ('Hello', 'Hello')
    """

    translations: dict[str, str] = attrs.field(converter=_copy_translations, factory=dict)

    @classmethod
    def of(cls, da: str, en: str | None = None) -> LocalizedText:
        """Build from a Danish text and an optional English one."""
        return cls({"da": da} if en is None else {"da": da, "en": en})

    def get(self, locale: str = DEFAULT_LANGUAGE) -> str:
        """The text in ``locale``, else the nearest language that has one.

        The nearest is the language without its region (``"de"`` for ``"de-AT"``), then the
        fallback languages the catalogue uses (English, then Danish, see
        :data:`musframework.catalogue.FALLBACK_LANGUAGES`), then any language.
        """
        tr = self.translations
        if locale in tr:
            return tr[locale]
        base = locale.replace("-", "_").split("_", 1)[0].lower()
        if base in tr:
            return tr[base]
        for fallback in FALLBACK_LANGUAGES:
            if fallback in tr:
                return tr[fallback]
        return next(iter(tr.values()), "")

    @property
    def languages(self) -> frozenset[str]:
        """The language codes this text is available in."""
        return frozenset(self.translations)

    def missing(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> list[str]:
        """The languages of ``languages`` that have no (non-blank) text here."""
        return [lang for lang in languages if not self.translations.get(lang, "").strip()]

    def is_blank(self) -> bool:
        """True when no language has any non-whitespace text."""
        return not any(v.strip() for v in self.translations.values())

    def with_translation(self, language: str, text: str) -> LocalizedText:
        """Return a copy with ``text`` set for ``language``."""
        return LocalizedText({**self.translations, language: text})

    def __iter__(self) -> Iterator[str]:
        return iter(self.translations)

    def __str__(self) -> str:
        return self.get(DEFAULT_LANGUAGE)


TextLike: TypeAlias = LocalizedText | str | Mapping[str, str]
"""What users may pass where text is expected."""


def to_text(value: TextLike) -> LocalizedText:
    """Convert a plain string (Danish) or a language mapping to :class:`LocalizedText`."""
    if isinstance(value, LocalizedText):
        return value
    if isinstance(value, str):
        return LocalizedText({DEFAULT_LANGUAGE: value})
    return LocalizedText(value)


def optional_text(value: TextLike | None) -> LocalizedText | None:
    """Like :func:`to_text`, passing ``None`` through."""
    return None if value is None else to_text(value)
