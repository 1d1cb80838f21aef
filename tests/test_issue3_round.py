"""Issue 3's "done when": the workflow walks validate clean; each injected fault is caught."""

from collections.abc import Callable

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.rules import rule_codes

from . import walks

WALKS = {"MUS": walks.walk_mus, "GRUS": walks.walk_grus, "LUS": walks.walk_lus}


def round_context(conversations):
    return {
        "cycle": walks.cycle(),
        "conversations": [walks.previous_mus(), *conversations],
        "organisation": walks.organisation(),
        "questionnaires": [walks.questionnaire()],
    }


def errors(report):
    return [f for f in report if f.severity is mf.Severity.ERROR]


@pytest.mark.parametrize("kind", WALKS)
def test_each_walk_validates_without_errors_at_every_step(kind):
    walk = WALKS[kind]()
    assert walk.final.status is mf.ConversationStatus.FOLLOWED_UP
    for name, conversation in walk.steps:
        report = mf.validate(conversation, **round_context([conversation]))
        assert errors(report) == [], f"{kind} after {name}: {report.format('en')}"
    for plan in walk.plans:
        assert errors(mf.validate(plan, **round_context([walk.final]))) == []


def test_the_whole_round_validates_without_errors():
    finals = [make().final for make in WALKS.values()]
    ctx = round_context(finals)
    report = mf.validate(ctx.pop("cycle"), **ctx)
    assert errors(report) == [], report.format("en")


# ---------------------------------------------------------------- fault injection

Fault = Callable[[mf.Conversation], mf.Conversation]


def _agreements(change: Callable[[mf.Agreement], mf.Agreement], index: int = -1) -> Fault:
    def fault(c: mf.Conversation) -> mf.Conversation:
        items = list(c.agreements)
        items[index] = change(items[index])
        return attrs.evolve(c, agreements=items)

    return fault


def _evolve(**changes) -> Fault:
    return lambda c: attrs.evolve(c, **changes)


def _invitation(**changes) -> Fault:
    return lambda c: attrs.evolve(c, invitation=attrs.evolve(c.invitation, **changes))


CONVERSATION_FAULTS: dict[str, tuple[str, Fault]] = {
    "agenda.minutes": ("MUS", lambda c: attrs.evolve(c, agenda=c.agenda[:-1])),
    "agreement.no-owner": ("MUS", _agreements(lambda a: attrs.evolve(a, owner=None))),
    "agreement.no-deadline": ("MUS", _agreements(lambda a: attrs.evolve(a, deadline=None))),
    "agreement.deadline-before-conversation": (
        "MUS",
        _agreements(lambda a: attrs.evolve(a, deadline=pendulum.date(2026, 1, 1))),
    ),
    "agreement.owner-not-participant": ("MUS", _agreements(lambda a: attrs.evolve(a, owner="dir"))),
    "carry-over.not-reviewed": (
        "MUS",
        lambda c: attrs.evolve(
            c,
            agreements=[attrs.evolve(a, history=()) if a.continues else a for a in c.agreements],
        ),
    ),
    "carry-over.missing": (
        "MUS",
        lambda c: attrs.evolve(c, agreements=[a for a in c.agreements if not a.continues]),
    ),
    "invitation.lead-time": ("MUS", _invitation(sent_at=walks.at(2026, 2, 1, 9))),
    "invitation.form-not-attached": ("MUS", _invitation(form_attached=False)),
    "plan.no-goals": ("MUS", _evolve(goals=())),
    "plan.no-activities": ("MUS", _evolve(agreements=())),
    "plan.no-follow-up-date": ("MUS", _evolve(follow_up_date=None)),
    "plan.follow-up-window": ("MUS", _evolve(follow_up_date=pendulum.date(2026, 3, 20))),
    "plan.next-conversation-window": (
        "MUS",
        _evolve(next_conversation_date=pendulum.date(2027, 6, 1)),
    ),
    "plan.not-signed": ("MUS", _evolve(signatures=())),
    "plan.courses-only": (
        "MUS",
        lambda c: attrs.evolve(
            c,
            agreements=[
                attrs.evolve(a, learning_method=mf.LearningMethod.COURSE) for a in c.agreements
            ],
        ),
    ),
    "signature.void": ("LUS", _evolve(conclusions=("Ændret efter underskrift",))),
    "signature.not-required": (
        "MUS",
        lambda c: attrs.evolve(
            c, signatures=(*c.signatures, attrs.evolve(c.signatures[0], person="dir"))
        ),
    ),
    "grus.no-individual-plan": (
        "GRUS",
        lambda c: attrs.evolve(c, agreements=[a for a in c.agreements if a.owner != "m2"]),
    ),
}


