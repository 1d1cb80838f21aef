"""HTTP over the services: a FastAPI router an app mounts, and the SurveyJS kit (``web`` extra).

* :func:`router`: a FastAPI ``APIRouter`` with the API (``/api/...``: conversations, the
  preparation form as SurveyJS or musframework JSON, my response and my draft, sharing, both
  preparations side by side, the plan with comments and signatures, what is due, the
  ``.ics``, rendered documents) and the pages (the SurveyJS form, the overview, the plan)
  with the vendored SurveyJS files. The app supplies one thing: ``authenticate``, a callable
  from the request to the acting person.
* :class:`ServicesPerThread`: one :class:`~musframework.services.Services` per worker thread,
  each on its own store (SQLite connections belong to one thread).
* :func:`assets_head` and :func:`survey_fragment`: the tags to embed the form in an app's
  own page.
* :func:`language`, :func:`problem`, :func:`etag`, :func:`if_match`: the HTTP conventions the
  router keeps (``Accept-Language``, RFC 9457 problem details with the findings, revisions as
  ``ETag`` / ``If-Match``), for an app's own routes.

The web layer sits above the services: it calls their use cases, so every route goes through
the access policy. Nothing below imports it.
"""

from musframework.web._http import (
    Authenticate,
    ServicesPerThread,
    etag,
    finding_json,
    if_match,
    language,
    problem,
)
from musframework.web._pages import SURVEYJS_VERSION, assets_head, survey_fragment, survey_texts
from musframework.web.api import router

__all__ = [
    "Authenticate",
    "SURVEYJS_VERSION",
    "ServicesPerThread",
    "assets_head",
    "etag",
    "finding_json",
    "if_match",
    "language",
    "problem",
    "router",
    "survey_fragment",
    "survey_texts",
]
