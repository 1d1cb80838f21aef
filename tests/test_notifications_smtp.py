"""Notifications through the SMTP notifier to a real SMTP server on loopback (aiosmtpd).

Every received message is parsed back with the standard library's ``email``: headers, the
plain-text and HTML parts, the calendar part and the attachment, with Danish characters
intact. A second run sends nothing.
"""

from __future__ import annotations

import icalendar
import pendulum
import pytest

import musframework as mf
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings, SmtpNotifier
from musframework.services.notifiers import NotifierError
from musframework.storage import SQLiteStore
from musframework.testing.smtp import LocalSmtpServer

CPH = "Europe/Copenhagen"
HR = Viewer("hr1", {Capacity.HR})
ORG = mf.Organisation(
    people=[
        mf.Person(id="bo", name="Bo Ærø", email="bo@kommune.dk"),
        mf.Person(id="åse", name="Åse Østergård", email="aase@kommune.dk"),
        mf.Person(id="hr1", name="Hanne", email="hr@kommune.dk"),
    ],
    units=[mf.OrgUnit(id="it", name="IT-afdelingen", leader="bo", members=["åse"])],
)
START = pendulum.datetime(2026, 3, 3, 10, tz=CPH)


@pytest.fixture
def server():
    with LocalSmtpServer() as running:
        yield running


def services_for(tmp_path, server, locale="da"):
    clock = mf.FixedClock(START.subtract(days=14))
    store = SQLiteStore(tmp_path / "mail.db", clock=clock)
    notifier = SmtpNotifier(
        server.host, server.port, sender="mus@kommune.dk", sender_name="Ærø Kommune"
    )
    settings = Settings(name="Ærø Kommune", locale=locale, link="https://mus.example.dk/c/{id}")
    services = Services(store, clock=clock, notifier=notifier, settings=settings)
    services.replace_organisation(HR, ORG)
    store.save(
        mf.Conversation(
            id="mus-åse",
            kind="MUS",
            participants=[mf.Participant("åse", "employee"), mf.Participant("bo", "leader")],
            scheduled_start=START,
            place="Mødelokale Æblet",
        ),
        actor="hr1",
    )
    return services


def parts(message):
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_the_invitation_arrives_with_both_parts_and_the_calendar_event(tmp_path, server):
    services = services_for(tmp_path, server)
    services.invite("bo", "mus-åse", message="Velkommen til årets samtale", respond_by=START.date())
    (received,) = server.messages
    assert server.recipients == [["aase@kommune.dk"]]
    assert received["Subject"] == "Indkaldelse til MUS tirsdag d. 3. marts 2026 kl. 10.00"
    assert received["To"].addresses[0].display_name == "Åse Østergård"
    assert received["From"].addresses[0].display_name == "Ærø Kommune"
    assert received["Content-Language"] == "da"
    assert received["X-Musframework-Notice"] == "invitation:mus-åse:0"
    found = parts(received)
    text = found["text/plain"].get_content().replace("\r\n", "\n")
    assert text.startswith("Kære Åse Østergård\n\nBo Ærø inviterer dig til MUS")
    assert "Sted: Mødelokale Æblet" in text
    assert "Velkommen til årets samtale" in text
    assert "Send dit forberedelsesskema senest 3. marts 2026." in text
    assert "https://mus.example.dk/c/mus-åse" in text
    assert text.rstrip().endswith("Venlig hilsen\nÆrø Kommune")
    page = found["text/html"].get_content()
    assert '<html lang="da">' in page and "Mødelokale Æblet" in page
    assert '<a href="https://mus.example.dk/c/mus-åse">' in page
    calendars = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 2  # the alternative part and the .ics attachment
    inline, attached = calendars
    assert inline.get_param("method") == "REQUEST"
    assert attached.get_filename() == "invitation.ics"
    assert attached.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(attached.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "mus-åse@musframework"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["LOCATION"]) == "Mødelokale Æblet"
    assert str(event["ORGANIZER"]) == "mailto:bo@kommune.dk"
    assert event["ORGANIZER"].params["CN"] == "Bo Ærø"
    (attendee,) = [event["ATTENDEE"]]
    assert str(attendee) == "mailto:aase@kommune.dk"
    assert attendee.params["CN"] == "Åse Østergård" and attendee.params["RSVP"] == "TRUE"
    assert event.decoded("DTSTART") == START


def test_an_update_and_a_cancellation_reach_the_same_event(tmp_path, server):
    services = services_for(tmp_path, server, locale="en")
    services.invite("bo", "mus-åse")
    services.reschedule("bo", "mus-åse", start=START.add(hours=3))
    services.cancel("bo", "mus-åse", reason="Sygdom")
    first, update, cancellation = server.messages
    assert update["Subject"] == "Updated: your MUS on Tuesday 3 March 2026 at 13:00"
    assert cancellation["Subject"] == "Cancelled: your MUS on Tuesday 3 March 2026 at 13:00"
    events = []
    for message in (first, update, cancellation):
        attached = next(p for p in message.walk() if p.get_filename() == "invitation.ics")
        calendar = icalendar.Calendar.from_ical(attached.get_content())
        (event,) = calendar.walk("VEVENT")
        events.append((str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])))
    assert events == [
        ("REQUEST", "mus-åse@musframework", 0),
        ("REQUEST", "mus-åse@musframework", 1),
        ("CANCEL", "mus-åse@musframework", 2),
    ]
    assert "Reason: Sygdom" in parts(cancellation)["text/plain"].get_content()


def test_a_second_run_sends_nothing_twice(tmp_path, server):
    services = services_for(tmp_path, server)
    services.invite("bo", "mus-åse", respond_by=START.date().subtract(days=1))
    services.clock.set(START.subtract(days=3))
    first = services.send_notifications("hr1")
    # Both have a form to return: the employee's preparation and the leader's own.
    assert sorted((m.notice.kind.value, m.notice.recipient) for m in first.sent) == [
        ("preparation_reminder", "bo"),
        ("preparation_reminder", "åse"),
    ]
    second = services.send_notifications("hr1")
    assert second.sent == () and second.already == 3
    assert len(server.messages) == 3
    deliveries = services.store.documents(mf.Delivery)
    assert sorted((d.document.kind, d.document.recipient) for d in deliveries) == [
        ("invitation", "åse"),
        ("preparation_reminder", "bo"),
        ("preparation_reminder", "åse"),
    ]


def test_one_connection_for_many_messages_and_a_server_that_is_gone(tmp_path, server):
    services = services_for(tmp_path, server)
    with services.notifier:
        services.invite("bo", "mus-åse")
    assert len(server.messages) == 1
    gone = SmtpNotifier("127.0.0.1", server.port, sender="mus@kommune.dk", timeout=2)
    server.stop()
    services.notifier = gone
    services.clock.set(START.subtract(days=2))
    report = services.send_notifications("hr1")
    (notice, error), *_ = report.failed
    assert isinstance(error, NotifierError) and notice.kind.value == "preparation_reminder"
    assert "127.0.0.1" in error.text("da")
