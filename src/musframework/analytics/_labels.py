"""The words of analytics tables and plots, from :mod:`musframework.catalogue`.

Enum members (statuses, roles, learning methods, kinds) get the catalogue's one label, with
a capital first letter as table cells and headers have; other keys (column names, derived
states such as ``"overdue"``) are the catalogue's ``"table.<key>"`` messages.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from musframework.catalogue import enum_label, message_ids, translate

__all__ = ["capitalised", "has_label", "label", "value_label"]


def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case, as tables and headers show words."""
    return text[:1].upper() + text[1:]


def label(key: object, locale: str = "da") -> str:
    """The label of ``key`` (an enum member or a table word) in ``locale``; else the key."""
    if isinstance(key, enum.Enum):
        return capitalised(enum_label(key, locale))
    if key is None:
        key = "none"
    msgid = f"table.{key}"
    return translate(msgid, locale) if msgid in message_ids("en") else str(key)


def has_label(key: str) -> bool:
    """Whether ``key`` is a table word of the catalogue."""
    return f"table.{key}" in message_ids("en")


def value_label(value: str, kinds: Sequence[type[enum.Enum]], locale: str) -> str:
    """The label of a stored value: the first enum of ``kinds`` that has it, else a table word."""
    for kind in kinds:
        try:
            return label(kind(value), locale)
        except ValueError:
            continue
    return label(value, locale)
