"""Rounds (cyklus / runde): all conversations of one kind in one period for an organisation."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import InvalidValueError
from musframework.model.anonymity import MINIMUM_GROUP_SIZE, check_minimum_group_size
from musframework.model.display import DisplayMixin
from musframework.model.goals import Goal
from musframework.model.kinds import ConversationKind
from musframework.model.people import unique_ids
from musframework.model.response import QuestionnaireRef

__all__ = [
    "Cycle",
    "CycleSettings",
    "MusRequest",
    "Period",
    "RoundForm",
    "RoundStep",
    "RoundStepKind",
]


def _check_period(
    instance: Period, attribute: attrs.Attribute[pendulum.Date], end: pendulum.Date
) -> None:
    if end < instance.start:
        raise InvalidValueError(
            Message("error.period-ends-before-start", {"end": end, "start": instance.start})
        )


@attrs.frozen
class Period:
    """A date range, both ends included."""

    start: pendulum.Date
    end: pendulum.Date = attrs.field(validator=_check_period)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, pendulum.Date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """The number of days in the period, both ends included."""
        return (self.end - self.start).in_days() + 1


@attrs.frozen(kw_only=True)
class CycleSettings:
    """How a round is run; the defaults follow the sources (seed 002).

    Attributes:
        conversation_minutes: Planned length of a conversation (60, or 45 for the core-task form).
        invitation_lead_days: Days between invitation and conversation (7-14 recommended).
        follow_up_months: Months from conversation to follow-up (3 or 6).
        next_conversation_months: Months to the next conversation (12).
        grus_before_mus: Hold each unit's GRUS before its MUS conversations.
        include_lus: Plan a LUS for every leader with their own leader; the leaders of the
            units in scope are then in the round's scope too.
        grus_replaces_mus: The ids of the units where a GRUS replaces the individual MUS:
            a member of one of these units is covered by a GRUS they take part in (and is
            not planned a MUS). Elsewhere a GRUS prepares the MUS and covers nobody.
        timezone: The named time zone conversations are scheduled in.
        minimum_group_size: The fewest people whose answers a figure may show (default 5,
            never below 3; see :mod:`musframework.model.anonymity`).
        place: Where the round's conversations are held unless planning is given a place
            per conversation (``plan_round(place=...)``); empty for "not decided yet".
        coverage_mandatory: Whether everyone in scope must have their conversation (the
            Danish state: mandatory; elsewhere in the public sector a right). A person with
            no conversation, or only cancelled ones, is then an error of the rule
            ``coverage.missing-conversation`` instead of a warning.
    """

    conversation_minutes: int = 60
    invitation_lead_days: int = 14
    follow_up_months: int = 6
    next_conversation_months: int = 12
    grus_before_mus: bool = False
    include_lus: bool = True
    grus_replaces_mus: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    timezone: str = "Europe/Copenhagen"
    minimum_group_size: int = attrs.field(default=MINIMUM_GROUP_SIZE)

    @minimum_group_size.validator
    def _check_minimum(self, attribute: attrs.Attribute[int], value: int) -> None:
        check_minimum_group_size(value)

    place: str = ""
    coverage_mandatory: bool = False


@attrs.frozen(kw_only=True)
class RoundForm:
    """The form and length of one kind of conversation in a round (seed 002, 003, 004).

    A round maps every kind of conversation it holds to its own preparation form: the MUS
    form, the GRUS form, the LUS form, the follow-up form. ``units`` narrows an entry to some
    units (for example the core-task MUS of seed 004 in one department); an entry naming the
    conversation's unit wins over one for every unit. Which entry applies is
    :func:`musframework.model.round.round_form`.

    Attributes:
        kind: The kind of conversation.
        questionnaire: The form, by id and version.
        minutes: The planned length; ``None`` for the form's own minutes (the sum of its
            sections), else the round's default.
        units: The ids of the units the entry is for; empty for every unit.
    """

    kind: ConversationKind = attrs.field(converter=ConversationKind)
    questionnaire: QuestionnaireRef | None = None
    minutes: int | None = None
    units: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)


@attrs.frozen(kw_only=True)
class MusRequest:
    """A recorded request for an individual MUS (seed 003: if an employee asks, one is held).

    The request holds even where a GRUS replaces the individual MUS for the person's unit
    (``CycleSettings.grus_replaces_mus``): planning plans the person a MUS, only a MUS covers
    them, and the rule ``coverage.requested-mus`` reports a request with no MUS planned.

    Attributes:
        person: Who asked.
        requested_at: When they asked.
        reason: Why, if they said (optional).
    """

    person: str
    requested_at: pendulum.DateTime
    reason: str = ""


class RoundStepKind(enum.Enum):
    """The five steps of running a round (seed 004), in order.

    Inform the leaders, inform the employees, send the form, hold the conversations, and
    evaluate the round with leaders and employees; evaluating closes the round.
    """

    INFORM_LEADERS = "inform_leaders"
    INFORM_EMPLOYEES = "inform_employees"
    SEND_FORMS = "send_forms"
    HOLD_CONVERSATIONS = "hold_conversations"
    EVALUATE = "evaluate"


@attrs.frozen(kw_only=True)
class RoundStep:
    """One of the round's own steps: who sees to it, by when, and when it was done.

    Attributes:
        step: Which step.
        responsible: The person who sees to it (HR, the director ...), if named; what is
            due lists a step only for its responsible person.
        due: By when; ``None`` for the default (:func:`musframework.model.round.round_steps`).
        done_at: When it was done.
        done_by: Who recorded it done.
    """

    step: RoundStepKind = attrs.field(converter=RoundStepKind)
    responsible: str | None = None
    due: pendulum.Date | None = None
    done_at: pendulum.DateTime | None = None
    done_by: str | None = None

    @property
    def done(self) -> bool:
        """Whether the step is done."""
        return self.done_at is not None


def _steps(values: Iterable[RoundStep]) -> tuple[RoundStep, ...]:
    return tuple(values)


def _goals(values: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(values)


def _forms(values: Iterable[RoundForm]) -> tuple[RoundForm, ...]:
    return tuple(values)


def _requests(values: Iterable[MusRequest]) -> tuple[MusRequest, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Cycle(DisplayMixin):
    """A round of conversations.

    Attributes:
        id: A stable identifier.
        name: Its name, such as ``"MUS 2026"``.
        kind: The main kind of conversation (GRUS and LUS may be planned alongside a MUS round).
        period: When the conversations are held.
        scope: The ids of the organisational units in the round.
        questionnaire: The form of the round's own kind, by id and version (and of every
            kind ``forms`` does not name).
        settings: How the round is run.
        forms: The form and length of each kind of conversation (:class:`RoundForm`).
        evaluation_form: The form for evaluating the conversations and the round (the
            built-in ``evaluation``), if any.
        mus_requests: The recorded requests for an individual MUS (:class:`MusRequest`).
        goals: The organisation's goals for the period, which each unit's GRUS breaks down
            into unit goals (:class:`~musframework.Goal`; seed 003 §2).
        steps: The round's own steps as recorded (:class:`RoundStep`: seed 004's five);
            :func:`musframework.model.round.round_steps` gives all five with their dates.
    """

    SCHEMA_VERSION = 1

    id: str
    name: str
    kind: ConversationKind = attrs.field(default=ConversationKind.MUS, converter=ConversationKind)
    period: Period
    scope: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    questionnaire: QuestionnaireRef | None = None
    settings: CycleSettings = attrs.field(factory=CycleSettings)
    forms: tuple[RoundForm, ...] = attrs.field(default=(), converter=_forms)
    evaluation_form: QuestionnaireRef | None = None
    mus_requests: tuple[MusRequest, ...] = attrs.field(default=(), converter=_requests)
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    steps: tuple[RoundStep, ...] = attrs.field(default=(), converter=_steps)

    @property
    def closed(self) -> bool:
        """Whether the round has been evaluated: an evaluated round plans nothing new."""
        return any(s.step is RoundStepKind.EVALUATE and s.done for s in self.steps)
