"""One respondent's answers to one questionnaire version: :class:`Response`."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pendulum

from musframework.model.display import DisplayMixin
from musframework.model.kinds import Role
from musframework.model.questions import Answer

__all__ = ["QuestionnaireRef", "Response"]


@attrs.frozen(order=True)
class QuestionnaireRef:
    """A questionnaire's id and version: what a response or conversation answers to."""

    id: str
    version: str

    def __str__(self) -> str:
        return f"{self.id}@{self.version}"


def _answers(value: Mapping[str, Answer]) -> dict[str, Answer]:
    return dict(value)


@attrs.frozen(kw_only=True)
class Response(DisplayMixin):
    """One respondent's answers, keyed by question id.

    Build one with :meth:`Questionnaire.new_response` to have plain values (``4``, ``"text"``)
    turned into the right answer types, and check it with
    ``Questionnaire.check_response()``.

    Attributes:
        questionnaire: The id and version answered; a response keeps the version it answered.
        role: The respondent's role.
        person: The respondent's person id.
        answers: Question id -> answer.
        submitted_at: When it was submitted, if it has been.
        shared: Whether its author has shared it with the other party.
    """

    SCHEMA_VERSION = 1

    questionnaire: QuestionnaireRef
    role: Role = attrs.field(converter=Role)
    person: str
    answers: dict[str, Answer] = attrs.field(factory=dict, converter=_answers)
    submitted_at: pendulum.DateTime | None = None
    shared: bool = False

    def with_answer(self, question_id: str, answer: Answer) -> Response:
        """Return a copy with ``answer`` set for ``question_id``."""
        return attrs.evolve(self, answers={**self.answers, question_id: answer})

    def without_answer(self, question_id: str) -> Response:
        """Return a copy without an answer for ``question_id``."""
        return attrs.evolve(
            self, answers={k: v for k, v in self.answers.items() if k != question_id}
        )

    def value(self, question_id: str) -> object:
        """The plain value answered to ``question_id``, or ``None``."""
        answer = self.answers.get(question_id)
        return None if answer is None else answer.comparable

    def shared_with_other_party(self, shared: bool = True) -> Response:
        """Return a copy marked as shared (or not) by its author."""
        return attrs.evolve(self, shared=shared)
