"""Round statistics: each function makes one pass over the conversations (O(N)).

Every function takes the conversations as any iterable (a list, a generator, a store query)
and reads it once, so a round of 200,000 conversations costs one pass per figure. Results are
small frozen objects with ``to_records()``, ``to_dataframe()`` and a notebook table.
Time-dependent figures take the day asked about as ``on`` (a :class:`pendulum.Date`):
"overdue" is derived from it, never stored.

Who is in scope and covered, which agreements count, and the unit of a conversation are the
round facts of :mod:`musframework.model.round`; these figures count them and do not work them
out again.
"""

from __future__ import annotations

import enum
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs
import pendulum

from musframework._sharing import Shared
from musframework.analytics._labels import label
from musframework.analytics._table import Table, html_table
from musframework.catalogue import Message, translate
from musframework.errors import InvalidValueError
from musframework.model import (
    AgreementStatus,
    Answer,
    ChoiceAnswer,
    Conversation,
    ConversationStatus,
    Cycle,
    LearningMethod,
    MultipleChoiceAnswer,
    MultipleChoiceQuestion,
    NumberAnswer,
    NumberQuestion,
    Organisation,
    Question,
    Questionnaire,
    Response,
    Role,
    ScaleAnswer,
    ScaleQuestion,
    SingleChoiceQuestion,
    YesNoAnswer,
    YesNoQuestion,
)
from musframework.model.anonymity import (
    MINIMUM_GROUP_SIZE,
    Suppressed,
    check_minimum_group_size,
    counted_in_steps,
    release,
)
from musframework.model.history import moment_key
from musframework.model.round import (
    CoverageState,
    counted_agreements,
    coverage_states,
    unit_of,
)
from musframework.model.round import due_agreements as _due

__all__ = [
    "AgreementBreakdown",
    "AgreementCell",
    "CarryOver",
    "ConversationProgress",
    "Coverage",
    "DeadlineTimeline",
    "DueAgreement",
    "DueAgreements",
    "EvaluationResults",
    "GapRow",
    "InvitationLeadTimes",
    "QuestionResult",
    "RatingGaps",
    "SuppressedCell",
    "UncoveredPerson",
    "UnitCarryOver",
    "UnitCoverage",
    "UnitProgress",
    "agreement_breakdown",
    "agreement_deadlines",
    "carry_over_summary",
    "conversation_progress",
    "coverage",
    "due_agreements",
    "evaluation_results",
    "invitation_lead_times",
    "rating_gaps",
]

STATUSES: tuple[ConversationStatus, ...] = tuple(ConversationStatus)
HELD_OR_LATER = ConversationStatus.HELD_OR_LATER
_AGREEMENT_STATUSES: tuple[AgreementStatus, ...] = tuple(AgreementStatus)
_STATUS_VALUES = frozenset(s.value for s in ConversationStatus)
_DEVELOPED = (Role.EMPLOYEE, Role.GROUP_MEMBER)


class _Units:
    """Resolves a conversation's unit (:func:`~musframework.model.round.unit_of`) and names."""

    def __init__(self, organisation: Organisation | None, locale: str) -> None:
        self.organisation = organisation
        self.locale = locale
        self.order = {u.id: i for i, u in enumerate(organisation.units)} if organisation else {}

    def of(self, conversation: Conversation) -> str | None:
        return unit_of(conversation, self.organisation)

    def name(self, unit: str | None) -> str:
        if unit is None:
            return label("no_unit", self.locale)
        if self.organisation is not None and unit in self.order:
            return self.organisation.unit(unit).name
        return unit

    def sort_key(self, unit: str | None) -> tuple[int, int, str]:
        if unit is None:
            return (2, 0, "")
        if unit in self.order:
            return (0, self.order[unit], unit)
        return (1, 0, unit)

    def person_name(self, person: str | None) -> str | None:
        if person is None or self.organisation is None:
            return None
        if not self.organisation.has_person(person):
            return None
        return self.organisation.person(person).name

    def known_unit(self, unit: str | None) -> str | None:
        """The organisation's own string for the unit id ``unit`` (equal), else ``None``."""
        index = self.order.get(unit) if unit is not None else None
        return (
            None
            if index is None or self.organisation is None
            else self.organisation.units[index].id
        )

    def known_person(self, person: str | None) -> tuple[str, str] | None:
        """The organisation's own id string and the name of ``person``, else ``None``."""
        if person is None or self.organisation is None or not self.organisation.has_person(person):
            return None
        found = self.organisation.person(person)
        return found.id, found.name


def _day(on: pendulum.Date) -> pendulum.Date:
    if not isinstance(on, pendulum.Date):
        raise InvalidValueError(
            Message("value.expected", {"expected": Message("value.date"), "got": repr(on)})
        )
    return on


def _mean(total: float, n: int) -> float | None:
    return None if n == 0 else total / n


# =========================================================================== progress


@attrs.frozen
class UnitProgress:
    """Conversation counts of one unit, one per :class:`ConversationStatus` in enum order."""

    unit: str | None
    name: str
    counts: tuple[int, ...]

    def count(self, status: ConversationStatus | str) -> int:
        """The number of conversations in ``status``."""
        return self.counts[STATUSES.index(ConversationStatus(status))]

    @property
    def total(self) -> int:
        """All conversations of the unit."""
        return sum(self.counts)

    @property
    def held(self) -> int:
        """Conversations held, concluded, signed or followed up."""
        return sum(c for s, c in zip(STATUSES, self.counts, strict=True) if s in HELD_OR_LATER)


@attrs.frozen(kw_only=True)
class ConversationProgress(Table):
    """How far a round is: conversations by status, per unit.

    Attributes:
        units: One row per unit, in organisation order (conversations without a unit last).
        locale: The language of names and of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        *(s.value for s in STATUSES),
        "total",
    )
    TITLE: ClassVar[str] = "table.title.conversation-progress"

    units: tuple[UnitProgress, ...]
    locale: str = "da"

    def header(self, column: str, locale: str) -> str:
        """Status columns are headed by the status's label."""
        if column in _STATUS_VALUES:
            return label(ConversationStatus(column), locale)
        return label(column, locale)

    def count(self, status: ConversationStatus | str) -> int:
        """Conversations in ``status``, in all units."""
        return sum(u.count(status) for u in self.units)

    def unit(self, unit: str | None) -> UnitProgress | None:
        """The row of ``unit`` (``None``: conversations without a unit), if it has any."""
        return next((u for u in self.units if u.unit == unit), None)

    @property
    def by_status(self) -> tuple[tuple[ConversationStatus, int], ...]:
        """``(status, count)`` for every status, in workflow order."""
        return tuple((s, sum(u.counts[i] for u in self.units)) for i, s in enumerate(STATUSES))

    @property
    def total(self) -> int:
        """All conversations."""
        return sum(u.total for u in self.units)

    @property
    def held(self) -> int:
        """Conversations held, concluded, signed or followed up."""
        return sum(u.held for u in self.units)

    @property
    def held_share(self) -> float | None:
        """Held (or later) as a share of the conversations that are not cancelled."""
        active = self.total - self.count(ConversationStatus.CANCELLED)
        return _mean(self.held, active)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "unit": u.unit,
                "unit_name": u.name,
                **{s.value: c for s, c in zip(STATUSES, u.counts, strict=True)},
                "total": u.total,
            }
            for u in self.units
        ]


