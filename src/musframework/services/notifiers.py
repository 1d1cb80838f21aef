"""Notifiers: how messages leave the services.

* :class:`Notifier`: the protocol (a ``channel`` name, ``records``, and ``send(message)``).
* :class:`SmtpNotifier`: e-mail through the standard library's :mod:`smtplib`, one
  ``multipart/alternative`` message (plain text and HTML) per notice, with the invitation as
  a ``text/calendar; method=REQUEST`` (or ``CANCEL``) part and attachment.
* :class:`DryRunNotifier`: keeps the messages in a list instead of sending them and records
  nothing, for notebooks and tests of an app.

Sending is made idempotent by the services, not by the notifier: before a message goes out
a :class:`~musframework.Delivery` is saved for its notice and recipient; a notice that
already has one is skipped (see :meth:`Services.send_notifications
<musframework.services.Services.send_notifications>`).
"""

from __future__ import annotations

import email.policy
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol, runtime_checkable

from musframework.catalogue import Message
from musframework.errors import MusframeworkError
from musframework.services.notices import OutgoingMessage

__all__ = ["DryRunNotifier", "Notifier", "NotifierError", "SmtpNotifier", "email_message"]


class NotifierError(MusframeworkError):
    """A message could not be sent (the mail server refused it or could not be reached)."""


@runtime_checkable
class Notifier(Protocol):
    """Anything that delivers :class:`~musframework.services.OutgoingMessage` objects.

    Attributes:
        channel: The channel's name, recorded with each delivery (``"email"``).
        records: Whether deliveries are recorded in the store (a dry run records nothing,
            so a real run afterwards still sends everything).
    """

    channel: str
    records: bool

    def send(self, message: OutgoingMessage) -> None:
        """Deliver ``message``; raise :class:`NotifierError` when it could not be sent."""
        ...


def email_message(message: OutgoingMessage, *, sender: str, sender_name: str = "") -> EmailMessage:
    """``message`` as an e-mail: text and HTML alternatives, and its attachments.

    A calendar attachment is added twice, as RFC 6047 asks: as a ``text/calendar`` part with
    its ``method`` beside the text and HTML (so mail clients show the invitation's buttons),
    and as an ``.ics`` file for clients that only offer attachments.
    """
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["From"] = formataddr((sender_name, sender)) if sender_name else sender
    mail["To"] = formataddr((message.to_name, message.to or ""))
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["X-Musframework-Notice"] = message.notice.key
    mail.set_content(message.text, subtype="plain", charset="utf-8")
    mail.add_alternative(message.html, subtype="html", charset="utf-8")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if attachment.content_type == "text/calendar":
            calendar = EmailMessage(policy=email.policy.SMTP)
            calendar.set_content(
                attachment.data.decode("utf-8"), subtype="calendar", charset="utf-8"
            )
            for key, value in attachment.params.items():
                calendar.set_param(key, value)
            mail.get_payload().append(calendar)  # type: ignore[union-attr]
        if maintype == "text":  # text files go as UTF-8 text, so their characters survive
            mail.add_attachment(
                attachment.data.decode("utf-8"),
                subtype=subtype,
                charset="utf-8",
                filename=attachment.filename,
            )
        else:
            mail.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
            )
        if attachment.params:
            parts: list[EmailMessage] = mail.get_payload()  # type: ignore[assignment]
            for key, value in attachment.params.items():
                parts[-1].set_param(key, value)
    mail["Content-Language"] = message.locale  # after the parts: set_content clears Content-*
    return mail


class SmtpNotifier:
    """Sends messages as e-mail through an SMTP server (standard library only).

    Args:
        host: The server's host name.
        port: Its port (25, 587 for STARTTLS, 465 for TLS).
        sender: The ``From`` address.
        sender_name: The name shown with it (the organisation's).
        username: Log in with this user (and ``password``), when given.
        password: The password.
        starttls: Upgrade the connection with STARTTLS before logging in.
        tls: Connect with TLS from the start (port 465).
        timeout: Seconds to wait for the server.
        local_hostname: The name sent in ``EHLO``.

    One connection is opened per :meth:`send` unless the notifier is used as a context
    manager (``with SmtpNotifier(...) as notifier:``), which keeps one connection for all the
    messages sent inside the block (threads sharing it send one message at a time).
    """

    channel = "email"
    records = True

    def __init__(
        self,
        host: str = "localhost",
        port: int = 25,
        *,
        sender: str,
        sender_name: str = "",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        tls: bool = False,
        timeout: float = 30.0,
        local_hostname: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.sender_name = sender_name
        self.username = username
        self.password = password
        self.starttls = starttls
        self.tls = tls
        self.timeout = timeout
        self.local_hostname = local_hostname
        self._connection: smtplib.SMTP | None = None
        self._lock = threading.Lock()  # one message at a time on a kept connection

    def __repr__(self) -> str:
        return f"SmtpNotifier({self.host!r}, {self.port}, sender={self.sender!r})"

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout,
                local_hostname=self.local_hostname,
                context=context,
            )
        else:
            smtp = smtplib.SMTP(
                self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname
            )
            if self.starttls:
                smtp.starttls(context=context)
        if self.username is not None:
            smtp.login(self.username, self.password or "")
        return smtp

    def __enter__(self) -> SmtpNotifier:
        try:
            self._connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise self._error(exc) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):  # pragma: no cover - already gone
                connection.close()

    def _error(self, exc: BaseException) -> NotifierError:
        return NotifierError(
            Message(
                "error.smtp",
                {"server": f"{self.host}:{self.port}", "detail": str(exc) or repr(exc)},
            )
        )

    def send(self, message: OutgoingMessage) -> None:
        """Send ``message``; raises :class:`NotifierError` when the server refuses it."""
        if message.to is None:
            raise NotifierError(Message("error.no-address", {"person": message.notice.recipient}))
        mail = email_message(message, sender=self.sender, sender_name=self.sender_name)
        try:
            with self._lock:
                if self._connection is not None:
                    self._connection.send_message(mail)
                    return
            with self._connect() as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._error(exc) from exc


class DryRunNotifier:
    """Keeps messages instead of sending them: for notebooks, previews and tests.

    Nothing is recorded in the store, so a real notifier afterwards still sends every
    message. ``messages`` holds what would have been sent, in order.

    Args:
        keep: How many messages to keep at most (the oldest are dropped), ``None`` for all.
    """

    channel = "dry-run"
    records = False

    def __init__(self, keep: int | None = None) -> None:
        self.keep = keep
        self.messages: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        """Keep ``message``."""
        self.messages.append(message)
        if self.keep is not None and len(self.messages) > self.keep:
            del self.messages[: len(self.messages) - self.keep]

    def __repr__(self) -> str:
        return f"DryRunNotifier({len(self.messages)} message(s))"

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(m.to_name)}</td><td>{html.escape(m.to or '')}</td>"
            f"<td>{html.escape(m.subject)}</td></tr>"
            for m in self.messages
        )
        return f"<table>{rows}</table>"
