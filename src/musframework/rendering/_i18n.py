"""The rendered documents' words: a thin layer over :mod:`musframework.catalogue`.

Document words are the catalogue's ``"doc.<key>"`` messages; enum labels, purposes and dates
come from the catalogue too, so documents, analytics and messages use the same words.
"""

from __future__ import annotations

import enum

from musframework.catalogue import enum_label as _enum_label
from musframework.catalogue import format_date, format_datetime, format_time, translate
from musframework.model.kinds import ConversationKind, Role

__all__ = [
    "enum_label",
    "fmt_date",
    "fmt_datetime",
    "fmt_time",
    "kind_name",
    "label",
    "purpose",
    "role_label",
]

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


def role_label(kind: ConversationKind | None, role: Role, locale: str) -> str:
    """What ``role`` is called in a conversation of ``kind``.

    In a LUS the person developed is a leader ("Leder") and the leader holding it is their
    own leader ("Leders leder"); without a kind, the role's own word.
    """
    if kind is None:
        return _enum_label(role, locale)
    return translate(f"doc.role.{kind.value}.{role.value}", locale)


def enum_label(value: object, locale: str) -> str:
    """The word for an enum member (role, status, learning method) from the catalogue."""
    if isinstance(value, ConversationKind):
        return kind_name(value, locale)
    if isinstance(value, enum.Enum):
        return _enum_label(value, locale)
    return str(value)