def conversation_progress(
    conversations: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    locale: str = "da",
) -> ConversationProgress:
    """Count conversations by status and unit.

    A conversation's unit is its ``unit``, else (with an ``organisation``) the unit of its
    employee. Units of the organisation without conversations are left out.
    """
    units = _Units(organisation, locale)
    index = {s: i for i, s in enumerate(STATUSES)}
    counts: dict[str | None, list[int]] = {}
    for conversation in conversations:
        unit = units.of(conversation)
        row = counts.get(unit)
        if row is None:
            row = counts[unit] = [0] * len(STATUSES)
        row[index[conversation.status]] += 1
    return ConversationProgress(
        units=tuple(
            UnitProgress(unit, units.name(unit), tuple(counts[unit]))
            for unit in sorted(counts, key=units.sort_key)
        ),
        locale=locale,
    )


# =========================================================================== coverage


@attrs.frozen
class UncoveredPerson:
    """Someone in the round's scope who is not covered yet: planned, cancelled or missing.

    Attributes:
        person: The person id.
        name: Their name (the id when the organisation does not know them).
        unit: The unit through which they are in scope.
        unit_name: The unit's name.
        state: ``PLANNED`` (their conversation is still to come), ``CANCELLED`` (every
            conversation that counts for them is cancelled, none replaces it) or ``MISSING``
            (they have none).
    """

    person: str
    name: str
    unit: str
    unit_name: str
    state: CoverageState = CoverageState.MISSING


@attrs.frozen
class UnitCoverage:
    """How far the people in scope of one unit are.

    Attributes:
        unit: The unit id.
        name: The unit's name.
        in_scope: People in scope through this unit.
        covered: Of those, people whose conversation has been held (held or later).
        planned: People whose conversation is planned, invited or prepared.
        cancelled: People whose every conversation is cancelled, without a replacement.
    """

    unit: str
    name: str
    in_scope: int
    covered: int
    planned: int = 0
    cancelled: int = 0

    @property
    def missing(self) -> int:
        """People in scope without any conversation that counts for them."""
        return self.in_scope - self.covered - self.planned - self.cancelled


@attrs.frozen(kw_only=True)
class Coverage(Table):
    """Who in the round's scope has held, planned, lost or no conversation, per unit.

    The states come from :func:`musframework.model.round.round_coverage`.

    Attributes:
        units: One row per unit in scope, in organisation order.
        uncovered: The people in scope who are not covered (planned, cancelled or missing).
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        "in_scope",
        "covered",
        "planned",
        "cancelled",
        "missing",
        "share",
    )
    TITLE: ClassVar[str] = "table.title.coverage"

    units: tuple[UnitCoverage, ...]
    uncovered: tuple[UncoveredPerson, ...]
    locale: str = "da"

    def header(self, column: str, locale: str) -> str:
        """The state columns are headed by the coverage state's label."""
        if column in _COVERAGE_STATES:
            return label(CoverageState(column), locale)
        return label(column, locale)

    @property
    def in_scope(self) -> int:
        """People in scope."""
        return sum(u.in_scope for u in self.units)

    @property
    def covered(self) -> int:
        """People in scope whose conversation has been held."""
        return sum(u.covered for u in self.units)

    @property
    def planned(self) -> int:
        """People in scope whose conversation is still to come."""
        return sum(u.planned for u in self.units)

    @property
    def cancelled(self) -> int:
        """People in scope whose conversations are all cancelled, with no replacement."""
        return sum(u.cancelled for u in self.units)

    @property
    def missing(self) -> int:
        """People in scope without any conversation that counts for them."""
        return sum(u.missing for u in self.units)

    @property
    def share(self) -> float | None:
        """Covered as a share of the people in scope."""
        return _mean(self.covered, self.in_scope)

    def people(self, state: CoverageState | str) -> tuple[UncoveredPerson, ...]:
        """The people in scope who are planned, cancelled or missing (``state``)."""
        wanted = CoverageState(state)
        return tuple(p for p in self.uncovered if p.state is wanted)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "unit": u.unit,
                "unit_name": u.name,
                "in_scope": u.in_scope,
                "covered": u.covered,
                "planned": u.planned,
                "cancelled": u.cancelled,
                "missing": u.missing,
                "share": _mean(u.covered, u.in_scope),
            }
            for u in self.units
        ]

    def uncovered_records(self) -> list[dict[str, Any]]:
        """The people not covered, one dict each (``state``: planned, cancelled, missing)."""
        return [
            {
                "person": p.person,
                "name": p.name,
                "unit": p.unit,
                "unit_name": p.unit_name,
                "state": p.state.value,
            }
            for p in self.uncovered
        ]

    def to_html(self, locale: str | None = None) -> str:  # noqa: D102
        locale = locale or self.locale
        missing = html_table(
            label("not_covered", locale),
            ("person", "name", "unit", "unit_name", "state"),
            self.uncovered_records(),
            locale,
            translated={"state": (CoverageState,)},
        )
        return super().to_html(locale) + missing


_COVERAGE_STATES = frozenset(s.value for s in CoverageState)
_COVERAGE_COLUMN = {
    CoverageState.COVERED: 1,
    CoverageState.PLANNED: 2,
    CoverageState.CANCELLED: 3,
    CoverageState.MISSING: 4,
}


