"""Each built-in rule fires on its fault and stays quiet on valid objects and boundary cases."""

import attrs
import pytest

import musframework as mf

from .helpers import at, t
from .rules_fixtures import (
    D,
    agenda,
    cycle,
    mus_form,
    organisation,
    round_conversations,
    sign,
    valid_grus,
    valid_mus,
)


def codes(obj, **kwargs):
    return set(mf.validate(obj, **kwargs).codes)


def invited(days: int, **kwargs) -> mf.Conversation:
    sent = at(2026, 3, 3, 10).subtract(days=days)
    return valid_mus(invitation=mf.Invitation(sent_at=sent, sent_by="boss", **kwargs))


def agreements_with(**changes) -> list[mf.Agreement]:
    first, *rest = valid_mus().agreements
    return [attrs.evolve(first, **changes), *rest]


# --------------------------------------------------------------------------- valid fixtures


def test_valid_fixtures_have_no_findings_at_all():
    assert mf.validate(valid_mus()) == []
    assert mf.validate(valid_grus()) == []
    assert mf.validate(mus_form(), cycle=cycle()) == []
    plan = mf.DevelopmentPlan.from_conversation(valid_mus())
    assert mf.validate(plan, conversations=[valid_mus()]) == []
    report = mf.validate(
        cycle(include_lus=True, grus_before_mus=True),
        conversations=[*round_conversations(), valid_grus()],
        organisation=organisation(),
        questionnaires=[mus_form()],
        plans=[plan],
    )
    assert report == []


# --------------------------------------------------------------------------- one fault, one code

FAULTS = {
    "invitation.lead-time": lambda: invited(6),
    "invitation.form-not-attached": lambda: invited(10, form_attached=False),
    "agenda.minutes": lambda: valid_mus(agenda=agenda(5, 10, 30, 5)),
    "agreement.no-owner": lambda: valid_mus(agreements=agreements_with(owner=None)),
    "agreement.owner-not-participant": lambda: valid_mus(
        agreements=agreements_with(owner="stranger")
    ),
    "agreement.no-deadline": lambda: valid_mus(agreements=agreements_with(deadline=None)),
    "agreement.deadline-before-conversation": lambda: valid_mus(
        agreements=agreements_with(deadline=D(2026, 3, 2))
    ),
    "carry-over.not-reviewed": lambda: valid_mus(agreements=agreements_with(continues="old-a1")),
    "plan.no-goals": lambda: valid_mus(goals=()),
    "plan.no-activities": lambda: valid_mus(agreements=()),
    "plan.no-follow-up-date": lambda: valid_mus(follow_up_date=None),
    "plan.follow-up-window": lambda: valid_mus(follow_up_date=D(2026, 6, 2)),
    "plan.next-conversation-window": lambda: valid_mus(next_conversation_date=D(2027, 3, 4)),
    "plan.not-signed": lambda: valid_mus(signatures=sign(valid_mus()).signatures[:1]),
    "plan.courses-only": lambda: valid_mus(
        agreements=agreements_with(learning_method=mf.LearningMethod.COURSE)
    ),
    "grus.no-individual-plan": lambda: valid_grus(agreements=valid_grus().agreements[:1]),
    "signature.not-required": lambda: valid_mus(
        signatures=(
            *valid_mus().signatures,
            mf.Signature(
                person="stranger",
                role="employee",
                signed_at=valid_mus().signatures[0].signed_at,
                digest=valid_mus().content_digest(),
            ),
        )
    ),
}


@pytest.mark.parametrize("code", sorted(FAULTS))
def test_each_fault_gives_exactly_its_code(code):
    assert codes(FAULTS[code]()) == {code}


def test_every_builtin_rule_has_a_firing_test():
    elsewhere = {
        "carry-over.missing",
        "coverage.missing-conversation",
        "coverage.requested-mus",
        "coverage.mandatory",
        "grus.after-mus",
        "questionnaire.check",
        "questionnaire.salary-topic",
        "signature.void",
    }
    assert set(FAULTS) | elsewhere == set(mf.rules.rule_codes())


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(("days", "fires"), [(6, True), (7, False), (14, False), (15, True)])
def test_invitation_lead_time_boundaries(days, fires):
    assert ("invitation.lead-time" in codes(invited(days))) is fires


