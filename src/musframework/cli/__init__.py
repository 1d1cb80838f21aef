r"""The form author's command line: ``python -m musframework <command> ...``.

Built-in commands: ``copy`` (start from a built-in form), ``check`` (every problem with its
line; exit status 1 when there are errors, ``--format json`` for editors and CI), ``preview``
(the blank form as HTML per role and language), ``export`` (SurveyJS, or JSON that the
published JSON Schema accepts), ``gaps`` (texts missing in a language), ``diff`` (what a stored
response of the old version keeps or loses under the new one) and ``schema``.

Commands are registered by name, like renderers and stores: :func:`register_command` and
:func:`unregister_command`, or the ``musframework.commands`` entry point group (an entry point
names a :class:`Command`). A command brings its own arguments and its own words:

>>> import musframework.cli as cli
>>> def hello(args, out):
...     out.write("hello " + args.who + "\n")
...     return 0
>>> command = cli.Command(
...     "hello", {"da": "Siger hej", "en": "Says hello"},
...     configure=lambda parser, locale: parser.add_argument("who"), run=hello,
... )
>>> _ = cli.register_command(command)
>>> cli.main(["hello", "world"])
hello world
0
>>> _ = cli.unregister_command("hello")

The language of every word the commands print is ``--lang`` (``da`` or ``en``), by default the
``MUSFRAMEWORK_LANG`` environment variable, else ``da`` when ``LANG`` starts with ``da``, else
``en``. Exit status: 0 done, 1 the input has errors, 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

import attrs

from musframework._registry import Registry
from musframework.catalogue import Message
from musframework.errors import MusframeworkError
from musframework.model import LocalizedText

__all__ = [
    "Command",
    "Output",
    "build_parser",
    "command_names",
    "get_command",
    "main",
    "register_command",
    "unregister_command",
]

Output = IO[str]
"""Where a command writes (standard output, or a test's buffer)."""


def _summary(value: Message | LocalizedText | Mapping[str, str] | str) -> Message | LocalizedText:
    if isinstance(value, Message | LocalizedText):
        return value
    return LocalizedText({"en": value} if isinstance(value, str) else value)


@attrs.frozen
class Command:
    """A subcommand of ``python -m musframework``.

    Attributes:
        name: What the author types (``check``).
        summary: One line of help, as a catalogue :class:`Message` or the plugin's own words
            (a :class:`~musframework.LocalizedText` or ``{"da": ..., "en": ...}``).
        configure: ``configure(parser, locale)`` adds the command's arguments.
        run: ``run(args, out)`` does the work, writes to ``out`` and returns the exit status;
            ``args.lang`` is the language to speak.
    """

    name: str
    summary: Message | LocalizedText = attrs.field(converter=_summary)
    configure: Callable[[argparse.ArgumentParser, str], Any]
    run: Callable[[argparse.Namespace, Output], int]


_COMMANDS: Registry[Command] = Registry("command", "musframework.commands")

_BUILTINS = {
    name: f"musframework.cli.commands:{name.upper()}"
    for name in ("check", "copy", "diff", "export", "gaps", "preview", "schema")
}
"""The built-ins, as declared in ``pyproject.toml``'s entry points; used only when the package
metadata is missing (a source tree that was never installed)."""

_STATE = {"builtins_checked": False}


def _ensure_builtins() -> None:
    # Once only: a built-in unregistered on purpose stays unregistered.
    if _STATE["builtins_checked"]:
        return
    _STATE["builtins_checked"] = True
    known = set(_COMMANDS.names())
    for name, target in _BUILTINS.items():
        if name not in known:
            module, _, attr = target.partition(":")
            _COMMANDS.register(name, getattr(importlib.import_module(module), attr))


def register_command(command: Command, *, replace: bool = False) -> Command:
    """Add a subcommand (``replace=True`` to take over an existing name); returns it."""
    _ensure_builtins()
    return _COMMANDS.register(command.name, command, replace=replace)


def unregister_command(name: str) -> Command:
    """Remove the subcommand ``name`` and return it."""
    _ensure_builtins()
    return _COMMANDS.unregister(name)


def get_command(name: str) -> Command:
    """The subcommand registered as ``name`` (raises ``RegistryError``)."""
    _ensure_builtins()
    return _COMMANDS.get(name)


def command_names() -> list[str]:
    """The names of every subcommand, sorted (plugins included)."""
    _ensure_builtins()
    return _COMMANDS.names()


def _default_language(environ: Mapping[str, str]) -> str:
    chosen = environ.get("MUSFRAMEWORK_LANG", "")
    if chosen in ("da", "en"):
        return chosen
    return "da" if environ.get("LANG", "").startswith("da") else "en"


def build_parser(locale: str = "en") -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand, its help in ``locale``."""
    parser = argparse.ArgumentParser(
        prog="python -m musframework",
        description=Message("cli.description").text(locale),
    )
    parser.add_argument(
        "--lang", choices=("da", "en"), default=locale, help=Message("cli.lang").text(locale)
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        command = get_command(name)
        text = command.summary.get(locale)
        command_parser = sub.add_parser(name, help=text, description=text)
        command.configure(command_parser, locale)
    return parser


def main(argv: Sequence[str] | None = None, out: Output | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stream = sys.stdout if out is None else out
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=("da", "en"), default=_default_language(os.environ))
    known, _ = pre.parse_known_args(arguments)
    parser = build_parser(known.lang)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse has printed its usage message
        return exc.code if isinstance(exc.code, int) else 2
    command = get_command(args.command)
    try:
        return command.run(args, stream)
    except MusframeworkError as exc:  # the library's own words, never a traceback
        print(exc.text(args.lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(Message("cli.os-error", {"detail": str(exc)}).text(args.lang), file=sys.stderr)
        return 1
