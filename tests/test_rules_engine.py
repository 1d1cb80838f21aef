"""The rule engine: configuration without subclassing, registry, ordering, languages."""

import pathlib
import random
import tomllib
from importlib.metadata import entry_points
from types import MappingProxyType

import attrs
import pytest

import musframework as mf
from musframework.errors import DataError, MusframeworkError, RegistryError
from musframework.rules import RuleSet, rule
from musframework.rules.builtin import BUILTIN_RULES

from .helpers import at
from .rules_fixtures import cycle, organisation, round_conversations, valid_mus
from .test_rules_builtin import FAULTS, invited

ROOT = pathlib.Path(__file__).parent.parent


@rule(
    "acme.place-missing",
    severity="warning",
    applies_to=mf.Conversation,
    kinds=["MUS"],
    params={"allowed_blank_kinds": ()},
    description={"da": "Samtalen har et sted.", "en": "The conversation has a place."},
)
def place_missing(conversation, ctx):
    if not conversation.place and conversation.kind.value not in ctx.params["allowed_blank_kinds"]:
        yield ctx.finding("place", da="der er intet mødested", en="there is no place")


# --------------------------------------------------------------------------- changing built-ins


def test_disable_a_builtin_rule_by_code():
    faulty = invited(3)
    assert mf.validate(faulty).codes == ["invitation.lead-time"]
    rules = RuleSet(disable=["invitation.lead-time"])
    assert "invitation.lead-time" not in rules
    assert mf.validate(faulty, rules=rules) == []
    assert rules(faulty) == []  # a rule set is called directly, too
    assert "invitation.lead-time" not in RuleSet(disable="invitation.lead-time")


def test_change_a_builtin_rules_severity():
    rules = RuleSet(severity={"invitation.lead-time": "error"})
    report = mf.validate(invited(3), rules=rules)
    assert [f.severity for f in report] == [mf.Severity.ERROR]
    assert report.has_errors
    with pytest.raises(DataError) as caught:
        report.raise_for_errors()
    assert caught.value.findings == tuple(report)
    mf.validate(invited(3)).raise_for_errors()  # a warning does not raise


def test_set_a_builtin_rules_parameters():
    assert mf.validate(invited(9)) == []
    rules = RuleSet(params={"invitation.lead-time": {"min_days": 10}})
    assert rules["invitation.lead-time"].params == {"min_days": 10, "max_days": 14}
    report = mf.validate(invited(9), rules=rules)
    assert report.codes == ["invitation.lead-time"]
    assert "10-14" in report[0].text("en")
    # The built-in rule itself is untouched.
    assert mf.rules.registered_rule("invitation.lead-time").params["min_days"] == 7


def test_parameters_for_months_and_tolerance():
    six = RuleSet(params={"plan.follow-up-window": {"min_months": 6}})
    assert mf.validate(valid_mus(), rules=six) == []
    assert mf.validate(valid_mus(follow_up_date=mf_date(2026, 6, 3)), rules=six).codes == [
        "plan.follow-up-window"
    ]
    loose = RuleSet(params={"agenda.minutes": {"tolerance_minutes": 10}})
    assert mf.validate(FAULTS["agenda.minutes"](), rules=loose) == []  # 50 of 60 minutes
    tight = loose.configure(params={"agenda.minutes": {"tolerance_minutes": 9}})
    assert mf.validate(FAULTS["agenda.minutes"](), rules=tight).codes == ["agenda.minutes"]


def mf_date(*args):
    import pendulum

    return pendulum.date(*args)


def test_configure_layers_changes_and_leaves_the_original_alone():
    base = RuleSet(severity={"invitation.lead-time": "error"})
    more = base.configure(
        params={"invitation.lead-time": {"max_days": 21}}, disable=["agenda.minutes"]
    )
    assert more["invitation.lead-time"].severity is mf.Severity.ERROR
    assert more["invitation.lead-time"].params == {"min_days": 7, "max_days": 21}
    assert "agenda.minutes" not in more and "agenda.minutes" in base
    assert base["invitation.lead-time"].params["max_days"] == 14
    again = more.configure(params={"invitation.lead-time": {"min_days": 1}})
    assert again["invitation.lead-time"].params == {"min_days": 1, "max_days": 21}


def test_bad_configuration_lists_every_problem():
    with pytest.raises(DataError) as caught:
        RuleSet(
            disable=["no.such-rule"],
            severity={"invitation.lead-time": "fatal", "also.unknown": "error"},
            params={
                "invitation.lead-time": {"min_dayz": 3, "max_days": "14"},
                "plan.courses-only": {"x": 1},
            },
        )
    assert [(f.code, f.path) for f in caught.value.findings] == [
        ("rules.unknown-rule", "disable.no.such-rule"),
        ("rules.unknown-rule", "severity.also.unknown"),
        ("rules.severity", "severity.invitation.lead-time"),
        ("rules.unknown-parameter", "params.invitation.lead-time.min_dayz"),
        ("rules.parameter-type", "params.invitation.lead-time.max_days"),
        ("rules.unknown-parameter", "params.plan.courses-only.x"),
    ]
    assert isinstance(caught.value, MusframeworkError)


