"""Rules in one pass: the agreement walk, declared preconditions, findings made final once."""

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.rules import RuleSet, rule
from musframework.rules.builtin import AGREEMENTS, BUILTIN_RULES
from musframework.testing import strategies as mst

WALKED = sorted(r.code for r in BUILTIN_RULES if r.walk is AGREEMENTS)
# Generated conversations are slow to draw: a few examples here, the rules' own tests do more.
FEWER = settings(max_examples=min(8, settings.default.max_examples), deadline=None)
CYCLE = mf.Cycle(
    id="r",
    name="R",
    kind="MUS",
    period=mf.Period(pendulum.date(2026, 1, 5), pendulum.date(2026, 12, 18)),
)


def _key(findings):
    return sorted((f.path, f.code, f.severity.value, f.text("en")) for f in findings)


def test_the_agreement_rules_share_one_walk():
    assert WALKED == [
        "agreement.deadline-before-conversation",
        "agreement.no-deadline",
        "agreement.no-owner",
        "agreement.owner-not-participant",
        "carry-over.not-reviewed",
        "plan.courses-only",
    ]


@FEWER
@given(
    conversations=st.lists(mst.conversations(), min_size=1, max_size=2, unique_by=lambda c: c.id),
    plan_from=st.booleans(),
    disabled=st.sets(st.sampled_from(WALKED)),
)
def test_the_walk_finds_what_each_rule_finds_alone(conversations, plan_from, disabled):
    """All walked rules together = each alone, in a round and for plans; disabling one drops it."""
    cycle = CYCLE
    round_ = [attrs.evolve(c, cycle="r") for c in conversations]
    plans = []
    if plan_from:
        plans = [
            mf.DevelopmentPlan.from_conversation(c, person)
            for c in round_
            if c.status in mf.ConversationStatus.CONCLUDED_OR_LATER
            for person in c.developed[:1]
        ]
    everything = RuleSet(disable=sorted(disabled))
    together = mf.validate(cycle, conversations=round_, plans=plans, rules=everything)
    walked = [f for f in together if f.code in WALKED]
    alone = []
    for code in WALKED:
        if code in disabled:
            continue
        one = RuleSet([mf.rules.registered_rule(code)])
        alone += mf.validate(cycle, conversations=round_, plans=plans, rules=one)
    assert _key(walked) == _key(alone)
    assert not {f.code for f in walked} & disabled


def _conversation(**changes):
    base = {
        "id": "c1",
        "kind": "MUS",
        "cycle": "r",
        "participants": [mf.Participant("ane", "employee"), mf.Participant("bo", "leader")],
        "held_at": pendulum.datetime(2026, 3, 2, 10, tz="Europe/Copenhagen"),
        "status": "held",
        "agreements": [
            mf.Agreement(id="a1", description="Kursus", owner="cai"),
            mf.Agreement(
                id="a2", description="Mentor", owner="", deadline=pendulum.date(2026, 1, 1)
            ),
        ],
    }
    return mf.Conversation(**(base | changes))


def test_walked_findings_keep_their_configured_severity_and_their_final_path():
    rules = RuleSet(severity={"agreement.no-deadline": "info", "agreement.no-owner": "warning"})
    cycle = CYCLE
    report = mf.validate(cycle, conversations=[_conversation()], rules=rules)
    found = {(f.code, f.path, f.severity.value) for f in report if f.code in WALKED}
    assert found == {
        ("agreement.owner-not-participant", "conversations[c1].agreements[0].owner", "error"),
        ("agreement.no-deadline", "conversations[c1].agreements[0].deadline", "info"),
        ("agreement.no-owner", "conversations[c1].agreements[1].owner", "warning"),
        (
            "agreement.deadline-before-conversation",
            "conversations[c1].agreements[1].deadline",
            "error",
        ),
    }
    # The message keeps the path within the conversation, as before.
    owner = next(f for f in report if f.code == "agreement.no-owner")
    assert "agreements[1].owner" in owner.text("en")
    assert "conversations[c1]" not in owner.text("en")
    # Validated on its own, a conversation's paths have no prefix.
    alone = mf.validate(_conversation(), rules=rules)
    assert {f.path for f in alone if f.code == "agreement.no-owner"} == {"agreements[1].owner"}


def test_a_rule_with_a_precondition_is_not_called_when_it_is_not_met():
    calls = []

    @rule("acme.invited", severity="info", applies_to=mf.Conversation, requires=["invitation"])
    def invited(conversation, ctx):
        calls.append(conversation.id)
        yield ctx.finding("invitation")

    rules = RuleSet([invited])
    assert list(mf.validate(_conversation(), rules=rules)) == []
    assert calls == []
    sent = mf.Invitation(
        sent_at=pendulum.datetime(2026, 2, 20, 9, tz="Europe/Copenhagen"), sent_by="bo"
    )
    report = mf.validate(_conversation(invitation=sent), rules=rules)
    assert calls == ["c1"]
    assert report.codes == ["acme.invited"]
    assert invited.requires == ("invitation",)


def test_a_precondition_on_an_attribute_the_object_lacks_does_not_stop_the_rule():
    # agenda.minutes requires a conversation's agenda; a questionnaire has none and is checked.
    cycle = CYCLE
    form = mf.Questionnaire(
        id="f",
        version="1",
        title={"da": "F", "en": "F"},
        sections=[mf.Section(id="s", title={"da": "S", "en": "S"}, minutes=10)],
    )
    report = mf.validate(form, cycle=cycle)
    assert "agenda.minutes" in report.codes
