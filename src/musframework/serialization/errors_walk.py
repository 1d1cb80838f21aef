"""Turn cattrs' nested validation errors into :class:`~musframework.Finding` objects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from musframework.catalogue import Message
from musframework.errors import MusframeworkError
from musframework.model.findings import Finding

__all__ = ["findings_from_exception", "json_finding"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _index(path: str, index: object) -> str:
    if isinstance(index, str):
        return _join(path, index) if _IDENTIFIER.fullmatch(index) else f"{path}[{index!r}]"
    return f"{path}[{index}]"


def findings_from_exception(exc: BaseException, path: str = "") -> list[Finding]:
    """Every problem inside ``exc`` (a cattrs validation error or a plain one), with paths."""
    return list(_walk(exc, path))


def _walk(exc: BaseException, path: str) -> Iterator[Finding]:
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from _walk(sub, _index(path, note.index))
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, ClassValidationError):
        fields, rest = exc.group_exceptions()
        for sub, attr_note in fields:
            yield from _walk_field(sub, _join(path, attr_note.name), attr_note.type)
        for sub in rest:
            yield from _walk(sub, path)
    else:
        yield _finding(exc, path, None)


def _walk_field(exc: BaseException, path: str, type_: object) -> Iterator[Finding]:
    if isinstance(exc, IterableValidationError | ClassValidationError):
        yield from _walk(exc, path)
    else:
        yield _finding(exc, path, type_)


def _finding(exc: BaseException, path: str, type_: object) -> Finding:
    if isinstance(exc, KeyError):
        return Finding.error("load.missing-field", path)
    if isinstance(exc, ForbiddenExtraKeysError):
        # Keys from plain Python data need not be texts (and need not sort together).
        names = ", ".join(sorted(k if isinstance(k, str) else repr(k) for k in exc.extra_fields))
        return Finding.error("load.unknown-field", path, names=names)
    return Finding.error("load.invalid-value", path, detail=_detail(exc))


def _detail(exc: BaseException) -> Message | str:
    if isinstance(exc, MusframeworkError):
        return exc.message if isinstance(exc.message, Message) else exc.text()
    if isinstance(exc, AttributeError) and "items" in str(exc):
        return Message("value.expected-mapping")
    if isinstance(exc, TypeError | ValueError):
        # A model's own converter or validator (attrs, or a plugin's class) said no.
        text = str(exc) or type(exc).__name__
        return text if len(text) <= 200 else text[:197] + "..."
    return Message("value.rejected", {"type": type(exc).__name__})


def json_finding(exc: BaseException) -> Finding:
    """The finding for text that is not JSON, with its line and column when known."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        return Finding.error(
            "load.json", "", Message("load.json.at", {"line": line, "column": column})
        )
    if isinstance(exc, RecursionError):
        return Finding.error("load.json", "", Message("load.json.too-deep"))
    return Finding.error("load.json", "")
