"""Every document renders in every format that suits it, in both languages, for generated data."""

import datetime as dt

import attrs
import icalendar
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.model.round import counted_agreements, due_agreements
from musframework.rendering.ics import SUMMARY_LIMIT, uid
from musframework.testing import strategies as mst
from tests.render_helpers import norm, text_of

CLOCK = mf.FixedClock(pendulum.datetime(2030, 1, 1, 9, tz="Europe/Copenhagen"))
TEXT_FORMATS = ["html", "markdown", "text"]
LOCALES = ["da", "en"]
HEAVY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def conversation_with_form(draw):
    questionnaire = draw(mst.questionnaires(max_sections=2, max_questions=3))
    conversation = draw(mst.conversations(questionnaire))
    names = draw(st.booleans())
    people = {p: f"Navn {p}" for p in conversation.participant_ids} if names else None
    return questionnaire, conversation, people


def appears(needle: str, haystack: str) -> bool:
    return norm(needle) in haystack


def agreement_texts(agreements):
    return [a.description for a in agreements]


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "docx"])
@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(
    questionnaire=mst.questionnaires(max_sections=3, max_questions=4),
    role=st.sampled_from(list(mf.Role)),
)
def test_blank_form_shows_every_question_for_the_role(fmt, locale, questionnaire, role):
    out = mf.render(questionnaire, fmt, locale, "form", role=role, clock=CLOCK)
    text = text_of(fmt, out)
    assert appears(questionnaire.title.get(locale), text)
    for section in questionnaire.sections:
        assert appears(section.title.get(locale), text)
        for question in section.questions_for(role):
            assert appears(question.text.get(locale), text)
            if isinstance(question, mf.ScaleQuestion):
                for point in question.labels:
                    assert appears(point.label.get(locale), text)
            if isinstance(question, mf.SingleChoiceQuestion | mf.MultipleChoiceQuestion):
                for option in question.options:
                    assert appears(option.label.get(locale), text)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(data=conversation_with_form())
def test_conversation_documents_render_with_every_question_and_agreement(fmt, locale, data):
    questionnaire, conversation, people = data
    for document in ("invitation", "side_by_side", "plan", "follow_up"):
        out = mf.render(
            conversation,
            fmt,
            locale,
            document,
            people=people,
            questionnaire=questionnaire,
            clock=CLOCK,
        )
        text = text_of(fmt, out)
        if document == "side_by_side":
            asked = {r.role for r in conversation.responses}
            for question in questionnaire.questions():
                if any(question.asks(role) for role in asked) or not asked:
                    assert appears(question.text.get(locale), text)
        if document in ("plan", "follow_up"):
            for description in agreement_texts(conversation.agreements):
                assert appears(description, text)
        if document == "plan":
            for goal in conversation.goals:
                assert appears(goal, text)
        if document == "invitation":
            for item in conversation.agenda:
                assert appears(item.title.get(locale), text)
            if people:
                for name in people.values():
                    assert appears(name, text)


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "docx"])
@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(conversation=mst.conversations())
def test_development_plan_renders_every_agreement(fmt, locale, conversation):
    concluded = attrs.evolve(conversation, status=mf.ConversationStatus.SIGNED)
    plan = mf.DevelopmentPlan.from_conversation(concluded, concluded.developed[0])
    out = mf.render(plan, fmt, locale, clock=CLOCK)
    text = text_of(fmt, out)
    for description in agreement_texts(plan.activities):
        assert appears(description, text)
    for goal in plan.goals:
        assert appears(goal, text)
    # the conversation's own plan document, too (docx makes it from a Conversation as well)
    out = mf.render(concluded, fmt, locale, "plan", clock=CLOCK)
    text = text_of(fmt, out)
    for description in agreement_texts(concluded.agreements):
        assert appears(description, text)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(
    data=st.tuples(mst.questionnaires(max_sections=2, max_questions=3), st.data()),
)
def test_response_renders_every_answered_question(fmt, locale, data):
    questionnaire, draw = data
    response = draw.draw(mst.responses(questionnaire))
    out = mf.render(response, fmt, locale, questionnaire=questionnaire, clock=CLOCK)
    text = text_of(fmt, out)
    for qid, answer in response.answers.items():
        question = questionnaire.question(qid)
        assert appears(question.text.get(locale), text)
        assert appears(question.answer_text(answer, locale), text)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(cycle=mst.cycles(), conversations=st.lists(mst.conversations(), max_size=4))
