"""Generated (un)structure functions for attrs classes: strict, with no per-field dispatch.

cattrs' generated functions call one hook per field, collect optional fields in a dict and
compare key sets to find unknown keys; for a conversation with its agreements and answers
that was about a third of loading. The functions made here check the common field types
inline (``type(v) is str``, enum tables, optional values, tuples), count the keys they used
to detect unknown ones, and call the converter's own hook for anything else.

They accept exactly what the strict hooks in :mod:`converter` accept and build the same
objects; anything they reject (an exception of any kind) is loaded again by the detailed
converter, which reports every problem with its path. The generated unstructure functions
(used by both converters) write what cattrs' own would, key order included, with enum
values and plain fields inline. ``tests/test_serialization_fast.py`` checks both against
cattrs and the detailed converter on generated and mutated documents.
"""

from __future__ import annotations

import contextlib
import enum
import threading
from collections.abc import Callable, Iterator
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs

__all__ = ["make_structure_fn", "make_unstructure_fn"]

_MISSING = object()


class _RejectedError(ValueError):
    """The fast path does not take this value; the detailed converter will explain why."""


def _optional_inner(t: Any) -> Any | None:
    args = get_args(t)
    if get_origin(t) in (Union, UnionType) and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return None


def _enum_table(t: type[enum.Enum]) -> tuple[dict[Any, Any], type] | None:
    value_types = {type(m.value) for m in t}
    if len(value_types) != 1 or value_types - {str, int}:
        return None
    return {m.value: m for m in t}, value_types.pop()


_guard = threading.local()


def _generating() -> set[tuple[int, str, Any]]:
    """The (converter, direction, class) triples whose functions this thread is generating."""
    if not hasattr(_guard, "classes"):
        _guard.classes = set()
    classes: set[tuple[int, str, Any]] = _guard.classes
    return classes


@contextlib.contextmanager
def _generating_for(conv: cattrs.Converter, direction: str, cls: type[Any]) -> Iterator[None]:
    key = (id(conv), direction, cls)
    _generating().add(key)
    try:
        yield
    finally:
        _generating().discard(key)


class _Builder:
    """Collects the lines and the names (hooks, tables, defaults) of one generated function."""

    def __init__(self, conv: cattrs.Converter) -> None:
        self.conv = conv
        self.names: dict[str, Any] = {"_R": _RejectedError, "_MISSING": _MISSING}
        self.lines: list[str] = []

    def hook(self, direction: str, t: Any) -> Callable[..., Any]:
        """The converter's hook for ``t``; fetched on first use if ``t`` is being generated."""
        get = getattr(self.conv, f"get_{direction}_hook")
        if (id(self.conv), direction, t) not in _generating():  # the usual case
            hook: Callable[..., Any] = get(t)
            return hook
        fn: Callable[..., Any] | None = None

        def lazy(*args: Any) -> Any:  # a class that contains itself, directly or not
            nonlocal fn
            if fn is None:
                fn = get(t)
            return fn(*args)

        return lazy

    def name(self, prefix: str, value: Any) -> str:
        key = f"_{prefix}{len(self.names)}"
        self.names[key] = value
        return key

    def check(self, t: Any, var: str, indent: str) -> str:
        """Emit the checks of ``var`` against ``t``; return the expression of its value."""
        emit = self.lines.append
        if t is str or t is int or t is bool:
            emit(f"{indent}if type({var}) is not {t.__name__}: raise _R")
            return var
        if t is float:
            emit(f"{indent}if type({var}) is not float and type({var}) is not int: raise _R")
            return f"float({var})"
        if isinstance(t, type) and issubclass(t, enum.Enum) and (table := _enum_table(t)):
            members, value_type = table
            emit(f"{indent}if type({var}) is not {self.name('t', value_type)}: raise _R")
            emit(f"{indent}{var} = {self.name('e', members)}[{var}]")
            return var
        inner = _optional_inner(t)
        if inner is not None:
            emit(f"{indent}if {var} is not None:")
            value = self.check(inner, var, indent + "    ")
            if value != var:
                emit(f"{indent}    {var} = {value}")
            return var
        args = get_args(t)
        if get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis:
            emit(f"{indent}if type({var}) is not list and type({var}) is not tuple: raise _R")
            if args[0] is str:
                emit(f"{indent}for _item in {var}:")
                emit(f"{indent}    if type(_item) is not str: raise _R")
                return f"tuple({var})"
            hook = self.name("h", self.hook("structure", args[0]))
            item_type = self.name("t", args[0])
            return f"tuple([{hook}(_item, {item_type}) for _item in {var}])"
        hook = self.name("h", self.hook("structure", t))
        return f"{hook}({var}, {self.name('t', t)})"


