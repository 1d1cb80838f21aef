"""The documents as an HR consultant, an employee and a leader read them (issue 21).

One test (or a few) per line of the review checklist in docs/rendering.md ("Review
checklist"): the forms' voice lives in tests/test_templates.py, the browser checks in
tests/test_render_browser.py, the PDF in tests/test_render_pdf.py; everything else is here.
"""

from __future__ import annotations

import attrs

import musframework as mf
from musframework.rendering import build_document, file_stem
from musframework.rendering.base import RenderContext
from musframework.rendering.blocks import Facts
from musframework.testing.sample import sample_round
from tests.render_helpers import text_of

ROUND = sample_round(seed=21, people=30)
ORG = ROUND.organisation
NOW = ROUND.clock.now()


def _of(kind, *statuses):
    return [
        c for c in ROUND.conversations if c.kind is kind and (not statuses or c.status in statuses)
    ]


SIGNED = (mf.ConversationStatus.SIGNED, mf.ConversationStatus.CONCLUDED)


def _doc(obj, document, locale="da"):
    ctx = RenderContext(
        document=document,
        locale=locale,
        names=ORG,
        conversations=ROUND.conversations,
        on=ROUND.on,
        now=NOW,
    )
    return build_document(obj, ctx)


def _facts(doc):
    return dict(item for b in doc.blocks if isinstance(b, Facts) for item in b.items)


# ------------------------------------------------------------------ 2. where a plan comes from


def test_a_group_members_two_plans_name_their_conversation_in_title_and_header():
    grus = _of(mf.ConversationKind.GRUS, *SIGNED)[0]
    member = grus.developed[0]
    mus = next(c for c in ROUND.conversations if c.kind is mf.ConversationKind.MUS)
    mus = attrs.evolve(
        mus,
        participants=[mf.Participant(member, "employee"), mf.Participant(grus.leader, "leader")],
        status="signed",
        held_at=grus.held_at.add(days=20),
    )
    plans = [mf.DevelopmentPlan.from_conversation(c, member) for c in (grus, mus)]
    docs = [_doc(p, "plan") for p in plans]
    titles = [d.title for d in docs]
    assert len(set(titles)) == 2
    name = ORG.person(member).name
    for doc, plan, kind in zip(docs, plans, ("GRUS-samtale", "MUS-samtale"), strict=True):
        day = mf.catalogue.format_date(plan.conversation_date, "da")
        assert doc.title == f"Udviklingsplan for {name} – {kind} den {day}"
        assert _facts(doc)["Samtale"] == f"{kind} den {day}"
    english = _doc(plans[0], "plan", "en")
    assert "group development conversation (GRUS) on" in english.title
    assert _facts(docs[0])["Gruppemedlem"] == name


def test_a_lus_plan_labels_the_leader_and_the_leaders_leader():
    lus = _of(mf.ConversationKind.LUS, *SIGNED)[0]
    for obj in (lus, mf.DevelopmentPlan.from_conversation(lus)):
        doc = _doc(obj, "plan")
        facts = _facts(doc)
        assert facts["Leder"] == ORG.person(lus.employee).name
        assert facts["Leders leder"] == ORG.person(lus.leader).name
        assert "Medarbejder" not in facts
        signatures = next(b for b in doc.blocks if getattr(b, "role", "") == "signatures")
        assert {row.cells[1] for row in signatures.rows} <= {"leder", "leders leder"}
        assert "Leader's leader" in _facts(_doc(obj, "plan", "en"))


def test_the_conclusions_belong_to_the_plan():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    c = attrs.evolve(c, conclusions=["Mere ansvar for planlægningen", "Ny rolle i teamet"])
    plan = mf.DevelopmentPlan.from_conversation(c)
    assert plan.conclusions == c.conclusions
    assert plan.kind is mf.ConversationKind.MUS
    assert plan.conversation_date == c.held_at.date()
    assert mf.loads(mf.dumps(plan), mf.DevelopmentPlan) == plan
    text = text_of("html", mf.render(plan, "html", people=ORG))
    assert "Konklusioner Mere ansvar for planlægningen Ny rolle i teamet" in text


def test_file_names_are_unique_readable_and_name_the_person_once():
    stems = []
    for c in ROUND.conversations:
        if c.status not in SIGNED:
            continue
        for person in c.developed:
            plan = mf.DevelopmentPlan.from_conversation(c, person)
            stem = file_stem(plan, people=ORG)
            stems.append(stem)
            assert stem.count(person) == 1, stem
            assert stem.startswith(f"udviklingsplan-{c.kind.value.lower()}-")
            assert plan.conversation_date.isoformat() in stem
            assert stem.isascii() and " " not in stem
    assert len(stems) == len(set(stems)) > 20
    mus = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    person = ORG.person(mus.employee)
    stem = file_stem(mus, "invitation", people=ORG)
    assert stem.startswith("invitation-mus-") and stem.endswith(f"-{person.id}")
    assert file_stem(ROUND.cycle, people=ORG) == "rapport-" + ROUND.cycle.id.lower()
    assert file_stem(ROUND.cycle, locale="en").startswith("report-")
    folded = file_stem(
        mf.DevelopmentPlan(conversation="c", person="p1", leader=None),
        people={"p1": "Søren Ærø Ågård"},
    )
    assert folded == "udviklingsplan-c-soeren-aeroe-aagaard-p1"