def test_parameter_types_accept_lists_for_tuples_and_ints_for_floats_but_not_bools():
    rules = RuleSet(params={"questionnaire.salary-topic": {"patterns": ["x"]}})
    assert rules["questionnaire.salary-topic"].params["patterns"] == ("x",)
    with pytest.raises(DataError):
        RuleSet(params={"invitation.lead-time": {"min_days": True}})


# --------------------------------------------------------------------------- custom rules


def test_add_a_custom_rule_without_subclassing():
    rules = RuleSet(add=[place_missing])
    report = mf.validate(valid_mus(), rules=rules)
    assert report.codes == ["acme.place-missing"]
    assert report[0].severity is mf.Severity.WARNING
    assert report[0].text("en") == "MUS 'mus-emp', place: there is no place"
    assert report[0].text("da") == "MUS 'mus-emp', place: der er intet mødested"
    assert mf.validate(valid_mus(place="Room 2"), rules=rules) == []
    # Kinds: the rule is for MUS only.
    assert mf.validate(attrs.evolve(valid_mus(), kind="LUS"), rules=rules) == []
    # Custom rules are configured like built-in ones.
    quiet = rules.configure(params={"acme.place-missing": {"allowed_blank_kinds": ["MUS"]}})
    assert mf.validate(valid_mus(), rules=quiet) == []
    info = rules.configure(severity={"acme.place-missing": "info"})
    assert mf.validate(valid_mus(), rules=info)[0].severity is mf.Severity.INFO


def test_a_protocol_implementation_is_a_rule_too():
    class MaxAgreements:
        code = "acme.too-many-agreements"
        severity = mf.Severity.WARNING
        description = mf.LocalizedText({"da": "Højst N aftaler.", "en": "At most N agreements."})
        params = MappingProxyType({"limit": 1})
        applies_to = (mf.Conversation,)
        kinds = frozenset()
        statuses = frozenset(mf.ConversationStatus)

        def __call__(self, conversation, ctx):
            if len(conversation.agreements) > ctx.params["limit"]:
                yield mf.Finding.warning(self.code, "agreements", da="for mange", en="too many")

    assert isinstance(MaxAgreements(), mf.rules.Rule)
    rules = RuleSet(add=[MaxAgreements()])
    assert mf.validate(valid_mus(), rules=rules).codes == ["acme.too-many-agreements"]
    # statuses includes cancelled here, so it runs even on a cancelled conversation.
    cancelled = attrs.evolve(valid_mus(), status="cancelled")
    assert mf.validate(cancelled, rules=rules).codes == ["acme.too-many-agreements"]
    roomy = rules.configure(params={"acme.too-many-agreements": {"limit": 5}})
    assert mf.validate(valid_mus(), rules=roomy) == []


def test_replace_a_builtin_rule_with_your_own():
    @rule(
        "invitation.lead-time",
        severity="warning",
        applies_to=mf.Conversation,
        description={"da": "Altid 3 uger.", "en": "Always 3 weeks."},
    )
    def three_weeks(conversation, ctx):
        yield ctx.finding("invitation", da="ikke 3 uger", en="not 3 weeks")

    with pytest.raises(DataError):
        RuleSet(add=[three_weeks])  # the code is taken
    rules = RuleSet(disable=["invitation.lead-time"], add=[three_weeks])
    assert mf.validate(valid_mus(), rules=rules).codes == ["invitation.lead-time"]


def test_register_and_unregister_a_rule():
    assert "acme.place-missing" not in mf.rules.rule_codes()
    mf.rules.register_rule(place_missing)
    try:
        assert mf.validate(valid_mus()).codes == ["acme.place-missing"]
        with pytest.raises(RegistryError):
            mf.rules.register_rule(attrs.evolve(place_missing, description={"da": "x", "en": "y"}))
    finally:
        assert mf.rules.unregister_rule("acme.place-missing") is place_missing
    assert mf.validate(valid_mus()) == []
    with pytest.raises(RegistryError):
        mf.rules.unregister_rule("acme.place-missing")


def test_unregister_a_builtin_rule_and_put_it_back():
    builtin = mf.rules.unregister_rule("invitation.lead-time")
    try:
        assert mf.validate(invited(3)) == []
    finally:
        mf.rules.register_rule(builtin)
    assert mf.validate(invited(3)).codes == ["invitation.lead-time"]


def test_register_rejects_what_is_not_a_rule():
    with pytest.raises(RegistryError):
        mf.rules.register_rule(object())
    with pytest.raises(RegistryError):
        RuleSet(add=[lambda obj, ctx: ()])


