"""Document builders: model objects in, format-neutral :class:`~.blocks.Document` out.

Every renderer that lays out text (HTML, Markdown, plain text, Word) starts from the same
:func:`build_document`, so the documents say the same in every format. The round report's
figures come from :func:`round_figures`.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs
import pendulum

from musframework.catalogue import Message, translate
from musframework.model.agreement import Agreement, LearningMethod
from musframework.model.anonymity import MINIMUM_GROUP_SIZE, SuppressionReason
from musframework.model.conversation import (
    Conversation,
    ConversationStatus,
    ReviewComment,
)
from musframework.model.cycle import Cycle
from musframework.model.kinds import ConversationKind, Role
from musframework.model.plan import DevelopmentPlan
from musframework.model.questionnaire import Questionnaire
from musframework.model.questions import (
    DateQuestion,
    MultipleChoiceQuestion,
    NumberQuestion,
    Question,
    ScaleAnswer,
    ScaleQuestion,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from musframework.model.response import Response
from musframework.model.round import (
    AgreementState,
    CoverageState,
    PersonCoverage,
    agreement_counts,
    agreement_state,
    common_needs,
    counted_agreements,
    due_agreements,
    goal_threads,
    in_round,
    round_coverage,
    round_steps,
    scope_units,
    unit_of,
)
from musframework.model.scores import Score, is_scored, score_response
from musframework.model.source import DerivedSource, in_passes
from musframework.model.upward import UpwardSummary
from musframework.rendering._i18n import (
    enum_label,
    fmt_date,
    fmt_datetime,
    label,
    purpose,
    role_label,
)
from musframework.rendering.base import DocumentError, Names, RenderContext, isolate
from musframework.rendering.blocks import (
    Block,
    BulletList,
    Chart,
    Document,
    Facts,
    Field,
    Heading,
    Paragraph,
    Row,
    Table,
)
from musframework.signing import SignatureStatus, Verification, verify

__all__ = ["RoundFigures", "UnitFigures", "build_document", "round_figures"]


def build_document(obj: object, context: RenderContext) -> Document:
    """Build the document ``context.document`` from ``obj``.

    Raises:
        DocumentError: when ``obj`` cannot become that document.
    """
    doc = context.document
    loc = context.locale
    if doc == "form" and isinstance(obj, Questionnaire):
        return _form(obj, context.role or Role.EMPLOYEE, loc)
    if doc == "response" and isinstance(obj, Response):
        return _response(obj, context)
    if doc == "report" and isinstance(obj, Cycle):
        return _report(obj, context)
    if doc == "plan" and isinstance(obj, DevelopmentPlan):
        return _plan_from_plan(obj, context)
    if isinstance(obj, Conversation):
        if doc == "invitation":
            return _invitation(obj, context)
        if doc == "side_by_side":
            return _side_by_side(obj, context)
        if doc == "plan":
            return _plan_from_conversation(obj, context)
        if doc == "follow_up":
            return _follow_up(obj, context)
        if doc == "guide":
            return _guide(obj, context)
    raise DocumentError(
        Message("error.render.cannot-make", {"document": doc, "type": type(obj).__name__})
    )


# ------------------------------------------------------------------ shared pieces


def _minutes(n: int, loc: str) -> str:
    return label("minutes", loc, n=n)


def _kind_title(conversation: Conversation, loc: str) -> str:
    return enum_label(conversation.kind, loc)


def _cap(text: str) -> str:
    """``text`` with a capital first letter, for a role word used as a label."""
    return text[:1].upper() + text[1:]


def _conversation_day(conversation: Conversation) -> pendulum.Date | None:
    moment = conversation.held_at or conversation.scheduled_start
    return None if moment is None else moment.date()


def _conversation_text(kind: ConversationKind | None, day: pendulum.Date | None, loc: str) -> str:
    """Which conversation a document comes from: "MUS-samtale den 12. marts 2026"."""
    if kind is None:
        return fmt_date(day, loc) if day is not None else label("not_set", loc)
    name = enum_label(kind, loc)
    if day is None:
        return label("conversation.undated", loc, kind=name)
    return label("conversation.on", loc, kind=name, date=fmt_date(day, loc))


def _agreement_rows(agreements: Iterable[Agreement], names: Names, loc: str) -> tuple[Row, ...]:
    return tuple(
        Row(
            (
                a.description,
                names.name(a.owner),
                fmt_date(a.deadline, loc),
                enum_label(a.status, loc),
                "" if a.learning_method is None else enum_label(a.learning_method, loc),
            )
        )
        for a in agreements
    )


def _agreement_table(agreements: Iterable[Agreement], names: Names, loc: str) -> Table:
    return Table(
        columns=tuple(label(k, loc) for k in ("what", "owner", "deadline", "status", "method")),
        rows=_agreement_rows(agreements, names, loc),
        role="agreements",
        empty=label("none", loc),
    )


_STATUS_LABELS = {
    SignatureStatus.VALID: "valid",
    SignatureStatus.VOID: "void",
    SignatureStatus.INVALID: "invalid",
    SignatureStatus.UNVERIFIED: "unverified",
}


def _signature_blocks(
    obj: Conversation | DevelopmentPlan,
    signers: Sequence[tuple[str, Role]],
    ctx: RenderContext,
    kind: ConversationKind | None = None,
) -> tuple[Block, ...]:
    """The signature table (checked now, roles named for ``kind``) and a one-line summary."""
    loc, names = ctx.locale, ctx.names
    checked = verify(obj, ctx.signer)
    rows: list[Row] = []
    signed_people = set()
    for check in checked.checks:
        s = check.signature
        signed_people.add(s.person)
        rows.append(
            Row(
                (
                    names.name(s.person),
                    role_label(kind, s.role, loc),
                    fmt_datetime(s.signed_at, loc),
                    label(_STATUS_LABELS[check.status], loc),
                ),
                highlight=check.status is not SignatureStatus.VALID,
            )
        )
    for person, role in signers:
        if person not in signed_people:
            rows.append(
                Row((names.name(person), role_label(kind, role, loc), "", label("unsigned", loc)))
            )
    table = Table(
        columns=tuple(label(k, loc) for k in ("name", "role", "signed", "validity")),
        rows=tuple(rows),
        role="signatures",
    )
    summary = _signature_summary(checked, loc)
    return (table,) if summary is None else (table, Paragraph(summary, style="note"))


def _signature_summary(checked: Verification, loc: str) -> str | None:
    """The line "Signed by both on D1; redacted on D2 (GDPR art. 17)", or ``None``."""
    statuses = [checked.status_of(p) for p in checked.required]
    good = (SignatureStatus.VALID, SignatureStatus.UNVERIFIED)
    if not statuses or any(s not in good for s in statuses):
        return None
    if any(c.status is SignatureStatus.INVALID for c in checked.checks):
        return None
    moments = [
        c.signature.signed_at
        for c in checked.checks
        if c.signature.person in checked.required and c.status in good
    ]
    day = fmt_date(max(moments).date(), loc)
    key = "signed-by-both" if len(checked.required) == 2 else "signed-by-all"
    text = label(key, loc, date=day)
    if SignatureStatus.UNVERIFIED in statuses:
        text = label("signed-unverified", loc, summary=text)
    for redaction, status in checked.redactions:
        msgid = f"doc.redaction.{redaction.reason}"
        reason = translate(msgid, loc)
        if reason == msgid:  # an app's own reason code: shown as it is
            reason = redaction.reason
        step = label("redacted-on", loc, date=fmt_date(redaction.at.date(), loc), reason=reason)
        if status is not SignatureStatus.VALID:
            step = label("redacted-unverified", loc, step=step)
        text = label("summary-then", loc, first=text, then=step)
    return text


# ------------------------------------------------------------------ invitation


def _invitation(c: Conversation, ctx: RenderContext) -> Document:
    loc, names = ctx.locale, ctx.names
    who = [
        f"{isolate(names.name(p.person))} ({role_label(c.kind, p.role, loc)})"
        for p in c.participants
    ]
    when = fmt_datetime(c.scheduled_start, loc) if c.scheduled_start else label("not_set", loc)
    facts: list[tuple[str, str]] = [
        (label("who", loc), ", ".join(who)),
        (label("when", loc), when),
        (label("where", loc), c.place or label("not_set", loc)),
        (label("duration", loc), _minutes(int(c.duration.total_minutes()), loc)),
    ]
    if c.status is ConversationStatus.CANCELLED:
        facts.append((label("status", loc), label("cancelled", loc)))
    blocks: list[Block] = [
        Facts(tuple(facts)),
        Heading(label("purpose", loc)),
        Paragraph(purpose(c.kind, loc)),
        Heading(label("prepare", loc)),
        Paragraph(label("prepare.text", loc)),
    ]
    inv = c.invitation
    attached = label("prepare.form", loc)
    said = inv is not None and " ".join(attached.split()) in " ".join(inv.message.split())
    if (inv is None or inv.form_attached) and not said:  # say it once, not twice
        blocks.append(Paragraph(attached))
    if inv is not None and inv.message.strip():
        blocks.append(Heading(label("message", loc), level=3))
        blocks.append(Paragraph(inv.message, style="note"))
        if inv.sent_by:
            blocks.append(Paragraph(names.name(inv.sent_by), style="muted"))
    blocks.append(Heading(label("agenda", loc)))
    rows = [Row((item.title.get(loc), _minutes(item.minutes, loc))) for item in c.agenda]
    if rows:
        total = sum(item.minutes for item in c.agenda)
        rows.append(Row((label("agenda.total", loc), _minutes(total, loc))))
    blocks.append(
        Table(
            columns=(label("agenda.point", loc), label("duration", loc)),
            rows=tuple(rows),
            role="agenda",
            empty=label("none", loc),
        )
    )
    if inv is not None and inv.respond_by is not None:
        respond = fmt_date(inv.respond_by, loc, weekday=True)
    elif c.scheduled_start is not None:
        day_before = c.scheduled_start.date().subtract(days=1)
        respond = fmt_date(day_before, loc, weekday=True)
    else:
        respond = label("return_before", loc)
    blocks.append(Facts(((label("return_by", loc), respond),)))
    if c.kind is ConversationKind.LUS and ctx.upward_feedback is not None:
        blocks.extend(_upward_blocks(ctx.upward_feedback, ctx))
    return Document(
        name="invitation",
        title=label(
            "invitation.title", loc, kind=_conversation_text(c.kind, _conversation_day(c), loc)
        ),
        locale=loc,
        blocks=tuple(blocks),
    )


def _upward_blocks(summary: UpwardSummary, ctx: RenderContext) -> list[Block]:
    """The staff's upward feedback in a LUS preparation: the aggregate, or why there is none."""
    loc = ctx.locale
    blocks: list[Block] = [Heading(label("upward.title", loc))]
    marker = summary.suppressed
    if marker is not None:
        key = "upward.small-staff" if marker.reason is SuppressionReason.POOLED else "upward.few"
        text = label(key, loc, staff=summary.staff, answered=summary.answered, n=marker.minimum)
        blocks.append(Paragraph(text, style="note"))
        return blocks
    blocks.append(
        Paragraph(
            label("upward.counted", loc, counted=summary.counted, staff=summary.staff)
            + " "
            + label("upward.steps", loc, n=summary.minimum)
        )
    )
    rows = []
    for q in summary.questions:
        mean = "–" if q.mean is None else f"{q.mean:.1f}"
        spread = " · ".join(f"{code}: {n}" for code, n in q.counts)
        rows.append(Row((q.text.get(loc), mean.replace(".", ",") if loc == "da" else mean, spread)))
    blocks.append(
        Table(
            columns=(
                label("upward.question", loc),
                label("upward.mean", loc),
                label("upward.answers", loc),
            ),
            rows=tuple(rows),
            role="upward",
            empty=label("none", loc),
        )
    )
    return blocks


