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
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from musframework.catalogue import Message
from musframework.errors import InvalidValueError, LoadError, MigrationError, MissingExtraError
from musframework.model import Finding, Question, Questionnaire, Severity
from musframework.serialization.positions import PositionIndex, parse_path

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
    data, text = _parse(raw, fmt, label)
    positions = PositionIndex.of_toml(text) if fmt == "toml" else PositionIndex.of_json(text)
    return questionnaire_from_data(data, source=label, check=check, positions=positions)


def questionnaire_from_data(
    data: Any,
    *,
    source: str | None = None,
    check: bool = True,
    positions: PositionIndex | None = None,
) -> Questionnaire:
    """Build a questionnaire from parsed TOML/JSON data (a dict), reporting every problem.

    Shape (a missing field, a wrong type, an unknown question type) and meaning (what
    ``Questionnaire.check()`` finds) are reported together in one :class:`LoadError`: a part
    that cannot be read (one question, one section's own fields) is left out of the meaning
    checks, and everything else is still checked. There is one finding per root cause (a
    question that cannot be read gets no further findings of its own), and with ``positions``
    every finding carries its line and column and they come in the order of the file.

    Args:
        data: The plain data, as :func:`musframework.to_dict` writes it. A top-level
            ``"$schema"`` key (an editor hint pointing at the JSON Schema) is ignored.
        source: The file name or origin, for error messages.
        check: Also run ``Questionnaire.check()`` and raise on its errors.
        positions: Where each path of ``data`` is in its file (see :class:`PositionIndex`).

    Raises:
        LoadError: listing every problem, each located by section and question id.
    """
    from musframework.serialization import from_dict

    if isinstance(data, dict) and "$schema" in data:  # an editor hint, not part of the model
        data = {k: v for k, v in data.items() if k != "$schema"}
    try:
        questionnaire = from_dict(data, Questionnaire, source=source)
    except MigrationError:
        raise
    except LoadError as exc:
        partial = _piecewise(data, source) if isinstance(data, dict) else None
        if partial is None:
            summary = Message("error.cannot-load", {"type": "Questionnaire"})
            raise _located(summary, exc.findings, data, source, positions) from None
        questionnaire, shape, unreadable = partial
        meaning = _meaning(questionnaire, unreadable) if check else []
        summary = Message("error.cannot-load", {"type": "Questionnaire"})
        raise _located(summary, [*shape, *meaning], data, source, positions) from None
    if check:
        errors = _meaning(questionnaire, _Unreadable())
        if errors:
            summary = Message("error.questionnaire-problems", {"id": questionnaire.id})
            raise _located(summary, errors, data, source, positions)
    return questionnaire


@attrs.define
class _Unreadable:
    """The parts left out of the meaning checks because their shape is wrong.

    ``paths`` are data paths whose value could not be read (a field left at its default, or a
    whole question or section replaced by a stand-in): findings at or under them would only
    repeat the shape problem, so they are not reported (a clash of ids, which a stand-in
    keeps, still is). ``minutes`` is false when a section's minutes could not be read.
    """

    paths: set[str] = attrs.field(factory=set)
    minutes: bool = True

    def hides(self, finding: Finding) -> bool:
        if finding.code == "questionnaire.minutes":
            return not self.minutes
        if finding.code in ("questionnaire.duplicate-id", "questionnaire.duplicate-section-id"):
            return False
        path = finding.path
        return any(
            path == p or path.startswith((p + ".", p + "[")) or (p == "" and path)
            for p in self.paths
        )


_PLACEHOLDER = "\u2026"  # the texts of a part that could not be read; never reported


