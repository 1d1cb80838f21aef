"""Rounds as Danish workplaces run them (issue 17): a form and a length per kind, agendas and
places from planning, follow-up conversations, the right to an individual MUS, and no
conversation held before its day."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import workflow as wf
from musframework.errors import AccessDeniedError, DataError, NotFoundError
from musframework.policy import Capacity, Viewer
from musframework.services import Services
from musframework.storage import SQLiteStore

from . import walks

K = mf.ConversationKind
CPH = "Europe/Copenhagen"
HR = Viewer("hr1", {Capacity.HR})
BUILTINS = {
    name: mf.templates.load(name)
    for name in (
        "mus-standard",
        "mus-scored",
        "mus-core-task",
        "grus",
        "lus",
        "follow-up",
        "evaluation",
    )
}


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=CPH)


def organisation() -> mf.Organisation:
    """A director over three units: IT (core-task MUS), HR (scored MUS), Drift (GRUS only)."""
    people = [
        mf.Person(id=p, name=n)
        for p, n in [
            ("dir", "Dorte Direktør"),
            ("bo", "Bo Leder"),
            ("ane", "Ane Jensen"),
            ("cai", "Cai Holm"),
            ("eva", "Eva Lund"),
            ("hr1", "Hanne HR"),
            ("hr2", "Helle Hansen"),
            ("ole", "Ole Drift"),
            ("o1", "Otto Berg"),
            ("o2", "Olga Dahl"),
        ]
    ]
    units = [
        mf.OrgUnit(id="top", name="Direktion", leader="dir"),
        mf.OrgUnit(id="it", name="IT", leader="bo", members=["ane", "cai"], parent="top"),
        mf.OrgUnit(id="hr", name="HR", leader="eva", members=["hr1", "hr2"], parent="top"),
        mf.OrgUnit(id="ops", name="Drift", leader="ole", members=["o1", "o2"], parent="top"),
    ]
    return mf.Organisation(people=people, units=units)


def forms() -> list[mf.RoundForm]:
    """Every built-in form in one round: a MUS form per unit, and one per other kind."""
    f = {name: form.ref for name, form in BUILTINS.items()}
    return [
        mf.RoundForm(kind=K.MUS, questionnaire=f["mus-standard"]),
        mf.RoundForm(kind=K.MUS, questionnaire=f["mus-core-task"], units=["it"]),
        mf.RoundForm(kind=K.MUS, questionnaire=f["mus-scored"], units=["hr"]),
        mf.RoundForm(kind=K.GRUS, questionnaire=f["grus"]),
        mf.RoundForm(kind=K.LUS, questionnaire=f["lus"]),
        mf.RoundForm(kind=K.FOLLOW_UP, questionnaire=f["follow-up"]),
    ]


def conv_id(kind: str, person: str) -> str:
    """The id planning gives the person's conversation of ``kind`` in the round ``mus-2026``."""
    return wf.conversation_id(cycle(), kind, person)


def cycle(**settings: object) -> mf.Cycle:
    return mf.Cycle(
        id="mus-2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 4, 30)),
        scope=["top"],
        questionnaire=BUILTINS["mus-standard"].ref,
        forms=forms(),
        evaluation_form=BUILTINS["evaluation"].ref,
        settings=mf.CycleSettings(**{"grus_before_mus": True, **settings}),
    )


def plan(c: mf.Cycle | None = None, **options: object) -> wf.RoundPlan:
    return wf.plan_round(organisation(), c or cycle(), questionnaires=BUILTINS.values(), **options)


def by_id(p: wf.RoundPlan) -> dict[str, mf.Conversation]:
    return {c.id: c for c in p.conversations}


def minutes(c: mf.Conversation) -> int:
    return int(c.duration.total_minutes())


# ------------------------------------------------------------------------ 1. a form per kind


def test_each_kind_and_unit_gets_its_own_form_length_and_agenda():
    got = by_id(plan())
    expected = {
        conv_id("MUS", "ane"): ("mus-core-task", 45),
        conv_id("MUS", "hr1"): ("mus-scored", 60),
        conv_id("MUS", "o1"): ("mus-standard", 60),
        "mus-2026-grus-it": ("grus", 90),
        conv_id("LUS", "bo"): ("lus", 60),
    }
    for cid, (form, length) in expected.items():
        c = got[cid]
        assert c.questionnaire == BUILTINS[form].ref, cid
        assert minutes(c) == length, cid
        sections = [s for s in BUILTINS[form].sections if s.minutes]
        assert [a.section for a in c.agenda] == [s.id for s in sections], cid
        assert [a.title for a in c.agenda] == [s.title for s in sections], cid
        assert sum(a.minutes for a in c.agenda) == length, cid


