"""The strategic thread and the unit's common needs (seed 003 §2 and §3).

* :func:`goal_thread_summary`: per unit goal agreed in a GRUS, the individual goals and
  agreements that serve it, and the unit goals nobody works on (the round fact
  :func:`musframework.model.round.goal_threads`);
* :func:`group_activities`: the learning methods several people of a unit agreed on, as
  proposals for group activities in the unit's next GRUS; only groups of at least the
  minimum group size (:func:`musframework.model.anonymity.is_reportable`) are proposed, and
  with a viewer and a policy only the agreements the viewer may see are gathered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from musframework.analytics._table import Table
from musframework.analytics.figures import _Units
from musframework.model import Conversation, Cycle, LearningMethod, Organisation
from musframework.model.anonymity import MINIMUM_GROUP_SIZE
from musframework.model.round import common_needs, goal_threads, in_round
from musframework.policy import Action, Part, Policy, Viewer

__all__ = [
    "GoalThreads",
    "GroupActivities",
    "GroupActivity",
    "UnitGoalRow",
    "goal_thread_summary",
    "group_activities",
]


# =========================================================================== goals


@attrs.frozen(kw_only=True)
class UnitGoalRow:
    """One unit goal and how many individual goals and agreements serve it."""

    unit: str | None
    name: str
    goal: str
    text: str
    organisation_goal: str | None
    individual_goals: int
    agreements: int

    @property
    def served(self) -> bool:
        """Whether some individual goal serves it."""
        return self.individual_goals > 0


@attrs.frozen(kw_only=True)
class GoalThreads(Table):
    """The strategic thread of a round: every unit goal with what serves it.

    Attributes:
        rows: One row per unit goal, in unit order.
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        "goal",
        "text",
        "organisation_goal",
        "individual_goals",
        "agreements",
    )
    TITLE: ClassVar[str] = "table.title.goal-threads"

    rows: tuple[UnitGoalRow, ...]
    locale: str = "da"

    @property
    def unserved(self) -> tuple[UnitGoalRow, ...]:
        """The unit goals no individual goal serves."""
        return tuple(r for r in self.rows if not r.served)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "unit": r.unit,
                "unit_name": r.name,
                "goal": r.goal,
                "text": r.text,
                "organisation_goal": r.organisation_goal,
                "individual_goals": r.individual_goals,
                "agreements": r.agreements,
            }
            for r in self.rows
        ]


def goal_thread_summary(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    locale: str = "da",
) -> GoalThreads:
    """Per unit goal of the round: its organisation goal, the individual goals and agreements.

    The counts come from :func:`musframework.model.round.goal_threads`; ``unserved`` lists
    the unit goals nobody works on. Counts of goals are no answers, so no group is hidden.
    """
    units = _Units(organisation, locale)
    threads = goal_threads(cycle, conversations)
    rows = [
        UnitGoalRow(
            unit=t.unit,
            name=units.name(t.unit),
            goal=t.goal.id,
            text=t.goal.text,
            organisation_goal=None if t.organisation_goal is None else t.organisation_goal.id,
            individual_goals=len(t.goals),
            agreements=t.agreements,
        )
        for t in threads
    ]
    order = {id(r): i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (units.sort_key(r.unit), order[id(r)]))
    return GoalThreads(rows=tuple(rows), locale=locale)


# =========================================================================== group activities


@attrs.frozen(kw_only=True)
class GroupActivity:
    """A proposed group activity: a learning method several people of a unit agreed on.

    Attributes:
        unit: The unit.
        name: The unit's name.
        learning_method: The method they share (mentoring, on-the-job training, ...).
        people: How many people of the unit have an agreement with it (at least the
            minimum group size).
        grus: The id of the unit's next GRUS in the round, if one is planned (not yet held).
    """

    unit: str | None
    name: str
    learning_method: LearningMethod
    people: int
    grus: str | None = None


@attrs.frozen(kw_only=True)
class GroupActivities(Table):
    """Proposed group activities from the needs shared across each unit (seed 003 §3).

    Attributes:
        activities: One per unit and learning method shared by enough people, in unit order,
            the most shared first.
        minimum_group_size: The smallest group proposed.
        withheld: How many unit-and-method groups were too small to propose.
        locale: The language of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("unit", "unit_name", "learning_method", "people", "grus")
    TITLE: ClassVar[str] = "table.title.group-activities"
    TRANSLATED: ClassVar[dict[str, tuple[type[LearningMethod], ...]]] = {
        "learning_method": (LearningMethod,)
    }

    activities: tuple[GroupActivity, ...]
    minimum_group_size: int = MINIMUM_GROUP_SIZE
    withheld: int = 0
    locale: str = "da"

    def for_unit(self, unit: str) -> tuple[GroupActivity, ...]:
        """The proposals for one unit."""
        return tuple(a for a in self.activities if a.unit == unit)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [
            {
                "unit": a.unit,
                "unit_name": a.name,
                "learning_method": a.learning_method.value,
                "people": a.people,
                "grus": a.grus,
            }
            for a in self.activities
        ]


def group_activities(
    conversations: Iterable[Conversation],
    *,
    cycle: Cycle | None = None,
    organisation: Organisation | None = None,
    viewer: Viewer | None = None,
    policy: Policy | None = None,
    minimum_group_size: int = MINIMUM_GROUP_SIZE,
    locale: str = "da",
) -> GroupActivities:
    """Gather the learning methods agreed across each unit's conversations; propose the shared.

    The needs are the round fact :func:`musframework.model.round.common_needs`: every
    agreement that counts, is not cancelled and names a learning method counts for the
    person it develops; a method shared by at least ``minimum_group_size`` people of a unit
    (:func:`~musframework.model.anonymity.is_reportable`) becomes a proposal for the unit's
    next GRUS (a GRUS not yet held); smaller groups are only counted (``withheld``), so
    nobody's own need is singled out. With
    ``viewer`` and ``policy``, a conversation counts only when the policy lets the viewer see
    its agreements. With ``cycle``, only the round's conversations count.
    """
    units = _Units(organisation, locale)
    convs = [c for c in conversations if cycle is None or in_round(cycle, c)]
    if viewer is not None and policy is not None:
        convs = [c for c in convs if policy.allows(viewer, Action.VIEW, c, Part.AGREEMENTS)]
    needs, withheld = common_needs(
        convs, organisation=organisation, minimum_group_size=minimum_group_size
    )
    methods = list(LearningMethod)
    proposals = [
        GroupActivity(
            unit=n.unit,
            name=units.name(n.unit),
            learning_method=n.learning_method,
            people=n.people,
            grus=n.grus,
        )
        for n in needs
    ]
    proposals.sort(
        key=lambda a: (units.sort_key(a.unit), -a.people, methods.index(a.learning_method))
    )
    return GroupActivities(
        activities=tuple(proposals),
        minimum_group_size=minimum_group_size,
        withheld=withheld,
        locale=locale,
    )
