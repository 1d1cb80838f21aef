"""msgspec for loading and writing (the ``fast`` extra), into the same frozen attrs models.

**Loading.** Each model class is mirrored as a strict, frozen ``msgspec.Struct``
(:class:`Codec`), and a document is loaded in one C pass and one short Python pass:

1. ``msgspec.json.Decoder(mirror)`` parses the text into mirror Structs: every field's type
   checked strictly (``"5"`` is not an integer, ``1`` is not ``true``), unknown keys refused
   (``forbid_unknown_fields``), integers within 64 bits, questions and answers as tagged
   unions on ``"type"``, pendulum values made by the library's own parse functions (each
   distinct text once: equal values share one immutable object, see :class:`_Parsed`), a
   top-level document's ``schema_version`` checked against the current one.
2. A generated function per class builds the model object from its mirror, setting the
   slots directly; the few JSON forms that are the library's own (localised texts, role
   sets, condition values) are structured by the fast cattrs converter's hooks. Answers with
   a plain value are shared objects (one ``ScaleAnswer(3)`` for every response).

Anything this path refuses (any exception) is loaded again by the strict cattrs converters,
which accept exactly the same documents and explain every problem with its path: this path
never decides what is valid. ``tests/test_serialization_fast.py`` loads generated and mutated
documents of every type both ways and requires the same outcome and the same objects.

Objects are made without their ``__init__``, so attrs converters do not run: that is safe
only for converters that leave an already normalised value as it is. The model's own are
(enum classes and the tuple, dict, text and role normalisers of :mod:`musframework.model`); a
class with any other converter, a validator or an ``__attrs_post_init__`` is made with its own
``__init__`` instead.

**Writing.** A generated function per class turns a model object into a Struct of exactly
the fields cattrs writes (a field equal to its default is ``UNSET``, which msgspec leaves
out), with the tag first for questions and answers; msgspec writes it as JSON, or as plain
data for ``to_dict``. The key order is the library's, decided once: the fields without a
default first, then the others, each group in declaration order (what cattrs writes; msgspec
itself would sort the keys of an attrs object and write its defaults). The bytes are the
cattrs path's bytes, tested on every document type.

Generated functions register their source with ``linecache``, so tracebacks show them.
"""

from __future__ import annotations

import enum
import linecache
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs
import msgspec
import pendulum

from musframework.model.people import unique_ids
from musframework.model.questions import Answer, Question
from musframework.model.text import LocalizedText
from musframework.serialization import time as _time
from musframework.serialization.converter import INT_MAX, INT_MIN

__all__ = ["Codec"]


# msgspec checks bounds within signed 64 bits; the few integers above (up to INT_MAX) are
# refused here and accepted by the general path.
_Int = Annotated[int, msgspec.Meta(ge=INT_MIN, le=min(INT_MAX, 2**63 - 1))]
_new = object.__new__
_astuple = msgspec.structs.astuple
_UNSET = msgspec.UNSET
_SHARED_LIMIT = 4096
"""How many distinct answer values of one class are shared (see :meth:`Codec._one_field`)."""


_PARSED_LIMIT = 4096
"""How many distinct texts of one time type a codec keeps parsed (see :class:`_Parsed`)."""


class _Parsed:
    """A codec's parsed pendulum values: each distinct text is parsed once.

    Dates, date-times and durations are immutable, so equal texts may share one object, as
    a round's deadlines and meeting times do (a round of 10,000 conversations in the
    benchmarks has 100,000 such values but 1,518 distinct texts). Up to ``_PARSED_LIMIT``
    texts of each type are kept; then that type's table starts again empty, so a stream of
    all-distinct time stamps costs one dictionary lookup per value and bounded memory.
    Only what parses is kept: a text that does not raises, and the caller's general path
    explains it.
    """

    def __init__(self) -> None:
        self._parse: dict[type, Callable[[str], Any]] = {
            pendulum.DateTime: _time.parse_datetime,
            pendulum.Date: _time.parse_date,
            pendulum.Duration: _time.parse_duration,
        }
        self._tables: dict[type, dict[str, Any]] = {t: {} for t in self._parse}

    def table(self, t: type) -> tuple[dict[str, Any], Callable[[str], Any]]:
        """The parsed texts of ``t``, and the function that parses one and keeps it."""
        table, parse = self._tables[t], self._parse[t]

        def parse_and_keep(value: str) -> Any:
            obj = parse(value)
            if len(table) >= _PARSED_LIMIT:
                table.clear()
            table[value] = obj
            return obj

        return table, parse_and_keep