# ------------------------------------------------------------------ leader's guide

GOOD_CONVERSATION = (
    "open-questions",
    "time-for-both",
    "employee-first",
    "constructive",
    "own-behalf",
    "no-generalising",
    "no-sarcasm",
)
"""The good-conversation advice of seeds 001 and 002 §3.6, as the catalogue's
``doc.guide.advice.<key>`` messages, in the order the guide lists it."""


def _guide(c: Conversation, ctx: RenderContext) -> Document:
    """The leader's guide to one conversation.

    The agenda with minutes and each part's guidance, the good-conversation advice, the
    agreements to review, and what the people developed have shared of their preparation
    (only shared responses are shown).
    """
    loc, names, q = ctx.locale, ctx.names, ctx.questionnaire
    when = fmt_datetime(c.scheduled_start, loc) if c.scheduled_start else label("not_set", loc)
    blocks: list[Block] = [
        Facts(
            (
                (label("conversation", loc), _kind_title(c, loc)),
                (label("employee", loc), names.join(c.developed)),
                (label("when", loc), when),
                (label("where", loc), c.place or label("not_set", loc)),
                (label("duration", loc), _minutes(int(c.duration.total_minutes()), loc)),
            )
        ),
        Heading(label("purpose", loc)),
        Paragraph(purpose(c.kind, loc)),
        Heading(label("agenda", loc)),
    ]
    sections = {s.id: s for s in q.sections} if q is not None else {}
    rows = []
    for item in c.agenda:
        section = sections.get(item.section or "")
        advice = section.guidance.get(loc) if section is not None and section.guidance else ""
        rows.append(Row((item.title.get(loc), _minutes(item.minutes, loc), advice)))
    if rows:
        total = sum(item.minutes for item in c.agenda)
        rows.append(Row((label("agenda.total", loc), _minutes(total, loc), "")))
    blocks.append(
        Table(
            columns=(
                label("agenda.point", loc),
                label("duration", loc),
                label("guide.advice", loc),
            ),
            rows=tuple(rows),
            role="agenda",
            empty=label("none", loc),
        )
    )
    blocks += [
        Heading(label("guide.good-conversation", loc)),
        BulletList(tuple(label(f"guide.advice.{key}", loc) for key in GOOD_CONVERSATION)),
        Heading(label("guide.review", loc)),
        Paragraph(label("guide.review.text", loc), style="muted"),
        _agreement_table([a for a in c.agreements if a.continues is not None], names, loc),
        Heading(label("guide.shared", loc)),
    ]
    shared = [r for r in c.responses if r.shared and r.person in c.developed]
    if not shared:
        blocks.append(Paragraph(label("guide.shared.none", loc), style="muted"))
    questions = {question.id: question for question in q.questions()} if q is not None else {}
    for r in shared:
        blocks.append(Heading(names.name(r.person), level=3))
        order = [qid for qid in questions if qid in r.answers]
        order += [qid for qid in r.answers if qid not in questions]
        blocks.append(
            Table(
                columns=(label("question", loc), label("answer", loc)),
                rows=tuple(
                    Row(
                        (
                            questions[qid].text.get(loc) if qid in questions else qid,
                            _answer_text(questions.get(qid), r, qid, loc),
                        )
                    )
                    for qid in order
                ),
                role="answers",
                empty=label("none", loc),
            )
        )
    return Document(
        name="guide",
        title=label("guide.title", loc, kind=_kind_title(c, loc)),
        locale=loc,
        blocks=tuple(blocks),
    )


