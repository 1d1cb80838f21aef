"""Questionnaire definitions as TOML and JSON files: read, write, and report every problem.

Both formats hold the same structure: the converter's plain form of a
:class:`~musframework.Questionnaire` (what :func:`~musframework.to_dict` returns), with a
``schema_version``. TOML is read with the standard library's :mod:`tomllib`; writing TOML needs
the optional ``tomli-w`` package (``pip install 'musframework[toml]'``).

>>> import musframework as mf
>>> form = mf.load_questionnaire('''
... id = "demo"
... title = { da = "Demo", en = "Demo" }
... [[sections]]
... id = "s"
... title = { da = "Afsnit", en = "Section" }
... [[sections.questions]]
... type = "yes_no"
... id = "ok"
... text = { da = "Er alt i orden?", en = "Is everything all right?" }
... ''', format="toml")
>>> form.question("ok").text.get("en")
'Is everything all right?'

Loading reports *every* problem at once, each with its position: the file name (``LoadError``'s
``source``), the path into the data (``sections[1].questions[0].text``) and, in the message, the
section and question ids, so a hand-edited file is easy to fix.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import tomllib
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from musframework.catalogue import Message
from musframework.errors import InvalidValueError, LoadError, MissingExtraError
from musframework.model import Finding, Questionnaire, Severity

__all__ = [
    "FileFormat",
    "dump_questionnaire",
    "load_questionnaire",
    "locate",
    "questionnaire_from_data",
    "save_questionnaire",
]

FileFormat = Literal["toml", "json"]
"""The file formats of questionnaire definitions."""

_SUFFIXES: dict[str, FileFormat] = {".toml": "toml", ".json": "json"}


def _format_of(name: str, given: str | None) -> FileFormat:
    if given is not None:
        if given not in ("toml", "json"):
            raise InvalidValueError(Message("error.file-format", {"format": given}))
        return given  # type: ignore[return-value]
    suffix = pathlib.PurePath(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InvalidValueError(Message("error.file-suffix", {"name": name}))
    return _SUFFIXES[suffix]


def _is_file_name(text: str) -> bool:
    return "\n" not in text and pathlib.PurePath(text).suffix.lower() in _SUFFIXES


def load_questionnaire(
    source: str | bytes | os.PathLike[str],
    *,
    format: FileFormat | None = None,
    name: str | None = None,
    check: bool = True,
) -> Questionnaire:
    """Load a questionnaire definition from a TOML or JSON file or text.

    Args:
        source: A path (``pathlib.Path``, or a ``str`` ending in ``.toml``/``.json`` without a
            line break), or the file's text (``str`` or UTF-8 ``bytes``).
        format: ``"toml"`` or ``"json"``; by default taken from the file suffix, and for text
            ``"json"`` when it starts with ``{``, else ``"toml"``.
        name: What to call the source in errors (defaults to the file name).
        check: Also run ``Questionnaire.check()`` and raise on its errors (warnings pass).

    Raises:
        LoadError: listing every problem, with ``source`` set and positions in the messages.
        OSError: when the file cannot be read.
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _is_file_name(source)):
        path = pathlib.Path(source)
        fmt = _format_of(path.name, format)
        raw = path.read_bytes()
        label = name or str(path)
    else:
        try:
            raw = source.encode("utf-8") if isinstance(source, str) else source
        except UnicodeEncodeError as exc:  # lone surrogates, e.g. from json.loads("\\ud800")
            label = name or (f"<{format} text>" if format else "<text>")
            raise _encoding_error(exc, label) from None
        stripped = raw.lstrip()
        fmt = format or ("json" if stripped.startswith(b"{") else "toml")
        _format_of("", fmt)
        label = name or f"<{fmt} text>"
    data = _parse(raw, fmt, label)
    return questionnaire_from_data(data, source=label, check=check)


def questionnaire_from_data(
    data: Any, *, source: str | None = None, check: bool = True
) -> Questionnaire:
    """Build a questionnaire from parsed TOML/JSON data (a dict), reporting every problem.

    Args:
        data: The plain data, as :func:`musframework.to_dict` writes it. A top-level
            ``"$schema"`` key (an editor hint pointing at the JSON Schema) is ignored.
        source: The file name or origin, for error messages.
        check: Also run ``Questionnaire.check()`` and raise on its errors.

    Raises:
        LoadError: listing every problem, each located by section and question id.
    """
    from musframework.serialization import from_dict

    if isinstance(data, dict) and "$schema" in data:  # an editor hint, not part of the model
        data = {k: v for k, v in data.items() if k != "$schema"}
    try:
        questionnaire = from_dict(data, Questionnaire, source=source)
    except LoadError as exc:
        summary = Message("error.cannot-load", {"type": "Questionnaire"})
        raise LoadError(summary, [locate(data, f) for f in exc.findings], source=source) from None
    if check:
        errors = [f for f in questionnaire.check() if f.severity is Severity.ERROR]
        if errors:
            raise LoadError(
                Message("error.questionnaire-problems", {"id": questionnaire.id}),
                [locate(data, f) for f in errors],
                source=source,
            )
    return questionnaire