@pytest.mark.parametrize("code", sorted(CONVERSATION_FAULTS))
def test_each_injected_conversation_fault_is_reported(code):
    kind, fault = CONVERSATION_FAULTS[code]
    final = WALKS[kind]().final
    clean = mf.validate(final, **round_context([final]))
    assert code not in clean.codes
    broken = fault(final)
    assert code in mf.validate(broken, **round_context([broken])).codes


def _grus_replaces_mus(cycle):
    return attrs.evolve(cycle, settings=attrs.evolve(cycle.settings, grus_replaces_mus=["it"]))


def test_injected_round_faults_are_reported():
    mus, grus, lus = (make().final for make in WALKS.values())
    ctx = round_context([mus, grus, lus])
    cycle = ctx.pop("cycle")
    # Mads and Sara only took part in the GRUS: they miss their MUS ...
    missing = [f.text("en") for f in mf.validate(cycle, **ctx) if f.path == "scope"]
    assert missing == [
        "round 'mus-2026', scope: 'm1' has no conversation in the round",
        "round 'mus-2026', scope: 'm2' has no conversation in the round",
    ]
    # ... unless the round says the GRUS replaces the individual MUS in their unit.
    assert not {"coverage.missing-conversation", "grus.after-mus"} & set(
        mf.validate(_grus_replaces_mus(cycle), **ctx).codes
    )

    # Bo, a leader with a leader of his own, has no LUS.
    ctx_missing = round_context([mus, grus])
    report = mf.validate(_grus_replaces_mus(ctx_missing.pop("cycle")), **ctx_missing)
    missing = [f for f in report if f.code == "coverage.missing-conversation"]
    assert [(f.path, f.text("en")) for f in missing] == [
        ("scope", "round 'mus-2026', scope: 'boss' has no conversation in the round")
    ]

    late_grus = attrs.evolve(grus, scheduled_start=mus.scheduled_start.add(days=2))
    ctx_late = round_context([mus, late_grus, lus])
    assert "grus.after-mus" in mf.validate(ctx_late.pop("cycle"), **ctx_late).codes


def test_injected_form_faults_are_reported():
    form = walks.questionnaire()
    salary = mf.TextQuestion(
        id="pay", text={"da": "Hvad ønsker du i løn?", "en": "What salary do you want?"}
    )
    section = attrs.evolve(form.sections[-1], questions=(*form.sections[-1].questions, salary))
    broken = attrs.evolve(form, sections=(*form.sections[:-1], section))
    assert "questionnaire.salary-topic" in mf.validate(broken).codes
    duplicate = attrs.evolve(
        section,
        questions=(*section.questions, attrs.evolve(salary, text=section.questions[0].text)),
    )
    assert (
        "questionnaire.duplicate-id"
        in mf.validate(attrs.evolve(form, sections=(*form.sections[:-1], duplicate))).codes
    )


def test_every_registered_rule_has_an_injected_fault():
    covered = set(CONVERSATION_FAULTS) | {
        "coverage.missing-conversation",
        "coverage.requested-mus",  # tests/test_rounds.py
        "coverage.mandatory",  # tests/test_rounds.py
        "grus.after-mus",
        "questionnaire.salary-topic",
        "questionnaire.check",
    }
    assert set(rule_codes()) <= covered


def test_round_of_200_employees_is_planned_scheduled_and_validated():
    people = [mf.Person(id="dir", name="Direktør")]
    units = [mf.OrgUnit(id="top", name="Direktion", leader="dir")]
    for u in range(12):
        leader = f"l{u}"
        members = [f"e{u}-{i}" for i in range(17 if u < 8 else 16)]
        people += [mf.Person(id=leader, name=f"Leder {u}")] + [
            mf.Person(id=m, name=m) for m in members
        ]
        units.append(
            mf.OrgUnit(id=f"u{u}", name=f"Enhed {u}", leader=leader, members=members, parent="top")
        )
    org = mf.Organisation(people=people, units=units)
    assert sum(len(u.members) for u in units) == 200
    cycle = mf.Cycle(
        id="r2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 4, 30)),
        scope=["top"],
        questionnaire=walks.questionnaire().ref,
        settings=mf.CycleSettings(grus_before_mus=True, include_lus=True),
    )
    plan = wf.plan_round(org, cycle, grus=True)
    kinds = [c.kind for c in plan.conversations]
    assert kinds.count(mf.ConversationKind.MUS) == 200
    assert kinds.count(mf.ConversationKind.LUS) == 12
    assert kinds.count(mf.ConversationKind.GRUS) == 12
    assert not plan.unplaced
    report = mf.validate(cycle, conversations=plan.conversations, organisation=org)
    # A freshly planned round has nothing to cover and no ordering problems.
    assert not {"coverage.missing-conversation", "grus.after-mus"} & set(report.codes)