# ------------------------------------------------------------------ blank form


def _field(q: Question, number: int, loc: str, role: Role | None = None) -> Field:
    base = Field(
        id=q.id,
        number=str(number),
        text=q.text_for(role).get(loc),
        help="" if q.help is None else q.help.get(loc),
        required=q.required,
    )
    if isinstance(q, ScaleQuestion):
        points = tuple(
            (str(v), "" if q.label_for(v) is None else q.label_for(v).get(loc))  # type: ignore[union-attr]
            for v in range(q.min, q.max + 1)
        )
        return attrs.evolve(base, input="scale", choices=points, hint=label("choose_one", loc))
    if isinstance(q, SingleChoiceQuestion):
        options = tuple((o.code, o.label.get(loc)) for o in q.options)
        return attrs.evolve(base, input="single", choices=options, hint=label("choose_one", loc))
    if isinstance(q, MultipleChoiceQuestion):
        options = tuple((o.code, o.label.get(loc)) for o in q.options)
        hint = (
            label("choose_any", loc)
            if q.max_selected is None
            else label("choose_at_most", loc, n=q.max_selected)
        )
        return attrs.evolve(base, input="multiple", choices=options, hint=hint)
    if isinstance(q, YesNoQuestion):
        choices = (("yes", label("yes", loc)), ("no", label("no", loc)))
        return attrs.evolve(base, input="yes_no", choices=choices, hint=label("choose_one", loc))
    if isinstance(q, NumberQuestion):
        if q.min is not None and q.max is not None:
            hint = label("number_range", loc, lo=_num(q.min), hi=_num(q.max))
        else:
            hint = label("number_any", loc)
        if q.integer:
            hint += f" ({label('whole_number', loc)})"
        return attrs.evolve(base, input="number", hint=hint)
    if isinstance(q, DateQuestion):
        return attrs.evolve(base, input="date", hint=label("date_hint", loc))
    if isinstance(q, TextQuestion):
        return attrs.evolve(base, input="lines" if q.long else "line", lines=6 if q.long else 1)
    # A custom question type: lines to write on; its own answer_text shows filled answers.
    return attrs.evolve(base, input="lines", lines=3)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _form(q: Questionnaire, role: Role, loc: str) -> Document:
    blocks: list[Block] = [
        Facts(((label("form.name", loc), ""), (label("form.date", loc), ""))),
    ]
    if q.intro is not None:
        blocks.append(Paragraph(q.intro.get(loc)))
    number = 0
    for section in q.sections:
        title = section.title.get(loc)
        if section.minutes:
            title = f"{title} ({_minutes(section.minutes, loc)})"
        blocks.append(Heading(title))
        if section.preparation is not None:
            blocks.append(Paragraph(section.preparation.get(loc), style="note"))
        if section.guidance is not None:
            blocks.append(
                Paragraph(
                    label("form.in_meeting", loc, text=section.guidance.get(loc)), style="muted"
                )
            )
        for question in section.questions_for(role):
            number += 1
            blocks.append(_field(question, number, loc, role))
    return Document(
        name="form",
        title=q.title.get(loc),
        subtitle=f"{label('form.title', loc)} · "
        f"{label('form.for', loc, role=enum_label(role, loc))}",
        locale=loc,
        blocks=tuple(blocks),
    )