def coverage(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    organisation: Organisation,
    *,
    locale: str = "da",
) -> Coverage:
    """Who in the round's scope is covered, planned, cancelled without replacement or missing.

    The round facts decide (:func:`musframework.model.round.round_coverage`): in scope are
    the members of the cycle's scope units and every unit below them (the whole organisation
    when the scope is empty) and, when the round includes LUS, the leaders of those units who
    have a leader above them. Only the round's conversations (``cycle`` set to its id) of a
    kind that counts for the person count: the round's kind for members, a GRUS only where
    ``settings.grus_replaces_mus`` names the member's unit, a LUS for leaders. Covered means
    held (or later); a planned, invited or prepared conversation is "planned". The rule
    ``coverage.missing-conversation`` and the round report ask the same facts.
    """
    per_unit: dict[str, list[int]] = {}
    uncovered: list[UncoveredPerson] = []
    units = _Units(organisation, locale)
    for p in coverage_states(cycle, conversations, organisation):
        row = per_unit.setdefault(p.unit, [0, 0, 0, 0, 0])
        row[0] += 1
        row[_COVERAGE_COLUMN[p.state]] += 1
        if p.state is not CoverageState.COVERED:
            name = units.person_name(p.person) or p.person
            uncovered.append(UncoveredPerson(p.person, name, p.unit, units.name(p.unit), p.state))
    return Coverage(
        units=tuple(
            UnitCoverage(u, units.name(u), *per_unit[u][:4])
            for u in sorted(per_unit, key=units.sort_key)
        ),
        uncovered=tuple(uncovered),
        locale=locale,
    )


# =========================================================================== invitations


@attrs.frozen(kw_only=True)
class InvitationLeadTimes(Table):
    """How many days before the conversation the invitations went out.

    Attributes:
        histogram: ``(days, conversations)`` pairs, sorted by days (calendar days in the
            conversation's time zone; negative when the invitation came after the start).
        not_invited: Scheduled conversations, not cancelled, with no invitation recorded.
        recommended: The recommended range of days, both ends included (7-14, seed 002).
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("lead_days", "band", "conversations")
    TITLE: ClassVar[str] = "table.title.invitation-lead-times"
    TRANSLATED: ClassVar[Mapping[str, tuple[type[enum.Enum], ...]]] = {"band": ()}

    histogram: tuple[tuple[int, int], ...]
    not_invited: int
    recommended: tuple[int, int] = (7, 14)
    locale: str = "da"

    def band(self, days: int) -> str:
        """``"too_late"``, ``"recommended"`` or ``"too_early"`` for a lead of ``days``."""
        low, high = self.recommended
        return "too_late" if days < low else "too_early" if days > high else "recommended"

    def _count(self, band: str) -> int:
        return sum(n for d, n in self.histogram if self.band(d) == band)

    @property
    def invited(self) -> int:
        """Conversations with an invitation and a scheduled start."""
        return sum(n for _, n in self.histogram)

    @property
    def too_late(self) -> int:
        """Invitations sent fewer days ahead than recommended."""
        return self._count("too_late")

    @property
    def on_time(self) -> int:
        """Invitations within the recommended range."""
        return self._count("recommended")

    @property
    def too_early(self) -> int:
        """Invitations sent more days ahead than recommended."""
        return self._count("too_early")

    def _values(self) -> list[int]:
        return [d for d, n in self.histogram for _ in range(n)]

    @property
    def median(self) -> float | None:
        """The median lead in days."""
        values = self._values()
        return float(statistics.median(values)) if values else None

    @property
    def mean(self) -> float | None:
        """The mean lead in days."""
        return _mean(sum(d * n for d, n in self.histogram), self.invited)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {"lead_days": d, "band": self.band(d), "conversations": n} for d, n in self.histogram
        ]


def invitation_lead_times(
    conversations: Iterable[Conversation],
    *,
    recommended: tuple[int, int] = (7, 14),
    locale: str = "da",
) -> InvitationLeadTimes:
    """The days between each invitation (``Invitation.sent_at``) and its conversation's start.

    Days are calendar days in the time zone of the scheduled start.
    """
    histogram: Counter[int] = Counter()
    not_invited = 0
    for conversation in conversations:
        start = conversation.scheduled_start
        if start is None:
            continue
        invitation = conversation.invitation
        if invitation is None:
            if conversation.status is not ConversationStatus.CANCELLED:
                not_invited += 1
            continue
        sent = invitation.sent_at.astimezone(start.tzinfo)
        histogram[start.toordinal() - sent.toordinal()] += 1
    return InvitationLeadTimes(
        histogram=tuple(sorted(histogram.items())),
        not_invited=not_invited,
        recommended=recommended,
        locale=locale,
    )


# =========================================================================== agreements


def _role_key(role: Role | None) -> str:
    return "unknown" if role is None else role.value


@attrs.frozen
class AgreementCell:
    """The number of agreements with one combination of unit, status, owner role and method."""

    unit: str | None
    status: AgreementStatus
    owner_role: str
    learning_method: LearningMethod | None
    count: int


@attrs.frozen(kw_only=True)
class AgreementBreakdown(Table):
    """Agreements by unit, status, owner role (employee or leader) and learning method.

    ``to_records()`` gives the full cross table (one row per combination that occurs); the
    ``by_*`` methods give the totals along one dimension.

    Attributes:
        cells: The counts per combination.
        unit_names: ``(unit, name)`` pairs for the units in ``cells``.
        locale: The language of names and of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        "status",
        "owner_role",
        "learning_method",
        "count",
    )
    TITLE: ClassVar[str] = "table.title.agreement-breakdown"
    TRANSLATED: ClassVar[Mapping[str, tuple[type[enum.Enum], ...]]] = {
        "status": (AgreementStatus,),
        "owner_role": (Role,),
        "learning_method": (LearningMethod,),
    }

    cells: tuple[AgreementCell, ...]
    unit_names: tuple[tuple[str | None, str], ...] = ()
    locale: str = "da"

    @property
    def total(self) -> int:
        """All agreements."""
        return sum(c.count for c in self.cells)

    def by_status(self) -> tuple[tuple[AgreementStatus, int], ...]:
        """``(status, count)`` for every status."""
        counts = Counter(dict.fromkeys(_AGREEMENT_STATUSES, 0))
        for c in self.cells:
            counts[c.status] += c.count
        return tuple((s, counts[s]) for s in _AGREEMENT_STATUSES)

    def by_owner_role(self) -> tuple[tuple[str, int], ...]:
        """``(role, count)``: ``"employee"``, ``"leader"``, ``"group_member"``, ``"unknown"``."""
        keys = ("employee", "leader", "group_member", "unknown")
        counts = Counter(dict.fromkeys(keys[:2], 0))
        for c in self.cells:
            counts[c.owner_role] += c.count
        return tuple((k, counts[k]) for k in keys if k in counts)

    def by_learning_method(self) -> tuple[tuple[LearningMethod | None, int], ...]:
        """``(method, count)`` for the methods used, most used first (``None``: not given)."""
        counts: Counter[LearningMethod | None] = Counter()
        for c in self.cells:
            counts[c.learning_method] += c.count
        order = {m: i for i, m in enumerate([*LearningMethod, None])}
        return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]])))

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        names = dict(self.unit_names)
        return [
            {
                "unit": c.unit,
                "unit_name": names.get(c.unit, c.unit),
                "status": c.status.value,
                "owner_role": c.owner_role,
                "learning_method": None if c.learning_method is None else c.learning_method.value,
                "count": c.count,
            }
            for c in self.cells
        ]

    def to_html(self, locale: str | None = None) -> str:  # noqa: D102
        locale = locale or self.locale

        def table(key: str, pairs: Sequence[tuple[object, int]]) -> str:
            records = [{key: k, "count": n} for k, n in pairs]
            return html_table(
                f"{self.title(locale)}: {label(key, locale).lower()}",
                (key, "count"),
                records,
                locale,
                translated={key: self.TRANSLATED.get(key, ())},
            )

        return (
            table("status", self.by_status())
            + table("owner_role", self.by_owner_role())
            + table("learning_method", self.by_learning_method())
        )


