"""The rendered documents' words: a thin layer over :mod:`musframework.catalogue`.

Document words are the catalogue's ``"doc.<key>"`` messages; enum labels, purposes and dates
come from the catalogue too, so documents, analytics and messages use the same words.
"""

from __future__ import annotations

import enum

from musframework.catalogue import enum_label as _enum_label
from musframework.catalogue import format_date, format_datetime, format_time, translate
from musframework.model.kinds import ConversationKind

__all__ = ["enum_label", "fmt_date", "fmt_datetime", "fmt_time", "kind_name", "label", "purpose"]

fmt_date = format_date
fmt_datetime = format_datetime
fmt_time = format_time


def label(key: str, locale: str, **values: object) -> str:
    """The document word ``key`` (the catalogue's ``"doc.<key>"``) in ``locale``."""
    return translate(f"doc.{key}", locale, **values)


def purpose(kind: ConversationKind, locale: str) -> str:
    """What a conversation of ``kind`` is for."""
    return translate(f"doc.purpose.{kind.value}", locale)


def kind_name(kind: ConversationKind, locale: str) -> str:
    """The full name of a conversation kind, as titles use it ("MUS-samtale")."""
    return translate(f"doc.kind.{kind.value}", locale)


def enum_label(value: object, locale: str) -> str:
    """The word for an enum member (role, status, learning method) from the catalogue."""
    if isinstance(value, ConversationKind):
        return kind_name(value, locale)
    if isinstance(value, enum.Enum):
        return _enum_label(value, locale)
    return str(value)