def test_round_report_lists_overdue_and_upcoming_agreements(fmt, locale, cycle, conversations):
    on = CLOCK.now().date()
    out = mf.render(cycle, fmt, locale, conversations=conversations, on=on, clock=CLOCK)
    text = text_of(fmt, out)
    assert appears(cycle.name, text)
    for _, counted in due_agreements(conversations, on=on, within_days=30):
        assert appears(counted.agreement.description, text)


# ------------------------------------------------------------------ iCalendar


def counted(conversations):
    return {(c.conversation.id, c.position) for c in counted_agreements(conversations)}


def expected_uids(conversation, among=None):
    """The UIDs of a conversation's events; deadlines of the open agreements that count."""
    counts = counted(among or [conversation])
    uids = set()
    if conversation.scheduled_start is not None:
        uids.add(uid(conversation.id))
    if conversation.status is mf.ConversationStatus.CANCELLED:
        return uids  # no follow-up or deadlines after a conversation that did not happen
    if conversation.follow_up_date is not None:
        uids.add(uid(conversation.id, "follow-up"))
    for i, a in enumerate(conversation.agreements):
        if a.deadline is not None and a.is_open and (conversation.id, i) in counts:
            uids.add(uid(conversation.id, "deadline", a.id))
    return uids


@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(conversation=mst.conversations(), later=st.integers(1, 10_000))
def test_calendar_parses_back_with_the_same_events_and_stable_uids(locale, conversation, later):
    first = mf.render(conversation, "ics", locale, clock=CLOCK)
    calendar = icalendar.Calendar.from_ical(first)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == expected_uids(conversation)
    if conversation.scheduled_start is not None:
        event = events[uid(conversation.id)]
        start = event.decoded("DTSTART")
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert start == conversation.scheduled_start.replace(microsecond=0)
        # Elapsed time, not wall-clock difference (an 18-minute talk across a DST change).
        elapsed = event.decoded("DTEND").astimezone(dt.UTC) - start.astimezone(dt.UTC)
        assert elapsed == conversation.duration
        cancelled = conversation.status is mf.ConversationStatus.CANCELLED
        assert bool(event.walk("VALARM")) is not cancelled, "a reminder unless cancelled"
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert len(attendees) == len(conversation.participants) - 1
        assert "ORGANIZER" in event
        for item in conversation.agenda:
            assert item.title.get(locale).strip() in str(event["DESCRIPTION"])
    counts = counted([conversation])
    for i, a in enumerate(conversation.agreements):
        if a.deadline is not None and a.is_open and (conversation.id, i) in counts:
            event = events[uid(conversation.id, "deadline", a.id)]
            assert event.decoded("DTSTART") == a.deadline
            assert norm(a.description) in norm(str(event["DESCRIPTION"]))
            assert len(str(event["SUMMARY"])) <= SUMMARY_LIMIT
    # Exported again later, after the conversation moved on: the same UIDs, so an update.
    moved = attrs.evolve(conversation, place=conversation.place + " 2")
    again = mf.render(moved, "ics", locale, clock=mf.FixedClock(CLOCK.now().add(minutes=later)))
    uids_again = {str(e["UID"]) for e in icalendar.Calendar.from_ical(again).walk("VEVENT")}
    assert uids_again == set(events)


@HEAVY
@given(cycle=mst.cycles(), data=st.data())
def test_round_calendar_holds_every_conversation(cycle, data):
    conversations = data.draw(st.lists(mst.conversations(), max_size=4, unique_by=lambda c: c.id))
    out = mf.render(cycle, "ics", conversations=conversations, clock=CLOCK)
    calendar = icalendar.Calendar.from_ical(out)
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert set(uids) == set().union(*(expected_uids(c, conversations) for c in conversations))