def _is_optional(t: Any) -> Any | None:
    args = get_args(t)
    if get_origin(t) in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return None


def _safe_converter(converter: Any) -> bool:
    """Whether a converter leaves an already normalised value as it is (see module docs)."""
    if converter is None:
        return True
    if converter is unique_ids:  # drops repeats: a decoded list may not be normalised
        return False
    if isinstance(converter, type) and issubclass(converter, enum.Enum):
        return True
    return bool(getattr(converter, "__module__", "").startswith("musframework.model."))


def _slot(cls: type[Any], name: str) -> Any:
    """The slot descriptor of field ``name`` (in ``cls`` or the base class that declares it)."""
    for klass in cls.__mro__:
        descriptor = klass.__dict__.get(name)
        if descriptor is not None:
            return descriptor
    raise TypeError(f"no slot {name!r} in {cls!r}")


def _direct(cls: type[Any]) -> bool:
    """Whether objects of ``cls`` may be made without its ``__init__`` (see module docs)."""
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return False
    if "__slots__" not in cls.__dict__:
        return False  # not an attrs slotted class
    return all(
        a.init
        and a.validator is None
        and _safe_converter(a.converter)
        and type(_slot_or_none(cls, a.name)) is types.MemberDescriptorType
        for a in attrs.fields(cls)
    )


def _slot_or_none(cls: type[Any], name: str) -> Any:
    try:
        return _slot(cls, name)
    except TypeError:
        return None


Build = Callable[[Any], Any]


@attrs.frozen
class _Plan:
    """How one type is mirrored.

    ``mirror`` is its type on the Struct side; ``build`` makes the model's value of a decoded
    one (``None``: it already is).
    """

    mirror: Any
    build: Build | None = None
    members: dict[type, Build] | None = None  # a tagged union's builders, by member mirror
    shape: str = ""  # "tuple" or "optional": ``build`` applies ``item`` to each / to a value
    item: Build | None = None
    table: dict[str, Any] | None = None  # a time value's parsed texts; ``item`` parses one


