"""Generated organisations: no viewer ever receives content they may not see.

For a generated organisation we hold every conversation its structure implies (a MUS per
member with their leader, a LUS per leader with theirs, a GRUS per group), each full of
secret strings: private notes, unshared and shared responses, each member's own agreements.
Some employees then move to another leader, with the plan handed over. For every person and
an HR viewer, every conversation and plan is viewed, serialised, and searched for the secrets
that viewer must not receive.
"""

import itertools
import json
import os

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import AccessDeniedError
from musframework.policy import Capacity, DefaultPolicy, LeaderChange, Viewer, view
from musframework.testing import strategies as mst

REF = mf.QuestionnaireRef("form", "1")
HELD = pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen")
MOVED = pendulum.datetime(2026, 6, 1, tz="Europe/Copenhagen")
LATER = pendulum.datetime(2026, 9, 1, tz="Europe/Copenhagen")


class Secrets:
    """Secret strings and who must never see each."""

    def __init__(self):
        self.counter = itertools.count()
        self.forbidden = {}  # secret -> predicate(person, is_hr) -> True when forbidden

    def new(self, forbidden):
        secret = f"\u27e6S{next(self.counter)}\u27e7"
        self.forbidden[secret] = forbidden
        return secret


@st.composite
def scenarios(draw):
    org = draw(mst.organisations(max_units=4, max_members=3))
    secrets = Secrets()
    conversations = []

    def participants_only(people):
        people = set(people)
        return lambda who, hr: who not in people and not hr

    def build(cid, kind, leader, developed, group=None):
        role = mf.Role.GROUP_MEMBER if kind == "GRUS" else mf.Role.EMPLOYEE
        everyone = [leader, *developed]
        outsider = participants_only(everyone)
        notes, responses, agreements = [], [], []
        for person in everyone:
            private = secrets.new(lambda who, hr, p=person: who != p)
            notes.append(mf.Note(author=person, text=private, private=True, at=HELD))
            shared_note = secrets.new(outsider)
            notes.append(mf.Note(author=person, text=shared_note, at=HELD))
            shared = draw(st.booleans())
            if shared and person != leader and kind == "GRUS":
                # Shared with the leader only: other members must not see it.
                members = set(developed) - {person}
                forbid = lambda who, hr, o=outsider, m=members: o(who, hr) or (who in m and not hr)  # noqa: E731
            elif shared:
                forbid = outsider
            else:
                forbid = lambda who, hr, p=person: who != p  # noqa: E731
            answer = secrets.new(forbid)
            responses.append(
                mf.Response(
                    questionnaire=REF,
                    role=mf.Role.LEADER if person == leader else role,
                    person=person,
                    answers={"q": mf.TextAnswer(answer)},
                    submitted_at=HELD,
                    shared=shared,
                )
            )
        for n, person in enumerate(developed):
            others = set(developed) - {person}
            plan = secrets.new(
                lambda who, hr, o=outsider, m=others: o(who, hr) or (who in m and not hr)
            )
            agreements.append(mf.Agreement(id=f"a{n}", description=plan, owner=person))
        participants = [mf.Participant(leader, "leader")]
        participants += [mf.Participant(p, role) for p in developed]
        return mf.Conversation(
            id=cid,
            kind=kind,
            group=group,
            participants=participants,
            scheduled_start=HELD,
            responses=responses,
            notes=notes,
            goals=[secrets.new(outsider)],
            agreements=agreements,
            status="signed",
        )

    for person in org.people:
        leader = org.nearest_leader(person.id)
        if leader is None:
            continue
        kind = "LUS" if org.is_leader(person.id) else "MUS"
        conversations.append(build(f"{kind}-{person.id}", kind, leader, [person.id]))
    for group in org.groups:
        conversations.append(build(f"GRUS-{group.id}", "GRUS", group.leader, list(group.members)))

    # Some MUS employees move to another unit's leader, with their plan handed over.
    changes = []
    units = [u for u in org.units if u.leader is not None]
    moved_org = org
    for c in conversations:
        if c.kind is not mf.ConversationKind.MUS or not draw(st.booleans()):
            continue
        employee, former = c.employee, c.leader
        targets = [u for u in units if u.leader not in (former, employee)]
        if not targets:
            continue
        target = draw(st.sampled_from(targets))
        new_units = []
        for u in moved_org.units:
            u = u.without_member(employee)
            new_units.append(u.with_member(employee) if u.id == target.id else u)
        moved_org = attrs.evolve(moved_org, units=new_units, groups=())
        changes.append(
            LeaderChange(person=employee, former=former, new=target.leader, at=MOVED, plan=c.id)
        )
    # The new leader gets the plan (goals, open agreements) of a handed-over MUS, and must
    # never get its old preparation or notes.
    handed = {ch.plan: ch for ch in changes}
    for c in conversations:
        change = handed.get(c.id)
        if change is None:
            continue
        texts = [r.answers["q"].value for r in c.responses] + [n.text for n in c.notes]
        for text in texts:
            old = secrets.forbidden[text]
            secrets.forbidden[text] = lambda who, hr, o=old, n=change.new: o(who, hr) or who == n
        for text in [*c.goals, *(a.description for a in c.agreements)]:
            old = secrets.forbidden[text]
            secrets.forbidden[text] = lambda who, hr, o=old, n=change.new: o(who, hr) and who != n
    return moved_org, changes, conversations, secrets


