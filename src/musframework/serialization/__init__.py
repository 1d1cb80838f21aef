"""Serialization: models to JSON-compatible dicts and JSON text, and back.

>>> import musframework as mf
>>> text = mf.dumps(mf.Person(id="p1", name="Ane Jensen"))
>>> text
'{"schema_version":1,"id":"p1","name":"Ane Jensen"}'
>>> mf.loads(text, mf.Person)
Person(id='p1', name='Ane Jensen', email=None)

Top-level documents (questionnaires, conversations, cycles, people, units, groups, responses,
development plans) carry a ``schema_version``. Questionnaire definitions are also read and
written as TOML or JSON files (:func:`load_questionnaire`, :func:`dump_questionnaire`,
:func:`save_questionnaire`; see :mod:`musframework.serialization.files`), and
:mod:`musframework.serialization.schema` generates their JSON Schema. Loading an older
version runs the registered migration steps (:func:`register_migration`) one version at a
time. Bad input raises
:class:`~musframework.errors.LoadError` listing every problem with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any, TypeVar

import cattrs

from musframework._registry import Registry
from musframework.catalogue import Message
from musframework.errors import (
    DataError,
    InvalidValueError,  # noqa: F401 - kept importable here
    LoadError,
    MigrationError,
)
from musframework.model import (
    Answer,
    Conversation,
    Cycle,
    Delivery,
    DevelopmentPlan,
    Finding,
    Group,
    LeaderChange,
    OrganisationVersion,
    OrgUnit,
    Person,
    Question,
    Questionnaire,
    Response,
)
from musframework.model.draft import ResponseDraft
from musframework.model.questions import question_type_generation, question_types
from musframework.model.upward import UpwardFeedback
from musframework.progress import gc_paused
from musframework.serialization.converter import (
    INT_MAX,
    INT_MIN,
    _short,
    _valid_text,
    make_converter,
)
from musframework.serialization.errors_walk import findings_from_exception, json_finding
from musframework.serialization.files import (
    FileFormat,
    dump_questionnaire,
    load_questionnaire,
    questionnaire_from_data,
    save_questionnaire,
)

__all__ = [
    "DOCUMENT_TYPES",
    "FileFormat",
    "Migration",
    "converter",
    "document_name",
    "dump_json",
    "dump_questionnaire",
    "dumps",
    "dumps_parts",
    "from_dict",
    "from_dicts",
    "gc_paused",
    "load_questionnaire",
    "loads",
    "loads_many",
    "make_converter",
    "questionnaire_from_data",
    "register_migration",
    "save_questionnaire",
    "schema_version",
    "to_dict",
    "unregister_migration",
]

T = TypeVar("T")

DOCUMENT_TYPES: dict[str, type[Any]] = {
    "conversation": Conversation,
    "cycle": Cycle,
    "delivery": Delivery,
    "group": Group,
    "leader_change": LeaderChange,
    "organisation": OrganisationVersion,
    "person": Person,
    "plan": DevelopmentPlan,
    "questionnaire": Questionnaire,
    "response": Response,
    "response_draft": ResponseDraft,
    "unit": OrgUnit,
    "upward_feedback": UpwardFeedback,
}
"""Top-level document types by name; each carries a schema version when serialized."""

_NAMES = {cls: name for name, cls in DOCUMENT_TYPES.items()}

SCHEMA_KEY = "schema_version"

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""A migration step: takes a document's data at version N and returns it at version N+1."""

_MIGRATIONS: Registry[Migration] = Registry("migration")


@cache
def converter() -> cattrs.Converter:
    """The shared fast converter (built on first use)."""
    return make_converter(detailed_validation=False)


@cache
def _detailed() -> cattrs.Converter:
    return make_converter(detailed_validation=True)


def document_name(cls: type[Any]) -> str | None:
    """The document name of a top-level type (``"conversation"`` …), or ``None``."""
    return _NAMES.get(cls)


def schema_version(cls: type[Any]) -> int | None:
    """The current schema version of a top-level document type, or ``None``."""
    return getattr(cls, "SCHEMA_VERSION", None) if cls in _NAMES else None


def register_migration(document: str, from_version: int, step: Migration) -> Migration:
    """Register the step that upgrades ``document`` data from ``from_version`` to the next.

    Register and unregister explicitly; a step is a plain function from dict to dict.
    """
    if document not in DOCUMENT_TYPES:
        raise LoadError(Message("error.unknown-document-type", {"name": document}))
    return _MIGRATIONS.register(f"{document}:{from_version}", step)


def unregister_migration(document: str, from_version: int) -> Migration:
    """Remove a registered migration step and return it."""
    return _MIGRATIONS.unregister(f"{document}:{from_version}")


