"""Questionnaires (preparation forms): :class:`Questionnaire` and :class:`Section`.

``Questionnaire.check()`` reports every problem in a definition and
``Questionnaire.check_response()`` every problem in a response; both return
:class:`~musframework.Finding` lists rather than raising, so an app can show them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from musframework.catalogue import Message, language_name
from musframework.errors import DataError, MusframeworkError, NotFoundError
from musframework.model.display import DisplayMixin
from musframework.model.findings import Finding, Severity, sorted_findings
from musframework.model.kinds import ConversationKind, Role
from musframework.model.questions import Answer, Question
from musframework.model.response import QuestionnaireRef, Response
from musframework.model.text import SUPPORTED_LANGUAGES, LocalizedText, optional_text, to_text

__all__ = ["Questionnaire", "Section"]

_BASE_CHECK_ANSWER = Question.check_answer


def _questions(values: Iterable[Question]) -> tuple[Question, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Section:
    """A part of the conversation and of its form.

    Attributes:
        id: Unique among the questionnaire's sections.
        title: The section's heading.
        minutes: Its time budget in the conversation (the agenda adds these up).
        guidance: Optional advice for the conversation itself (how to talk about it in the
            meeting).
        questions: The questions, in order.
        preparation: Optional advice for preparing this part, addressed to whoever fills in
            the form (kept apart from ``guidance``, which is for the meeting).
    """

    id: str
    title: LocalizedText = attrs.field(converter=to_text)
    minutes: int = 0
    guidance: LocalizedText | None = attrs.field(default=None, converter=optional_text)
    questions: tuple[Question, ...] = attrs.field(default=(), converter=_questions)
    preparation: LocalizedText | None = attrs.field(default=None, converter=optional_text)

    def questions_for(self, role: Role) -> tuple[Question, ...]:
        """The questions of this section asked of ``role``."""
        return tuple(q for q in self.questions if q.asks(role))


def _sections(values: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(values)


def _kinds(values: Iterable[ConversationKind | str]) -> frozenset[ConversationKind]:
    return frozenset(ConversationKind(v) for v in values)


def _languages(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Questionnaire(DisplayMixin):
    """A preparation form (MUS-skema): sections of questions with time budgets.

    Attributes:
        id: The questionnaire's id, such as ``"mus-standard"``.
        version: Its content version; a published version is frozen, a change is a new one.
        kinds: The conversation kinds it suits.
        title: Its title.
        intro: An optional introduction for the respondents.
        sections: The sections, in conversation order.
        languages: The languages every text must be complete in (Danish and English by default).
        duration_minutes: The length of the conversation the form is written for, in minutes
            (such as 60 or 45), or ``None`` when it does not say; :meth:`check` then compares
            the sections' minutes with it.
    """

    SCHEMA_VERSION = 1

    id: str
    version: str = "1"
    kinds: frozenset[ConversationKind] = attrs.field(
        default=frozenset({ConversationKind.MUS}), converter=_kinds
    )
    title: LocalizedText = attrs.field(converter=to_text)
    intro: LocalizedText | None = attrs.field(default=None, converter=optional_text)
    sections: tuple[Section, ...] = attrs.field(default=(), converter=_sections)
    languages: tuple[str, ...] = attrs.field(default=SUPPORTED_LANGUAGES, converter=_languages)
    duration_minutes: int | None = None

    # ------------------------------------------------------------------ navigation

    @property
    def ref(self) -> QuestionnaireRef:
        """This questionnaire's id and version."""
        return QuestionnaireRef(self.id, self.version)

    @property
    def total_minutes(self) -> int:
        """The sum of the sections' time budgets."""
        return sum(s.minutes for s in self.sections)

    def questions(self) -> Iterator[Question]:
        """Every question, in order."""
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question:
        """The question with ``question_id`` (raises :class:`NotFoundError`)."""
        question = self._index().get(question_id)
        if question is None:
            raise NotFoundError(
                Message("error.not-found.question", {"form": self.id, "id": question_id})
            )
        return question

    def questions_for(self, role: Role | str) -> list[Question]:
        """The questions asked of ``role``, in order."""
        role = Role(role)
        return [q for q in self.questions() if q.asks(role)]

    def questions_by_id(self) -> dict[str, Question]:
        """Every question by its id, in order (a new dict on each call)."""
        return self._index()

    def _index(self) -> dict[str, Question]:
        # Frozen and slotted, so no cached attribute; building the dict is cheap next to a check.
        return {q.id: q for q in self.questions()}

    def _paths(self) -> Iterator[tuple[str, Question]]:
        for si, section in enumerate(self.sections):
            for qi, question in enumerate(section.questions):
                yield f"sections[{si}].questions[{qi}]", question

    def visible_answers(self, answers: Mapping[str, Answer]) -> dict[str, Answer]:
        """The answers to questions that are shown, given the answers themselves.

        Questions are visited in order; a question whose condition is not met is hidden, and
        its answer does not count for later conditions (hiding cascades).
        """
        visible: dict[str, Answer] = {}
        for question in self.questions():
            if question.is_shown(visible) and question.id in answers:
                visible[question.id] = answers[question.id]
        return visible

    def prune(self, response: Response) -> Response:
        """Return ``response`` without answers to hidden questions."""
        return attrs.evolve(response, answers=self.visible_answers(response.answers))

    # ------------------------------------------------------------------ responses

    def new_response(
        self,
        role: Role | str,
        person: str,
        values: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Response:
        """Build a :class:`Response` from plain values, typed by each question.

        >>> from musframework import ScaleQuestion, Section
        >>> rating = ScaleQuestion(id="rating", text="Hvordan?")
        >>> q = Questionnaire(
        ...     id="demo", title="Demo", sections=[Section(id="s", title="S", questions=[rating])]
        ... )
        >>> q.new_response("employee", "p1", {"rating": 4}).answers["rating"]
        ScaleAnswer(value=4)

        Raises:
            DataError: listing every value that is unknown or has the wrong type.
        """
        index = self._index()
        answers: dict[str, Answer] = {}
        problems: list[Finding] = []
        for qid, value in (values or {}).items():
            path = f"answers.{qid}"
            question = index.get(qid)
            if question is None:
                problems.append(_unknown_question(path, qid))
                continue
            try:
                answers[qid] = value if isinstance(value, Answer) else question.coerce(value)
            except (TypeError, ValueError) as exc:
                problems.append(_invalid_answer(path, question, exc))
        if problems:
            raise DataError(Message("error.invalid-answers", {"ref": str(self.ref)}), problems)
        return Response(
            questionnaire=self.ref, role=Role(role), person=person, answers=answers, **fields
        )

    def check_response(self, response: Response) -> list[Finding]:
        """Every problem with ``response``, in a stable order.

        Codes: ``response.wrong-questionnaire``, ``response.unknown-question``,
        ``response.wrong-type``, ``response.out-of-range``, ``response.unknown-option``,
        ``response.too-long``, ``response.missing-required``, ``response.hidden-question-answered``,
        ``response.role-not-asked`` (plus any codes of custom question types).
        """
        findings: list[Finding] = []
        ref = response.questionnaire
        if ref.id != self.id or ref.version != self.version:
            findings.append(
                Finding.error(
                    "response.wrong-questionnaire",
                    "questionnaire",
                    answered=str(response.questionnaire),
                    expected=str(self.ref),
                )
            )
        answers = response.answers
        visible: dict[str, Answer] = {}
        role = response.role
        answered: set[str] = set()
        for section in self.sections:
            for question in section.questions:
                if self._check_one(question, role, answers, visible, findings):
                    answered.add(question.id)
        if len(answered) != len(answers):  # answers to no question (build the index only then)
            index = self._index()
            findings.extend(
                _unknown_question(f"answers.{qid}", qid) for qid in answers if qid not in index
            )
        return sorted_findings(findings) if findings else findings

    def _check_one(
        self,
        question: Question,
        role: Role,
        answers: Mapping[str, Answer],
        visible: dict[str, Answer],
        findings: list[Finding],
    ) -> bool:
        # Appends to ``findings`` rather than yielding (it runs once per question per response)
        # and says whether the question has an answer.
        qid = question.id
        answer = answers.get(qid)
        asked = question.asks(role)
        shown = question.is_shown(visible)
        if answer is None:
            if question.required and asked and shown:
                findings.append(
                    Finding.error(
                        "response.missing-required", f"answers.{qid}", question=question.text
                    )
                )
            return False
        path = f"answers.{qid}"
        if not asked:
            findings.append(
                Finding.error("response.role-not-asked", path, question=question.text, role=role)
            )
        elif not shown:
            findings.append(
                Finding.error("response.hidden-question-answered", path, question=question.text)
            )
        else:
            visible[qid] = answer
        if type(question).check_answer is _BASE_CHECK_ANSWER and isinstance(
            answer, question.answer_type
        ):
            problems: Iterable[Finding] = question.check_value(answer)  # what check_answer does
        else:
            problems = question.check_answer(answer)
        for finding in problems:
            findings.append(finding.with_path_prefix(path))
        return True

    # ------------------------------------------------------------------ definition

    def check(self) -> list[Finding]:
        """Every problem in this definition, in a stable order.

        Codes: ``questionnaire.duplicate-id``, ``questionnaire.duplicate-section-id``,
        ``questionnaire.empty-section``, ``questionnaire.no-sections``,
        ``questionnaire.condition-unknown-question``, ``questionnaire.condition-forward-reference``,
        ``questionnaire.condition-value``, ``questionnaire.minutes``,
        ``questionnaire.duration``, ``text.missing-language``, and each question type's own
        codes (``question.scale-range``, ``question.no-options`` …).

        When the form declares ``duration_minutes``, its sections' minutes must add up to it;
        the finding names every section with its minutes.
        """
        findings: list[Finding] = list(self._check_structure())
        findings.extend(self._check_minutes())
        findings.extend(self._check_texts())
        return sorted_findings(findings)

    def _check_minutes(self) -> Iterator[Finding]:
        planned = self.duration_minutes
        if planned is None:
            return
        if planned <= 0:
            yield Finding.error("questionnaire.duration", "duration_minutes", minutes=planned)
            return
        total = self.total_minutes
        if total != planned and self.sections:
            parts = ", ".join(f"{s.id} {s.minutes}" for s in self.sections)
            yield Finding.error(
                "questionnaire.minutes",
                "duration_minutes",
                total=total,
                planned=planned,
                sections=parts,
            )

    def _check_structure(self) -> Iterator[Finding]:
        if not self.sections:
            yield Finding.error("questionnaire.no-sections", "sections")
        section_ids: set[str] = set()
        seen: dict[str, str] = {}
        for si, section in enumerate(self.sections):
            spath = f"sections[{si}]"
            if section.id in section_ids:
                yield Finding.error(
                    "questionnaire.duplicate-section-id", f"{spath}.id", id=section.id
                )
            section_ids.add(section.id)
            if not section.questions:
                yield Finding.error(
                    "questionnaire.empty-section", f"{spath}.questions", section=section.title
                )
            for qi, question in enumerate(section.questions):
                qpath = f"{spath}.questions[{qi}]"
                yield from self._check_question(question, qpath, seen)
                seen.setdefault(question.id, qpath)

    def _check_question(
        self, question: Question, qpath: str, seen: dict[str, str]
    ) -> Iterator[Finding]:
        if question.id in seen:
            yield Finding.error(
                "questionnaire.duplicate-id", f"{qpath}.id", id=question.id, other=seen[question.id]
            )
        for finding in question.check_definition():
            yield finding.with_path_prefix(qpath)
        if question.condition is None:
            return
        all_ids = {q.id for q in self.questions()}
        for ci, comparison in enumerate(question.condition.comparisons):
            cpath = f"{qpath}.condition.comparisons[{ci}]"
            ref = comparison.question
            if ref not in all_ids:
                yield Finding.error(
                    "questionnaire.condition-unknown-question", f"{cpath}.question", id=ref
                )
            elif ref not in seen or ref == question.id:
                yield Finding.error(
                    "questionnaire.condition-forward-reference",
                    f"{cpath}.question",
                    question=self._index()[ref].text,
                )
            if comparison.operator.value == "in" and not isinstance(comparison.value, tuple):
                yield Finding.error("questionnaire.condition-value", f"{cpath}.value")

    def texts(self) -> Iterator[tuple[str, LocalizedText]]:
        """Every text of the form with its path (titles, intro, guidance, questions, options)."""
        yield "title", self.title
        if self.intro is not None:
            yield "intro", self.intro
        for si, section in enumerate(self.sections):
            yield f"sections[{si}].title", section.title
            if section.preparation is not None:
                yield f"sections[{si}].preparation", section.preparation
            if section.guidance is not None:
                yield f"sections[{si}].guidance", section.guidance
        for qpath, question in self._paths():
            for rel, text in question.texts():
                yield f"{qpath}.{rel}", text

    def _check_texts(self) -> Iterator[Finding]:
        for path, text in self.texts():
            for language in text.missing(self.languages):
                yield Finding.error("text.missing-language", path, language=language_name(language))

    def has_errors(self) -> bool:
        """Whether :meth:`check` reports any error."""
        return any(f.severity is Severity.ERROR for f in self.check())


def _unknown_question(path: str, qid: str) -> Finding:
    return Finding.error("response.unknown-question", path, id=qid)


def _invalid_answer(path: str, question: Question, exc: Exception) -> Finding:
    # The library's own errors carry a catalogue message; a plugin's coerce() its own words.
    detail = exc.message if isinstance(exc, MusframeworkError) else str(exc)
    return Finding.error("response.wrong-type", path, question=question.text, detail=detail)