def agreement_breakdown(
    conversations: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    locale: str = "da",
) -> AgreementBreakdown:
    """Count agreements by unit, status, owner role and learning method.

    The owner's role is their role among the conversation's participants (``"unknown"`` when
    the agreement has no owner or the owner is not a participant). Only the agreements that
    count are counted (:func:`musframework.model.round.counted_agreements`): not those of
    cancelled conversations, nor originals carried over into a later conversation.
    """
    units = _Units(organisation, locale)
    counts: Counter[tuple[str | None, AgreementStatus, str, LearningMethod | None]] = Counter()
    current: Conversation | None = None
    unit: str | None = None
    roles: dict[str, Role] = {}
    for counted in counted_agreements(conversations):
        conversation, a = counted.conversation, counted.agreement
        if conversation is not current:
            current, unit = conversation, units.of(conversation)
            roles = {p.person: p.role for p in conversation.participants}
        role = None if a.owner is None else roles.get(a.owner)
        counts[(unit, a.status, _role_key(role), a.learning_method)] += 1
    status_order = {s: i for i, s in enumerate(_AGREEMENT_STATUSES)}
    method_order = {m: i for i, m in enumerate([*LearningMethod, None])}
    keys = sorted(
        counts,
        key=lambda k: (units.sort_key(k[0]), status_order[k[1]], k[2], method_order[k[3]]),
    )
    seen_units = dict.fromkeys(k[0] for k in keys)
    return AgreementBreakdown(
        cells=tuple(AgreementCell(*k, counts[k]) for k in keys),
        unit_names=tuple((u, units.name(u)) for u in seen_units),
        locale=locale,
    )


@attrs.frozen(kw_only=True)
class DueAgreement:
    """An open agreement that is overdue or due soon.

    Attributes:
        state: ``"overdue"`` or ``"due_soon"``.
        days: Days from the day asked about (``on``) to the deadline (negative: days overdue).
    """

    state: str
    deadline: pendulum.Date
    days: int
    conversation: str
    unit: str | None
    agreement: str
    description: str
    owner: str | None
    owner_name: str | None
    status: AgreementStatus


@attrs.frozen(kw_only=True)
class DueAgreements(Table):
    """Open agreements past their deadline, and those due within ``within_days``.

    Attributes:
        on: The day the states are derived from.
        within_days: How far ahead "due soon" looks.
        rows: Overdue and due-soon agreements, by deadline.
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "state",
        "deadline",
        "days",
        "conversation",
        "unit",
        "agreement",
        "description",
        "owner",
        "owner_name",
        "status",
    )
    TITLE: ClassVar[str] = "table.title.due-agreements"
    TRANSLATED: ClassVar[Mapping[str, tuple[type[enum.Enum], ...]]] = {
        "state": (),
        "status": (AgreementStatus,),
    }

    on: pendulum.Date
    within_days: int
    rows: tuple[DueAgreement, ...]
    locale: str = "da"

    @property
    def overdue(self) -> tuple[DueAgreement, ...]:
        """Open agreements past their deadline."""
        return tuple(r for r in self.rows if r.state == "overdue")

    @property
    def due_soon(self) -> tuple[DueAgreement, ...]:
        """Open agreements due from :attr:`on` to ``within_days`` days ahead."""
        return tuple(r for r in self.rows if r.state == "due_soon")

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "state": r.state,
                "deadline": r.deadline,
                "days": r.days,
                "conversation": r.conversation,
                "unit": r.unit,
                "agreement": r.agreement,
                "description": r.description,
                "owner": r.owner,
                "owner_name": r.owner_name,
                "status": r.status.value,
            }
            for r in self.rows
        ]


def due_agreements(
    conversations: Iterable[Conversation],
    *,
    on: pendulum.Date,
    within_days: int = 30,
    organisation: Organisation | None = None,
    locale: str = "da",
) -> DueAgreements:
    """Open agreements that are overdue on ``on`` or due within ``within_days`` days of it.

    The agreements that count (:func:`musframework.model.round.due_agreements`): not those of
    cancelled conversations, nor originals carried over into a later conversation; overdue
    is ``Agreement.is_overdue(on)``, due soon ``Agreement.is_due_within(on, within_days)``.
    """
    on = _day(on)
    t0 = on.toordinal()
    units = _Units(organisation, locale)
    share = Shared()  # ids, units and dates repeat over the rows: each held once
    rows: list[DueAgreement] = []
    last: Conversation | None = None
    unit: str | None = None
    for state, counted in _due(conversations, on=on, within_days=within_days):
        conversation, a = counted.conversation, counted.agreement
        assert a.deadline is not None  # due_agreements only yields agreements with a deadline
        deadline = share(a.deadline)
        if conversation is not last:
            last, unit = conversation, units.of(conversation)
            if unit is not None:
                unit = units.known_unit(unit) or share(unit)
        owner, owner_name = a.owner, None
        person = units.known_person(owner)
        if person is not None:
            owner, owner_name = person
        elif owner is not None:
            owner = share(owner)
        rows.append(
            DueAgreement(
                state=state.value,
                deadline=deadline,
                days=share(deadline.toordinal() - t0),
                conversation=conversation.id,
                unit=unit,
                agreement=share(a.id),
                description=a.description,
                owner=owner,
                owner_name=owner_name,
                status=a.status,
            )
        )
    rows.sort(key=lambda r: (r.deadline, r.conversation, r.agreement))
    return DueAgreements(on=on, within_days=within_days, rows=tuple(rows), locale=locale)


_DEADLINE_STATES = ("done", "cancelled", "in_progress", "open", "overdue")


@attrs.frozen(kw_only=True)
class DeadlineTimeline(Table):
    """Agreements by deadline period (month or week) and state, for a timeline.

    States are ``done``, ``cancelled``, ``in_progress``, ``open`` and ``overdue`` (open or in
    progress and past the deadline on the day ``on``).

    Attributes:
        on: The day overdue is derived from.
        bucket: ``"month"`` or ``"week"`` (weeks start on Monday).
        counts: ``(period start, state, count)`` rows, by period then state.
        without_deadline: Agreements with no deadline (not in ``counts``).
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("period", "state", "count")
    TITLE: ClassVar[str] = "table.title.deadline-timeline"
    TRANSLATED: ClassVar[Mapping[str, tuple[type[enum.Enum], ...]]] = {"state": (AgreementStatus,)}
    STATES: ClassVar[tuple[str, ...]] = _DEADLINE_STATES

    on: pendulum.Date
    bucket: str
    counts: tuple[tuple[pendulum.Date, str, int], ...]
    without_deadline: int = 0
    locale: str = "da"

    @property
    def periods(self) -> tuple[pendulum.Date, ...]:
        """Every period from the first to the last with a deadline, none skipped."""
        if not self.counts:
            return ()
        first, last = self.counts[0][0], self.counts[-1][0]
        periods = [first]
        while periods[-1] < last:
            step = {"months": 1} if self.bucket == "month" else {"weeks": 1}
            periods.append(periods[-1].add(**step))
        return tuple(periods)

    def series(self, state: str) -> tuple[int, ...]:
        """The counts of ``state`` for each of :attr:`periods`."""
        found = {p: n for p, s, n in self.counts if s == state}
        return tuple(found.get(p, 0) for p in self.periods)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [{"period": p, "state": s, "count": n} for p, s, n in self.counts]