def _placeholder_text(languages: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(languages, _PLACEHOLDER)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _piecewise(
    data: dict[str, Any], source: str | None
) -> tuple[Questionnaire, list[Finding], _Unreadable] | None:
    """Read each part on its own: every shape problem, and the parts that could be read."""
    from musframework.model import Section, TextQuestion
    from musframework.serialization import _migrate, from_dict

    shape: list[Finding] = []
    unreadable = _Unreadable()

    def attempt(value: Any, cls: type[Any], prefix: str) -> Any:
        """The object, or the object without the fields that cannot be read, or ``None``."""
        try:
            return from_dict(value, cls, source=source)
        except LoadError as exc:
            shape.extend(f.with_path_prefix(prefix) for f in exc.findings)
            problems = exc.findings
        if not isinstance(value, dict):
            return None
        bad: set[str] = set()
        for finding in problems:
            keys = parse_path(finding.path)
            if keys and isinstance(keys[0], str) and keys[0] in value:
                bad.add(keys[0])
            elif not keys and finding.code == "load.unknown-field":
                bad.update(n for n in _unknown_names(finding) if n in value)
            else:
                return None  # a missing required field: nothing to fall back on
        try:
            obj = from_dict({k: v for k, v in value.items() if k not in bad}, cls, source=source)
        except LoadError:
            return None
        unreadable.paths.update(_join(prefix, k) for k in bad)
        return obj

    try:
        data = _migrate(data, Questionnaire, source)
    except LoadError:
        return None
    sections_data = data.get("sections", [])
    head_data = {k: v for k, v in data.items() if k != "sections"}
    if not isinstance(sections_data, list):
        head_data, sections_data = data, []
    head = attempt(head_data, Questionnaire, "")
    if head is None:
        unreadable.paths.add("")
        languages = data.get("languages")
        if not (isinstance(languages, list) and all(isinstance(x, str) for x in languages)):
            languages = ["da", "en"]
        ident = data.get("id")
        head = Questionnaire(
            id=ident if isinstance(ident, str) else _PLACEHOLDER,
            title=_placeholder_text(tuple(languages)),
            languages=languages,
        )
    sections = []
    for si, section_data in enumerate(sections_data):
        spath = f"sections[{si}]"
        questions_data: Any = []
        own: Any = section_data
        if isinstance(section_data, dict) and isinstance(section_data.get("questions"), list):
            questions_data = section_data["questions"]
            own = {k: v for k, v in section_data.items() if k != "questions"}
        section = attempt(own, Section, spath)
        if f"{spath}.minutes" in unreadable.paths:
            unreadable.minutes = False
        if section is None:
            unreadable.minutes = False
            unreadable.paths.update(f"{spath}.{k}" for k in ("id", "title", "guidance", "minutes"))
            fields = section_data if isinstance(section_data, dict) else {}
            ident, minutes = fields.get("id"), fields.get("minutes")
            section = Section(
                id=ident if isinstance(ident, str) else f"{_PLACEHOLDER}{si}",
                title=_placeholder_text(head.languages),
                minutes=minutes if type(minutes) is int else 0,
            )
        questions = []
        for qi, question_data in enumerate(questions_data):
            qpath = f"{spath}.questions[{qi}]"
            question = attempt(question_data, Question, qpath)
            if question is None:
                unreadable.paths.add(qpath)
                fields = question_data if isinstance(question_data, dict) else {}
                ident = fields.get("id")
                question = TextQuestion(
                    id=ident if isinstance(ident, str) else f"{_PLACEHOLDER}{si}.{qi}",
                    text=_placeholder_text(head.languages),
                )
            questions.append(question)
        sections.append(attrs.evolve(section, questions=questions))
    if not shape:  # the parts read on their own, but not together: report the whole
        return None
    return attrs.evolve(head, sections=sections), shape, unreadable


def _meaning(questionnaire: Questionnaire, unreadable: _Unreadable) -> list[Finding]:
    return [
        f for f in questionnaire.check() if f.severity is Severity.ERROR and not unreadable.hides(f)
    ]


def _located(
    summary: Message,
    findings: Iterable[Finding],
    data: Any,
    source: str | None,
    positions: PositionIndex | None,
) -> LoadError:
    located = [locate(data, f) for f in findings]
    if positions is not None:
        located = [_at(positions, f) for f in located]
        order = {id(f): i for i, f in enumerate(located)}
        located.sort(key=lambda f: (f.line or 0, f.column or 0, order[id(f)]))
    return LoadError(summary, located, source=source)


def _at(positions: PositionIndex, finding: Finding) -> Finding:
    path = finding.path
    names = _unknown_names(finding)
    if names:  # point at the first unknown key rather than at its table
        first = names[0]
        path = f"{path}.{first}" if path else first
    where = positions.find(path)
    return finding if where is None else finding.at(*where)


def _unknown_names(finding: Finding) -> list[str]:
    if finding.code != "load.unknown-field":
        return []
    message = finding.message
    while isinstance(message, Message):
        inner = message.params.get("text")  # located: the original message is inside
        if not isinstance(inner, Message):
            break
        message = inner
    names = message.params.get("names") if isinstance(message, Message) else None
    return [n.strip() for n in names.split(",")] if isinstance(names, str) else []


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


def _parse(raw: bytes, fmt: FileFormat, label: str) -> tuple[Any, str]:
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
    return data, text


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
        finding = Finding.error(
            "load.json", "", Message("load.json.at", {"line": line, "column": column})
        )
    else:
        finding = Finding.error("load.toml", "", line=line, column=column, detail=detail)
    if isinstance(line, int) and isinstance(column, int):
        return finding.at(line, column)
    return finding


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
    from musframework.serialization import dumps, to_dict

    _format_of("", format)
    if format == "json":
        return dumps(questionnaire, indent=2) + "\n"
    data = to_dict(questionnaire)
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
