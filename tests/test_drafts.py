"""Response drafts through the services, over a real SQLite file (the storage side of drafts
is in the conformance suite, musframework.testing.storage, for every backend)."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import pytest

import musframework as mf
from musframework.errors import AccessDeniedError, ConflictError, DataError, TransitionError
from musframework.model.draft import ResponseDraft, draft_id
from musframework.policy import Viewer, may_keep_draft
from musframework.services import Services
from tests import web_scenario as ws


@pytest.fixture
def world(tmp_path: pathlib.Path) -> Iterator[tuple[Services, str]]:
    url, ids = ws.build(tmp_path)
    with mf.storage.open(url) as store:
        yield Services(store, clock=ws.CLOCK), ids["ane"]


def test_a_partial_draft_is_kept_and_prefills_the_form(world: Any) -> None:
    services, cid = world
    saved = services.save_draft("ane", cid, {"wish": "Mere tid til kurser", "mood": None})
    assert saved.revision == 1
    draft = saved.document
    assert (draft.conversation, draft.person, draft.role) == (cid, "ane", mf.Role.EMPLOYEE)
    assert draft.answers == {"wish": mf.TextAnswer("Mere tid til kurser")}  # mood is required
    assert draft.saved_at == ws.CLOCK.now()
    assert services.draft("ane", cid) == saved
    prepared = services.preparation_form("ane", cid)
    assert prepared.data == {"wish": "Mere tid til kurser"}
    assert prepared.draft == saved and prepared.response is None
    again = services.save_draft("ane", cid, {"wish": "Kurser", "mood": 4}, revision=1)
    assert again.revision == 2 and again.document.answers["mood"] == mf.ScaleAnswer(4)
    with pytest.raises(ConflictError):
        services.save_draft("ane", cid, {"wish": "old tab"}, revision=1)
    assert services.draft("ane", cid) == again
    # the conversation itself is not touched by a draft
    assert services.conversation_with_revision("ane", cid).document.responses == ()


def test_values_that_do_not_fit_are_refused_with_findings_and_nothing_is_stored(
    world: Any,
) -> None:
    services, cid = world
    with pytest.raises(DataError) as caught:
        services.save_draft("ane", cid, {"days": 2.5, "nope": 1})
    paths = {f.path for f in caught.value.findings}
    assert paths == {"answers.days.value", "answers.nope"}
    with pytest.raises(DataError) as at_submit:
        services.submit_response("ane", cid, {"days": 2.5, "nope": 1, "mood": 3})
    assert {(f.code, f.path) for f in at_submit.value.findings} == {
        (f.code, f.path) for f in caught.value.findings
    }
    assert "response.missing-required" not in {f.code for f in caught.value.findings}
    assert services.draft("ane", cid) is None
    refused = mf.Response(
        questionnaire=ws.form().ref,
        role="employee",
        person="ane",
        answers={"days": mf.NumberAnswer(99)},
    )
    with pytest.raises(DataError) as caught:
        services.save_draft("ane", cid, refused)
    assert [f.path for f in caught.value.findings] == ["answers.days.value"]
    assert services.draft("ane", cid) is None


def test_only_the_author_reads_or_writes_their_draft(world: Any) -> None:
    services, cid = world
    services.save_draft("ane", cid, {"wish": "Hemmeligt ønske"})
    # the leader has a draft of their own, never Ane's
    assert services.draft("bo", cid) is None
    assert "Hemmeligt" not in repr(services.preparation_form("bo", cid))
    with pytest.raises(AccessDeniedError):
        services.draft(ws.HR, cid)
    with pytest.raises(AccessDeniedError):
        services.draft("carl", cid)
    with pytest.raises(AccessDeniedError):
        services.save_draft("carl", cid, {"wish": "x"})
    with pytest.raises(AccessDeniedError):
        services.delete_draft("carl", cid)
    someone_else = mf.Response(
        questionnaire=ws.form().ref, role="employee", person="ane", answers={}
    )
    with pytest.raises(AccessDeniedError):
        services.save_draft("bo", cid, someone_else)
    conversation = services.conversation("ane", cid)
    stored = services.store.load(ResponseDraft, draft_id(cid, "ane")).document
    assert may_keep_draft(Viewer("ane"), conversation, stored)
    assert not may_keep_draft(Viewer("bo"), conversation, stored)
    assert not may_keep_draft(ws.HR, conversation)
    assert services.draft("ane", cid).document.answers["wish"] == mf.TextAnswer("Hemmeligt ønske")


def test_submitting_deletes_the_draft_and_then_none_is_offered(world: Any) -> None:
    services, cid = world
    services.save_draft("ane", cid, {"wish": "Kladde"})
    with pytest.raises(DataError):  # a refused submit keeps the draft
        services.submit_response("ane", cid, {"wish": "Sendt"})
    assert services.draft("ane", cid) is not None
    services.submit_response("ane", cid, {"mood": 4, "wish": "Sendt"})
    assert services.store.get(ResponseDraft, draft_id(cid, "ane")) is None
    assert services.draft("ane", cid) is None
    assert services.preparation_form("ane", cid).data == {"mood": 4, "wish": "Sendt"}
    with pytest.raises(TransitionError):
        services.save_draft("ane", cid, {"wish": "later"})
    draft_log = services.store.audit_log(kind="response_draft")
    assert [e.action for e in draft_log] == ["create", "delete"]
    # deleted in the transaction that stored the response: adjacent entries of one commit
    log = services.store.audit_log()
    at = [(e.kind, e.action) for e in log].index(("response_draft", "delete"))
    assert (log[at - 1].kind, log[at - 1].action) == ("conversation", "update")
    assert log[at - 1].at == log[at].at


def test_delete_draft(world: Any) -> None:
    services, cid = world
    assert services.delete_draft("ane", cid) is False
    saved = services.save_draft("ane", cid, {"wish": "x"})
    with pytest.raises(ConflictError):
        services.delete_draft("ane", cid, revision=saved.revision + 1)
    assert services.delete_draft("ane", cid, revision=saved.revision) is True
    assert services.draft("ane", cid) is None
