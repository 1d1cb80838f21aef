"""The services as an app uses them: a round walked through the use cases on SQLite, the
organisation and its history in the store, retries when another writer won, errors in the
caller's language, notifications sent once."""

from __future__ import annotations

import pathlib

import pendulum
import pytest

import musframework as mf
from musframework.errors import (
    AccessDeniedError,
    ConflictError,
    DataError,
    NotFoundError,
    TransitionError,
)
from musframework.policy import Capacity, Viewer
from musframework.services import (
    DryRunNotifier,
    NoticeKind,
    NotifierError,
    Services,
    Settings,
)
from musframework.storage import SQLiteStore

CPH = "Europe/Copenhagen"
HR = Viewer("hr1", {Capacity.HR})


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=CPH)


ORG = mf.Organisation(
    people=[
        mf.Person(id="dir", name="Dorte Direktør", email="dir@kommune.dk"),
        mf.Person(id="bo", name="Bo Ærø", email="bo@kommune.dk"),
        mf.Person(id="ane", name="Ane Østergård", email="ane@kommune.dk"),
        mf.Person(id="cai", name="Cai Holm", email="cai@kommune.dk"),
        mf.Person(id="eva", name="Eva Lund", email="eva@kommune.dk"),
        mf.Person(id="hr1", name="Hanne HR", email="hr@kommune.dk"),
    ],
    units=[
        mf.OrgUnit(id="top", name="Direktion", leader="dir"),
        mf.OrgUnit(id="it", name="IT", leader="bo", members=["ane", "cai"], parent="top"),
        mf.OrgUnit(id="hr", name="HR", leader="eva", members=["hr1"], parent="top"),
    ],
)
FORM = mf.Questionnaire(
    id="mus",
    title={"da": "MUS", "en": "MUS"},
    sections=[
        mf.Section(
            id="s",
            title={"da": "Året", "en": "The year"},
            minutes=30,
            questions=[
                mf.ScaleQuestion(id="year", text={"da": "Året?", "en": "The year?"}),
                mf.TextQuestion(id="wish", text={"da": "Ønsker", "en": "Wishes"}),
            ],
        )
    ],
)


class Recorder:
    """A notifier that keeps what it was given and records deliveries like a real one."""

    channel = "email"
    records = True

    def __init__(self, fail: bool = False) -> None:
        self.messages = []
        self.fail = fail

    def send(self, message) -> None:
        if self.fail:
            raise NotifierError("the server is down")
        self.messages.append(message)


@pytest.fixture
def clock():
    return mf.FixedClock(at(2026, 1, 5, 9))


@pytest.fixture
def store(tmp_path, clock):
    with SQLiteStore(tmp_path / "mus.db", clock=clock) as store:
        yield store


def setup_round(store, clock, notifier=None):
    services = Services(store, clock=clock, notifier=notifier, settings=Settings(name="Kommunen"))
    services.replace_organisation(HR, ORG)
    store.save(FORM, actor="hr1")
    cycle = mf.Cycle(
        id="mus-2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 3, 27)),
        scope=["it"],
        questionnaire=FORM.ref,
        settings=mf.CycleSettings(include_lus=False),
    )
    plan = services.plan_round(HR, cycle)
    return services, plan


def mus_of(plan, person):
    return next(c for c in plan.conversations if c.employee == person)


def test_a_conversation_walked_through_the_services_records_every_actor(store, clock):
    services, plan = setup_round(store, clock)
    c = mus_of(plan, "ane")
    start = c.scheduled_start
    clock.set(start.subtract(days=14))
    services.invite("bo", c.id, message="Velkommen", respond_by=start.date().subtract(days=1))
    clock.set(start.subtract(days=3))
    services.submit_response("ane", c.id, {"year": 4, "wish": "Projektledelse"})  # SurveyJS data
    services.share("ane", c.id)
    leader_response = FORM.new_response("leader", "bo", {"year": 4})
    services.submit_response("bo", c.id, leader_response)
    clock.set(start)
    services.hold("bo", c.id)
    services.comment("ane", c.id, "Husk kurset", private=True)
    clock.set(start.add(minutes=50))
    services.conclude(
        "bo",
        c.id,
        conclusions=["Et godt år"],
        goals=["Lede et projekt"],
        agreements=[mf.Agreement(id="n1", description="Kursus", owner="ane")],
    )
    clock.set(start.add(days=1))
    services.sign("bo", c.id)
    services.sign("ane", c.id)
    clock.set(start.add(months=2))
    services.set_agreement_status("ane", c.id, "n1", "in_progress")
    clock.set(start.add(months=6))
    final = services.follow_up(
        "bo", c.id, entries=[mf.FollowUpEntry(agreement="n1", status="done")]
    )
    assert final.status is mf.ConversationStatus.FOLLOWED_UP
    stored = store.load(mf.Conversation, c.id)
    assert stored.document.response_of("ane").value("wish") == "Projektledelse"
    actors = [e.actor for e in store.audit_log(kind="conversation", id=c.id)]
    assert actors == ["hr1", "bo", "ane", "ane", "bo", "bo", "ane", "bo", "bo", "ane", "ane", "bo"]
    assert [e.revision for e in store.audit_log(kind="conversation", id=c.id)] == list(
        range(1, stored.revision + 1)
    )