def _encoding_error(exc: UnicodeError, label: str) -> LoadError:
    position = getattr(exc, "start", None)
    return LoadError(
        Message("error.not-utf8"),
        [Finding.error("load.encoding", "", position="?" if position is None else position)],
        source=label,
    )


MAX_DEPTH = 64
"""The deepest nesting of lists and tables a questionnaire file may have (real ones use ~10)."""


def _depth(data: Any) -> int:
    # Iterative, so a hostile file cannot exhaust the stack while we measure it.
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(label: str) -> LoadError:
    return LoadError(
        Message("error.too-deep"), [Finding.error("load.too-deep", "", max=MAX_DEPTH)], source=label
    )


def _parse(raw: bytes, fmt: FileFormat, label: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_error(exc, label) from None
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except RecursionError:  # the parsers recurse once per level of nesting
        raise _too_deep(label) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(
            Message(f"error.not-{fmt}"), [_syntax_finding(exc, fmt)], source=label
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise _too_deep(label)
    return data


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _syntax_finding(exc: Exception, fmt: FileFormat) -> Finding:
    # The parser's own explanation is English: the English message keeps it, the others give
    # the position only.
    line: int | str
    column: int | str
    if isinstance(exc, json.JSONDecodeError):
        line, column, detail = exc.lineno, exc.colno, exc.msg
    else:
        found = _TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else ("?", "?")
        detail = _TOML_POSITION.sub("", str(exc)).strip()
    if fmt == "json":
        return Finding.error(
            "load.json", "", Message("load.json.at", {"line": line, "column": column})
        )
    return Finding.error("load.toml", "", line=line, column=column, detail=detail)


# --------------------------------------------------------------------------- positions

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]")


def _position(data: Any, path: str) -> tuple[str | None, str | None]:
    """The section id and question id that ``path`` points into, where the data has them."""
    section_id: str | None = None
    question_id: str | None = None
    node: Any = data
    parent_key: str | None = None
    for match in _STEP.finditer(path):
        key, index = match.group(1), match.group(2)
        if key is not None:
            parent_key = key
            node = node.get(key) if isinstance(node, Mapping) else None
            continue
        i = int(index)
        node = node[i] if isinstance(node, list) and i < len(node) else None
        ident = node.get("id") if isinstance(node, Mapping) else None
        label = repr(ident) if isinstance(ident, str) else f"#{i + 1}"
        if parent_key == "sections" and section_id is None:
            section_id = label
        elif parent_key == "questions" and section_id is not None and question_id is None:
            question_id = label
    return section_id, question_id


def locate(data: Any, finding: Finding) -> Finding:
    """Return ``finding`` with its section and question ids named at the start of its message.

    ``data`` is the questionnaire's plain data (or the questionnaire itself); the path stays
    as it is, so code can still match it.
    """
    if isinstance(data, Questionnaire):
        from musframework.serialization import to_dict

        data = to_dict(data)
    section, question = _position(data, finding.path)
    if section is None:
        return finding
    if question is None:
        message = Message("load.in-section", {"section": section, "text": finding.message})
    else:
        message = Message(
            "load.in-question",
            {"section": section, "question": question, "text": finding.message},
        )
    return attrs.evolve(finding, message=message)


# --------------------------------------------------------------------------- writing


def dump_questionnaire(
    questionnaire: Questionnaire,
    format: FileFormat = "toml",
) -> str:
    """The questionnaire as TOML or JSON text (TOML needs the ``toml`` extra).

    Raises:
        MissingExtraError: for TOML when ``tomli-w`` is not installed.
    """
    from musframework.serialization import to_dict

    _format_of("", format)
    data = to_dict(questionnaire)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        import tomli_w
    except ImportError:
        raise MissingExtraError("toml", "toml") from None
    return tomli_w.dumps(data)


def save_questionnaire(
    questionnaire: Questionnaire,
    path: str | os.PathLike[str],
    *,
    format: FileFormat | None = None,
) -> pathlib.Path:
    """Write the questionnaire to ``path`` (format from the suffix unless given); returns it."""
    target = pathlib.Path(path)
    text = dump_questionnaire(questionnaire, _format_of(target.name, format))
    target.write_text(text, encoding="utf-8")
    return target