def test_a_round_using_all_builtin_forms_gives_no_agenda_warning():
    p = plan()
    report = mf.validate(
        p.cycle,
        conversations=p.conversations,
        organisation=organisation(),
        questionnaires=BUILTINS.values(),
    )
    assert "agenda.minutes" not in report.codes, str(report)


def test_a_length_that_does_not_fit_the_form_is_still_reported():
    # The core-task form has 45 minutes; a round that gives it 60 gets the warning on the form
    # and on each conversation that uses it, and nowhere else.
    squeezed = [
        attrs.evolve(f, minutes=60) if f.questionnaire == BUILTINS["mus-core-task"].ref else f
        for f in forms()
    ]
    p = plan(attrs.evolve(cycle(), forms=squeezed))
    report = mf.validate(
        p.cycle,
        conversations=p.conversations,
        organisation=organisation(),
        questionnaires=BUILTINS.values(),
    )
    warned = sorted(f.path for f in report if f.code == "agenda.minutes")
    assert warned == sorted(
        [
            f"conversations[{conv_id('MUS', 'ane')}].agenda",
            f"conversations[{conv_id('MUS', 'cai')}].agenda",
            f"questionnaires[{BUILTINS['mus-core-task'].ref}].sections",
        ]
    )


def test_the_round_facts_say_which_form_and_length():
    c = cycle()
    assert mf.model.round.round_form(c, K.MUS, "it") == BUILTINS["mus-core-task"].ref
    assert mf.model.round.round_form(c, K.MUS, "ops") == BUILTINS["mus-standard"].ref
    assert mf.model.round.round_form(c, K.MUS, None) == BUILTINS["mus-standard"].ref
    bare = attrs.evolve(c, forms=())
    # Without entries every kind falls back on the round's form, MUS and LUS on its length.
    assert mf.model.round.round_form(bare, K.GRUS, "it") == BUILTINS["mus-standard"].ref
    assert mf.model.round.planned_minutes(bare, K.LUS) == 60
    assert mf.model.round.planned_minutes(bare, K.GRUS) is None
    assert mf.model.round.planned_minutes(bare, K.GRUS, form=BUILTINS["grus"]) == 90
    assert mf.model.round.form_minutes(bare, BUILTINS["grus"]) == ()
    assert mf.model.round.form_minutes(bare, BUILTINS["mus-core-task"]) == (60,)


def test_the_place_comes_from_the_settings_or_a_callable():
    got = by_id(plan(cycle(place="Mødelokale 2")))
    assert {c.place for c in got.values()} == {"Mødelokale 2"}

    def room(c: mf.Conversation) -> str:
        return "Kantinen" if c.kind is K.GRUS else f"Kontoret hos {c.leader}"

    got = by_id(plan(cycle(place="Mødelokale 2"), place=room))
    assert got["mus-2026-grus-it"].place == "Kantinen"
    assert got[conv_id("MUS", "ane")].place == "Kontoret hos bo"


def test_a_cycle_with_forms_and_requests_round_trips(tmp_path):
    c = attrs.evolve(
        cycle(), mus_requests=[mf.MusRequest(person="o1", requested_at=at(2026, 1, 10, 9))]
    )
    with SQLiteStore(tmp_path / "r.db") as store:
        store.save(c, actor="hr1")
        back = store.load(mf.Cycle, c.id).document
    assert back == c
    assert back.mus_requests[0].requested_at.timezone_name == CPH


# ------------------------------------------------------------------------ 2. follow-ups


MARCH = mf.FixedClock(at(2026, 3, 10, 9))


def signed_mus() -> tuple[mf.Cycle, mf.Conversation]:
    walk = walks.walk_mus()
    return walks.cycle(), walk.state("signed")


def test_planning_follow_ups_makes_a_scheduled_follow_up_conversation():
    round_, signed = signed_mus()
    follow_up = mf.templates.load("follow-up")
    round_ = attrs.evolve(
        round_, forms=[mf.RoundForm(kind=K.FOLLOW_UP, questionnaire=follow_up.ref)]
    )
    p = wf.plan_follow_ups(round_, [signed], questionnaires=[follow_up], clock=MARCH)
    assert p.added == (wf.follow_up_id(signed),)
    (f,) = p.conversations
    assert f.kind is K.FOLLOW_UP and f.status is mf.ConversationStatus.PLANNED
    assert f.previous == signed.id and f.cycle == round_.id
    assert f.participants == signed.participants
    assert f.questionnaire == follow_up.ref and minutes(f) == 30
    assert sum(a.minutes for a in f.agenda) == 30
    assert f.scheduled_start is not None and signed.follow_up_date is not None
    assert signed.follow_up_date <= f.scheduled_start.date() <= signed.follow_up_date.add(days=14)
    assert f.follow_up_date is None
    assert f.next_conversation_date == signed.next_conversation_date
    # The agreements under review travel with it, each pointing at its original.
    assert [a.continues for a in f.agreements] == [a.id for a in signed.open_agreements]
    # Planning again keeps it.
    again = wf.plan_follow_ups(round_, [signed, f], clock=MARCH)
    assert again.conversations == () and [e.action for e in again.report] == [wf.PlanAction.KEPT]