# ------------------------------------------------------------------ response


def _answer_text(q: Question | None, response: Response, qid: str, loc: str) -> str:
    answer = response.answers.get(qid)
    if answer is None:
        return label("no_answer", loc)
    if q is None:
        return str(answer.comparable)
    return q.answer_text(answer, loc)


def _response(r: Response, ctx: RenderContext) -> Document:
    loc, q = ctx.locale, ctx.questionnaire
    facts = [
        (label("respondent", loc), f"{ctx.names.name(r.person)} ({enum_label(r.role, loc)})"),
        (label("questionnaire", loc), str(r.questionnaire)),
        (
            label("submitted", loc),
            fmt_datetime(r.submitted_at, loc) if r.submitted_at else label("not_submitted", loc),
        ),
        (label("shared", loc), label("yes" if r.shared else "no", loc)),
    ]
    rows: list[Row] = []
    if q is not None and q.id == r.questionnaire.id:
        known = set()
        for question in q.questions():
            known.add(question.id)
            if question.id in r.answers:
                rows.append(
                    Row((question.text.get(loc), _answer_text(question, r, question.id, loc)))
                )
        rows.extend(
            Row((qid, _answer_text(None, r, qid, loc))) for qid in r.answers if qid not in known
        )
    else:
        rows = [Row((qid, _answer_text(None, r, qid, loc))) for qid in r.answers]
    return Document(
        name="response",
        title=label("response.title", loc),
        locale=loc,
        blocks=(
            Facts(tuple(facts)),
            Table(
                columns=(label("question", loc), label("answer", loc)),
                rows=tuple(rows),
                role="answers",
                empty=label("none", loc),
            ),
        ),
    )


# ------------------------------------------------------------------ side by side


def _side_by_side(c: Conversation, ctx: RenderContext) -> Document:
    loc, names, q = ctx.locale, ctx.names, ctx.questionnaire
    order = [*c.developed, *c.people_in(Role.LEADER)]
    respondents = [r for p in order if (r := c.response_of(p)) is not None]
    # The gap column only where there are ratings to compare.
    rated = q is None or any(isinstance(x, ScaleQuestion) for x in q.questions())
    columns = (
        label("question", loc),
        *(f"{names.name(r.person)} ({role_label(c.kind, r.role, loc)})" for r in respondents),
        *((label("gap", loc),) if rated else ()),
    )
    blocks: list[Block] = [
        Facts(
            (
                (label("conversation", loc), _conversation_text(c.kind, _conversation_day(c), loc)),
                (label("who", loc), names.join(c.participant_ids)),
            )
        )
    ]
    thresholds: set[int] = set()

    def row_for(question: Question | None, qid: str, text: str) -> Row:
        cells = [text]
        ratings: list[int] = []
        for r in respondents:
            answer = r.answers.get(qid)
            if question is not None and not question.asks(r.role):
                cells.append(label("not_asked", loc))  # not "–": nobody asked them
            elif answer is None:
                cells.append(label("not_answered", loc))
            else:
                cells.append(_answer_text(question, r, qid, loc))
            if isinstance(question, ScaleQuestion) and isinstance(answer, ScaleAnswer):
                ratings.append(answer.value)
        highlight = False
        if isinstance(question, ScaleQuestion) and len(ratings) >= 2:
            gap = max(ratings) - min(ratings)
            threshold = ctx.gap_threshold or max(1, math.ceil((question.max - question.min) / 2))
            thresholds.add(threshold)
            highlight = gap >= threshold
            cells.append(str(gap))
        elif rated:
            cells.append("")
        return Row(tuple(cells), highlight=highlight)

    if q is not None:
        for section in q.sections:
            asked = [
                x for x in section.questions if any(x.asks(r.role) for r in respondents)
            ] or list(section.questions)
            if not asked:
                continue
            blocks.append(Heading(section.title.get(loc)))
            blocks.append(
                Table(
                    columns=columns,
                    rows=tuple(row_for(x, x.id, x.text.get(loc)) for x in asked),
                    role="side-by-side",
                )
            )
    else:
        qids = list(dict.fromkeys(qid for r in respondents for qid in r.answers))
        blocks.append(
            Table(
                columns=columns,
                rows=tuple(row_for(None, qid, qid) for qid in qids),
                role="side-by-side",
                empty=label("none", loc),
            )
        )
    if thresholds:
        blocks.append(Paragraph(label("gap.note", loc, n=min(thresholds)), style="muted"))
    if q is not None and respondents and any(is_scored(x) for x in q.questions()):
        blocks.extend(_score_blocks(q, respondents, columns[1:-1], loc))
    return Document(
        name="side_by_side",
        title=label("side.title", loc),
        subtitle=" · ".join(
            x
            for x in (
                _conversation_text(c.kind, _conversation_day(c), loc),
                "" if q is None else q.title.get(loc),
            )
            if x
        ),
        locale=loc,
        blocks=tuple(blocks),
    )


def _score_cell(score: Score, loc: str) -> str:
    percent = score.percent
    if percent is None:
        return label("score.none", loc)
    return label("score.value", loc, percent=round(percent), answered=score.answered)


def _score_blocks(
    q: Questionnaire, respondents: Sequence[Response], names: Sequence[str], loc: str
) -> list[Block]:
    """Each respondent's section and form scores (``musframework.model.scores``), side by side."""
    scores = [score_response(q, r) for r in respondents]
    rows = [
        Row((section.title.get(loc), *(_score_cell(s.sections[i].score, loc) for s in scores)))
        for i, section in enumerate(q.sections)
        if scores[0].sections[i].scored
    ]
    rows.append(Row((label("score.whole-form", loc), *(_score_cell(s.total, loc) for s in scores))))
    return [
        Heading(label("score.title", loc)),
        Table(columns=(label("score.section", loc), *names), rows=tuple(rows), role="scores"),
        Paragraph(label("score.note", loc), style="muted"),
    ]


