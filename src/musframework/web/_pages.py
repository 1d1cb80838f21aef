"""The pages: the SurveyJS form, the overview, the plan, and the vendored assets."""

import html
import json
import pathlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from musframework.catalogue import translate
from musframework.model import Conversation
from musframework.policy import Viewer
from musframework.services import Services

if TYPE_CHECKING:
    from fastapi import APIRouter

STATIC = pathlib.Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
SURVEYJS_VERSION = "2.5.38"
"""The vendored survey-core and survey-js-ui version (both the same: survey-js-ui pins it)."""

# The files a page loads, by the name they are served under (nothing else is served).
ASSETS: dict[str, tuple[str, str]] = {
    "kit.js": ("kit.js", "text/javascript; charset=utf-8"),
    "kit.css": ("kit.css", "text/css; charset=utf-8"),
    "survey.core.min.js": ("vendor/survey-core/survey.core.min.js", "text/javascript"),
    "survey.i18n.danish.min.js": ("vendor/survey-core/i18n/danish.min.js", "text/javascript"),
    "survey-core.fontless.min.css": (
        "vendor/survey-core/survey-core.fontless.min.css",
        "text/css",
    ),
    "survey-js-ui.min.js": ("vendor/survey-js-ui/survey-js-ui.min.js", "text/javascript"),
}
_SURVEY_TEXTS = (
    "page-of",
    "minutes",
    "sending",
    "accepted",
    "refused",
    "network",
    "share-title",
    "share-explain",
    "share-button",
    "shared",
    "share-refused",
    "submitted-before",
    "draft-saving",
    "draft-saved",
    "draft-refused",
    "draft-restored",
)


def _t(key: str, locale: str, **params: object) -> str:
    return translate(f"web.{key}", locale, **params)


def _join(names: Iterable[str], locale: str) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return _t("and", locale, first=", ".join(items[:-1]), last=items[-1])


def survey_texts(locale: str, others: Iterable[str]) -> dict[str, str]:
    """The words the form page shows around the survey (``{x}``, ``{n}`` filled in by it)."""
    who = _join(others, locale)
    out = {}
    for key in _SURVEY_TEXTS:
        params: dict[str, object] = {"others": who}
        if key == "page-of":
            params.update(x="{x}", n="{n}")
        elif key == "minutes":
            params.update(n="{n}")
        out[key] = _t(key, locale, **params)
    return out


def assets_head(url: Callable[[str], str]) -> str:
    """The ``<link>`` and ``<script>`` tags a page with the survey needs (no CDN, no font)."""
    return (
        f'<link rel="stylesheet" href="{url("survey-core.fontless.min.css")}">\n'
        f'<link rel="stylesheet" href="{url("kit.css")}">\n'
        f'<script src="{url("survey.core.min.js")}" defer></script>\n'
        f'<script src="{url("survey.i18n.danish.min.js")}" defer></script>\n'
        f'<script src="{url("survey-js-ui.min.js")}" defer></script>\n'
        f'<script src="{url("kit.js")}" defer></script>'
    )


def survey_fragment(form: str, response: str, share: str, draft: str = "") -> str:
    """The element the kit turns into the preparation form, given the API's URLs.

    With ``draft`` (the draft route), the kit saves the answers as a draft while the person
    types and pages (until they have submitted).

    Put it into your own page with :func:`assets_head`'s tags in its ``<head>``.
    """
    return (
        '<div class="mus-survey" '
        f'data-form="{html.escape(form)}" data-response="{html.escape(response)}" '
        f'data-share="{html.escape(share)}" data-draft="{html.escape(draft)}"></div>'
    )


def page(title: str, body: str, locale: str, head: str = "", *, stylesheet: str | None) -> str:
    """A whole page around ``body`` (already HTML), with a development banner slot."""
    return (
        "<!doctype html>\n"
        f'<html lang="{locale}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        + ("" if stylesheet is None else f'<link rel="stylesheet" href="{stylesheet}">')
        + f"{head}</head>"
        f'<body><main id="main"><h1>{html.escape(title)}</h1>{body}</main></body></html>'
    )


