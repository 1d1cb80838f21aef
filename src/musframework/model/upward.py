"""Upward feedback: the staff's anonymous answers about their leader, before the leader's LUS.

* :class:`UpwardFeedback`: the one stored document per round and leader. It keeps *who* has
  answered (so nobody answers twice) apart from *what* was answered: the answers carry no
  person, no time, and no order that follows the order of arrival (see below).
* :func:`summarise_upward_feedback`: the aggregate the leader and their own leader see, under
  the round's minimum group size (:mod:`musframework.model.anonymity`), or the reason why
  there is none.

**How answers lose their link to the respondent.** An answer set first waits in
:attr:`UpwardFeedback.pending`; when ``minimum`` sets are waiting, they are sealed together into
:attr:`UpwardFeedback.answers` as one batch, in an order given by their content (not by who
came first). The summary counts only sealed batches, so it moves in steps of ``minimum``
people, as every aggregate of answers does. The services save the document as the actor
``"anonymous"``, so the audit log does not say who wrote which revision either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import attrs

from musframework.model.anonymity import (
    MINIMUM_GROUP_SIZE,
    Suppressed,
    SuppressionReason,
    check_minimum_group_size,
)
from musframework.model.questionnaire import Questionnaire
from musframework.model.questions import (
    Answer,
    ChoiceAnswer,
    MultipleChoiceAnswer,
    NumberAnswer,
    ScaleAnswer,
    ScaleQuestion,
    YesNoAnswer,
)
from musframework.model.response import QuestionnaireRef
from musframework.model.text import LocalizedText

__all__ = [
    "ANONYMOUS_ACTOR",
    "UPWARD_FEEDBACK_FORM",
    "UpwardFeedback",
    "UpwardQuestion",
    "UpwardSummary",
    "summarise_upward_feedback",
]

UPWARD_FEEDBACK_FORM = "upward-feedback"
"""The id of the built-in upward feedback questionnaire."""

ANONYMOUS_ACTOR = "anonymous"
"""The actor the audit log records for a saved answer set (never the respondent)."""


def _canonical(answers: Mapping[str, Answer]) -> str:
    return repr(sorted((k, type(v).__name__, repr(v.comparable)) for k, v in answers.items()))


def _answer_sets(values: Iterable[Mapping[str, Answer]]) -> tuple[dict[str, Answer], ...]:
    return tuple(dict(v) for v in values)


def _sorted_ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def _feedback_id(feedback: UpwardFeedback) -> str:
    digest = hashlib.sha256(f"{feedback.cycle}\x1f{feedback.leader}".encode()).hexdigest()
    return f"upward.{digest[:24]}"


@attrs.frozen(kw_only=True)
class UpwardFeedback:
    """The anonymous upward feedback about one leader in one round.

    Attributes:
        cycle: The round's id.
        leader: The person id of the leader the feedback is about.
        questionnaire: The form answered.
        minimum: The batch size: the round's minimum group size when the first answer came.
        respondents: Who has answered, sorted (so nobody answers twice); never whose answers
            are which.
        answers: The sealed answer sets, in batches of ``minimum``, each batch in an order
            given by the answers' content.
        pending: Answer sets waiting for the batch to fill (never counted, never shown).
        id: The stored document's id: a digest of the round and the leader.
    """

    SCHEMA_VERSION = 1

    cycle: str
    leader: str
    questionnaire: QuestionnaireRef
    minimum: int = attrs.field(default=MINIMUM_GROUP_SIZE)
    respondents: tuple[str, ...] = attrs.field(default=(), converter=_sorted_ids)
    answers: tuple[dict[str, Answer], ...] = attrs.field(default=(), converter=_answer_sets)
    pending: tuple[dict[str, Answer], ...] = attrs.field(default=(), converter=_answer_sets)
    id: str = attrs.field(
        default=attrs.Factory(_feedback_id, takes_self=True), eq=False, repr=False
    )

    @minimum.validator
    def _check_minimum(self, attribute: attrs.Attribute[int], value: int) -> None:
        check_minimum_group_size(value)

    def has_answered(self, person: str) -> bool:
        """Whether ``person`` has given their feedback already."""
        return person in self.respondents

    def with_answers(self, person: str, answers: Mapping[str, Answer]) -> UpwardFeedback:
        """A copy with ``person``'s answers added anonymously (sealed once a batch is full)."""
        pending = sorted([*self.pending, dict(answers)], key=_canonical)
        sealed = self.answers
        if len(pending) >= self.minimum:
            sealed = (*sealed, *pending)
            pending = []
        return attrs.evolve(
            self, respondents=(*self.respondents, person), answers=sealed, pending=pending
        )