# ------------------------------------------------------------------ development plan


def _plan_blocks(
    *,
    goals: Sequence[str],
    conclusions: Sequence[str],
    conclusions_by: str | None = None,
    review_comments: Sequence[ReviewComment] = (),
    practice: Sequence[str],
    agreements: Sequence[Agreement],
    follow_up: pendulum.Date | None,
    next_date: pendulum.Date | None,
    signature_blocks: tuple[Block, ...],
    head: Facts,
    ctx: RenderContext,
) -> tuple[Block, ...]:
    loc = ctx.locale
    blocks: list[Block] = [head]
    if conclusions:
        blocks += [Heading(label("conclusions", loc)), BulletList(tuple(conclusions))]
        if conclusions_by is not None:
            blocks.append(Facts(((label("conclusions_by", loc), ctx.names.name(conclusions_by)),)))
    if review_comments:
        blocks += [
            Heading(label("review_comments", loc)),
            BulletList(
                tuple(
                    label("review_comment", loc, name=ctx.names.name(r.person), text=r.text)
                    for r in review_comments
                )
            ),
        ]
    blocks += [
        Heading(label("goals", loc)),
        BulletList(tuple(goals), empty=label("none", loc)),
    ]
    if practice:
        blocks += [Heading(label("practice", loc)), BulletList(tuple(practice))]
    blocks += [
        Heading(label("agreements", loc)),
        _agreement_table(agreements, ctx.names, loc),
        Facts(
            (
                (label("follow_up_date", loc), fmt_date(follow_up, loc) or label("not_set", loc)),
                (
                    label("next_conversation", loc),
                    fmt_date(next_date, loc) or label("not_set", loc),
                ),
            )
        ),
        Heading(label("signatures", loc)),
        *signature_blocks,
    ]
    return tuple(blocks)


def _plan_title(
    name: str, kind: ConversationKind | None, day: pendulum.Date | None, loc: str
) -> str:
    """The plan's title, naming the person and the conversation (kind and date)."""
    if kind is None or day is None:
        return label("plan.for", loc, name=name)
    return label(
        "plan.for.conversation", loc, name=name, kind=enum_label(kind, loc), date=fmt_date(day, loc)
    )


def _plan_from_conversation(c: Conversation, ctx: RenderContext) -> Document:
    loc, names = ctx.locale, ctx.names
    signers = [(p.person, p.role) for p in c.participants]
    developed_role = Role.GROUP_MEMBER if c.kind is ConversationKind.GRUS else Role.EMPLOYEE
    what = _conversation_text(c.kind, _conversation_day(c), loc)
    head = Facts(
        (
            (label("conversation", loc), what),
            (_cap(role_label(c.kind, developed_role, loc)), names.join(c.developed)),
            (_cap(role_label(c.kind, Role.LEADER, loc)), names.name(c.leader)),
        )
    )
    blocks = _plan_blocks(
        goals=c.goals,
        conclusions=c.conclusions,
        conclusions_by=c.conclusions_by,
        review_comments=c.review_comments,
        practice=c.practice_changes,
        agreements=c.agreements,
        follow_up=c.follow_up_date,
        next_date=c.next_conversation_date,
        signature_blocks=_signature_blocks(c, signers, ctx, c.kind),
        head=head,
        ctx=ctx,
    )
    title = (
        _plan_title(names.join(c.developed), c.kind, _conversation_day(c), loc)
        if c.developed
        else label("plan.title", loc)
    )
    return Document(name="plan", title=title, locale=loc, blocks=blocks)


def _plan_from_plan(p: DevelopmentPlan, ctx: RenderContext) -> Document:
    loc, names = ctx.locale, ctx.names
    developed_role = Role.GROUP_MEMBER if p.kind is ConversationKind.GRUS else Role.EMPLOYEE
    signers: list[tuple[str, Role]] = [(p.person, developed_role)]
    if p.leader is not None:
        signers.append((p.leader, Role.LEADER))
    facts: list[tuple[str, str]] = []
    if p.kind is not None or p.conversation_date is not None:
        facts.append(
            (label("conversation", loc), _conversation_text(p.kind, p.conversation_date, loc))
        )
    facts += [
        (_cap(role_label(p.kind, developed_role, loc)), names.name(p.person)),
        (_cap(role_label(p.kind, Role.LEADER, loc)), names.name(p.leader)),
    ]
    head = Facts(tuple(facts))
    blocks = _plan_blocks(
        goals=p.goals,
        conclusions=p.conclusions,
        conclusions_by=p.conclusions_by,
        review_comments=p.review_comments,
        practice=p.practice_changes,
        agreements=p.activities,
        follow_up=p.follow_up_date,
        next_date=p.next_conversation_date,
        signature_blocks=_signature_blocks(p, signers, ctx, p.kind),
        head=head,
        ctx=ctx,
    )
    title = _plan_title(names.name(p.person), p.kind, p.conversation_date, loc)
    return Document(name="plan", title=title, locale=loc, blocks=blocks)


# ------------------------------------------------------------------ follow-up status


