"""Conditions as data: show a question only when earlier answers meet them.

A :class:`Condition` combines :class:`Comparison` objects with ``all`` or ``any``. Conditions are
plain data (question id, operator, value), so they serialise, can be checked statically and
translate to other form engines (SurveyJS ``visibleIf``) without running code.

How an answer compares:

* a missing answer (unanswered, or its question is hidden) never meets a comparison, so hiding
  cascades to every question that depends on a hidden one;
* ``equals``: the answer's value equals ``value``; for a multiple-choice answer, ``value`` is
  one of the selected codes;
* ``in``: ``value`` is a list and the answer's value is in it; for a multiple-choice answer, any
  selected code is in it;
* ``greater`` / ``less``: numeric answers (scale, number) compared with a number, and date
  answers compared with an ISO date string.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

if TYPE_CHECKING:
    from musframework.model.questions import Answer

__all__ = ["Comparison", "Condition", "ConditionValue", "Match", "Operator"]

Scalar: TypeAlias = str | int | float | bool
ConditionValue: TypeAlias = Scalar | tuple[Scalar, ...]
"""A value a condition compares with: a scalar, or a tuple of scalars for ``in``."""


class Operator(enum.Enum):
    """How a :class:`Comparison` compares an answer with its value."""

    EQUALS = "equals"
    IN = "in"
    GREATER = "greater"
    LESS = "less"


class Match(enum.Enum):
    """Whether all or any of a condition's comparisons must hold."""

    ALL = "all"
    ANY = "any"


def _freeze_value(value: Any) -> Any:
    # Lists from JSON/TOML become tuples so conditions stay immutable and comparable.
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class Comparison:
    """One test of an earlier answer: ``question`` ``operator`` ``value``."""

    question: str
    operator: Operator = attrs.field(converter=Operator)
    value: ConditionValue = attrs.field(converter=_freeze_value)

    def is_met(self, answers: Mapping[str, Answer]) -> bool:
        """Whether the answer to :attr:`question` meets this comparison."""
        answer = answers.get(self.question)
        if answer is None:
            return False
        return _compare(answer.comparable, self.operator, self.value)


def _equal(actual: Any, expected: Any) -> bool:
    # True == 1 in Python; a yes/no answer must not match the number 1 or vice versa.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def _compare(actual: Any, op: Operator, expected: Any) -> bool:
    if isinstance(actual, tuple):  # multiple choice: a set of codes
        if op is Operator.EQUALS:
            return expected in actual
        if op is Operator.IN:
            return isinstance(expected, tuple) and any(code in expected for code in actual)
        return False
    if op is Operator.EQUALS:
        return _equal(actual, expected)
    if op is Operator.IN:
        return isinstance(expected, tuple) and any(_equal(actual, e) for e in expected)
    if isinstance(actual, bool) or isinstance(expected, bool):
        return False
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return actual > expected if op is Operator.GREATER else actual < expected
    if isinstance(actual, str) and isinstance(expected, str):
        return actual > expected if op is Operator.GREATER else actual < expected
    return False


def _comparisons(values: Iterable[Comparison]) -> tuple[Comparison, ...]:
    return tuple(values)


@attrs.frozen
class Condition:
    """When a question is shown: ``all`` or ``any`` of its comparisons hold.

    >>> Condition.when("q1", "greater", 3)
    Condition(comparisons=(Comparison(question='q1', operator=<Operator.GREATER: 'greater'>, value=3),), match=<Match.ALL: 'all'>)
    """  # noqa: E501

    comparisons: tuple[Comparison, ...] = attrs.field(converter=_comparisons)
    match: Match = attrs.field(default=Match.ALL, converter=Match)

    @classmethod
    def when(cls, question: str, operator: Operator | str, value: ConditionValue) -> Condition:
        """A condition of one comparison."""
        return cls((Comparison(question, Operator(operator), value),))

    @classmethod
    def all_of(cls, *comparisons: Comparison) -> Condition:
        """A condition that holds when every comparison holds."""
        return cls(comparisons, Match.ALL)

    @classmethod
    def any_of(cls, *comparisons: Comparison) -> Condition:
        """A condition that holds when at least one comparison holds."""
        return cls(comparisons, Match.ANY)

    def is_met(self, answers: Mapping[str, Answer]) -> bool:
        """Whether ``answers`` (visible answers only) meet this condition."""
        results = (c.is_met(answers) for c in self.comparisons)
        return all(results) if self.match is Match.ALL else any(results)

    @property
    def question_ids(self) -> tuple[str, ...]:
        """The ids of the questions this condition depends on."""
        return tuple(c.question for c in self.comparisons)
