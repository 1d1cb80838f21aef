"""What a stored response of one version of a form keeps or loses under another version.

A response is keyed by question id and checked against its questionnaire (see
``Questionnaire.check_response``). Comparing two versions question by question says, for an
answer given to the old version, whether the new version still accepts it:

>>> from musframework import Option, Questionnaire, Section, SingleChoiceQuestion, YesNoQuestion
>>> def form(version, *questions):
...     return Questionnaire(id="f", version=version, title="F",
...                          sections=[Section(id="s", title="S", questions=questions)])
>>> pick = SingleChoiceQuestion(id="pick", text="P", options=[Option("a", "A"), Option("b", "B")])
>>> old = form("1", pick, YesNoQuestion(id="ok", text="O"))
>>> new = form("2", SingleChoiceQuestion(id="pick", text="P", options=[Option("a", "A")]))
>>> [(c.question, c.fate, c.reason) for c in compare_versions(old, new)]
[('pick', 'partly', 'options-removed'), ('ok', 'lost', 'removed')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import attrs

from musframework.catalogue import Message
from musframework.model import (
    MultipleChoiceQuestion,
    Question,
    Questionnaire,
    ScaleQuestion,
    SingleChoiceQuestion,
)

__all__ = ["Fate", "QuestionChange", "compare_versions"]

Fate = Literal["kept", "partly", "lost", "new"]
"""What happens to the old answers to a question: all kept, some kept, all lost, or none yet."""


@attrs.frozen
class QuestionChange:
    """How one question differs between two versions, seen from a stored old response.

    Attributes:
        question: The question id.
        fate: ``kept``, ``partly`` (some answers are no longer accepted), ``lost`` or ``new``.
        reason: Why: ``unchanged``, ``text-changed``, ``removed``, ``type-changed``,
            ``options-removed``, ``range-narrowed``, ``roles-removed``, ``added``,
            ``added-required``.
        message: The change in words (the catalogue's ``diff.<reason>``).
    """

    question: str
    fate: Fate
    reason: str
    message: Message


def _change(question: str, fate: Fate, reason: str, **params: object) -> QuestionChange:
    return QuestionChange(
        question, fate, reason, Message(f"diff.{reason}", {"id": question, **params})
    )


def compare_versions(old: Questionnaire, new: Questionnaire) -> list[QuestionChange]:
    """Every question of ``old`` (in its order), then the questions only ``new`` has."""
    after = new.questions_by_id()
    changes = [_compare(q, after.get(q.id)) for q in old.questions()]
    before = old.questions_by_id()
    for question in new.questions():
        if question.id not in before:
            reason = "added-required" if question.required else "added"
            changes.append(_change(question.id, "new", reason))
    return changes


def _compare(old: Question, new: Question | None) -> QuestionChange:
    if new is None:
        return _change(old.id, "lost", "removed")
    if old.type_name != new.type_name:
        return _change(old.id, "lost", "type-changed", old=old.type_name, new=new.type_name)
    for change in _narrowed(old, new):
        return change
    gone = old.answered_by - new.answered_by
    if gone:
        roles = ", ".join(sorted(r.value for r in gone))
        return _change(old.id, "partly", "roles-removed", roles=roles)
    if old.text != new.text:
        return _change(old.id, "kept", "text-changed")
    return _change(old.id, "kept", "unchanged")


def _narrowed(old: Question, new: Question) -> Iterator[QuestionChange]:
    if isinstance(old, SingleChoiceQuestion | MultipleChoiceQuestion) and isinstance(
        new, SingleChoiceQuestion | MultipleChoiceQuestion
    ):
        removed = [c for c in old.codes if c not in new.codes]
        if removed:
            yield _change(old.id, "partly", "options-removed", codes=", ".join(removed))
    if not (isinstance(old, ScaleQuestion) and isinstance(new, ScaleQuestion)):
        return
    if new.min > old.min or new.max < old.max:
        yield _change(
            old.id,
            "partly",
            "range-narrowed",
            min=new.min,
            max=new.max,
            old_min=old.min,
            old_max=old.max,
        )