def _follow_up(c: Conversation, ctx: RenderContext) -> Document:
    loc, names = ctx.locale, ctx.names
    notes = {} if c.follow_up is None else {e.agreement: e for e in c.follow_up.entries}
    rows = []
    for a in c.agreements:
        entry = notes.get(a.id)
        status = entry.status if entry is not None else a.status
        note = entry.note if entry is not None else ""
        last = a.history[-1] if a.history else None
        latest = ""
        if last is not None:
            latest = f"{fmt_date(last.at.date(), loc)}, {names.name(last.by)}"
            if last.note:
                latest += f": {last.note}"
        rows.append(
            Row(
                (
                    a.description,
                    names.name(a.owner),
                    fmt_date(a.deadline, loc),
                    enum_label(status, loc),
                    note,
                    latest,
                ),
                highlight=agreement_counts(c, a) and a.is_overdue(ctx.on),
            )
        )
    developed_role = Role.GROUP_MEMBER if c.kind is ConversationKind.GRUS else Role.EMPLOYEE
    facts = [
        (label("conversation", loc), _conversation_text(c.kind, _conversation_day(c), loc)),
        (_cap(role_label(c.kind, developed_role, loc)), names.join(c.developed)),
        (_cap(role_label(c.kind, Role.LEADER, loc)), names.name(c.leader)),
        (label("follow_up_date", loc), fmt_date(c.follow_up_date, loc) or label("not_set", loc)),
    ]
    blocks: list[Block] = []
    if c.follow_up is not None:
        facts.append(
            (
                label("followup.held", loc),
                f"{fmt_datetime(c.follow_up.held_at, loc)}, {names.name(c.follow_up.by)}",
            )
        )
    blocks.append(Facts(tuple(facts)))
    if c.follow_up is not None and c.follow_up.note.strip():
        blocks.append(Paragraph(c.follow_up.note, style="note"))
    blocks += [
        Heading(label("agreements", loc)),
        Table(
            columns=tuple(
                label(k, loc) for k in ("what", "owner", "deadline", "status", "note", "history")
            ),
            rows=tuple(rows),
            role="follow-up",
            empty=label("none", loc),
        ),
    ]
    return Document(
        name="follow_up",
        title=label("followup.title", loc),
        subtitle=_conversation_text(c.kind, _conversation_day(c), loc),
        locale=loc,
        blocks=tuple(blocks),
    )


# ------------------------------------------------------------------ round report


@attrs.frozen
class UnitFigures:
    """One unit's line in a round report.

    Attributes:
        unit: The unit id (``None`` for conversations without a unit).
        by_status: Conversations per status.
        in_scope: People in the round's scope through this unit (``None`` without an
            organisation, or for a unit outside the scope).
        covered: Of those, how many have held their conversation (held or later).
        by_kind: Conversations per kind and status (the report has one table per kind).
    """

    unit: str | None
    by_status: dict[ConversationStatus, int]
    in_scope: int | None
    covered: int | None
    by_kind: dict[ConversationKind, dict[ConversationStatus, int]] = attrs.field(factory=dict)

    @property
    def total(self) -> int:
        """All the unit's conversations."""
        return sum(self.by_status.values())


@attrs.frozen
class RoundFigures:
    """The figures of a round report, computed by :func:`round_figures`.

    Coverage and deadlines are the round facts of :mod:`musframework.model.round`.

    Attributes:
        units: One line per unit, in organisation order (units without conversations included
            when an organisation is given); a conversation's unit is
            :func:`~musframework.model.round.unit_of`.
        people: Everyone in the round's scope with their coverage state (empty without an
            organisation: the scope needs it).
        overdue: ``(conversation, agreement)`` pairs that count and are past their deadline
            on the day ``on``.
        upcoming: ``(conversation, agreement)`` pairs that count and are due within the
            window.
    """

    units: tuple[UnitFigures, ...]
    people: tuple[PersonCoverage, ...]
    overdue: tuple[tuple[Conversation, Agreement], ...]
    upcoming: tuple[tuple[Conversation, Agreement], ...]

    def count(self, state: CoverageState | str) -> int:
        """People in scope in coverage ``state`` (covered, planned, cancelled, missing)."""
        wanted = CoverageState(state)
        return sum(1 for p in self.people if p.state is wanted)

    @property
    def in_scope(self) -> int:
        """People in the round's scope."""
        return len(self.people)

    @property
    def covered(self) -> int:
        """People in scope who have held their conversation."""
        return self.count(CoverageState.COVERED)

    @property
    def coverage(self) -> float | None:
        """``covered / in_scope``, or ``None`` with nobody in scope."""
        return None if not self.people else self.covered / len(self.people)