def test_lead_time_counts_calendar_days_in_the_meetings_zone():
    # Sent at 23:30 UTC on 23 Feb = 00:30 on 24 Feb in Copenhagen: 7 days before 3 March.
    sent = mf.Invitation(sent_at=at(2026, 2, 23, 23, 30).in_timezone("UTC"), sent_by="boss")
    sent = attrs.evolve(sent, sent_at=sent.sent_at.add(hours=1))
    assert "invitation.lead-time" not in codes(valid_mus(invitation=sent))
    # Sent after the meeting: a negative lead time fires.
    assert "invitation.lead-time" in codes(invited(-1))


def test_no_invitation_or_no_start_is_not_a_lead_time_problem():
    assert codes(valid_mus(invitation=None)) == set()
    assert "invitation.lead-time" not in codes(valid_mus(scheduled_start=None, held_at=None))


def test_agenda_is_checked_only_when_there_is_one_and_against_the_duration():
    assert codes(valid_mus(agenda=())) == set()
    import pendulum

    short = valid_mus(agenda=agenda(5, 10, 20, 5, 5), duration=pendulum.duration(minutes=45))
    assert codes(short) == set()


def test_closed_agreements_need_no_deadline_in_the_future():
    done = mf.AgreementStatus.DONE
    late_but_done = agreements_with(deadline=D(2026, 1, 1), status=done)
    assert codes(valid_mus(agreements=late_but_done)) == set()
    assert codes(valid_mus(agreements=agreements_with(deadline=None, status=done))) == set()
    assert codes(valid_mus(agreements=agreements_with(deadline=D(2026, 3, 3)))) == set()


def test_owner_checks_on_plans_too():
    plan = mf.DevelopmentPlan.from_conversation(valid_mus())
    foreign = attrs.evolve(plan.activities[0], owner="stranger")
    # The owner changed after signing: the signatures no longer match the plan's content.
    assert codes(attrs.evolve(plan, activities=[foreign, *plan.activities[1:]])) == {
        "agreement.owner-not-participant",
        "plan.not-signed",
        "signature.void",
    }


def test_carry_over_reviewed_at_the_conversation_does_not_fire():
    carried = agreements_with(continues="old-a1")[0]
    reviewed = carried.with_status("in_progress", by="boss", at=at(2026, 3, 3, 10, 20))
    assert codes(valid_mus(agreements=[reviewed, *valid_mus().agreements[1:]])) == set()
    # Reviewed before this conversation (at the last one) does not count.
    old = carried.with_status("in_progress", by="boss", at=at(2025, 3, 3, 10))
    assert codes(valid_mus(agreements=[old, *valid_mus().agreements[1:]])) == {
        "carry-over.not-reviewed"
    }


def test_carry_over_is_not_reviewed_before_the_conversation_is_held():
    faulty = FAULTS["carry-over.not-reviewed"]()
    for status in ("planned", "invited", "prepared"):
        assert "carry-over.not-reviewed" not in codes(attrs.evolve(faulty, status=status))


def test_carry_over_missing_needs_the_previous_conversation():
    previous = valid_mus(
        id="mus-emp-2025",
        scheduled_start=at(2025, 3, 4, 10),
        held_at=at(2025, 3, 4, 10),
        agreements=[
            mf.Agreement(id="p1", description="Open", owner="emp", deadline=D(2025, 9, 1)),
            mf.Agreement(
                id="p2", description="Done", owner="emp", deadline=D(2025, 9, 1), status="done"
            ),
        ],
    )
    current = valid_mus(previous="mus-emp-2025")
    assert codes(current) == set()  # previous unknown: nothing to compare
    report = mf.validate(current, conversations=[previous])
    assert report.codes == ["carry-over.missing"]
    assert "“Open”" in report[0].text("en") and "»Open«" in report[0].text("da")
    carried = mf.Agreement(
        id="p1",
        description="Open",
        owner="emp",
        deadline=D(2026, 9, 1),
        continues="p1",
        history=[mf.StatusChange(status="open", by="boss", at=at(2026, 3, 3, 10, 5))],
    )
    fixed = valid_mus(previous="mus-emp-2025", agreements=[*valid_mus().agreements, carried])
    assert codes(fixed, conversations=[previous]) == set()