def agreement_deadlines(
    conversations: Iterable[Conversation],
    *,
    on: pendulum.Date,
    bucket: str = "month",
    locale: str = "da",
) -> DeadlineTimeline:
    """Count agreements by deadline month (or week) and state on the day ``on``.

    Only the agreements that count (:func:`musframework.model.round.counted_agreements`).
    """
    on = _day(on)
    if bucket not in ("month", "week"):
        raise InvalidValueError(Message("error.bucket", {"bucket": repr(bucket)}))
    counts: Counter[tuple[pendulum.Date, str]] = Counter()
    starts: dict[pendulum.Date, pendulum.Date] = {}
    without = 0
    for counted in counted_agreements(conversations):
        a = counted.agreement
        deadline = a.deadline
        if deadline is None:
            without += 1
            continue
        status = a.status
        state = "overdue" if a.is_overdue(on) else status.value
        period = starts.get(deadline)
        if period is None:
            if bucket == "month":
                period = pendulum.date(deadline.year, deadline.month, 1)
            else:
                period = deadline.subtract(days=deadline.weekday())
            starts[deadline] = period
        counts[(period, state)] += 1
    order = {s: i for i, s in enumerate(_DEADLINE_STATES)}
    rows = tuple(
        (p, s, counts[(p, s)]) for p, s in sorted(counts, key=lambda k: (k[0], order[k[1]]))
    )
    return DeadlineTimeline(
        on=on, bucket=bucket, counts=rows, without_deadline=without, locale=locale
    )


# =========================================================================== rating gaps


@attrs.frozen(kw_only=True)
class SuppressedCell:
    """A figure withheld to protect a small group: where it would stand, and why not.

    Attributes:
        question: The question id.
        text: The question text.
        unit: The unit id, or ``None`` for the whole round.
        unit_name: The unit's name.
        marker: The :class:`~musframework.model.anonymity.Suppressed` marker its figures show.
        question_type: The question type tag (``scale``, ``single_choice`` …).
    """

    question: str
    text: str
    unit: str | None
    unit_name: str
    marker: Suppressed
    question_type: str = "scale"


@attrs.frozen(kw_only=True)
class GapRow:
    """Self and leader ratings of one question (in one unit, or overall when ``unit`` is None).

    Attributes:
        question: The question id.
        text: The question text (the id when no questionnaire was given).
        unit: The unit id, or ``None`` for the whole round.
        unit_name: The unit's name.
        pairs: Conversations where both the employee and the leader rated the question.
        self_mean: The employee's mean rating.
        leader_mean: The leader's mean rating.
        mean_gap: The mean of (employee rating - leader rating): positive when employees rate
            themselves higher than their leaders do.
        mean_abs_gap: The mean absolute difference.
        agree: Pairs with the same rating.
    """

    question: str
    text: str
    unit: str | None
    unit_name: str
    pairs: int
    self_mean: float
    leader_mean: float
    mean_gap: float
    mean_abs_gap: float
    agree: int


_GAP_FIGURES = ("pairs", "self_mean", "leader_mean", "mean_gap", "mean_abs_gap", "agree")


