"""The :class:`Policy` protocol and the built-in :class:`DefaultPolicy`.

The default policy is configured once with the organisation (who leads whom now) and the
leader changes (when reporting lines changed), and then decides with :meth:`~Policy.allows`.
The rules, as a table, are in ``docs/policy.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from musframework.model import (
    Agreement,
    Conversation,
    ConversationKind,
    Cycle,
    DevelopmentPlan,
    FollowUp,
    Note,
    Organisation,
    Person,
    Response,
    Role,
    Signature,
    StatusChange,
)
from musframework.policy.access import Action, LeaderChange, Part, Viewer

__all__ = ["DefaultPolicy", "Grant", "Policy", "Relation"]


@runtime_checkable
class Policy(Protocol):
    """Anything that decides access: configure it in ``__init__``, decide in :meth:`allows`.

    ``obj`` is a :class:`~musframework.Conversation`, :class:`~musframework.DevelopmentPlan`,
    :class:`~musframework.Response`, :class:`~musframework.Cycle`,
    :class:`~musframework.Organisation` or :class:`~musframework.Person`. With ``part`` the
    question is about that part; with ``item`` about one item in it: a
    :class:`~musframework.Response`, :class:`~musframework.Note`,
    :class:`~musframework.Agreement`, :class:`~musframework.StatusChange` (an agreement's
    history entry), :class:`~musframework.FollowUp` or :class:`~musframework.Signature`.
    A policy must answer ``False`` for anything it does not know.
    """

    def allows(
        self,
        viewer: Viewer,
        action: Action,
        obj: object,
        part: Part | None = None,
        item: object | None = None,
    ) -> bool:
        """Whether ``viewer`` may do ``action`` on ``obj`` (its ``part``, its ``item``)."""
        ...


class Relation(enum.Enum):
    """How a viewer stands to an object; each grants a set of actions and parts.

    * ``EMPLOYEE``: the person developed (MUS, LUS, follow-up), or the owner of a plan.
    * ``GROUP_MEMBER``: a member of the group in a GRUS.
    * ``LEADER``: the leader holding it, who leads the person developed now.
    * ``FORMER_LEADER``: the leader who held it, replaced since (read only, up to the change).
    * ``NEW_LEADER``: the person's current leader, for the plan handed over to them.
    * ``HR``: a viewer with the HR capacity.
    * ``AUTHOR``: the author of a response looked at on its own.
    """

    EMPLOYEE = "employee"
    GROUP_MEMBER = "group_member"
    LEADER = "leader"
    FORMER_LEADER = "former_leader"
    NEW_LEADER = "new_leader"
    HR = "hr"
    AUTHOR = "author"


@attrs.frozen
class Grant:
    """One relation of a viewer to an object, with its time window.

    Dated items (notes, responses, agreement history, follow-up, signatures) are visible
    under this grant only when dated in ``[since, until)``; undated items only when the viewer
    wrote them, unless the grant has no window at all.
    """

    relation: Relation
    since: pendulum.DateTime | None = None
    until: pendulum.DateTime | None = None

    @property
    def windowed(self) -> bool:
        """Whether the grant is limited in time."""
        return self.since is not None or self.until is not None

    def covers(self, at: pendulum.DateTime | None, *, own: bool) -> bool:
        """Whether an item dated ``at`` (written by the viewer if ``own``) is inside."""
        if own or not self.windowed:
            return True
        if at is None:
            return False
        return (self.since is None or at >= self.since) and (self.until is None or at < self.until)


_ALL = frozenset(Part)
_VIEW_PARTS: dict[Relation, frozenset[Part]] = {
    Relation.EMPLOYEE: _ALL,
    Relation.GROUP_MEMBER: _ALL,
    Relation.LEADER: _ALL,
    Relation.FORMER_LEADER: _ALL,
    Relation.NEW_LEADER: frozenset(
        {Part.SCHEDULE, Part.NOTES, Part.CONCLUSIONS, Part.AGREEMENTS, Part.SIGNATURES}
    ),
    Relation.HR: _ALL,
    Relation.AUTHOR: frozenset({Part.RESPONSES}),
}
_EDIT_PARTS: dict[Relation, frozenset[Part]] = {
    Relation.EMPLOYEE: frozenset({Part.RESPONSES, Part.NOTES, Part.CONCLUSIONS, Part.AGREEMENTS}),
    Relation.GROUP_MEMBER: frozenset({Part.RESPONSES, Part.NOTES, Part.AGREEMENTS}),
    Relation.LEADER: frozenset(
        {Part.SCHEDULE, Part.RESPONSES, Part.NOTES, Part.CONCLUSIONS, Part.AGREEMENTS}
    ),
    Relation.NEW_LEADER: frozenset({Part.NOTES, Part.AGREEMENTS}),
    Relation.AUTHOR: frozenset({Part.RESPONSES}),
}
_SHARE_PARTS: dict[Relation, frozenset[Part]] = {
    Relation.EMPLOYEE: frozenset({Part.RESPONSES, Part.NOTES}),
    Relation.GROUP_MEMBER: frozenset({Part.RESPONSES, Part.NOTES}),
    Relation.LEADER: frozenset({Part.RESPONSES, Part.NOTES}),
    Relation.AUTHOR: frozenset({Part.RESPONSES}),
}
_SIGNERS = frozenset({Relation.EMPLOYEE, Relation.GROUP_MEMBER, Relation.LEADER})
_PLAN_PARTS = frozenset({Part.SCHEDULE, Part.CONCLUSIONS, Part.AGREEMENTS, Part.SIGNATURES})


def _parts(action: Action, relation: Relation) -> frozenset[Part]:
    if action in (Action.VIEW, Action.EXPORT):
        return _VIEW_PARTS.get(relation, frozenset())
    if action is Action.EDIT:
        return _EDIT_PARTS.get(relation, frozenset())
    if action is Action.SHARE:
        return _SHARE_PARTS.get(relation, frozenset())
    return frozenset({Part.SIGNATURES}) if relation in _SIGNERS else frozenset()


class DefaultPolicy:
    """The built-in rules (see ``docs/policy.md`` for the table).

    Args:
        organisation: The organisation now: it decides who leads whom.
        leader_changes: When reporting lines changed, and which plan was handed over.
            Without a record, a leader who no longer leads a person keeps no access to that
            person's conversations (nothing can be shown to predate the change).

    >>> from musframework import Organisation, OrgUnit, Person
    >>> org = Organisation(people=[Person(id="boss", name="B"), Person(id="emp", name="E")],
    ...                    units=[OrgUnit(id="u", name="U", leader="boss", members=["emp"])])
    >>> policy = DefaultPolicy(org)
    >>> policy.current_leader("emp")
    'boss'
    """

    def __init__(
        self,
        organisation: Organisation | None = None,
        leader_changes: Iterable[LeaderChange] = (),
    ) -> None:
        self.organisation = organisation if organisation is not None else Organisation()
        changes: dict[str, list[LeaderChange]] = {}
        for change in leader_changes:
            changes.setdefault(change.person, []).append(change)
        self._changes = {k: sorted(v, key=lambda c: c.at) for k, v in changes.items()}
        # The grants last worked out: a view asks about one object item by item, and every
        # question needs the same grants. One tuple, replaced whole (safe across threads).
        self._last: tuple[Viewer, object, Organisation, tuple[Grant, ...]] | None = None
        # The items of the object last asked about, by part (ids first: a view asks about the
        # object's own items one by one). Replaced whole, like ``_last``.
        self._items: tuple[object, dict[Part, tuple[frozenset[int], tuple[object, ...]]]] = (
            None,
            {},
        )

    def __call__(
        self,
        viewer: Viewer,
        action: Action,
        obj: object,
        part: Part | None = None,
        item: object | None = None,
    ) -> bool:
        """The same as :meth:`allows`."""
        return self.allows(viewer, action, obj, part, item)

    def __repr__(self) -> str:
        n = sum(len(v) for v in self._changes.values())
        return f"DefaultPolicy({len(self.organisation.people)} people, {n} leader change(s))"

    # ------------------------------------------------------------------ reporting lines

    def current_leader(self, person: str) -> str | None:
        """The person's nearest leader now, from the organisation."""
        return self.organisation.nearest_leader(person)

    def leader_changes(self, person: str) -> tuple[LeaderChange, ...]:
        """The recorded leader changes of ``person``, oldest first."""
        return tuple(self._changes.get(person, ()))

    def _standing(
        self, viewer: str, person: str, at: pendulum.DateTime | None, *, undated_is_now: bool
    ) -> Grant | None:
        """Whether ``viewer`` led ``person`` at ``at`` (and still does, or until when).

        ``undated_is_now``: an undated conversation belongs to the present (docs/policy.md,
        rule 1), so only the current leader stands to it; an undated plan (no signature yet)
        is its former leader's up to the first change away from them.
        """
        if at is not None:
            later = [c for c in self._changes.get(person, ()) if c.at > at]
            if later:
                first = later[0]
                return (
                    Grant(Relation.FORMER_LEADER, until=first.at)
                    if first.former == viewer
                    else None
                )
        if self.current_leader(person) == viewer:
            return Grant(Relation.LEADER)
        if at is None and not undated_is_now:
            # Undated (a plan without signatures): the earliest recorded change away counts.
            away = [c for c in self._changes.get(person, ()) if c.former == viewer]
            if away:
                return Grant(Relation.FORMER_LEADER, until=away[0].at)
        return None

    def _handover(self, viewer: str, person: str, conversation: str) -> Grant | None:
        if self.current_leader(person) != viewer:
            return None
        for change in reversed(self._changes.get(person, ())):
            if change.new == viewer and change.plan == conversation:
                return Grant(Relation.NEW_LEADER, since=change.at)
        return None

    # ------------------------------------------------------------------ relations

    def grants(self, viewer: Viewer, obj: object) -> tuple[Grant, ...]:
        """Every relation ``viewer`` has to ``obj`` (empty: no access at all)."""
        last = self._last
        if (
            last is not None
            and last[1] is obj
            and last[2] is self.organisation
            and last[0] == viewer
        ):
            return last[3]  # the same (frozen) object and viewer: the same grants
        found = self._grants(viewer, obj)
        self._last = (viewer, obj, self.organisation, found)
        return found

    def _grants(self, viewer: Viewer, obj: object) -> tuple[Grant, ...]:
        if isinstance(obj, Conversation):
            return self._conversation_grants(viewer, obj)
        if isinstance(obj, DevelopmentPlan):
            return self._plan_grants(viewer, obj)
        if isinstance(obj, Response):
            out = []
            if obj.person == viewer.person:
                out.append(Grant(Relation.AUTHOR))
            if viewer.is_hr and obj.shared:
                out.append(Grant(Relation.HR))
            return tuple(out)
        if isinstance(obj, Cycle | Organisation):
            known = viewer.is_hr or self.organisation.has_person(viewer.person)
            return (Grant(Relation.HR if viewer.is_hr else Relation.EMPLOYEE),) if known else ()
        if isinstance(obj, Person):
            out = [Grant(Relation.EMPLOYEE)] if obj.id == viewer.person else []
            return (*out, Grant(Relation.HR)) if viewer.is_hr else tuple(out)
        return ()

    def _conversation_grants(self, viewer: Viewer, c: Conversation) -> tuple[Grant, ...]:
        out: list[Grant] = []
        me = viewer.person
        developed = c.developed
        if me in developed:
            grus = c.kind is ConversationKind.GRUS
            out.append(Grant(Relation.GROUP_MEMBER if grus else Relation.EMPLOYEE))
        if viewer.is_hr:
            out.append(Grant(Relation.HR))
        if me in c.people_in(Role.LEADER):
            at = c.held_at or c.scheduled_start
            standings = [
                g for p in developed if (g := self._standing(me, p, at, undated_is_now=True))
            ]
            group_led = c.group is not None and any(
                g.id == c.group and g.leader == me for g in self.organisation.groups
            )
            if group_led or any(g.relation is Relation.LEADER for g in standings):
                out.append(Grant(Relation.LEADER))
            elif standings:
                out.append(min(standings, key=lambda g: g.until or pendulum.DateTime.max))
        if c.kind is not ConversationKind.GRUS:
            for person in developed:
                grant = self._handover(me, person, c.id)
                if grant is not None and not any(g.relation is Relation.LEADER for g in out):
                    out.append(grant)
        return tuple(out)

    def _plan_grants(self, viewer: Viewer, plan: DevelopmentPlan) -> tuple[Grant, ...]:
        out: list[Grant] = []
        me = viewer.person
        if plan.person == me:
            out.append(Grant(Relation.EMPLOYEE))
        if viewer.is_hr:
            out.append(Grant(Relation.HR))
        if plan.leader == me:
            at = min((s.signed_at for s in plan.signatures), default=None)
            grant = self._standing(me, plan.person, at, undated_is_now=False)
            if grant is not None:
                out.append(grant)
        if not any(g.relation is Relation.LEADER for g in out):
            handover = self._handover(me, plan.person, plan.conversation)
            if handover is not None:
                out.append(handover)
        return tuple(out)

    # ------------------------------------------------------------------ decisions

    def allows(
        self,
        viewer: Viewer,
        action: Action,
        obj: object,
        part: Part | None = None,
        item: object | None = None,
    ) -> bool:
        """Whether ``viewer`` may do ``action`` on ``obj`` (its ``part``, its ``item``)."""
        grants = self.grants(viewer, obj)
        if isinstance(obj, Cycle | Organisation | Person):
            # A round, the organisation, a person's record: seen by who is known to them,
            # changed by HR (a person's record: also exported by its person).
            if part is not None or item is not None:
                return False
            if action in (Action.VIEW, Action.EXPORT):
                return bool(grants)
            return action is Action.EDIT and viewer.is_hr
        if isinstance(obj, DevelopmentPlan) and part is not None and part not in _PLAN_PARTS:
            return False
        if isinstance(obj, Response):
            part = part or Part.RESPONSES
            item = obj if item is None else item
            if part is not Part.RESPONSES or item is not obj:
                return False
        if (
            item is not None
            and part is not None
            and action in _ABOUT_EXISTING_ITEMS
            and isinstance(obj, Conversation | DevelopmentPlan)
            and not self._belongs(obj, part, item)
        ):
            return False  # an item of another object is not this object's to show or share
        return any(self._grant_allows(viewer, g, action, obj, part, item) for g in grants)

    def _belongs(self, obj: Conversation | DevelopmentPlan, part: Part, item: object) -> bool:
        """Whether ``item`` is one of the items of ``obj`` in ``part`` (itself or equal)."""
        cached_obj, by_part = self._items
        if cached_obj is not obj:
            by_part = {}
            self._items = (obj, by_part)
        found = by_part.get(part)
        if found is None:
            members = _items_of(obj, part)
            found = by_part[part] = (frozenset(map(id, members)), members)
        ids, members = found
        return id(item) in ids or item in members

    def _grant_allows(
        self,
        viewer: Viewer,
        grant: Grant,
        action: Action,
        obj: object,
        part: Part | None,
        item: object | None,
    ) -> bool:
        parts = _parts(action, grant.relation)
        if isinstance(obj, DevelopmentPlan):
            parts &= _PLAN_PARTS
        if part is None:
            return bool(parts) and item is None
        if part not in parts:
            return False
        if item is None:
            return True
        if action is Action.SIGN:
            return False
        me = viewer.person
        if action is Action.SHARE:
            return _author(item) == me
        if action is Action.EDIT:
            return self._may_edit(me, grant, obj, part, item)
        return self._may_view(me, grant, obj, part, item)

    def _may_view(self, me: str, grant: Grant, obj: object, part: Part, item: object) -> bool:
        if part is Part.NOTES and isinstance(item, Note):  # the most numerous items first
            if item.author == me:
                return True
            return not item.private and grant.covers(item.at, own=False)
        if part is Part.RESPONSES and isinstance(item, Response):
            if item.person == me:
                return True
            if not item.shared or grant.relation in (Relation.NEW_LEADER, Relation.AUTHOR):
                return False
            # The other party of a developed person is the leader, not another member.
            developed_viewer = grant.relation in (Relation.EMPLOYEE, Relation.GROUP_MEMBER)
            if developed_viewer and item.person in _developed(obj):
                return False
            return grant.covers(item.submitted_at, own=False)
        if part is Part.AGREEMENTS and isinstance(item, Agreement):
            if grant.relation in (Relation.EMPLOYEE, Relation.GROUP_MEMBER):
                return item.owner == me or item.owner not in _developed(obj)
            if grant.relation is Relation.NEW_LEADER:
                return item.is_open
            return True
        if part is Part.AGREEMENTS and isinstance(item, StatusChange):
            return grant.covers(item.at, own=item.by == me)
        if part is Part.AGREEMENTS and isinstance(item, FollowUp):
            return grant.covers(item.held_at, own=item.by == me)
        if part is Part.SIGNATURES and isinstance(item, Signature):
            # The handed-over plan comes with the signatures that made it count.
            if grant.relation is Relation.NEW_LEADER:
                return True
            return grant.covers(item.signed_at, own=item.person == me)
        return False

    def _may_edit(self, me: str, grant: Grant, obj: object, part: Part, item: object) -> bool:
        if part is Part.RESPONSES and isinstance(item, Response):
            return item.person == me
        if part is Part.NOTES and isinstance(item, Note):
            return item.author == me
        if part is Part.AGREEMENTS and isinstance(item, Agreement):
            if grant.relation is Relation.GROUP_MEMBER:
                return item.owner == me
            if grant.relation is Relation.NEW_LEADER:
                return item.is_open
            return True
        return False


# Actions whose item must already be in the object; an edit's item is what the step writes
# (a new note, response or agreement), so it need not be there yet.
_ABOUT_EXISTING_ITEMS = frozenset({Action.VIEW, Action.EXPORT, Action.SHARE})


def _items_of(obj: Conversation | DevelopmentPlan, part: Part) -> tuple[object, ...]:
    if isinstance(obj, DevelopmentPlan):
        agreements, follow_up = obj.activities, None
        if part is Part.SIGNATURES:
            return obj.signatures
    else:
        agreements, follow_up = obj.agreements, obj.follow_up
        if part is Part.RESPONSES:
            return obj.responses
        if part is Part.NOTES:
            return obj.notes
        if part is Part.SIGNATURES:
            return obj.signatures
    if part is Part.AGREEMENTS:
        history = tuple(h for a in agreements for h in a.history)
        return (*agreements, *history, *(() if follow_up is None else (follow_up,)))
    return ()


def _developed(obj: object) -> tuple[str, ...]:
    return obj.developed if isinstance(obj, Conversation) else ()


def _author(item: object) -> str | None:
    if isinstance(item, Response):
        return item.person
    if isinstance(item, Note):
        return item.author
    return None