def test_plan_rules_wait_for_the_conclusion():
    empty = valid_mus(goals=(), agreements=(), follow_up_date=None, signatures=())
    for status in ("planned", "invited", "prepared", "held"):
        assert codes(attrs.evolve(empty, status=status)) == set()
    assert codes(attrs.evolve(empty, status="concluded")) == {
        "plan.no-goals",
        "plan.no-activities",
        "plan.no-follow-up-date",
    }


def test_cancelled_conversations_are_not_validated():
    assert codes(attrs.evolve(FAULTS["plan.no-goals"](), status="cancelled")) == set()


def test_closed_carried_over_agreements_are_not_activities():
    done = mf.Agreement(
        id="old",
        description="Done last year",
        owner="emp",
        status="done",
        continues="old",
        history=[mf.StatusChange(status="done", by="boss", at=at(2026, 3, 3, 10, 5))],
    )
    assert codes(valid_mus(agreements=[done])) == {"plan.no-activities"}


@pytest.mark.parametrize(
    ("follow_up", "fires"),
    [((2026, 6, 2), True), ((2026, 6, 3), False), ((2026, 9, 3), False), ((2026, 9, 4), True)],
)
def test_follow_up_window_boundaries(follow_up, fires):
    report = codes(valid_mus(follow_up_date=D(*follow_up)))
    assert ("plan.follow-up-window" in report) is fires


def test_follow_up_window_handles_month_ends():
    aug31 = {"scheduled_start": at(2026, 8, 31, 10), "held_at": at(2026, 8, 31, 10)}
    common = {**aug31, "invitation": None, "next_conversation_date": D(2027, 8, 31)}
    later = {
        "agreements": [attrs.evolve(a, deadline=D(2026, 12, 1)) for a in valid_mus().agreements]
    }
    feb28 = valid_mus(follow_up_date=D(2027, 2, 28), **common, **later)
    assert codes(feb28) == set()
    assert codes(valid_mus(follow_up_date=D(2027, 3, 1), **common, **later)) == {
        "plan.follow-up-window"
    }


@pytest.mark.parametrize(
    ("upcoming", "fires"),
    [((2027, 3, 3), False), ((2027, 3, 4), True), ((2026, 3, 3), True), ((2026, 3, 4), False)],
)
def test_next_conversation_window(upcoming, fires):
    report = codes(valid_mus(next_conversation_date=D(*upcoming)))
    assert ("plan.next-conversation-window" in report) is fires


def test_plan_date_rules_use_the_source_conversation():
    conversation = valid_mus(follow_up_date=D(2026, 12, 1))
    plan = mf.DevelopmentPlan.from_conversation(conversation)
    assert codes(plan) == set()  # no conversation known: no date to measure from
    assert codes(plan, conversations=[conversation]) == {"plan.follow-up-window"}


def test_not_signed_only_counts_once_signed_status_is_claimed():
    unsigned = valid_mus(signatures=())
    assert codes(attrs.evolve(unsigned, status="concluded")) == set()
    assert codes(unsigned) == {"plan.not-signed"}
    assert codes(attrs.evolve(unsigned, status="followed_up")) == {"plan.not-signed"}


def test_grus_needs_every_member_and_the_leader_to_sign():
    grus = valid_grus()
    missing_member = attrs.evolve(grus, signatures=grus.signatures[:-1])
    report = mf.validate(missing_member)
    assert report.codes == ["plan.not-signed"]
    assert "'emp2'" in report[0].text("en")


def test_void_signatures_fire_until_signed_again():
    changed = attrs.evolve(valid_mus(), goals=("Something else",), status="concluded")
    report = mf.validate(changed)
    assert report.codes == ["signature.void", "signature.void"]
    assert [f.path for f in report] == ["signatures[0]", "signatures[1]"]
    resigned = sign(changed)
    both = attrs.evolve(resigned, signatures=changed.signatures + resigned.signatures)
    assert codes(both) == set()


def test_void_signatures_on_plans():
    plan = mf.DevelopmentPlan.from_conversation(valid_mus())
    # The stored digest is never trusted: validity is recomputed from the plan's content.
    assert codes(attrs.evolve(plan, digest="0" * 64)) == set()
    assert codes(attrs.evolve(plan, goals=("Get a 50% raise",))) == {
        "signature.void",
        "plan.not-signed",
    }
    assert codes(attrs.evolve(plan, signatures=())) == {"plan.not-signed"}


