"""iCalendar (.ics) through icalendar: conversations as events, dates as all-day items.

Needs the ``ics`` extra (``pip install 'musframework[ics]'``).

* a conversation becomes an event with organiser (the leader), attendees, location, the
  agenda in the description and a reminder (``VALARM``); times carry the
  ``Europe/Copenhagen`` TZID (the context's ``timezone``) with its ``VTIMEZONE``;
* its follow-up date and the deadline of each open agreement that counts
  (:func:`musframework.model.round.counted_agreements`) become all-day items;
* a development plan gives its follow-up date, next conversation and deadlines;
* a round (a :class:`~musframework.Cycle` with its conversations) becomes one calendar.

UIDs are derived from the ids (``<conversation>@musframework``,
``<conversation>.deadline.<agreement>@musframework`` …), so importing a new export updates
the events instead of duplicating them. ``SEQUENCE`` is the number of status changes and
signatures, so it grows as a conversation moves on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pendulum

from musframework.catalogue import Message
from musframework.errors import MissingExtraError
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.cycle import Cycle
from musframework.model.kinds import ConversationKind
from musframework.model.plan import DevelopmentPlan
from musframework.model.round import counted_agreements
from musframework.rendering._i18n import enum_label, label, purpose
from musframework.rendering.base import DocumentError, Names, RenderContext, clean_text

__all__ = ["IcsRenderer", "invitation", "summary", "uid"]

_DOMAIN = "musframework"
SUMMARY_LIMIT = 72
"""The longest event title written, in characters (calendar views show about this many)."""


def summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """``text`` as an event title: one line, cut at a word boundary with "…" past ``limit``.

    >>> summary("Frist: Sidemandsoplæring i det nye sagssystem sammen med en erfaren kollega", 40)
    'Frist: Sidemandsoplæring i det nye…'
    """
    line = " ".join(clean_text(text).split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def uid(*parts: str) -> str:
    """A stable UID from ids: the same ids always give the same UID.

    >>> uid("c1"), uid("c1", "deadline", "a1")
    ('c1@musframework', 'c1.deadline.a1@musframework')
    """
    raw = ".".join(parts)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in raw)
    if safe != raw:  # keep it unique when characters had to be replaced
        safe += "-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe}@{_DOMAIN}"


class IcsRenderer:
    """Renders conversations, plans and rounds as an iCalendar file (``calendar``).

    Args:
        prodid: The ``PRODID`` of the calendar.
        deadlines: Include agreement deadlines as all-day items.
    """

    name = "ics"
    media_type = "text/calendar"
    extension = ".ics"
    documents: tuple[str, ...] = ("calendar",)

    def __init__(
        self, prodid: str = "-//musframework//musframework//DA", *, deadlines: bool = True
    ) -> None:
        self.prodid = prodid
        self.deadlines = deadlines

    def __call__(self, obj: object, context: RenderContext) -> bytes:
        """Render ``obj`` as one VCALENDAR; returns its bytes (CRLF line endings)."""
        try:
            import icalendar
        except ImportError:  # pragma: no cover - exercised only without the extra
            raise MissingExtraError("ics", "ics") from None
        if context.document != "calendar":
            raise DocumentError(Message("error.render.ics-only", {"document": context.document}))
        cal = icalendar.Calendar()
        cal.add("prodid", self.prodid)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        if isinstance(obj, Conversation):
            items = self._conversation(obj, context, _counted([obj]))
            name = enum_label(obj.kind, context.locale)
        elif isinstance(obj, DevelopmentPlan):
            items = self._plan(obj, context)
            name = label("plan.for", context.locale, name=context.names.name(obj.person))
        elif isinstance(obj, Cycle):
            counted = _counted(context.conversations)
            items = [
                i for c in context.conversations for i in self._conversation(c, context, counted)
            ]
            name = obj.name
        else:
            raise DocumentError(Message("error.render.no-calendar", {"type": type(obj).__name__}))
        # Non-standard properties are not text to icalendar: without vText a line break in
        # the name would end the property (and could start a second VCALENDAR).
        cal.add("x-wr-calname", icalendar.vText(clean_text(name)))
        cal.add("x-wr-timezone", icalendar.vText(clean_text(context.timezone)))
        for item in items:
            cal.add_component(item)
        _add_timezones(cal, items)
        data: bytes = cal.to_ical()
        return data

    def __repr__(self) -> str:
        return f"IcsRenderer(prodid={self.prodid!r}, deadlines={self.deadlines})"

    # ------------------------------------------------------------------ components

    def _stamp(self, event: Any, context: RenderContext) -> None:
        event.add("dtstamp", context.now.in_tz("UTC"))

    def _all_day(
        self, uid_: str, day: pendulum.Date, title: str, description: str, ctx: RenderContext
    ) -> Any:
        import icalendar

        event = icalendar.Event()
        event.add("uid", uid_)
        self._stamp(event, ctx)
        event.add("dtstart", day)
        event.add("dtend", day.add(days=1))
        event.add("summary", summary(title))
        if description:
            event.add("description", clean_text(description))
        event.add("transp", "TRANSPARENT")
        return event

    def _address(self, names: Names, person: str) -> Any:
        import icalendar

        email = names.email(person)
        value = f"mailto:{email}" if email else f"urn:x-musframework:person:{person}"
        address = icalendar.vCalAddress(value)
        address.params["cn"] = icalendar.vText(clean_text(names.name(person)))
        return address

    def _conversation(
        self, c: Conversation, ctx: RenderContext, counted: set[tuple[str, int]]
    ) -> list[Any]:
        import icalendar

        loc, names = ctx.locale, ctx.names
        items: list[Any] = []
        kind = enum_label(c.kind, loc)
        developed = names.join(c.developed)
        if c.kind is ConversationKind.GRUS and c.unit is not None:
            developed = names.unit(c.unit)  # the group by its unit, not a list of members
        cancelled = c.status is ConversationStatus.CANCELLED
        if c.scheduled_start is not None:
            event = icalendar.Event()
            event.add("uid", uid(c.id))
            self._stamp(event, ctx)
            start = c.scheduled_start.in_tz(ctx.timezone).replace(
                microsecond=0
            )  # iCalendar: seconds
            event.add("dtstart", start)
            event.add("dtend", start + c.duration)
            event.add("summary", summary(kind if not developed else f"{kind}: {developed}"))
            if c.place:
                event.add("location", clean_text(c.place))
            lines = [purpose(c.kind, loc)]
            if c.agenda:
                lines += ["", label("agenda", loc) + ":"]
                lines += [
                    f"- {a.title.get(loc)} ({a.minutes} {label('min', loc)})" for a in c.agenda
                ]
            if c.invitation is not None and c.invitation.message.strip():
                lines += ["", c.invitation.message]
            event.add("description", clean_text("\n".join(lines)))
            leader = c.leader
            if leader is not None:
                event.add("organizer", self._address(names, leader))
            for p in c.participants:
                if p.person == leader:
                    continue
                attendee = self._address(names, p.person)
                attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
                attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
                attendee.params["rsvp"] = icalendar.vText("TRUE")
                event.add("attendee", attendee)
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            event.add("sequence", _sequence(c))
            if not cancelled:  # nothing to prepare for a conversation that will not happen
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", clean_text(label("calendar.reminder", loc)))
                alarm.add("trigger", -ctx.reminder.as_timedelta())
                event.add_component(alarm)
            items.append(event)
        if cancelled:
            return items  # no follow-up and no deadlines after a conversation that did not happen
        if c.follow_up_date is not None:
            items.append(
                self._all_day(
                    uid(c.id, "follow-up"),
                    c.follow_up_date,
                    label("calendar.follow_up", loc, kind=kind)
                    + (f": {developed}" if developed else ""),
                    "",
                    ctx,
                )
            )
        if self.deadlines:
            for i, a in enumerate(c.agreements):
                if a.deadline is None or not a.is_open or (c.id, i) not in counted:
                    continue
                items.append(
                    self._all_day(
                        uid(c.id, "deadline", a.id),
                        a.deadline,
                        label("calendar.deadline", loc, what=a.description),
                        _deadline_text(a.description, names.name(a.owner), loc),
                        ctx,
                    )
                )
        return items

    def _plan(self, p: DevelopmentPlan, ctx: RenderContext) -> list[Any]:
        loc, names = ctx.locale, ctx.names
        items: list[Any] = []
        who = names.name(p.person)
        if p.follow_up_date is not None:
            items.append(
                self._all_day(
                    uid(p.conversation, "follow-up"),
                    p.follow_up_date,
                    f"{label('follow_up_date', loc)}: {who}",
                    "",
                    ctx,
                )
            )
        if p.next_conversation_date is not None:
            items.append(
                self._all_day(
                    uid(p.conversation, "next", p.person),
                    p.next_conversation_date,
                    f"{label('next_conversation', loc)}: {who}",
                    "",
                    ctx,
                )
            )
        if self.deadlines:
            for a in p.activities:
                if a.deadline is None or not a.is_open:
                    continue
                items.append(
                    self._all_day(
                        uid(p.conversation, "deadline", a.id),
                        a.deadline,
                        label("calendar.deadline", loc, what=a.description),
                        _deadline_text(a.description, names.name(a.owner), loc),
                        ctx,
                    )
                )
        return items


def _deadline_text(description: str, owner: str, loc: str) -> str:
    # The whole agreement (the title may be cut), then who owns it.
    return f"{description}\n\n{label('owner', loc)}: {owner}"


def _counted(conversations: Iterable[Conversation]) -> set[tuple[str, int]]:
    """``(conversation id, position)`` of the agreements that count among ``conversations``."""
    return {(c.conversation.id, c.position) for c in counted_agreements(conversations)}


def _add_timezones(cal: Any, items: list[Any]) -> None:
    # VTIMEZONE definitions covering every timed event (icalendar's default ends in 2038).
    import datetime as dt

    days = [
        e.decoded("dtstart").date() for e in items if isinstance(e.decoded("dtstart"), dt.datetime)
    ]
    if days:
        first = dt.date(min(days).year - 1, 1, 1)
        last = dt.date(max(days).year + 2, 1, 1)
        cal.add_missing_timezones(first_date=first, last_date=last)
        # icalendar notes the range covered in an English COMMENT; the zone rules say it all,
        # and a Danish calendar carries no English.
        for zone in cal.walk("VTIMEZONE"):
            zone.pop("COMMENT", None)


def _sequence(c: Conversation) -> int:
    order = list(ConversationStatus)
    steps = order.index(c.status) if c.status is not ConversationStatus.CANCELLED else len(order)
    return steps + len(c.signatures)


def invitation(
    conversation: Conversation,
    *,
    people: Any = None,
    locale: str = "da",
    now: pendulum.DateTime,
    sequence: int | None = None,
    prodid: str = "-//musframework//musframework//DA",
    timezone: str | None = None,
) -> bytes:
    """One conversation as a calendar invitation: ``METHOD:REQUEST``, or ``CANCEL`` once cancelled.

    The event is the one :class:`IcsRenderer` writes for the conversation (organiser the
    leader, every other participant an attendee asked to reply, the agenda in the
    description, a reminder), with the same stable UID (``<conversation>@musframework``), so
    a calendar client that received the invitation updates or removes that same event.

    Args:
        conversation: A scheduled conversation.
        people: Names and e-mail addresses (an :class:`~musframework.Organisation`, people
            or a mapping, as for rendering).
        locale: The language of the summary and description.
        now: The moment written as ``DTSTAMP``.
        sequence: The ``SEQUENCE``; by default the invitation's update count, one more for a
            cancellation, so each message supersedes the one before.
        prodid: The calendar's ``PRODID``.
        timezone: The zone times are written in (the round's; Europe/Copenhagen by default).

    Raises:
        MissingExtraError: without the ``ics`` extra.
        musframework.errors.DocumentError: when the conversation has no scheduled start.
    """
    try:
        import icalendar
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError("ics", "ics") from None
    from musframework.clock import DEFAULT_TIMEZONE

    context = RenderContext(
        document="calendar",
        locale=locale,
        names=people,
        on=now.date(),
        now=now,
        timezone=timezone or DEFAULT_TIMEZONE,
    )
    renderer = IcsRenderer(prodid, deadlines=False)
    found = renderer._conversation(conversation, context, _counted([conversation]))
    events = [e for e in found if "DTSTART" in e]
    main = next((e for e in events if str(e.get("uid")) == uid(conversation.id)), None)
    if main is None:
        raise DocumentError(Message("error.render.not-scheduled", {"id": conversation.id}))
    cancelled = conversation.status is ConversationStatus.CANCELLED
    if sequence is None:
        sent = conversation.invitation
        sequence = (0 if sent is None else sent.sequence) + (1 if cancelled else 0)
    main.pop("SEQUENCE", None)
    main.add("sequence", sequence)
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    cal.add_component(main)
    _add_timezones(cal, [main])
    data: bytes = cal.to_ical()
    return data