# Figures for docs/reliability.md: MUSFRAMEWORK_LEAK_EXAMPLES raises the example count, and
# MUSFRAMEWORK_FUZZ_REPORT names a folder to write them to (policy-leaks.json).
LEAK_EXAMPLES = int(os.environ.get("MUSFRAMEWORK_LEAK_EXAMPLES", "25"))
FIGURES = {"scenarios": 0, "views": 0, "denied": 0, "secrets_checked": 0, "leaks": 0}


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    yield
    folder = os.environ.get("MUSFRAMEWORK_FUZZ_REPORT")
    if folder and FIGURES["scenarios"]:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "policy-leaks.json"), "w", encoding="utf-8") as fh:
            json.dump(FIGURES, fh)


def _count(secrets):
    FIGURES["views"] += 1
    FIGURES["secrets_checked"] += len(secrets.forbidden)


def _leaks(obj, person, hr, secrets):
    text = mf.dumps(obj)
    return [s for s, forbidden in secrets.forbidden.items() if s in text and forbidden(person, hr)]


@settings(max_examples=LEAK_EXAMPLES, deadline=None)
@given(scenarios())
def test_no_viewer_receives_content_they_may_not_see(scenario):
    org, changes, conversations, secrets = scenario
    policy = DefaultPolicy(org, changes)
    FIGURES["scenarios"] += 1
    viewers = [Viewer(p.id) for p in org.people] + [Viewer("hr-staff", {Capacity.HR})]
    seen = 0
    for viewer, conversation in itertools.product(viewers, conversations):
        hr = viewer.is_hr
        try:
            redacted = view(conversation, viewer, policy)
        except AccessDeniedError:
            FIGURES["denied"] += 1
            continue
        seen += 1
        _count(secrets)
        leaks = _leaks(redacted, viewer.person, hr, secrets)
        FIGURES["leaks"] += len(leaks)
        assert leaks == [], (viewer, conversation.id)
        for person in conversation.developed:
            plan = mf.DevelopmentPlan.from_conversation(conversation, person)
            try:
                redacted_plan = view(plan, viewer, policy)
            except AccessDeniedError:
                FIGURES["denied"] += 1
                continue
            _count(secrets)
            leaks = _leaks(redacted_plan, viewer.person, hr, secrets)
            FIGURES["leaks"] += len(leaks)
            assert leaks == []
    # Every participant and HR sees each conversation, unless a move took it away.
    assert seen >= len(conversations)


@settings(max_examples=15, deadline=None)
@given(scenarios())
def test_every_participant_still_sees_their_own_secrets(scenario):
    org, changes, conversations, _ = scenario
    policy = DefaultPolicy(org, changes)
    for conversation in conversations:
        for person in conversation.developed:
            text = mf.dumps(view(conversation, Viewer(person), policy))
            own = [n.text for n in conversation.notes if n.author == person]
            own += [r.answers["q"].value for r in conversation.responses if r.person == person]
            assert all(secret in text for secret in own)


class _AllowEverything:
    """A broken policy, to show the leak check above can fail."""

    def allows(self, viewer, action, obj, part=None, item=None):
        return True


@settings(max_examples=10, deadline=None)
@given(scenarios())
def test_the_leak_check_catches_a_policy_that_shows_everything(scenario):
    org, _, conversations, secrets = scenario
    broken = _AllowEverything()
    leaks = [
        leak
        for c in conversations
        for leak in _leaks(
            view(c, Viewer(org.people[0].id), broken), org.people[0].id, False, secrets
        )
    ]
    # Every conversation has a participant other than people[0] with a private note.
    assert leaks or not conversations
