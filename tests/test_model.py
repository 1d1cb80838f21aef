import attrs
import pendulum
import pytest

import musframework as mf
from musframework.clock import FixedClock, SystemClock, resolve_clock
from musframework.errors import DataError, RegistryError
from musframework.model.findings import sorted_findings

from .helpers import at, mus


def test_models_are_frozen_and_changes_return_new_objects():
    p = mf.Person(id="p1", name="Ane")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.name = "Bo"  # type: ignore[misc]
    unit = mf.OrgUnit(id="u", name="U", members=["a", "b", "a"])
    assert unit.members == ("a", "b")
    bigger = unit.with_member("c")
    assert bigger.members == ("a", "b", "c") and unit.members == ("a", "b")
    assert bigger.without_member("a").members == ("b", "c")
    g = mf.Group(id="g", name="G", leader="l", members=["a"])
    assert g.members == ("a",)


def test_localized_text():
    text = mf.LocalizedText.of("Hej", "Hello")
    assert text.get("en") == "Hello"
    assert text.get("de") == "Hello"  # the fallback languages: English, then Danish
    assert str(text) == "Hej"
    assert mf.LocalizedText({"en": "Only"}).get("da") == "Only"
    assert mf.LocalizedText({"fr": "Oui"}).get("da") == "Oui"
    assert mf.LocalizedText({}).get() == ""
    assert mf.LocalizedText({"da": " "}).is_blank()
    assert text.with_translation("de", "Hallo").languages == {"da", "en", "de"}
    assert mf.LocalizedText.of("Kun").missing() == ["en"]
    assert sorted(text) == ["da", "en"]
    source = {"da": "a"}
    frozen = mf.LocalizedText(source)
    source["da"] = "changed"
    assert frozen.get() == "a"


def test_plain_strings_are_accepted_as_text():
    s = mf.Section(id="s", title="Fortid", guidance="Tal om året")
    assert s.title == mf.LocalizedText({"da": "Fortid"})
    assert s.guidance.get("en") == "Tal om året"


def test_roles_accept_aliases():
    q = mf.TextQuestion(id="q", text="t", answered_by="both")
    assert q.answered_by == {mf.Role.EMPLOYEE, mf.Role.LEADER}
    assert mf.TextQuestion(id="q", text="t", answered_by="all").asks(mf.Role.GROUP_MEMBER)
    assert mf.TextQuestion(id="q", text="t", answered_by=["leader"]).answered_by == {mf.Role.LEADER}


def test_agreement_status_history_and_overdue():
    a = mf.Agreement(
        id="a1", description="Kursus i Excel", owner="emp", deadline=pendulum.date(2026, 6, 1)
    )
    assert a.is_open and not a.is_overdue(pendulum.date(2026, 6, 1))
    assert a.is_overdue(pendulum.date(2026, 6, 2))
    assert a.is_due_within(pendulum.date(2026, 5, 25), 7)
    assert not a.is_due_within(pendulum.date(2026, 5, 1), 7)
    done = a.with_status("done", by="emp", at=at(2026, 5, 1, 9), note="Bestået")
    assert done.status is mf.AgreementStatus.DONE and a.status is mf.AgreementStatus.OPEN
    assert done.history == (
        mf.StatusChange(status="done", by="emp", at=at(2026, 5, 1, 9), note="Bestået"),
    )
    assert not done.is_overdue(pendulum.date(2027, 1, 1))
    assert mf.AgreementStatus.CANCELLED.is_closed and not mf.AgreementStatus.IN_PROGRESS.is_closed
    assert not mf.Agreement(id="x", description="d").is_overdue(pendulum.date(2030, 1, 1))


