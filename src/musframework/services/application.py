"""The :class:`Services` object: the use cases an app calls, one method each.

Modelled on the ``Application`` class of the eventsourcing library: one object binds the
repository (here a :class:`~musframework.storage.Store`), the clock, the policy and the
notifier, and its methods are the use cases. Every change goes the same way:

1. **authorise**: the policy answers the step's questions for the acting person
   (:func:`musframework.policy.authorize_step`); a refusal is an
   :class:`~musframework.errors.AccessDeniedError`;
2. **load** the document with its revision;
3. **apply** the workflow step (which checks only that it fits the state);
4. **save** with the loaded revision, the actor's person id going to the audit log;
5. **retry** when another writer saved first (:class:`~musframework.errors.ConflictError`):
   load again, ask the policy again and apply the step again, up to
   ``settings.retries`` times; if the step no longer fits (someone else already held the
   conversation) its :class:`~musframework.errors.TransitionError` is raised, and when the
   retries run out the last ``ConflictError`` is;
6. **notify** the people concerned (when a notifier is bound), and **return** the new
   object as the actor may see it.

Errors are the library's own, each with ``error.text(locale)`` for the person who caused it.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any, Protocol, TypeVar

import attrs
import pendulum

from musframework import workflow as wf
from musframework.catalogue import Message
from musframework.clock import Clock, resolve_clock
from musframework.errors import (
    AccessDeniedError,
    ConflictError,
    DataError,
    MusframeworkError,
    NotFoundError,
    TransitionError,
)
from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    ConversationStatus,
    Cycle,
    Delivery,
    FollowUpEntry,
    Goal,
    Group,
    LeaderChange,
    MusRequest,
    Note,
    Organisation,
    OrganisationVersion,
    OrgUnit,
    Person,
    Questionnaire,
    Response,
    Role,
    RoundStepKind,
    Severity,
)
from musframework.model.draft import ResponseDraft, draft_id
from musframework.model.upward import UpwardSummary
from musframework.policy import (
    Action,
    DefaultPolicy,
    Policy,
    Viewer,
    authorize_draft,
    authorize_step,
    view,
)
from musframework.services.notices import Notice, OutgoingMessage, compose, notices_for
from musframework.services.notifiers import Notifier, NotifierError
from musframework.services.organisation_import import OrganisationImport, import_organisation
from musframework.services.upward import give_upward_feedback, upward_feedback_summary
from musframework.signing import Signer
from musframework.storage import Store, Stored

__all__ = ["Counters", "NotificationReport", "PreparationForm", "Services", "Settings"]

T = TypeVar("T")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


H = TypeVar("H", bound=_HasId)
_UNSET: Any = object()
_PLANS = frozenset({ConversationStatus.SIGNED, ConversationStatus.FOLLOWED_UP})


def _languages(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True)
class Settings:
    """The organisation's settings for the services.

    Attributes:
        name: The organisation's name: it signs the messages.
        locale: The language of messages (``"da"`` or ``"en"``).
        languages: A person's own language, by person id, where it differs.
        link: A link to a conversation in the app, with ``{id}`` for its id
            (``"https://mus.example.dk/samtaler/{id}"``); none by default.
        retries: How many times a step is tried again when another writer saved first.
        reminder_days: Remind of a preparation form or a follow-up this many days before.
        deadline_days: Remind of an agreement's deadline this many days before.
        organisation_seconds: How long the organisation (and the policy built on it) read
            from the store is reused before it is read again.
        calendar: Attach invitations as iCalendar events (needs the ``ics`` extra).
        redact: Return each object as the actor may see it (the policy's view); ``False``
            returns it whole, for trusted batch jobs.
    """

    name: str = ""
    locale: str = "da"
    languages: dict[str, str] = attrs.field(factory=dict, converter=_languages)
    link: str | None = None
    retries: int = 5
    reminder_days: int = 3
    deadline_days: int = 14
    organisation_seconds: float = 60.0
    calendar: bool = True
    redact: bool = True

    def language(self, person: str) -> str:
        """The language ``person`` reads their messages in."""
        return self.languages.get(person, self.locale)

    def link_to(self, conversation: str) -> str | None:
        """The app's link to ``conversation``, if the settings have one."""
        return None if self.link is None else self.link.replace("{id}", conversation)


@attrs.frozen(kw_only=True)
class NotificationReport:
    """What one run of :meth:`Services.send_notifications` did.

    Attributes:
        sent: The messages sent, in order.
        already: Notices skipped because they had been delivered before.
        unreachable: Notices for people without an address (sent once an address is known).
        failed: Notices whose message the notifier could not send, with its error; they are
            tried again by the next run.
    """

    sent: tuple[OutgoingMessage, ...] = ()
    already: int = 0
    unreachable: tuple[Notice, ...] = ()
    failed: tuple[tuple[Notice, MusframeworkError], ...] = ()

    def __add__(self, other: NotificationReport) -> NotificationReport:
        return NotificationReport(
            sent=self.sent + other.sent,
            already=self.already + other.already,
            unreachable=self.unreachable + other.unreachable,
            failed=self.failed + other.failed,
        )


class _Cache:
    """The organisation and policy read from the store, shared by bound copies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entry: tuple[float, Organisation, Policy] | None = None


class Counters:
    """How the changes went, counted across threads (for monitoring and tests).

    Attributes:
        attempts: Attempts made (a change retried twice counts three).
        conflicts: Attempts that lost to another writer (each one retried or reported).
        reported: Changes given up after the last retry (their ``ConflictError`` raised).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.attempts = 0
        self.conflicts = 0
        self.reported = 0

    def count(self, attempts: int = 0, conflicts: int = 0, reported: int = 0) -> None:
        """Add to the counts."""
        with self._lock:
            self.attempts += attempts
            self.conflicts += conflicts
            self.reported += reported

    def __repr__(self) -> str:
        return (
            f"Counters(attempts={self.attempts}, conflicts={self.conflicts}, "
            f"reported={self.reported})"
        )


def _viewer(actor: Viewer | str) -> Viewer:
    return actor if isinstance(actor, Viewer) else Viewer(actor)


class Services:
    """The use cases, bound to a store, a policy, a clock, a notifier and settings.

    Args:
        store: Where documents live (see the threading rules below).
        policy: Who may do what; by default a :class:`~musframework.policy.DefaultPolicy`
            on the organisation and leader changes in the store (read once and reused for
            ``settings.organisation_seconds``).
        clock: The time of every step (the system clock by default).
        notifier: Where messages go (none: nothing is sent).
        settings: The organisation's :class:`Settings`.
        signer: Proves signatures (an :class:`~musframework.signing.HmacSigner` with the
            app's key, an :class:`~musframework.signing.Ed25519Signer`, or an e-signature
            service); without one signatures are unkeyed and read as *unverified*.

    Each use case takes the acting person first: a :class:`~musframework.policy.Viewer`
    (a person id with capacities such as HR) or a plain person id.

    **Threads and processes.** A ``Services`` object holds no connection of its own: it is
    as thread-safe as its store. SQLite: one store per thread, and one ``Services`` per
    thread made with :meth:`bind` (cheap: it shares the settings, the notifier and the cached
    organisation). PostgreSQL: one :class:`~musframework.storage.PooledPostgresStore` shared
    by every thread (each call borrows a connection from the pool), and one ``Services``
    shared too. Processes each open their own store. Conflicting writes from any of them are
    caught by the revision check and retried.
    """

    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        settings: Settings | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.store = store
        self.signer = signer
        """Makes the proof of every signature (:mod:`musframework.signing`); none: unkeyed."""
        self.clock = resolve_clock(clock)
        self.notifier = notifier
        self.settings = settings if settings is not None else Settings()
        self._given_policy = policy
        self._cache = _Cache()
        self.counters = Counters()
        """Attempts, conflicts and reported conflicts of this object and its bound copies."""

    def __repr__(self) -> str:
        return f"Services({self.store!r}, notifier={self.notifier!r})"

    def bind(self, store: Store) -> Services:
        """The same services on another store (one per thread or request); cheap."""
        bound = copy.copy(self)
        bound.store = store
        return bound

    # ------------------------------------------------------------------ the organisation

    def _cached(self) -> tuple[Organisation, Policy]:
        # How long the organisation is reused is counted in real seconds (time.monotonic):
        # it is about how fresh a copy is, not about the time of the steps (the clock's).
        entry = self._cache.entry
        if entry is not None and time.monotonic() - entry[0] < self.settings.organisation_seconds:
            return entry[1], entry[2]
        with self._cache.lock:
            now = self.clock.now()
            organisation = self.store.organisation(at=now)
            policy = self._given_policy or DefaultPolicy(
                organisation, self.store.leader_changes(until=now)
            )
            self._cache.entry = (time.monotonic(), organisation, policy)
            return organisation, policy

    def organisation(self, at: pendulum.Date | pendulum.DateTime | None = None) -> Organisation:
        """The organisation now (cached), or as it stood at ``at`` (read from the store)."""
        if at is None:
            return self._cached()[0]
        return self.store.organisation(at=at)

    @property
    def policy(self) -> Policy:
        """The policy in force (the one given, or the default one on the stored organisation)."""
        return self._cached()[1]

    def refresh(self) -> None:
        """Forget the cached organisation and policy: the next call reads them again."""
        with self._cache.lock:
            self._cache.entry = None

    def replace_organisation(
        self,
        actor: Viewer | str,
        organisation: Organisation,
        *,
        effective: pendulum.DateTime | None = None,
    ) -> OrganisationVersion:
        """Record ``organisation`` as the organisation from ``effective`` (now) on.

        The call an import makes (a CSV or Excel file of people and units): people are saved
        (new ones added, changed names and addresses updated; nobody is deleted, so history
        keeps its names), units and groups are made to match, a new
        :class:`~musframework.OrganisationVersion` is stored, and a
        :class:`~musframework.LeaderChange` is recorded for everyone whose nearest leader
        changed, handing their current plan (latest signed or followed-up conversation) over
        to the new leader. One transaction; retried when another writer won.

        Raises:
            AccessDeniedError: unless the policy lets ``actor`` change the organisation.
            DataError: when the organisation is inconsistent (every problem listed).
        """
        viewer = _viewer(actor)
        organisation.require_valid()
        when = effective if effective is not None else self.clock.now()
        version = OrganisationVersion.of(organisation, when)

        def attempt() -> OrganisationVersion:
            authorize_step(self.policy, viewer, "update_organisation", self.organisation())
            before = self.store.organisation(at=when)
            people = {s.document.id: s for s in self.store.documents(Person)}
            units = {s.document.id: s for s in self.store.documents(OrgUnit)}
            groups = {s.document.id: s for s in self.store.documents(Group)}
            old = self.store.get(OrganisationVersion, version.id)
            changes = self._leader_changes(before, organisation, when)
            with self.store.unit_of_work(actor=viewer.person) as uow:
                for person in organisation.people:
                    stored = people.get(person.id)
                    if stored is None or stored.document != person:
                        uow.save(person, revision=0 if stored is None else stored.revision)
                _sync(uow, units, organisation.units)
                _sync(uow, groups, organisation.groups)
                uow.save(version, revision=0 if old is None else old.revision)
                for change in changes:
                    uow.save(change)
            return version

        try:
            return self._retry(attempt)
        finally:
            self.refresh()

    def import_organisation(
        self,
        actor: Viewer | str,
        source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str],
        *,
        format: str | None = None,
        effective: pendulum.DateTime | None = None,
    ) -> OrganisationImport:
        """Import an HR export (CSV, or Excel with the ``excel`` extra) as the organisation.

        ``source`` is a path, the file's bytes or an open file in the format of
        :func:`musframework.interop.organisation_file.read_organisation` (as of the day of
        ``effective``, now by default). Stored like :meth:`replace_organisation`: a new
        :class:`~musframework.OrganisationVersion`, and a :class:`~musframework.LeaderChange`
        with the hand-over of the current plan for everyone whose leader changed; leavers keep
        their person document, with their end date. Returns an
        :class:`~musframework.services.organisation_import.OrganisationImport`: the changes
        compared with the organisation stored before, and the leader changes recorded.

        Raises:
            LoadError: listing every problem of the file, each with its row and column.
            AccessDeniedError: unless the policy lets ``actor`` change the organisation.
        """
        return import_organisation(self, actor, source, format=format, effective=effective)

    def update_organisation(
        self,
        actor: Viewer | str,
        *,
        people: Iterable[Person] = (),
        units: Iterable[OrgUnit] = (),
        groups: Iterable[Group] = (),
        remove_people: Iterable[str] = (),
        remove_units: Iterable[str] = (),
        remove_groups: Iterable[str] = (),
        effective: pendulum.DateTime | None = None,
    ) -> OrganisationVersion:
        """Change part of the organisation: add or replace people, units and groups by id.

        Removing a person takes them out of the organisation, their units and groups (their
        person document stays, for the conversations that name them). Everything else as
        :meth:`replace_organisation`.
        """
        current = self.store.organisation(at=effective)
        gone = set(remove_people)
        added_people = {p.id: p for p in people}
        added_units = {u.id: u for u in units}
        added_groups = {g.id: g for g in groups}
        dropped_units, dropped_groups = set(remove_units), set(remove_groups)

        def merged(old: Iterable[H], new: dict[str, H], dropped: set[str]) -> list[H]:
            old = tuple(old)
            ids = [x.id for x in old]
            out = [new.pop(i, x) for i, x in zip(ids, old, strict=True) if i not in dropped]
            return out + list(new.values())

        new_units = [
            attrs.evolve(u, members=[m for m in u.members if m not in gone], leader=None)
            if u.leader in gone
            else attrs.evolve(u, members=[m for m in u.members if m not in gone])
            for u in merged(current.units, added_units, dropped_units)
        ]
        new_groups = [
            attrs.evolve(g, members=[m for m in g.members if m not in gone])
            for g in merged(current.groups, added_groups, dropped_groups)
            if g.leader not in gone
        ]
        new_people = [p for p in merged(current.people, added_people, set()) if p.id not in gone]
        return self.replace_organisation(
            actor,
            Organisation(people=new_people, units=new_units, groups=new_groups),
            effective=effective,
        )

    def _leader_changes(
        self, before: Organisation, after: Organisation, at: pendulum.DateTime
    ) -> list[LeaderChange]:
        if not before.people:
            return []
        out = []
        for person in after.people:
            if not before.has_person(person.id):
                continue
            former, new = before.nearest_leader(person.id), after.nearest_leader(person.id)
            if former != new:
                plan = self._current_plan(person.id)
                out.append(LeaderChange(person=person.id, former=former, new=new, at=at, plan=plan))
        return out

    def _current_plan(self, person: str) -> str | None:
        plans = [
            s.document
            for s in self.store.conversations(person=person, status=_PLANS)
            if person in s.document.developed
        ]
        plans.sort(key=lambda c: (c.scheduled_start or c.held_at or pendulum.DateTime.min, c.id))
        return plans[-1].id if plans else None

    def hand_over(
        self, actor: Viewer | str, person: str, *, plan: str | None = None
    ) -> LeaderChange:
        """Hand ``person``'s plan over to their new leader, on their latest leader change.

        ``plan`` is the conversation whose development plan the new leader takes over (by
        default the person's current plan). The new leader may then see it and work on its
        open agreements (set their status, follow them up).

        Raises:
            AccessDeniedError: unless the policy lets ``actor`` change the organisation.
            NotFoundError: when no leader change of ``person`` is recorded, or ``plan`` is
                not one of their conversations.
        """
        viewer = _viewer(actor)

        def attempt() -> LeaderChange:
            authorize_step(self.policy, viewer, "hand_over", self.organisation())
            changes = self.store.leader_changes(person=person)
            if not changes:
                raise NotFoundError(Message("error.not-found.leader-change", {"person": person}))
            latest = changes[-1]
            chosen = plan if plan is not None else self._current_plan(person)
            if chosen is not None:
                found = self.store.get(Conversation, chosen)
                if found is None or person not in found.document.developed:
                    raise NotFoundError(
                        Message("error.not-found.plan", {"person": person, "id": chosen})
                    )
            stored = self.store.load(LeaderChange, latest.id)
            changed = attrs.evolve(latest, plan=chosen)
            if changed.plan != stored.document.plan:
                self.store.save(changed, revision=stored.revision, actor=viewer.person)
            return changed

        try:
            return self._retry(attempt)
        finally:
            self.refresh()

    # ------------------------------------------------------------------ a round

    def plan_round(
        self,
        actor: Viewer | str,
        cycle: Cycle,
        *,
        previous: Iterable[Conversation] | None = None,
        scheduler: wf.Scheduler | None = None,
        grus: bool | None = None,
        place: wf.Place | None = None,
    ) -> wf.RoundPlan:
        """Plan or re-plan a round: save the round and the conversations it adds.

        Conversations already in the round are kept as they are (re-planning adds only what
        is missing). ``previous`` defaults to the stored conversations of other rounds (their
        open agreements carry over). The forms the round names (``Cycle.questionnaire`` and
        ``Cycle.forms``) are read from the store, so each conversation gets its form's
        sections as its agenda; ``place`` (a text or a callable) is where new conversations
        are held (default ``settings.place``). Requests for an individual MUS
        (:meth:`request_mus`) are honoured: re-plan after one to add the MUS.

        Raises:
            AccessDeniedError: unless the policy lets ``actor`` edit the round (HR).
        """
        viewer = _viewer(actor)

        def attempt() -> wf.RoundPlan:
            authorize_step(self.policy, viewer, "plan_round", cycle)
            stored_cycle = self.store.get(Cycle, cycle.id)
            existing = [s.document for s in self.store.conversations(cycle=cycle.id)]
            earlier = (
                previous
                if previous is not None
                else [
                    s.document for s in self.store.conversations() if s.document.cycle != cycle.id
                ]
            )
            plan = wf.plan_round(
                self.organisation(),
                cycle,
                existing=existing,
                previous=earlier,
                scheduler=scheduler,
                grus=grus,
                questionnaires=self._round_forms(cycle),
                place=place,
            )
            added = set(plan.added)
            with self.store.unit_of_work(actor=viewer.person) as uow:
                if stored_cycle is None or stored_cycle.document != cycle:
                    uow.save(cycle, revision=0 if stored_cycle is None else stored_cycle.revision)
                for conversation in plan.conversations:
                    if conversation.id in added:
                        uow.save(conversation)
            return plan

        return self._retry(attempt)

    def _round_forms(self, cycle: Cycle) -> list[Questionnaire]:
        refs = [cycle.questionnaire, *(f.questionnaire for f in cycle.forms)]
        found = []
        for ref in dict.fromkeys(r for r in refs if r is not None):
            stored = self.store.get(Questionnaire, ref.id, ref.version)
            if stored is not None:
                found.append(stored.document)
        return found

    def plan_follow_ups(
        self,
        actor: Viewer | str,
        cycle_id: str,
        *,
        scheduler: wf.Scheduler | None = None,
        place: wf.Place | None = None,
    ) -> wf.RoundPlan:
        """The round step after the conversations: plan the follow-up conversations.

        Every concluded or signed conversation of the round with a follow-up date gets its
        ``FOLLOW_UP`` conversation (:func:`musframework.workflow.plan_follow_ups`), saved;
        re-running adds only the missing ones. What is due then lists each follow-up
        conversation's invitation and meeting instead of the bare follow-up date.

        Raises:
            NotFoundError: when there is no such round.
            AccessDeniedError: unless the policy lets ``actor`` edit the round (HR).
        """
        viewer = _viewer(actor)

        def attempt() -> wf.RoundPlan:
            cycle = self.store.load(Cycle, cycle_id).document
            authorize_step(self.policy, viewer, "plan_round", cycle)
            conversations = [s.document for s in self.store.conversations(cycle=cycle.id)]
            plan = wf.plan_follow_ups(
                cycle,
                conversations,
                questionnaires=self._round_forms(cycle),
                scheduler=scheduler,
                place=place,
                clock=self.clock,
            )
            added = set(plan.added)
            with self.store.unit_of_work(actor=viewer.person) as uow:
                for conversation in plan.conversations:
                    if conversation.id in added:
                        uow.save(conversation)
            return plan

        return self._retry(attempt)

    def request_mus(
        self, actor: Viewer | str, cycle_id: str, person: str, *, reason: str = ""
    ) -> Cycle:
        """Record a request for an individual MUS (seed 003: if asked for, one is held).

        An employee may always ask for their own; asking for someone else (HR recording a
        request made by mail, say) needs the right to edit the round. The request is kept on
        the round (``Cycle.mus_requests``, with the clock's time); a second request by the
        same person keeps the first. Re-plan the round (:meth:`plan_round`) to add the MUS;
        until it is planned the rule ``coverage.requested-mus`` reports the request.

        Raises:
            NotFoundError: when there is no such round or no such person.
            AccessDeniedError: when ``actor`` asks for someone else without the right to
                edit the round.
            DataError: when the round is closed (evaluated).
        """
        viewer = _viewer(actor)
        self.organisation().person(person)  # NotFoundError for someone unknown

        def attempt() -> Cycle:
            stored = self.store.load(Cycle, cycle_id)
            cycle = stored.document
            if viewer.person != person:
                authorize_step(self.policy, viewer, "plan_round", cycle)
            wf.refuse_closed(cycle)
            if any(r.person == person for r in cycle.mus_requests):
                return cycle
            request = MusRequest(person=person, requested_at=self.clock.now(), reason=reason)
            changed = attrs.evolve(cycle, mus_requests=(*cycle.mus_requests, request))
            self.store.save(changed, revision=stored.revision, actor=viewer.person)
            return changed

        return self._retry(attempt)

    def complete_round_step(
        self, actor: Viewer | str, cycle_id: str, step: RoundStepKind | str
    ) -> Cycle:
        """Record one of the round's own steps (seed 004) as done by the actor.

        Recording ``evaluate`` closes the round (:func:`musframework.workflow.complete_round_step`).

        Raises:
            NotFoundError: when there is no such round.
            AccessDeniedError: unless the policy lets ``actor`` edit the round (HR).
            DataError: when the round is already closed.
        """
        viewer = _viewer(actor)

        def attempt() -> Cycle:
            stored = self.store.load(Cycle, cycle_id)
            authorize_step(self.policy, viewer, "plan_round", stored.document)
            changed = wf.complete_round_step(
                stored.document, step, by=viewer.person, clock=self.clock
            )
            self.store.save(changed, revision=stored.revision, actor=viewer.person)
            return changed

        return self._retry(attempt)

    # ------------------------------------------------------------------ reading

    def conversation(self, actor: Viewer | str, conversation_id: str) -> Conversation:
        """The conversation as ``actor`` may see it.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when ``actor`` may not see it at all.
        """
        found = self.store.load(Conversation, conversation_id).document
        return view(found, _viewer(actor), self.policy)

    def conversation_with_revision(
        self, actor: Viewer | str, conversation_id: str
    ) -> Stored[Conversation]:
        """The conversation as ``actor`` may see it, with its stored revision.

        The revision is what a web app sends as the ``ETag`` and takes back as ``If-Match``:
        pass it as ``revision=`` to a step to refuse the step when someone saved since.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when ``actor`` may not see it at all.
        """
        stored = self.store.load(Conversation, conversation_id)
        return Stored(view(stored.document, _viewer(actor), self.policy), stored.revision)

    def conversations_for(self, actor: Viewer | str) -> list[Stored[Conversation]]:
        """The conversations ``actor`` takes part in, each as they may see it, ordered by id."""
        viewer = _viewer(actor)
        policy = self.policy
        return [
            Stored(view(s.document, viewer, policy), s.revision)
            for s in self.store.conversations(person=viewer.person)
            if policy.allows(viewer, Action.VIEW, s.document)
        ]

    def _form_of(self, conversation: Conversation) -> Questionnaire:
        ref = conversation.questionnaire
        found = None if ref is None else self.store.get(Questionnaire, ref.id, ref.version)
        if found is None:
            raise NotFoundError(Message("error.not-found.form", {"conversation": conversation.id}))
        return found.document

    def preparation_form(self, actor: Viewer | str, conversation_id: str) -> PreparationForm:
        """The preparation form ``actor`` fills in for a conversation, with their saved answers.

        The form is the conversation's stored questionnaire, for the actor's role (a MUS
        employee gets the employee's questions, the leader the leader's); the SurveyJS export
        and the saved answers as SurveyJS ``data`` come with it, so a page can show the
        survey prefilled: the submitted response's answers, or else the actor's draft's.

        Raises:
            NotFoundError: when there is no such conversation, or it has no stored form.
            AccessDeniedError: when ``actor`` may not see the conversation, or answers no form
                in it (someone who is not a participant).
        """
        from musframework.interop.surveyjs import response_to_surveyjs, to_surveyjs

        viewer = _viewer(actor)
        stored = self.conversation_with_revision(viewer, conversation_id)
        conversation = stored.document
        role = conversation.role_of(viewer.person)
        if role is None:
            raise AccessDeniedError(
                Message("error.web.no-form", {"person": viewer.person, "id": conversation_id})
            )
        questionnaire = self._form_of(conversation)
        mine = conversation.response_of(viewer.person)
        draft = None if mine is not None else self._draft_of(viewer, stored.document)
        shown = mine if mine is not None else None if draft is None else draft.document
        if isinstance(shown, ResponseDraft):
            shown = shown.as_response()
        return PreparationForm(
            conversation=conversation,
            revision=stored.revision,
            questionnaire=questionnaire,
            role=role,
            response=mine,
            survey=to_surveyjs(questionnaire, role=role),
            data={} if shown is None else response_to_surveyjs(shown, questionnaire),
            draft=draft,
        )

    def due_for(self, actor: Viewer | str, *, on: pendulum.Date | None = None) -> list[wf.DueItem]:
        """What ``actor`` must do in their conversations, due by ``on`` (today) + 14 days."""
        viewer = _viewer(actor)
        mine = [s.document for s in self.store.conversations(person=viewer.person)]
        return wf.what_is_due(
            mine,
            on=on if on is not None else self.clock.now().date(),
            person=viewer.person,
            cycles=[s.document for s in self.store.documents(Cycle)],
        )

    def document(
        self,
        actor: Viewer | str,
        conversation_id: str,
        document: str,
        *,
        format: str = "html",
        locale: str | None = None,
    ) -> str | bytes:
        """A document of the conversation as ``actor`` may see it, rendered in ``format``.

        ``document`` is one the renderers make from a conversation (``invitation``,
        ``side_by_side``, ``plan``, ``follow_up``, ``calendar``); ``format`` a renderer name
        (``html``, ``markdown``, ``docx``, ``ics``). Only what the policy lets ``actor`` see is
        in it.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when ``actor`` may not see it.
            musframework.errors.DocumentError: when the renderer cannot make that document.
            MissingExtraError: when the format needs an extra that is not installed.
        """
        from musframework.rendering import render

        viewer = _viewer(actor)
        found = self.store.load(Conversation, conversation_id).document
        organisation, policy = self._cached()
        seen = view(found, viewer, policy)  # refuses early, before anything is rendered
        questionnaire = None
        if found.questionnaire is not None:
            stored_form = self.store.get(
                Questionnaire, found.questionnaire.id, found.questionnaire.version
            )
            questionnaire = None if stored_form is None else stored_form.document
        return render(
            seen,
            format,
            locale or self.settings.language(viewer.person),
            document,
            people=organisation,
            questionnaire=questionnaire,
            role=seen.role_of(viewer.person),
            clock=self.clock,
            viewer=viewer,
            policy=policy,
        )

    def calendar(
        self, actor: Viewer | str, conversation_id: str, *, locale: str | None = None
    ) -> bytes:
        """The conversation as an iCalendar file (``.ics``) for ``actor``'s calendar.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when ``actor`` may not see it.
            MissingExtraError: without the ``ics`` extra.
        """
        made = self.document(actor, conversation_id, "calendar", format="ics", locale=locale)
        return made if isinstance(made, bytes) else made.encode("utf-8")

    # ------------------------------------------------------------------ conversation steps

    def _retry(self, attempt: Callable[[], T]) -> T:
        last: ConflictError | None = None
        for _ in range(self.settings.retries + 1):
            try:
                self.counters.count(attempts=1)
                return attempt()
            except ConflictError as error:
                self.counters.count(conflicts=1)
                last = error
        assert last is not None
        self.counters.count(reported=1)
        raise last

    def _step(
        self,
        actor: Viewer | str,
        conversation_id: str,
        step: str,
        apply: Callable[[Conversation, str], Conversation],
        items: Callable[[Conversation, str], Iterable[object]] | None = None,
        revision: int | None = None,
        drops: Callable[[str], list[tuple[type[Any], str, int]]] | None = None,
    ) -> Conversation:
        # ``drops``: documents (class, id, revision) deleted in the same transaction.
        viewer = _viewer(actor)
        me = viewer.person

        used: list[Policy] = []

        def attempt() -> Conversation:
            stored = self.store.load(Conversation, conversation_id)
            if revision is not None and stored.revision != revision:
                # The caller saw an older revision: refuse, never retry (it is not a race).
                raise _StaleError(
                    ConflictError(("conversation", conversation_id), revision, stored.revision)
                )
            current = stored.document
            organisation, policy = self._cached()
            used[:] = [policy]
            if items is not None:
                # Ask about the step first: building the items (importing a response against
                # the form) must not tell a stranger anything about the conversation's form.
                authorize_step(policy, viewer, step, current, organisation=organisation)
            touched = () if items is None else tuple(items(current, me))
            authorize_step(policy, viewer, step, current, items=touched, organisation=organisation)
            changed = apply(current, me)
            gone = [] if drops is None or changed is current else drops(me)
            if gone:
                with self.store.unit_of_work(actor=me) as uow:
                    uow.save(changed, revision=stored.revision)
                    for cls, key, at in gone:
                        uow.delete(cls, key, revision=at)
            elif changed is not current:
                self.store.save(changed, revision=stored.revision, actor=me)
            return changed

        try:
            changed = self._retry(attempt)
        except _StaleError as stale:
            raise stale.error from None
        if self.notifier is not None:
            self._deliver(
                me,
                notices_for(
                    [changed],
                    on=self.clock.now().date(),
                    reminder_days=self.settings.reminder_days,
                    deadline_days=self.settings.deadline_days,
                ),
            )
        if self.settings.redact:
            return view(changed, viewer, used[0])
        return changed

    def invite(
        self,
        actor: Viewer | str,
        conversation_id: str,
        *,
        message: str = "",
        form_attached: bool = True,
        respond_by: pendulum.Date | None = None,
    ) -> Conversation:
        """Send the invitation (:func:`musframework.workflow.invite`); notifies the invitees."""
        return self._step(
            actor,
            conversation_id,
            "invite",
            lambda c, me: wf.invite(
                c,
                by=me,
                message=message,
                form_attached=form_attached,
                respond_by=respond_by,
                clock=self.clock,
            ),
        )

    def reschedule(
        self,
        actor: Viewer | str,
        conversation_id: str,
        *,
        start: pendulum.DateTime | None = None,
        duration: pendulum.Duration | None = None,
        place: str | None = None,
    ) -> Conversation:
        """Move the conversation (:func:`musframework.workflow.reschedule`); sends the update."""
        return self._step(
            actor,
            conversation_id,
            "reschedule",
            lambda c, me: wf.reschedule(c, by=me, start=start, duration=duration, place=place),
        )

    def submit_response(
        self,
        actor: Viewer | str,
        conversation_id: str,
        response: Response | Mapping[str, Any],
        *,
        check: bool = True,
        revision: int | None = None,
    ) -> Conversation:
        """Store the actor's preparation response: a ``Response``, or SurveyJS result data.

        SurveyJS data (the survey's ``data`` object) is imported against the conversation's
        form, in the actor's role. With ``check`` the response is checked against the stored
        form and every error is raised at once.

        Raises:
            AccessDeniedError: when the response is not the actor's own.
            DataError: when it has errors (every one listed).
            TransitionError: when the conversation is not invited or prepared.
            ConflictError: when ``revision`` is given and the conversation was saved since.

        The actor's draft (:meth:`save_draft`) is deleted in the same transaction.
        """
        forms: dict[str, Questionnaire | None] = {}

        def form(c: Conversation) -> Questionnaire | None:
            ref = c.questionnaire
            if ref is None:
                return None
            key = str(ref)
            if key not in forms:
                found = self.store.get(Questionnaire, ref.id, ref.version)
                forms[key] = None if found is None else found.document
            return forms[key]

        built: dict[str, Response] = {}

        def the_response(c: Conversation, me: str) -> Response:
            if isinstance(response, Response):
                return response
            if "r" not in built:
                questionnaire = form(c)
                if questionnaire is None:
                    raise NotFoundError(Message("error.not-found.form", {"conversation": c.id}))
                from musframework.interop.surveyjs import response_from_surveyjs

                built["r"] = response_from_surveyjs(
                    response, questionnaire, role=c.role_of(me) or Role.EMPLOYEE, person=me
                )
            return built["r"]

        def the_draft(me: str) -> list[tuple[type[Any], str, int]]:
            # The submitted answers replace the draft: deleted in the same transaction.
            left = self.store.get(ResponseDraft, draft_id(conversation_id, me))
            return [] if left is None else [(ResponseDraft, left.document.id, left.revision)]

        return self._step(
            actor,
            conversation_id,
            "submit_response",
            lambda c, me: wf.submit_response(
                c, the_response(c, me), questionnaire=form(c) if check else None, clock=self.clock
            ),
            items=lambda c, me: (the_response(c, me),),
            revision=revision,
            drops=the_draft,
        )

    # ------------------------------------------------------------------ drafts

    def _draft_of(self, viewer: Viewer, conversation: Conversation) -> Stored[ResponseDraft] | None:
        authorize_draft(viewer, conversation)
        if conversation.response_of(viewer.person) is not None:
            return None  # a submitted response: no draft is offered
        found = self.store.get(ResponseDraft, draft_id(conversation.id, viewer.person))
        if found is not None:
            authorize_draft(viewer, conversation, found.document)
        return found

    def draft(self, actor: Viewer | str, conversation_id: str) -> Stored[ResponseDraft] | None:
        """The actor's own draft of their response in a conversation, with its revision.

        ``None`` when they have none, or when they have submitted their response (submitting
        deletes the draft). Only the author ever reads a draft
        (:func:`musframework.policy.may_keep_draft`): the leader and HR do not.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when the actor answers no form in the conversation.
        """
        viewer = _viewer(actor)
        return self._draft_of(viewer, self.store.load(Conversation, conversation_id).document)

    def save_draft(
        self,
        actor: Viewer | str,
        conversation_id: str,
        answers: Mapping[str, Any] | Response,
        *,
        revision: int | None = None,
    ) -> Stored[ResponseDraft]:
        """Keep the actor's unfinished answers (SurveyJS ``data``, or a ``Response``).

        A draft need not be complete: unanswered required questions are fine, and answers to
        questions hidden by their conditions are dropped. A value that does not fit its
        question is refused as at submit (a :class:`~musframework.errors.DataError` listing
        every finding, ``answers.<question>`` paths) and nothing is stored. ``saved_at`` is
        the services' clock. With ``revision`` (the draft's, ``0`` for none yet), a stale
        write raises :class:`~musframework.errors.ConflictError`.

        Raises:
            NotFoundError: when there is no such conversation or it has no stored form.
            AccessDeniedError: when the actor answers no form in the conversation.
            TransitionError: when the actor has submitted their response already.
            DataError: when a value does not fit its question.
            ConflictError: when ``revision`` is given and the draft was saved since.
        """
        from musframework.interop.surveyjs import response_from_surveyjs

        viewer = _viewer(actor)
        me = viewer.person
        conversation = self.store.load(Conversation, conversation_id).document
        authorize_draft(viewer, conversation)
        if conversation.response_of(me) is not None:
            raise TransitionError(
                Message("error.draft.submitted"), current="submitted", allowed=("submit_response",)
            )
        form = self._form_of(conversation)
        role = conversation.role_of(me) or Role.EMPLOYEE
        if isinstance(answers, Response):
            checked = answers
            problems = [
                f
                for f in form.check_response(attrs.evolve(answers, role=role))
                if f.code != "response.missing-required" and f.severity is Severity.ERROR
            ]
            if problems:
                raise DataError(
                    Message("error.surveyjs.data-mismatch", {"ref": str(form.ref)}), problems
                )
        else:
            checked = response_from_surveyjs(
                answers, form, role=role, person=me, prune_hidden=True, partial=True
            )
        key = draft_id(conversation_id, checked.person)

        def attempt() -> Stored[ResponseDraft]:
            existing = self.store.get(ResponseDraft, key)
            current = 0 if existing is None else existing.revision
            if revision is not None and revision != current:
                raise _StaleError(ConflictError(("response_draft", key), revision, current))
            draft = ResponseDraft(
                conversation=conversation_id,
                person=checked.person,
                questionnaire=form.ref,
                role=role,
                answers=checked.answers,
                saved_at=self.clock.now(),
            )
            authorize_draft(viewer, conversation, draft)  # a Response of someone else: refused
            return Stored(draft, self.store.save(draft, revision=current, actor=me))

        try:
            return self._retry(attempt)
        except _StaleError as stale:
            raise stale.error from None

    def delete_draft(
        self, actor: Viewer | str, conversation_id: str, *, revision: int | None = None
    ) -> bool:
        """Delete the actor's draft in a conversation; ``False`` when there was none.

        Raises:
            NotFoundError: when there is no such conversation.
            AccessDeniedError: when the actor answers no form in the conversation.
            ConflictError: when ``revision`` is given and the draft was saved since.
        """
        viewer = _viewer(actor)
        conversation = self.store.load(Conversation, conversation_id).document
        authorize_draft(viewer, conversation)
        key = draft_id(conversation_id, viewer.person)

        def attempt() -> bool:
            existing = self.store.get(ResponseDraft, key)
            if existing is None:
                if revision:
                    raise _StaleError(ConflictError(("response_draft", key), revision, 0))
                return False
            if revision is not None and revision != existing.revision:
                raise _StaleError(
                    ConflictError(("response_draft", key), revision, existing.revision)
                )
            self.store.delete(ResponseDraft, key, revision=existing.revision, actor=viewer.person)
            return True

        try:
            return self._retry(attempt)
        except _StaleError as stale:
            raise stale.error from None

    def share(
        self,
        actor: Viewer | str,
        conversation_id: str,
        *,
        response: bool = True,
        notes: Iterable[Note] = (),
        shared: bool = True,
        revision: int | None = None,
    ) -> Conversation:
        """Share the actor's response (and chosen notes) with the other party.

        When the leader shares, the people developed are told. With ``revision``, a
        :class:`~musframework.errors.ConflictError` when the conversation was saved since.
        """
        chosen = tuple(notes)

        def touched(c: Conversation, me: str) -> list[object]:
            mine = c.response_of(me)
            return [*([mine] if response and mine is not None else []), *chosen]

        return self._step(
            actor,
            conversation_id,
            "share",
            lambda c, me: wf.share(c, person=me, response=response, notes=chosen, shared=shared),
            items=touched,
            revision=revision,
        )

    def prepare(self, actor: Viewer | str, conversation_id: str) -> Conversation:
        """Go ahead without every form (:func:`musframework.workflow.prepare`)."""
        return self._step(
            actor, conversation_id, "prepare", lambda c, me: wf.prepare(c, by=me, clock=self.clock)
        )

    def hold(
        self, actor: Viewer | str, conversation_id: str, *, notes: Iterable[Note] = ()
    ) -> Conversation:
        """Record that the conversation took place (:func:`musframework.workflow.hold`)."""
        kept = tuple(notes)
        return self._step(
            actor,
            conversation_id,
            "hold",
            lambda c, me: wf.hold(c, by=me, notes=kept, clock=self.clock),
        )

    def comment(
        self,
        actor: Viewer | str,
        conversation_id: str,
        text: str,
        *,
        private: bool = False,
        revision: int | None = None,
    ) -> Conversation:
        """Add a note by the actor (private: theirs only); ``revision`` as for :meth:`sign`."""

        def note(c: Conversation, me: str) -> Note:
            return Note(author=me, text=text, private=private, at=self.clock.now())

        return self._step(
            actor,
            conversation_id,
            "comment",
            lambda c, me: wf.comment(c, by=me, text=text, private=private, clock=self.clock),
            items=lambda c, me: (note(c, me),),
            revision=revision,
        )

    def conclude(
        self,
        actor: Viewer | str,
        conversation_id: str,
        *,
        conclusions: Iterable[str],
        goals: Iterable[str],
        practice_changes: Iterable[str] = (),
        agreements: Iterable[Agreement] = (),
        follow_up_date: pendulum.Date | None = _UNSET,
        next_conversation_date: pendulum.Date | None = _UNSET,
        written_by: str | None = None,
        goal_thread: Iterable[Goal] = (),
    ) -> Conversation:
        """Write up the conversation (:func:`musframework.workflow.conclude`).

        The follow-up and next conversation dates default to the ones planned;
        ``written_by`` (who wrote the conclusions) defaults to the actor; ``goal_thread``
        links the goals into the strategy.
        """
        given = (tuple(conclusions), tuple(goals), tuple(practice_changes), tuple(agreements))
        thread = tuple(goal_thread)

        def apply(c: Conversation, me: str) -> Conversation:
            return wf.conclude(
                c,
                by=me,
                conclusions=given[0],
                goals=given[1],
                practice_changes=given[2],
                agreements=given[3],
                follow_up_date=c.follow_up_date if follow_up_date is _UNSET else follow_up_date,
                next_conversation_date=(
                    c.next_conversation_date
                    if next_conversation_date is _UNSET
                    else next_conversation_date
                ),
                written_by=written_by,
                goal_thread=thread,
                clock=self.clock,
            )

        return self._step(actor, conversation_id, "conclude", apply, items=lambda c, me: given[3])

    def comment_on_conclusions(
        self, actor: Viewer | str, conversation_id: str, text: str
    ) -> Conversation:
        """The actor comments on the written conclusions before signing (seed 002 §4).

        Whoever may sign may comment (:func:`musframework.workflow.comment_on_conclusions`):
        the comment is part of what everyone signs, so a signature made before it is void.
        """
        return self._step(
            actor,
            conversation_id,
            "sign",
            lambda c, me: wf.comment_on_conclusions(c, by=me, text=text, clock=self.clock),
        )

    def sign(
        self, actor: Viewer | str, conversation_id: str, *, revision: int | None = None
    ) -> Conversation:
        """The actor signs the concluded content; the people developed are told the leader has.

        With ``revision`` (the one the actor read) the step is refused with a
        :class:`~musframework.errors.ConflictError` when the conversation was saved since:
        nobody signs content they have not seen.
        """
        return self._step(
            actor,
            conversation_id,
            "sign",
            lambda c, me: wf.sign(c, person=me, clock=self.clock, signer=self.signer),
            revision=revision,
        )

    def revise(self, actor: Viewer | str, conversation_id: str, **changes: Any) -> Conversation:
        """Change the concluded content (:func:`musframework.workflow.revise`'s arguments).

        Signatures made before become void. The policy is asked about every agreement added,
        changed or removed.
        """

        def touched(c: Conversation, me: str) -> list[object]:
            given = changes.get("agreements", _UNSET)
            if given is _UNSET:
                return []
            given = tuple(given)
            old = {a.id: a for a in c.agreements}
            new_ids = {a.id for a in given}
            return [a for a in given if old.get(a.id) != a] + [
                a for a in c.agreements if a.id not in new_ids
            ]

        return self._step(
            actor,
            conversation_id,
            "revise",
            lambda c, me: wf.revise(c, by=me, **changes),
            items=touched,
        )

    def review_agreement(
        self,
        actor: Viewer | str,
        conversation_id: str,
        agreement_id: str,
        status: AgreementStatus | str,
        *,
        note: str = "",
        deadline: pendulum.Date | None = None,
        owner: str | None = None,
    ) -> Conversation:
        """Review a carried-over agreement (:func:`musframework.workflow.review_agreement`)."""
        return self._step(
            actor,
            conversation_id,
            "review_agreement",
            lambda c, me: wf.review_agreement(
                c,
                agreement_id,
                status,
                by=me,
                note=note,
                deadline=deadline,
                owner=owner,
                clock=self.clock,
            ),
            items=lambda c, me: _agreements(c, [agreement_id]),
        )

    def set_agreement_status(
        self,
        actor: Viewer | str,
        conversation_id: str,
        agreement_id: str,
        status: AgreementStatus | str,
        *,
        note: str = "",
    ) -> Conversation:
        """Record an agreement's progress (:func:`musframework.workflow.set_agreement_status`).

        A new leader the plan was handed over to may do it for open agreements.
        """
        return self._step(
            actor,
            conversation_id,
            "set_agreement_status",
            lambda c, me: wf.set_agreement_status(
                c, agreement_id, status, by=me, note=note, clock=self.clock
            ),
            items=lambda c, me: _agreements(c, [agreement_id]),
        )

    def follow_up(
        self,
        actor: Viewer | str,
        conversation_id: str,
        *,
        entries: Iterable[FollowUpEntry],
        note: str = "",
    ) -> Conversation:
        """Record the follow-up (:func:`musframework.workflow.follow_up`).

        A new leader the plan was handed over to may follow up its open agreements.
        """
        given = tuple(entries)
        return self._step(
            actor,
            conversation_id,
            "follow_up",
            lambda c, me: wf.follow_up(c, by=me, entries=given, note=note, clock=self.clock),
            items=lambda c, me: _agreements(c, [e.agreement for e in given]),
        )

    def cancel(
        self, actor: Viewer | str, conversation_id: str, *, reason: str = ""
    ) -> Conversation:
        """Cancel an open conversation; the invitees get a cancellation (``METHOD:CANCEL``).

        Its leader may cancel it, and whoever may change the organisation (HR).
        """
        return self._step(
            actor,
            conversation_id,
            "cancel",
            lambda c, me: wf.cancel(c, by=me, reason=reason, clock=self.clock),
        )

    # ------------------------------------------------------------------ upward feedback

    def give_upward_feedback(
        self,
        actor: Viewer | str,
        cycle_id: str,
        leader: str,
        answers: Mapping[str, Any],
    ) -> None:
        """Give anonymous feedback on ``leader`` before their LUS (the built-in form).

        ``answers`` are plain values by question id of the ``upward-feedback`` form. They are
        stored without the respondent: the document records that ``actor`` has answered (once
        per round) apart from the answers, which are sealed in batches of the round's minimum
        group size in an order that does not follow arrival, and the audit log records the
        actor ``"anonymous"`` (see ``docs/upward-feedback.md``).

        Raises:
            AccessDeniedError: unless ``actor`` is one of ``leader``'s staff.
            DataError: when the answers do not fit the form, ``actor`` has answered already,
                the leader's LUS has been held, or the staff is smaller than the minimum group
                size (their answers could never be shown).
        """
        give_upward_feedback(self, _viewer(actor), cycle_id, leader, answers)

    def upward_feedback_summary(
        self, actor: Viewer | str, cycle_id: str, leader: str
    ) -> UpwardSummary:
        """The aggregate of the upward feedback on ``leader``, or why there is none.

        For the leader, their own leader and HR; nobody gets the answers themselves. Render it
        into the LUS preparation with ``RenderContext(upward_feedback=...)``.

        Raises:
            AccessDeniedError: for anyone else.
        """
        return upward_feedback_summary(self, _viewer(actor), cycle_id, leader)

    # ------------------------------------------------------------------ people's data

    def export_person(self, actor: Viewer | str, person_id: str) -> dict[str, Any]:
        """Everything stored about a person (GDPR access): for the person themself and HR.

        Raises:
            AccessDeniedError: for anyone else.
        """
        viewer = _viewer(actor)
        found = self.store.get(Person, person_id)
        record = found.document if found is not None else Person(id=person_id, name=person_id)
        authorize_step(self.policy, viewer, "export_person", record)
        return self.store.export_person(person_id)

    def erase_person(self, actor: Viewer | str, person_id: str) -> str:
        """Erase a person's data everywhere (GDPR erasure); returns the pseudonym.

        Signed conversations keep their signatures through a redaction proved by
        :attr:`signer` (see :meth:`musframework.storage.Store.erase_person`).

        Raises:
            AccessDeniedError: unless the policy lets ``actor`` change the organisation (HR).
        """
        viewer = _viewer(actor)
        authorize_step(self.policy, viewer, "erase_person", self.organisation())
        try:
            return self.store.erase_person(person_id, actor=viewer.person, signer=self.signer)
        finally:
            self.refresh()

    # ------------------------------------------------------------------ notifications

    def _notices(
        self, on: pendulum.Date | None, conversations: Iterable[Conversation] | None
    ) -> list[Notice]:
        today = on if on is not None else self.clock.now().date()
        found = (
            conversations
            if conversations is not None
            else [s.document for s in self.store.conversations()]
        )
        return notices_for(
            found,
            on=today,
            reminder_days=self.settings.reminder_days,
            deadline_days=self.settings.deadline_days,
        )

    def _delivered(self) -> set[str]:
        return {s.document.id for s in self.store.documents(Delivery)}

    def pending_notices(
        self,
        *,
        on: pendulum.Date | None = None,
        conversations: Iterable[Conversation] | None = None,
    ) -> list[Notice]:
        """Every notice due on ``on`` (today) not yet delivered on the notifier's channel."""
        channel = self.notifier.channel if self.notifier is not None else "email"
        delivered = self._delivered()
        return [
            n
            for n in self._notices(on, conversations)
            if _delivery(n, channel, self.clock).id not in delivered
        ]

    def send_notifications(
        self,
        actor: Viewer | str,
        *,
        on: pendulum.Date | None = None,
        conversations: Iterable[Conversation] | None = None,
    ) -> NotificationReport:
        """Send every notice due (``on`` today) that was not delivered before.

        Each delivery is recorded in the store before its message goes out (and removed
        again when sending fails), so a second run, or a run in another process at the same
        time, sends nothing twice. Run it from a scheduled job, say every morning; the steps
        themselves notify at once about what they did.

        Raises:
            NotifierError: when no notifier is bound.
        """
        if self.notifier is None:
            raise NotifierError(Message("error.no-notifier"))
        viewer = _viewer(actor)
        notices = self._notices(on, conversations)
        return self._deliver(viewer.person, notices, self._delivered())

    def _deliver(
        self, actor: str, notices: Iterable[Notice], delivered: set[str] | None = None
    ) -> NotificationReport:
        notifier = self.notifier
        assert notifier is not None
        sent: list[OutgoingMessage] = []
        unreachable: list[Notice] = []
        failed: list[tuple[Notice, MusframeworkError]] = []
        already = 0
        organisation: Organisation | None = None
        for notice in notices:
            delivery = _delivery(notice, notifier.channel, self.clock)
            known = (
                delivery.id in delivered
                if delivered is not None
                else self.store.get(Delivery, delivery.id) is not None
            )
            if known:
                already += 1
                continue
            if organisation is None:
                organisation = self.organisation()
            message = compose(
                notice,
                organisation,
                locale=self.settings.language(notice.recipient),
                now=delivery.at,
                sender=self.settings.name,
                link=self.settings.link_to(notice.conversation.id),
                calendar=self.settings.calendar,
            )
            if message.to is None:
                unreachable.append(notice)
                continue
            if notifier.records:
                try:
                    self.store.save(delivery, actor=actor)  # the claim: one sender wins
                except ConflictError:
                    already += 1
                    continue
            try:
                notifier.send(message)
            except MusframeworkError as error:
                if notifier.records:
                    self.store.delete(Delivery, delivery.id, revision=1, actor=actor)
                failed.append((notice, error))
                continue
            sent.append(message)
        return NotificationReport(
            sent=tuple(sent),
            already=already,
            unreachable=tuple(unreachable),
            failed=tuple(failed),
        )