@attrs.frozen(kw_only=True)
class RatingGaps(Table):
    """Self vs leader ratings per question, for the round and per unit (scored forms).

    Only figures of at least ``minimum`` employees are shown, counted in whole steps of it
    (:func:`musframework.model.anonymity.release`); the others are in :attr:`suppressed`,
    and the records show them with the :class:`~musframework.model.anonymity.Suppressed`
    marker in every figure column.

    Attributes:
        questions: One row per question for the whole round, in questionnaire order.
        units: One row per unit and question.
        scale: The lowest and highest possible rating, when known.
        suppressed: The cells withheld (per unit, or for the whole round with ``unit`` None).
        minimum: The minimum group size the figures were made with.
        locale: The language of texts and of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "question",
        "question_text",
        "unit",
        "unit_name",
        *_GAP_FIGURES,
        "suppressed",
    )
    TITLE: ClassVar[str] = "table.title.rating-gaps"

    questions: tuple[GapRow, ...]
    units: tuple[GapRow, ...]
    scale: tuple[int, int] | None = None
    suppressed: tuple[SuppressedCell, ...] = ()
    minimum: int = MINIMUM_GROUP_SIZE
    locale: str = "da"

    def question(self, question_id: str) -> GapRow | None:
        """The round-wide row of ``question_id``, if it was rated by both and may be shown."""
        return next((r for r in self.questions if r.question == question_id), None)

    def for_unit(self, unit: str | None) -> tuple[GapRow, ...]:
        """The rows of one unit that may be shown, in question order."""
        return tuple(r for r in self.units if r.unit == unit)

    def is_suppressed(self, question_id: str, unit: str | None = None) -> bool:
        """Whether the cell of ``question_id`` (in ``unit``; ``None``: the round) is withheld."""
        return any(c.question == question_id and c.unit == unit for c in self.suppressed)

    def to_records(self, *, by_unit: bool = False) -> list[dict[str, Any]]:
        """One dict per question (``by_unit``: per unit and question), withheld ones marked."""
        records: list[dict[str, Any]] = [
            {
                "question": r.question,
                "question_text": r.text,
                "unit": r.unit,
                "unit_name": r.unit_name,
                "pairs": r.pairs,
                "self_mean": r.self_mean,
                "leader_mean": r.leader_mean,
                "mean_gap": r.mean_gap,
                "mean_abs_gap": r.mean_abs_gap,
                "agree": r.agree,
                "suppressed": False,
            }
            for r in (self.units if by_unit else self.questions)
        ]
        records.extend(
            {
                "question": c.question,
                "question_text": c.text,
                "unit": c.unit,
                "unit_name": c.unit_name,
                **dict.fromkeys(_GAP_FIGURES, c.marker),
                "suppressed": True,
            }
            for c in self.suppressed
            if (c.unit is not None) == by_unit
        )
        return records

    def to_dataframe(self, *, by_unit: bool = False) -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra)."""
        from musframework.analytics._table import require_pandas

        pandas = require_pandas()
        return pandas.DataFrame.from_records(
            self.to_records(by_unit=by_unit), columns=list(self.COLUMNS)
        )

    def to_html(self, locale: str | None = None) -> str:  # noqa: D102
        locale = locale or self.locale
        records = self.to_records() + self.to_records(by_unit=True)
        return html_table(
            self.title(locale),
            self.COLUMNS,
            records,
            locale,
            headers=[self.header(c, locale) for c in self.COLUMNS],
        )


def _submitted(response: Response) -> tuple[int, str]:
    at = response.submitted_at
    return (0, moment_key(at)) if at is not None else (1, "")


def rating_gaps(
    conversations: Iterable[Conversation],
    *,
    questionnaire: Questionnaire | None = None,
    organisation: Organisation | None = None,
    minimum: int = MINIMUM_GROUP_SIZE,
    locale: str = "da",
) -> RatingGaps:
    """Compare the employee's and the leader's ratings of the same scale questions.

    In each conversation the employee's response (role ``employee``) and the leader's (role
    ``leader``) are paired by question id; every question both answered with a scale answer
    counts. With a ``questionnaire`` only its scale questions count, in its order, labelled
    with its texts.

    Anonymity (:func:`musframework.model.anonymity.release`): a unit's row counts its first
    ``minimum``, ``2 * minimum`` … employees in the order their pairs were complete (the later
    of the two responses' ``submitted_at``; pairs without one after, by conversation id); a
    unit with fewer is suppressed. With an ``organisation``, the answers of a unit with fewer
    members than ``minimum`` count only in the round's row, pooled in the same steps. The
    round's row counts exactly what the unit rows count plus that pool. An employee counts
    once per unit and question (their first pair).
    """
    step = check_minimum_group_size(minimum)
    allowed: dict[str, ScaleQuestion] | None = None
    if questionnaire is not None:
        allowed = {q.id: q for q in questionnaire.questions() if isinstance(q, ScaleQuestion)}
    units = _Units(organisation, locale)
    # question -> [(arrival key, unit, person, self, leader)]
    pairs: dict[str, list[tuple[tuple[object, ...], str | None, str, int, int]]] = {}
    low: int | None = None
    high: int | None = None
    for conversation in conversations:
        own = other = None
        for r in conversation.responses:
            if r.role is Role.EMPLOYEE and own is None:
                own = r
            elif r.role is Role.LEADER and other is None:
                other = r
        if own is None or other is None:
            continue
        unit = units.of(conversation)
        arrival = (*max(_submitted(own), _submitted(other)), conversation.id)
        leader_answers = other.answers
        for qid, answer in own.answers.items():
            if allowed is not None and qid not in allowed:
                continue
            theirs = leader_answers.get(qid)
            if type(answer) is not ScaleAnswer or type(theirs) is not ScaleAnswer:
                continue
            a, b = answer.value, theirs.value
            pairs.setdefault(qid, []).append((arrival, unit, own.person, a, b))
            lo, hi = (a, b) if a < b else (b, a)
            low = lo if low is None or lo < low else low
            high = hi if high is None or hi > high else high
    if allowed:
        order = {qid: i for i, qid in enumerate(allowed)}
        scale: tuple[int, int] | None = (
            min(q.min for q in allowed.values()),
            max(q.max for q in allowed.values()),
        )
    else:
        order = {qid: i for i, qid in enumerate(pairs)}
        scale = None if low is None or high is None else (low, high)
    pooled = _small_units(organisation, step)

    def text(qid: str) -> str:
        return allowed[qid].text.get(locale) if allowed and qid in allowed else qid

    def make_row(
        qid: str, unit: str | None, name: str, values: Sequence[tuple[int, int]]
    ) -> GapRow:
        n = len(values)
        return GapRow(
            question=qid,
            text=text(qid),
            unit=unit,
            unit_name=name,
            pairs=n,
            self_mean=sum(a for a, _ in values) / n,
            leader_mean=sum(b for _, b in values) / n,
            mean_gap=sum(a - b for a, b in values) / n,
            mean_abs_gap=sum(abs(a - b) for a, b in values) / n,
            agree=sum(a == b for a, b in values),
        )

    overall: list[GapRow] = []
    per_unit: list[GapRow] = []
    hidden: list[SuppressedCell] = []
    all_units = label("all_units", locale)
    for qid in sorted(pairs, key=order.__getitem__):
        arrived = sorted(pairs[qid], key=lambda p: p[0])
        values = {(u, person): (a, b) for _, u, person, a, b in reversed(arrived)}
        released = release(
            ((u, (u, person)) for _, u, person, _a, _b in arrived), minimum=step, pooled=pooled
        )
        total = released.total
        marker = released.total_suppressed
        if marker is None:
            overall.append(make_row(qid, None, all_units, [values[k] for k in total]))
        else:
            hidden.append(
                SuppressedCell(
                    question=qid, text=text(qid), unit=None, unit_name=all_units, marker=marker
                )
            )
        for unit in sorted({u for _, u, *_ in arrived}, key=units.sort_key):
            counted = released.counted(unit)
            if isinstance(counted, Suppressed):
                hidden.append(
                    SuppressedCell(
                        question=qid,
                        text=text(qid),
                        unit=unit,
                        unit_name=units.name(unit),
                        marker=counted,
                    )
                )
            elif counted is not None:
                per_unit.append(make_row(qid, unit, units.name(unit), [values[k] for k in counted]))
    per_unit.sort(key=lambda r: (units.sort_key(r.unit), order[r.question]))
    hidden.sort(key=lambda c: (c.unit is not None, units.sort_key(c.unit), order[c.question]))
    return RatingGaps(
        questions=tuple(overall),
        units=tuple(per_unit),
        scale=scale,
        suppressed=tuple(hidden),
        minimum=step,
        locale=locale,
    )


