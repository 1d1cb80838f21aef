"""Floors and peers: the same work done by hand, and by pydantic v2.

* :func:`floor_to_dict` / :func:`floor_from_dict`: hand-written conversions of the classes the
  benchmark round uses, producing the same JSON and the same objects as the library, with the
  same time helpers and the same JSON library. What the library costs beyond this is the price
  of cattrs' generality, strictness and error reporting.
* :func:`floor_check_response`: a plain loop doing the same checks as
  :meth:`Questionnaire.check_response` for the question types of the scored form.
* :func:`pydantic_models`: pydantic v2 models of the same shape (the peer).
"""

from __future__ import annotations

from typing import Any

import musframework as mf
from musframework.serialization import time as _time

# --------------------------------------------------------------------------- round trip floor

_ANSWERS: dict[str, type[mf.Answer]] = {
    "scale": mf.ScaleAnswer,
    "single_choice": mf.ChoiceAnswer,
    "text": mf.TextAnswer,
}
_SIXTY = mf.Conversation(id="x", kind="MUS").duration


def _ref(r: mf.QuestionnaireRef) -> dict[str, Any]:
    return {"id": r.id, "version": r.version}


def _response_to(r: mf.Response) -> dict[str, Any]:
    out: dict[str, Any] = {
        "questionnaire": _ref(r.questionnaire),
        "role": r.role.value,
        "person": r.person,
        "answers": {
            k: {"type": a.type_name, "value": a.value}  # type: ignore[attr-defined]
            for k, a in r.answers.items()
        },
    }
    if r.submitted_at is not None:
        out["submitted_at"] = _time.format_datetime(r.submitted_at)
    if r.shared:
        out["shared"] = True
    return out


def _agreement_to(a: mf.Agreement) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "description": a.description}
    if a.owner is not None:
        out["owner"] = a.owner
    if a.deadline is not None:
        out["deadline"] = a.deadline.isoformat()
    if a.status is not mf.AgreementStatus.OPEN:
        out["status"] = a.status.value
    if a.kind is not mf.AgreementKind.OTHER:
        out["kind"] = a.kind.value
    if a.history:
        out["history"] = [
            {"status": h.status.value, "by": h.by, "at": _time.format_datetime(h.at)}
            for h in a.history
        ]
    return out


def floor_to_dict(c: mf.Conversation) -> dict[str, Any]:
    """A conversation of the benchmark round as the library dumps it."""
    out: dict[str, Any] = {"schema_version": 1, "id": c.id, "kind": c.kind.value}
    if c.cycle is not None:
        out["cycle"] = c.cycle
    if c.unit is not None:
        out["unit"] = c.unit
    out["participants"] = [{"person": p.person, "role": p.role.value} for p in c.participants]
    if c.scheduled_start is not None:
        out["scheduled_start"] = _time.format_datetime(c.scheduled_start)
    if c.duration != _SIXTY:
        out["duration"] = _time.format_duration(c.duration)
    if c.place:
        out["place"] = c.place
    if c.questionnaire is not None:
        out["questionnaire"] = _ref(c.questionnaire)
    out["responses"] = [_response_to(r) for r in c.responses]
    out["conclusions"] = list(c.conclusions)
    out["goals"] = list(c.goals)
    out["agreements"] = [_agreement_to(a) for a in c.agreements]
    out["status"] = c.status.value
    if c.held_at is not None:
        out["held_at"] = _time.format_datetime(c.held_at)
    return out


def _response_from(d: dict[str, Any]) -> mf.Response:
    q = d["questionnaire"]
    submitted = d.get("submitted_at")
    return mf.Response(
        questionnaire=mf.QuestionnaireRef(q["id"], q["version"]),
        role=d["role"],
        person=d["person"],
        answers={k: _ANSWERS[a["type"]](a["value"]) for k, a in d["answers"].items()},  # type: ignore[call-arg]
        submitted_at=None if submitted is None else _time.parse_datetime(submitted),
        shared=d.get("shared", False),
    )


def _agreement_from(d: dict[str, Any]) -> mf.Agreement:
    deadline = d.get("deadline")
    return mf.Agreement(
        id=d["id"],
        description=d["description"],
        owner=d.get("owner"),
        deadline=None if deadline is None else _time.parse_date(deadline),
        status=d.get("status", "open"),
        kind=d.get("kind", "other"),
        history=[
            mf.StatusChange(status=h["status"], by=h["by"], at=_time.parse_datetime(h["at"]))
            for h in d.get("history", ())
        ],
    )


