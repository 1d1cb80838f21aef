"""The derived facts of a round, in one place: scope, coverage, counted agreements, units.

Every layer that reports on a round asks these functions instead of working the facts out
itself: analytics, the round report, the rules, :func:`~musframework.workflow.what_is_due`
and every store's queries (the SQL backends build their queries from the same status groups,
and the storage conformance suite checks them against :func:`counted_agreements`). They are
plain functions over model objects and import nothing above the model (the model itself,
the errors and the catalogue). The decisions are explained in the user guide's "How a round
is counted" (``docs/round-facts.md``).

**Scope** (:func:`round_scope`, over :func:`scope_units`): who a round is for.

* An empty ``Cycle.scope`` means the whole organisation.
* The members of the scope's units and of every unit below them are in scope.
* When the round includes LUS (``CycleSettings.include_lus``, or a LUS round), so are the
  leaders of those units who have a leader above them (``Organisation.nearest_leader``). A
  leader in scope is in scope as a leader, even if also listed as a member somewhere.
* A LUS round has no members in scope, only leaders; a follow-up round has nobody in scope:
  follow-up conversations never cover anyone.

**Which kinds count for whom** (:func:`counted_kinds`): for a member, the round's kind (MUS in
a MUS round, GRUS in a GRUS round), and a GRUS as well where the round says a GRUS replaces
the individual MUS for the member's unit (``CycleSettings.grus_replaces_mus``), unless the
member asked for an individual MUS (``Cycle.mus_requests``, :func:`requested_mus`): then only
a MUS counts for them; for a leader in scope, a LUS. ``FOLLOW_UP`` never counts.

**The form and length of each conversation** (:func:`round_form`, :func:`planned_minutes`):
the round's ``forms`` entry for the kind and the conversation's unit (one naming the unit wins
over one for every unit), else the round's own ``questionnaire``; the length is the entry's
``minutes``, else the form's own minutes, else the round's ``conversation_minutes`` (for
MUS and LUS).

**Coverage** (:func:`round_coverage`): only the round's conversations count (those whose
``cycle`` is the round's id), of a kind that counts for the person, who takes part in it as
the person developed (the employee, or a group member). A person is

* ``covered`` when one of those conversations has been held (held or later);
* ``planned`` when none has been held yet but one is still to come (planned, invited or
  prepared);
* ``cancelled`` (without replacement) when every one of them is cancelled;
* ``missing`` when they have none.

**Agreements that count** (:func:`counted_agreements`): an agreement counts when its
conversation has been held (held or later), and also when it is a carried-over copy
(``continues`` set) in a conversation that is not cancelled. An agreement of a cancelled
conversation was never agreed and does not count, unless it is such a carried-over copy: then
the original it copies counts again. An original carried over into a later conversation that
is not cancelled does not count: the copy does (otherwise last year's open agreement would
stay overdue forever). A copy's original is the agreement ``continues`` names in the
conversation's ``previous`` conversation. Of the agreements that count, one is *open* when
it is neither done nor cancelled, *overdue* on day D when open with a deadline before D, and
*due soon* when open with a deadline from D to D + n days (:func:`agreement_state`).

**The minimum group size** (:func:`minimum_group_size`): the round's
``CycleSettings.minimum_group_size`` (default 5, never below 3); which answers a figure may
count under it is :func:`musframework.model.anonymity.release`.
**Follow-up conversations** (:func:`follow_up_conversations`): a ``FOLLOW_UP`` conversation
that is not cancelled follows up the conversation its ``previous`` names; while it exists, it
(not the conversation it follows up) is where the follow-up is due.

**The strategic thread** (:func:`goal_threads`): the unit goals are those of the round's
GRUS conversations that are concluded or later (``Conversation.goal_thread``); an individual
goal of a MUS or LUS of the round, concluded or later, serves the unit goal its ``serves``
names (unit goal ids are the GRUS's, so they should be unique in the round; the first GRUS
naming an id wins), together with the agreements it lists that are not cancelled. A unit
goal nobody's goal serves is *unserved*.

**The round's own steps** (:func:`round_steps`): seed 004's five, in order, each as recorded
in ``Cycle.steps`` or not yet; a step without its own ``due`` is due four weeks before the
period (inform the leaders), three weeks before (inform the employees), the invitation lead
days before (send the forms), on the period's last day (hold the conversations) and four
weeks after it (evaluate). Evaluating closes the round (``Cycle.closed``).

**Common needs** (:func:`common_needs`): per unit and learning method, the people whose
agreements that count (not cancelled, owned by a person the conversation develops) name that
method; a need shared by at least the minimum group size
(:func:`musframework.model.anonymity.is_reportable`) is one to propose as a group activity
for the unit's next GRUS (one of the conversations given, not yet held); the others are only
counted as withheld.

**The unit of a conversation** (:func:`unit_of`): its own ``unit``, else the unit of the
person it develops in the organisation (the unit they are a member of, else the first unit
they lead).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import InvalidValueError
from musframework.model.agreement import Agreement, AgreementStatus, LearningMethod
from musframework.model.anonymity import (
    MINIMUM_GROUP_SIZE,
    check_minimum_group_size,
    is_reportable,
)
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.cycle import Cycle, RoundForm, RoundStep, RoundStepKind
from musframework.model.goals import Goal
from musframework.model.kinds import ConversationKind, Role
from musframework.model.organisation import Organisation
from musframework.model.people import OrgUnit
from musframework.model.questionnaire import Questionnaire
from musframework.model.response import QuestionnaireRef
from musframework.model.source import in_passes

__all__ = [
    "AgreementState",
    "CommonNeed",
    "CountedAgreement",
    "CoverageState",
    "GoalThread",
    "OverdueFilter",
    "PersonCoverage",
    "ScopeEntry",
    "ServingGoal",
    "agreement_counts",
    "agreement_state",
    "common_needs",
    "counted_agreements",
    "counted_kinds",
    "coverage_gaps",
    "coverage_states",
    "due_agreements",
    "follow_up_conversations",
    "form_minutes",
    "goal_threads",
    "home_unit",
    "in_round",
    "minimum_group_size",
    "overdue_filter",
    "planned_minutes",
    "requested_mus",
    "round_coverage",
    "round_form",
    "round_scope",
    "round_steps",
    "scope_units",
    "superseded_agreements",
    "unit_of",
]

_K = ConversationKind
_HELD = ConversationStatus.HELD_OR_LATER
_TO_COME = ConversationStatus.NOT_YET_HELD
_CANCELLED = ConversationStatus.CANCELLED
_OPEN = AgreementStatus.OPEN_OR_IN_PROGRESS
_DEVELOPED = (Role.EMPLOYEE, Role.GROUP_MEMBER)
_HELD_VALUES = frozenset(s.value for s in _HELD)
_TO_COME_VALUES = frozenset(s.value for s in _TO_COME)


# =========================================================================== units


def home_unit(organisation: Organisation, person: str) -> str | None:
    """The unit of ``person``: the unit they are a member of, else the first unit they lead."""
    unit = organisation.unit_of(person)
    if unit is not None:
        return unit.id
    led = organisation.units_led_by(person)
    return led[0].id if led else None


def unit_of(conversation: Conversation, organisation: Organisation | None = None) -> str | None:
    """The unit of a conversation: its own ``unit``, else that of the person it develops.

    The person developed is the first employee or group member (see :func:`home_unit`);
    without an organisation only the conversation's own ``unit`` is known.
    """
    if conversation.unit is not None or organisation is None:
        return conversation.unit
    for p in conversation.participants:
        if p.role in _DEVELOPED:
            return home_unit(organisation, p.person)
    return None


def minimum_group_size(cycle: Cycle | None) -> int:
    """The fewest people whose answers one figure of ``cycle`` may show.

    The round's ``settings.minimum_group_size``; without a round, the default
    (:data:`musframework.model.anonymity.MINIMUM_GROUP_SIZE`).
    """
    if cycle is None:
        return MINIMUM_GROUP_SIZE
    return check_minimum_group_size(cycle.settings.minimum_group_size)


# =========================================================================== forms


def round_form(
    cycle: Cycle, kind: ConversationKind, unit: str | None = None
) -> QuestionnaireRef | None:
    """The form a conversation of ``kind`` in ``unit`` uses in ``cycle``.

    The round's ``forms`` entry for the kind naming ``unit``, else its entry for every unit,
    else the round's own ``questionnaire``.
    """
    entry = _form_entry(cycle, kind, unit)
    return cycle.questionnaire if entry is None else entry.questionnaire


def _form_entry(cycle: Cycle, kind: ConversationKind, unit: str | None) -> RoundForm | None:
    general = None
    for entry in cycle.forms:
        if entry.kind is not kind:
            continue
        if entry.units:
            if unit is not None and unit in entry.units:
                return entry
        elif general is None:
            general = entry
    return general


def planned_minutes(
    cycle: Cycle,
    kind: ConversationKind,
    unit: str | None = None,
    *,
    form: Questionnaire | None = None,
) -> int | None:
    """The planned length in minutes of a conversation of ``kind`` in ``unit``.

    With a ``forms`` entry for the kind: its ``minutes``, else the minutes of ``form`` (the
    sum of its sections). Without one: the round's ``conversation_minutes`` for a MUS or LUS;
    for other kinds the minutes of ``form``. ``None`` when nothing says (the caller decides,
    as planning does for a GRUS or a follow-up).
    """
    entry = _form_entry(cycle, kind, unit)
    if entry is not None and entry.minutes is not None:
        return entry.minutes
    if entry is None and (kind is _K.MUS or kind is _K.LUS):
        return cycle.settings.conversation_minutes
    if form is not None and form.total_minutes:
        return form.total_minutes
    if kind is _K.MUS or kind is _K.LUS:
        return cycle.settings.conversation_minutes
    return None


def form_minutes(cycle: Cycle, form: Questionnaire) -> tuple[int, ...]:
    """The lengths ``cycle`` plans for the conversations that use ``form``, without repeats.

    Each ``forms`` entry naming the form gives its ``minutes`` (an entry without minutes
    takes the form's own and gives none). A form no entry names is held against the round's
    ``conversation_minutes`` when it is the round's ``questionnaire`` or suits the round's
    kind; otherwise the round does not use it and nothing is planned for it.
    """
    ref = form.ref
    named = [e for e in cycle.forms if e.questionnaire == ref]
    if named:
        return tuple(dict.fromkeys(e.minutes for e in named if e.minutes is not None))
    if cycle.questionnaire == ref or cycle.kind in form.kinds:
        return (cycle.settings.conversation_minutes,)
    return ()


def requested_mus(cycle: Cycle) -> frozenset[str]:
    """The people who asked for an individual MUS in ``cycle`` (``Cycle.mus_requests``)."""
    return frozenset(r.person for r in cycle.mus_requests)


# =========================================================================== scope


@attrs.frozen
class ScopeEntry:
    """One person in a round's scope.

    Attributes:
        person: The person id.
        unit: The unit through which they are in scope (the unit they are a member of, or,
            for a leader, the first unit in scope they lead).
        leader: Whether they are in scope as a leader (a LUS counts for them).
        kinds: The kinds of conversation that count for them (:func:`counted_kinds`).
    """

    person: str
    unit: str
    leader: bool
    kinds: frozenset[ConversationKind]


def scope_units(cycle: Cycle, organisation: Organisation) -> tuple[OrgUnit, ...]:
    """The units of the round, in organisation order.

    The scope's units and every unit below them; every unit when the scope is empty.
    """
    return organisation.subtree(cycle.scope) if cycle.scope else organisation.units


def counted_kinds(
    cycle: Cycle, unit: str, *, leader: bool, person: str | None = None
) -> frozenset[ConversationKind]:
    """The kinds of conversation that count for someone in ``cycle``'s scope.

    For a leader in scope, a LUS. For a member of ``unit``, the round's kind, and a GRUS too
    where ``cycle.settings.grus_replaces_mus`` names ``unit``, unless ``person`` asked for
    an individual MUS (:func:`requested_mus`): then only a MUS. ``FOLLOW_UP`` never counts.
    """
    if leader:
        return frozenset({_K.LUS})
    kind = cycle.kind
    if kind is _K.FOLLOW_UP or kind is _K.LUS:
        return frozenset()
    if kind is _K.MUS and unit in cycle.settings.grus_replaces_mus:
        if person is not None and person in requested_mus(cycle):
            return frozenset({_K.MUS})
        return frozenset({_K.MUS, _K.GRUS})
    return frozenset({kind})


def round_scope(cycle: Cycle, organisation: Organisation) -> tuple[ScopeEntry, ...]:
    """Everyone in the round's scope, each once: members first, then leaders, in org order.

    See the module documentation for the rules.
    """
    return tuple(ScopeEntry(*entry) for entry in _scope(cycle, organisation))


def _scope(
    cycle: Cycle, organisation: Organisation
) -> list[tuple[str, str, bool, frozenset[ConversationKind]]]:
    """:func:`round_scope` as plain tuples (coverage reads them without an object each)."""
    if cycle.kind is _K.FOLLOW_UP:
        return []
    units = scope_units(cycle, organisation)
    leaders: dict[str, str] = {}
    if cycle.settings.include_lus or cycle.kind is _K.LUS:
        for unit in units:
            boss = unit.leader
            if boss is not None and boss not in leaders and organisation.nearest_leader(boss):
                leaders[boss] = unit.id
    entries: list[tuple[str, str, bool, frozenset[ConversationKind]]] = []
    if cycle.kind is not _K.LUS:
        seen: set[str] = set()
        requested = requested_mus(cycle)
        for unit in units:
            kinds = counted_kinds(cycle, unit.id, leader=False)  # the same for most members
            uid = unit.id
            for member in unit.members:
                if member in seen or member in leaders:
                    continue
                seen.add(member)
                if member in requested:  # only a MUS covers someone who asked for one
                    entries.append(
                        (member, uid, False, counted_kinds(cycle, uid, leader=False, person=member))
                    )
                else:
                    entries.append((member, uid, False, kinds))
    lus = frozenset({_K.LUS})
    entries.extend((person, unit, True, lus) for person, unit in leaders.items())
    return entries


# =========================================================================== coverage


class CoverageState(enum.Enum):
    """Where a person in scope stands in the round (see :func:`round_coverage`)."""

    COVERED = "covered"
    PLANNED = "planned"
    CANCELLED = "cancelled"
    MISSING = "missing"


_PLANNED = CoverageState.PLANNED


@attrs.frozen
class PersonCoverage:
    """One person in scope and how far their conversation is.

    Attributes:
        person: The person id.
        unit: The unit through which they are in scope.
        leader: Whether they are in scope as a leader.
        state: Covered, planned, cancelled (without replacement) or missing.
        conversations: The ids of the round's conversations that count for them, in the
            order given.
    """

    person: str
    unit: str
    leader: bool
    state: CoverageState
    conversations: tuple[str, ...] = ()


def in_round(cycle: Cycle, conversation: Conversation) -> bool:
    """Whether ``conversation`` belongs to ``cycle`` (its ``cycle`` is the round's id)."""
    return conversation.cycle == cycle.id


def round_coverage(
    cycle: Cycle, conversations: Iterable[Conversation], organisation: Organisation
) -> tuple[PersonCoverage, ...]:
    """Everyone in the round's scope with their coverage state, in :func:`round_scope` order.

    Reads ``conversations`` once; those of other rounds are ignored (:func:`in_round`).
    """
    return tuple(_coverage(cycle, conversations, organisation, gaps_only=False, ids=True))


def coverage_gaps(
    cycle: Cycle, conversations: Iterable[Conversation], organisation: Organisation
) -> Iterator[PersonCoverage]:
    """The people of :func:`round_coverage` who are ``missing`` or ``cancelled``, in order.

    The same answer as filtering :func:`round_coverage`, without an entry per person covered.
    """
    return _coverage(cycle, conversations, organisation, gaps_only=True, ids=True)


def coverage_states(
    cycle: Cycle, conversations: Iterable[Conversation], organisation: Organisation
) -> Iterator[PersonCoverage]:
    """The people of :func:`round_coverage` one at a time, without their conversations.

    The same people, units and states in the same order, each with ``conversations`` left
    empty: what counts of a round of a million need, without a list of ids per person.
    """
    return _coverage(cycle, conversations, organisation, gaps_only=False, ids=False)


_COUNTED, _WAS_HELD, _IS_TO_COME = 1, 2, 4  # bits of what the round holds for a person


def _coverage(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    organisation: Organisation,
    *,
    gaps_only: bool,
    ids: bool,
) -> Iterator[PersonCoverage]:
    scope = _scope(cycle, organisation)
    if not scope:
        return
    # The kinds that count for each person, as enum values: a string's hash is cached, an
    # enum member's is computed in Python at every lookup (a third of the time, before).
    values: dict[frozenset[ConversationKind], frozenset[str]] = {}
    kinds: dict[str, frozenset[str]] = {}
    for person, _, _, counted in scope:
        wanted = values.get(counted)
        if wanted is None:
            wanted = values[counted] = frozenset(k.value for k in counted)
        kinds[person] = wanted
    held_values, to_come_values = _HELD_VALUES, _TO_COME_VALUES
    employee, member = _DEVELOPED
    round_id = cycle.id
    # person -> bits (a small int, shared): counted, held, to come. The ids of the
    # conversations that count are kept only where they are given back: for a gap, only
    # until the person has a held or coming conversation.
    # Everyone in scope starts at 0: one lookup tells who is in scope and what they have.
    found: dict[str, int] = dict.fromkeys(kinds, 0)
    ids_of: dict[str, list[str]] = {}
    covering = _WAS_HELD | _IS_TO_COME
    # Mostly the same kinds count for everyone in scope: then a conversation of another kind
    # is passed over whole, and its participants need no look at their own kinds.
    same = next(iter(values.values())) if len(values) == 1 else None
    last_status: ConversationStatus | None = None
    bits = _COUNTED
    for c in conversations:
        if c.cycle != round_id:  # in_round(cycle, c), inline: the hot loop
            continue
        kind, status = c.kind._value_, c.status
        if same is not None and kind not in same:
            continue
        if status is not last_status:  # a round's conversations mostly share their status
            last_status, value = status, status._value_
            if value in held_values:
                bits = _COUNTED | _WAS_HELD
            elif value in to_come_values:
                bits = _COUNTED | _IS_TO_COME
            else:
                bits = _COUNTED
        for p in c.participants:
            role = p.role
            if role is not employee and role is not member:
                continue
            person = p.person
            now = found.get(person)
            if now is None or (same is None and kind not in kinds[person]):
                continue  # not in scope, or a kind that does not count for them
            now |= bits
            found[person] = now
            if not ids:
                continue
            if gaps_only and now & covering:
                if ids_of:  # mostly empty: no call for every person covered
                    ids_of.pop(person, None)
                continue
            listed = ids_of.get(person)
            if listed is None:
                ids_of[person] = [c.id]
            elif c.id not in listed:
                listed.append(c.id)
    missing, covered, planned = CoverageState.MISSING, CoverageState.COVERED, _PLANNED
    for person, unit, leader, _ in scope:
        now = found.get(person, 0)
        if not now:
            yield PersonCoverage(person, unit, leader, missing)
            continue
        if now & covering:
            if not gaps_only:
                state = covered if now & _WAS_HELD else planned
                yield PersonCoverage(person, unit, leader, state, tuple(ids_of.get(person, ())))
            continue
        yield PersonCoverage(
            person, unit, leader, CoverageState.CANCELLED, tuple(ids_of.get(person, ()))
        )


# =========================================================================== follow-ups


def follow_up_conversations(conversations: Iterable[Conversation]) -> dict[str, Conversation]:
    """The follow-up conversation of each conversation followed up, by the latter's id.

    A ``FOLLOW_UP`` conversation that is not cancelled and names the conversation it
    follows up in ``previous``; the first one found wins.
    """
    found: dict[str, Conversation] = {}
    for c in conversations:
        if c.kind is _K.FOLLOW_UP and c.previous is not None and c.status is not _CANCELLED:
            found.setdefault(c.previous, c)
    return found


# =========================================================================== round steps


def round_steps(cycle: Cycle) -> tuple[RoundStep, ...]:
    """Seed 004's five steps of ``cycle``, in order, each with its due date.

    A step recorded in ``Cycle.steps`` is given as recorded (the last record of a step
    wins), with the default due date when it has none; the others as not done.
    """
    recorded = {s.step: s for s in cycle.steps}
    start, end = cycle.period.start, cycle.period.end
    defaults = {
        RoundStepKind.INFORM_LEADERS: start.subtract(weeks=4),
        RoundStepKind.INFORM_EMPLOYEES: start.subtract(weeks=3),
        RoundStepKind.SEND_FORMS: start.subtract(days=cycle.settings.invitation_lead_days),
        RoundStepKind.HOLD_CONVERSATIONS: end,
        RoundStepKind.EVALUATE: end.add(weeks=4),
    }
    steps = []
    for kind in RoundStepKind:
        step = recorded.get(kind) or RoundStep(step=kind)
        if step.due is None:
            step = attrs.evolve(step, due=defaults[kind])
        steps.append(step)
    return tuple(steps)


# =========================================================================== goals


@attrs.frozen
class ServingGoal:
    """An individual goal serving a unit goal, with where it was agreed.

    Attributes:
        conversation: The id of the MUS or LUS.
        person: The person it develops.
        goal: The individual goal.
        agreements: The ids of the agreements it lists that are not cancelled.
    """

    conversation: str
    person: str | None
    goal: Goal
    agreements: tuple[str, ...] = ()


@attrs.frozen
class GoalThread:
    """One unit goal and what serves it (see :func:`goal_threads`).

    Attributes:
        unit: The unit of the GRUS that agreed it.
        conversation: The id of that GRUS.
        goal: The unit goal.
        organisation_goal: The round's goal it serves, when ``serves`` names one.
        goals: The individual goals serving it, in the order given.
    """

    unit: str | None
    conversation: str
    goal: Goal
    organisation_goal: Goal | None
    goals: tuple[ServingGoal, ...] = ()

    @property
    def agreements(self) -> int:
        """How many agreements work towards it (through the individual goals)."""
        return sum(len(g.agreements) for g in self.goals)

    @property
    def served(self) -> bool:
        """Whether some individual goal serves it."""
        return bool(self.goals)


_CONCLUDED = ConversationStatus.CONCLUDED_OR_LATER


def goal_threads(cycle: Cycle, conversations: Iterable[Conversation]) -> tuple[GoalThread, ...]:
    """Every unit goal of the round with the individual goals and agreements that serve it.

    In the order the GRUS conversations and their goals are given; see the module
    documentation for which conversations count.
    """
    convs = in_passes(conversations)  # two passes: the unit goals, then who serves them
    top = {g.id: g for g in cycle.goals}
    units: dict[str, tuple[str | None, str, Goal]] = {}
    for c in convs:
        if c.kind is _K.GRUS and c.goal_thread and _concluded_in(cycle, c):
            for g in c.goal_thread:
                units.setdefault(g.id, (c.unit, c.id, g))
    serving: dict[str, list[ServingGoal]] = {}
    for c in convs:
        if c.kind is _K.GRUS or c.kind is _K.FOLLOW_UP or not c.goal_thread:
            continue
        if not _concluded_in(cycle, c):
            continue
        live = {a.id for a in c.agreements if a.status is not AgreementStatus.CANCELLED}
        for g in c.goal_thread:
            if g.serves in units:
                kept = tuple(a for a in g.agreements if a in live)
                serving.setdefault(g.serves, []).append(ServingGoal(c.id, c.employee, g, kept))
    return tuple(
        GoalThread(
            unit=unit,
            conversation=grus,
            goal=goal,
            organisation_goal=None if goal.serves is None else top.get(goal.serves),
            goals=tuple(serving.get(gid, ())),
        )
        for gid, (unit, grus, goal) in units.items()
    )


def _concluded_in(cycle: Cycle, c: Conversation) -> bool:
    return in_round(cycle, c) and c.status in _CONCLUDED


# =========================================================================== common needs


@attrs.frozen
class CommonNeed:
    """A learning method several people of a unit agreed on (see :func:`common_needs`).

    Attributes:
        unit: The unit (:func:`unit_of` the conversations).
        learning_method: The method they share.
        people: How many people (at least the minimum group size).
        grus: The id of the unit's next GRUS among the conversations, if one is to come.
    """

    unit: str | None
    learning_method: LearningMethod
    people: int
    grus: str | None = None


def common_needs(
    conversations: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    minimum_group_size: int = MINIMUM_GROUP_SIZE,
) -> tuple[tuple[CommonNeed, ...], int]:
    """The needs shared across each unit that are large enough to propose, and how many not.

    Returns the needs in the order first seen, and the number of unit-and-method groups
    withheld for being smaller than ``minimum_group_size``.

    Raises:
        InvalidValueError: when ``minimum_group_size`` is below the lowest allowed.
    """
    convs = in_passes(conversations)
    people: dict[tuple[str | None, LearningMethod], set[str]] = {}
    for counted in counted_agreements(convs):
        a, c = counted.agreement, counted.conversation
        if a.learning_method is None or a.status is AgreementStatus.CANCELLED:
            continue
        if a.owner is None or a.owner not in c.developed:
            continue
        people.setdefault((unit_of(c, organisation), a.learning_method), set()).add(a.owner)
    next_grus: dict[str | None, str] = {}
    for c in convs:
        if c.kind is _K.GRUS and c.status in _TO_COME:
            next_grus.setdefault(unit_of(c, organisation), c.id)
    needs = []
    withheld = 0
    for (unit, method), who in people.items():
        if is_reportable(len(who), minimum_group_size):
            needs.append(CommonNeed(unit, method, len(who), next_grus.get(unit)))
        else:
            withheld += 1
    return tuple(needs), withheld


# =========================================================================== agreements


def superseded_agreements(conversations: Iterable[Conversation]) -> frozenset[tuple[str, str]]:
    """The originals carried over into a later conversation that is not cancelled.

    As ``(conversation id, agreement id)``: for each copy (``continues`` set) in a
    conversation that is not cancelled, its ``previous`` conversation and ``continues``.
    """
    return frozenset(
        (c.previous, a.continues)
        for c in conversations
        if c.previous is not None and c.status is not _CANCELLED
        for a in c.agreements
        if a.continues is not None
    )


def agreement_counts(
    conversation: Conversation,
    agreement: Agreement,
    superseded: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> bool:
    """Whether ``agreement`` of ``conversation`` counts (see the module documentation).

    ``superseded`` is :func:`superseded_agreements` of the conversations looked at.
    """
    status = conversation.status
    if status in _HELD:
        eligible = True
    else:
        eligible = agreement.continues is not None and status is not _CANCELLED
    return eligible and (conversation.id, agreement.id) not in superseded


@attrs.frozen
class CountedAgreement:
    """An agreement that counts, with the conversation it belongs to and its position."""

    conversation: Conversation
    position: int
    agreement: Agreement


def counted_agreements(conversations: Iterable[Conversation]) -> Iterator[CountedAgreement]:
    """The agreements that count among ``conversations``, in the order given.

    Reads ``conversations`` twice (the carry-overs need every conversation first): a list,
    a tuple or a :class:`~musframework.model.source.ConversationSource` as it is, anything
    else read into a tuple first (see :func:`~musframework.model.source.in_passes`).
    """
    convs = in_passes(conversations)
    superseded = superseded_agreements(convs)
    held = _HELD
    for c in convs:
        if not c.agreements:
            continue
        status = c.status
        all_eligible = status in held
        if not all_eligible and status is _CANCELLED:
            continue
        cid = c.id
        for i, a in enumerate(c.agreements):
            if (all_eligible or a.continues is not None) and (cid, a.id) not in superseded:
                yield CountedAgreement(c, i, a)


class AgreementState(enum.Enum):
    """Where an agreement that counts stands on a day (see :func:`agreement_state`)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    CLOSED = "closed"


@attrs.frozen
class OverdueFilter:
    """What "overdue on a day" means, as the filters of a store query.

    An agreement that counts is overdue when its status is one of ``statuses`` and it has a
    deadline before ``deadline_before``: exactly when :func:`agreement_state` says
    ``OVERDUE``. The stores build their SQL from this (``Store.overdue_agreements``).

    Attributes:
        statuses: The statuses of an agreement still to be done (open or in progress).
        deadline_before: The day the deadline must be before.
    """

    statuses: frozenset[AgreementStatus]
    deadline_before: pendulum.Date


def overdue_filter(on: pendulum.Date) -> OverdueFilter:
    """The filters that select the agreements overdue on the day ``on`` (see the class)."""
    return OverdueFilter(_OPEN, on)


def agreement_state(
    agreement: Agreement, *, on: pendulum.Date, within_days: int = 0
) -> AgreementState:
    """Where ``agreement`` stands on the day ``on``, looking ``within_days`` days ahead.

    ``OVERDUE`` (open, deadline before ``on``), ``DUE_SOON`` (open, deadline from ``on`` to
    ``within_days`` days later), ``OPEN`` (open otherwise, or without a deadline) or
    ``CLOSED`` (done or cancelled). Whether it counts at all is :func:`agreement_counts`.
    """
    if agreement.status not in _OPEN:
        return AgreementState.CLOSED
    deadline = agreement.deadline
    if deadline is None:
        return AgreementState.OPEN
    if deadline < on:
        return AgreementState.OVERDUE
    if deadline <= on.add(days=within_days):
        return AgreementState.DUE_SOON
    return AgreementState.OPEN


def due_agreements(
    conversations: Iterable[Conversation], *, on: pendulum.Date, within_days: int = 0
) -> Iterator[tuple[AgreementState, CountedAgreement]]:
    """The agreements that count and are overdue on ``on`` or due within ``within_days``.

    In the order given; ``within_days=0`` still lists those due on ``on`` itself.
    """
    if not isinstance(on, pendulum.Date):
        raise InvalidValueError(
            Message("value.expected", {"expected": Message("value.date"), "got": repr(on)})
        )
    for counted in counted_agreements(conversations):
        state = agreement_state(counted.agreement, on=on, within_days=within_days)
        if state is AgreementState.OVERDUE or state is AgreementState.DUE_SOON:
            yield state, counted
