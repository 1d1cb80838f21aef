"""The services' reads for one person and the revision-guarded steps (what the web layer calls)."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

import musframework as mf
from musframework.errors import AccessDeniedError, ConflictError
from musframework.services import Services
from tests import web_scenario as ws


@pytest.fixture
def setup(tmp_path: pathlib.Path) -> Iterator[tuple[Services, str]]:
    url, ids = ws.build(tmp_path)
    with mf.storage.open(url) as store:
        yield Services(store, clock=ws.CLOCK), ids["ane"]


def test_a_stale_revision_is_refused_at_once_and_not_retried(setup: tuple[Services, str]) -> None:
    services, cid = setup
    read = services.conversation_with_revision("ane", cid)
    services.submit_response("ane", cid, {"mood": 4})
    before = services.counters.attempts
    with pytest.raises(ConflictError) as caught:
        services.share("ane", cid, revision=read.revision)
    assert (caught.value.expected, caught.value.actual) == (read.revision, read.revision + 1)
    assert services.counters.attempts == before + 1  # refused, not retried
    assert services.counters.reported == 0
    current = services.conversation_with_revision("ane", cid)
    assert current.document.response_of("ane").shared is False  # type: ignore[union-attr]
    shared = services.share("ane", cid, revision=current.revision)
    assert shared.response_of("ane").shared  # type: ignore[union-attr]


def test_a_stranger_is_refused_before_their_answers_are_read(setup: tuple[Services, str]) -> None:
    services, cid = setup
    with pytest.raises(AccessDeniedError):  # not a DataError naming the form's questions
        services.submit_response("carl", cid, {"mood": 99, "nonsense": 1})
    with pytest.raises(AccessDeniedError):
        services.preparation_form("carl", cid)
    with pytest.raises(AccessDeniedError):
        services.document("carl", cid, "side_by_side")
    with pytest.raises(AccessDeniedError):  # HR may see it, but fills in no form in it
        services.preparation_form(ws.HR, cid)


def test_the_preparation_form_is_for_my_role_with_my_answers(setup: tuple[Services, str]) -> None:
    services, cid = setup
    services.submit_response("ane", cid, {"mood": 2, "days": 3})
    mine = services.preparation_form("ane", cid)
    assert mine.role is mf.Role.EMPLOYEE and mine.data == {"mood": 2, "days": 3}
    assert [p["name"] for p in mine.survey["pages"]] == ["year", "future"]
    leaders = services.preparation_form("bo", cid)
    assert leaders.role is mf.Role.LEADER and leaders.response is None
    assert leaders.conversation.responses == ()  # Ane has not shared


def test_my_conversations_and_what_is_due(setup: tuple[Services, str]) -> None:
    services, cid = setup
    assert [s.document.id for s in services.conversations_for("ane")] == [cid]
    assert len(services.conversations_for("bo")) == 2
    assert [(d.kind.value, d.conversation) for d in services.due_for("ane")] == [
        ("return_form", cid)
    ]
    calendar = services.calendar("ane", cid)
    assert calendar.startswith(b"BEGIN:VCALENDAR")