@attrs.frozen(kw_only=True)
class UpwardQuestion:
    """The aggregate of one question.

    Attributes:
        question: The question id.
        text: The question text.
        respondents: How many answered it (of the sealed answers).
        mean: The mean, for scale and number questions.
        counts: ``(answer code, count)`` for every possible answer of a scale question, or for
            every answer given otherwise.
    """

    question: str
    text: LocalizedText
    respondents: int
    mean: float | None
    counts: tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class UpwardSummary:
    """What the leader (and their own leader, and HR) may see of the upward feedback.

    Attributes:
        cycle: The round's id.
        leader: The leader it is about.
        staff: How many people were asked (the leader's staff).
        answered: How many have answered so far.
        counted: How many answers the figures count (whole batches of ``minimum``).
        minimum: The minimum group size.
        questions: One aggregate per question; empty when suppressed.
        suppressed: Why there are no figures (fewer than ``minimum`` answers, or a staff
            smaller than ``minimum``), else ``None``.
    """

    cycle: str
    leader: str
    staff: int
    answered: int
    counted: int
    minimum: int
    questions: tuple[UpwardQuestion, ...] = ()
    suppressed: Suppressed | None = None


def summarise_upward_feedback(
    feedback: UpwardFeedback | None,
    questionnaire: Questionnaire,
    *,
    cycle: str,
    leader: str,
    staff: int,
    minimum: int = MINIMUM_GROUP_SIZE,
) -> UpwardSummary:
    """The aggregate of ``feedback`` under the minimum group size, or why there is none.

    A staff smaller than ``minimum`` never gets figures (reason
    :attr:`~musframework.model.anonymity.SuppressionReason.POOLED`: the group can never
    reach the minimum); otherwise only sealed batches count, and with
    none sealed yet the summary is suppressed as a small group. Free-text answers are never
    counted, and a question that some of the counted people skipped is left out (its group
    would not grow in whole batches).
    """
    step = check_minimum_group_size(minimum)
    answered = len(feedback.respondents) if feedback is not None else 0
    sealed = feedback.answers if feedback is not None else ()

    def summary(
        counted: int = 0,
        questions: tuple[UpwardQuestion, ...] = (),
        suppressed: Suppressed | None = None,
    ) -> UpwardSummary:
        return UpwardSummary(
            cycle=cycle,
            leader=leader,
            staff=staff,
            answered=answered,
            counted=counted,
            minimum=step,
            questions=questions,
            suppressed=suppressed,
        )

    if staff < step:
        return summary(suppressed=Suppressed(step, SuppressionReason.POOLED))
    if len(sealed) < step:
        return summary(suppressed=Suppressed(step))
    questions = []
    for question in questionnaire.questions():
        given = [a[question.id] for a in sealed if question.id in a]
        numbers = [float(a.value) for a in given if isinstance(a, ScaleAnswer | NumberAnswer)]
        counts: dict[str, int] = {}
        if isinstance(question, ScaleQuestion):
            counts = {str(v): 0 for v in range(question.min, question.max + 1)}
        for a in given:
            if isinstance(a, ScaleAnswer | ChoiceAnswer):
                counts[str(a.value)] = counts.get(str(a.value), 0) + 1
            elif isinstance(a, YesNoAnswer):
                key = "yes" if a.value else "no"
                counts[key] = counts.get(key, 0) + 1
            elif isinstance(a, MultipleChoiceAnswer):
                for code in a.value:
                    counts[code] = counts.get(code, 0) + 1
        if not counts and not numbers:
            continue  # free text (and dates): never aggregated
        if len(given) < len(sealed):
            continue  # skipped by some: its group would not move in whole batches
        questions.append(
            UpwardQuestion(
                question=question.id,
                text=question.text,
                respondents=len(given),
                mean=sum(numbers) / len(numbers) if numbers else None,
                counts=tuple(counts.items()),
            )
        )
    return summary(counted=len(sealed), questions=tuple(questions))