def to_dict(obj: Any) -> Any:
    """Unstructure ``obj`` to JSON-compatible data; top-level documents get a schema version.

    With msgspec installed (the ``fast`` extra) the data is built by msgspec; it is the same
    data, key order included, as the cattrs converter's (tested on every model).
    """
    version = schema_version(type(obj))
    codec = _codec()
    if codec is not None:
        try:
            return codec.to_builtins(obj, version)
        except Exception:
            pass
    return _to_dict(obj, version)


def _to_dict(obj: Any, version: int | None) -> Any:
    # Questions and answers are tagged unions: unstructure as the base so the tag is written.
    base = Question if isinstance(obj, Question) else Answer if isinstance(obj, Answer) else None
    data = converter().unstructure(obj, unstructure_as=base)
    if version is not None:
        data = {SCHEMA_KEY: version, **data}
    return data


def from_dict(data: Any, cls: type[T], *, source: str | None = None) -> T:
    """Structure JSON-compatible ``data`` into ``cls``, migrating older documents first.

    Raises:
        LoadError: listing every problem with its path.
    """
    data = _migrate(data, cls, source)
    try:
        return converter().structure(data, cls)
    except Exception:  # re-run with the detailed converter to report every problem
        pass
    try:
        return _detailed().structure(data, cls)
    except Exception as exc:  # every failure becomes a LoadError, never a bare error
        raise LoadError(_cannot_load(cls), findings_from_exception(exc), source=source) from exc


def _migrate(data: Any, cls: type[Any], source: str | None) -> Any:
    name = document_name(cls)
    if name is None or not isinstance(data, dict) or SCHEMA_KEY not in data:
        return data
    data = dict(data)
    version = data.pop(SCHEMA_KEY)
    current: int = cls.SCHEMA_VERSION
    if type(version) is not int or version < 1:
        raise LoadError(
            _cannot_load(cls),
            [Finding.error("load.schema-version", SCHEMA_KEY, got=_short(version))],
            source=source,
        )
    if version > current:
        raise MigrationError(
            _cannot_load(cls),
            [
                Finding.error(
                    "load.schema-version",
                    SCHEMA_KEY,
                    Message("load.schema-version.newer", {"version": version, "current": current}),
                )
            ],
            source=source,
        )
    while version < current:
        key = f"{name}:{version}"
        if key not in _MIGRATIONS:
            raise MigrationError(
                _cannot_load(cls),
                [
                    Finding.error(
                        "load.schema-version",
                        SCHEMA_KEY,
                        Message(
                            "load.schema-version.no-migration", {"version": version, "name": name}
                        ),
                    )
                ],
                source=source,
            )
        data = _MIGRATIONS.get(key)(data)
        version += 1
    return data


def _cannot_load(cls: type[Any]) -> Message:
    return Message("error.cannot-load", {"type": cls.__name__})