def test_a_follow_up_planned_late_is_placed_from_today():
    round_, signed = signed_mus()
    assert signed.follow_up_date is not None
    late = mf.FixedClock(at(2026, 12, 7, 9))  # a Monday, months after the follow-up date
    (f,) = wf.plan_follow_ups(round_, [signed], clock=late).conversations
    assert f.scheduled_start is not None
    assert pendulum.date(2026, 12, 7) <= f.scheduled_start.date() <= pendulum.date(2026, 12, 21)


def test_what_is_due_lists_the_follow_up_conversation_instead_of_the_date():
    round_, signed = signed_mus()
    assert signed.follow_up_date is not None
    on = signed.follow_up_date.subtract(days=20)
    before = wf.what_is_due([signed], on=on, horizon_days=None)
    assert wf.DueKind.FOLLOW_UP in [i.kind for i in before if i.conversation == signed.id]
    (f,) = wf.plan_follow_ups(round_, [signed], clock=MARCH).conversations
    after = wf.what_is_due([signed, f], on=on, horizon_days=None)
    assert wf.DueKind.FOLLOW_UP not in [i.kind for i in after if i.conversation == signed.id]
    assert (wf.DueKind.SEND_INVITATION, "boss") in [
        (i.kind, i.actor) for i in after if i.conversation == f.id
    ]
    # The agreements under review are due in the follow-up conversation now, not twice.
    due = [i.agreement for i in after if i.agreement is not None]
    assert len(due) == len(set(due)) and {i.conversation for i in after if i.agreement} == {f.id}


def test_only_concluded_or_signed_conversations_get_a_follow_up():
    round_, signed = signed_mus()
    planned = attrs.evolve(signed, id="x", status=mf.ConversationStatus.PLANNED)
    done = attrs.evolve(signed, id="y", status=mf.ConversationStatus.FOLLOWED_UP)
    other_round = attrs.evolve(signed, id="z", cycle="another")
    assert wf.plan_follow_ups(round_, [planned, done, other_round], clock=MARCH).conversations == ()


# ------------------------------------------------------------------------ 9. hold on the day


def test_hold_before_the_scheduled_day_is_refused_until_rescheduled():
    c = walks.walk_mus().state("prepared")
    start = c.scheduled_start
    assert start is not None
    early = mf.FixedClock(start.subtract(days=3))
    with pytest.raises(DataError) as caught:
        wf.hold(c, by="boss", clock=early)
    assert [f.code for f in caught.value.findings] == ["workflow.hold-before-scheduled-day"]
    assert "reschedule" in caught.value.findings[0].message.text("en")
    # Earlier the same day is fine; so is a conversation moved to today first.
    assert wf.hold(c, by="boss", clock=mf.FixedClock(start.set(hour=7))).status.is_held
    moved = wf.reschedule(c, by="boss", start=early.now())
    assert moved.invitation is not None and moved.invitation.sequence == 1
    assert wf.hold(moved, by="boss", clock=early).held_at == early.now()


# ------------------------------------------------------------------------ 3. MUS requests


def test_a_requested_mus_is_planned_where_a_grus_replaces_the_mus():
    request = mf.MusRequest(person="o1", requested_at=at(2026, 1, 10, 9), reason="Karriere")
    c = attrs.evolve(cycle(grus_replaces_mus=["ops"]), mus_requests=[request])
    got = by_id(plan(c))
    assert conv_id("MUS", "o1") in got and conv_id("MUS", "o2") not in got
    assert "mus-2026-grus-ops" in got
    # Coverage: the GRUS covers o2, but only a MUS covers o1 (who asked for one).
    held = [
        attrs.evolve(x, status=mf.ConversationStatus.HELD) if x.kind is K.GRUS else x
        for x in got.values()
    ]
    states = {p.person: p.state for p in mf.model.round.round_coverage(c, held, organisation())}
    assert states["o2"] is mf.model.round.CoverageState.COVERED
    assert states["o1"] is mf.model.round.CoverageState.PLANNED
    without_mus = [x for x in held if x.id != conv_id("MUS", "o1")]
    states = {
        p.person: p.state for p in mf.model.round.round_coverage(c, without_mus, organisation())
    }
    assert states["o1"] is mf.model.round.CoverageState.MISSING