def round_figures(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    names: Names,
    *,
    on: pendulum.Date,
    upcoming_days: int = 30,
) -> RoundFigures:
    """Count a round's conversations by status and unit, its coverage and its deadlines.

    Coverage (with an organisation in ``names``) is
    :func:`musframework.model.round.round_coverage`; the deadlines are the agreements that
    count (:func:`musframework.model.round.due_agreements`), overdue on ``on`` or due within
    ``upcoming_days`` days.
    """
    convs = in_passes(conversations)
    org = names.organisation
    counts: dict[str | None, dict[ConversationStatus, int]] = {}
    kinds: dict[str | None, dict[ConversationKind, dict[ConversationStatus, int]]] = {}
    for c in convs:
        home = unit_of(c, org)
        per = counts.setdefault(home, {})
        per[c.status] = per.get(c.status, 0) + 1
        of_kind = kinds.setdefault(home, {}).setdefault(c.kind, {})
        of_kind[c.status] = of_kind.get(c.status, 0) + 1
    units: list[UnitFigures] = []
    people: tuple[PersonCoverage, ...] = ()
    if org is not None:
        people = round_coverage(cycle, convs, org)
        scoped: dict[str, list[int]] = {}
        for p in people:
            row = scoped.setdefault(p.unit, [0, 0])
            row[0] += 1
            row[1] += p.state is CoverageState.COVERED
        for unit in scope_units(cycle, org):
            in_scope, covered = scoped.get(unit.id, (0, 0))
            by_kind = kinds.get(unit.id, {})
            units.append(UnitFigures(unit.id, counts.pop(unit.id, {}), in_scope, covered, by_kind))
    units.extend(
        UnitFigures(unit_id, per, None, None, kinds.get(unit_id, {}))
        for unit_id, per in counts.items()
    )
    overdue: list[tuple[Conversation, Agreement]] = []
    upcoming: list[tuple[Conversation, Agreement]] = []
    for state, counted in due_agreements(convs, on=on, within_days=upcoming_days):
        pair = (counted.conversation, counted.agreement)
        (overdue if state is AgreementState.OVERDUE else upcoming).append(pair)

    def order(p: tuple[Conversation, Agreement]) -> tuple[object, ...]:
        return (p[1].deadline, p[0].id, p[1].id)

    return RoundFigures(
        units=tuple(units),
        people=people,
        overdue=tuple(sorted(overdue, key=order)),
        upcoming=tuple(sorted(upcoming, key=order)),
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


_PROGRESS = (
    ("report.not_held", ConversationStatus.NOT_YET_HELD),
    ("report.held", ConversationStatus.HELD_OR_LATER - ConversationStatus.SIGNED_OR_LATER),
    ("report.signed", ConversationStatus.SIGNED_OR_LATER),
    ("report.cancelled", frozenset({ConversationStatus.CANCELLED})),
)


def _who(c: Conversation, names: Names, loc: str) -> str:
    """A conversation as a report names it: "GRUS-samtale: Borgerservice", "MUS-samtale: Ane"."""
    kind = enum_label(c.kind, loc)
    if c.kind is ConversationKind.GRUS and c.unit is not None:
        who = names.unit(c.unit)
    else:
        who = names.join(c.developed)
    return label("report.conversation_of", loc, kind=kind, who=who) if who else kind


def _report(cycle: Cycle, ctx: RenderContext) -> Document:
    loc, names, convs = ctx.locale, ctx.names, ctx.conversations
    figures = round_figures(cycle, convs, names, on=ctx.on, upcoming_days=ctx.upcoming_days)
    org = names.organisation
    held = Counter((c.kind, c.status) for c in convs)  # one pass, not one per kind and status
    kinds = [k for k in ConversationKind if any(kind is k for kind, _ in held)]

    def unit_name(unit: str | None) -> str:
        return label("no_unit", loc) if unit is None else names.unit(unit)

    per_kind = {k: sum(n for (kind, _), n in held.items() if kind is k) for k in kinds}
    head = Facts(
        (
            (
                label("report.kinds", loc),
                ", ".join(
                    label("report.kind_count", loc, kind=_cap(enum_label(k, loc)), n=n)
                    for k, n in per_kind.items()
                )
                or label("none", loc),
            ),
            (
                label("period", loc),
                f"{fmt_date(cycle.period.start, loc)} – {fmt_date(cycle.period.end, loc)}",
            ),
            (label("today", loc), fmt_date(ctx.on, loc)),
        )
    )
    blocks: list[Block] = [head, Heading(label("coverage", loc))]

    # Coverage: the round facts (model.round.round_coverage through round_figures).
    if org is not None:
        blocks.append(
            Paragraph(
                label(
                    "coverage.text",
                    loc,
                    covered=figures.covered,
                    total=figures.in_scope,
                    pct=_pct(figures.coverage),
                    planned=figures.count(CoverageState.PLANNED),
                    cancelled=figures.count(CoverageState.CANCELLED),
                    missing=figures.count(CoverageState.MISSING),
                )
            )
        )
        states = list(CoverageState)
        counts: dict[str, dict[CoverageState, int]] = {}
        for person in figures.people:
            row = counts.setdefault(person.unit, {})
            row[person.state] = row.get(person.state, 0) + 1
        units = [u.unit for u in figures.units if u.unit is not None and u.in_scope]
        values = tuple(tuple(counts.get(u, {}).get(st, 0) for st in states) for u in units)
        needs_action = (CoverageState.CANCELLED, CoverageState.MISSING)
        table = Table(
            columns=(
                label("unit", loc),
                label("report.in_scope", loc),
                *(_cap(enum_label(st, loc)) for st in states),
            ),
            rows=tuple(
                Row(
                    (unit_name(u), str(sum(v)), *(str(n) for n in v)),
                    highlight=any(v[states.index(st)] for st in needs_action),
                )
                for u, v in zip(units, values, strict=True)
            ),
            role="coverage",
            empty=label("none", loc),
        )
        blocks.append(
            Chart(
                title=label("report.coverage.chart", loc),
                description=label(
                    "report.coverage.desc", loc, covered=figures.covered, total=figures.in_scope
                ),
                categories=tuple(unit_name(u) for u in units),
                series=tuple(_cap(enum_label(st, loc)) for st in states),
                values=values,
                table=table,
                percent=True,
                attention=tuple(states.index(st) for st in needs_action),
            )
        )
        # Cancelled without a new conversation: these people are still owed one.
        cancelled = [p for p in figures.people if p.state is CoverageState.CANCELLED]
        blocks.append(Heading(label("report.cancelled_people", loc), level=3))
        if cancelled:
            blocks.append(Paragraph(label("report.cancelled_people.text", loc, n=len(cancelled))))
        blocks.append(
            Table(
                columns=(label("name", loc), label("unit", loc)),
                rows=tuple(Row((names.name(p.person), unit_name(p.unit))) for p in cancelled),
                role="cancelled",
                empty=label("none", loc),
            )
        )
    else:
        blocks.append(Paragraph(label("coverage.unknown", loc)))

    # Progress by unit and kind, then one status table per kind.
    blocks.append(Heading(label("report.progress", loc)))
    groups = [(label(key, loc), statuses) for key, statuses in _PROGRESS]
    bars: list[tuple[str, tuple[int, ...]]] = []
    for u in figures.units:
        for k in kinds:
            per = u.by_kind.get(k, {})
            if per:
                bar = tuple(sum(per.get(st, 0) for st in sts) for _, sts in groups)
                short = label(f"kind.short.{k.value}", loc)
                bars.append((f"{unit_name(u.unit)} · {short}", bar))
    blocks.append(
        Chart(
            title=label("report.progress.chart", loc),
            description=label(
                "report.progress.desc",
                loc,
                signed=sum(v[2] for _, v in bars),
                total=sum(sum(v) for _, v in bars),
            ),
            categories=tuple(b[0] for b in bars),
            series=tuple(g[0] for g in groups),
            values=tuple(b[1] for b in bars),
            table=Table(
                columns=(
                    label("unit", loc),
                    label("kind", loc),
                    *(g[0] for g in groups),
                    label("total", loc),
                ),
                rows=tuple(
                    Row((*name.split(" · ", 1), *(str(n) for n in v), str(sum(v))))
                    for name, v in bars
                ),
                role="progress",
                empty=label("none", loc),
            ),
            attention=(3,),
        )
    )
    for k in kinds:
        present = [st for st in ConversationStatus if (k, st) in held]
        rows = []
        for u in figures.units:
            per = u.by_kind.get(k, {})
            if per:
                rows.append(
                    Row(
                        (
                            unit_name(u.unit),
                            *(str(per.get(st, 0)) for st in present),
                            str(sum(per.values())),
                        )
                    )
                )
        blocks += [
            Heading(label("report.by_kind", loc, kind=_cap(enum_label(k, loc))), level=3),
            Table(
                columns=(
                    label("unit", loc),
                    *(_cap(enum_label(st, loc)) for st in present),
                    label("total", loc),
                ),
                rows=tuple(rows),
                role="counts",
                empty=label("none", loc),
            ),
        ]

    # Agreements by deadline: a picture by month, then the lists that need action.
    months: dict[str, list[int]] = {}
    for counted in counted_agreements(convs):
        a = counted.agreement
        state = agreement_state(a, on=ctx.on)
        if a.deadline is None or state is AgreementState.CLOSED:
            continue
        month = months.setdefault(a.deadline.format("YYYY-MM"), [0, 0])
        month[0 if state is AgreementState.OVERDUE else 1] += 1
    ordered = sorted(months.items())
    month_names = tuple(
        pendulum.date(int(m[:4]), int(m[5:]), 1).format("MMMM YYYY", locale=loc) for m, _ in ordered
    )
    series = (label("report.overdue_n", loc), label("report.coming", loc))
    blocks += [
        Heading(label("agreements", loc)),
        Chart(
            title=label("report.deadlines", loc),
            description=label(
                "report.deadlines.desc",
                loc,
                overdue=sum(v[0] for _, v in ordered),
                total=sum(sum(v) for _, v in ordered),
            ),
            categories=tuple(_cap(m) for m in month_names),
            series=series,
            values=tuple(tuple(v) for _, v in ordered),
            table=Table(
                columns=(label("report.month", loc), *series, label("total", loc)),
                rows=tuple(
                    Row((_cap(name), *(str(n) for n in v), str(sum(v))))
                    for name, (_, v) in zip(month_names, ordered, strict=True)
                ),
                role="deadlines",
                empty=label("none", loc),
            ),
            attention=(0,),
        ),
    ]

    def deadline_rows(pairs: Iterable[tuple[Conversation, Agreement]]) -> tuple[Row, ...]:
        # Every row of a list that needs action needs it: no row is emphasised over another.
        return tuple(
            Row(
                (
                    a.description,
                    names.name(a.owner),
                    _who(c, names, loc),
                    fmt_date(a.deadline, loc),
                    _cap(enum_label(a.status, loc)),
                )
            )
            for c, a in pairs
        )

    deadline_cols = (
        label("what", loc),
        label("owner", loc),
        label("conversation", loc),
        label("deadline", loc),
        label("status", loc),
    )
    blocks += [
        Heading(label("overdue", loc), level=3),
        Table(
            columns=deadline_cols,
            rows=deadline_rows(figures.overdue),
            role="overdue",
            empty=label("none", loc),
        ),
        Heading(label("upcoming", loc, n=ctx.upcoming_days), level=3),
        Table(
            columns=deadline_cols,
            rows=deadline_rows(figures.upcoming),
            role="upcoming",
            empty=label("none", loc),
        ),
        *_round_overview(cycle, ctx),
    ]
    return Document(
        name="report",
        title=label("report.title", loc, name=cycle.name),
        locale=loc,
        blocks=tuple(blocks),
    )


def _round_overview(cycle: Cycle, ctx: RenderContext) -> tuple[Block, ...]:
    """The round's steps, its unit goals and the group activities its common needs suggest.

    Each part only when there is something to show: steps once any is recorded, unit goals
    once a GRUS agreed some, proposals once a need is shared by enough people.
    """
    loc, names = ctx.locale, ctx.names
    blocks: list[Block] = []
    if cycle.steps:
        rows = tuple(
            Row(
                (
                    enum_label(s.step, loc),
                    names.name(s.responsible) if s.responsible else "–",
                    fmt_date(s.due, loc),
                    f"{fmt_date(s.done_at.date(), loc)} ({names.name(s.done_by)})"
                    if s.done_at is not None
                    else "–",
                ),
                highlight=s.done_at is None and s.due is not None and s.due < ctx.on,
            )
            for s in round_steps(cycle)
        )
        cols = tuple(label(k, loc) for k in ("step", "responsible", "deadline", "done"))
        blocks += [Heading(label("round_steps", loc)), Table(columns=cols, rows=rows)]
    threads = goal_threads(cycle, ctx.conversations)
    if threads:
        rows = tuple(
            Row(
                (
                    label("no_unit", loc) if t.unit is None else names.unit(t.unit),
                    t.goal.text,
                    t.organisation_goal.text if t.organisation_goal is not None else "–",
                    str(len(t.goals)),
                    str(t.agreements),
                ),
                highlight=not t.served,
            )
            for t in threads
        )
        cols = tuple(
            label(k, loc)
            for k in ("unit", "goal", "organisation_goal", "individual_goals", "agreements")
        )
        blocks += [Heading(label("unit_goals", loc)), Table(columns=cols, rows=rows)]
    needs, withheld = common_needs(
        DerivedSource(ctx.conversations, keep=functools.partial(in_round, cycle)),
        organisation=names.organisation,
    )
    if needs:
        org = names.organisation
        order = {u.id: i for i, u in enumerate(org.units)} if org is not None else {}
        methods = list(LearningMethod)
        needs = tuple(
            sorted(
                needs,
                key=lambda n: (
                    order.get(n.unit or "", len(order)),
                    -n.people,
                    methods.index(n.learning_method),
                ),
            )
        )
        rows = tuple(
            Row(
                (
                    label("no_unit", loc) if n.unit is None else names.unit(n.unit),
                    enum_label(n.learning_method, loc),
                    str(n.people),
                )
            )
            for n in needs
        )
        cols = tuple(label(k, loc) for k in ("unit", "learning_method", "people"))
        blocks += [Heading(label("group_activities", loc)), Table(columns=cols, rows=rows)]
        if withheld:
            text = label("group_activities.withheld", loc, n=withheld, minimum=MINIMUM_GROUP_SIZE)
            blocks.append(Paragraph(text))
    return tuple(blocks)
