"""The built-in subcommands of ``python -m musframework`` (see :mod:`musframework.cli`).

Each is a :class:`~musframework.cli.Command`, declared in ``pyproject.toml``'s
``musframework.commands`` entry points exactly like a plugin's.
"""

from __future__ import annotations

import argparse
import json
import pathlib
from typing import Any

from musframework.catalogue import Message, language_name
from musframework.cli import Command, Output
from musframework.cli.diff import compare_versions
from musframework.errors import LoadError
from musframework.model import Finding, Questionnaire, Role, Severity
from musframework.serialization import to_dict
from musframework.serialization.files import load_questionnaire
from musframework.serialization.positions import PositionIndex
from musframework.serialization.schema import SCHEMA_ID, questionnaire_schema_text

__all__ = ["CHECK", "COPY", "DIFF", "EXPORT", "GAPS", "PREVIEW", "SCHEMA"]

SCHEMA_FILE = "questionnaire.schema.json"


def _say(out: Output, locale: str, msgid: str, **params: object) -> None:
    out.write(Message(msgid, params).text(locale) + "\n")


def _help(locale: str, msgid: str) -> str:
    return Message(msgid).text(locale)


def _positions(path: pathlib.Path) -> PositionIndex | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None
    try:
        if path.suffix.lower() == ".json":
            return PositionIndex.of_json(text)
        return PositionIndex.of_toml(text)
    except (ValueError, IndexError):  # not valid text: the loader reports that
        return None


def _write(text: str, target: str | None, out: Output, locale: str) -> None:
    if target is None or target == "-":
        out.write(text if text.endswith("\n") else text + "\n")
        return
    path = pathlib.Path(target)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    _say(out, locale, "cli.written", path=str(path))


