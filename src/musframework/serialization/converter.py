"""The cattrs converter factory: every model to JSON-compatible data and back.

Choices, and why:

* Explicit hooks for pendulum ``DateTime``, ``Date`` and ``Duration`` come first, so nothing is
  silently downgraded to a stdlib ``datetime`` (cattrs treats ``DateTime`` as a ``datetime``).
* Primitives are strict: ``"5"`` is not an integer, ``1`` is not ``True``, a string is not a
  list. Loose coercion would hide mistakes in hand-written files.
* Unknown keys are errors (``forbid_extra_keys``): a typo in a file should not vanish.
* Questions and answers are tagged unions (key ``"type"``); the tag is looked up in the
  question type registry at call time, so types registered after import work.
* Defaults are omitted when dumping, so files stay short and readable.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs
import pendulum
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import IterableValidationError, IterableValidationNote

from musframework.catalogue import Message
from musframework.errors import InvalidValueError, MusframeworkError
from musframework.model.conditions import ConditionValue
from musframework.model.kinds import ConversationKind, Role, roles
from musframework.model.questions import (
    Answer,
    Question,
    question_type,
    question_type_generation,
    question_types,
)
from musframework.model.text import LocalizedText
from musframework.serialization import time as _time

__all__ = ["INT_MAX", "INT_MIN", "make_converter"]


def _short(value: object) -> str:
    try:
        text = repr(value)
    except RecursionError:  # a deeply nested list or dict
        return f"<{type(value).__name__} …>"
    return text if len(text) <= 60 else text[:57] + "..."


def _invalid(msgid: str, value: object, **params: object) -> InvalidValueError:
    return InvalidValueError(Message(msgid, {"got": _short(value), **params}))


def _expected(what: str, value: object) -> InvalidValueError:
    # ``what`` names the catalogue's "value.<what>" ("a text", "a whole number" ...).
    return _invalid("value.expected", value, expected=Message(f"value.{what}"))


INT_MIN = -(2**63)
"""The smallest integer a document may hold: JSON libraries and stores take 64 bits."""
INT_MAX = 2**64 - 1
"""The largest integer a document may hold."""


def _valid_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (no lone surrogates), as JSON text can."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: Any, _: Any) -> str:
    if type(value) is str and _valid_text(value):
        return value
    if type(value) is str:
        raise _invalid("value.lone-surrogate", value)
    raise _expected("text", value)


def _in_range(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise _invalid("value.integer-range", value)


def _int(value: Any, _: Any) -> int:
    if type(value) is int:
        return _in_range(value)
    raise _expected("integer", value)


def _number(value: Any, _: Any) -> int | float:
    if type(value) is int:
        return _in_range(value)
    if type(value) is float:
        return value
    raise _expected("number", value)


def _expect(kind: type | tuple[type, ...], what: str) -> Callable[[Any, Any], Any]:
    kinds = kind if isinstance(kind, tuple) else (kind,)

    def hook(value: Any, _: Any) -> Any:
        # type() rather than isinstance(): bool is an int subclass and must not pass as one.
        if type(value) in kinds:
            return value
        raise _expected(what, value)

    return hook


def _float(value: Any, _: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(_in_range(value))
    raise _expected("number", value)


def _wrap_time(parse: Callable[[str], Any]) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        try:
            return parse(value)
        except InvalidValueError:
            raise
        except (TypeError, ValueError) as exc:  # pragma: no cover - the parsers raise ours
            raise InvalidValueError(str(exc)) from None

    return hook


def _structure_text(value: Any, _: Any) -> LocalizedText:
    if type(value) is str and _valid_text(value):
        return LocalizedText({"da": value})
    if isinstance(value, dict) and all(
        type(k) is str and type(v) is str and _valid_text(k) and _valid_text(v)
        for k, v in value.items()
    ):
        return LocalizedText(value)
    raise _expected("localized-text", value)


def _structure_scalar(value: Any) -> Any:
    if type(value) is int:
        return _in_range(value)
    if type(value) is str:
        return _text(value, None)
    if type(value) in (float, bool):
        return value
    raise _expected("scalar", value)


def _structure_condition_value(value: Any, _: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_structure_scalar(v) for v in value)
    return _structure_scalar(value)


def _unstructure_condition_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _structure_roles(value: Any, _: Any) -> frozenset[Role]:
    if isinstance(value, str) or (
        isinstance(value, list | tuple) and all(type(v) is str for v in value)
    ):
        try:
            return roles(value)
        except ValueError:
            pass
    names = ", ".join(r.value for r in Role)
    raise _invalid("value.roles", value, names=names)


def _structure_kinds(value: Any, _: Any) -> frozenset[ConversationKind]:
    if isinstance(value, list | tuple):
        try:
            return frozenset(ConversationKind(v) for v in value)
        except ValueError:
            pass
    names = ", ".join(k.value for k in ConversationKind)
    raise _invalid("value.kinds", value, names=names)


def _is(expected: Any) -> Callable[[Any], bool]:
    # Generic aliases (frozenset[Role]) are not classes; match them by equality.
    return lambda t: bool(t == expected)


def _is_homogeneous_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _strict_tuple_factory(t: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    base = homogenous_tuple_structure_factory(t, converter)

    def hook(value: Any, type_: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _expected("list", value)
        return base(value, type_)

    return hook


def _is_optional(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) in (Union, UnionType) and len(args) == 2 and type(None) in args


def _optional_factory(t: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    # cattrs' own Optional hook dispatches on the inner type at every call; fetch it once.
    inner = next(a for a in get_args(t) if a is not type(None))
    hook = converter.get_structure_hook(inner)

    def structure_optional(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure_optional


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_factory(t: Any, _: cattrs.Converter) -> Callable[[Any, Any], Any]:
    members = {m.value: m for m in t}
    names = ", ".join(str(v) for v in members)  # declaration order

    def structure_enum(value: Any, _: Any) -> Any:
        # type() check first: True == 1 would otherwise find the member of value 1.
        if type(value) in _PLAIN:
            member = members.get(value)
            if member is not None and type(member.value) is type(value):
                return member
        raise _invalid("value.one-of", value, names=names)

    return structure_enum


def _tagged(data: Any, kind: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(data, dict):
        raise _expected(f"{kind}-object", data)
    tag = data.get("type")
    if type(tag) is not str:
        raise _invalid("value.no-type", tag, what=Message(f"value.{kind}-object"))
    rest = dict(data)
    del rest["type"]
    return tag, rest


def _lookup(tag: str) -> type[Question]:
    try:
        return question_type(tag)
    except cattrs.BaseValidationError:  # pragma: no cover - registry raises its own error
        raise
    except MusframeworkError as exc:
        raise InvalidValueError(exc.message) from None


def make_converter(*, detailed_validation: bool = True) -> cattrs.Converter:
    """Create a converter that round-trips every musframework model.

    Args:
        detailed_validation: Collect every problem with its path (slower). The library uses
            a fast converter first and repeats with a detailed one only when loading fails.
    """
    conv = cattrs.Converter(
        omit_if_default=True,
        forbid_extra_keys=True,
        detailed_validation=detailed_validation,
        unstruct_collection_overrides={tuple: list, frozenset: list},
    )
    _register_primitives(conv)
    _register_time(conv)
    _register_model(conv)
    return conv


def _register_primitives(conv: cattrs.Converter) -> None:
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(str, _text)
    conv.register_structure_hook(bool, _expect(bool, "boolean"))
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook_func(lambda t: t == (int | float), _number)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _strict_tuple_factory)
    conv.register_structure_hook_factory(_is_optional, _optional_factory)
    conv.register_structure_hook_factory(_is_enum, _enum_factory)


def _register_time(conv: cattrs.Converter) -> None:
    # Registered before anything else could match: DateTime is a datetime and a Date subclass.
    conv.register_unstructure_hook(pendulum.DateTime, _time.format_datetime)
    conv.register_structure_hook(pendulum.DateTime, _wrap_time(_time.parse_datetime))
    conv.register_unstructure_hook(pendulum.Date, _time.format_date)
    conv.register_structure_hook(pendulum.Date, _wrap_time(_time.parse_date))
    conv.register_unstructure_hook(pendulum.Duration, _time.format_duration)
    conv.register_structure_hook(pendulum.Duration, _wrap_time(_time.parse_duration))


def _register_model(conv: cattrs.Converter) -> None:
    conv.register_unstructure_hook(LocalizedText, lambda t: dict(t.translations))
    conv.register_structure_hook(LocalizedText, _structure_text)
    conv.register_unstructure_hook_func(
        _is(frozenset[Role]), lambda rs: sorted(r.value for r in rs)
    )
    conv.register_structure_hook_func(_is(frozenset[Role]), _structure_roles)
    conv.register_unstructure_hook_func(
        _is(frozenset[ConversationKind]), lambda ks: sorted(k.value for k in ks)
    )
    conv.register_structure_hook_func(_is(frozenset[ConversationKind]), _structure_kinds)
    conv.register_structure_hook_func(lambda t: t == ConditionValue, _structure_condition_value)
    conv.register_unstructure_hook_func(lambda t: t == ConditionValue, _unstructure_condition_value)
    _register_tagged_unions(conv)


_PLAIN = (str, int, float, bool)


def _tagged_unstructure_fn(
    conv: cattrs.Converter, cls: type[Question] | type[Answer]
) -> Callable[[Any], dict[str, Any]]:
    tag = cls.type_name
    fields = attrs.fields(cls)
    # A plain answer (text, scale, choice, yes/no): its value needs no hook.
    if len(fields) == 1 and fields[0].name == "value" and get_type_hints(cls)["value"] in _PLAIN:
        return lambda obj: {"type": tag, "value": obj.value}
    fn = conv.gen_unstructure_attrs_fromdict(cls)
    return lambda obj: {"type": tag, **fn(obj)}


def _register_tagged_unions(conv: cattrs.Converter) -> None:
    unstructure_by_class: dict[type, Callable[[Any], dict[str, Any]]] = {}

    def unstructure_tagged(obj: Question | Answer) -> dict[str, Any]:
        cls = type(obj)
        fn = unstructure_by_class.get(cls)
        if fn is None:
            fn = unstructure_by_class[cls] = _tagged_unstructure_fn(conv, cls)
        return fn(obj)

    # The tag is looked up in the registry on every call (types registered later work); the
    # structure function of each class is fetched from cattrs once and kept, which saves the
    # dispatch on each of the many answers a round holds.
    hooks: dict[type, Callable[[Any, Any], Any]] = {}

    def hook_for(cls: type) -> Callable[[Any, Any], Any]:
        fn = hooks.get(cls)
        if fn is None:
            fn = hooks[cls] = conv.get_structure_hook(cls)
        return fn

    def structure_question(data: Any, _: Any) -> Question:
        tag, rest = _tagged(data, "question")
        cls = _lookup(tag)
        return hook_for(cls)(rest, cls)  # type: ignore[no-any-return]

    # Answers are most of a round's objects. An answer class whose only field is ``value``
    # is built straight from ``data["value"]`` by the fast converter; anything unusual takes
    # the general path (and a failure is reported by the detailed converter, as before).
    simple: dict[type, tuple[Callable[[Any, Any], Any], Any] | None] = {}

    def simple_value(cls: type) -> tuple[Callable[[Any, Any], Any], Any] | None:
        if cls not in simple:
            fields = attrs.fields(cls)
            entry = None
            if len(fields) == 1 and fields[0].name == "value" and fields[0].init:
                value_type = get_type_hints(cls)["value"]
                entry = (conv.get_structure_hook(value_type), value_type)
            simple[cls] = entry
        return simple[cls]

    def structure_answer(data: Any, _: Any) -> Answer:
        if not conv.detailed_validation and type(data) is dict and len(data) == 2:
            tag = data.get("type")
            if type(tag) is str and "value" in data:
                cls = _lookup(tag).answer_type
                entry = simple_value(cls)
                if entry is not None:
                    return cls(entry[0](data["value"], entry[1]))  # type: ignore[call-arg]
        tag, rest = _tagged(data, "answer")
        cls = _lookup(tag).answer_type
        return hook_for(cls)(rest, cls)  # type: ignore[no-any-return]

    def is_base(base: type) -> Callable[[Any], bool]:
        return lambda t: t is base

    conv.register_unstructure_hook_func(is_base(Question), unstructure_tagged)
    conv.register_unstructure_hook_func(is_base(Answer), unstructure_tagged)
    conv.register_structure_hook_func(is_base(Question), structure_question)
    conv.register_structure_hook_func(is_base(Answer), structure_answer)
    conv.register_structure_hook_factory(_is_concrete_tagged, _concrete_tagged_factory)

    plain_answers = _plain_answer_table()

    def structure_answers(data: Any, _: Any) -> dict[str, Answer]:
        if not isinstance(data, dict):
            raise _expected("answers", data)
        if not conv.detailed_validation:
            return _structure_answers_fast(data, structure_answer, plain_answers())
        return _structure_mapping(conv, data, structure_answer)

    conv.register_structure_hook_func(_is(dict[str, Answer]), structure_answers)
    # Plain answers by class (their tag), or None: decided once per class.
    plain_tags: dict[type[Answer], str | None] = {}

    def plain_tag(cls: type[Answer]) -> str | None:
        if cls not in plain_tags:
            fields = attrs.fields(cls)
            plain = len(fields) == 1 and fields[0].name == "value"
            value_type = get_type_hints(cls)["value"] if plain else None
            plain_tags[cls] = cls.type_name if value_type in _PLAIN else None
        return plain_tags[cls]

    def unstructure_answers(answers: Mapping[str, Answer]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, answer in answers.items():
            tag = plain_tags.get(type(answer)) or plain_tag(type(answer))
            if tag is None:
                out[key] = unstructure_tagged(answer)
            else:
                out[key] = {"type": tag, "value": answer.value}  # type: ignore[attr-defined]
        return out

    conv.register_unstructure_hook_func(_is(dict[str, Answer]), unstructure_answers)


def _is_concrete_tagged(t: Any) -> bool:
    return (
        isinstance(t, type)
        and issubclass(t, Question | Answer)
        and t is not Question
        and t is not Answer
        and attrs.has(t)
    )


def _concrete_tagged_factory(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """A concrete question or answer class loads what ``dumps`` writes for it: its tag too.

    ``dumps(TextQuestion(...))`` writes ``"type": "text"`` (questions and answers are tagged
    wherever they are written), so loading it as ``TextQuestion`` accepts that key when it
    names the class's own tag, and refuses another tag. Without the key it loads as before.
    """
    inner = conv.gen_structure_attrs_fromdict(cls)
    tag = cls.type_name

    def structure_concrete(data: Any, _: Any) -> Any:
        if type(data) is dict and "type" in data:
            found = data["type"]
            if found != tag or type(found) is not str:
                raise _invalid("value.wrong-tag", found, tag=repr(tag), cls=cls.__name__)
            data = {k: v for k, v in data.items() if k != "type"}
        return inner(data, cls)

    return structure_concrete


def _plain_answer_table() -> Callable[[], dict[str, tuple[type[Answer], type]]]:
    """A per-converter table of plain answer classes by tag: (class, its value's JSON type).

    Rebuilt when the question type registry changes (``question_type_generation()``), so types
    registered or replaced later are honoured.
    """
    table: dict[str, tuple[type[Answer], type]] = {}
    seen = [-1]

    def current() -> dict[str, tuple[type[Answer], type]]:
        if seen[0] != question_type_generation():
            table.clear()
            for tag, question in question_types().items():
                cls = question.answer_type
                fields = attrs.fields(cls)
                if len(fields) == 1 and fields[0].name == "value" and fields[0].init:
                    value_type = get_type_hints(cls)["value"]
                    if value_type in (str, int, bool):  # checked by type() alone
                        table[tag] = (cls, value_type)
            seen[0] = question_type_generation()
        return table

    return current


def _structure_answers_fast(
    data: dict[Any, Any],
    structure_answer: Callable[[Any, Any], Answer],
    table: dict[str, tuple[type[Answer], type]],
) -> dict[str, Answer]:
    # The fast converter's path for a response's answers (most of a round's objects): plain
    # answers are built inline, with the same strict checks as the general path, which
    # handles everything else (and a failure is reported again by the detailed converter).
    out: dict[str, Answer] = {}
    for key, item in data.items():
        if type(key) is not str or not _valid_text(key):
            raise _expected("text-key", key)
        if type(item) is dict and len(item) == 2:
            try:
                cls, value_type = table[item["type"]]  # table keys are texts
                value = item["value"]
            except (KeyError, TypeError):  # no such key, or an unhashable "type"
                pass
            else:
                if type(value) is value_type and (
                    value_type is bool
                    or (value_type is str and _valid_text(value))  # type: ignore[arg-type]
                    or (value_type is int and INT_MIN <= value <= INT_MAX)  # type: ignore[operator]
                ):
                    out[key] = cls(value)  # type: ignore[call-arg]
                    continue
        out[key] = structure_answer(item, None)
    return out


def _structure_mapping(
    conv: cattrs.Converter,
    data: Mapping[str, Any],
    structure_value: Callable[[Any, Any], Any],
) -> dict[str, Any]:
    if not conv.detailed_validation:
        return {_key(k): structure_value(v, None) for k, v in data.items()}
    out: dict[str, Any] = {}
    errors: list[Exception] = []
    for key, value in data.items():
        try:
            out[_key(key)] = structure_value(value, None)
        except Exception as exc:  # collected and re-raised as one group below
            note = IterableValidationNote(f"Structuring mapping value @ key {key!r}", key, Any)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
    if errors:
        raise IterableValidationError("While structuring a mapping", errors, dict)
    return out


def _key(key: Any) -> str:
    if type(key) is not str or not _valid_text(key):
        raise _expected("text-key", key)
    return key
