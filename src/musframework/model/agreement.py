"""Agreements (aftaler): what was agreed, who owns it, by when, and what happened since."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import ClassVar

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import DataError
from musframework.model.findings import Finding

__all__ = ["Agreement", "AgreementKind", "AgreementStatus", "LearningMethod", "StatusChange"]


class AgreementStatus(enum.Enum):
    """Where an agreement stands. "Overdue" is not a status: it is derived from a date.

    Named groups (frozensets on the class, not members): ``OPEN_OR_IN_PROGRESS`` (still to
    do: an "open" agreement) and ``DONE_OR_CANCELLED`` (closed).
    """

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    OPEN_OR_IN_PROGRESS: ClassVar[frozenset[AgreementStatus]]
    """Open or in progress: something is still to be done (the agreement "is open")."""
    DONE_OR_CANCELLED: ClassVar[frozenset[AgreementStatus]]
    """Done or cancelled: nothing more to do and nothing to carry over."""

    @property
    def is_closed(self) -> bool:
        """Done or cancelled: nothing more to do and nothing to carry over."""
        return self in AgreementStatus.DONE_OR_CANCELLED


AgreementStatus.OPEN_OR_IN_PROGRESS = frozenset({AgreementStatus.OPEN, AgreementStatus.IN_PROGRESS})
AgreementStatus.DONE_OR_CANCELLED = frozenset({AgreementStatus.DONE, AgreementStatus.CANCELLED})


class AgreementKind(enum.Enum):
    """What sort of agreement it is."""

    GOAL = "goal"
    DEVELOPMENT_ACTIVITY = "development_activity"
    TASK_CHANGE = "task_change"
    OTHER = "other"


class LearningMethod(enum.Enum):
    """How the learning happens; broad on purpose, not only courses (seeds 002 §3.3, 003 §4)."""

    COURSE = "course"
    ON_THE_JOB_TRAINING = "on_the_job_training"  # sidemandsoplæring
    MENTORING = "mentoring"
    JOB_ROTATION = "job_rotation"
    NEW_TASKS = "new_tasks"
    TEACHING_OTHERS = "teaching_others"
    NETWORK = "network"
    SELF_STUDY = "self_study"
    FORMAL_EDUCATION = "formal_education"
    OTHER = "other"

    @classmethod
    def from_code(cls, code: LearningMethod | str) -> LearningMethod:
        """The learning method an option code of a form stands for.

        The built-in forms' learning-method options use the values as their codes, so an
        employee's choice becomes an agreement's method in one call, whatever the form's
        language::

            answer = response.answers["learning_methods"]  # ("mentoring", "course")
            Agreement(..., learning_method=LearningMethod.from_code(answer.value[0]))

        The codes of the built-in forms' version 1 (``on_the_job``, ``teaching``,
        ``education``, ``knowledge_sharing``) are understood too, so responses to those forms
        stay usable. A custom form gets the same by using the values as its codes.

        >>> LearningMethod.from_code("on_the_job_training")
        <LearningMethod.ON_THE_JOB_TRAINING: 'on_the_job_training'>
        >>> LearningMethod.from_code("on_the_job")
        <LearningMethod.ON_THE_JOB_TRAINING: 'on_the_job_training'>

        Raises:
            DataError: when ``code`` stands for no learning method, listing those that do.
        """
        if isinstance(code, LearningMethod):
            return code
        method = _CODES.get(code) if isinstance(code, str) else None
        if method is None:
            known = ", ".join(m.value for m in cls)
            raise DataError(
                Message("error.unknown-learning-method", {"code": code}),
                [
                    Finding.error(
                        "agreement.unknown-learning-method",
                        "learning_method",
                        code=code,
                        known=known,
                    )
                ],
            )
        return method


_CODES: dict[str, LearningMethod] = {m.value: m for m in LearningMethod} | {
    # Version 1 of the built-in forms (mus-standard, mus-core-task, lus, grus) had codes of
    # their own; version 2 uses the values. "Videndeling i gruppen" (GRUS) is colleagues
    # teaching each other.
    "on_the_job": LearningMethod.ON_THE_JOB_TRAINING,
    "teaching": LearningMethod.TEACHING_OTHERS,
    "education": LearningMethod.FORMAL_EDUCATION,
    "knowledge_sharing": LearningMethod.TEACHING_OTHERS,
}


@attrs.frozen(kw_only=True)
class StatusChange:
    """One entry in an agreement's history: who set which status when, and why."""

    status: AgreementStatus = attrs.field(converter=AgreementStatus)
    by: str
    at: pendulum.DateTime
    note: str = ""


def _method(value: LearningMethod | str | None) -> LearningMethod | None:
    return None if value is None else LearningMethod(value)


def _changes(values: Iterable[StatusChange]) -> tuple[StatusChange, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Agreement:
    """An agreement (aftale) from a conversation.

    Attributes:
        id: Unique within the conversation (and stable when carried over: see ``continues``).
        description: What was agreed.
        owner: The person id of the participant who owns it.
        deadline: When it is due.
        status: Where it stands now.
        kind: Goal, development activity, task change or other.
        learning_method: How the learning happens, for development activities.
        history: Every status change, oldest first.
        continues: The id of the agreement in an earlier conversation this one carries over.
    """

    id: str
    description: str
    owner: str | None = None
    deadline: pendulum.Date | None = None
    status: AgreementStatus = attrs.field(default=AgreementStatus.OPEN, converter=AgreementStatus)
    kind: AgreementKind = attrs.field(default=AgreementKind.OTHER, converter=AgreementKind)
    learning_method: LearningMethod | None = attrs.field(default=None, converter=_method)
    history: tuple[StatusChange, ...] = attrs.field(default=(), converter=_changes)
    continues: str | None = None

    @property
    def is_open(self) -> bool:
        """Not done and not cancelled."""
        return not self.status.is_closed

    def is_overdue(self, on: pendulum.Date) -> bool:
        """Open and past its deadline on the day ``on`` (the deadline is before ``on``).

        Whether the agreement counts at all (its conversation held, not carried over since)
        is a fact of the round: see :func:`musframework.model.round.counted_agreements`.
        """
        return self.is_open and self.deadline is not None and self.deadline < on

    def is_due_within(self, on: pendulum.Date, days: int) -> bool:
        """Open, not overdue, and due from ``on`` to ``days`` days after it (both included)."""
        return (
            self.is_open and self.deadline is not None and on <= self.deadline <= on.add(days=days)
        )

    def with_status(
        self, status: AgreementStatus | str, *, by: str, at: pendulum.DateTime, note: str = ""
    ) -> Agreement:
        """Return a copy with a new status, recorded in the history with actor and time."""
        change = StatusChange(status=AgreementStatus(status), by=by, at=at, note=note)
        return attrs.evolve(self, status=change.status, history=(*self.history, change))

    def signed_content(self) -> tuple[object, ...]:
        """The fields a signature covers (not status or history, which change by design)."""
        return (
            self.id,
            self.description,
            self.owner,
            None if self.deadline is None else self.deadline.isoformat(),
            self.kind.value,
            None if self.learning_method is None else self.learning_method.value,
            self.continues,
        )