def _file_argument(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("file", help=_help(locale, "cli.arg.file"))


def _output_argument(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("-o", "--output", help=_help(locale, "cli.arg.output"))


# --------------------------------------------------------------------------- check


def _configure_check(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("files", nargs="+", metavar="file", help=_help(locale, "cli.arg.files"))
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help=_help(locale, "cli.arg.format")
    )


def _finding_data(finding: Finding, locale: str) -> dict[str, Any]:
    return {
        "severity": finding.severity.value,
        "code": finding.code,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.text(locale),
    }


def _check_file(name: str) -> tuple[Questionnaire | None, list[Finding]]:
    """The form (or ``None``) and every finding: errors from loading, then rule warnings."""
    from musframework.rules import validate

    path = pathlib.Path(name)
    try:
        form = load_questionnaire(path)
    except LoadError as exc:
        return None, list(exc.findings)
    positions = _positions(path)
    findings = list(validate(form))
    if positions is not None:
        findings = [f.at(*where) if (where := positions.find(f.path)) else f for f in findings]
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return form, findings


def _run_check(args: argparse.Namespace, out: Output) -> int:
    locale = args.lang
    status = 0
    reports = []
    for name in args.files:
        form, findings = _check_file(name)
        failed = form is None or any(f.severity is Severity.ERROR for f in findings)
        status = 1 if failed else status
        reports.append(
            {
                "file": name,
                "ok": not failed,
                "findings": [_finding_data(f, locale) for f in findings],
            }
        )
        if args.format == "json":
            continue
        for finding in findings:
            out.write(finding.format_at(name, locale) + "\n")
        if form is not None and not failed:
            _say(
                out,
                locale,
                "cli.check.ok",
                file=name,
                ref=str(form.ref),
                n=sum(1 for _ in form.questions()),
                minutes=form.total_minutes,
            )
        else:
            errors = sum(1 for f in findings if f.severity is Severity.ERROR)
            _say(out, locale, "cli.check.failed", file=name, n=errors)
    if args.format == "json":
        out.write(json.dumps({"files": reports}, ensure_ascii=False, indent=2) + "\n")
    return status


CHECK = Command("check", Message("cli.check"), configure=_configure_check, run=_run_check)
"""``check FILE...``: every problem with its line; exit status 1 when there is an error."""


# --------------------------------------------------------------------------- preview


def _configure_preview(parser: argparse.ArgumentParser, locale: str) -> None:
    _file_argument(parser, locale)
    parser.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.EMPLOYEE.value,
        help=_help(locale, "cli.arg.role"),
    )
    parser.add_argument(
        "--form-lang", choices=("da", "en"), help=_help(locale, "cli.arg.form-lang")
    )
    parser.add_argument(
        "--format",
        choices=("html", "markdown", "text"),
        default="html",
        help=_help(locale, "cli.arg.preview-format"),
    )
    _output_argument(parser, locale)


def _run_preview(args: argparse.Namespace, out: Output) -> int:
    from musframework.rendering import render

    form = load_questionnaire(pathlib.Path(args.file))
    document = render(form, args.format, args.form_lang or args.lang, role=args.role)
    text = document if isinstance(document, str) else document.decode("utf-8")
    _write(text, args.output, out, args.lang)
    return 0


PREVIEW = Command("preview", Message("cli.preview"), configure=_configure_preview, run=_run_preview)
"""``preview FILE --role ROLE --form-lang LANG -o FILE.html``: the blank form for one role."""


# --------------------------------------------------------------------------- export


def _configure_export(parser: argparse.ArgumentParser, locale: str) -> None:
    _file_argument(parser, locale)
    parser.add_argument(
        "--to", choices=("surveyjs", "json"), required=True, help=_help(locale, "cli.arg.to")
    )
    parser.add_argument(
        "--role", choices=[r.value for r in Role], help=_help(locale, "cli.arg.export-role")
    )
    parser.add_argument("--schema", default=SCHEMA_ID, help=_help(locale, "cli.arg.schema"))
    _output_argument(parser, locale)


def _run_export(args: argparse.Namespace, out: Output) -> int:
    form = load_questionnaire(pathlib.Path(args.file))
    if args.to == "surveyjs":
        from musframework.interop.surveyjs import to_surveyjs

        data: Any = to_surveyjs(form, args.role, default_language=None)
    else:
        data = {"$schema": args.schema, **to_dict(form)}
    _write(json.dumps(data, ensure_ascii=False, indent=2), args.output, out, args.lang)
    return 0


EXPORT = Command("export", Message("cli.export"), configure=_configure_export, run=_run_export)
"""``export FILE --to surveyjs|json``: SurveyJS survey JSON, or the form as schema-valid JSON."""


# --------------------------------------------------------------------------- gaps


def _configure_gaps(parser: argparse.ArgumentParser, locale: str) -> None:
    _file_argument(parser, locale)
    parser.add_argument(
        "--for", dest="target", required=True, metavar="LANG", help=_help(locale, "cli.arg.for")
    )


def _run_gaps(args: argparse.Namespace, out: Output) -> int:
    path = pathlib.Path(args.file)
    form = load_questionnaire(path, check=False)
    positions = _positions(path)
    target = args.target
    gaps = 0
    for where, text in form.texts():
        if not text.missing((target,)):
            continue
        gaps += 1
        known = next(
            (lang for lang in form.languages if lang != target and lang in text.languages), None
        )
        finding = Finding.info(
            "text.gap",
            where,
            Message(
                "cli.gaps.missing",
                {
                    "language": language_name(target),
                    "other": language_name(known) if known else "",
                    "text": text.get(known) if known else "",
                },
            ),
        )
        spot = positions.find(where) if positions is not None else None
        if spot is not None:
            finding = finding.at(*spot)
        out.write(finding.format_at(args.file, args.lang) + "\n")
    _say(out, args.lang, "cli.gaps.count", file=args.file, n=gaps, language=language_name(target))
    return 1 if gaps else 0


GAPS = Command("gaps", Message("cli.gaps"), configure=_configure_gaps, run=_run_gaps)
"""``gaps FILE --for LANG``: every text without a translation; exit status 1 when any."""


# --------------------------------------------------------------------------- diff


def _configure_diff(parser: argparse.ArgumentParser, locale: str) -> None:
    parser.add_argument("old", help=_help(locale, "cli.arg.old"))
    parser.add_argument("new", help=_help(locale, "cli.arg.new"))
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help=_help(locale, "cli.arg.format")
    )


