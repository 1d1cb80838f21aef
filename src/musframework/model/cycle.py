"""Rounds (cyklus / runde): all conversations of one kind in one period for an organisation."""

from __future__ import annotations

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import InvalidValueError
from musframework.model.anonymity import MINIMUM_GROUP_SIZE, check_minimum_group_size
from musframework.model.display import DisplayMixin
from musframework.model.kinds import ConversationKind
from musframework.model.people import unique_ids
from musframework.model.response import QuestionnaireRef

__all__ = ["Cycle", "CycleSettings", "Period"]


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


@attrs.frozen(kw_only=True)
class Cycle(DisplayMixin):
    """A round of conversations.

    Attributes:
        id: A stable identifier.
        name: Its name, such as ``"MUS 2026"``.
        kind: The main kind of conversation (GRUS and LUS may be planned alongside a MUS round).
        period: When the conversations are held.
        scope: The ids of the organisational units in the round.
        questionnaire: The form used, by id and version.
        settings: How the round is run.
    """

    SCHEMA_VERSION = 1

    id: str
    name: str
    kind: ConversationKind = attrs.field(default=ConversationKind.MUS, converter=ConversationKind)
    period: Period
    scope: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    questionnaire: QuestionnaireRef | None = None
    settings: CycleSettings = attrs.field(factory=CycleSettings)
