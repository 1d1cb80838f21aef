"""Scores of scored forms: what the scale values and the options' weights add up to.

A question is *scored* when it is a scale question (its points are the value answered) or a
choice question with weights on its options (its points are the chosen option's weight; for a
multiple choice, the sum of the chosen options' weights; an option without a weight counts 0).

For a response, a section's :class:`Score` adds up the points of the scored questions that are
**shown, asked of the respondent's role and answered**, together with the lowest and highest
points those same questions allow. So:

- an unanswered question does not count (neither its points nor its range): the score is
  over what was answered, and ``unanswered`` says how many were left open;
- a question hidden by its condition, or not asked of the role, is left out altogether (an
  answer to it is ignored, as :meth:`musframework.Questionnaire.prune` would drop it).

``percent`` puts the points on 0-100 between the lowest and the highest possible:
``100 * (points - lowest) / (highest - lowest)``, so scales of different lengths and weighted
choices can be added up and compared; ``mean`` is the points per answered question (on a
1-5 scale, the mean rating). The form's score is the same sum over every section.

>>> from musframework import Questionnaire, ScaleQuestion, Section
>>> form = Questionnaire(id="f", title="F", sections=[Section(id="s", title="S", questions=[
...     ScaleQuestion(id="a", text="A"), ScaleQuestion(id="b", text="B")])])
>>> score = score_response(form, form.new_response("employee", "ane", {"a": 4, "b": 5}))
>>> score.total.points, score.total.lowest, score.total.highest, score.total.percent
(9.0, 2.0, 10.0, 87.5)
>>> score.section("s").mean
4.5
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from musframework.model.kinds import Role
from musframework.model.questionnaire import Questionnaire
from musframework.model.questions import (
    Answer,
    ChoiceAnswer,
    MultipleChoiceAnswer,
    MultipleChoiceQuestion,
    Question,
    ScaleAnswer,
    ScaleQuestion,
    SingleChoiceQuestion,
)
from musframework.model.response import QuestionnaireRef, Response

__all__ = [
    "FormScore",
    "Score",
    "ScoreComparison",
    "SectionScore",
    "compare_scores",
    "is_scored",
    "points_range",
    "question_points",
    "score_response",
]


@attrs.frozen(kw_only=True)
class Score:
    """Points of the answered scored questions of a section or a form.

    Attributes:
        points: The sum of their points.
        lowest: The lowest sum those questions allow.
        highest: The highest sum those questions allow.
        answered: How many scored questions were answered (shown and asked).
        unanswered: How many scored questions were shown and asked but left open.
    """

    points: float = 0.0
    lowest: float = 0.0
    highest: float = 0.0
    answered: int = 0
    unanswered: int = 0

    @property
    def percent(self) -> float | None:
        """``points`` on 0-100 between ``lowest`` and ``highest``; ``None`` when none answered."""
        if self.answered == 0 or self.highest <= self.lowest:
            return None
        return 100.0 * (self.points - self.lowest) / (self.highest - self.lowest)

    @property
    def mean(self) -> float | None:
        """The points per answered question; ``None`` when none was answered."""
        return None if self.answered == 0 else self.points / self.answered

    def __add__(self, other: Score) -> Score:
        return Score(
            points=self.points + other.points,
            lowest=self.lowest + other.lowest,
            highest=self.highest + other.highest,
            answered=self.answered + other.answered,
            unanswered=self.unanswered + other.unanswered,
        )


@attrs.frozen(kw_only=True)
class SectionScore:
    """The score of one section (``scored`` is false when it has no scored question)."""

    section: str
    score: Score
    scored: bool


@attrs.frozen(kw_only=True)
class FormScore:
    """A response's scores: per section, in order, and for the whole form.

    Attributes:
        questionnaire: The form the response answers.
        role: The respondent's role.
        person: The respondent.
        sections: Every section's score (sections without scored questions included, with
            ``scored`` false).
        total: The sum over every section.
    """

    questionnaire: QuestionnaireRef
    role: Role
    person: str
    sections: tuple[SectionScore, ...]
    total: Score

    def section(self, section_id: str) -> Score:
        """The score of section ``section_id`` (an empty score when the form has no such one)."""
        return next((s.score for s in self.sections if s.section == section_id), Score())


def _weights(question: SingleChoiceQuestion | MultipleChoiceQuestion) -> list[float]:
    return [o.weight or 0.0 for o in question.options]


def is_scored(question: Question) -> bool:
    """Whether ``question`` gives points: a scale, or a choice with weights on its options."""
    if isinstance(question, ScaleQuestion):
        return True
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return any(o.weight is not None for o in question.options)
    return False


def points_range(question: Question) -> tuple[float, float] | None:
    """The lowest and highest points ``question`` allows, or ``None`` when it is not scored.

    A multiple choice allows from the sum of its negative weights to the sum of its positive
    ones (at most ``max_selected`` of each, when set).
    """
    if not is_scored(question):
        return None
    if isinstance(question, ScaleQuestion):
        return float(question.min), float(question.max)
    if not isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return None
    weights = _weights(question)
    if isinstance(question, SingleChoiceQuestion):
        return min(weights), max(weights)
    most = question.max_selected if question.max_selected is not None else len(weights)
    positive = sorted((w for w in weights if w > 0), reverse=True)[:most]
    negative = sorted(w for w in weights if w < 0)[:most]
    return float(sum(negative)), float(sum(positive))


def question_points(question: Question, answer: Answer) -> float | None:
    """The points ``answer`` gives ``question``; ``None`` when it is not scored or does not fit."""
    if not is_scored(question):
        return None
    if isinstance(question, ScaleQuestion):
        return float(answer.value) if isinstance(answer, ScaleAnswer) else None
    if not isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return None
    weight = {o.code: o.weight or 0.0 for o in question.options}
    if isinstance(question, SingleChoiceQuestion):
        if not isinstance(answer, ChoiceAnswer) or answer.value not in weight:
            return None
        return float(weight[answer.value])
    if not isinstance(answer, MultipleChoiceAnswer):
        return None
    return float(sum(weight.get(code, 0.0) for code in set(answer.value)))


def _section_scores(questionnaire: Questionnaire, response: Response) -> Iterator[SectionScore]:
    visible: dict[str, Answer] = {}
    role = response.role
    for section in questionnaire.sections:
        score, scored = Score(), False
        for question in section.questions:
            shown = question.is_shown(visible)
            answer = response.answers.get(question.id)
            if shown and answer is not None:
                visible[question.id] = answer
            limits = points_range(question)
            if limits is None:
                continue
            scored = True
            if not (shown and question.asks(role)):
                continue
            points = None if answer is None else question_points(question, answer)
            if points is None:
                score += Score(unanswered=1)
            else:
                score += Score(points=points, lowest=limits[0], highest=limits[1], answered=1)
        yield SectionScore(section=section.id, score=score, scored=scored)


def score_response(questionnaire: Questionnaire, response: Response) -> FormScore:
    """Every section's score and the form's, for ``response`` (see the module for the formula)."""
    sections = tuple(_section_scores(questionnaire, response))
    total = sum((s.score for s in sections), Score())
    return FormScore(
        questionnaire=response.questionnaire,
        role=response.role,
        person=response.person,
        sections=sections,
        total=total,
    )


@attrs.frozen(kw_only=True)
class ScoreComparison:
    """The employee's own score beside the leader's, for one section or the whole form.

    Attributes:
        section: The section id, or ``None`` for the whole form.
        own: The employee's (self) score.
        leader: The leader's score.
    """

    section: str | None
    own: Score
    leader: Score

    @property
    def gap(self) -> float | None:
        """``own.percent - leader.percent``: positive when the employee scores higher.

        ``None`` when either has no answered scored question.
        """
        a, b = self.own.percent, self.leader.percent
        return None if a is None or b is None else a - b


def compare_scores(
    questionnaire: Questionnaire, own: Response, leader: Response
) -> tuple[ScoreComparison, ...]:
    """Self and leader side by side: every scored section in order, then the whole form."""
    mine, theirs = score_response(questionnaire, own), score_response(questionnaire, leader)
    rows = [
        ScoreComparison(section=a.section, own=a.score, leader=b.score)
        for a, b in zip(mine.sections, theirs.sections, strict=True)
        if a.scored
    ]
    rows.append(ScoreComparison(section=None, own=mine.total, leader=theirs.total))
    return tuple(rows)