def test_a_request_with_no_mus_planned_is_an_error():
    request = mf.MusRequest(person="o1", requested_at=at(2026, 1, 10, 9))
    unplanned = plan(cycle(grus_replaces_mus=["ops"]))  # planned before the request
    asked = attrs.evolve(unplanned.cycle, mus_requests=[request])
    report = mf.validate(asked, conversations=unplanned.conversations, organisation=organisation())
    errors = [(f.code, f.path) for f in report.errors]
    assert ("coverage.requested-mus", "mus_requests[0]") in errors
    assert "'o1'" in next(f for f in report if f.code == "coverage.requested-mus").message.text(
        "en"
    )
    replanned = plan(asked, existing=unplanned.conversations)
    report = mf.validate(asked, conversations=replanned.conversations, organisation=organisation())
    assert "coverage.requested-mus" not in report.codes


def test_mandatory_coverage_makes_a_missing_conversation_an_error():
    p = plan()
    gone = [c for c in p.conversations if c.employee != "hr2"]
    loose = mf.validate(p.cycle, conversations=gone, organisation=organisation())
    strict_cycle = attrs.evolve(
        p.cycle, settings=attrs.evolve(p.cycle.settings, coverage_mandatory=True)
    )
    strict = mf.validate(strict_cycle, conversations=gone, organisation=organisation())
    assert [f.code for f in loose.warnings] == ["coverage.missing-conversation"]
    assert [f.code for f in strict.errors] == ["coverage.mandatory"]
    assert "coverage.missing-conversation" not in strict.codes
    assert strict.errors[0].message.text("en") == loose.warnings[0].message.text("en").replace(
        "'hr2' has no conversation in the round",
        "'hr2' has no conversation in the round, which is mandatory",
    )


# ------------------------------------------------------------------------ through the services


@pytest.fixture
def services(tmp_path):
    clock = mf.FixedClock(at(2026, 1, 5, 9))
    with SQLiteStore(tmp_path / "mus.db", clock=clock) as store:
        s = Services(store, clock=clock)
        s.replace_organisation(HR, organisation())
        for form in BUILTINS.values():
            store.save(form, actor="hr1")
        yield s


def test_the_services_plan_agendas_follow_ups_and_requests(services):
    c = cycle(place="Mødelokale 2", grus_replaces_mus=["ops"])
    p = services.plan_round(HR, c)
    ane = services.store.load(mf.Conversation, conv_id("MUS", "ane")).document
    assert ane.agenda and ane.place == "Mødelokale 2" and minutes(ane) == 45
    assert conv_id("MUS", "o1") not in p.added

    # An employee asks for their own MUS; a colleague cannot ask for them; HR can.
    with pytest.raises(AccessDeniedError):
        services.request_mus("o2", c.id, "o1")
    asked = services.request_mus("o1", c.id, "o1", reason="Jeg vil tale om min udvikling")
    assert [(r.person, r.requested_at, r.reason) for r in asked.mus_requests] == [
        ("o1", at(2026, 1, 5, 9), "Jeg vil tale om min udvikling")
    ]
    assert services.request_mus(HR, c.id, "o1").mus_requests == asked.mus_requests
    with pytest.raises(NotFoundError):
        services.request_mus(HR, c.id, "nobody")
    again = services.plan_round(HR, asked)
    assert again.added == (conv_id("MUS", "o1"),)

    # A signed MUS gets its follow-up conversation, once.
    signed = attrs.evolve(
        ane,
        status=mf.ConversationStatus.SIGNED,
        follow_up_date=pendulum.date(2026, 9, 1),
        agreements=[mf.Agreement(id="a1", description="Kursus", owner="ane")],
    )
    stored = services.store.load(mf.Conversation, ane.id)
    services.store.save(signed, revision=stored.revision, actor="bo")
    with pytest.raises(AccessDeniedError):
        services.plan_follow_ups("bo", c.id)
    follow_ups = services.plan_follow_ups(HR, c.id)
    assert follow_ups.added == (conv_id("MUS", "ane") + "-follow-up",)
    f = services.store.load(mf.Conversation, conv_id("MUS", "ane") + "-follow-up").document
    assert f.questionnaire == BUILTINS["follow-up"].ref and f.place == "Mødelokale 2"
    assert [a.continues for a in f.agreements] == ["a1"]
    assert services.plan_follow_ups(HR, c.id).added == ()


