"""A real SMTP server on loopback that keeps what it receives: for tests, demos and notebooks.

>>> from musframework.testing.smtp import LocalSmtpServer   # doctest: +SKIP
>>> with LocalSmtpServer() as server:                       # doctest: +SKIP
...     notifier = SmtpNotifier(server.host, server.port, sender="mus@example.dk")
...     ...
...     server.messages[0]["Subject"]

It runs ``aiosmtpd`` in a thread of its own, listening on ``127.0.0.1`` only, and parses
every message it accepts with the standard library's :mod:`email` (``policy.default``), so
a test reads headers, parts and attachments as a mail client would. Needs ``aiosmtpd``
(the ``smtpd`` extra).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from musframework.errors import MissingExtraError

__all__ = ["LocalSmtpServer"]


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class _Keep:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        data = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """An SMTP server on ``127.0.0.1`` for as long as the ``with`` block lasts.

    Args:
        host: The loopback address to listen on.
        port: The port (a free one by default).

    ``messages`` holds every message received, parsed (``email.message.EmailMessage``), and
    ``recipients`` the envelope recipients of each.
    """

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port if port is not None else _free_port(host)
        self._handler = _Keep()
        self._controller: Any = None

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far, in order."""
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def recipients(self) -> list[list[str]]:
        """The envelope recipients of each message received."""
        with self._handler.lock:
            return [list(r) for r in self._handler.recipients]

    def start(self) -> LocalSmtpServer:
        """Start listening; returns the server."""
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            raise MissingExtraError("smtpd", "smtpd") from None
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalSmtpServer({self.host!r}, {self.port}, {len(self.messages)} message(s))"
