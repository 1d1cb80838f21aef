"""The organisation over time, and what was sent to whom.

* :class:`OrganisationVersion`: the units and groups from a moment on, with the ids of the
  people who belong; a store keeps one per change, so the organisation can be read as it
  stood on any day (``store.organisation(at=day)``).
* :class:`LeaderChange`: someone's nearest leader changed, and which plan was handed over.
* :class:`Delivery`: one notification delivered to one person (the record that makes
  sending idempotent).

Each is a document of its own with a stable ``id``. Ids are derived from the content, but
never contain a person id in the clear (a person's erasure must leave no trace of their id
in document keys).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

import attrs
import pendulum

from musframework.model.organisation import Organisation
from musframework.model.people import Group, OrgUnit, Person, unique_ids

__all__ = ["Delivery", "LeaderChange", "OrganisationVersion", "moment_key"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def moment_key(moment: datetime.datetime) -> str:
    """A text that sorts like the instant: UTC, microseconds, ``2026-01-05T08:00:00.000000Z``.

    >>> moment_key(pendulum.datetime(2026, 1, 5, 9, tz="Europe/Copenhagen"))
    '2026-01-05T08:00:00.000000Z'
    """
    # datetime's own subtraction (pendulum's returns an Interval): exact to the microsecond.
    micro = datetime.datetime.__sub__(moment, _EPOCH) // datetime.timedelta(microseconds=1)
    utc = _EPOCH + datetime.timedelta(microseconds=micro)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(*parts: str) -> str:
    # "surrogatepass": Python code can hand over a lone surrogate; valid text hashes as UTF-8.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _change_id(change: LeaderChange) -> str:
    return f"{moment_key(change.at)}.{_digest(change.person, moment_key(change.at))}"


@attrs.frozen(kw_only=True)
class LeaderChange:
    """A change of someone's nearest leader, and the plan handed over.

    Attributes:
        person: Whose leader changed.
        former: The leader before the change (``None`` if they had none).
        new: The leader after the change (``None`` if they have none).
        at: When the change took effect.
        plan: The id of the conversation whose development plan is handed over to the new
            leader (the person's current plan), if any.
        id: The stored document's id: the moment (so ids sort in time) and a digest of the
            person and the moment (derived when not given).
    """

    SCHEMA_VERSION = 1

    person: str
    former: str | None
    new: str | None
    at: pendulum.DateTime
    plan: str | None = None
    id: str = attrs.field(default=attrs.Factory(_change_id, takes_self=True), eq=False, repr=False)


def _units(values: Iterable[OrgUnit]) -> tuple[OrgUnit, ...]:
    return tuple(values)


def _groups(values: Iterable[Group]) -> tuple[Group, ...]:
    return tuple(values)


def _version_id(version: OrganisationVersion) -> str:
    return moment_key(version.effective)


@attrs.frozen(kw_only=True)
class OrganisationVersion:
    """The organisation's structure from ``effective`` on, until the next version.

    People's names and addresses are not repeated here: they live in the
    :class:`~musframework.Person` documents (always the current ones); a version lists the
    ids of the people who belong.

    Attributes:
        effective: From when this version holds.
        people: The ids of the people in the organisation.
        units: The units, with their leaders and members.
        groups: The GRUS groups.
        id: The stored document's id: :func:`moment_key` of ``effective``.
    """

    SCHEMA_VERSION = 1

    effective: pendulum.DateTime
    people: tuple[str, ...] = attrs.field(default=(), converter=unique_ids)
    units: tuple[OrgUnit, ...] = attrs.field(default=(), converter=_units)
    groups: tuple[Group, ...] = attrs.field(default=(), converter=_groups)
    id: str = attrs.field(default=attrs.Factory(_version_id, takes_self=True), eq=False, repr=False)

    @classmethod
    def of(cls, organisation: Organisation, effective: pendulum.DateTime) -> OrganisationVersion:
        """The version that records ``organisation`` from ``effective`` on."""
        return cls(
            effective=effective,
            people=[p.id for p in organisation.people],
            units=organisation.units,
            groups=organisation.groups,
        )

    def organisation(self, people: Iterable[Person]) -> Organisation:
        """This version as an :class:`~musframework.Organisation`, with ``people``'s details.

        A person of this version missing from ``people`` (their document was deleted) is
        listed under their id.
        """
        known = {p.id: p for p in people}
        return Organisation(
            people=[known.get(i) or Person(id=i, name=i) for i in self.people],
            units=self.units,
            groups=self.groups,
        )


def _delivery_id(delivery: Delivery) -> str:
    return _digest(delivery.notice, delivery.recipient, delivery.channel)


@attrs.frozen(kw_only=True)
class Delivery:
    """One notification delivered (or being delivered) to one person.

    Attributes:
        notice: The notice's stable key (``"invitation:mus-ane:2"`` …): the same event always
            has the same key, so a second run finds it delivered.
        kind: What kind of notice it was (``"invitation"``, ``"reminder"`` …).
        recipient: The person id it went to.
        conversation: The conversation it concerns, if any.
        at: When it was sent.
        channel: How (``"email"`` for the SMTP notifier).
        id: The stored document's id: a digest of notice, recipient and channel.
    """

    SCHEMA_VERSION = 1

    notice: str
    kind: str
    recipient: str
    at: pendulum.DateTime
    conversation: str | None = None
    channel: str = "email"
    id: str = attrs.field(
        default=attrs.Factory(_delivery_id, takes_self=True), eq=False, repr=False
    )