def floor_from_dict(d: dict[str, Any]) -> mf.Conversation:
    """Build the conversation back from :func:`floor_to_dict` output."""
    start = d.get("scheduled_start")
    held = d.get("held_at")
    q = d.get("questionnaire")
    duration = d.get("duration")
    return mf.Conversation(
        id=d["id"],
        kind=d["kind"],
        cycle=d.get("cycle"),
        unit=d.get("unit"),
        participants=[mf.Participant(p["person"], p["role"]) for p in d["participants"]],
        scheduled_start=None if start is None else _time.parse_datetime(start),
        duration=_SIXTY if duration is None else _time.parse_duration(duration),
        place=d.get("place", ""),
        questionnaire=None if q is None else mf.QuestionnaireRef(q["id"], q["version"]),
        responses=[_response_from(r) for r in d["responses"]],
        conclusions=d["conclusions"],
        goals=d["goals"],
        agreements=[_agreement_from(a) for a in d["agreements"]],
        status=d["status"],
        held_at=None if held is None else _time.parse_datetime(held),
    )


# --------------------------------------------------------------------------- check floor


def _error(code: str, path: str, *, da: str, en: str) -> mf.Finding:
    return mf.Finding.error(code, path, da=da, en=en)


def floor_check_response(form: mf.Questionnaire, response: mf.Response) -> list[mf.Finding]:
    """The same checks as ``check_response`` for scale, choice and text questions, by hand."""
    findings: list[mf.Finding] = []
    if response.questionnaire != form.ref:
        findings.append(_error("response.wrong-questionnaire", "questionnaire", da="", en=""))
    answers = response.answers
    role = response.role
    known = set()
    visible: dict[str, mf.Answer] = {}
    for section in form.sections:
        for q in section.questions:
            qid = q.id
            known.add(qid)
            a = answers.get(qid)
            asked = role in q.answered_by
            shown = q.condition is None or q.condition.is_met(visible)
            path = "answers." + qid
            if a is None:
                if q.required and asked and shown:
                    findings.append(_error("response.missing-required", path, da="", en=""))
                continue
            if not asked:
                findings.append(_error("response.role-not-asked", path, da="", en=""))
            elif not shown:
                findings.append(_error("response.hidden-question-answered", path, da="", en=""))
            else:
                visible[qid] = a
            if not isinstance(a, q.answer_type):
                findings.append(_error("response.wrong-type", path, da="", en=""))
            elif isinstance(q, mf.ScaleQuestion):
                if not q.min <= a.value <= q.max:  # type: ignore[attr-defined]
                    findings.append(_error("response.out-of-range", path, da="", en=""))
            elif isinstance(q, mf.SingleChoiceQuestion):
                if a.value not in {o.code for o in q.options}:  # type: ignore[attr-defined]
                    findings.append(_error("response.unknown-option", path, da="", en=""))
            elif (
                isinstance(q, mf.TextQuestion)
                and q.max_length is not None
                and len(a.value) > q.max_length  # type: ignore[attr-defined]
            ):
                findings.append(_error("response.too-long", path, da="", en=""))
    for qid in answers:
        if qid not in known:
            findings.append(_error("response.unknown-question", "answers." + qid, da="", en=""))
    return findings


# --------------------------------------------------------------------------- pydantic peer