def _json_module() -> tuple[Callable[[Any], str], Callable[[str | bytes], Any]]:
    try:
        import orjson
    except ImportError:

        def dump(data: Any) -> str:
            return _utf8(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

        return dump, json.loads
    return (lambda data: orjson.dumps(data).decode("utf-8")), orjson.loads


_write_json, _load_json = _json_module()


def _dump_json(data: Any, of: object = None, write: Callable[[Any], str] = _write_json) -> str:
    """JSON text of ``data`` (made from ``of``); what JSON text cannot hold is refused.

    Raises:
        DataError: listing the path of every text with a lone surrogate and every integer
            beyond 64 bits (else one problem naming what the JSON library refused).
    """
    try:
        return write(data)
    except (TypeError, ValueError) as exc:
        found = [
            Finding.error(msgid, path, got=_short(value))
            for path, msgid, value in _unwritable(data, "")
        ] or [Finding.error("value.not-json", "", got=_short(str(exc)))]
        raise DataError(
            Message("error.cannot-write", {"type": type(of if of is not None else data).__name__}),
            found,
        ) from None


def _indented(data: Any, indent: int) -> str:
    return _utf8(json.dumps(data, ensure_ascii=False, indent=indent))


def _utf8(text: str) -> str:
    """``text``, which the standard library wrote: a lone surrogate raises, as in orjson."""
    if not text.isascii():
        text.encode("utf-8")
    return text


def _unwritable(data: Any, path: str) -> Iterable[tuple[str, str, object]]:
    """Where ``data`` (plain JSON data) holds what JSON text cannot: path, msgid, value.

    Texts that cannot be written as UTF-8 (a lone surrogate) and integers beyond 64 bits,
    as loading refuses them (see :mod:`musframework.serialization.converter`).
    """
    stack = [(path, data)]
    while stack:  # no recursion: a deep document must not raise RecursionError here
        where, value = stack.pop()
        kind = type(value)
        if kind is str:
            if not _valid_text(value):
                yield where, "value.lone-surrogate", value
        elif kind is int:
            if not INT_MIN <= value <= INT_MAX:
                yield where, "value.integer-range", value
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                valid = type(key) is not str or _valid_text(key)
                shown = str(key) if valid else ascii(key)  # a path that can be printed
                name = f"{where}.{shown}" if where else shown
                if not valid:
                    yield name, "value.lone-surrogate", key
                stack.append((name, item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))


def dump_json(data: Any) -> str:
    """Compact JSON text of plain JSON data (dicts, lists, texts, numbers, booleans, ``None``).

    The encoder :func:`dumps` uses (orjson when installed, else the standard library), for
    data already made by :func:`to_dict`: stores write documents with it.
    """
    return _dump_json(data)


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialize ``obj`` to JSON text.

    The text is the same whichever libraries are installed: msgspec writes it when the
    ``fast`` extra is installed, else orjson, else the standard library.
    """
    if indent is None:
        codec = _codec()
        if codec is not None:
            try:
                text: bytes = codec.dumps(obj, schema_version(type(obj)))
            except Exception:
                pass
            else:
                return text.decode("utf-8")
    data = to_dict(obj)
    if indent is not None:
        return _dump_json(data, obj, partial(_indented, indent=indent))
    return _dump_json(data, obj)


def dumps_parts(obj: Any, field: str) -> tuple[str, list[str]]:
    """The JSON text of ``obj`` and that of each item of its list ``field``, from one conversion.

    Each item's text is exactly what :func:`dumps` writes for the item, and what the
    document's text holds for it: a store writes a conversation and its agreements' rows
    without converting the agreements twice (or building a dict tree first).
    """
    codec = _codec()
    if codec is not None:
        try:
            struct = codec.encoded(obj, schema_version(type(obj)))
            encode = codec.encode
            items = getattr(struct, field)
            parts = [encode(i).decode("utf-8") for i in items] if type(items) is list else []
            if len(parts) == len(getattr(obj, field)):
                return encode(struct).decode("utf-8"), parts
        except Exception:
            pass
    data = to_dict(obj)
    text = _dump_json(data, obj)  # first: a problem is named by its path in the document
    return text, [_dump_json(item, obj) for item in data.get(field, ())]


_CODEC: list[Any] = [None, -1]  # [the msgspec codec, the registry generation it was built for]


def _codec() -> Any | None:
    """The msgspec codec (``fast`` extra), rebuilt when the question types change; or None."""
    codec, generation = _CODEC
    if generation == question_type_generation():
        return codec
    try:
        from musframework.serialization._msgspec import Codec
    except ImportError:  # msgspec is not installed: the cattrs path does everything
        codec = None
    else:
        codec = Codec(converter(), question_types())
    _CODEC[:] = [codec, question_type_generation()]
    return codec


def loads(text: str | bytes, cls: type[T], *, source: str | None = None) -> T:
    """Load ``cls`` from JSON text.

    With msgspec installed (the ``fast`` extra) a document is decoded by msgspec straight into
    the models first; anything that path refuses is loaded again by the strict converter,
    which accepts exactly the same documents and explains every problem with its path (see
    ``docs/serialization-and-migrations.md``).

    Raises:
        LoadError: for text that is not JSON, or data that does not fit ``cls``.
    """
    codec = _codec()
    if codec is not None:
        try:
            loaded: T = codec.decode(text, cls, schema_version(cls))
        except Exception:
            pass
        else:
            return loaded
    try:
        data = _load_json(text)
    except (ValueError, TypeError, RecursionError) as exc:  # stdlib json recurses on nesting
        raise LoadError(Message("error.not-json"), [json_finding(exc)], source=source) from None
    return from_dict(data, cls, source=source)


def from_dicts(items: Iterable[Any], cls: type[T], *, source: str | None = None) -> list[T]:
    """Structure many documents of one type, with the garbage collector paused.

    Same checks and errors as :func:`from_dict`; see :func:`gc_paused` for why.

    Raises:
        LoadError: for the first document that does not fit ``cls``.
    """
    with gc_paused():
        return [from_dict(data, cls, source=source) for data in items]


def loads_many(texts: Iterable[str | bytes], cls: type[T], *, source: str | None = None) -> list[T]:
    """Load many JSON documents of one type (one per text), with the garbage collector paused.

    Use it to load a whole round: in a process that already holds millions of objects it is
    several times faster than calling :func:`loads` in a loop with the collector running.
    See ``docs/performance.md``.

    Raises:
        LoadError: for the first text that is not JSON or does not fit ``cls``.
    """
    with gc_paused():
        return [loads(text, cls, source=source) for text in texts]