def _small_units(organisation: Organisation | None, minimum: int) -> frozenset[str]:
    # Units whose members can never reach the minimum: their answers count in the total only.
    if organisation is None:
        return frozenset()
    return frozenset(u.id for u in organisation.units if len(u.members) < minimum)


# =========================================================================== evaluation


@attrs.frozen(kw_only=True)
class QuestionResult:
    """The aggregated answers to one evaluation question.

    Attributes:
        question: The question id.
        text: The question text.
        type: The question type tag (``scale``, ``single_choice`` …).
        respondents: How many responses answered it.
        mean: The mean, for scale and number questions.
        answers: ``(answer code, label, count)`` for every possible answer (scale points,
            options, yes/no); empty for number and text questions.
    """

    question: str
    text: str
    type: str
    respondents: int
    mean: float | None
    answers: tuple[tuple[str, str, int], ...]


@attrs.frozen(kw_only=True)
class EvaluationResults(Table):
    """The round's evaluation: answers to an evaluation questionnaire, per question.

    A question's figures count its first ``minimum``, ``2 * minimum`` … respondents in the
    order they submitted; a question fewer answered is in :attr:`suppressed` and its record
    holds the :class:`~musframework.model.anonymity.Suppressed` marker. Free-text answers are
    never shown, only how many answered.

    Attributes:
        questionnaire: The evaluation questionnaire's id.
        responses: How many responses were read.
        questions: One result per question that may be shown, in questionnaire order.
        suppressed: The questions withheld (fewer respondents than the minimum).
        minimum: The minimum group size the figures were made with.
        order: Every question id in questionnaire order, shown or withheld.
        locale: The language of texts and of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "question",
        "question_text",
        "type",
        "answer",
        "answer_label",
        "count",
        "share",
        "respondents",
        "mean",
        "suppressed",
    )
    TITLE: ClassVar[str] = "table.title.evaluation-results"

    questionnaire: str
    responses: int
    questions: tuple[QuestionResult, ...]
    suppressed: tuple[SuppressedCell, ...] = ()
    minimum: int = MINIMUM_GROUP_SIZE
    order: tuple[str, ...] = ()
    locale: str = "da"

    def question(self, question_id: str) -> QuestionResult | None:
        """The result of ``question_id``, if it is in the questionnaire and may be shown."""
        return next((q for q in self.questions if q.question == question_id), None)

    def is_suppressed(self, question_id: str) -> bool:
        """Whether the figures of ``question_id`` are withheld."""
        return any(c.question == question_id for c in self.suppressed)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        records: list[dict[str, Any]] = []
        hidden = {c.question: c for c in self.suppressed}
        shown = {q.question: q for q in self.questions}
        for qid in dict.fromkeys([*self.order, *shown, *hidden]):
            if qid in hidden:
                c = hidden[qid]
                records.append(
                    {"question": qid, "question_text": c.text, "type": c.question_type}
                    | {"answer": None, "answer_label": None}
                    | dict.fromkeys(("count", "share", "respondents", "mean"), c.marker)
                    | {"suppressed": True}
                )
                continue
            q = shown[qid]
            base: dict[str, Any] = {"question": q.question, "question_text": q.text, "type": q.type}
            tail = {"respondents": q.respondents, "mean": q.mean, "suppressed": False}
            if not q.answers:
                records.append(
                    {**base, "answer": None, "answer_label": None, "count": q.respondents}
                    | {"share": None, **tail}
                )
            for code, text, count in q.answers:
                share = _mean(count, q.respondents)
                records.append(
                    {**base, "answer": code, "answer_label": text, "count": count}
                    | {"share": share, **tail}
                )
        return records


_COUNTED_TYPES = (
    ScaleQuestion,
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    YesNoQuestion,
    NumberQuestion,
)


def _possible_answers(question: Question, locale: str) -> list[tuple[str, str]]:
    if isinstance(question, ScaleQuestion):
        return [
            (str(v), f"{v} ({lab.get(locale)})" if (lab := question.label_for(v)) else str(v))
            for v in range(question.min, question.max + 1)
        ]
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return [(o.code, o.label.get(locale)) for o in question.options]
    if isinstance(question, YesNoQuestion):
        return [("yes", translate("answer.yes", locale)), ("no", translate("answer.no", locale))]
    return []


def evaluation_results(
    questionnaire: Questionnaire,
    responses: Iterable[Response],
    *,
    role: Role | str | None = None,
    minimum: int = MINIMUM_GROUP_SIZE,
    locale: str = "da",
) -> EvaluationResults:
    """Aggregate the responses to an evaluation questionnaire, per question.

    Counts responses to ``questionnaire``'s id (any version), from every role or only from
    ``role``. Scale answers are counted per point with a mean, choices per option (a multiple
    choice counts each selected option), yes/no as yes and no, numbers as a mean; text
    questions count how many answered (their texts never appear).

    Anonymity: a question's figures count its first ``minimum``, ``2 * minimum`` …
    respondents in the order they submitted (``submitted_at``; those without one after, by
    person id), a person once; a question with fewer is suppressed.
    """
    step = check_minimum_group_size(minimum)
    wanted = None if role is None else Role(role)
    index = {q.id: q for q in questionnaire.questions()}
    arrived: dict[str, list[tuple[tuple[int, str, str], str, Answer]]] = {qid: [] for qid in index}
    n = 0
    for response in responses:
        if response.questionnaire.id != questionnaire.id:
            continue
        if wanted is not None and response.role is not wanted:
            continue
        n += 1
        key = (*_submitted(response), response.person)
        for qid, answer in response.answers.items():
            if qid in index:
                arrived[qid].append((key, response.person, answer))
    results = []
    hidden = []
    for qid, question in index.items():
        seen: set[str] = set()
        answers: list[Answer] = []
        for _, person, answer in sorted(arrived[qid], key=lambda a: a[0]):
            if person not in seen:
                seen.add(person)
                answers.append(answer)
        answers = answers[: counted_in_steps(len(answers), step)]
        text = question.text.get(locale)
        if not answers and arrived[qid]:
            hidden.append(
                SuppressedCell(
                    question=qid,
                    text=text,
                    unit=None,
                    unit_name=label("all_units", locale),
                    marker=Suppressed(step),
                    question_type=question.type_name,
                )
            )
            continue
        counts: Counter[str] = Counter()
        total = 0.0
        for answer in answers:
            if isinstance(answer, ScaleAnswer | NumberAnswer):
                total += answer.value
                if isinstance(answer, ScaleAnswer):
                    counts[str(answer.value)] += 1
            elif isinstance(answer, ChoiceAnswer):
                counts[answer.value] += 1
            elif isinstance(answer, MultipleChoiceAnswer):
                counts.update(answer.value)
            elif isinstance(answer, YesNoAnswer):
                counts["yes" if answer.value else "no"] += 1
        mean = None
        if isinstance(question, ScaleQuestion | NumberQuestion):
            mean = _mean(total, len(answers))
        possible = (
            _possible_answers(question, locale) if isinstance(question, _COUNTED_TYPES) else []
        )
        results.append(
            QuestionResult(
                question=qid,
                text=text,
                type=question.type_name,
                respondents=len(answers),
                mean=mean,
                answers=tuple((code, label_, counts[code]) for code, label_ in possible),
            )
        )
    return EvaluationResults(
        questionnaire=questionnaire.id,
        responses=n,
        questions=tuple(results),
        suppressed=tuple(hidden),
        minimum=step,
        order=tuple(index),
        locale=locale,
    )


# =========================================================================== carry-over


@attrs.frozen
class UnitCarryOver:
    """Carried-over agreements of one unit, by their status now.

    ``counts`` has one count per :class:`AgreementStatus` in enum order.
    """

    unit: str | None
    name: str
    counts: tuple[int, ...]
    not_carried_over: int

    @property
    def carried_over(self) -> int:
        """Agreements continued from the previous round."""
        return sum(self.counts)

    def count(self, status: AgreementStatus | str) -> int:
        """Carried-over agreements now in ``status``."""
        return self.counts[_AGREEMENT_STATUSES.index(AgreementStatus(status))]


@attrs.frozen(kw_only=True)
class CarryOver(Table):
    """Agreements continued from the previous round, and how many of them got done.

    Attributes:
        units: One row per unit (of the current conversation; for agreements not carried
            over, of the previous one).
        unresolved: Agreements whose ``continues`` points at nothing in the previous round.
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        "carried_over",
        *(s.value for s in _AGREEMENT_STATUSES),
        "not_carried_over",
    )
    TITLE: ClassVar[str] = "table.title.carry-over"

    units: tuple[UnitCarryOver, ...]
    unresolved: int = 0
    locale: str = "da"

    @property
    def carried_over(self) -> int:
        """Agreements continued from the previous round."""
        return sum(u.carried_over for u in self.units)

    def count(self, status: AgreementStatus | str) -> int:
        """Carried-over agreements now in ``status``."""
        return sum(u.count(status) for u in self.units)

    @property
    def done(self) -> int:
        """Carried-over agreements now done."""
        return self.count(AgreementStatus.DONE)

    @property
    def done_share(self) -> float | None:
        """Done as a share of the carried-over agreements."""
        return _mean(self.done, self.carried_over)

    @property
    def not_carried_over(self) -> int:
        """Open agreements of the previous round that no agreement continues."""
        return sum(u.not_carried_over for u in self.units)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "unit": u.unit,
                "unit_name": u.name,
                "carried_over": u.carried_over,
                **{s.value: c for s, c in zip(_AGREEMENT_STATUSES, u.counts, strict=True)},
                "not_carried_over": u.not_carried_over,
            }
            for u in self.units
        ]