class _StaleError(Exception):
    # A step refused for a stale revision: carries its ConflictError past the retry loop.
    def __init__(self, error: ConflictError) -> None:
        super().__init__(str(error))
        self.error = error


@attrs.frozen(kw_only=True)
class PreparationForm:
    """The preparation form one person fills in for one conversation.

    Attributes:
        conversation: The conversation as the person may see it.
        revision: The conversation's stored revision (for ``If-Match``).
        questionnaire: The conversation's form (every role's questions).
        role: The person's role in the conversation: the questions they answer.
        response: Their saved response, if any.
        survey: The form for their role as SurveyJS survey JSON.
        data: Their saved answers as SurveyJS ``data``: the submitted response's, else
            their draft's (empty when neither).
        draft: Their draft with its revision, when they have one and have not submitted.
    """

    conversation: Conversation
    revision: int
    questionnaire: Questionnaire
    role: Role
    response: Response | None
    survey: dict[str, Any]
    data: dict[str, Any]
    draft: Stored[ResponseDraft] | None = None


def _delivery(notice: Notice, channel: str, clock: Clock) -> Delivery:
    return Delivery(
        notice=notice.key,
        kind=notice.kind.value,
        recipient=notice.recipient,
        at=clock.now(),
        conversation=notice.conversation.id,
        channel=channel,
    )


def _agreements(c: Conversation, ids: Iterable[str]) -> list[Agreement]:
    # The agreements a step names that exist; an unknown id is the workflow's to report.
    found = (c.agreement(i) for i in ids)
    return [a for a in found if a is not None]


def _sync(uow: Any, stored: Mapping[str, Any], wanted: Iterable[Any]) -> None:
    # Make the stored units (or groups) match ``wanted``: save new and changed, delete gone.
    keep = set()
    for document in wanted:
        keep.add(document.id)
        old = stored.get(document.id)
        if old is None or old.document != document:
            uow.save(document, revision=0 if old is None else old.revision)
    for id, old in stored.items():
        if id not in keep:
            uow.delete(type(old.document), id, revision=old.revision)