def test_conversation_participants():
    c = mus()
    assert c.leader == "boss" and c.employee == "emp"
    assert c.developed == ("emp",)
    assert c.role_of("emp") is mf.Role.EMPLOYEE and c.role_of("x") is None
    assert c.is_participant("boss") and not c.is_participant("x")
    assert c.scheduled_end == at(2026, 3, 3, 11)
    assert mus(scheduled_start=None).scheduled_end is None
    grus = mf.Conversation(
        id="g",
        kind="GRUS",
        participants=[
            mf.Participant("l", "leader"),
            mf.Participant("a", "group_member"),
            mf.Participant("b", "group_member"),
        ],
    )
    assert grus.employee is None and grus.developed == ("a", "b")


def test_signatures_bind_to_content():
    a = mf.Agreement(id="a1", description="Mentor", owner="emp", deadline=pendulum.date(2026, 9, 1))
    c = mus(agreements=[a], conclusions=["Godt år"], status="concluded")
    digest = c.content_digest()
    signed = attrs.evolve(
        c,
        signatures=[
            mf.Signature(person="emp", role="employee", signed_at=at(2026, 3, 4, 9), digest=digest),
            mf.Signature(person="boss", role="leader", signed_at=at(2026, 3, 4, 10), digest=digest),
        ],
    )
    assert signed.is_signed_by("emp") and len(signed.valid_signatures) == 2
    # Following up (status/history) does not void; changing what was agreed does.
    progressed = attrs.evolve(
        signed, agreements=[a.with_status("in_progress", by="emp", at=at(2026, 4, 1, 9))]
    )
    assert progressed.void_signatures == ()
    changed = attrs.evolve(
        signed, agreements=[attrs.evolve(a, deadline=pendulum.date(2026, 12, 1))]
    )
    assert len(changed.void_signatures) == 2 and not changed.is_signed_by("emp")
    assert attrs.evolve(signed, goals=["Nyt mål"]).content_digest() != digest
    assert signed.agreement("a1") == a and signed.agreement("zz") is None
    assert signed.open_agreements == (a,)


def test_development_plan_from_conversation():
    a1 = mf.Agreement(id="a1", description="Kursus", owner="emp")
    a2 = mf.Agreement(id="a2", description="Frikøb", owner="boss")
    c = mus(
        agreements=[a1, a2],
        goals=["Bliv bedre til Python"],
        status="concluded",
        follow_up_date=pendulum.date(2026, 9, 3),
        next_conversation_date=pendulum.date(2027, 3, 3),
    )
    plan = mf.DevelopmentPlan.from_conversation(c)
    assert plan.person == "emp" and plan.leader == "boss"
    assert plan.activities == (a1, a2) and plan.goals == ("Bliv bedre til Python",)
    assert not plan.is_signed_by_both
    d = c.content_digest()
    sigs = [
        mf.Signature(person=p, role=r, signed_at=at(2026, 3, 4, 9), digest=d)
        for p, r in (("emp", "employee"), ("boss", "leader"))
    ]
    signed = mf.DevelopmentPlan.from_conversation(attrs.evolve(c, signatures=sigs, status="signed"))
    assert signed.is_signed_by_both and signed.void_signatures == ()
    with pytest.raises(DataError) as info:
        mf.DevelopmentPlan.from_conversation(mus(), person="stranger")
    assert sorted(f.code for f in info.value.findings) == [
        "plan.not-concluded",
        "plan.unknown-person",
    ]


def test_grus_plan_per_member():
    c = mf.Conversation(
        id="g",
        kind="GRUS",
        status="concluded",
        participants=[
            mf.Participant("l", "leader"),
            mf.Participant("a", "group_member"),
            mf.Participant("b", "group_member"),
        ],
        agreements=[
            mf.Agreement(id="1", description="x", owner="a"),
            mf.Agreement(id="2", description="y", owner="b"),
            mf.Agreement(id="3", description="z", owner="l"),
        ],
    )
    plan = mf.DevelopmentPlan.from_conversation(c, "b")
    assert [x.id for x in plan.activities] == ["2", "3"]
    with pytest.raises(DataError):
        mf.DevelopmentPlan.from_conversation(c)  # a GRUS has no single employee