def _run_diff(args: argparse.Namespace, out: Output) -> int:
    old = load_questionnaire(pathlib.Path(args.old), check=False)
    new = load_questionnaire(pathlib.Path(args.new), check=False)
    changes = compare_versions(old, new)
    counts = {
        fate: sum(1 for c in changes if c.fate == fate)
        for fate in ("kept", "partly", "lost", "new")
    }
    if args.format == "json":
        data = {
            "old": str(old.ref),
            "new": str(new.ref),
            "changes": [
                {
                    "question": c.question,
                    "fate": c.fate,
                    "reason": c.reason,
                    "message": c.message.text(args.lang),
                }
                for c in changes
            ],
            "counts": counts,
        }
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    _say(out, args.lang, "cli.diff.header", old=str(old.ref), new=str(new.ref))
    if old.ref == new.ref:
        _say(out, args.lang, "cli.diff.same-version", version=old.version)
    for change in changes:
        if change.reason != "unchanged":
            out.write("  " + change.message.text(args.lang) + "\n")
    _say(out, args.lang, "cli.diff.counts", **counts)
    return 0


DIFF = Command("diff", Message("cli.diff"), configure=_configure_diff, run=_run_diff)
"""``diff OLD NEW``: what a stored response of the old version keeps or loses in the new."""


# --------------------------------------------------------------------------- copy and schema


def _configure_copy(parser: argparse.ArgumentParser, locale: str) -> None:
    from musframework import templates

    parser.add_argument("name", choices=templates.names(), help=_help(locale, "cli.arg.name"))
    parser.add_argument("target", help=_help(locale, "cli.arg.target"))
    parser.add_argument("--from-version", help=_help(locale, "cli.arg.from-version"))
    parser.add_argument("--id", dest="form_id", help=_help(locale, "cli.arg.id"))
    parser.add_argument("--version", dest="form_version", help=_help(locale, "cli.arg.version"))
    parser.add_argument("--force", action="store_true", help=_help(locale, "cli.arg.force"))


def _set_top_level(text: str, key: str, value: str | None) -> str:
    """``text`` with its top-level ``key = "..."`` line (before any table) set to ``value``."""
    if value is None:
        return text
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("["):
            break
        if line.split("=", 1)[0].strip() == key:
            lines[i] = f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
            break
    return "".join(lines)


def _run_copy(args: argparse.Namespace, out: Output) -> int:
    from musframework import templates

    target = pathlib.Path(args.target)
    if target.exists() and not args.force:
        _say(out, args.lang, "cli.copy.exists", path=str(target))
        return 1
    text = templates.text(args.name, args.from_version)
    text = _set_top_level(_set_top_level(text, "id", args.form_id), "version", args.form_version)
    target.write_text(text, encoding="utf-8")
    schema = target.with_name(SCHEMA_FILE)
    schema.write_text(questionnaire_schema_text(), encoding="utf-8")
    _say(out, args.lang, "cli.copy.done", name=args.name, path=str(target), schema=str(schema))
    return 0


COPY = Command("copy", Message("cli.copy"), configure=_configure_copy, run=_run_copy)
"""``copy NAME FILE.toml``: a built-in form's file to start from, with the schema beside it."""


def _configure_schema(parser: argparse.ArgumentParser, locale: str) -> None:
    _output_argument(parser, locale)


def _run_schema(args: argparse.Namespace, out: Output) -> int:
    _write(questionnaire_schema_text(), args.output, out, args.lang)
    return 0


SCHEMA = Command("schema", Message("cli.schema"), configure=_configure_schema, run=_run_schema)
"""``schema [-o FILE]``: the JSON Schema of questionnaire files (with registered types)."""