# ------------------------------------------------------------------------ 4. the review


def concluded(written_by: str | None = None) -> mf.Conversation:
    held = walks.walk_mus().state("held")
    return wf.conclude(
        held,
        by="boss",
        written_by=written_by,
        conclusions=["Et godt år"],
        goals=["Blive selvkørende i databaserne"],
        agreements=[mf.Agreement(id="a1", description="Kursus", owner="emp")],
        follow_up_date=pendulum.date(2026, 9, 4),
        next_conversation_date=pendulum.date(2027, 3, 1),
        clock=MARCH,
    )


def test_the_conclusions_name_their_author():
    assert concluded().conclusions_by == "boss"
    # The employee may write them up, for ownership (the leader records it).
    assert concluded(written_by="emp").conclusions_by == "emp"
    assert concluded().content_digest() != concluded(written_by="emp").content_digest()


def test_a_review_comment_is_signed_with_the_conclusions():
    c = wf.sign(concluded(), person="boss", clock=MARCH)
    commented = wf.comment_on_conclusions(
        c, by="emp", text="  Jeg vil gerne have kurset før sommer  ", clock=MARCH
    )
    (comment,) = commented.review_comments
    assert (comment.person, comment.text, comment.at) == (
        "emp",
        "Jeg vil gerne have kurset før sommer",
        MARCH.now(),
    )
    # The leader signed before the comment: that signature no longer covers the content.
    assert not commented.is_signed_by("boss") and set(wf.missing_signers(commented)) == {
        "emp",
        "boss",
    }
    done = wf.sign(wf.sign(commented, person="emp", clock=MARCH), person="boss", clock=MARCH)
    assert done.status is mf.ConversationStatus.SIGNED
    plan = mf.DevelopmentPlan.from_conversation(done)
    assert plan.is_signed_by_both
    assert (plan.conclusions_by, plan.review_comments) == ("boss", done.review_comments)


def test_a_review_comment_is_refused_from_the_author_blank_or_after_signing():
    c = concluded()
    with pytest.raises(DataError) as caught:
        wf.comment_on_conclusions(c, by="boss", text="Godt skrevet", clock=MARCH)
    assert [f.code for f in caught.value.findings] == ["workflow.own-conclusions"]
    with pytest.raises(DataError) as caught:
        wf.comment_on_conclusions(c, by="emp", text="  ", clock=MARCH)
    assert [f.code for f in caught.value.findings] == ["workflow.blank-comment"]
    with pytest.raises(mf.errors.TransitionError):
        wf.comment_on_conclusions(c, by="m1", text="Hej", clock=MARCH)  # not a participant
    signed = wf.sign(wf.sign(c, person="emp", clock=MARCH), person="boss", clock=MARCH)
    with pytest.raises(mf.errors.TransitionError):
        wf.comment_on_conclusions(signed, by="emp", text="For sent", clock=MARCH)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_rendered_plans_show_the_author_and_the_comments(locale):
    c = wf.comment_on_conclusions(concluded(), by="emp", text="Kurset før sommer", clock=MARCH)
    people = walks.organisation()
    for obj in (c, mf.DevelopmentPlan.from_conversation(c)):
        text = mf.render(obj, "markdown", locale=locale, people=people)
        written = {"da": "Skrevet af", "en": "Written by"}[locale]
        heading = {"da": "Kommentarer til konklusionerne", "en": "Comments on the conclusions"}
        says = {"da": "Ane Jensen skriver: Kurset før sommer", "en": "Ane Jensen writes: Kurset"}
        assert written in text and "Bo Leder" in text
        assert heading[locale] in text and says[locale] in text


# ------------------------------------------------------------------------ 5. goals with a thread

ORG_GOALS = [
    mf.Goal(id="digital", text="Flere borgere klarer sig digitalt"),
    mf.Goal(id="people", text="Vi fastholder dygtige kolleger"),
]


def held(c: mf.Conversation, **changes: object) -> mf.Conversation:
    return attrs.evolve(c, status=mf.ConversationStatus.SIGNED, **changes)


