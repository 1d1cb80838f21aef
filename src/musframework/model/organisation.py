"""An organisation: people, units and groups, with the lookups planning and rules need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from musframework.catalogue import Message
from musframework.errors import DataError, NotFoundError
from musframework.model.findings import Finding
from musframework.model.people import Group, OrgUnit, Person

__all__ = ["Organisation"]


def _people(values: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(values)


def _units(values: Iterable[OrgUnit]) -> tuple[OrgUnit, ...]:
    return tuple(values)


def _groups(values: Iterable[Group]) -> tuple[Group, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Organisation:
    """People, units and groups, indexed for lookups.

    The nearest leader of a unit member is the unit's leader; the nearest leader of a unit's
    leader is the leader of the parent unit (the first one up the tree that has a leader).

    >>> org = Organisation(
    ...     people=[Person(id="a", name="A"), Person(id="b", name="B"), Person(id="c", name="C")],
    ...     units=[OrgUnit(id="top", name="Top", leader="a"),
    ...            OrgUnit(id="it", name="IT", leader="b", members=["c"], parent="top")],
    ... )
    >>> org.nearest_leader("c"), org.nearest_leader("b"), org.nearest_leader("a")
    ('b', 'a', None)
    """

    people: tuple[Person, ...] = attrs.field(default=(), converter=_people)
    units: tuple[OrgUnit, ...] = attrs.field(default=(), converter=_units)
    groups: tuple[Group, ...] = attrs.field(default=(), converter=_groups)
    _people_by_id: dict[str, Person] = attrs.field(init=False, repr=False, eq=False)
    _units_by_id: dict[str, OrgUnit] = attrs.field(init=False, repr=False, eq=False)
    _unit_of_member: dict[str, str] = attrs.field(init=False, repr=False, eq=False)
    _units_led: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False, eq=False)
    _reports: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Indexes are derived once; the object stays frozen from the outside.
        led: dict[str, list[str]] = {}
        member_of: dict[str, str] = {}
        for unit in self.units:
            if unit.leader is not None:
                led.setdefault(unit.leader, []).append(unit.id)
            for member in unit.members:
                member_of.setdefault(member, unit.id)
        object.__setattr__(self, "_people_by_id", {p.id: p for p in self.people})
        object.__setattr__(self, "_units_by_id", {u.id: u for u in self.units})
        object.__setattr__(self, "_unit_of_member", member_of)
        object.__setattr__(self, "_units_led", {k: tuple(v) for k, v in led.items()})
        object.__setattr__(self, "_reports", {})  # filled on first use of reports_of

    def person(self, person_id: str) -> Person:
        """The person with ``person_id`` (raises :class:`NotFoundError`)."""
        try:
            return self._people_by_id[person_id]
        except KeyError:
            raise NotFoundError(Message("error.not-found.person", {"id": person_id})) from None

    def unit(self, unit_id: str) -> OrgUnit:
        """The unit with ``unit_id`` (raises :class:`NotFoundError`)."""
        try:
            return self._units_by_id[unit_id]
        except KeyError:
            raise NotFoundError(Message("error.not-found.unit", {"id": unit_id})) from None

    def has_person(self, person_id: str) -> bool:
        """Whether ``person_id`` is one of the organisation's people."""
        return person_id in self._people_by_id

    def unit_of(self, person_id: str) -> OrgUnit | None:
        """The unit ``person_id`` is a member of (not the units they lead)."""
        unit_id = self._unit_of_member.get(person_id)
        return None if unit_id is None else self._units_by_id[unit_id]

    def units_led_by(self, person_id: str) -> tuple[OrgUnit, ...]:
        """The units ``person_id`` leads."""
        return tuple(self._units_by_id[u] for u in self._units_led.get(person_id, ()))

    def is_leader(self, person_id: str) -> bool:
        """Whether ``person_id`` leads at least one unit."""
        return person_id in self._units_led

    def parent_of(self, unit: OrgUnit) -> OrgUnit | None:
        """The unit above ``unit``, if it exists in the organisation."""
        return None if unit.parent is None else self._units_by_id.get(unit.parent)

    def nearest_leader(self, person_id: str) -> str | None:
        """The person id of ``person_id``'s nearest leader, or ``None`` at the top."""
        unit = self.unit_of(person_id)
        if unit is not None and unit.leader not in (None, person_id):
            return unit.leader
        led = self.units_led_by(person_id)
        start = led[0] if led else unit
        seen: set[str] = set()
        current = None if start is None else self.parent_of(start)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            if current.leader is not None and current.leader != person_id:
                return current.leader
            current = self.parent_of(current)
        return None

    def reports_of(self, leader_id: str) -> tuple[str, ...]:
        """Everyone whose nearest leader is ``leader_id``: members and leaders of sub-units."""
        if not self._reports and self.people:
            # One pass over everyone, on first use: O(people x depth) instead of per call.
            reports: dict[str, list[str]] = {}
            for person in self.people:
                leader = self.nearest_leader(person.id)
                if leader is not None:
                    reports.setdefault(leader, []).append(person.id)
            self._reports.update({k: tuple(v) for k, v in reports.items()})
            self._reports.setdefault("", ())  # marks the index as built
        return self._reports.get(leader_id, ())

    def subtree(self, unit_ids: Iterable[str]) -> tuple[OrgUnit, ...]:
        """The given units and every unit below them, each once, in organisation order."""
        wanted = set(unit_ids)
        children: dict[str, list[str]] = {}
        for unit in self.units:
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit.id)
        stack = list(wanted)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in wanted:
                    wanted.add(child)
                    stack.append(child)
        return tuple(u for u in self.units if u.id in wanted)

    def members_in(self, unit_ids: Iterable[str]) -> Iterator[str]:
        """The member person ids of the given units (each once)."""
        seen: set[str] = set()
        for unit in self.subtree(unit_ids):
            for member in unit.members:
                if member not in seen:
                    seen.add(member)
                    yield member

    def check(self) -> list[Finding]:
        """Problems in the organisation: unknown people, unknown parents, parent cycles."""
        findings: list[Finding] = []
        for i, unit in enumerate(self.units):
            refs = [("leader", unit.leader)] + [
                (f"members[{j}]", m) for j, m in enumerate(unit.members)
            ]
            for field, person in refs:
                if person is not None and person not in self._people_by_id:
                    findings.append(
                        Finding.error(
                            "organisation.unknown-person",
                            f"units[{i}].{field}",
                            unit=unit.name,
                            person=person,
                        )
                    )
            if unit.parent is not None and unit.parent not in self._units_by_id:
                findings.append(
                    Finding.error(
                        "organisation.unknown-unit",
                        f"units[{i}].parent",
                        unit=unit.name,
                        parent=unit.parent,
                    )
                )
        return findings

    def require_valid(self) -> Organisation:
        """Return ``self``, or raise :class:`DataError` listing every :meth:`check` problem."""
        findings = self.check()
        if findings:
            raise DataError(Message("error.organisation-inconsistent"), findings)
        return self
