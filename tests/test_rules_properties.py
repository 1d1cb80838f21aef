"""Property tests: validation never raises on generated objects and reports only rule codes."""

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.model import ConversationStatus
from musframework.testing import strategies as mst

# Generating conversations is the slow part: run a third of the profile's examples.
FEWER = settings(max_examples=max(10, settings.default.max_examples // 3), deadline=None)
CONCLUDED = {
    ConversationStatus.CONCLUDED,
    ConversationStatus.SIGNED,
    ConversationStatus.FOLLOWED_UP,
}


def plans_of(conversations):
    """A development plan of the first person each concluded conversation develops."""
    return [
        mf.DevelopmentPlan.from_conversation(c, person)
        for c in conversations
        if c.status in CONCLUDED
        for person in c.developed[:1]
    ]


def check_report(report):
    codes = set(mf.rules.rule_codes())
    assert set(report.codes) <= codes
    assert list(report) == mf.sorted_findings(report)
    for finding in report:
        assert finding.message.missing() == []


@given(mst.conversations())
def test_validating_any_conversation_never_raises(conversation):
    check_report(mf.validate(conversation))


@FEWER
@given(st.data())
def test_validating_conversations_with_context_never_raises(data):
    questionnaire = data.draw(mst.questionnaires(max_sections=2, max_questions=2))
    conversations = data.draw(
        st.lists(mst.conversations(questionnaire), max_size=4, unique_by=lambda c: c.id)
    )
    cycle = data.draw(mst.cycles())
    units = data.draw(st.lists(mst.org_units(), max_size=3))
    people = {p for u in units for p in (*u.members, u.leader) if p}
    org = mf.Organisation(people=[mf.Person(id=p, name=p) for p in sorted(people)], units=units)
    # Link some conversations to each other (previous) and to the round.
    linked = [
        attrs.evolve(
            c,
            cycle=data.draw(st.sampled_from([None, cycle.id])),
            previous=data.draw(st.sampled_from([None, *(o.id for o in conversations)])),
        )
        for c in conversations
    ]
    plans = plans_of(linked)
    for conversation in linked:
        check_report(mf.validate(conversation, cycle=cycle, conversations=linked))
    for plan in plans:
        check_report(mf.validate(plan, conversations=linked))
    report = mf.validate(cycle, conversations=linked, organisation=org, plans=plans)
    check_report(report)
    # The order of the input does not change the report.
    shuffled = data.draw(st.permutations(linked))
    assert mf.validate(cycle, conversations=shuffled, organisation=org, plans=plans) == report


@FEWER
@given(mst.questionnaires(), mst.cycles())
def test_generated_questionnaires_pass_the_definition_checks(questionnaire, cycle):
    report = mf.validate(questionnaire, cycle=cycle)
    # Strategies make valid forms: only the rules about content may speak.
    assert set(report.codes) <= {"agenda.minutes", "questionnaire.salary-topic"}


@FEWER
@given(st.data())
def test_a_rounds_report_is_its_members_reports_with_nested_paths(data):
    # A round's conversations differ in kind and status, so different rules run on each;
    # validating the round must give what validating each member alone gives.
    cycle = data.draw(mst.cycles())
    conversations = data.draw(st.lists(mst.conversations(), max_size=6, unique_by=lambda c: c.id))
    members = [
        attrs.evolve(
            c,
            cycle=cycle.id,
            previous=data.draw(st.sampled_from([None, *(o.id for o in conversations)])),
        )
        for c in conversations
    ]
    plans = plans_of(members)
    expected = list(mf.validate(cycle))
    for c in members:
        alone = mf.validate(c, cycle=cycle, conversations=members)
        expected.extend(f.with_path_prefix(f"conversations[{c.id}]") for f in alone)
    for p in plans:
        alone = mf.validate(p, cycle=cycle, conversations=members)
        expected.extend(f.with_path_prefix(f"plans[{p.conversation}:{p.person}]") for f in alone)
    report = mf.validate(cycle, conversations=members, plans=plans)
    assert report == mf.sorted_findings(expected)


def _without_preconditions(rules):
    """The same rules with their declared preconditions taken away (each called every time)."""
    return mf.rules.RuleSet(
        [attrs.evolve(r, requires=()) if isinstance(r, mf.rules.FunctionRule) else r for r in rules]
    )


def test_the_built_in_rules_declare_preconditions():
    # Without any, the property below would compare the engine with itself.
    declared = {r.code for r in mf.rules.registered_rules() if getattr(r, "requires", ())}
    assert {"invitation.lead-time", "signature.not-required", "signature.void"} <= declared


@FEWER
@given(st.data())
def test_declared_preconditions_never_change_a_report(data):
    # A precondition only spares a call that would find nothing: a round validated by the
    # built-in rules with and without their preconditions gives the same report, finding
    # for finding and in the same order (conversations with and without invitations, agendas,
    # signatures, dates and a previous conversation, plans, a questionnaire).
    questionnaire = data.draw(mst.questionnaires(max_sections=2, max_questions=2))
    cycle = data.draw(mst.cycles())
    drawn = data.draw(st.lists(mst.conversations(), max_size=6, unique_by=lambda c: c.id))
    members = [
        attrs.evolve(
            c,
            cycle=cycle.id,
            previous=data.draw(st.sampled_from([None, c.previous, *(o.id for o in drawn)])),
        )
        for c in drawn
    ]
    plans = plans_of(members)
    with_them = mf.rules.RuleSet()
    without = _without_preconditions(c.rule for c in with_them)
    for c in members:  # each alone, and within the round
        alone = mf.validate(c, rules=with_them, cycle=cycle, conversations=members)
        assert alone == mf.validate(c, rules=without, cycle=cycle, conversations=members)
    kwargs = {"conversations": members, "plans": plans, "questionnaires": [questionnaire]}
    report = mf.validate(cycle, rules=with_them, **kwargs)
    plain = mf.validate(cycle, rules=without, **kwargs)
    assert report == plain  # codes, paths, severities and messages
    assert [f.text("da") for f in report] == [f.text("da") for f in plain]