class Codec:
    """Mirror Structs and decoders for the model classes (one per question type registry).

    Args:
        converter: The fast cattrs converter; its hooks structure the few JSON forms that
            msgspec cannot express (localised texts, role sets, condition values).
        questions: The registered question types by tag (their answers are tagged by the
            same tag).
    """

    def __init__(self, converter: cattrs.Converter, questions: dict[str, type[Question]]) -> None:
        self._conv = converter
        self._questions = questions
        self._plans: dict[Any, _Plan] = {}
        self._shared: dict[Any, Any] = {}  # plain answers by their mirror, see _one_field
        self._decoders: dict[tuple[type[Any], int | None], tuple[Callable[[Any], Any], Build]] = {}
        self._encoders: dict[tuple[type[Any], int | None], Callable[[Any], Any]] = {}
        self._encoding: set[tuple[type[Any], None]] = set()
        self._plain_structs: dict[type, Any] = {}  # see _Plain
        self._encode = msgspec.json.Encoder().encode
        self._times = _Parsed()
        self._writers = _Writers(self._class_encoder)
        self._plain = _Plain(self._writers, self._plain_structs)

    def decode(self, text: str | bytes, cls: type[Any], version: int | None) -> Any:
        """Decode a JSON document into ``cls``; raise anything on any problem.

        ``version`` is the current schema version of a top-level document type: its
        ``schema_version`` key must then be that version (older versions need migrations,
        which the general path runs) or absent.
        """
        entry = self._decoders.get((cls, version))
        if entry is None:
            entry = self._decoders[(cls, version)] = self._decoder(cls, version)
        decode, build = entry
        return build(decode(text))

    def _decoder(self, cls: type[Any], version: int | None) -> tuple[Callable[[Any], Any], Build]:
        if not attrs.has(cls) or issubclass(cls, Question | Answer | LocalizedText):
            raise TypeError(f"{cls!r} is loaded by the general path")
        plan = self._plan(cls)
        assert plan.build is not None
        mirror = plan.mirror
        if version is not None:
            # The document's own version, checked in C; its field comes last, so the class's
            # builder, which takes the fields in order, never sees it.
            mirror = msgspec.defstruct(
                f"{cls.__name__}Document",
                [("schema_version", Literal[version] | msgspec.UnsetType, _UNSET)],
                bases=(plan.mirror,),
                forbid_unknown_fields=True,
                kw_only=True,
                gc=False,
            )
        return msgspec.json.Decoder(mirror).decode, plan.build

    # ------------------------------------------------------------------ encoding

    def encoded(self, obj: Any, version: int | None) -> Any:
        """``obj`` as an encoding Struct: what the library writes, for msgspec to encode.

        ``version`` (a top-level document's schema version) is written first. Raises
        anything for what the encoder does not know; the caller then takes cattrs' path.
        """
        key = (type(obj), version)
        fn = self._encoders.get(key)
        if fn is None:
            fn = self._encoders[key] = self._encoder(type(obj), version)
        return fn(obj)

    def dumps(self, obj: Any, version: int | None) -> bytes:
        """The JSON text of ``obj`` (see :meth:`encoded`)."""
        return self._encode(self.encoded(obj, version))

    def encode(self, struct: Any) -> bytes:
        """The JSON text of an encoding Struct from :meth:`encoded` (or one nested in it)."""
        return self._encode(struct)

    def to_builtins(self, obj: Any, version: int | None) -> Any:
        """``obj`` as JSON-compatible data (see :meth:`encoded`)."""
        return msgspec.to_builtins(self.encoded(obj, version))

    def _encoder(self, cls: type[Any], version: int | None) -> Callable[[Any], Any]:
        tag = cls.type_name if issubclass(cls, Question | Answer) else None
        if not attrs.has(cls) or cls is LocalizedText:
            raise TypeError(f"{cls!r} is written by the general path")
        return self._make_encoder(cls, tag, version)

    def _class_encoder(self, cls: type[Any]) -> Callable[[Any], Any]:
        fn = self._encoders.get((cls, None))
        if fn is None:
            if (cls, None) in self._encoding:  # a class that contains itself

                def later(obj: Any) -> Any:
                    return self._encoders[(cls, None)](obj)

                return later
            fn = self._encoders[(cls, None)] = self._encoder(cls, None)
        return fn

    def _tagged_encoder(self) -> Callable[[Any], Any]:
        by_class: dict[type, Callable[[Any], Any]] = {}

        def encode_tagged(obj: Any) -> Any:
            fn = by_class.get(type(obj))
            if fn is None:
                fn = by_class[type(obj)] = self._class_encoder(type(obj))
            return fn(obj)

        return encode_tagged

    def _value_expr(self, t: Any, var: str, names: dict[str, Any]) -> str:
        """The expression writing ``var`` of type ``t`` (``var`` itself when msgspec can)."""
        if t in (str, int, bool, float) or t == (int | float):
            return var
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return var  # msgspec writes a member's value
        formats = {
            pendulum.DateTime: _time.format_datetime,
            pendulum.Date: _time.format_date,
            pendulum.Duration: _time.format_duration,
        }
        if t in formats:
            return f"{_name(names, 'f', formats[t])}({var})"
        inner = _is_optional(t)
        if inner is not None:
            expr = self._value_expr(inner, var, names)
            return var if expr == var else f"(None if {var} is None else {expr})"
        origin, args = get_origin(t), get_args(t)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            if self._value_expr(args[0], "_x", {}) == "_x":
                return f"list({var})"  # a new list, as cattrs writes
            item = _name(names, "e", self._value_fn(args[0]))
            return f"list(map({item}, {var}))"
        if origin is dict and len(args) == 2 and args[0] is str and args[1] is Answer:
            # Most of a round's objects: an answer of one plain ``value`` is made into its
            # Struct here, without a call of its writer (see _Plain).
            writers = _name(names, "w", self._writers)
            plain = _name(names, "p", self._plain)
            return (
                f"{{_k: (_m(_v.value) if (_m := {plain}[type(_v)]) is not None"
                f" else {writers}[type(_v)](_v)) for _k, _v in {var}.items()}}"
            )
        if origin is dict and len(args) == 2 and args[0] is str and args[1] is Question:
            writers = _name(names, "w", self._writers)
            return f"{{_k: {writers}[type(_v)](_v) for _k, _v in {var}.items()}}"
        if origin is dict and len(args) == 2 and args[0] is str:
            if self._value_expr(args[1], "_x", {}) == "_x":
                return f"dict({var})"  # a new dict: never the model's own
            item = _name(names, "e", self._value_fn(args[1]))
            return f"{{_k: {item}(_v) for _k, _v in {var}.items()}}"
        if t is Answer or t is Question:
            return f"{_name(names, 'e', self._tagged_encoder())}({var})"
        if attrs.has(t) and t is not LocalizedText:
            if isinstance(t, type) and issubclass(t, Question | Answer):
                return f"{_name(names, 'e', self._tagged_encoder())}({var})"
            return f"{_name(names, 'e', self._class_encoder(t))}({var})"
        hook = self._conv.get_unstructure_hook(t)
        return f"{_name(names, 'h', hook)}({var})"

    def _value_fn(self, t: Any) -> Callable[[Any], Any]:
        names: dict[str, Any] = {}
        expr = self._value_expr(t, "x", names)
        for key, fn in names.items():
            if expr == f"{key}(x)":  # one call: that function itself, not a wrapper of it
                made: Callable[[Any], Any] = fn
                return made
        return _compile(f"def value(x):\n    return {expr}\n", names, f"write {t}", "value")

    def _make_encoder(
        self, cls: type[Any], tag: str | None, version: int | None
    ) -> Callable[[Any], Any]:
        self._encoding.add((cls, None))
        try:
            hints = get_type_hints(cls)
            fields = [a for a in attrs.fields(cls) if a.init]
            if len(fields) != len(attrs.fields(cls)):
                raise TypeError("a field that is not in __init__")
            ordered = [a for a in fields if a.default is attrs.NOTHING] + [
                a for a in fields if a.default is not attrs.NOTHING
            ]
            names: dict[str, Any] = {"_UNSET": _UNSET}
            lines = ["def write(o):"]
            args: list[str] = []
            spec: list[Any] = []
            if version is not None:
                spec.append(("schema_version", Any))
                args.append(str(int(version)))
            for i, a in enumerate(ordered):
                spec.append((a.name, Any))
                lines.append(f"    v{i} = o.{a.name}")
                expr = self._value_expr(hints[a.name], f"v{i}", names)
                if a.default is attrs.NOTHING:
                    args.append(expr)
                    continue
                derived = _derived_default(a)
                if derived is not None:  # a default computed from the object itself
                    default = _name(names, "f", derived)
                    args.append(f"(_UNSET if v{i} == {default}(o) else {expr})")
                    continue
                # Written only when it differs from the default, as cattrs does (``!=``);
                # ``is`` where that is the same test (None, true/false, enum members).
                value = _default_maker(a)()
                if value is None:
                    inner = _is_optional(hints[a.name])
                    plain = expr if inner is None else self._value_expr(inner, f"v{i}", names)
                    args.append(f"(_UNSET if v{i} is None else {plain})")
                elif isinstance(value, bool | enum.Enum):
                    default = _name(names, "d", value)
                    args.append(f"(_UNSET if v{i} is {default} else {expr})")
                elif type(value) in (tuple, dict) and not value and a.converter is not None:
                    # An empty default of a field whose converter makes a tuple or dict of
                    # whatever it is given: "empty" is the same test as ``== default``.
                    args.append(f"(_UNSET if not v{i} else {expr})")
                else:
                    default = _name(names, "d", value)
                    args.append(f"(_UNSET if v{i} == {default} else {expr})")
            options: dict[str, Any] = {} if tag is None else {"tag_field": "type", "tag": tag}
            struct = msgspec.defstruct(f"{cls.__name__}Written", spec, gc=False, **options)
            if (
                tag is not None
                and version is None
                and [a.name for a in ordered] == ["value"]
                and ordered[0].default is attrs.NOTHING
                and args == ["v0"]
            ):
                self._plain_structs[cls] = struct  # written as it is held: see _Plain
            names["_S"] = struct
            lines.append(f"    return _S({', '.join(args)})")
            return _compile("\n".join(lines) + "\n", names, f"write {cls.__qualname__}", "write")
        finally:
            self._encoding.discard((cls, None))

    # ------------------------------------------------------------------ mirroring

    def _plan(self, t: Any) -> _Plan:
        plan = self._plans.get(t)
        if plan is None:
            plan = self._plans[t] = self._make_plan(t)
        return plan

    def _make_plan(self, t: Any) -> _Plan:
        if t is str or t is bool or t is float:
            return _Plan(t)
        if t is int:
            return _Plan(_Int)
        if t == (int | float):
            return _Plan(_Int | float)
        if t in (pendulum.DateTime, pendulum.Date, pendulum.Duration):
            # Decoded as a text (refused in C if it is not one) and parsed by the builder,
            # each distinct text once (see _Parsed): no call from C back to a hook.
            table, parse = self._times.table(t)
            return _Plan(str, lambda v: table.get(v) or parse(v), table=table, item=parse)
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return _Plan(t)
        inner = _is_optional(t)
        if inner is not None:
            return self._optional(self._plan(inner))
        origin, args = get_origin(t), get_args(t)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return self._tuple(self._plan(args[0]))
        if origin is dict and len(args) == 2 and args[0] is str:
            return self._dict(self._plan(args[1]))
        if t is Answer:
            return self._tagged({tag: q.answer_type for tag, q in self._questions.items()})
        if t is Question:
            return self._tagged(dict(self._questions))
        if (
            attrs.has(t)
            and t is not LocalizedText
            and not (isinstance(t, type) and issubclass(t, Question | Answer))
        ):
            return self._class(t)
        # The library's own JSON forms (localised texts, role sets, condition values):
        # decoded as plain JSON, structured by the fast converter's hook, as strictly as
        # the general path does.
        hook = self._conv.get_structure_hook(t)
        return _Plan(Any, lambda value: hook(value, t))

    @staticmethod
    def _optional(plan: _Plan) -> _Plan:
        build = plan.build
        if build is None:
            return _Plan(plan.mirror | None)
        return _Plan(
            plan.mirror | None,
            lambda value: None if value is None else build(value),
            shape="optional",
            item=build if plan.table is None else plan.item,
            table=plan.table,
        )

    @staticmethod
    def _tuple(plan: _Plan) -> _Plan:
        mirror = tuple[plan.mirror, ...]  # type: ignore[name-defined]
        build = plan.build
        if build is None:
            return _Plan(mirror)
        return _Plan(mirror, lambda values: tuple(map(build, values)), shape="tuple", item=build)

    def _dict(self, plan: _Plan) -> _Plan:
        mirror = dict[str, plan.mirror]  # type: ignore[name-defined]
        build = plan.build
        if build is None:
            return _Plan(mirror)  # a new dict of final values
        members = plan.members
        if members is not None and all(_plain_member(m) for m in members):
            # A response's answers: a shared one without a call; the others by their builder.
            shared = self._shared
            return _Plan(
                mirror,
                lambda values: {k: shared.get(v) or members[type(v)](v) for k, v in values.items()},
            )
        if members is not None:
            return _Plan(mirror, lambda values: {k: members[type(v)](v) for k, v in values.items()})
        return _Plan(mirror, lambda values: {k: build(v) for k, v in values.items()})

    def _tagged(self, members: dict[str, type[Any]]) -> _Plan:
        """A tagged union on ``"type"`` of the members' mirrors, and its builder."""
        builders: dict[type, Build] = {}
        for tag, cls in members.items():
            struct, build = self._struct(cls, tag)
            builders[struct] = build
        union: Any = Union.__getitem__(tuple(builders))  # built at run time
        return _Plan(union, lambda value: builders[type(value)](value), builders)

    def _class(self, cls: type[Any]) -> _Plan:
        # A class that contains itself is left to the general path (its mirror refuses).
        self._plans[cls] = _Plan(None, _refuse)
        struct, build = self._struct(cls, None)
        return _Plan(struct, build)

    def _struct(self, cls: type[Any], tag: str | None) -> tuple[Any, Build]:
        hints = get_type_hints(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        ordered = [a for a in fields if a.default is attrs.NOTHING] + [
            a for a in fields if a.default is not attrs.NOTHING
        ]
        spec: list[Any] = []
        steps: list[_Step] = []
        by_init = False
        for a in ordered:
            plan = self._plan(hints[a.name])
            step = _Step(a, plan)
            if a.default is attrs.NOTHING:
                spec.append((a.name, plan.mirror))
            elif _derived_default(a) is not None:
                # Computed from the other fields by the class itself: absent means "let
                # __init__ compute it", so such a class is always made with its __init__.
                spec.append((a.name, plan.mirror | msgspec.UnsetType, _UNSET))
                step = _Step(a, plan, derived=True)
                by_init = True
            else:
                make_default = _default_maker(a)
                value = make_default()
                if plan.build is None or (
                    (plan.shape == "tuple" and value == ())
                    or (plan.shape == "optional" and value is None)
                ):
                    # The default as the model holds it; msgspec hands it over as it is (an
                    # empty tuple and None build to themselves).
                    if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                        default: Any = msgspec.field(default_factory=make_default)
                    else:
                        default = value
                    spec.append((a.name, plan.mirror, default))
                else:
                    # Absent: UNSET, which becomes the default as the model holds it.
                    spec.append((a.name, plan.mirror | msgspec.UnsetType, _UNSET))
                    step = _Step(a, plan, make_default)
            steps.append(step)
        options: dict[str, Any] = {} if tag is None else {"tag_field": "type", "tag": tag}
        struct = msgspec.defstruct(
            f"{cls.__name__}Mirror",
            spec,
            forbid_unknown_fields=True,
            kw_only=True,
            frozen=True,  # hashable: a plain answer's mirror is the key of its shared object
            gc=False,
            **options,
        )
        if by_init or not _direct(cls):
            return struct, _by_init(cls, steps)
        if len(steps) == 1:
            return struct, _one_field(cls, steps[0], hints, struct, self._shared)
        return struct, _by_slots(cls, steps)


class _Writers(dict[type, Callable[[Any], Any]]):
    """The write functions of tagged classes by class, made on first use (``__missing__``)."""

    def __init__(self, make: Callable[[type[Any]], Callable[[Any], Any]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, cls: type[Any]) -> Callable[[Any], Any]:
        fn = self[cls] = self._make(cls)
        return fn


class _Plain(dict[type, Any]):
    """The written Struct of each tagged class of one plain ``value`` field, else None.

    Such an answer (a scale point, an option code, a text) is written as ``Struct(value)``
    with no conversion, so a response's answers are made without calling a writer for each.
    Filled on first use of a class (``__missing__``), after its writer is made.
    """

    def __init__(self, writers: _Writers, structs: dict[type, Any]) -> None:
        super().__init__()
        self._writers = writers
        self._structs = structs

    def __missing__(self, cls: type[Any]) -> Any:
        self._writers[cls]  # makes the writer, which records a plain struct
        struct = self[cls] = self._structs.get(cls)
        return struct


def _name(names: dict[str, Any], prefix: str, value: Any) -> str:
    key = f"_{prefix}{len(names)}"
    names[key] = value
    return key


def _compile(source: str, names: dict[str, Any], what: str, fn: str) -> Callable[..., Any]:
    """Compile a generated function and register its source with ``linecache``.

    So tracebacks through a generated function show its lines.
    """
    filename = f"<musframework msgspec {what}>"
    namespace = dict(names)
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    made: Callable[..., Any] = namespace[fn]
    return made


@attrs.frozen
class _Step:
    """One field of a generated builder: its plan, and its default when absent is UNSET."""

    field: attrs.Attribute[Any]
    plan: _Plan
    default: Callable[[], Any] | None = None
    derived: bool = False  # a default the class computes from its other fields


def _steps_source(steps: list[_Step], names: dict[str, Any], lines: list[str]) -> list[str]:
    """Emit the lines computing each field's value as ``v<i>``; return those names."""
    out = []
    for i, step in enumerate(steps):
        var = f"v{i}"
        out.append(var)
        plan = step.plan
        lines.append(f"    {var} = t[{i}]  # {step.field.name}")
        if plan.build is None:
            continue
        if plan.table is not None:  # a time value: its parsed text, else parse it
            table, parse = _name(names, "t", plan.table), _name(names, "p", plan.item)
            expr = f"({table}.get({var}) or {parse}({var}))"
            if plan.shape == "optional":
                expr = f"None if {var} is None else {expr}"
        elif plan.shape == "tuple":
            item = _name(names, "i", plan.item)
            expr = f"tuple(map({item}, {var}))"
        elif plan.shape == "optional":
            item = _name(names, "i", plan.item)
            expr = f"None if {var} is None else {item}({var})"
        else:
            expr = f"{_name(names, 'b', plan.build)}({var})"
        if step.default is not None:
            default = _name(names, "d", step.default)
            expr = f"{default}() if {var} is _UNSET else {expr}"
        elif step.derived:
            expr = f"_UNSET if {var} is _UNSET else {expr}"
        lines.append(f"    {var} = {expr}")
    return out


def _by_slots(cls: type[Any], steps: list[_Step]) -> Build:
    """Make an object of ``cls`` by setting its slots (no ``__init__``: see module docs)."""
    names: dict[str, Any] = {"_new": _new, "_astuple": _astuple, "_cls": cls, "_UNSET": _UNSET}
    lines = ["def build(s):", "    t = _astuple(s)"]
    values = _steps_source(steps, names, lines)
    lines.append("    o = _new(_cls)")
    for step, var in zip(steps, values, strict=True):
        setter = _name(names, "s", _slot(cls, step.field.name).__set__)
        lines.append(f"    {setter}(o, {var})")
    lines.append("    return o")
    return _compile("\n".join(lines) + "\n", names, f"build {cls.__qualname__}", "build")


def _one_field(
    cls: type[Any],
    step: _Step,
    hints: dict[str, Any],
    struct: Any,
    shared: dict[Any, Any],
) -> Build:
    """Make a one-field object (an answer: most of a round's objects) directly.

    Objects of a frozen class with one plain value (a scale point, an option code) are shared:
    ``ScaleAnswer(3)`` is the same object in every response, as the default duration is.
    ``shared`` holds them by their (frozen, hashable) mirror, which compares by type and value,
    up to ``_SHARED_LIMIT`` of them; longer texts (free answers) are never shared.
    """
    a = step.field
    build = step.plan.build
    if step.default is not None and build is not None:
        build = _or_default(build, step.default)
    elif step.default is not None:
        build = _or_default(lambda v: v, step.default)
    setter = _slot(cls, a.name).__set__
    name = a.name
    if build is None and hints[a.name] in (int, str, bool):

        def build_shared(value: Any) -> Any:
            obj = shared.get(value)
            if obj is None:
                v = getattr(value, name)
                obj = _new(cls)
                setter(obj, v)
                if len(shared) < _SHARED_LIMIT and (type(v) is not str or len(v) <= 64):
                    shared[value] = obj
            return obj

        return build_shared

    def build_one(value: Any) -> Any:
        obj = _new(cls)
        v = getattr(value, name)
        setter(obj, v if build is None else build(v))
        return obj

    return build_one


def _by_init(cls: type[Any], steps: list[_Step]) -> Build:
    """Make an object of ``cls`` with its own ``__init__`` (converters, validators run)."""
    names: dict[str, Any] = {"_astuple": _astuple, "_cls": cls, "_UNSET": _UNSET}
    lines = ["def build(s):", "    t = _astuple(s)"]
    values = _steps_source(steps, names, lines)
    args = ", ".join(
        f"{s.field.alias}={v}" for s, v in zip(steps, values, strict=True) if not s.derived
    )
    derived = [(s, v) for s, v in zip(steps, values, strict=True) if s.derived]
    if not derived:
        lines.append(f"    return _cls({args})")
    else:  # pass a derived field only when the document has it
        lines.append("    kw = {}")
        for step, var in derived:
            lines.append(f"    if {var} is not _UNSET: kw[{step.field.alias!r}] = {var}")
        lines.append(f"    return _cls({args}{', ' if args else ''}**kw)")
    return _compile("\n".join(lines) + "\n", names, f"init {cls.__qualname__}", "build")


def _derived_default(a: attrs.Attribute[Any]) -> Callable[[Any], Any] | None:
    """The function computing a default from the object itself, converter applied; else None.

    Such a default is an ``attrs.Factory(..., takes_self=True)``.
    """
    default: Any = a.default
    if not (isinstance(default, attrs.Factory) and default.takes_self):  # type: ignore[arg-type]
        return None
    factory, converter = default.factory, a.converter

    def make(obj: Any) -> Any:
        value = factory(obj)
        return value if converter is None else converter(value)  # type: ignore[operator]

    return make


def _default_maker(a: attrs.Attribute[Any]) -> Callable[[], Any]:
    """A function returning the field's default as the model holds it (after its converter)."""
    converter = a.converter
    default: Any = a.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            raise TypeError("a factory that takes self")
        factory = default.factory

        def make() -> Any:
            value = factory()
            return value if converter is None else converter(value)  # type: ignore[operator]

        return make
    value = a.default if converter is None else converter(a.default)  # type: ignore[operator]
    return lambda: value


def _or_default(build: Build, make_default: Callable[[], Any]) -> Build:
    def build_or_default(value: Any) -> Any:
        return make_default() if value is _UNSET else build(value)

    return build_or_default


_HASHABLE = (str, int, bool, float, pendulum.Date, pendulum.DateTime, pendulum.Duration)


def _plain_member(struct: Any) -> bool:
    """Whether a union member's mirror has one field, ``value``, of a hashable type."""
    fields = msgspec.structs.fields(struct)
    if len(fields) != 1 or fields[0].name != "value":
        return False
    t = fields[0].type
    origin, args = get_origin(t), get_args(t)
    if origin is Annotated:
        t = args[0]
    if origin is tuple:
        return all(a in _HASHABLE or a is Ellipsis for a in args)
    if origin in (Union, types.UnionType):
        return all(a in _HASHABLE or get_origin(a) is Annotated for a in args)
    return t in _HASHABLE


def _refuse(value: Any) -> Any:
    raise TypeError("a class that contains itself is loaded by the general path")