def pydantic_models() -> Any:
    """Pydantic v2 models of the same shape as a conversation of the benchmark round.

    Times are ``AwareDatetime`` with the zone name in a bracket suffix like ours would need a
    custom validator; the peer keeps the offset only (less work than ours, so a fair-to-them
    comparison). Answers are a discriminated union on ``type``.
    """
    import datetime as dt
    from typing import Annotated, Literal

    from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

    class _M(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class Ref(_M):
        id: str
        version: str

    class ParticipantM(_M):
        person: str
        role: Literal["employee", "leader", "group_member"]

    class Scale(_M):
        type: Literal["scale"]
        value: int

    class Choice(_M):
        type: Literal["single_choice"]
        value: str

    class Text(_M):
        type: Literal["text"]
        value: str

    AnswerM = Annotated[Scale | Choice | Text, Field(discriminator="type")]  # noqa: N806

    class ResponseM(_M):
        questionnaire: Ref
        role: Literal["employee", "leader", "group_member"]
        person: str
        answers: dict[str, AnswerM]
        submitted_at: AwareDatetime | None = None
        shared: bool = False

    class Change(_M):
        status: Literal["open", "in_progress", "done", "cancelled"]
        by: str
        at: AwareDatetime
        note: str = ""

    class AgreementM(_M):
        id: str
        description: str
        owner: str | None = None
        deadline: dt.date | None = None
        status: Literal["open", "in_progress", "done", "cancelled"] = "open"
        kind: Literal["goal", "development_activity", "task_change", "other"] = "other"
        history: tuple[Change, ...] = ()

    class ConversationM(_M):
        schema_version: int = 1
        id: str
        kind: Literal["MUS", "GRUS", "LUS", "FOLLOW_UP"]
        cycle: str | None = None
        unit: str | None = None
        participants: tuple[ParticipantM, ...] = ()
        scheduled_start: AwareDatetime | None = None
        duration: dt.timedelta = dt.timedelta(minutes=60)
        place: str = ""
        questionnaire: Ref | None = None
        responses: tuple[ResponseM, ...] = ()
        conclusions: tuple[str, ...] = ()
        goals: tuple[str, ...] = ()
        agreements: tuple[AgreementM, ...] = ()
        status: str = "planned"
        held_at: AwareDatetime | None = None

    return ConversationM


def strip_zone_names(data: Any) -> Any:
    """Our dumped data with ``[Europe/Copenhagen]`` suffixes removed (input for the peer)."""
    if isinstance(data, dict):
        return {k: strip_zone_names(v) for k, v in data.items()}
    if isinstance(data, list):
        return [strip_zone_names(v) for v in data]
    if isinstance(data, str) and data.endswith("]") and "[" in data:
        return data.partition("[")[0]
    return data


# --------------------------------------------------------------------------- validate floor

_HELD_OR_LATER = frozenset(
    {
        mf.ConversationStatus.HELD,
        mf.ConversationStatus.CONCLUDED,
        mf.ConversationStatus.SIGNED,
        mf.ConversationStatus.FOLLOWED_UP,
    }
)
_CANCELLED = mf.ConversationStatus.CANCELLED
_OPEN = mf.AgreementStatus.OPEN
_IN_PROGRESS = mf.AgreementStatus.IN_PROGRESS
_DEVELOPED = (mf.Role.EMPLOYEE, mf.Role.GROUP_MEMBER)
_ERROR = mf.Severity.ERROR


def _named(agreement: mf.Agreement) -> str:
    text = " ".join(agreement.description.split())
    if not text:
        return agreement.id
    return text if len(text) <= 60 else text[:59] + "…"


def _found(out: list[mf.Finding], c: mf.Conversation, code: str, rel: str, **params: Any) -> None:
    # The messages, the conversation's name and the path are made only here, for a finding
    # that is really made (and the messages are read lazily, like the library's).
    from musframework.catalogue import Message

    name = Message(f"object.conversation.{c.kind.value}", {"id": c.id})
    text = Message(code, params)
    message = Message("rule.finding-at", {"object": name, "text": text, "path": rel})
    out.append(mf.Finding(_ERROR, code, f"conversations[{c.id}].{rel}", message))


def floor_validate_round(
    cycle: mf.Cycle, conversations: list[mf.Conversation], org: mf.Organisation
) -> list[mf.Finding]:
    """A tight hand-written loop over the rules that matter on the benchmark round.

    Returns the findings the library would give (the same codes, paths, severities and
    catalogue messages, read lazily like the library's), sorted by path and code like the
    library's report. The rules: ``agreement.no-owner``, ``agreement.owner-not-participant``,
    ``agreement.no-deadline``, ``agreement.deadline-before-conversation``,
    ``carry-over.not-reviewed`` (held conversations), ``carry-over.missing`` (when the
    previous conversation is in the round) and ``coverage.missing-conversation``. The library
    also runs invitation, agenda, plan-window, signature and course rules, which find nothing
    on this data; the floor leaves them out, so it is a generous floor.

    Tight: one walk over each conversation's agreements, statuses compared by identity instead
    of the model's convenience properties, the participants' set and the conversation's day
    computed only when a rule needs them, no closure per conversation, and names, paths and
    messages made only for a finding that is made (``tests/test_benchmarks.py`` checks that it
    finds exactly what ``mf.validate`` finds).
    """
    from musframework.catalogue import Message

    out: list[mf.Finding] = []
    by_id = {c.id: c for c in conversations}
    covered: set[str] = set()
    cancelled: set[str] = set()
    cycle_id, cycle_kind = cycle.id, cycle.kind
    for c in conversations:
        status = c.status
        if c.cycle == cycle_id and c.kind is cycle_kind:  # a MUS round without LUS
            counted = covered if status is not _CANCELLED else cancelled
            for p in c.participants:
                if p.role in _DEVELOPED:
                    counted.add(p.person)
        agreements = c.agreements
        if agreements:
            held = status in _HELD_OR_LATER
            start = c.scheduled_start
            moment = c.held_at or start
            people: set[str] | None = None
            day = None
            for i, a in enumerate(agreements):
                owner = a.owner
                if not owner or not owner.strip():
                    _found(
                        out, c, "agreement.no-owner", f"agreements[{i}].owner", agreement=_named(a)
                    )
                else:
                    if people is None:
                        people = {p.person for p in c.participants}
                    if owner not in people:
                        _found(
                            out,
                            c,
                            "agreement.owner-not-participant",
                            f"agreements[{i}].owner",
                            agreement=_named(a),
                            owner=owner,
                        )
                st = a.status
                is_open = st is _OPEN or st is _IN_PROGRESS
                deadline = a.deadline
                if is_open and deadline is None:
                    _found(
                        out,
                        c,
                        "agreement.no-deadline",
                        f"agreements[{i}].deadline",
                        agreement=_named(a),
                    )
                if (
                    held
                    and a.continues is not None
                    and not any(start is None or h.at >= start for h in a.history)
                ):
                    _found(
                        out,
                        c,
                        "carry-over.not-reviewed",
                        f"agreements[{i}].history",
                        agreement=_named(a),
                    )
                elif is_open and deadline is not None and moment is not None:
                    if day is None:
                        day = moment.date()
                    if deadline < day:
                        _found(
                            out,
                            c,
                            "agreement.deadline-before-conversation",
                            f"agreements[{i}].deadline",
                            agreement=_named(a),
                            deadline=deadline,
                            day=day,
                        )
        previous = by_id.get(c.previous) if c.previous else None
        if previous is not None:
            carried = {a.continues for a in agreements}
            for a in previous.agreements:
                st = a.status
                if (st is _OPEN or st is _IN_PROGRESS) and a.id not in carried:
                    _found(
                        out,
                        c,
                        "carry-over.missing",
                        "agreements",
                        agreement=_named(a),
                        previous=previous.id,
                    )
    cycle_name = Message("object.cycle", {"id": cycle.id})
    for person in dict.fromkeys(org.members_in(cycle.scope)):
        if person in covered:
            continue
        msgid = "coverage.missing-conversation"
        if person in cancelled:
            msgid = "coverage.missing-conversation.cancelled"
        text = Message(msgid, {"person": person})
        message = Message("rule.finding-at", {"object": cycle_name, "text": text, "path": "scope"})
        out.append(
            mf.Finding(mf.Severity.WARNING, "coverage.missing-conversation", "scope", message)
        )
    # The library's order: path, severity, code, then the English text; the text (a catalogue
    # lookup and formatting) is read only where path, severity and code are equal.
    out.sort(key=lambda f: (f.path, f.severity.rank, f.code))
    i = 0
    while i < len(out):
        key = (out[i].path, out[i].severity, out[i].code)
        j = i + 1
        while j < len(out) and (out[j].path, out[j].severity, out[j].code) == key:
            j += 1
        if j - i > 1:
            out[i:j] = sorted(out[i:j], key=lambda f: f.text("en"))
        i = j
    return out


# --------------------------------------------------------------------------- rendering floor


def plan_documents_as_dicts(
    conversations: list[mf.Conversation],
    org: mf.Organisation,
    form: mf.Questionnaire,
    clock: mf.FixedClock,
) -> list[dict[str, Any]]:
    """The library's plan documents as plain dicts (built once, outside the timed part)."""
    import attr

    from musframework.rendering import _context, get_renderer
    from musframework.rendering.documents import build_document

    renderer = get_renderer("html")
    out = []
    for c in conversations:
        ctx = _context(
            c,
            renderer,
            locale="da",
            document="plan",
            people=org,
            questionnaire=form,
            role=None,
            conversations=(),
            clock=clock,
            on=None,
            timezone="Europe/Copenhagen",
            gap_threshold=None,
        )
        out.append(attr.asdict(build_document(c, ctx), retain_collection_types=True))
    return out


def jinja_floor_environment() -> Any:
    """Plain Jinja2 over the package's own HTML templates, with the library's settings.

    Keys are looked up before attributes, so a block's ``items`` is its key, not
    ``dict.items`` (the only change plain dicts need).
    """
    import os

    import jinja2

    from musframework.rendering._jinja import TEMPLATES
    from musframework.rendering.html import _chart_svg, _finalize

    class DictFirst(jinja2.Environment):
        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    env = DictFirst(
        loader=jinja2.FileSystemLoader(os.fspath(TEMPLATES)),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["chart_svg"] = _chart_svg  # the report's charts, as the renderer draws them
    return env


def floor_render_plans(env: Any, documents: list[dict[str, Any]]) -> list[str]:
    """Render each prepared plan document with the package's template and plain dicts."""
    template = env.get_template("html/document.html.j2")
    return [
        template.render(document=d, context=None, fragment=False, extra_css="", lang="da")
        for d in documents
    ]