def test_plan_content_rules_on_plans():
    plan = attrs.evolve(mf.DevelopmentPlan.from_conversation(valid_mus()), signatures=())

    def content_codes(changed: mf.DevelopmentPlan) -> set[str]:
        # Changing the content voids the signatures too; those rules are tested above.
        return codes(changed) - {"plan.not-signed"}

    assert content_codes(attrs.evolve(plan, goals=())) == {"plan.no-goals"}
    assert content_codes(attrs.evolve(plan, activities=())) == {"plan.no-activities"}
    assert content_codes(attrs.evolve(plan, follow_up_date=None)) == {"plan.no-follow-up-date"}
    only_courses = [
        attrs.evolve(a, learning_method=mf.LearningMethod.COURSE) for a in plan.activities
    ]
    assert content_codes(attrs.evolve(plan, activities=only_courses)) == {"plan.courses-only"}


def test_courses_only_is_a_hint_and_other_methods_silence_it():
    report = mf.validate(FAULTS["plan.courses-only"]())
    assert [f.severity for f in report] == [mf.Severity.INFO]
    no_methods = [attrs.evolve(a, learning_method=None) for a in valid_mus().agreements]
    assert codes(valid_mus(agreements=no_methods)) == set()


# --------------------------------------------------------------------------- GRUS and rounds


def unit_mus(start) -> mf.Conversation:
    return valid_mus(scheduled_start=start, held_at=start)


def test_grus_after_mus_when_the_round_wants_it_before():
    early_mus = unit_mus(at(2026, 2, 20, 10))
    wanted = cycle(grus_before_mus=True)
    report = mf.validate(valid_grus(), cycle=wanted, conversations=[early_mus])
    assert report.codes == ["grus.after-mus"]
    assert "mus-emp" in report[0].text("da")
    # Not wanted by the round, or the GRUS really is first: no finding.
    assert codes(valid_grus(), cycle=cycle(), conversations=[early_mus]) == set()
    assert codes(valid_grus(), cycle=wanted, conversations=[valid_mus()]) == set()
    # A MUS of another unit, of someone not in the group, does not count.
    other = attrs.evolve(
        early_mus,
        unit="hr",
        participants=[mf.Participant("x", "employee"), mf.Participant("y", "leader")],
    )
    assert codes(valid_grus(), cycle=wanted, conversations=[other]) == set()


def test_grus_after_mus_in_a_whole_round():
    wanted = cycle(grus_before_mus=True)
    late = valid_grus(
        scheduled_start=at(2026, 3, 10, 13),
        held_at=at(2026, 3, 10, 13),
        invitation=mf.Invitation(sent_at=at(2026, 3, 1, 9), sent_by="boss"),
    )
    report = mf.validate(
        wanted, conversations=[*round_conversations(), late], organisation=organisation()
    )
    assert [(f.code, f.path) for f in report] == [
        ("grus.after-mus", "conversations[grus-it].scheduled_start")
    ]


def test_grus_member_without_an_agreement_has_no_individual_plan():
    report = mf.validate(FAULTS["grus.no-individual-plan"]())
    assert [f.path for f in report] == ["participants[2]"]
    assert "'emp2'" in report[0].text("en")
    # Only once the GRUS is concluded.
    assert codes(attrs.evolve(FAULTS["grus.no-individual-plan"](), status="held")) == set()


def test_coverage_reports_everyone_in_scope_without_a_conversation():
    org = organisation()
    complete = round_conversations()
    assert codes(cycle(), conversations=complete, organisation=org) == set()
    report = mf.validate(cycle(), conversations=complete[:1], organisation=org)
    assert report.codes == ["coverage.missing-conversation"] * 2
    assert {f.text("en").split(": ")[1] for f in report} == {
        "'emp2' has no conversation in the round",
        "'boss' has no conversation in the round",
    }
    # Leaders are only expected when the round includes LUS; a cancelled conversation does
    # not count (the finding says so); a planned one is fine.
    no_lus = cycle(include_lus=False)
    assert mf.validate(no_lus, conversations=complete[:1], organisation=org).codes == [
        "coverage.missing-conversation"
    ]
    cancelled = attrs.evolve(complete[1], status="cancelled")
    report = mf.validate(no_lus, conversations=[complete[0], cancelled], organisation=org)
    assert [f.text("en").split(": ")[1] for f in report if f.path == "scope"] == [
        "'emp2' has only cancelled conversations in the round, with no replacement"
    ]
    planned = attrs.evolve(complete[1], status="invited")
    assert codes(no_lus, conversations=[complete[0], planned], organisation=org) == set()
    # A GRUS covers its members only where the round says it replaces the MUS.
    grus = valid_grus()
    report = mf.validate(no_lus, conversations=[grus], organisation=org)
    assert [f.code for f in report if f.path == "scope"] == ["coverage.missing-conversation"] * 2
    replaced = cycle(include_lus=False, grus_replaces_mus=["it"])
    assert codes(replaced, conversations=[grus], organisation=org) == set()
    # Without an organisation there is no scope to cover.
    assert codes(cycle(), conversations=[]) == set()