def test_a_failing_rule_says_which_rule_and_object():
    @rule("acme.broken", severity="error", applies_to=mf.Conversation, description="x")
    def broken(conversation, ctx):
        raise ZeroDivisionError("boom")
        yield

    with pytest.raises(ZeroDivisionError) as caught:
        mf.validate(valid_mus(), rules=RuleSet(add=[broken]))
    assert "while running rule 'acme.broken' on MUS 'mus-emp'" in caught.value.__notes__


# --------------------------------------------------------------------------- built-ins as entry points


def test_builtin_rules_are_declared_as_entry_points_like_plugins():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][
        "musframework.rules"
    ]
    assert sorted(declared) == [r.code for r in BUILTIN_RULES]
    installed = {ep.name: ep.value for ep in entry_points(group="musframework.rules")}
    assert {k: installed.get(k) for k in declared} == declared, (
        "the installed entry points are stale: run pip install -e ."
    )
    for code, target in declared.items():
        module, name = target.split(":")
        import importlib

        assert getattr(importlib.import_module(module), name).code == code
    assert mf.rules.rule_codes() == [r.code for r in BUILTIN_RULES]


def test_rule_set_per_kind():
    grus = RuleSet().for_kind("GRUS")
    assert {"grus.after-mus", "grus.no-individual-plan", "plan.no-goals"} <= set(grus.codes)
    assert "questionnaire.salary-topic" not in grus
    mus = RuleSet().for_kind(mf.ConversationKind.MUS)
    assert "grus.after-mus" not in mus and "questionnaire.salary-topic" in mus
    follow_up = RuleSet().for_kind("FOLLOW_UP")
    assert "agreement.no-owner" in follow_up and "plan.no-goals" not in follow_up
    strict = RuleSet(severity={"plan.no-goals": "warning"}).for_kind("MUS")
    assert strict["plan.no-goals"].severity is mf.Severity.WARNING


def test_rule_set_introspection_and_description():
    rules = RuleSet()
    assert len(rules) == len(BUILTIN_RULES)
    assert [c.code for c in rules] == rules.codes == sorted(rules.codes)
    assert rules["plan.no-goals"].description.get("en").startswith("The development plan")
    with pytest.raises(RegistryError):
        rules["nope"]
    text = mf.rules.describe(locale="en")
    assert "invitation.lead-time [warning] Conversation (GRUS, LUS, MUS) min_days=7" in text
    assert repr(rules) == f"RuleSet({len(BUILTIN_RULES)} rules)"
    assert repr(BUILTIN_RULES[0]) == "<rule agenda.minutes (warning)>"


def test_every_rule_describes_itself_in_both_languages():
    for r in BUILTIN_RULES:
        assert r.description.missing() == [], r.code
        assert r.description.get("da") != r.description.get("en"), r.code


# --------------------------------------------------------------------------- results


def all_faults_round():
    faulty = [attrs.evolve(make(), id=f"c-{code}") for code, make in FAULTS.items()]
    return [*round_conversations(), *faulty]


def test_findings_come_in_a_stable_order_whatever_the_input_order():
    conversations = all_faults_round()
    expected = mf.validate(cycle(), conversations=conversations, organisation=organisation())
    assert len(expected) >= len(FAULTS)
    assert expected == mf.sorted_findings(expected)
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(conversations)
        again = mf.validate(cycle(), conversations=conversations, organisation=organisation())
        assert again == expected


def test_every_message_is_in_danish_and_english_and_names_object_and_field():
    report = mf.validate(cycle(), conversations=all_faults_round(), organisation=organisation())
    for finding in report:
        assert finding.message.missing() == [], finding
        da, en = finding.text("da"), finding.text("en")
        assert da != en, finding
        if finding.path.startswith("conversations["):
            conversation_id = finding.path[len("conversations[") :].split("]")[0]
            field = finding.path.split("].", 1)[1] if "]." in finding.path else ""
            for text in (da, en):
                assert f"'{conversation_id}'" in text
                assert f", {field}: " in text


def test_locale_chooses_the_language_of_the_output():
    faulty = invited(3)
    danish = mf.validate(faulty)
    english = mf.validate(faulty, locale="en")
    assert danish == english  # the same findings, with both languages
    assert str(danish) == (
        "warning invitation.lead-time at invitation.sent_at: MUS 'mus-emp', invitation.sent_at: "
        "invitationen blev sendt 3 dage før samtalen; anbefalet er 7-14 dage"
    )
    assert str(english).endswith(
        "the invitation was sent 3 days before the conversation; 7-14 days are recommended"
    )
    assert english.format("da") == str(danish)