def test_the_result_is_what_the_actor_may_see(store, clock):
    services, plan = setup_round(store, clock)
    c = mus_of(plan, "ane")
    clock.set(c.scheduled_start.subtract(days=14))
    services.invite("bo", c.id)
    seen = services.comment("bo", c.id, "Spørg til arbejdsmængden", private=True)
    assert seen.notes[-1].text == "Spørg til arbejdsmængden"
    assert services.conversation("ane", c.id).notes == ()  # bo's private note is his alone
    with pytest.raises(AccessDeniedError):
        services.conversation("dir", c.id)


def test_errors_are_the_librarys_in_the_callers_language(store, clock):
    services, plan = setup_round(store, clock)
    c = mus_of(plan, "ane")
    with pytest.raises(AccessDeniedError) as denied:
        services.invite("ane", c.id)
    assert denied.value.text("da") == "'ane' må ikke ændre samtalen '" + c.id + "' (tid og sted)"
    assert denied.value.text("en").startswith("'ane' may not edit the conversation")
    with pytest.raises(TransitionError) as refused:
        services.hold("bo", c.id)
    assert "nuværende status: planlagt" in refused.value.text("da")
    assert "current state: planned" in refused.value.text("en")
    with pytest.raises(NotFoundError):
        services.invite("bo", "no-such-conversation")
    clock.set(c.scheduled_start.subtract(days=10))
    services.invite("bo", c.id)
    with pytest.raises(DataError) as bad:
        services.submit_response("ane", c.id, {"year": 9})
    assert bad.value.findings[0].code == "response.out-of-range"
    assert "9" in bad.value.text("en")


class Interfering(SQLiteStore):
    """A real store whose loads let another writer (a second store on the same file) win."""

    def __init__(self, path, *, clock, other, change, times):
        super().__init__(path, clock=clock)
        self.other, self.change, self.times = other, change, times

    def load(self, cls, id, version=None):
        found = super().load(cls, id, version)
        if cls is mf.Conversation and self.times > 0:
            self.times -= 1
            theirs = self.other.load(cls, id)
            self.other.save(self.change(theirs.document), revision=theirs.revision, actor="cai")
        return found


def interfering(tmp_path, clock, change, times):
    path = tmp_path / "race.db"
    with SQLiteStore(path, clock=clock) as first:
        services, plan = setup_round(first, clock)
    other = SQLiteStore(path, clock=clock)
    racing = Interfering(path, clock=clock, other=other, change=change, times=times)
    return services.bind(racing), plan, racing


def noted(text):
    def change(c):
        return mf.workflow.comment(c, by="bo", text=text)

    return change


def test_a_step_is_retried_when_another_writer_won_and_still_applies(tmp_path, clock):
    services, plan, store = interfering(tmp_path, clock, noted("the other writer"), times=2)
    c = mus_of(plan, "ane")
    clock.set(c.scheduled_start.subtract(days=14))
    invited = services.invite("bo", c.id)
    assert invited.status is mf.ConversationStatus.INVITED
    stored = store.load(mf.Conversation, c.id).document
    assert [n.text for n in stored.notes] == ["the other writer", "the other writer"]
    log = store.audit_log(kind="conversation", id=c.id)
    assert [(e.revision, e.actor) for e in log] == [(1, "hr1"), (2, "cai"), (3, "cai"), (4, "bo")]


