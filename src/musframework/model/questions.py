"""Question types and their answers, as two tagged unions with a runtime registry.

Each question type is a frozen attrs class with a ``type_name`` tag and an ``answer_type``: the
answer class whose ``value`` has the type the question fixes (a scale answer is an ``int`` in
range, a yes/no answer a ``bool``, a choice answer an offered code). Serialised, both carry the
tag under ``"type"``.

Built-in types: ``text``, ``scale``, ``single_choice``, ``multiple_choice``, ``yes_no``,
``number`` and ``date``. Downstream code adds its own with :func:`register_question_type`; see
``docs/custom-questionnaires.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs
import pendulum

from musframework._registry import Registry
from musframework.catalogue import Message, translate
from musframework.errors import InvalidValueError, RegistryError
from musframework.model.conditions import Condition
from musframework.model.findings import Finding
from musframework.model.kinds import Role, roles
from musframework.model.text import LocalizedText, optional_text, to_text

__all__ = [
    "Answer",
    "ChoiceAnswer",
    "DateAnswer",
    "DateQuestion",
    "MultipleChoiceAnswer",
    "MultipleChoiceQuestion",
    "NumberAnswer",
    "NumberQuestion",
    "Option",
    "Question",
    "ScaleAnswer",
    "ScalePoint",
    "ScaleQuestion",
    "SingleChoiceQuestion",
    "TextAnswer",
    "TextQuestion",
    "YesNoAnswer",
    "YesNoQuestion",
    "question_type",
    "question_type_generation",
    "question_type_names",
    "question_types",
    "register_question_type",
    "unregister_question_type",
]


# --------------------------------------------------------------------------- answers


@attrs.frozen
class Answer:
    """Base class of answers. Subclasses define ``type_name`` and a ``value`` field.

    Decorate every subclass with ``@attrs.frozen`` (an undecorated subclass of a slotted class
    silently gets a ``__dict__`` and loses immutability).
    """

    type_name: ClassVar[str] = ""

    @property
    def comparable(self) -> Any:
        """The value conditions compare with (by default the ``value`` field)."""
        return getattr(self, "value", None)


@attrs.frozen
class TextAnswer(Answer):
    """The answer to a :class:`TextQuestion`."""

    type_name: ClassVar[str] = "text"
    value: str


@attrs.frozen
class ScaleAnswer(Answer):
    """The answer to a :class:`ScaleQuestion`: a point on the scale."""

    type_name: ClassVar[str] = "scale"
    value: int


@attrs.frozen
class ChoiceAnswer(Answer):
    """The answer to a :class:`SingleChoiceQuestion`: one option code."""

    type_name: ClassVar[str] = "single_choice"
    value: str


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class MultipleChoiceAnswer(Answer):
    """The answer to a :class:`MultipleChoiceQuestion`: the selected option codes."""

    type_name: ClassVar[str] = "multiple_choice"
    value: tuple[str, ...] = attrs.field(converter=_str_tuple)


@attrs.frozen
class YesNoAnswer(Answer):
    """The answer to a :class:`YesNoQuestion`."""

    type_name: ClassVar[str] = "yes_no"
    value: bool


@attrs.frozen
class NumberAnswer(Answer):
    """The answer to a :class:`NumberQuestion`."""

    type_name: ClassVar[str] = "number"
    value: int | float


@attrs.frozen
class DateAnswer(Answer):
    """The answer to a :class:`DateQuestion`."""

    type_name: ClassVar[str] = "date"
    value: pendulum.Date

    @property
    def comparable(self) -> str:
        """The ISO date, so conditions compare dates with ISO strings."""
        return self.value.isoformat()


# --------------------------------------------------------------------------- questions


@attrs.frozen(kw_only=True)
class Question:
    """Base class of question types.

    Attributes:
        id: Unique in the whole questionnaire; answers are keyed by it, never by the text.
        text: The question, in Danish and English.
        help: Optional guidance shown with the question.
        required: Whether an answer is required (only where the question is shown and asked of
            the respondent's role).
        answered_by: The roles the question is asked of; accepts ``"employee"``, ``"leader"``,
            ``"both"``, ``"group_member"``, ``"all"`` or a list of roles.
        condition: Show the question only when earlier answers meet this condition.
        leader_text: The question as the leader reads it, when it is asked of the leader and
            of the person being developed in one wording each (a self-rating and the leader's
            rating share an id); ``None`` means ``text`` for everyone. See :meth:`text_for`.

    Subclasses set ``type_name`` and ``answer_type``, and override :meth:`check_definition`,
    :meth:`check_value`, :meth:`coerce` and :meth:`answer_text` as needed.
    """

    type_name: ClassVar[str] = ""
    answer_type: ClassVar[type[Answer]] = Answer

    id: str
    text: LocalizedText = attrs.field(converter=to_text)
    help: LocalizedText | None = attrs.field(default=None, converter=optional_text)
    required: bool = False
    answered_by: frozenset[Role] = attrs.field(
        default=frozenset({Role.EMPLOYEE, Role.LEADER}), converter=roles
    )
    condition: Condition | None = None
    leader_text: LocalizedText | None = attrs.field(default=None, converter=optional_text)

    def text_for(self, role: Role | None) -> LocalizedText:
        """The question in the voice of ``role``'s reader: ``leader_text`` for the leader if set."""
        if role is Role.LEADER and self.leader_text is not None:
            return self.leader_text
        return self.text

    def asks(self, role: Role) -> bool:
        """Whether this question is asked of ``role``."""
        return role in self.answered_by

    def is_shown(self, answers: dict[str, Answer]) -> bool:
        """Whether the question is shown, given the visible earlier answers."""
        return self.condition is None or self.condition.is_met(answers)

    def texts(self) -> Iterator[tuple[str, LocalizedText]]:
        """``(relative path, text)`` for every localised text, for language checks."""
        yield "text", self.text
        if self.leader_text is not None:
            yield "leader_text", self.leader_text
        if self.help is not None:
            yield "help", self.help

    def check_definition(self) -> Iterator[Finding]:
        """Problems in this question's own definition (paths relative to the question)."""
        return iter(())

    def check_answer(self, answer: Answer) -> Iterator[Finding]:
        """Problems with ``answer`` (paths relative to the answer): type, then value."""
        if not isinstance(answer, self.answer_type):
            yield Finding.error(
                "response.wrong-type",
                "",
                Message(
                    "response.wrong-answer-type",
                    {"expected": self.type_name, "got": answer.type_name},
                ),
            )
            return
        yield from self.check_value(answer)

    def check_value(self, answer: Any) -> Iterator[Finding]:
        """Problems with an answer of the right type (for example out of range)."""
        return iter(())

    def coerce(self, value: Any) -> Answer:
        """Build this question's answer from a plain value (``4``, ``"text"``, ``["a"]``).

        Raises:
            InvalidValueError: when the value has the wrong type for this question (custom
                types may raise ``TypeError`` or ``ValueError`` with their own words).
        """
        return self.answer_type(value)  # type: ignore[call-arg]

    def answer_text(self, answer: Answer, locale: str = "da") -> str:
        """A plain-text rendering of ``answer``, so every renderer can show it."""
        return str(answer.comparable)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(what: str, value: object) -> InvalidValueError:
    # ``what`` names a message "value.<what>" ("a text", "a whole number" ...).
    return InvalidValueError(
        Message("value.expected", {"expected": Message(f"value.{what}"), "got": _short(value)})
    )


def _strict(value: Any, kinds: type | tuple[type, ...], what: str) -> Any:
    # bool is an int in Python; a yes/no must never count as a number, and vice versa.
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise _expected(what, value)
    if not isinstance(value, kinds):
        raise _expected(what, value)
    return value


@attrs.frozen(kw_only=True)
class TextQuestion(Question):
    """A free-text question, short (one line) or long, with an optional maximum length."""

    type_name: ClassVar[str] = "text"
    answer_type: ClassVar[type[Answer]] = TextAnswer

    long: bool = False
    max_length: int | None = None

    def check_definition(self) -> Iterator[Finding]:  # noqa: D102
        if self.max_length is not None and self.max_length < 1:
            yield Finding.error("question.max-length", "max_length")

    def check_value(self, answer: TextAnswer) -> Iterator[Finding]:  # noqa: D102
        if self.max_length is not None and len(answer.value) > self.max_length:
            yield Finding.error(
                "response.too-long", "value", length=len(answer.value), max=self.max_length
            )

    def coerce(self, value: Any) -> TextAnswer:  # noqa: D102
        return TextAnswer(_strict(value, str, "text"))

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        return str(getattr(answer, "value", ""))


@attrs.frozen
class ScalePoint:
    """A labelled point on a scale, such as ``1 = "Slet ikke"``."""

    value: int
    label: LocalizedText = attrs.field(converter=to_text)


def _points(values: Iterable[ScalePoint]) -> tuple[ScalePoint, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class ScaleQuestion(Question):
    """A rating on an integer scale from ``min`` to ``max`` (1-5 by default)."""

    type_name: ClassVar[str] = "scale"
    answer_type: ClassVar[type[Answer]] = ScaleAnswer

    min: int = 1
    max: int = 5
    labels: tuple[ScalePoint, ...] = attrs.field(default=(), converter=_points)

    def texts(self) -> Iterator[tuple[str, LocalizedText]]:  # noqa: D102
        yield from super().texts()
        for i, point in enumerate(self.labels):
            yield f"labels[{i}].label", point.label

    def check_definition(self) -> Iterator[Finding]:  # noqa: D102
        if self.min >= self.max:
            # One finding per root cause: with no valid range, no label can be checked.
            yield Finding.error("question.scale-range", "max", min=self.min, max=self.max)
            return
        for i, point in enumerate(self.labels):
            if not self.min <= point.value <= self.max:
                yield Finding.error(
                    "question.scale-label",
                    f"labels[{i}].value",
                    value=point.value,
                    min=self.min,
                    max=self.max,
                )

    def check_value(self, answer: ScaleAnswer) -> Iterator[Finding]:  # noqa: D102
        if not self.min <= answer.value <= self.max:
            yield Finding.error(
                "response.out-of-range", "value", value=answer.value, min=self.min, max=self.max
            )

    def coerce(self, value: Any) -> ScaleAnswer:  # noqa: D102
        return ScaleAnswer(_strict(value, int, "whole-number"))

    def label_for(self, value: int) -> LocalizedText | None:
        """The label of scale point ``value``, if it has one."""
        return next((p.label for p in self.labels if p.value == value), None)

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        value = getattr(answer, "value", None)
        label = self.label_for(value) if isinstance(value, int) else None
        return f"{value} ({label.get(locale)})" if label else str(value)


@attrs.frozen
class Option:
    """A coded option of a choice question; ``weight`` is optional, for scoring."""

    code: str
    label: LocalizedText = attrs.field(converter=to_text)
    weight: float | None = None


def _options(values: Iterable[Option]) -> tuple[Option, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class _ChoiceQuestion(Question):
    options: tuple[Option, ...] = attrs.field(default=(), converter=_options)

    def texts(self) -> Iterator[tuple[str, LocalizedText]]:
        yield from super().texts()
        for i, option in enumerate(self.options):
            yield f"options[{i}].label", option.label

    def check_definition(self) -> Iterator[Finding]:
        if not self.options:
            yield Finding.error("question.no-options", "options")
        seen: set[str] = set()
        for i, option in enumerate(self.options):
            if option.code in seen:
                yield Finding.error(
                    "question.duplicate-option", f"options[{i}].code", code=option.code
                )
            seen.add(option.code)

    @property
    def codes(self) -> tuple[str, ...]:
        """The option codes, in order."""
        return tuple(o.code for o in self.options)

    def _check_code(self, code: str, path: str) -> Iterator[Finding]:
        if code not in self.codes:
            yield Finding.error(
                "response.unknown-option", path, code=code, options=", ".join(self.codes)
            )

    def option_label(self, code: str, locale: str) -> str:
        """The label of option ``code`` in ``locale``, or the code itself if unknown."""
        return next((o.label.get(locale) for o in self.options if o.code == code), code)


@attrs.frozen(kw_only=True)
class SingleChoiceQuestion(_ChoiceQuestion):
    """Pick exactly one of the coded options."""

    type_name: ClassVar[str] = "single_choice"
    answer_type: ClassVar[type[Answer]] = ChoiceAnswer

    def check_value(self, answer: ChoiceAnswer) -> Iterator[Finding]:  # noqa: D102
        return self._check_code(answer.value, "value")

    def coerce(self, value: Any) -> ChoiceAnswer:  # noqa: D102
        return ChoiceAnswer(_strict(value, str, "option-code"))

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        return self.option_label(str(getattr(answer, "value", "")), locale)


@attrs.frozen(kw_only=True)
class MultipleChoiceQuestion(_ChoiceQuestion):
    """Pick any number of the coded options (at most ``max_selected`` when set)."""

    type_name: ClassVar[str] = "multiple_choice"
    answer_type: ClassVar[type[Answer]] = MultipleChoiceAnswer

    max_selected: int | None = None

    def check_value(self, answer: MultipleChoiceAnswer) -> Iterator[Finding]:  # noqa: D102
        for i, code in enumerate(answer.value):
            yield from self._check_code(code, f"value[{i}]")
        if len(set(answer.value)) != len(answer.value):
            yield Finding.error("response.duplicate-option", "value")
        if self.max_selected is not None and len(answer.value) > self.max_selected:
            yield Finding.error(
                "response.too-many", "value", count=len(answer.value), max=self.max_selected
            )

    def coerce(self, value: Any) -> MultipleChoiceAnswer:  # noqa: D102
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise _expected("option-codes", value)
        return MultipleChoiceAnswer(tuple(_strict(v, str, "option-code") for v in value))

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        return ", ".join(self.option_label(c, locale) for c in getattr(answer, "value", ()))


@attrs.frozen(kw_only=True)
class YesNoQuestion(Question):
    """A yes/no question."""

    type_name: ClassVar[str] = "yes_no"
    answer_type: ClassVar[type[Answer]] = YesNoAnswer

    def coerce(self, value: Any) -> YesNoAnswer:  # noqa: D102
        return YesNoAnswer(_strict(value, bool, "yes-no"))

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        yes = bool(getattr(answer, "value", False))
        return translate("answer.yes" if yes else "answer.no", locale)


@attrs.frozen(kw_only=True)
class NumberQuestion(Question):
    """A number, optionally whole (``integer``) and within ``min``..``max``."""

    type_name: ClassVar[str] = "number"
    answer_type: ClassVar[type[Answer]] = NumberAnswer

    min: float | None = None
    max: float | None = None
    integer: bool = False

    def check_definition(self) -> Iterator[Finding]:  # noqa: D102
        if self.min is not None and self.max is not None and self.min > self.max:
            yield Finding.error("question.number-range", "max", min=self.min, max=self.max)

    def check_value(self, answer: NumberAnswer) -> Iterator[Finding]:  # noqa: D102
        v = answer.value
        if isinstance(v, float) and not math.isfinite(v):
            yield Finding.error("response.out-of-range", "value", Message("response.not-finite"))
            return
        if self.integer and not (isinstance(v, int) or v.is_integer()):
            yield Finding.error(
                "response.wrong-type", "value", Message("response.not-whole", {"value": v})
            )
        low, high = self.min, self.max
        if (low is not None and v < low) or (high is not None and v > high):
            bounds = {
                "value": v,
                "min": "" if low is None else low,
                "max": "" if high is None else high,
            }
            yield Finding.error(
                "response.out-of-range", "value", Message("response.outside-range", bounds)
            )

    def coerce(self, value: Any) -> NumberAnswer:  # noqa: D102
        return NumberAnswer(_strict(value, (int, float), "number"))


@attrs.frozen(kw_only=True)
class DateQuestion(Question):
    """A calendar date."""

    type_name: ClassVar[str] = "date"
    answer_type: ClassVar[type[Answer]] = DateAnswer

    def coerce(self, value: Any) -> DateAnswer:  # noqa: D102
        if isinstance(value, str):
            try:
                return DateAnswer(pendulum.Date.fromisoformat(value))
            except ValueError:
                raise _expected("date", value) from None
        if isinstance(value, pendulum.Date):
            return DateAnswer(value)
        raise _expected("date", value)

    def answer_text(self, answer: Answer, locale: str = "da") -> str:  # noqa: D102
        value = getattr(answer, "value", None)
        return value.isoformat() if isinstance(value, pendulum.Date) else str(value)


# --------------------------------------------------------------------------- registry

_QUESTION_TYPES: Registry[type[Question]] = Registry("question-type", "musframework.question_types")


def register_question_type(cls: type[Question], *, replace: bool = False) -> type[Question]:
    """Register a question type (a ``Question`` subclass) under its ``type_name``.

    Usable as a class decorator. The type's ``answer_type`` must be an ``Answer`` subclass with
    the same ``type_name``. Registration takes effect immediately, also for loading data.
    """
    if not (isinstance(cls, type) and issubclass(cls, Question)) or not cls.type_name:
        raise RegistryError(Message("error.question-type.not-a-question", {"what": repr(cls)}))
    answer = cls.answer_type
    if not issubclass(answer, Answer) or answer.type_name != cls.type_name:
        raise RegistryError(
            Message(
                "error.question-type.answer-type",
                {"cls": cls.__name__, "type_name": cls.type_name},
            )
        )
    return _QUESTION_TYPES.register(cls.type_name, cls, replace=replace)


def unregister_question_type(type_name: str) -> type[Question]:
    """Remove a registered question type and return it."""
    return _QUESTION_TYPES.unregister(type_name)


def question_type(type_name: str) -> type[Question]:
    """The question class registered under ``type_name`` (raises ``RegistryError``)."""
    return _QUESTION_TYPES.get(type_name)


def question_type_names() -> list[str]:
    """The names of every registered question type, sorted."""
    return _QUESTION_TYPES.names()


def question_types() -> dict[str, type[Question]]:
    """Every registered question type by its type name, sorted by name (plugins included)."""
    return dict(_QUESTION_TYPES.items())


def question_type_generation() -> int:
    """A number that changes whenever a question type is registered or unregistered.

    Code that derives a table from :func:`question_types` (the converter does, per answer
    type) can keep it and rebuild it only when this number has changed.
    """
    return _QUESTION_TYPES.generation


for _builtin in (
    TextQuestion,
    ScaleQuestion,
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    YesNoQuestion,
    NumberQuestion,
    DateQuestion,
):
    register_question_type(_builtin)
