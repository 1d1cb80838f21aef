"""What people should be told, and the messages that tell them.

:func:`notices_for` looks at conversations on a day and lists a :class:`Notice` for every
message someone should get: the events that happened (an invitation sent or updated, a
cancellation, the leader sharing their preparation or signing the plan) and what is due
(``workflow.what_is_due``: forms not yet returned, agreement deadlines, follow-ups). Each
notice has a stable ``key``: the same event always gives the same key, so what was
delivered once is never delivered again (:class:`~musframework.Delivery` records).

:func:`compose` writes a notice as an :class:`OutgoingMessage` in the reader's language
(subject, plain text and HTML, every word from the catalogue), with the invitation as an
iCalendar attachment (:func:`musframework.rendering.ics.invitation`).
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Mapping

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.model import Conversation, ConversationStatus, Organisation, Role
from musframework.workflow import DueKind, missing_signers, what_is_due

__all__ = [
    "Attachment",
    "Notice",
    "NoticeKind",
    "OutgoingMessage",
    "compose",
    "notices_for",
]

S = ConversationStatus


class NoticeKind(enum.Enum):
    """The kinds of message the services send."""

    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    PREPARATION_REMINDER = "preparation_reminder"
    DEADLINE_REMINDER = "deadline_reminder"
    FOLLOW_UP = "follow_up"
    SHARED = "shared"
    SIGNED = "signed"


@attrs.frozen(kw_only=True)
class Notice:
    """One message one person should get.

    Attributes:
        key: Stable for the event: the same event gives the same key in every run.
        kind: What it is about.
        recipient: The person id it is for.
        conversation: The conversation it concerns.
        agreement: The agreement id, for deadline reminders.
        due: The date it names (the form's, the deadline's, the follow-up's), if any.
    """

    key: str
    kind: NoticeKind
    recipient: str
    conversation: Conversation
    agreement: str | None = None
    due: pendulum.Date | None = None


@attrs.frozen
class Attachment:
    """A file attached to a message.

    Attributes:
        filename: Its name (``invitation.ics``).
        content_type: Its MIME type (``text/calendar``).
        data: Its bytes.
        params: Extra parameters of the content type (``{"method": "REQUEST"}``).
    """

    filename: str
    content_type: str
    data: bytes
    params: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class OutgoingMessage:
    """A message ready to send: what a :class:`~musframework.services.Notifier` gets.

    Attributes:
        notice: The notice it tells.
        to: The recipient's address (``None`` when the organisation has none for them).
        to_name: The recipient's name.
        locale: The language it is written in.
        subject: The subject line.
        text: The plain-text body.
        html: The HTML body (the same words).
        attachments: Files attached (the invitation's calendar event).
    """

    notice: Notice
    to: str | None
    to_name: str
    locale: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


# ---------------------------------------------------------------------------- what to tell


def notices_for(
    conversations: Iterable[Conversation],
    *,
    on: pendulum.Date,
    reminder_days: int = 3,
    deadline_days: int = 14,
) -> list[Notice]:
    """Every notice due on ``on`` for ``conversations``, in a fixed order.

    Args:
        conversations: The conversations to look at.
        on: The day to look from.
        reminder_days: Remind of a form or a follow-up this many days before it is due.
        deadline_days: Remind of an agreement's deadline this many days before it.
    """
    out: list[Notice] = []
    for c in conversations:
        out.extend(_events(c))
        out.extend(_reminders(c, on, reminder_days, deadline_days))
    return out


def _invitees(c: Conversation) -> tuple[str, ...]:
    sent_by = c.invitation.sent_by if c.invitation is not None else c.leader
    return tuple(p for p in c.participant_ids if p != sent_by)


def _events(c: Conversation) -> list[Notice]:
    out: list[Notice] = []
    sent = c.invitation
    if sent is not None and c.scheduled_start is not None:
        if c.status in (S.INVITED, S.PREPARED):
            kind = NoticeKind.INVITATION if sent.sequence == 0 else NoticeKind.UPDATE
            out += [
                Notice(
                    key=f"invitation:{c.id}:{sent.sequence}", kind=kind, recipient=p, conversation=c
                )
                for p in _invitees(c)
            ]
        elif c.status is S.CANCELLED:
            out += [
                Notice(
                    key=f"cancellation:{c.id}",
                    kind=NoticeKind.CANCELLATION,
                    recipient=p,
                    conversation=c,
                )
                for p in _invitees(c)
            ]
    if c.status is S.CANCELLED:
        return out
    leader = c.leader
    if leader is None:
        return out
    mine = c.response_of(leader)
    if mine is not None and mine.shared:
        out += [
            Notice(
                key=f"shared:{c.id}:{leader}", kind=NoticeKind.SHARED, recipient=p, conversation=c
            )
            for p in c.developed
        ]
    signature = next((s for s in c.valid_signatures if s.person == leader), None)
    if signature is not None:
        out += [
            Notice(
                key=f"signed:{c.id}:{leader}:{signature.digest[:16]}",
                kind=NoticeKind.SIGNED,
                recipient=p,
                conversation=c,
            )
            for p in c.developed
        ]
    return out


def _reminders(
    c: Conversation, on: pendulum.Date, reminder_days: int, deadline_days: int
) -> list[Notice]:
    out: list[Notice] = []
    horizon = max(reminder_days, deadline_days)
    for item in what_is_due([c], on=on, horizon_days=horizon, soon_days=deadline_days):
        within = item.due <= on.add(days=reminder_days)
        if item.kind is DueKind.RETURN_FORM and within and not item.overdue:
            sequence = c.invitation.sequence if c.invitation is not None else 0
            out.append(
                Notice(
                    key=f"preparation:{c.id}:{item.actor}:{sequence}",
                    kind=NoticeKind.PREPARATION_REMINDER,
                    recipient=item.actor,
                    conversation=c,
                    due=item.due,
                )
            )
        elif item.kind in (DueKind.AGREEMENT_DUE_SOON, DueKind.AGREEMENT_OVERDUE):
            when = "overdue" if item.kind is DueKind.AGREEMENT_OVERDUE else "soon"
            out.append(
                Notice(
                    key=f"deadline:{c.id}:{item.agreement}:{item.due.isoformat()}:{when}",
                    kind=NoticeKind.DEADLINE_REMINDER,
                    recipient=item.actor,
                    conversation=c,
                    agreement=item.agreement,
                    due=item.due,
                )
            )
        elif item.kind is DueKind.FOLLOW_UP and within:
            people = (item.actor, *(p for p in c.developed if p != item.actor))
            out += [
                Notice(
                    key=f"follow-up:{c.id}:{item.due.isoformat()}",
                    kind=NoticeKind.FOLLOW_UP,
                    recipient=p,
                    conversation=c,
                    due=item.due,
                )
                for p in people
            ]
    return out


# ---------------------------------------------------------------------------- the message


_SUBJECT = {
    NoticeKind.INVITATION: "notice.invitation",
    NoticeKind.UPDATE: "notice.update",
    NoticeKind.CANCELLATION: "notice.cancellation",
    NoticeKind.PREPARATION_REMINDER: "notice.preparation",
    NoticeKind.FOLLOW_UP: "notice.follow-up",
    NoticeKind.SHARED: "notice.shared",
    NoticeKind.SIGNED: "notice.signed",
}


def compose(
    notice: Notice,
    organisation: Organisation,
    *,
    locale: str = "da",
    now: pendulum.DateTime,
    sender: str = "",
    link: str | None = None,
    calendar: bool = True,
) -> OutgoingMessage:
    """Write ``notice`` as a message in ``locale``.

    Args:
        notice: What to tell.
        organisation: Names and e-mail addresses.
        locale: The reader's language.
        now: The moment of writing (the invitation's ``DTSTAMP``).
        sender: Who signs the message (the organisation's name).
        link: A link to the conversation in the app, if any.
        calendar: Attach invitations, updates and cancellations as iCalendar events (needs
            the ``ics`` extra).
    """
    c = notice.conversation
    name = _name(organisation, notice.recipient)
    leader = _name(organisation, c.leader) if c.leader else ""
    params: dict[str, object] = {
        "name": name,
        "leader": leader,
        "kind": c.kind,
        "when": c.scheduled_start if c.scheduled_start is not None else Message("word.none"),
        "date": notice.due if notice.due is not None else Message("word.none"),
        "place": c.place,
    }
    if notice.kind is NoticeKind.DEADLINE_REMINDER:
        agreement = c.agreement(notice.agreement or "")
        params["agreement"] = agreement.description if agreement is not None else notice.agreement
        overdue = notice.key.endswith(":overdue")
        base = "notice.deadline-overdue" if overdue else "notice.deadline-soon"
    else:
        base = _SUBJECT[notice.kind]
    subject = Message(f"{base}.subject", params).text(locale)
    paragraphs = [
        Message("notice.greeting", params).text(locale),
        Message(f"{base}.text", params).text(locale),
    ]
    if notice.kind in (NoticeKind.INVITATION, NoticeKind.UPDATE):
        if c.place:
            paragraphs.append(Message("notice.place", params).text(locale))
        sent = c.invitation
        if sent is not None and sent.message.strip():
            paragraphs.append(sent.message.strip())
        if (
            sent is not None
            and sent.respond_by is not None
            and c.role_of(notice.recipient) in (Role.EMPLOYEE, Role.GROUP_MEMBER)
        ):
            paragraphs.append(Message("notice.respond-by", {"date": sent.respond_by}).text(locale))
    if notice.kind is NoticeKind.CANCELLATION and c.cancelled_reason:
        paragraphs.append(Message("notice.reason", {"reason": c.cancelled_reason}).text(locale))
    if notice.kind is NoticeKind.SIGNED and notice.recipient in missing_signers(c):
        paragraphs.append(Message("notice.sign-too").text(locale))
    attachments: tuple[Attachment, ...] = ()
    if calendar and notice.kind in (
        NoticeKind.INVITATION,
        NoticeKind.UPDATE,
        NoticeKind.CANCELLATION,
    ):
        from musframework.rendering.ics import invitation

        method = "CANCEL" if notice.kind is NoticeKind.CANCELLATION else "REQUEST"
        data = invitation(c, people=organisation, locale=locale, now=now)
        attachments = (Attachment("invitation.ics", "text/calendar", data, {"method": method}),)
        paragraphs.append(Message("notice.calendar").text(locale))
    closing = Message("notice.closing", {"sender": sender}).text(locale) if sender else ""
    link_text = Message("notice.link", {"link": link}).text(locale) if link else ""
    text = (
        "\n\n".join(
            [*paragraphs, *([link_text] if link_text else []), *([closing] if closing else [])]
        )
        + "\n"
    )
    return OutgoingMessage(
        notice=notice,
        to=_email(organisation, notice.recipient),
        to_name=name,
        locale=locale,
        subject=subject,
        text=text,
        html=_html(subject, paragraphs, link, link_text, closing, locale),
        attachments=attachments,
    )


def _name(organisation: Organisation, person: str) -> str:
    return organisation.person(person).name if organisation.has_person(person) else person


def _email(organisation: Organisation, person: str) -> str | None:
    return organisation.person(person).email if organisation.has_person(person) else None


def _html(
    subject: str,
    paragraphs: list[str],
    link: str | None,
    link_text: str,
    closing: str,
    locale: str,
) -> str:
    def para(text: str) -> str:
        return "<p>" + html.escape(text).replace("\n", "<br>\n") + "</p>"

    body = [para(p) for p in paragraphs]
    if link:
        label = html.escape(link_text)
        body.append(f'<p><a href="{html.escape(link, quote=True)}">{label}</a></p>')
    if closing:
        body.append(para(closing))
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(locale, quote=True)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{html.escape(subject)}</title>\n</head>\n<body>\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
