r"""Where each value of a TOML or JSON file starts: a light position index for error messages.

:mod:`tomllib` and :mod:`json` give back plain data without positions. A
:class:`PositionIndex` is built from the same text by a small scanner (the text has already
been parsed, so it is valid) and maps data paths such as ``sections[1].questions[0].id`` to
the line and column where that key or item starts, so a finding can be printed the way
compilers print theirs: ``form.toml:41:5: error questionnaire.duplicate-id ...``.

>>> index = PositionIndex.of_toml('id = "x"\n\n[[sections]]\nid = "past"\n')
>>> index.find("sections[0].id")
(4, 1)
>>> index.find("sections[0].questions[3].text")  # the nearest known ancestor
(3, 1)
>>> PositionIndex.of_json('{\n  "id": "x",\n  "sections": [\n    {"id": "past"}\n  ]\n}').find(
...     "sections[0].id"
... )
(4, 6)
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Mapping

import attrs

__all__ = ["PathKey", "PositionIndex", "parse_path"]

PathKey = tuple[str | int, ...]
"""A data path as its keys: ``("sections", 1, "questions", 0, "id")``."""

_STEP = re.compile(
    r"""\.?(?P<key>[A-Za-z_$][A-Za-z0-9_\-$]*)|\[(?P<index>\d+)\]|\[(?P<quoted>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]"""
)


def parse_path(path: str) -> PathKey:
    """The keys of a finding's path (``"sections[1].title"`` -> ``("sections", 1, "title")``).

    Parts it cannot read end the path (the keys before them are kept).
    """
    keys: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None or match.end() == pos:
            break
        if match.group("key") is not None:
            keys.append(match.group("key"))
        elif match.group("index") is not None:
            keys.append(int(match.group("index")))
        else:
            value = ast.literal_eval(match.group("quoted"))
            keys.append(value if isinstance(value, str) else str(value))
        pos = match.end()
    return tuple(keys)


@attrs.frozen
class PositionIndex:
    """Line and column (both from 1) of each key and item of a file, by data path.

    Attributes:
        positions: ``{path keys: (line, column)}``; the root ``()`` is the file's start.
    """

    positions: Mapping[PathKey, tuple[int, int]] = attrs.field(factory=dict)

    @classmethod
    def of_toml(cls, text: str) -> PositionIndex:
        """Index a TOML text (assumed valid: parse it with :mod:`tomllib` first)."""
        return cls(_TomlScanner(text).run())

    @classmethod
    def of_json(cls, text: str) -> PositionIndex:
        """Index a JSON text (assumed valid: parse it with :mod:`json` first)."""
        return cls(_JsonScanner(text).run())

    def find(self, path: str | PathKey) -> tuple[int, int] | None:
        """Where ``path`` starts, or its nearest ancestor that the index knows (root: ``None``)."""
        keys = parse_path(path) if isinstance(path, str) else path
        for end in range(len(keys), 0, -1):
            found = self.positions.get(keys[:end])
            if found is not None:
                return found
        return self.positions.get(())


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[PathKey, tuple[int, int]] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def mark(self, path: PathKey, offset: int) -> None:
        self.found.setdefault(path, self.where(offset))

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_space(self, newlines: bool = True, comments: str = "#") -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t\r" or (newlines and c == "\n"):
                self.pos += 1
            elif comments and c == comments:
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        """Read a quoted string at ``pos`` (basic with escapes, or TOML literal)."""
        text = self.text
        quote = text[self.pos]
        triple = text.startswith(quote * 3, self.pos)
        if triple:
            end = text.find(quote * 3, self.pos + 3) if quote == "'" else self._basic_end(3)
            while end >= 0 and text.startswith(quote, end + 3):  # up to two quotes before the end
                end += 1
            raw = text[self.pos + 3 : end]
            self.pos = len(text) if end < 0 else end + 3
            return raw
        if quote == "'":
            end = text.find("'", self.pos + 1)
            raw = text[self.pos + 1 : end]
            self.pos = len(text) if end < 0 else end + 1
            return raw
        end = self._basic_end(1)
        raw = text[self.pos + 1 : end]
        self.pos = len(text) if end < 0 else end + 1
        try:
            return str(ast.literal_eval('"' + raw.replace('"', '\\"') + '"'))
        except (ValueError, SyntaxError):
            return raw

    def _basic_end(self, width: int) -> int:
        text, i = self.text, self.pos + width
        closing = '"' * width
        while i < len(text):
            if text[i] == "\\":
                i += 2
            elif text.startswith(closing, i):
                return i
            else:
                i += 1
        return -1

    def bare(self, stops: str) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] not in stops:
            self.pos += 1


class _JsonScanner(_Scanner):
    def run(self) -> dict[PathKey, tuple[int, int]]:
        self.skip_space(comments="")
        self.mark((), self.pos)
        self.value(())
        return self.found

    def value(self, path: PathKey) -> None:
        c = self.peek()
        if c == "{":
            self.pos += 1
            while True:
                self.skip_space(comments="")
                c = self.peek()
                if c in ("}", ""):
                    self.pos += 1
                    return
                if c == ",":
                    self.pos += 1
                    continue
                start = self.pos
                key = self.string()
                self.mark((*path, key), start)
                self.skip_space(comments="")
                self.pos += 1  # the colon
                self.skip_space(comments="")
                self.value((*path, key))
        elif c == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_space(comments="")
                c = self.peek()
                if c in ("]", ""):
                    self.pos += 1
                    return
                if c == ",":
                    self.pos += 1
                    index += 1
                    continue
                self.mark((*path, index), self.pos)
                self.value((*path, index))
        elif c == '"':
            self.string()
        else:
            self.bare(",]} \t\r\n")


_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")


class _TomlScanner(_Scanner):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.arrays: dict[PathKey, int] = {}

    def run(self) -> dict[PathKey, tuple[int, int]]:
        self.mark((), 0)
        table: PathKey = ()
        text = self.text
        while True:
            self.skip_space()
            if self.pos >= len(text):
                return self.found
            if text.startswith("[[", self.pos):
                start = self.pos
                self.pos += 2
                keys = self.keys()
                self.skip_line()
                parent = self.resolve(keys[:-1], start)
                array = (*parent, keys[-1])
                count = self.arrays.get(array, 0)
                self.arrays[array] = count + 1
                table = (*array, count)
                self.mark(array, start)
                self.mark(table, start)
            elif text.startswith("[", self.pos):
                start = self.pos
                self.pos += 1
                table = self.resolve(self.keys(), start)
                self.skip_line()
                self.mark(table, start)
            else:
                self.key_value(table)

    def resolve(self, keys: PathKey, start: int) -> PathKey:
        """The table a header's keys name: the last item of each array of tables on the way.

        A table the header opens implicitly (``condition`` in ``[[a.condition.b]]``) starts there.
        """
        path: PathKey = ()
        for key in keys:
            path = (*path, key)
            self.mark(path, start)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def keys(self) -> PathKey:
        """A dotted key at ``pos``; stops after it (before ``=`` or ``]``)."""
        keys: list[str | int] = []
        while True:
            self.skip_space(newlines=False)
            c = self.peek()
            if c in ('"', "'"):
                keys.append(self.string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    return tuple(keys)
                keys.append(match.group())
                self.pos = match.end()
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return tuple(keys)
            self.pos += 1

    def key_value(self, table: PathKey) -> None:
        start = self.pos
        keys = self.keys()
        if not keys:  # not a key: skip the line rather than loop on it
            self.skip_line()
            return
        for end in range(1, len(keys) + 1):
            self.mark((*table, *keys[:end]), start)
        self.skip_space(newlines=False)
        if self.peek() == "=":
            self.pos += 1
        self.skip_space(newlines=False)
        self.value((*table, *keys))

    def value(self, path: PathKey) -> None:
        c = self.peek()
        if c in ('"', "'"):
            self.string()
        elif c == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_space()
                c = self.peek()
                if c in ("]", ""):
                    self.pos += 1
                    return
                if c == ",":
                    self.pos += 1
                    index += 1
                    continue
                self.mark((*path, index), self.pos)
                self.value((*path, index))
        elif c == "{":
            self.pos += 1
            while True:
                self.skip_space(newlines=False)
                c = self.peek()
                if c in ("}", ""):
                    self.pos += 1
                    return
                if c == ",":
                    self.pos += 1
                    continue
                self.key_value(path)
        else:
            self.bare(",]}#\n")
