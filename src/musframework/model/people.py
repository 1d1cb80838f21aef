"""People and organisation: :class:`Person`, :class:`OrgUnit` and :class:`Group`.

Documents refer to each other by id (a unit lists its members' person ids), so every object
serialises on its own and a store can keep them apart.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

__all__ = ["Group", "OrgUnit", "Person", "unique_ids"]


def unique_ids(values: Iterable[str]) -> tuple[str, ...]:
    """The ids in the caller's order without repeats: a member listed twice is one member.

    The converter of every id list in the model. It changes what a document says (a repeat is
    dropped), so the msgspec loading path builds classes that use it with their ``__init__``.
    """
    return tuple(dict.fromkeys(values))


@attrs.frozen(kw_only=True)
class Person:
    """A person who takes part in conversations.

    Attributes:
        id: A stable identifier (never the name: names change and are personal data).
        name: The display name.
        email: An optional e-mail address, used for invitations and calendar entries.
        start_date: The first day of their employment, when known (an HR import sets it).
        end_date: The last day of their employment, when it is known to end.
    """

    SCHEMA_VERSION = 1

    id: str
    name: str
    email: str | None = None
    start_date: pendulum.Date | None = attrs.field(default=None, repr=False)
    end_date: pendulum.Date | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class OrgUnit:
    """An organisational unit (afdeling): its leader, members and parent unit.

    Attributes:
        id: A stable identifier.
        name: The unit's name.
        leader: The person id of the unit's leader (nearest leader of its members), if any.
        members: Person ids of the employees in the unit (not including the leader).
        parent: The id of the unit above, or ``None`` for the top.
    """

    SCHEMA_VERSION = 1

    id: str
    name: str
    leader: str | None = None
    members: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    parent: str | None = None

    def with_member(self, person_id: str) -> OrgUnit:
        """Return a copy with ``person_id`` added to the members."""
        return attrs.evolve(self, members=(*self.members, person_id))

    def without_member(self, person_id: str) -> OrgUnit:
        """Return a copy with ``person_id`` removed from the members."""
        return attrs.evolve(self, members=tuple(m for m in self.members if m != person_id))


@attrs.frozen(kw_only=True)
class Group:
    """A group for a GRUS (gruppeudviklingssamtale): a leader and the members of a team.

    Attributes:
        id: A stable identifier.
        name: The group's name.
        leader: The person id of the leader holding the GRUS.
        members: Person ids of the group members.
        unit: The id of the unit the group belongs to, if any.
    """

    SCHEMA_VERSION = 1

    id: str
    name: str
    leader: str
    members: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    unit: str | None = None