def test_report_groups_by_severity():
    report = mf.validate(
        valid_mus(
            goals=(),
            invitation=mf.Invitation(sent_at=at(2026, 3, 1, 9), sent_by="boss"),
            agreements=[
                attrs.evolve(a, learning_method=mf.LearningMethod.COURSE)
                for a in valid_mus().agreements
            ],
        )
    )
    assert [f.code for f in report.errors] == ["plan.no-goals"]
    assert [f.code for f in report.warnings] == ["invitation.lead-time"]
    assert [f.code for f in report.infos] == ["plan.courses-only"]


def test_validate_rejects_other_objects():
    with pytest.raises(mf.rules.UnsupportedObjectError) as caught:
        mf.validate(mf.Person(id="p", name="P"))
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, MusframeworkError)
    assert "not Person" in str(caught.value)


def test_a_cycle_with_everything_in_one_call():
    org = organisation()
    conversations = round_conversations()
    plans = [mf.DevelopmentPlan.from_conversation(c) for c in conversations]
    broken_plan = attrs.evolve(plans[0], goals=())
    report = mf.validate(
        cycle(), conversations=conversations, organisation=org, plans=[broken_plan, *plans[1:]]
    )
    # Emptying the goals after signing also voids the plan's signatures (recomputed content).
    assert [(f.code, f.path) for f in report] == [
        ("plan.no-goals", "plans[mus-emp:emp].goals"),
        ("plan.not-signed", "plans[mus-emp:emp].signatures"),
        ("signature.void", "plans[mus-emp:emp].signatures[0]"),
        ("signature.void", "plans[mus-emp:emp].signatures[1]"),
    ]


def test_the_docs_table_matches_the_builtin_rules():
    rows = {}
    for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `") and line.count("|") == 7:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    assert sorted(rows) == [r.code for r in BUILTIN_RULES]
    for r in BUILTIN_RULES:
        code, severity, applies, kinds, _, params = rows[r.code]
        assert severity == r.severity.value, code
        for t in r.applies_to:
            assert t.__name__ in applies, code
        documented_kinds = set() if kinds == "all" else {k.strip() for k in kinds.split(",")}
        assert documented_kinds == {k.value for k in r.kinds}, code
        for name, default in r.params.items():
            assert name in params, code
            if not isinstance(default, tuple):
                assert f"`{name}={default!r}`" in params, code


def test_severity_change_of_questionnaire_check_applies_to_its_findings():
    from .rules_fixtures import mus_form

    form = mus_form()
    broken = attrs.evolve(form, sections=[*form.sections, attrs.evolve(form.sections[0])])
    report = mf.validate(broken)
    assert report.codes and {f.severity for f in report} == {mf.Severity.ERROR}
    relaxed = RuleSet(severity={"questionnaire.check": "warning"})
    assert {f.severity for f in mf.validate(broken, rules=relaxed)} == {mf.Severity.WARNING}


def test_the_context_gives_custom_rules_the_surrounding_data():
    from .rules_fixtures import mus_form

    seen = {}

    @rule(
        "acme.context",
        severity="info",
        applies_to=mf.Conversation,
        params={"ratio": 0.5},
        description="x",
    )
    def spy(conversation, ctx):
        seen.update(
            plans=ctx.plans,
            form=ctx.questionnaire(conversation.questionnaire),
            missing_form=ctx.questionnaire(None),
            org=ctx.organisation,
            cycle=ctx.cycle,
            ratio=ctx.params["ratio"],
            subject=ctx.subject,
        )
        return ()

    rules = RuleSet(add=[spy], params={"acme.context": {"ratio": 1}})  # an int for a float
    plan = mf.DevelopmentPlan.from_conversation(valid_mus())
    mf.validate(valid_mus(), rules=rules, questionnaires=[mus_form()], plans=[plan], cycle=cycle())
    assert seen["plans"] == (plan,)
    assert seen["form"] == mus_form() and seen["missing_form"] is None
    assert seen["org"] is None and seen["cycle"] == cycle()
    assert seen["ratio"] == 1 and seen["subject"] == valid_mus()


def test_rules_with_bad_attributes_are_rejected():
    good = mf.rules.registered_rule("plan.no-goals")
    with pytest.raises(RegistryError, match="has no code"):
        mf.rules.register_rule(attrs.evolve(good, code=""))

    class Unsure:
        code = "acme.unsure"
        severity = "warning"  # not a Severity
        description = mf.LocalizedText({"da": "x", "en": "y"})
        params = MappingProxyType({})
        applies_to = (mf.Conversation,)
        kinds = frozenset()
        statuses = frozenset()

        def __call__(self, obj, ctx):
            return ()

    with pytest.raises(RegistryError, match="no Severity"):
        mf.rules.register_rule(Unsure())
    with pytest.raises(DataError) as caught:
        RuleSet(params={"acme.nothing": {"x": 1}})
    assert caught.value.findings[0].path == "params.acme.nothing"
