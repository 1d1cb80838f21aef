"""The vocabulary of access decisions: viewers, actions, parts, leader changes.

A decision answers "may this :class:`Viewer` do this :class:`Action` on this object (or this
:class:`Part` of it, or this item in that part)". The organisation says who leads whom *now*;
:class:`LeaderChange` records say *when* a reporting line changed, so a former leader keeps
what they held before the change and nothing after it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from musframework.model.history import LeaderChange as LeaderChange  # documented in the model

__all__ = ["Action", "Capacity", "Part", "Viewer"]


class Capacity(enum.StrEnum):
    """Capacities a viewer holds beyond their place in the organisation.

    Capacities are plain strings, so a custom policy can define its own (``"auditor"``);
    the default policy knows ``HR``.
    """

    HR = "hr"


def _capacities(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v) for v in values)


@attrs.frozen
class Viewer:
    """The person asking, with their capacities.

    >>> Viewer("hr1", {Capacity.HR}).is_hr
    True

    Attributes:
        person: The person id (as in :class:`~musframework.Organisation` and participants).
        capacities: Capacities such as :attr:`Capacity.HR`.
    """

    person: str
    capacities: frozenset[str] = attrs.field(factory=frozenset, converter=_capacities)

    @property
    def is_hr(self) -> bool:
        """Whether the viewer acts for HR."""
        return Capacity.HR in self.capacities

    def has(self, capacity: str) -> bool:
        """Whether the viewer holds ``capacity``."""
        return str(capacity) in self.capacities


class Action(enum.Enum):
    """What the viewer wants to do."""

    VIEW = "view"
    EDIT = "edit"
    SIGN = "sign"
    SHARE = "share"
    EXPORT = "export"


class Part(enum.Enum):
    """The parts of a conversation (and of a plan) that access is decided for.

    * ``SCHEDULE``: participants, time, duration, place, agenda, invitation, when it was held.
    * ``RESPONSES``: the preparation responses (each decided on its own).
    * ``NOTES``: notes (each decided on its own; private notes are their author's only).
    * ``CONCLUSIONS``: conclusions, goals, changes in practice, follow-up and next dates: the
      plan's text.
    * ``AGREEMENTS``: agreements with their history, and the follow-up record.
    * ``SIGNATURES``: signatures.

    A :class:`~musframework.DevelopmentPlan` has ``CONCLUSIONS`` (goals, practice changes,
    dates), ``AGREEMENTS`` (its activities) and ``SIGNATURES``; its ids (conversation, person,
    leader) count as its ``SCHEDULE``.
    """

    SCHEDULE = "schedule"
    RESPONSES = "responses"
    NOTES = "notes"
    CONCLUSIONS = "conclusions"
    AGREEMENTS = "agreements"
    SIGNATURES = "signatures"