def carry_over_summary(
    conversations: Iterable[Conversation],
    previous: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    locale: str = "da",
) -> CarryOver:
    """Follow agreements whose ``continues`` points into the previous round's conversations.

    An agreement's ``continues`` is an agreement id in the person's previous conversation:
    the conversation's ``previous`` when it is in ``previous``, otherwise any previous-round
    conversation of the same employee (or group member). Counts the carried-over agreements by
    their status now, and the previous round's open agreements that nothing continues.

    A statistic over a round; :func:`musframework.workflow.carry_over` is the workflow step
    that carries one conversation's open agreements into the next.
    """
    units = _Units(organisation, locale)
    prev_agreements: dict[tuple[str, str], bool] = {}  # key -> open?
    prev_unit: dict[str, str | None] = {}
    prev_by_person: dict[str, list[str]] = {}
    for conversation in previous:
        prev_unit[conversation.id] = units.of(conversation)
        for a in conversation.agreements:
            prev_agreements[(conversation.id, a.id)] = a.is_open
        for p in conversation.participants:
            if p.role in _DEVELOPED:
                prev_by_person.setdefault(p.person, []).append(conversation.id)
    index = {s: i for i, s in enumerate(_AGREEMENT_STATUSES)}
    counts: dict[str | None, list[int]] = {}
    continued: set[tuple[str, str]] = set()
    unresolved = 0
    for conversation in conversations:
        unit: str | None = None
        unit_known = False
        for a in conversation.agreements:
            if a.continues is None:
                continue
            key = None
            if conversation.previous is not None and (
                (conversation.previous, a.continues) in prev_agreements
            ):
                key = (conversation.previous, a.continues)
            else:
                for p in conversation.participants:
                    if p.role in _DEVELOPED:
                        for cid in prev_by_person.get(p.person, ()):
                            if (cid, a.continues) in prev_agreements:
                                key = (cid, a.continues)
                                break
                    if key is not None:
                        break
            if key is None:
                unresolved += 1
                continue
            continued.add(key)
            if not unit_known:
                unit, unit_known = units.of(conversation), True
            row = counts.get(unit)
            if row is None:
                row = counts[unit] = [0] * len(_AGREEMENT_STATUSES)
            row[index[a.status]] += 1
    dropped: Counter[str | None] = Counter()
    for key, is_open in prev_agreements.items():
        if is_open and key not in continued:
            dropped[prev_unit[key[0]]] += 1
    all_units = set(counts) | set(dropped)
    zero = (0,) * len(_AGREEMENT_STATUSES)
    return CarryOver(
        units=tuple(
            UnitCarryOver(u, units.name(u), tuple(counts.get(u, zero)), dropped[u])
            for u in sorted(all_units, key=units.sort_key)
        ),
        unresolved=unresolved,
        locale=locale,
    )
