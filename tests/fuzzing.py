"""Hypothesis strategies that mutate valid documents into bad input, for the fuzz tests.

``mutated(document)`` applies a few random mutations at random places in a JSON-like value:
replace a value with junk (wrong types, huge strings and numbers, deep nesting, invalid dates
and time zones, unicode edge cases), delete a key or an item, add an extra key. ``broken_text``
damages the serialized text itself (truncation, inserted and deleted characters).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from musframework.errors import DataError, MusframeworkError

# The fuzz tests generate large inputs; their example counts come from the active profile
# (dev: 60, ci: 100, fuzz: 20,000 each).
FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

BAD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "99999-01-01",
    "2026-1-1",
    "2026-03-03T25:61:00",
    "2026-03-03T10:00:00+25:00",
    "yesterday",
    "",
]
BAD_ZONES = ["Europe/Nowhere", "Mars/Olympus", "UTC+99", "", "../../etc/passwd", "Europe/"]
WEIRD_TEXT = [
    "\x00",
    "\ufeff",
    "\u202e",
    "\U0001f600" * 3,
    "e\u0301",
    "\ud800",
    "\r\n",
    "'; DROP TABLE documents; --",
    '"\\',
    "[[x]]\n",
]


def deep(depth: int, leaf: Any = 0) -> Any:
    """A value nested ``depth`` levels deep (alternating lists and dicts)."""
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"x": value}
    return value


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(BAD_DATES + BAD_ZONES + WEIRD_TEXT),
    st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n),
)

junk: st.SearchStrategy[Any] = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=8), scalars, max_size=4),
    st.integers(min_value=10, max_value=400).map(deep),  # deeper: see the text tests
)


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every dict and list inside ``value``."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        found.append(path)
        for k, v in value.items():
            found.extend(_containers(v, (*path, k)))
    elif isinstance(value, list):
        found.append(path)
        for i, v in enumerate(value):
            found.extend(_containers(v, (*path, i)))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated(draw: st.DrawFn, document: Any, max_mutations: int = 4) -> Any:
    """``document`` (dicts and lists) with 1 to ``max_mutations`` random mutations."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, max_mutations))):
        places = _containers(doc)
        if not places:
            return draw(junk)
        container = _get(doc, draw(st.sampled_from(places)))
        action = draw(st.sampled_from(["replace", "replace", "delete", "extra", "swap-type"]))
        if isinstance(container, dict):
            keys = list(container)
            if action == "extra" or not keys:
                container[draw(st.text(max_size=12))] = draw(junk)
                continue
            key = draw(st.sampled_from(keys))
        else:
            if action == "extra" or not container:
                container.append(draw(junk))
                continue
            key = draw(st.integers(0, len(container) - 1))
        if action == "delete":
            del container[key]
        elif action == "swap-type":
            old = container[key]
            container[key] = [old] if not isinstance(old, list) else {"0": old}
        else:
            container[key] = draw(junk)
    return doc


@st.composite
def broken_text(draw: st.DrawFn, text: str) -> str:
    """``text`` truncated, or with characters deleted, inserted or replaced."""
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["truncate", "delete", "insert"]))
        if action == "truncate":
            text = text[:at]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            piece = draw(
                st.one_of(
                    st.text(max_size=5),
                    st.sampled_from(['"', "'", "[", "]", "{", "}", "=", "\n", "#", "\\", "[["]),
                )
            )
            text = text[:at] + piece + text[at:]
    return text


def assert_own_error(exc: BaseException) -> None:
    """``exc`` is the library's own error; bad data comes with findings that have paths."""
    assert isinstance(exc, MusframeworkError), f"{type(exc).__name__}: {exc}"
    if isinstance(exc, DataError):
        assert exc.findings, exc
        assert all(isinstance(f.path, str) for f in exc.findings)
        assert all(f.message.get("en") for f in exc.findings)
