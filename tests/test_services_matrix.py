"""Every use case, run by every role of the access matrix, against the policy's own answer.

For each cell the use case runs through the services on a fresh store. It must succeed
exactly when the policy (asked directly, with the question this test states for the use case)
allows it, and be refused with ``AccessDeniedError`` otherwise: never a workflow refusal of
someone the policy allows. Two organisations: the one of tests/policy_scenario.py, and the
same after ``emp`` moved to ``other_boss`` on 1 June 2026 with the March plan handed over (the
new leader works on the open agreements; the former leader only reads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import AccessDeniedError
from musframework.policy import Action, Capacity, DefaultPolicy, LeaderChange, Part, Viewer
from musframework.services import Services, Settings

from .policy_scenario import ORG, at

REF = mf.QuestionnaireRef("form", "1")
MARCH = at(2026, 3, 3, 10)
MOVE = at(2026, 6, 1)
AFTER = mf.Organisation(
    people=[*ORG.people, mf.Person(id="hr1b", name="HR")],
    units=[
        ORG.unit("top"),
        ORG.unit("it").without_member("emp"),
        ORG.unit("sales").with_member("emp"),
    ],
    groups=ORG.groups,
)
CHANGE = LeaderChange(person="emp", former="boss", new="other_boss", at=MOVE, plan="mus")

ROLES = {
    "employee": Viewer("emp"),
    "leader": Viewer("boss"),
    "leaders_leader": Viewer("director"),
    "colleague": Viewer("col"),
    "hr": Viewer("hr1", {Capacity.HR}),
    "stranger": Viewer("stranger"),
    "other_leader": Viewer("other_boss"),
}


def planned() -> mf.Conversation:
    return mf.Conversation(
        id="mus",
        kind="MUS",
        unit="it",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=MARCH,
        follow_up_date=pendulum.date(2026, 9, 3),
        agreements=[
            mf.Agreement(id="old", description="Carried over", owner="emp", continues="prev:a1")
        ],
    )


def clock_at(moment: pendulum.DateTime) -> mf.FixedClock:
    return mf.FixedClock(moment)


def response(person: str, role: str) -> mf.Response:
    return mf.Response(questionnaire=REF, role=role, person=person, submitted_at=at(2026, 2, 25))


def invited() -> mf.Conversation:
    return wf.invite(planned(), by="boss", clock=clock_at(at(2026, 2, 17, 9)))


def prepared() -> mf.Conversation:
    c = wf.submit_response(invited(), response("emp", "employee"))
    return wf.submit_response(c, response("boss", "leader"))


def held() -> mf.Conversation:
    return wf.hold(prepared(), by="boss", clock=clock_at(MARCH))


def concluded() -> mf.Conversation:
    return wf.conclude(
        held(),
        by="boss",
        conclusions=["Good year"],
        goals=["Grow"],
        agreements=[mf.Agreement(id="a1", description="Course", owner="emp")],
        follow_up_date=pendulum.date(2026, 9, 3),
        next_conversation_date=None,
        clock=clock_at(MARCH.add(minutes=55)),
    )


def signed() -> mf.Conversation:
    c = concluded()
    for person in wf.required_signers(c):
        c = wf.sign(c, person=person, clock=clock_at(at(2026, 3, 10, 12)))
    return c


def role_in(c: mf.Conversation, person: str) -> str:
    role = c.role_of(person)
    return role.value if role is not None else "employee"


LATER = at(2026, 3, 20, 9)


@attrs.frozen
class Case:
    """A use case: the state it starts from, the call, and the policy question it asks."""

    start: Callable[[], mf.Conversation]
    call: Callable[[Services, Viewer], Any]
    question: Callable[[DefaultPolicy, Viewer, mf.Conversation], bool]
    when: pendulum.DateTime = LATER


def schedule_edit(policy, viewer, c):
    return policy.allows(viewer, Action.EDIT, c, Part.SCHEDULE)


def item_edit(part, item):
    def question(policy, viewer, c):
        return policy.allows(viewer, Action.EDIT, c, part) and policy.allows(
            viewer, Action.EDIT, c, part, item(c, viewer)
        )

    return question


def agreement_edit(agreement_id):
    return item_edit(Part.AGREEMENTS, lambda c, v: c.agreement(agreement_id))


def conclusions_and(agreements):
    def question(policy, viewer, c):
        edits = policy.allows(viewer, Action.EDIT, c, Part.CONCLUSIONS)
        return edits and all(
            policy.allows(viewer, Action.EDIT, c, Part.AGREEMENTS, a) for a in agreements
        )

    return question


def share_question(policy, viewer, c):
    mine = c.response_of(viewer.person)
    whole = policy.allows(viewer, Action.SHARE, c)
    if mine is None:
        return whole
    return whole and policy.allows(viewer, Action.SHARE, c, Part.RESPONSES, mine)


def cancel_question(policy, viewer, c):
    return schedule_edit(policy, viewer, c) or policy.allows(
        viewer, Action.EDIT, policy.organisation
    )


NEW_AGREEMENT = mf.Agreement(id="a2", description="Mentor", owner="emp")

CASES: dict[str, Case] = {
    "invite": Case(planned, lambda s, v: s.invite(v, "mus"), schedule_edit, at(2026, 2, 17)),
    "reschedule": Case(
        invited,
        lambda s, v: s.reschedule(v, "mus", start=at(2026, 3, 4, 13)),
        schedule_edit,
        at(2026, 2, 18),
    ),
    "submit_response": Case(
        invited,
        lambda s, v: s.submit_response(
            v,
            "mus",
            response(v.person, role_in(s.store.load(mf.Conversation, "mus").document, v.person)),
            check=False,
        ),
        item_edit(Part.RESPONSES, lambda c, v: response(v.person, role_in(c, v.person))),
        at(2026, 2, 25),
    ),
    "share": Case(prepared, lambda s, v: s.share(v, "mus"), share_question, at(2026, 2, 26)),
    "prepare": Case(invited, lambda s, v: s.prepare(v, "mus"), schedule_edit, at(2026, 2, 26)),
    "hold": Case(prepared, lambda s, v: s.hold(v, "mus"), schedule_edit, MARCH),
    "comment": Case(
        held,
        lambda s, v: s.comment(v, "mus", "A note"),
        item_edit(Part.NOTES, lambda c, v: mf.Note(author=v.person, text="A note")),
        MARCH.add(minutes=30),
    ),
    "conclude": Case(
        held,
        lambda s, v: s.conclude(
            v, "mus", conclusions=["c"], goals=["g"], agreements=[NEW_AGREEMENT]
        ),
        conclusions_and([NEW_AGREEMENT]),
        MARCH.add(minutes=55),
    ),
    "sign": Case(
        concluded,
        lambda s, v: s.sign(v, "mus"),
        lambda p, v, c: p.allows(v, Action.SIGN, c, Part.SIGNATURES),
    ),
    "revise": Case(
        concluded,
        lambda s, v: s.revise(v, "mus", goals=["Grow more"]),
        conclusions_and([]),
    ),
    "review_agreement": Case(
        held,
        lambda s, v: s.review_agreement(v, "mus", "old", "done", note="Done"),
        agreement_edit("old"),
        MARCH.add(minutes=10),
    ),
    "set_agreement_status": Case(
        signed,
        lambda s, v: s.set_agreement_status(v, "mus", "a1", "in_progress"),
        agreement_edit("a1"),
        at(2026, 7, 1, 9),
    ),
    "follow_up": Case(
        signed,
        lambda s, v: s.follow_up(
            v, "mus", entries=[mf.FollowUpEntry(agreement="a1", status="done")]
        ),
        lambda p, v, c: (
            p.allows(v, Action.EDIT, c, Part.AGREEMENTS)
            and p.allows(v, Action.EDIT, c, Part.AGREEMENTS, c.agreement("a1"))
        ),
        at(2026, 9, 3, 10),
    ),
    "cancel": Case(planned, lambda s, v: s.cancel(v, "mus", reason="Sick"), cancel_question),
}

ROUND = mf.Cycle(
    id="r2027",
    name="MUS 2027",
    period=mf.Period(pendulum.date(2027, 2, 1), pendulum.date(2027, 4, 30)),
    scope=["it"],
)

ORGANISATION_CASES: dict[str, tuple[Callable[[Services, Viewer], Any], Callable[..., bool]]] = {
    "plan_round": (
        lambda s, v: s.plan_round(v, ROUND),
        lambda p, v: p.allows(v, Action.EDIT, ROUND),
    ),
    "update_organisation": (
        lambda s, v: s.update_organisation(v, people=[mf.Person(id="new", name="New")]),
        lambda p, v: p.allows(v, Action.EDIT, p.organisation),
    ),
    "hand_over": (
        lambda s, v: s.hand_over(v, "emp", plan="mus"),
        lambda p, v: p.allows(v, Action.EDIT, p.organisation),
    ),
    "export_person": (
        lambda s, v: s.export_person(v, "emp"),
        lambda p, v: p.allows(v, Action.EXPORT, p.organisation.person("emp")),
    ),
    "erase_person": (
        lambda s, v: s.erase_person(v, "col"),
        lambda p, v: p.allows(v, Action.EDIT, p.organisation),
    ),
}

SCENARIOS = {
    "now": (ORG, ()),
    "moved": (AFTER, (CHANGE,)),
}
MOVED_CASES = ("comment", "sign", "revise", "set_agreement_status", "follow_up", "cancel")


def services_on(organisation, changes, when, *documents):
    clock = clock_at(when)
    store = mf.storage.open("memory://", clock=clock)
    for person in organisation.people:
        store.save(person)
    for unit in organisation.units:
        store.save(unit)
    for group in organisation.groups:
        store.save(group)
    for change in changes:
        store.save(change)
    for document in documents:
        store.save(document)
    return Services(store, clock=clock, settings=Settings(redact=False))


def outcome(call, services, viewer):
    try:
        call(services, viewer)
    except AccessDeniedError:
        return False
    return True


CELLS = [
    pytest.param(scenario, case, role, id=f"{scenario}-{case}-{role}")
    for scenario in SCENARIOS
    for case in (CASES if scenario == "now" else MOVED_CASES)
    for role in ROLES
]


@pytest.mark.parametrize(("scenario", "case", "role"), CELLS)
def test_the_services_agree_with_the_policy(scenario, case, role):
    organisation, changes = SCENARIOS[scenario]
    spec = CASES[case]
    start = spec.start()
    when = spec.when if scenario == "now" else max(spec.when, at(2026, 7, 1, 9))
    services = services_on(organisation, changes, when, start)
    policy = DefaultPolicy(organisation, changes)
    expected = spec.question(policy, ROLES[role], start)
    assert outcome(spec.call, services, ROLES[role]) is expected


@pytest.mark.parametrize("case", sorted(ORGANISATION_CASES))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_organisation_use_cases_agree_with_the_policy(case, role):
    call, question = ORGANISATION_CASES[case]
    services = services_on(AFTER, (CHANGE,), at(2026, 7, 1, 9), signed())
    policy = DefaultPolicy(AFTER, (CHANGE,))
    assert outcome(call, services, ROLES[role]) is question(policy, ROLES[role])


def test_the_new_leader_sets_the_status_of_open_agreements_and_follows_up():
    # The disagreement issue 19 names: the policy let the new leader edit open agreements,
    # the workflow refused them as "not a participant".
    services = services_on(AFTER, (CHANGE,), at(2026, 7, 1, 9), signed())
    new = ROLES["other_leader"]
    changed = services.set_agreement_status(new, "mus", "a1", "in_progress", note="On track")
    assert changed.agreement("a1").history[-1].by == "other_boss"
    services.clock.set(at(2026, 9, 3, 10))
    done = services.follow_up(new, "mus", entries=[mf.FollowUpEntry(agreement="a1", status="done")])
    assert done.status is mf.ConversationStatus.FOLLOWED_UP
    assert [e.actor for e in services.store.audit_log(kind="conversation")][-2:] == [
        "other_boss",
        "other_boss",
    ]
    with pytest.raises(AccessDeniedError):
        services.set_agreement_status(ROLES["leader"], "mus", "a1", "open")


def test_every_use_case_has_a_cell():
    from musframework.policy import STEPS

    covered = set(CASES) | set(ORGANISATION_CASES)
    assert covered == set(STEPS)


def test_every_use_case_is_allowed_to_someone_and_refused_to_someone():
    # The matrix above would pass vacuously if every answer were the same.
    for name, spec in CASES.items():
        policy = DefaultPolicy(ORG)
        answers = {role: spec.question(policy, v, spec.start()) for role, v in ROLES.items()}
        assert True in answers.values() and False in answers.values(), name
    for name, (_, question) in ORGANISATION_CASES.items():
        policy = DefaultPolicy(AFTER, (CHANGE,))
        answers = {role: question(policy, v) for role, v in ROLES.items()}
        assert True in answers.values() and False in answers.values(), name