def test_coverage_of_a_lus_round_counts_leaders_with_a_leader():
    lus_round = attrs.evolve(cycle(), kind="LUS")
    report = mf.validate(lus_round, conversations=[], organisation=organisation())
    assert report.codes == ["coverage.missing-conversation"]
    assert "'boss'" in report[0].text("en")


def test_conversations_of_other_rounds_are_ignored():
    other = attrs.evolve(valid_mus(goals=()), cycle="r2025")
    assert codes(cycle(include_lus=False), conversations=[other]) == set()


# --------------------------------------------------------------------------- questionnaires


def with_question(text, kinds=("MUS",)) -> mf.Questionnaire:
    form = mus_form(kinds=kinds)
    section = form.sections[1]
    extra = mf.TextQuestion(id="extra", text=text)
    section = attrs.evolve(section, questions=[*section.questions, extra])
    return attrs.evolve(form, sections=[form.sections[0], section])


@pytest.mark.parametrize(
    "text",
    [
        {"da": "Hvordan har du det med din løn?", "en": "How do you feel?"},
        {"da": "Ønsker til lønforhandlingen", "en": "Wishes"},
        {"da": "Spørgsmål", "en": "Do you expect a pay rise?"},
        {"da": "Spørgsmål", "en": "Your salary level"},
        {"da": "Bonus og tillæg", "en": "Extras"},
    ],
)
def test_salary_topics_on_a_mus_form(text):
    report = mf.validate(with_question(text))
    assert report.codes == ["questionnaire.salary-topic"]
    assert report[0].path == "sections[1].questions[1].text"


def test_salary_words_elsewhere_do_not_fire():
    # The fixture form says "belønning", "lønsomt" and "pay attention": not salary topics.
    assert codes(mus_form()) == set()
    # A form that is not for MUS may talk about pay.
    assert codes(with_question(t("Your salary"), kinds=("GRUS",))) == set()


def test_salary_patterns_are_a_parameter():
    rules = mf.rules.RuleSet(params={"questionnaire.salary-topic": {"patterns": [r"\bkerne"]}})
    assert mf.validate(with_question(t("Your salary")), rules=rules) == []
    assert mf.validate(with_question(t("Kerneopgaven")), rules=rules).codes == [
        "questionnaire.salary-topic"
    ]


def test_section_titles_count_as_salary_topics():
    form = mus_form()
    renamed = attrs.evolve(form.sections[0], title={"da": "Løn og vilkår", "en": "Terms"})
    report = mf.validate(attrs.evolve(form, sections=[renamed, form.sections[1]]))
    assert [f.path for f in report] == ["sections[0].title"]


def test_questionnaire_check_findings_are_included_and_name_the_form():
    form = mus_form()
    dup = attrs.evolve(form.sections[1].questions[0], id="year", text={"da": "Mål"})
    broken = attrs.evolve(
        form, sections=[form.sections[0], attrs.evolve(form.sections[1], questions=[dup])]
    )
    report = mf.validate(broken)
    assert report.codes == ["questionnaire.duplicate-id", "text.missing-language"]
    assert report[0].text("en").startswith("questionnaire 'mus@1', sections[1].questions[0].id:")
    assert report[0].text("da").startswith("spørgeskemaet 'mus@1', sections[1].questions[0].id:")


def test_questionnaire_minutes_against_the_rounds_conversation_length():
    assert codes(mus_form()) == set()  # no round: no planned length to compare with
    assert codes(mus_form(), cycle=cycle(conversation_minutes=45)) == {"agenda.minutes"}
    unbudgeted = mus_form(sections=[attrs.evolve(s, minutes=0) for s in mus_form().sections])
    assert codes(unbudgeted, cycle=cycle(conversation_minutes=45)) == set()