def make_structure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Generate the fast structure function of the attrs class ``cls`` (see module docs)."""
    with _generating_for(conv, "structure", cls):
        return _make_structure_fn(cls, conv)


def _make_structure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    hints = get_type_hints(cls)
    fields = [a for a in attrs.fields(cls) if a.init]
    b = _Builder(conv)
    b.names["_cls"] = cls
    emit = b.lines.append
    emit("def structure(o, _=None):")
    emit("    if type(o) is not dict: raise _R")
    required = sum(1 for a in fields if a.default is attrs.NOTHING)
    emit(f"    n = {required}")
    args = []
    for i, a in enumerate(fields):
        var = f"v{i}"
        if a.default is attrs.NOTHING:
            emit(f"    {var} = o[{a.name!r}]")
            value = b.check(hints[a.name], var, "    ")
        else:
            emit(f"    {var} = o.get({a.name!r}, _MISSING)")
            emit(f"    if {var} is _MISSING:")
            if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                if a.default.takes_self:  # pragma: no cover - no model does this today
                    return conv.gen_structure_attrs_fromdict(cls)
                emit(f"        {var} = {b.name('f', a.default.factory)}()")
            else:
                emit(f"        {var} = {b.name('d', a.default)}")
            emit("    else:")
            emit("        n += 1")
            value = b.check(hints[a.name], var, "        ")
            if value != var:
                emit(f"        {var} = {value}")
            value = var
        args.append(f"{a.alias}={value}")
    emit("    if len(o) != n: raise _R")  # a key no field used: unknown
    emit(f"    return _cls({', '.join(args)})")
    fn: Callable[[Any, Any], Any] = _compile(
        b.lines, b.names, f"<musframework fast structure {cls.__qualname__}>", "structure"
    )
    return fn


_IDENTITY = (str, int, bool, float)


def _unstructure_expr(t: Any, var: str, b: _Builder) -> str:
    """The expression that unstructures ``var`` of type ``t`` (inline where it is simple)."""
    if t in _IDENTITY:
        return var
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return f"{var}._value_"  # the enum's ``value`` property costs a call per read
    inner = _optional_inner(t)
    if inner is not None:
        value = _unstructure_expr(inner, var, b)
        return var if value == var else f"(None if {var} is None else {value})"
    args = get_args(t)
    if get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] in _IDENTITY:
            return f"list({var})"
        return f"[{_unstructure_expr(args[0], '_item', b)} for _item in {var}]"
    return f"{b.name('u', b.hook('unstructure', t))}({var})"


def make_unstructure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any], Any]:
    """Generate the unstructure function of the attrs class ``cls``, omitting defaults.

    Its output equals cattrs' own (``omit_if_default=True``), key order included: fields
    without a default first, then the others that differ from their default, in field order.
    """
    with _generating_for(conv, "unstructure", cls):
        return _make_unstructure_fn(cls, conv)


def _make_unstructure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any], Any]:
    fields = attrs.fields(cls)
    if any(not a.init for a in fields) or any(
        isinstance(a.default, attrs.Factory) and a.default.takes_self  # type: ignore[arg-type]
        for a in fields
    ):
        return conv.gen_unstructure_attrs_fromdict(cls)  # pragma: no cover - no model today
    hints = get_type_hints(cls)
    b = _Builder(conv)
    always = [
        f"{a.name!r}: {_unstructure_expr(hints[a.name], f'o.{a.name}', b)}"
        for a in fields
        if a.default is attrs.NOTHING
    ]
    lines = ["def unstructure(o):", f"    res = {{{', '.join(always)}}}"]
    for a in fields:
        if a.default is attrs.NOTHING:
            continue
        default = _default_value(a)
        lines.append(f"    v = o.{a.name}")
        lines.append(f"    if v != {b.name('d', default)}:")
        lines.append(f"        res[{a.name!r}] = {_unstructure_expr(hints[a.name], 'v', b)}")
    lines.append("    return res")
    return _compile(
        lines, b.names, f"<musframework fast unstructure {cls.__qualname__}>", "unstructure"
    )


def _default_value(a: attrs.Attribute[Any]) -> Any:
    # What cattrs compares with: the default (or a fresh factory value) after the field's
    # converter. Computed once; it is only ever compared with, never handed out.
    default: Any = a.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return default if a.converter is None else a.converter(default)  # type: ignore[operator]


def _compile(lines: list[str], names: dict[str, Any], filename: str, fn: str) -> Callable[..., Any]:
    namespace = dict(names)
    exec(compile("\n".join(lines), filename, "exec"), namespace)
    made: Callable[..., Any] = namespace[fn]
    return made