def threaded_round() -> tuple[mf.Cycle, list[mf.Conversation]]:
    p = plan(attrs.evolve(cycle(), goals=ORG_GOALS))
    got = by_id(p)
    grus = held(
        got["mus-2026-grus-it"],
        goal_thread=[
            mf.Goal(id="it-self", text="Alle kan vejlede i selvbetjening", serves="digital"),
            mf.Goal(id="it-new", text="Nye er i gang efter tre måneder", serves="people"),
        ],
    )
    ane = held(
        got[conv_id("MUS", "ane")],
        agreements=[
            mf.Agreement(id="a1", description="Sidemandsoplæring", owner="ane"),
            mf.Agreement(id="a2", description="Kursus", owner="ane", status="cancelled"),
        ],
        goal_thread=[
            mf.Goal(id="g", text="Vejlede i appen", serves="it-self", agreements=["a1", "a2"])
        ],
    )
    cai_planned = attrs.evolve(  # not held yet: its goals do not count
        got[conv_id("MUS", "cai")],
        goal_thread=[mf.Goal(id="g", text="Lære appen", serves="it-new")],
    )
    return p.cycle, [grus, ane, cai_planned]


def test_goals_thread_from_the_organisation_through_the_grus_to_each_person():
    c, conversations = threaded_round()
    threads = {t.goal.id: t for t in mf.model.round.goal_threads(c, conversations)}
    assert set(threads) == {"it-self", "it-new"}
    served = threads["it-self"]
    assert served.organisation_goal == ORG_GOALS[0] and served.unit == "it"
    assert [(g.conversation, g.person, g.agreements) for g in served.goals] == [
        (conv_id("MUS", "ane"), "ane", ("a1",))  # the cancelled agreement does not count
    ]
    assert not threads["it-new"].served

    table = mf.analytics.goal_thread_summary(c, conversations, organisation=organisation())
    assert [(r.goal, r.individual_goals, r.agreements) for r in table.rows] == [
        ("it-self", 1, 1),
        ("it-new", 0, 0),
    ]
    assert [r.goal for r in table.unserved] == ["it-new"]
    assert table.to_records()[0]["organisation_goal"] == "digital"
    assert "Enhedsmål" in table.to_html("da") and "Unit goals" in table.to_html("en")


def test_the_goal_thread_is_signed_content():
    c = concluded()
    linked = wf.revise(c, by="boss")  # nothing changed: the same content
    assert linked.content_digest() == c.content_digest()
    with_goal = attrs.evolve(c, goal_thread=[mf.Goal(id="g", text="x", serves="it-self")])
    assert with_goal.content_digest() != c.content_digest()
    # Without a thread the digest is what it was before threads existed.
    assert "goal_thread" not in mf.serialization.to_dict(c)


# ------------------------------------------------------------------------ 6. group activities


def needs_round(people: int) -> list[mf.Conversation]:
    """``people`` members of one unit with a mentoring agreement each, one with a course."""
    out = []
    for i in range(people):
        method = "course" if i == 0 else "mentoring"
        out.append(
            mf.Conversation(
                id=f"mus-{i}",
                kind="MUS",
                cycle="r",
                unit="it",
                status="signed",
                participants=[mf.Participant(f"e{i}", "employee"), mf.Participant("bo", "leader")],
                agreements=[
                    mf.Agreement(
                        id="a",
                        description="Mentor",
                        owner=f"e{i}",
                        kind="development_activity",
                        learning_method=method,
                    ),
                    # The leader's own agreements are no need of the group.
                    mf.Agreement(
                        id="b", description="Skaf en mentor", owner="bo", learning_method=method
                    ),
                ],
            )
        )
    out.append(
        mf.Conversation(
            id="grus-next",
            kind="GRUS",
            cycle="r",
            unit="it",
            participants=[mf.Participant("bo", "leader")],
        )
    )
    return out


def test_common_needs_become_proposals_only_for_groups_large_enough():
    proposals = mf.analytics.group_activities(needs_round(6))
    assert [(a.unit, a.learning_method, a.people, a.grus) for a in proposals.activities] == [
        ("it", mf.LearningMethod.MENTORING, 5, "grus-next")
    ]
    assert proposals.withheld == 1  # the one course: too few people to show
    assert proposals.to_records()[0]["learning_method"] == "mentoring"
    small = mf.analytics.group_activities(needs_round(5))
    assert small.activities == () and small.withheld == 2
    assert mf.analytics.group_activities(needs_round(5), minimum_group_size=3).for_unit("it")
    with pytest.raises(mf.errors.InvalidValueError):
        mf.analytics.group_activities(needs_round(5), minimum_group_size=2)


