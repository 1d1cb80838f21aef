"""The HTTP API and the pages: one FastAPI ``APIRouter`` over the services."""

import json
from collections.abc import Callable
from typing import Any

from musframework.catalogue import Message, translate
from musframework.errors import ConflictError, DataError, MusframeworkError, NotFoundError
from musframework.model import Conversation, Finding
from musframework.policy import Viewer
from musframework.serialization import to_dict
from musframework.services import PreparationForm, Services
from musframework.web import _pages
from musframework.web._http import (
    PRIVATE,
    PROBLEM,
    Authenticate,
    ServicesPerThread,
    etag,
    if_match,
    language,
    problem,
)

__all__ = ["router"]

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FORMATS = {
    "html": "text/html; charset=utf-8",
    "docx": _DOCX,
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}
_RENDERERS = {"html": "html", "docx": "docx", "md": "markdown", "pdf": "pdf"}
_PROBLEM_SCHEMA = {
    "description": "RFC 9457 problem details; `findings` lists every problem (code, path, message)",
    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {**_PROBLEM_SCHEMA, "description": "Nobody is logged in"},
    403: {**_PROBLEM_SCHEMA, "description": "The policy does not let you"},
    404: {**_PROBLEM_SCHEMA, "description": "No such conversation (or document)"},
}
_WRITES: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    409: {**_PROBLEM_SCHEMA, "description": "Not in this state, or another writer won"},
    412: {**_PROBLEM_SCHEMA, "description": "If-Match names an older revision; see `revision`"},
    415: {**_PROBLEM_SCHEMA, "description": "The body is not JSON"},
    422: {**_PROBLEM_SCHEMA, "description": "The answers have errors (see `findings`)"},
}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def router(
    services: Services | Callable[[], Services],
    authenticate: Authenticate,
    *,
    pages: bool = True,
) -> Any:
    """A FastAPI ``APIRouter`` with the API (under ``/api``), the pages and their assets.

    Mount it into your application: ``app.include_router(router(services, who), prefix="/mus")``.

    Args:
        services: The services every request calls: one object (PostgreSQL with a pool, or
            a single-threaded server), or a callable returning the current thread's (for
            SQLite: :class:`ServicesPerThread`).
        authenticate: The one thing the app supplies: from the request to the acting person
            (a :class:`~musframework.policy.Viewer`, or a person id), ``None`` when nobody is
            logged in (answered with 401). Read your session cookie or token here.
        pages: Also serve the pages (the SurveyJS form, the overview, the plan) and the
            vendored SurveyJS assets under ``/static``.

    Every route asks the services, so every route goes through the access policy; answers
    are marked ``Cache-Control: private, no-store``, and nothing is kept between requests.

    Raises:
        MissingExtraError: without the ``web`` extra (FastAPI).
    """
    try:
        from fastapi import APIRouter, Request
        from fastapi.responses import JSONResponse, Response
        from starlette.concurrency import run_in_threadpool
    except ImportError:  # pragma: no cover - exercised only without the extra
        from musframework.errors import MissingExtraError

        raise MissingExtraError("web", "web") from None

    def current(request: Request) -> Services:
        return services() if callable(services) else services

    # The language when Accept-Language names none of ours: the settings' (read without
    # calling a per-thread factory on the event loop's thread).
    base = services.services if isinstance(services, ServicesPerThread) else services
    fallback = base.settings.locale if isinstance(base, Services) else "da"

    def locale_of(request: Request, svc: Services) -> str:
        return language(request.headers.get("accept-language"), svc.settings.locale)

    def failure(error: MusframeworkError, locale: str, *, stale: bool = False) -> Response:
        if stale:
            status, body = problem(error, locale, status=412, kind="stale")
        else:
            status, body = problem(error, locale)
        headers = dict(PRIVATE)
        if "revision" in body:
            headers["ETag"] = etag(body["revision"])
        return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)

    def unauthenticated(locale: str) -> Response:
        body = {
            "type": "urn:musframework:problem:unauthenticated",
            "title": translate("web.problem.unauthenticated", locale),
            "status": 401,
            "detail": translate("web.problem.unauthenticated", locale),
            "findings": [],
        }
        return JSONResponse(body, status_code=401, media_type=PROBLEM, headers=PRIVATE)

    async def run(
        request: Request,
        call: Callable[[Services, Viewer | str, str], Response],
        *,
        expected: int | None = None,
    ) -> Response:
        """Authenticate, call the services in a worker thread, turn errors into problems."""

        def work() -> Response:
            svc = current(request)
            locale = locale_of(request, svc)
            try:
                actor = authenticate(request)
                if actor is None:
                    return unauthenticated(locale)
                return call(svc, actor, locale)
            except ConflictError as error:
                return failure(error, locale, stale=expected is not None)
            except MusframeworkError as error:
                return failure(error, locale)

        return await run_in_threadpool(work)

    def ok(body: Any, revision: int | None = None, status: int = 200) -> Response:
        headers = dict(PRIVATE)
        if revision is not None:
            headers["ETag"] = etag(revision)
        return JSONResponse(body, status_code=status, headers=headers)

    async def body_of(request: Request, locale: str) -> tuple[Any, Response | None]:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            error = DataError(
                Message("error.web.request"),
                [Finding.error("web.not-json", "Content-Type", given=kind or "-")],
            )
            return None, failure_status(error, locale, 415, "not-json")
        try:
            return json.loads(await request.body()), None
        except ValueError:
            error = DataError(Message("error.web.request"), [Finding.error("web.bad-json", "body")])
            return None, failure_status(error, locale, 400, "bad-json")

    def failure_status(error: MusframeworkError, locale: str, status: int, kind: str) -> Response:
        code, body = problem(error, locale, status=status, kind=kind)
        return JSONResponse(body, status_code=code, media_type=PROBLEM, headers=PRIVATE)

    def revision_of(request: Request, locale: str) -> tuple[int | None, Response | None]:
        try:
            return if_match(request.headers.get("if-match")), None
        except DataError as error:
            return None, failure_status(error, locale, 400, "bad-if-match")

    api = APIRouter()

    # ------------------------------------------------------------------ reading

    @api.get(
        "/api/conversations",
        name="mus_conversations",
        summary="My conversations",
        description="Every conversation the logged-in person takes part in, as a summary.",
        responses={401: _ERRORS[401]},
        tags=["conversations"],
    )
    async def conversations(request: Request) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            person = actor.person if isinstance(actor, Viewer) else actor
            found = svc.conversations_for(actor)
            return ok([_summary(s.document, s.revision, person) for s in found])

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}",
        name="mus_conversation",
        summary="One conversation",
        description="The conversation as you may see it (the policy's redacted view); "
        "its revision is the ETag.",
        responses=_ERRORS,
        tags=["conversations"],
    )
    async def conversation(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            stored = svc.conversation_with_revision(actor, cid)
            return ok(to_dict(stored.document), stored.revision)

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}/form",
        name="mus_form",
        summary="My preparation form",
        description="The form you fill in for this conversation, for your role: "
        "`format=surveyjs` (default) gives SurveyJS survey JSON with your saved answers as "
        "`data` (your submitted response's, else your draft's; `draft` gives its "
        "revision), each page's minutes and the page's texts; `format=musframework` the "
        "library's own questionnaire JSON.",
        responses=_ERRORS,
        tags=["preparation"],
    )
    async def form(request: Request, cid: str, format: str = "surveyjs") -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            prepared = svc.preparation_form(actor, cid)
            if format == "musframework":
                body = {
                    "role": prepared.role.value,
                    "questionnaire": to_dict(prepared.questionnaire),
                }
                return ok(body, prepared.revision)
            if format != "surveyjs":
                raise DataError(
                    Message("error.web.request"),
                    [Finding.error("web.unknown-format", "format", format=format)],
                )
            person = actor.person if isinstance(actor, Viewer) else actor
            return ok(_survey_body(svc, prepared, person, locale), prepared.revision)

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}/response",
        name="mus_response",
        summary="My response",
        description="Your saved preparation response (404 when you have none).",
        responses=_ERRORS,
        tags=["preparation"],
    )
    async def my_response(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            stored = svc.conversation_with_revision(actor, cid)
            person = actor.person if isinstance(actor, Viewer) else actor
            mine = stored.document.response_of(person)
            if mine is None:
                raise NotFoundError(Message("error.web.no-response", {"id": cid}))
            return ok(_response(mine), stored.revision)

        return await run(request, call)

    @api.put(
        "/api/conversations/{cid}/response",
        name="mus_submit",
        summary="Submit my response",
        description="Submit your answers as SurveyJS `data` (question id -> value). They are "
        "checked against the stored form for your role; every problem comes back at once as "
        "a finding with its path (`answers.<question>`) and nothing is stored. Send the "
        "revision you read as `If-Match` to refuse the write when someone saved since (412).",
        responses=_WRITES,
        openapi_extra=_json_body({"type": "object", "additionalProperties": True}),
        tags=["preparation"],
    )
    async def submit(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        data, refused = await body_of(request, locale)
        if refused is not None:
            return refused
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            if not isinstance(data, dict):
                raise DataError(
                    Message("error.web.request"), [Finding.error("web.body-not-object", "body")]
                )
            svc.submit_response(actor, cid, data, revision=expected)
            stored = svc.conversation_with_revision(actor, cid)
            person = actor.person if isinstance(actor, Viewer) else actor
            return ok(_response(stored.document.response_of(person)), stored.revision)

        return await run(request, call, expected=expected)

    @api.post(
        "/api/conversations/{cid}/response/share",
        name="mus_share",
        summary="Share my response",
        description='Share your submitted response with the other party (`{"shared": '
        "false}` withdraws it). Until you share, only you see your answers.",
        responses=_WRITES,
        openapi_extra=_json_body(
            {"type": "object", "properties": {"shared": {"type": "boolean", "default": True}}}
        ),
        tags=["preparation"],
    )
    async def share(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        data, refused = await body_of(request, locale)
        if refused is not None:
            return refused
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            shared = data.get("shared", True) if isinstance(data, dict) else None
            if not isinstance(shared, bool):
                raise DataError(
                    Message("error.web.request"), [Finding.error("web.shared-not-bool", "shared")]
                )
            svc.share(actor, cid, shared=shared, revision=expected)
            stored = svc.conversation_with_revision(actor, cid)
            person = actor.person if isinstance(actor, Viewer) else actor
            return ok(_response(stored.document.response_of(person)), stored.revision)

        return await run(request, call, expected=expected)

    def draft_body(svc: Services, actor: Viewer | str, cid: str) -> Response:
        prepared = svc.preparation_form(actor, cid)
        if prepared.draft is None:
            raise NotFoundError(Message("error.web.no-draft", {"id": cid}))
        saved = prepared.draft.document.saved_at
        body = {"data": prepared.data, "saved_at": saved.isoformat()}
        return ok(body, prepared.draft.revision)

    @api.get(
        "/api/conversations/{cid}/response/draft",
        name="mus_draft",
        summary="My draft",
        description="Your unfinished answers as SurveyJS `data`, with when they were saved; "
        "the draft's revision is the ETag. Only you ever read your draft (not the other "
        "party, not HR). 404 when you have none, and once you have submitted your response.",
        responses=_ERRORS,
        tags=["preparation"],
    )
    async def my_draft(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            return draft_body(svc, actor, cid)

        return await run(request, call)

    @api.put(
        "/api/conversations/{cid}/response/draft",
        name="mus_save_draft",
        summary="Save my draft",
        description="Keep your unfinished answers (SurveyJS `data`). Unanswered required "
        "questions are fine; a value that does not fit its question is refused with findings "
        "(`answers.<question>`) as at submit, and nothing is stored. Send the draft's revision "
        "as `If-Match` to refuse the write when it was saved since (412). Submitting the "
        "response deletes the draft; after that a draft is refused (409).",
        responses=_WRITES,
        openapi_extra=_json_body({"type": "object", "additionalProperties": True}),
        tags=["preparation"],
    )
    async def save_draft(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        data, refused = await body_of(request, locale)
        if refused is not None:
            return refused
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            if not isinstance(data, dict):
                raise DataError(
                    Message("error.web.request"), [Finding.error("web.body-not-object", "body")]
                )
            svc.save_draft(actor, cid, data, revision=expected)
            return draft_body(svc, actor, cid)

        return await run(request, call, expected=expected)

    @api.delete(
        "/api/conversations/{cid}/response/draft",
        name="mus_delete_draft",
        summary="Delete my draft",
        description="Throw your draft away (204; 404 when you have none). `If-Match` as for "
        "saving.",
        responses=_WRITES,
        status_code=204,
        tags=["preparation"],
    )
    async def delete_draft(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            if not svc.delete_draft(actor, cid, revision=expected):
                raise NotFoundError(Message("error.web.no-draft", {"id": cid}))
            return Response(status_code=204, headers=dict(PRIVATE))

        return await run(request, call, expected=expected)

    @api.get(
        "/api/conversations/{cid}/side-by-side",
        name="mus_side_by_side",
        summary="Both preparations side by side",
        description="The form and the responses you may see: yours, and the other party's "
        "once they shared it.",
        responses=_ERRORS,
        tags=["preparation"],
    )
    async def side_by_side(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            prepared = svc.preparation_form(actor, cid)
            body = {
                "questionnaire": to_dict(prepared.questionnaire),
                "responses": [to_dict(r) for r in prepared.conversation.responses],
            }
            return ok(body, prepared.revision)

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}/plan",
        name="mus_plan",
        summary="The development plan",
        description="Conclusions, goals, agreements, notes you may see, and signatures.",
        responses=_ERRORS,
        tags=["plan"],
    )
    async def plan(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            stored = svc.conversation_with_revision(actor, cid)
            return ok(_plan(stored.document), stored.revision)

        return await run(request, call)

    @api.post(
        "/api/conversations/{cid}/plan/comments",
        name="mus_comment",
        summary="Comment on the plan",
        description="Add a note (`private: true`: yours only).",
        responses=_WRITES,
        status_code=201,
        openapi_extra=_json_body(
            {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string"}, "private": {"type": "boolean"}},
            }
        ),
        tags=["plan"],
    )
    async def comment(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        data, refused = await body_of(request, locale)
        if refused is not None:
            return refused
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            text = data.get("text") if isinstance(data, dict) else None
            private = data.get("private", False) if isinstance(data, dict) else False
            if not isinstance(text, str) or not text.strip() or not isinstance(private, bool):
                raise DataError(
                    Message("error.web.request"), [Finding.error("web.comment-text", "text")]
                )
            svc.comment(actor, cid, text, private=private, revision=expected)
            stored = svc.conversation_with_revision(actor, cid)
            return ok(_plan(stored.document), stored.revision, status=201)

        return await run(request, call, expected=expected)

    @api.post(
        "/api/conversations/{cid}/plan/signatures",
        name="mus_sign",
        summary="Sign the plan",
        description="Sign the concluded plan. Send the revision you read as `If-Match`: "
        "nobody signs content they have not seen (412 when it changed).",
        responses=_WRITES,
        status_code=201,
        tags=["plan"],
    )
    async def sign(request: Request, cid: str) -> Response:
        locale = language(request.headers.get("accept-language"), fallback)
        expected, refused = revision_of(request, locale)
        if refused is not None:
            return refused

        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            svc.sign(actor, cid, revision=expected)
            stored = svc.conversation_with_revision(actor, cid)
            return ok(_plan(stored.document), stored.revision, status=201)

        return await run(request, call, expected=expected)

    @api.get(
        "/api/me/due",
        name="mus_due",
        summary="What is due for me",
        description="What you must do in your conversations in the next 14 days, earliest first.",
        responses={401: _ERRORS[401]},
        tags=["conversations"],
    )
    async def due(request: Request) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            items = svc.due_for(actor)
            return ok(
                [
                    {
                        "kind": i.kind.value,
                        "conversation": i.conversation,
                        "due": i.due.isoformat(),
                        "overdue": i.overdue,
                        "agreement": i.agreement,
                        "text": translate(f"DueKind.{i.kind.value}", locale),
                    }
                    for i in items
                ]
            )

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}/calendar.ics",
        name="mus_calendar",
        summary="The conversation in my calendar",
        description="An iCalendar file (`text/calendar`) of the conversation.",
        responses={**_ERRORS, 200: {"content": {"text/calendar": {}}}},
        tags=["documents"],
    )
    async def calendar(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            data = svc.calendar(actor, cid, locale=locale)
            headers = {
                **PRIVATE,
                "Content-Disposition": f'attachment; filename="{_safe(cid)}.ics"',
            }
            return Response(data, media_type="text/calendar; charset=utf-8", headers=headers)

        return await run(request, call)

    @api.get(
        "/api/conversations/{cid}/documents/{document}.{suffix}",
        name="mus_document",
        summary="A rendered document",
        description="`document`: `invitation`, `side_by_side`, `plan`, `follow_up`; "
        "`suffix`: `html`, `md`, `docx` (Word, with the `docx` extra) or `pdf` (with the "
        "`pdf` extra and Pango; 501 where they are missing). Only what you may see is in it.",
        responses={
            **_ERRORS,
            200: {
                "content": {
                    "text/html": {},
                    "text/markdown": {},
                    _DOCX: {},
                    "application/pdf": {},
                }
            },
        },
        tags=["documents"],
    )
    async def document(request: Request, cid: str, document: str, suffix: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            if suffix not in _RENDERERS:
                raise DataError(
                    Message("error.web.request"),
                    [Finding.error("web.unknown-format", "suffix", format=suffix)],
                )
            made = svc.document(actor, cid, document, format=_RENDERERS[suffix], locale=locale)
            headers = dict(PRIVATE)
            media = _FORMATS[suffix]
            if suffix in ("docx", "pdf"):
                headers["Content-Disposition"] = (
                    f'attachment; filename="{_safe(cid)}-{_safe(document)}.{suffix}"'
                )
            return Response(made, media_type=media, headers=headers)

        return await run(request, call)

    if pages:
        _pages.add_pages(api, run, current, locale_of)
    return api


def _response(response: Any) -> Any:
    # The response with its sharing always spelled out (the stored form leaves defaults out).
    return None if response is None else {**to_dict(response), "shared": response.shared}


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _summary(c: Conversation, revision: int, person: str) -> dict[str, Any]:
    role = c.role_of(person)
    return {
        "id": c.id,
        "kind": c.kind.value,
        "status": c.status.value,
        "cycle": c.cycle,
        "role": None if role is None else role.value,
        "scheduled_start": None if c.scheduled_start is None else c.scheduled_start.isoformat(),
        "place": c.place,
        "participants": [{"person": p.person, "role": p.role.value} for p in c.participants],
        "revision": revision,
    }


def _plan(c: Conversation) -> dict[str, Any]:
    whole = to_dict(c)
    keys = (
        "id",
        "status",
        "conclusions",
        "goals",
        "practice_changes",
        "agreements",
        "notes",
        "signatures",
        "follow_up_date",
        "next_conversation_date",
    )
    body = {k: whole.get(k) for k in keys}
    body["signed_by"] = [s.person for s in c.valid_signatures]
    return body


def _survey_body(
    svc: Services, prepared: PreparationForm, person: str, locale: str
) -> dict[str, Any]:
    organisation = svc.organisation()
    others = [
        organisation.person(p).name if organisation.has_person(p) else p
        for p in prepared.conversation.participant_ids
        if p != person
    ]
    return {
        "survey": prepared.survey,
        "data": prepared.data,
        "role": prepared.role.value,
        "locale": locale,
        "revision": prepared.revision,
        "submitted": prepared.response is not None,
        "draft": None
        if prepared.draft is None
        else {
            "revision": prepared.draft.revision,
            "saved_at": prepared.draft.document.saved_at.isoformat(),
        },
        "shared": prepared.response is not None and prepared.response.shared,
        "sections": [{"id": s.id, "minutes": s.minutes} for s in prepared.questionnaire.sections],
        "texts": _pages.survey_texts(locale, others),
    }