def test_period_and_cycle():
    p = mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 1, 31))
    assert p.days == 31 and pendulum.date(2026, 1, 5) in p and pendulum.date(2026, 2, 1) not in p
    assert "2026-01-05" not in p
    with pytest.raises(ValueError, match="before it starts"):
        mf.Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 1, 1))
    cycle = mf.Cycle(id="c", name="MUS 2026", period=p, scope=["u1", "u1", "u2"])
    assert cycle.scope == ("u1", "u2") and cycle.settings.conversation_minutes == 60
    assert cycle.kind is mf.ConversationKind.MUS


def test_findings():
    f = mf.Finding.warning("x.y", "a.b", da="dansk", en="english")
    assert f.text() == "dansk" and f.text("en") == "english"
    assert f.format("en") == "warning x.y at a.b: english"
    assert f.with_path_prefix("root").path == "root.a.b"
    assert mf.Finding.info("c", "", da="d", en="e").with_path_prefix("p").path == "p"
    assert mf.Finding.info("c", "[0]", da="d", en="e").with_path_prefix("p").path == "p[0]"
    assert f.with_path_prefix("") is f
    assert f.with_severity(mf.Severity.ERROR).severity is mf.Severity.ERROR
    e = mf.Finding.error("a", "a.b", da="d", en="e")
    assert sorted_findings([f, e])[0] is e
    assert mf.Finding.error("z", "", da="d", en="e").format() == "error z at <root>: d"


def test_clocks():
    fixed = FixedClock(at(2026, 3, 3, 10))
    assert fixed.now() == at(2026, 3, 3, 10)
    assert fixed.advance(hours=2).now() == at(2026, 3, 3, 12)
    assert fixed.set(at(2027, 1, 1, 0)).now().year == 2027
    assert "FixedClock" in repr(fixed)
    with pytest.raises(ValueError):
        FixedClock(pendulum.naive(2026, 1, 1))
    system = SystemClock()
    assert system.now().timezone_name == "Europe/Copenhagen"
    assert "Europe/Copenhagen" in repr(system)
    assert isinstance(resolve_clock(None), SystemClock)
    assert resolve_clock(fixed) is fixed
    assert isinstance(fixed, mf.Clock)


def test_question_type_registry_errors():
    with pytest.raises(RegistryError, match="already registered"):

        @attrs.frozen(kw_only=True)
        class Clash(mf.TextQuestion):
            pass

        mf.register_question_type(Clash)
    with pytest.raises(RegistryError):
        mf.register_question_type(int)  # type: ignore[arg-type]

    @attrs.frozen(kw_only=True)
    class Mismatched(mf.Question):
        type_name = "mismatched"
        answer_type = mf.TextAnswer

    with pytest.raises(RegistryError, match="answer_type"):
        mf.register_question_type(Mismatched)
    with pytest.raises(RegistryError, match="unknown question type"):
        mf.question_type("mismatched")
    with pytest.raises(RegistryError):
        mf.unregister_question_type("never-registered")
    assert "scale" in mf.question_type_names()


def test_errors_compose_readable_messages():
    from musframework import errors

    t = errors.TransitionError("cannot sign", current="held", allowed=["concluded", "cancelled"])
    assert "current state: held" in str(t) and t.allowed == ("concluded", "cancelled")
    c = errors.ConflictError(("conversation", "c1"), 3, 4)
    assert "'c1'" in str(c) and c.actual == 4
    m = errors.MissingExtraError("Word export", "docx")
    assert "musframework[docx]" in str(m) and isinstance(m, ImportError)
    assert str(errors.DataError("plain")) == "plain"


def test_a_questionnaire_lists_its_questions_by_id_and_its_texts_by_path():
    form = mf.templates.load("evaluation")
    by_id = form.questions_by_id()
    assert list(by_id) == [q.id for q in form.questions()]
    assert all(by_id[q.id] is q for q in form.questions())
    paths = dict(form.texts())
    assert paths["title"] == form.title
    assert paths["sections[0].title"] == form.sections[0].title
    assert paths["sections[0].questions[0].text"] == form.sections[0].questions[0].text