def test_group_activities_gather_only_what_the_viewer_may_see():
    from musframework.policy import DefaultPolicy

    org = mf.Organisation(
        people=[mf.Person(id=p, name=p) for p in ("bo", "eva", *(f"e{i}" for i in range(6)))],
        units=[
            mf.OrgUnit(id="top", name="Top", leader="eva"),
            mf.OrgUnit(
                id="it", name="IT", leader="bo", members=[f"e{i}" for i in range(6)], parent="top"
            ),
        ],
    )
    policy = DefaultPolicy(org)
    conversations = needs_round(6)
    leader = mf.analytics.group_activities(
        conversations, organisation=org, viewer=Viewer("bo"), policy=policy
    )
    assert [a.people for a in leader.activities] == [5]
    stranger = mf.analytics.group_activities(
        conversations, organisation=org, viewer=Viewer("e1"), policy=policy
    )
    assert stranger.activities == () and stranger.withheld <= 1


# ------------------------------------------------------------------------ 7. the round's steps


def test_the_five_steps_are_data_on_the_round_and_evaluation_closes_it():
    c = cycle()
    steps = mf.model.round.round_steps(c)
    assert [s.step for s in steps] == list(mf.RoundStepKind)
    assert [s.due for s in steps] == [
        pendulum.date(2026, 1, 5),
        pendulum.date(2026, 1, 12),
        pendulum.date(2026, 1, 19),
        pendulum.date(2026, 4, 30),
        pendulum.date(2026, 5, 28),
    ]
    assert not any(s.done for s in steps) and not c.closed
    c = attrs.evolve(c, steps=[mf.RoundStep(step="inform_leaders", responsible="hr1")])
    informed = wf.complete_round_step(c, "inform_leaders", by="hr1", clock=MARCH)
    first = mf.model.round.round_steps(informed)[0]
    assert (first.done_at, first.done_by, first.responsible) == (MARCH.now(), "hr1", "hr1")

    # What is due lists the steps of the person responsible, not yet done.
    told = attrs.evolve(
        informed, steps=[*informed.steps, mf.RoundStep(step="evaluate", responsible="hr1")]
    )
    due = wf.what_is_due([], cycles=[told], on=pendulum.date(2026, 5, 20), horizon_days=None)
    assert [(i.kind, i.actor, i.step, i.conversation, i.due) for i in due] == [
        (
            wf.DueKind.ROUND_STEP,
            "hr1",
            mf.RoundStepKind.EVALUATE,
            "mus-2026",
            pendulum.date(2026, 5, 28),
        )
    ]
    assert wf.what_is_due([], cycles=[told], person="ane", horizon_days=None) == []

    closed = wf.complete_round_step(told, "evaluate", by="hr1", clock=MARCH)
    assert closed.closed
    assert wf.what_is_due([], cycles=[closed], horizon_days=None) == []
    for refused in (
        lambda: wf.complete_round_step(closed, "send_forms", by="hr1"),
        lambda: wf.plan_round(organisation(), closed),
    ):
        with pytest.raises(DataError) as caught:
            refused()
        assert [f.code for f in caught.value.findings] == ["round.closed"]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_the_round_report_shows_steps_unit_goals_and_group_activities(locale):
    c, conversations = threaded_round()
    c = wf.complete_round_step(c, "inform_leaders", by="hr1", clock=MARCH)
    needs = [attrs.evolve(x, cycle=c.id) for x in needs_round(6)]
    org = mf.Organisation(
        people=[*organisation().people, *(mf.Person(id=f"e{i}", name=f"E{i}") for i in range(6))],
        units=organisation().units,
    )
    text = mf.render(
        c,
        "markdown",
        locale=locale,
        people=org,
        conversations=[*conversations, *needs],
        on=pendulum.date(2026, 3, 10),
    )
    words = {
        "da": [
            "Rundens trin",
            "informér lederne",
            "Enhedsmål fra GRUS",
            "Alle kan vejlede i selvbetjening",
            "Forslag til fælles aktiviteter",
            "Mentorordning",
        ],
        "en": [
            "The round's steps",
            "inform the leaders",
            "Unit goals from the GRUS",
            "Alle kan vejlede i selvbetjening",
            "Proposed group activities",
            "Mentoring",
        ],
    }
    for word in words[locale]:
        assert word.lower() in text.lower(), word


