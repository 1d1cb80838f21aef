"""What every route shares: the acting person, the language, problem details, revisions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from musframework.catalogue import Message, translate
from musframework.errors import (
    AccessDeniedError,
    ConflictError,
    DataError,
    DocumentError,
    MissingExtraError,
    MusframeworkError,
    NotFoundError,
    TransitionError,
)
from musframework.model import Finding
from musframework.policy import Viewer
from musframework.services import Services
from musframework.storage import Store
from musframework.storage import open as open_store

LANGUAGES = ("da", "en")
PROBLEM = "application/problem+json"
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization, Accept-Language"}

# Each kind of error: its HTTP status and the slug of its problem type.
_KINDS: tuple[tuple[type[MusframeworkError], int, str], ...] = (
    (AccessDeniedError, 403, "access-denied"),
    (NotFoundError, 404, "not-found"),
    (TransitionError, 409, "not-now"),
    (ConflictError, 409, "conflict"),
    (DataError, 422, "invalid"),
    (DocumentError, 404, "no-document"),
    (MissingExtraError, 501, "missing-extra"),
)


def language(accept: str | None, default: str) -> str:
    """The first of our languages in an ``Accept-Language`` header (``default`` if none)."""
    if not accept:
        return default
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            weighted.append((-quality, position, primary))
    return min(weighted)[2] if weighted else default


def finding_json(finding: Finding, locale: str) -> dict[str, Any]:
    """One finding as problem details carry it."""
    return {
        "code": finding.code,
        "path": finding.path,
        "severity": finding.severity.value,
        "message": finding.text(locale),
    }


def problem(
    error: MusframeworkError,
    locale: str,
    *,
    status: int | None = None,
    kind: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """An error as RFC 9457 problem details: ``(status, body)``."""
    found = next(((s, k) for t, s, k in _KINDS if isinstance(error, t)), (400, "bad-request"))
    code, slug = status or found[0], kind or found[1]
    body: dict[str, Any] = {
        "type": f"urn:musframework:problem:{slug}",
        "title": translate(f"web.problem.{slug}", locale),
        "status": code,
        "detail": error.summary.get(locale) if isinstance(error, DataError) else error.text(locale),
        "findings": [
            finding_json(f, locale)
            for f in (error.findings if isinstance(error, DataError) else ())
        ],
    }
    if isinstance(error, ConflictError) and error.actual is not None:
        body["revision"] = error.actual
    return code, body


def etag(revision: int) -> str:
    """The ``ETag`` of a revision."""
    return f'"{revision}"'


def if_match(header: str | None) -> int | None:
    """The revision an ``If-Match`` header names (``None``: absent or ``*``).

    Raises:
        DataError: when the header names no revision of ours.
    """
    if header is None or header.strip() == "*":
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise DataError(
            Message("error.web.request"),
            [Finding.error("web.if-match", "If-Match", value=header.strip())],
        )
    return int(value)


Authenticate = Callable[[Any], "Viewer | str | None"]
"""The hook an app supplies: from the request (a Starlette ``Request``) to the acting person
(a :class:`~musframework.policy.Viewer` or a person id), or ``None`` when nobody is logged in."""


class ServicesPerThread:
    """One :class:`~musframework.services.Services` per thread, each on its own store.

    SQLite connections belong to one thread, and FastAPI runs routes in a pool of threads:
    call this object to get the current thread's services (bound to a store opened on
    ``url`` for that thread, sharing the settings and the cached organisation of
    ``services``). :meth:`close` closes every store it opened.

    Args:
        services: The services whose settings, clock, policy and notifier every thread uses
            (their own store is used by the thread that made this object).
        url: The store URL each further thread opens (``sqlite:///path/to/mus.db``).
    """

    def __init__(self, services: Services, url: str) -> None:
        self.services = services
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stores: list[Store] = []

    def __call__(self) -> Services:
        """The current thread's services."""
        bound: Services | None = getattr(self._local, "services", None)
        if bound is None:
            store = open_store(self.url)
            with self._lock:
                self._stores.append(store)
            bound = self.services.bind(store)
            self._local.services = bound
        return bound

    def close(self) -> None:
        """Close every store opened for a thread."""
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()