# ------------------------------------------------------------------ 4. calendars, invitations


def _calendar(conversations, clock, locale="da"):
    return mf.render(
        ROUND.cycle, "ics", locale, conversations=conversations, people=ORG, clock=clock
    )


def _events(data):
    import icalendar

    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _cancelled_round():
    out = []
    for i, c in enumerate(ROUND.conversations):
        if i % 5 == 0 and c.kind is mf.ConversationKind.MUS and c.follow_up_date is not None:
            c = attrs.evolve(c, status="cancelled", cancelled_reason="Sygdom")
        out.append(c)
    return out


def test_a_cancelled_conversation_has_no_alarm_and_no_follow_up():
    conversations = _cancelled_round()
    cancelled = {c.id for c in conversations if c.status is mf.ConversationStatus.CANCELLED}
    assert cancelled
    events = _events(_calendar(conversations, ROUND.clock))
    by_uid = {str(e["UID"]): e for e in events}
    for cid in cancelled:
        event = by_uid[mf.rendering.ics.uid(cid)]
        assert str(event["STATUS"]) == "CANCELLED"
        assert list(event.walk("VALARM")) == []
        assert not any(u.startswith(cid + ".") for u in by_uid), cid  # no follow-up, deadlines
    held = next(e for e in events if str(e.get("STATUS")) == "CONFIRMED")
    assert list(held.walk("VALARM"))


def test_the_same_round_and_clock_give_the_same_bytes():
    first = _calendar(ROUND.conversations, ROUND.clock)
    again = _calendar(ROUND.conversations, ROUND.clock)
    assert first == again
    stamps = {str(e.decoded("DTSTAMP")) for e in _events(first)}
    assert stamps == {str(NOW.in_tz("UTC"))}
    later = mf.FixedClock(NOW.add(days=1))
    assert _calendar(ROUND.conversations, later) != first


def test_calendar_titles_are_cut_at_a_word_and_keep_the_whole_text_inside():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    long = "Sidemandsoplæring i det nye sagssystem " * 250  # 10,000 characters
    a = attrs.evolve(c.agreements[0], description=long.strip(), status="open")
    c = attrs.evolve(c, agreements=[a, *c.agreements[1:]])
    data = mf.render(c, "ics", people=ORG, clock=ROUND.clock)
    deadline = next(e for e in _events(data) if ".deadline." in str(e["UID"]))
    title = str(deadline["SUMMARY"])
    assert len(title) <= mf.rendering.ics.SUMMARY_LIMIT
    assert title.endswith("…") and title.startswith("Frist: Sidemandsoplæring i det nye")
    assert title[:-1].split()[-1] in long.split()  # a whole word before the ellipsis
    assert long.strip() in str(deadline["DESCRIPTION"])
    grus = _of(mf.ConversationKind.GRUS)[0]
    event = _events(mf.render(grus, "ics", people=ORG, clock=ROUND.clock))[0]
    assert str(event["SUMMARY"]) == f"GRUS-samtale: {ORG.unit(grus.unit).name}"


def test_a_danish_calendar_has_no_english_and_no_empty_agenda():
    data = _calendar(ROUND.conversations, ROUND.clock).decode()
    assert "COMMENT" not in data and "This timezone" not in data
    assert "BEGIN:VTIMEZONE" in data
    no_agenda = attrs.evolve(_of(mf.ConversationKind.MUS)[0], agenda=())
    event = _events(mf.render(no_agenda, "ics", people=ORG, clock=ROUND.clock))[0]
    assert "Dagsorden" not in str(event["DESCRIPTION"])
    with_agenda = attrs.evolve(
        no_agenda,
        agenda=[mf.AgendaItem(title={"da": "Tilbageblik", "en": "Looking back"}, minutes=10)],
    )
    event = _events(mf.render(with_agenda, "ics", people=ORG, clock=ROUND.clock))[0]
    assert "Dagsorden:\n- Tilbageblik (10 min.)" in str(event["DESCRIPTION"])


def test_an_invitation_says_the_form_is_attached_once():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.INVITED)[0]
    sentence = "Forberedelsesskemaet er vedlagt."
    for message in ("Velkommen til årets samtale. " + sentence, "Velkommen til årets samtale."):
        invited = attrs.evolve(c, invitation=attrs.evolve(c.invitation, message=message))
        for fmt in ("html", "text", "markdown"):
            text = text_of(fmt, mf.render(invited, fmt, document="invitation", people=ORG))
            assert text.count(sentence) == 1, (fmt, message)