# ------------------------------------------------------------------------ 8. the leader's guide


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
@pytest.mark.parametrize("locale", ["da", "en"])
def test_the_leaders_guide_has_agenda_advice_agreements_and_shared_preparation(fmt, locale):
    form = BUILTINS["mus-standard"]
    base = by_id(plan())[conv_id("MUS", "o1")]
    assert base.questionnaire == form.ref
    text_question = next(q for q in form.questions_for(mf.Role.EMPLOYEE) if q.id == "goals")
    mine = form.new_response("employee", "o1", {"goals": "Lære at lede et projekt"})
    theirs = form.new_response("leader", "ole", {"goals": "Hemmeligt udkast"})
    c = attrs.evolve(
        base,
        responses=[mine.shared_with_other_party(), theirs],
        agreements=[
            mf.Agreement(id="old", description="Tage truckcertifikat", owner="o1", continues="old"),
            mf.Agreement(id="new", description="Ny aftale i år", owner="o1"),
        ],
    )
    text = mf.render(
        c, fmt, locale=locale, document="guide", questionnaire=form, people=organisation()
    )
    first = next(s for s in form.sections if s.minutes)
    expected = [
        {"da": "Lederens guide", "en": "Leader's guide"}[locale],
        first.title.get(locale),
        {"da": "Den gode samtale", "en": "The good conversation"}[locale],
        {"da": "Lad medarbejderen tale først", "en": "Let the employee speak first"}[locale],
        "Tage truckcertifikat",
        text_question.text.get(locale),
        "Lære at lede et projekt",
    ]
    if first.guidance is not None:
        expected.append(first.guidance.get(locale)[:20])
    for word in expected:
        assert word in text.replace("&#39;", "'"), word
    assert "Ny aftale i år" not in text  # only the agreements carried over are reviewed
    assert "Hemmeligt udkast" not in text  # the leader's own (unshared) notes stay out
    unshared = attrs.evolve(c, responses=[mine])
    hidden = mf.render(unshared, fmt, locale=locale, document="guide", questionnaire=form)
    assert "Lære at lede et projekt" not in hidden


def test_the_guide_is_one_of_a_conversations_documents():
    from musframework.rendering import DOCUMENTS, document_candidates

    assert DOCUMENTS["guide"] == (mf.Conversation,)
    assert "guide" in document_candidates(walks.walk_mus().state("prepared"))


# ------------------------------------------------------------------------ the new fields round-trip


def full_documents() -> list[object]:
    c = attrs.evolve(
        cycle(coverage_mandatory=True, place="Rådhuset"),
        goals=ORG_GOALS,
        mus_requests=[mf.MusRequest(person="o1", requested_at=at(2026, 1, 10, 9), reason="Ja")],
        steps=[
            mf.RoundStep(
                step="inform_leaders",
                responsible="hr1",
                due=pendulum.date(2026, 1, 2),
                done_at=at(2026, 1, 2, 9),
                done_by="hr1",
            )
        ],
    )
    conversation = attrs.evolve(
        wf.comment_on_conclusions(concluded("emp"), by="boss", text="Enig", clock=MARCH),
        goal_thread=[mf.Goal(id="g", text="Mål", serves="it-self", agreements=["a1"])],
    )
    return [c, conversation, mf.DevelopmentPlan.from_conversation(conversation)]


@pytest.mark.parametrize("index", range(3))
def test_the_new_fields_round_trip_on_every_path(index):
    from musframework import serialization as ser
    from musframework.serialization import schema_version

    document = full_documents()[index]
    cls = type(document)
    text = mf.dumps(document)
    assert mf.loads(text, cls) == document
    assert ser.from_dict(ser._load_json(text), cls) == document  # the general path
    codec = ser._codec()
    if codec is not None:  # the msgspec path reads and writes the same
        assert codec.decode(text, cls, schema_version(cls)) == document
        assert codec.dumps(document, schema_version(cls)).decode("utf-8") == text
    assert "Europe/Copenhagen" in text


def test_the_services_record_the_author_the_comment_and_the_round_steps(services):
    c = cycle()
    services.plan_round(HR, c)
    cid = conv_id("MUS", "hr2")
    start = services.store.load(mf.Conversation, cid).document.scheduled_start
    assert start is not None
    services.invite("eva", cid)
    services.prepare("eva", cid)
    with pytest.raises(DataError):  # not before its day
        services.hold("eva", cid)
    services.clock.set(start)
    services.hold("eva", cid)
    services.conclude("eva", cid, conclusions=["Godt år"], goals=["Mere ansvar"], written_by="hr2")
    with pytest.raises(AccessDeniedError):  # someone else's conversation
        services.comment_on_conclusions("ane", cid, "Hej")
    commented = services.comment_on_conclusions("eva", cid, "Jeg støtter kurset")
    assert commented.conclusions_by == "hr2"
    assert [(r.person, r.text) for r in commented.review_comments] == [
        ("eva", "Jeg støtter kurset")
    ]

    with pytest.raises(AccessDeniedError):
        services.complete_round_step("ane", c.id, "evaluate")
    closed = services.complete_round_step(HR, c.id, "evaluate")
    assert closed.closed and services.store.load(mf.Cycle, c.id).document.closed
    with pytest.raises(DataError):
        services.request_mus("ane", c.id, "ane")