def test_a_retry_reports_the_step_that_no_longer_applies(tmp_path, clock):
    def invited_by_someone_else(c):
        return mf.workflow.invite(c, by="bo", message="first", clock=clock)

    services, plan, store = interfering(tmp_path, clock, invited_by_someone_else, times=1)
    c = mus_of(plan, "ane")
    with pytest.raises(TransitionError, match="cannot invite now"):
        services.invite("bo", c.id, message="second")
    assert store.load(mf.Conversation, c.id).document.invitation.message == "first"


def test_when_the_retries_run_out_the_conflict_is_reported(tmp_path, clock):
    services, plan, store = interfering(tmp_path, clock, noted("again"), times=100)
    c = mus_of(plan, "ane")
    with pytest.raises(ConflictError) as lost:
        services.comment("bo", c.id, "mine")
    assert lost.value.document == ("conversation", c.id)
    stored = store.load(mf.Conversation, c.id).document
    assert "mine" not in [n.text for n in stored.notes]
    assert len(stored.notes) == services.settings.retries + 1  # one other win per attempt


def test_the_organisation_and_its_history_are_in_the_store(store, clock):
    services, plan = setup_round(store, clock)
    signed_plan = mus_of(plan, "cai")
    store.save(
        pendulum_signed(signed_plan), revision=store.load(mf.Conversation, signed_plan.id).revision
    )
    january = clock.now()
    clock.set(at(2026, 6, 1, 8))
    services.update_organisation(
        HR,
        units=[
            ORG.unit("it").without_member("cai"),
            ORG.unit("hr").with_member("cai"),
        ],
    )
    assert store.organisation(at=january).unit_of("cai").id == "it"
    assert store.organisation().unit_of("cai").id == "hr"
    assert store.organisation(at=pendulum.date(2026, 6, 1)).nearest_leader("cai") == "eva"
    assert store.organisation(at=pendulum.date(2026, 5, 31)).nearest_leader("cai") == "bo"
    (change,) = store.leader_changes(person="cai")
    assert (change.former, change.new, change.plan) == ("bo", "eva", signed_plan.id)
    assert services.organisation().nearest_leader("cai") == "eva"  # refreshed after the change
    # The new leader works on the handed-over plan's open agreements.
    services.set_agreement_status("eva", signed_plan.id, "k1", "in_progress")
    again = services.hand_over(HR, "cai", plan=None)
    assert again.plan == signed_plan.id
    with pytest.raises(NotFoundError):
        services.hand_over(HR, "ane")
    with pytest.raises(AccessDeniedError):
        services.update_organisation("bo", people=[mf.Person(id="x", name="X")])
    with pytest.raises(DataError):
        services.update_organisation(HR, units=[mf.OrgUnit(id="u", name="U", leader="nobody")])


def pendulum_signed(c):
    wf = mf.workflow
    c = wf.invite(c, by="bo", clock=mf.FixedClock(c.scheduled_start.subtract(days=14)))
    c = wf.prepare(c, by="bo", clock=mf.FixedClock(c.scheduled_start.subtract(days=1)))
    c = wf.hold(c, by="bo", clock=mf.FixedClock(c.scheduled_start))
    c = wf.conclude(
        c,
        by="bo",
        conclusions=["ok"],
        goals=["g"],
        agreements=[mf.Agreement(id="k1", description="Kursus", owner="cai")],
        follow_up_date=None,
        next_conversation_date=None,
        clock=mf.FixedClock(c.scheduled_start.add(hours=1)),
    )
    for person in wf.required_signers(c):
        c = wf.sign(c, person=person, clock=mf.FixedClock(c.scheduled_start.add(days=1)))
    return c


def test_export_and_erase_go_through_the_policy(store, clock):
    services, _ = setup_round(store, clock)
    assert services.export_person("ane", "ane")["person_id"] == "ane"
    assert services.export_person(HR, "ane")["person"]["name"] == "Ane Østergård"
    with pytest.raises(AccessDeniedError):
        services.export_person("bo", "ane")
    with pytest.raises(AccessDeniedError):
        services.erase_person("ane", "ane")
    pseudonym = services.erase_person(HR, "ane")
    assert not services.organisation().has_person("ane")
    assert pseudonym in [p.id for p in services.organisation().people]
    assert store.audit_log()[-1].actor == "hr1"


def kinds(messages):
    return [(m.notice.kind, m.notice.recipient) for m in messages]