def _status(c: Conversation, locale: str) -> str:
    return translate(f"ConversationStatus.{c.status.value}", locale)


def _kind(c: Conversation, locale: str) -> str:
    return translate(f"ConversationKind.{c.kind.value}", locale)


def add_pages(api: "APIRouter", run: Any, current: Any, locale_of: Any) -> None:
    """Add the pages and assets to the router ``api``."""
    from fastapi import Request
    from fastapi.responses import FileResponse, HTMLResponse, Response

    from musframework.web._http import PRIVATE

    def asset_url(request: Request) -> Callable[[str], str]:
        return lambda name: str(request.url_for("mus_asset", name=name).path)

    def html_page(text: str) -> Response:
        return HTMLResponse(text, headers=PRIVATE)

    def person_of(actor: Viewer | str) -> str:
        return actor.person if isinstance(actor, Viewer) else actor

    @api.get("/static/{name}", name="mus_asset", include_in_schema=False)
    async def asset(name: str) -> Response:
        found = ASSETS.get(name)
        if found is None:
            return Response(status_code=404)
        path, media = found
        return FileResponse(
            STATIC / path,
            media_type=media,
            headers={"Cache-Control": "public, max-age=3600"},
        )

    @api.get("/", name="mus_home", include_in_schema=False)
    async def home(request: Request) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            me = person_of(actor)
            rows = []
            for stored in svc.conversations_for(actor):
                c = stored.document
                link = request.url_for("mus_overview", cid=c.id).path
                when = (
                    ""
                    if c.scheduled_start is None
                    else c.scheduled_start.format("D. MMMM YYYY HH:mm", locale=locale)
                )
                rows.append(
                    f'<li><a href="{link}">{html.escape(_kind(c, locale))} '
                    f"{html.escape(when)}</a> ({html.escape(_status(c, locale))})</li>"
                )
            due = [
                f"<li>{html.escape(translate(f'DueKind.{i.kind.value}', locale))}: "
                f"{html.escape(i.due.format('D. MMMM YYYY', locale=locale))}</li>"
                for i in svc.due_for(actor)
            ]
            body = (
                f"<h2>{_t('my-conversations', locale)}</h2><ul>{''.join(rows)}</ul>"
                f"<h2>{_t('due', locale)}</h2>"
                + (f"<ul>{''.join(due)}</ul>" if due else f"<p>{_t('nothing-due', locale)}</p>")
            )
            name = svc.organisation().person(me).name if svc.organisation().has_person(me) else me
            return html_page(
                page(
                    _t("home-title", locale, name=name),
                    body,
                    locale,
                    stylesheet=asset_url(request)("kit.css"),
                )
            )

        result: Response = await run(request, call)
        return result

    @api.get("/conversations/{cid}", name="mus_overview", include_in_schema=False)
    async def overview(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            c = svc.conversation(actor, cid)
            me = person_of(actor)

            def link(name: str, text: str, **params: str) -> str:
                href = request.url_for(name, cid=cid, **params).path
                return f'<li><a href="{href}">{html.escape(text)}</a></li>'

            links = []
            if c.role_of(me) is not None:
                links.append(link("mus_form_page", _t("fill-form", locale)))
            links.append(link("mus_plan_page", _t("open-plan", locale)))
            if c.scheduled_start is not None:
                links.append(link("mus_calendar", _t("calendar", locale)))
            side = request.url_for(
                "mus_document", cid=cid, document="side_by_side", suffix="html"
            ).path
            seen = [r.person for r in c.responses]
            organisation = svc.organisation()
            names = [organisation.person(p).name if organisation.has_person(p) else p for p in seen]
            seen_text = _t("responses-seen", locale, n=len(seen), names=_join(names, locale))
            body = (
                f"<p>{html.escape(_kind(c, locale))} · {html.escape(_status(c, locale))}</p>"
                f'<ul class="mus-links">{"".join(links)}</ul>'
                f"<h2>{_t('side-by-side', locale)}</h2>"
                f'<p class="mus-note">{html.escape(_t("side-by-side-explain", locale))}</p>'
                f'<p id="mus-seen">{html.escape(seen_text)}</p>'
                f'<iframe class="mus-document" src="{side}" '
                f'title="{html.escape(_t("side-by-side", locale))}"></iframe>'
            )
            return html_page(
                page(
                    _t("overview-title", locale, kind=_kind(c, locale)),
                    body,
                    locale,
                    stylesheet=asset_url(request)("kit.css"),
                )
            )

        result: Response = await run(request, call)
        return result

    @api.get("/conversations/{cid}/form", name="mus_form_page", include_in_schema=False)
    async def form_page(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            prepared = svc.preparation_form(actor, cid)  # refuses before the page is sent
            url = asset_url(request)
            fragment = survey_fragment(
                request.url_for("mus_form", cid=cid).path,
                request.url_for("mus_submit", cid=cid).path,
                request.url_for("mus_share", cid=cid).path,
                request.url_for("mus_draft", cid=cid).path,
            )
            title = prepared.questionnaire.title.get(locale)
            back = request.url_for("mus_overview", cid=cid).path
            body = f'<p><a href="{back}">{_t("back", locale)}</a></p>{fragment}'
            return html_page(page(title, body, locale, assets_head(url), stylesheet=None))

        result: Response = await run(request, call)
        return result

    @api.get("/conversations/{cid}/plan", name="mus_plan_page", include_in_schema=False)
    async def plan_page(request: Request, cid: str) -> Response:
        def call(svc: Services, actor: Viewer | str, locale: str) -> Response:
            stored = svc.conversation_with_revision(actor, cid)
            c = stored.document
            me = person_of(actor)
            url = asset_url(request)
            document = request.url_for("mus_document", cid=cid, document="plan", suffix="html").path
            signed = c.is_signed_by(me)
            config = {
                "plan": request.url_for("mus_plan", cid=cid).path,
                "sign": request.url_for("mus_sign", cid=cid).path,
                "comment": request.url_for("mus_comment", cid=cid).path,
                "revision": stored.revision,
                "texts": {
                    k: _t(k, locale) for k in ("signed-now", "sign-refused", "commented", "sending")
                },
            }
            word = request.url_for("mus_document", cid=cid, document="plan", suffix="docx").path
            config_json = json.dumps(config).replace("</", "<\\/")
            sign = (
                f'<p id="mus-signed">{_t("you-signed", locale)}</p>'
                if signed
                else f'<button type="button" id="mus-sign">{_t("sign", locale)}</button>'
            )
            body = (
                f'<p><a href="{request.url_for("mus_overview", cid=cid).path}">'
                f"{_t('back', locale)}</a> · "
                f'<a href="{request.url_for("mus_calendar", cid=cid).path}">'
                f"{_t('calendar', locale)}</a> · "
                f'<a href="{word}">'
                f"{_t('word', locale)}</a></p>"
                f'<iframe class="mus-document" src="{document}" '
                f'title="{html.escape(_t("plan", locale))}"></iframe>'
                f'<section class="mus-sign" aria-labelledby="mus-sign-h">'
                f'<h2 id="mus-sign-h">{_t("signatures", locale)}</h2>'
                f"<p>{html.escape(_t('sign-explain', locale))}</p>{sign}"
                '<p id="mus-plan-status" role="status" aria-live="polite"></p></section>'
                f'<section aria-labelledby="mus-comment-h"><h2 id="mus-comment-h">'
                f"{_t('comment', locale)}</h2>"
                f'<form id="mus-comment-form"><label for="mus-comment-text">'
                f"{_t('comment-label', locale)}</label>"
                '<textarea id="mus-comment-text" rows="3" required></textarea>'
                f'<button type="submit">{_t("comment-button", locale)}</button></form>'
                "</section>"
                '<script type="application/json" id="mus-plan-config">'
                f"{config_json}</script>"
                f'<script src="{url("kit.js")}" defer></script>'
            )
            return html_page(page(_t("plan", locale), body, locale, stylesheet=url("kit.css")))

        result: Response = await run(request, call)
        return result