def test_the_steps_notify_the_people_concerned(store, clock):
    notifier = Recorder()
    services, plan = setup_round(store, clock, notifier)
    c = mus_of(plan, "ane")
    start = c.scheduled_start
    clock.set(start.subtract(days=14))
    services.invite("bo", c.id, respond_by=start.date().subtract(days=1))
    assert kinds(notifier.messages) == [(NoticeKind.INVITATION, "ane")]
    invitation = notifier.messages[0]
    assert invitation.attachments[0].params == {"method": "REQUEST"}
    assert b"SEQUENCE:0" in invitation.attachments[0].data
    clock.set(start.subtract(days=13))
    services.reschedule("bo", c.id, start=start.add(hours=2))
    update = notifier.messages[-1]
    assert update.notice.kind is NoticeKind.UPDATE
    assert b"SEQUENCE:1" in update.attachments[0].data
    leader_response = FORM.new_response("leader", "bo", {"year": 4}).shared_with_other_party()
    services.submit_response("bo", c.id, leader_response)
    assert kinds(notifier.messages)[-1] == (NoticeKind.SHARED, "ane")
    # Three days before the form is due, ane is reminded (once).
    clock.set(start.subtract(days=3))
    report = services.send_notifications("hr1")
    assert kinds(report.sent) == [(NoticeKind.PREPARATION_REMINDER, "ane")]
    assert services.send_notifications("hr1").sent == ()
    other = mus_of(plan, "cai")
    services.cancel(HR, other.id, reason="Sygdom")
    assert not [m for m in notifier.messages if m.notice.conversation.id == other.id]  # not invited
    count = len(notifier.messages)
    assert services.send_notifications("hr1").sent == ()
    assert len(notifier.messages) == count


def test_a_cancelled_invitation_is_withdrawn_from_the_calendars(store, clock):
    notifier = Recorder()
    services, plan = setup_round(store, clock, notifier)
    c = mus_of(plan, "ane")
    clock.set(c.scheduled_start.subtract(days=14))
    services.invite("bo", c.id)
    services.cancel("bo", c.id, reason="Sygdom")
    cancellation = notifier.messages[-1]
    assert cancellation.notice.kind is NoticeKind.CANCELLATION
    data = cancellation.attachments[0].data.decode()
    assert "METHOD:CANCEL" in data and "STATUS:CANCELLED" in data and "SEQUENCE:1" in data
    assert f"UID:{c.id}@musframework" in data
    assert "Begrundelse: Sygdom" in cancellation.text


def test_a_failed_message_is_sent_by_the_next_run_and_a_dry_run_records_nothing(store, clock):
    services, plan = setup_round(store, clock)
    c = mus_of(plan, "ane")
    clock.set(c.scheduled_start.subtract(days=14))
    services.invite("bo", c.id)
    dry = DryRunNotifier()
    report = services.bind(store)
    report.notifier = dry
    assert kinds(report.send_notifications("hr1").sent) == [(NoticeKind.INVITATION, "ane")]
    assert store.documents(mf.Delivery) == []
    failing = Recorder(fail=True)
    services.notifier = failing
    result = services.send_notifications("hr1")
    assert len(result.failed) == 1 and result.sent == ()
    assert "the server is down" in result.failed[0][1].text("en")
    assert store.documents(mf.Delivery) == []  # the claim was taken back
    working = Recorder()
    services.notifier = working
    assert kinds(services.send_notifications("hr1").sent) == [(NoticeKind.INVITATION, "ane")]
    assert services.send_notifications("hr1").already == 1


def test_without_a_notifier_sending_is_refused_and_people_without_an_address_wait(store, clock):
    services, plan = setup_round(store, clock)
    with pytest.raises(NotifierError):
        services.send_notifications("hr1")
    services.update_organisation(HR, people=[mf.Person(id="ane", name="Ane Østergård")])
    c = mus_of(plan, "ane")
    clock.set(c.scheduled_start.subtract(days=14))
    services.invite("bo", c.id)
    services.notifier = Recorder()
    report = services.send_notifications("hr1")
    assert [n.recipient for n in report.unreachable] == ["ane"] and report.sent == ()


def test_bound_services_share_the_settings_and_the_cached_organisation(store, clock, tmp_path):
    services, _ = setup_round(store, clock)
    other_store = SQLiteStore(pathlib.Path(tmp_path) / "mus.db", clock=clock)
    bound = services.bind(other_store)
    assert bound.store is other_store and bound.settings is services.settings
    assert bound.organisation() is services.organisation()
    other_store.close()
