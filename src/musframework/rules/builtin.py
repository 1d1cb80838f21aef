"""The built-in validation rules, from the sources' process (see ``docs/rules.md``).

Each rule is a module-level :class:`~musframework.rules.FunctionRule`, declared as an entry
point of the group ``musframework.rules`` in ``pyproject.toml``, exactly like a plugin's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pendulum

from musframework.catalogue import Message
from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Cycle,
    DevelopmentPlan,
    Finding,
    LearningMethod,
    Questionnaire,
    Role,
)
from musframework.model.round import (
    CoverageState,
    coverage_gaps,
    form_minutes,
    requested_mus,
)
from musframework.rules.engine import FunctionRule, RuleContext, Walk, object_name, rule

__all__ = [
    "AGREEMENTS",
    "BUILTIN_RULES",
    "agenda_minutes",
    "agreement_deadline_before_conversation",
    "agreement_no_deadline",
    "agreement_no_owner",
    "agreement_owner_not_participant",
    "carry_over_missing",
    "carry_over_not_reviewed",
    "coverage_mandatory",
    "coverage_missing_conversation",
    "coverage_requested_mus",
    "grus_after_mus",
    "grus_no_individual_plan",
    "invitation_form_not_attached",
    "invitation_lead_time",
    "plan_courses_only",
    "plan_follow_up_window",
    "plan_next_conversation_window",
    "plan_no_activities",
    "plan_no_follow_up_date",
    "plan_no_goals",
    "plan_not_signed",
    "questionnaire_check",
    "questionnaire_salary_topic",
    "signature_not_required",
    "signature_void",
]

MUS, GRUS, LUS = ConversationKind.MUS, ConversationKind.GRUS, ConversationKind.LUS
DEVELOPMENT = (MUS, GRUS, LUS)
CONCLUDED = ConversationStatus.CONCLUDED_OR_LATER
SIGNED = ConversationStatus.SIGNED_OR_LATER
HELD = ConversationStatus.HELD_OR_LATER
_CLOSED = AgreementStatus.DONE_OR_CANCELLED
"""``Agreement.is_open`` is ``a.status not in _CLOSED``, without two property calls."""
_CLOSED_VALUES = frozenset(s.value for s in _CLOSED)
"""The same, by value: a string's hash is cached, an enum member's is computed in Python."""
_COURSE, _CANCELLED = LearningMethod.COURSE, AgreementStatus.CANCELLED


def _conversation_day(conversation: Conversation) -> pendulum.Date | None:
    """The day a conversation is (or was) held: ``held_at``, else ``scheduled_start``."""
    moment = conversation.held_at or conversation.scheduled_start
    return None if moment is None else moment.date()


def _day_of(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> pendulum.Date | None:
    if isinstance(obj, Conversation):
        return _conversation_day(obj)
    source = ctx.conversation(obj.conversation)
    return None if source is None else _conversation_day(source)


def _agreements(obj: Conversation | DevelopmentPlan) -> tuple[str, tuple[Agreement, ...]]:
    if isinstance(obj, Conversation):
        return "agreements", obj.agreements
    return "activities", obj.activities


def _participants(obj: Conversation | DevelopmentPlan) -> set[str]:
    if isinstance(obj, Conversation):
        return {p.person for p in obj.participants}
    return {obj.person} | ({obj.leader} if obj.leader else set())


def _named(agreement: Agreement) -> str:
    """How findings name an agreement: its description (shortened), else its id."""
    text = " ".join(agreement.description.split())
    if not text:
        return agreement.id
    return text if len(text) <= 60 else text[:59] + "…"


# --------------------------------------------------------------------------- invitation


@rule(
    "invitation.lead-time",
    severity="warning",
    applies_to=Conversation,
    kinds=DEVELOPMENT,
    params={"min_days": 7, "max_days": 14},
    requires=("invitation", "scheduled_start"),
)
def invitation_lead_time(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """Calendar days from ``invitation.sent_at`` to ``scheduled_start``, in the meeting's zone."""
    invitation, start = conversation.invitation, conversation.scheduled_start
    if invitation is None or start is None:
        return
    sent = invitation.sent_at.in_timezone(start.tz or "UTC").date()
    days = start.date().toordinal() - sent.toordinal()
    low, high = ctx.params["min_days"], ctx.params["max_days"]
    if not low <= days <= high:
        yield ctx.finding(
            "invitation.sent_at",
            days=days,
            min=low,
            max=high,
        )


@rule(
    "invitation.form-not-attached",
    severity="warning",
    applies_to=Conversation,
    kinds=DEVELOPMENT,
    requires=("invitation",),
)
def invitation_form_not_attached(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """An invitation sent without the preparation form."""
    if conversation.invitation is not None and not conversation.invitation.form_attached:
        yield ctx.finding("invitation.form_attached")


# --------------------------------------------------------------------------- agenda


@rule(
    "agenda.minutes",
    severity="warning",
    applies_to=(Conversation, Questionnaire),
    params={"tolerance_minutes": 0},
    requires=("agenda",),  # a conversation's; a form has none, so it is always checked
)
def agenda_minutes(obj: Conversation | Questionnaire, ctx: RuleContext) -> Iterator[Finding]:
    """A conversation's agenda against its duration; a form's sections against the round's.

    The round's length for a form is what it plans for the conversations that use it
    (:func:`musframework.model.round.form_minutes`: each kind its own form and length).
    """
    if isinstance(obj, Conversation):
        if not obj.agenda:
            return
        total = sum(a.minutes for a in obj.agenda)
        lengths: tuple[int, ...] = (int(obj.duration.total_minutes()),)
        path = "agenda"
    else:
        if ctx.cycle is None or obj.total_minutes == 0:
            return
        total, lengths = obj.total_minutes, form_minutes(ctx.cycle, obj)
        path = "sections"
    for planned in lengths:
        if abs(total - planned) > ctx.params["tolerance_minutes"]:
            yield ctx.finding(
                path,
                total=total,
                planned=planned,
            )


# --------------------------------------------------------------------------- agreements

_NO_OWNER = "agreement.no-owner"
_NOT_PARTICIPANT = "agreement.owner-not-participant"
_NO_DEADLINE = "agreement.no-deadline"
_BEFORE = "agreement.deadline-before-conversation"
_NOT_REVIEWED = "carry-over.not-reviewed"
_COURSES = "plan.courses-only"


def _check_agreements(
    obj: Conversation | DevelopmentPlan, ctxs: Mapping[str, RuleContext]
) -> Iterator[Finding]:
    """The agreement rules in one walk over the agreements (:data:`AGREEMENTS`).

    Each rule whose code is in ``ctxs`` is checked with its own context; the participants,
    the conversation's day and the carried-over agreements awaiting review are worked out
    once, and only when a rule that runs needs them.
    """
    conversation = obj if type(obj) is Conversation else None
    if conversation is not None:
        field, agreements = "agreements", conversation.agreements
    else:
        field, agreements = _agreements(obj)
    if not agreements:
        return
    get = ctxs.get
    no_owner, not_participant = get(_NO_OWNER), get(_NOT_PARTICIPANT)
    no_deadline, before = get(_NO_DEADLINE), get(_BEFORE)
    not_reviewed = get(_NOT_REVIEWED) if isinstance(obj, Conversation) else None
    courses = get(_COURSES)
    owners = no_owner is not None or not_participant is not None
    people: set[str] | None = None
    day: pendulum.Date | None = None
    day_known = before is None  # the day is worked out at the first open deadline
    awaiting: set[str] | None = None  # only carried-over agreements can await review
    unreviewed: set[str] | None = None
    only_courses = courses is not None
    any_course = False
    for i, a in enumerate(agreements):
        if owners:
            owner = a.owner
            if not owner or not owner.strip():
                if no_owner is not None:
                    yield no_owner.finding(f"{field}[{i}].owner", agreement=_named(a))
            elif not_participant is not None:
                if people is None:
                    if conversation is not None:
                        people = {p.person for p in conversation.participants}
                    else:
                        people = _participants(obj)
                if owner not in people:
                    yield not_participant.finding(
                        f"{field}[{i}].owner", agreement=_named(a), owner=owner
                    )
        deadline, continues = a.deadline, a.continues
        closed = a.status._value_ in _CLOSED_VALUES
        if deadline is None:
            if no_deadline is not None and not closed:
                yield no_deadline.finding(f"{field}[{i}].deadline", agreement=_named(a))
        elif not closed and before is not None:
            if not day_known:
                if conversation is not None:
                    moment = conversation.held_at or conversation.scheduled_start
                    day = None if moment is None else moment.date()  # _conversation_day
                else:
                    day = _day_of(obj, before)
                day_known = True
            if day is not None and deadline < day:
                if continues is not None:
                    if awaiting is None:
                        awaiting = _awaiting_review(obj)
                    skip = a.id in awaiting
                else:
                    skip = False
                if not skip:
                    yield before.finding(
                        f"{field}[{i}].deadline", agreement=_named(a), deadline=deadline, day=day
                    )
        if continues is not None and not_reviewed is not None and isinstance(obj, Conversation):
            if unreviewed is None:
                unreviewed = {u.id for u in obj.unreviewed_carry_over()}
            if a.id in unreviewed:
                yield not_reviewed.finding(f"agreements[{i}].history", agreement=_named(a))
        if only_courses:
            method = a.learning_method
            if method is None or a.status is _CANCELLED or (continues and closed):
                continue  # no method, or not an activity of this plan (see _activities)
            if method is not _COURSE:
                only_courses = False
            else:
                any_course = True
    if courses is not None and only_courses and any_course:
        yield courses.finding(field)


AGREEMENTS = Walk("agreements", _check_agreements)
"""One walk over the agreements for the agreement, carry-over review and courses rules."""


@rule(
    "agreement.no-owner",
    severity="error",
    applies_to=(Conversation, DevelopmentPlan),
    walk=AGREEMENTS,
)
def agreement_no_owner(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """Agreements whose ``owner`` is missing or blank."""
    return _check_agreements(obj, {_NO_OWNER: ctx})


@rule(
    "agreement.owner-not-participant",
    severity="error",
    applies_to=(Conversation, DevelopmentPlan),
    walk=AGREEMENTS,
)
def agreement_owner_not_participant(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """Agreements owned by someone who is not a participant."""
    return _check_agreements(obj, {_NOT_PARTICIPANT: ctx})


@rule(
    "agreement.no-deadline",
    severity="error",
    applies_to=(Conversation, DevelopmentPlan),
    walk=AGREEMENTS,
)
def agreement_no_deadline(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """Open agreements (not done or cancelled) without a ``deadline``."""
    return _check_agreements(obj, {_NO_DEADLINE: ctx})


def _awaiting_review(obj: Conversation | DevelopmentPlan) -> set[str]:
    if isinstance(obj, Conversation):
        return {a.id for a in obj.unreviewed_carry_over()}
    return {a.id for a in obj.activities if a.continues is not None and not a.history}


@rule(
    "agreement.deadline-before-conversation",
    severity="error",
    applies_to=(Conversation, DevelopmentPlan),
    walk=AGREEMENTS,
)
def agreement_deadline_before_conversation(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """Open agreements due before the conversation day (a plan needs its conversation known).

    Carried-over agreements still awaiting review keep last year's deadline until the "past"
    part of the conversation gives them a status (and perhaps a new deadline); until then
    ``carry-over.not-reviewed`` reports them instead.
    """
    return _check_agreements(obj, {_BEFORE: ctx})


# --------------------------------------------------------------------------- carry-over


@rule(
    "carry-over.not-reviewed",
    severity="error",
    applies_to=Conversation,
    statuses=HELD,
    walk=AGREEMENTS,
)
def carry_over_not_reviewed(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """``Conversation.unreviewed_carry_over()`` after the conversation is held."""
    return _check_agreements(conversation, {_NOT_REVIEWED: ctx})


@rule(
    "carry-over.missing",
    severity="error",
    applies_to=Conversation,
    requires=("previous",),
)
def carry_over_missing(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """Open agreements of ``previous`` (when it is known) that no agreement ``continues``."""
    previous = ctx.conversation(conversation.previous)
    if previous is None:
        return
    carried = {a.continues for a in conversation.agreements}
    for a in previous.agreements:
        if a.is_open and a.id not in carried:
            yield ctx.finding(
                "agreements",
                agreement=_named(a),
                previous=previous.id,
            )


# --------------------------------------------------------------------------- plans


def _activities(obj: Conversation | DevelopmentPlan) -> list[Agreement]:
    # Carried-over agreements closed at review belong to the last plan, not this one.
    _, agreements = _agreements(obj)
    return [
        a
        for a in agreements
        if a.status is not AgreementStatus.CANCELLED and not (a.continues and not a.is_open)
    ]


_PLAN = (Conversation, DevelopmentPlan)


@rule(
    "plan.no-goals",
    severity="error",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    statuses=CONCLUDED,
)
def plan_no_goals(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """A concluded conversation or a plan with no (non-blank) goals."""
    if not any(g.strip() for g in obj.goals):
        yield ctx.finding("goals")


@rule(
    "plan.no-activities",
    severity="error",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    statuses=CONCLUDED,
)
def plan_no_activities(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """No agreement that is not cancelled (closed carried-over ones do not count)."""
    if not _activities(obj):
        field, _ = _agreements(obj)
        yield ctx.finding(field)


@rule(
    "plan.no-follow-up-date",
    severity="error",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    statuses=CONCLUDED,
)
def plan_no_follow_up_date(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """A concluded conversation or a plan without ``follow_up_date``."""
    if obj.follow_up_date is None:
        yield ctx.finding("follow_up_date")


@rule(
    "plan.follow-up-window",
    severity="warning",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    params={"min_months": 3, "max_months": 6},
    requires=("follow_up_date",),
)
def plan_follow_up_window(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """``follow_up_date`` between ``min_months`` and ``max_months`` after the conversation."""
    if obj.follow_up_date is None:
        return
    day = _day_of(obj, ctx)
    if day is None:
        return
    low, high = ctx.params["min_months"], ctx.params["max_months"]
    earliest, latest = day.add(months=low), day.add(months=high)
    if not earliest <= obj.follow_up_date <= latest:
        yield ctx.finding(
            "follow_up_date",
            date=obj.follow_up_date,
            min=low,
            max=high,
            day=day,
            earliest=earliest,
            latest=latest,
        )


@rule(
    "plan.next-conversation-window",
    severity="warning",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    params={"max_months": 12},
    requires=("next_conversation_date",),
)
def plan_next_conversation_window(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """``next_conversation_date`` after the conversation and within ``max_months``."""
    upcoming = obj.next_conversation_date
    if upcoming is None:
        return
    day = _day_of(obj, ctx)
    if day is None:
        return
    months = ctx.params["max_months"]
    latest = day.add(months=months)
    if upcoming > latest:
        yield ctx.finding(
            "next_conversation_date",
            date=upcoming,
            months=months,
            day=day,
            latest=latest,
        )
    elif upcoming <= day:
        yield ctx.finding(
            "next_conversation_date",
            msgid="plan.next-conversation-window.before",
            date=upcoming,
            day=day,
        )


@rule(
    "plan.not-signed",
    severity="error",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    statuses=SIGNED,
)
def plan_not_signed(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """Who must sign but has no valid signature on the current content."""
    if isinstance(obj, Conversation):
        needed = [p for p in (obj.leader, *obj.developed) if p is not None]
        missing: list[str | Message] = [
            f"'{p}'" for p in dict.fromkeys(needed) if not obj.is_signed_by(p)
        ]
        if obj.leader is None:
            missing.append(Message("rule.no-leader"))
    else:
        valid = {s.person for s in obj.valid_signatures}
        missing = [f"'{p}'" for p in (obj.person, obj.leader) if p is not None and p not in valid]
        if obj.leader is None:
            missing.append(Message("rule.no-leader"))
    if missing:
        yield ctx.finding("signatures", who=missing)


@rule(
    "signature.not-required",
    severity="error",
    applies_to=_PLAN,
    requires=("signatures",),  # no signature, no one who signed without need to
)
def signature_not_required(
    obj: Conversation | DevelopmentPlan, ctx: RuleContext
) -> Iterator[Finding]:
    """Signatures by someone who need not sign (only the leader and those developed count)."""
    required = set(obj.required_signers)
    for i, s in enumerate(obj.signatures):
        if s.person not in required:
            yield ctx.finding(f"signatures[{i}]", person=s.person)


@rule(
    "signature.void",
    severity="error",
    applies_to=_PLAN,
    requires=("signatures",),
)
def signature_void(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """Void signatures (content changed after signing) of people who have not signed again."""
    if not obj.signatures:  # nothing to void (and no content digest to compute)
        return
    valid = {s.person for s in obj.valid_signatures}
    required = set(obj.required_signers)  # others: signature.not-required
    for i, s in enumerate(obj.signatures):
        if s in obj.void_signatures and s.person not in valid and s.person in required:
            yield ctx.finding(
                f"signatures[{i}]",
                person=s.person,
            )


@rule(
    "plan.courses-only",
    severity="info",
    applies_to=_PLAN,
    kinds=DEVELOPMENT,
    walk=AGREEMENTS,
)
def plan_courses_only(obj: Conversation | DevelopmentPlan, ctx: RuleContext) -> Iterator[Finding]:
    """A hint when every activity with a learning method is a course."""
    return _check_agreements(obj, {_COURSES: ctx})


# --------------------------------------------------------------------------- GRUS


@rule(
    "grus.after-mus",
    severity="error",
    applies_to=Conversation,
    kinds=[GRUS],
)
def grus_after_mus(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """MUS of the GRUS's unit or members starting before it, when ``grus_before_mus`` is set.

    The round's MUS are indexed once per run (:meth:`RuleContext.once`): one pass over the
    conversations however many GRUS there are.
    """
    cycle, start = ctx.cycle, conversation.scheduled_start
    if cycle is None or not cycle.settings.grus_before_mus or start is None:
        return
    by_unit, by_employee = ctx.once(
        (ctx.code, conversation.cycle), lambda: _mus_starts(ctx.conversations, conversation.cycle)
    )
    candidates = list(by_unit.get(conversation.unit, ())) if conversation.unit is not None else []
    for member in set(conversation.developed):
        candidates.extend(by_employee.get(member, ()))
    earlier = sorted({cid for begins, cid in candidates if begins < start})
    if earlier:
        shown = ", ".join(repr(i) for i in earlier[:5]) + (" ..." if len(earlier) > 5 else "")
        yield ctx.finding(
            "scheduled_start",
            count=len(earlier),
            shown=shown,
        )


_Starts = dict[str | None, list[tuple[pendulum.DateTime, str]]]


def _mus_starts(
    conversations: Iterable[Conversation], cycle: str | None
) -> tuple[_Starts, _Starts]:
    """The round's scheduled MUS that are not cancelled: (start, id) by unit and by employee.

    Only those of round ``cycle``: last year's MUS do not count against a GRUS.
    """
    by_unit: _Starts = {}
    by_employee: _Starts = {}
    for c in conversations:
        if (
            c.kind is MUS
            and c.cycle == cycle
            and c.status is not ConversationStatus.CANCELLED
            and c.scheduled_start is not None
        ):
            entry = (c.scheduled_start, c.id)
            if c.unit is not None:
                by_unit.setdefault(c.unit, []).append(entry)
            if c.employee is not None:
                by_employee.setdefault(c.employee, []).append(entry)
    return by_unit, by_employee


@rule(
    "grus.no-individual-plan",
    severity="error",
    applies_to=Conversation,
    kinds=[GRUS],
    statuses=CONCLUDED,
)
def grus_no_individual_plan(conversation: Conversation, ctx: RuleContext) -> Iterator[Finding]:
    """Group members of a concluded GRUS who own no agreement in it."""
    owners = {a.owner for a in _activities(conversation)}
    for i, p in enumerate(conversation.participants):
        if p.role is Role.GROUP_MEMBER and p.person not in owners:
            yield ctx.finding(
                f"participants[{i}]",
                person=p.person,
            )


# --------------------------------------------------------------------------- rounds


@rule(
    "coverage.missing-conversation",
    severity="warning",
    applies_to=Cycle,
)
def coverage_missing_conversation(cycle: Cycle, ctx: RuleContext) -> Iterator[Finding]:
    """People in scope (needs ``organisation=``) without a conversation that counts for them.

    Missing (none) or cancelled without replacement, as
    :func:`musframework.model.round.round_coverage` says
    (:func:`~musframework.model.round.coverage_gaps`); planned people are fine. Where the
    round says coverage is mandatory (``CycleSettings.coverage_mandatory``, as in the Danish
    state), ``coverage.mandatory`` reports them instead, as errors.
    """
    if not cycle.settings.coverage_mandatory:
        yield from _uncovered(cycle, ctx)


def _uncovered(cycle: Cycle, ctx: RuleContext) -> Iterator[Finding]:
    org = ctx.organisation
    if org is None:
        return
    for p in coverage_gaps(cycle, ctx.conversations, org):
        if p.state is CoverageState.MISSING:
            yield ctx.finding("scope", msgid=ctx.code, person=p.person)
        elif p.state is CoverageState.CANCELLED:
            yield ctx.finding("scope", msgid=f"{ctx.code}.cancelled", person=p.person)


@rule(
    "coverage.mandatory",
    severity="error",
    applies_to=Cycle,
)
def coverage_mandatory(cycle: Cycle, ctx: RuleContext) -> Iterator[Finding]:
    """Where coverage is mandatory, people in scope without a conversation that counts.

    Only for a round with ``CycleSettings.coverage_mandatory`` (the Danish state: the yearly
    MUS is mandatory); the same people ``coverage.missing-conversation`` reports elsewhere,
    as errors. Needs ``organisation=``.
    """
    if cycle.settings.coverage_mandatory:
        yield from _uncovered(cycle, ctx)


@rule(
    "coverage.requested-mus",
    severity="error",
    applies_to=Cycle,
)
def coverage_requested_mus(cycle: Cycle, ctx: RuleContext) -> Iterator[Finding]:
    """A request for an individual MUS (``Cycle.mus_requests``) with no MUS in the round.

    A MUS of the round with the person as employee that is not cancelled honours it (seed
    003: when an employee asks for an individual MUS, one must be held).
    """
    asked = requested_mus(cycle)
    if not asked:
        return
    honoured = {
        c.employee
        for c in ctx.conversations
        if c.cycle == cycle.id and c.kind is MUS and c.status is not ConversationStatus.CANCELLED
    }
    for i, request in enumerate(cycle.mus_requests):
        if request.person not in honoured:
            yield ctx.finding(f"mus_requests[{i}]", person=request.person)


# --------------------------------------------------------------------------- questionnaires

SALARY_PATTERNS = (
    r"\bløn(?!som)\w*",
    r"\bgage\b",
    r"\bsalar(?:y|ies)\b",
    r"\bwages?\b",
    r"\bpay ?(?:rise|raise|increase|level|scale|slip|check|cheque)s?\b",
    r"\bremuneration\b",
    r"\bbonus(?:es)?\b",
)
"""Danish and English salary words, as case-insensitive regular expressions."""


@rule(
    "questionnaire.salary-topic",
    severity="warning",
    applies_to=Questionnaire,
    kinds=[MUS],
    params={"patterns": SALARY_PATTERNS},
)
def questionnaire_salary_topic(questionnaire: Questionnaire, ctx: RuleContext) -> Iterator[Finding]:
    """Section titles, advice and question texts of a MUS form that mention salary."""
    pattern = re.compile("|".join(f"(?:{p})" for p in ctx.params["patterns"]), re.IGNORECASE)
    texts: list[tuple[str, Any]] = []
    for si, section in enumerate(questionnaire.sections):
        texts.append((f"sections[{si}].title", section.title))
        if section.preparation is not None:
            texts.append((f"sections[{si}].preparation", section.preparation))
        if section.guidance is not None:
            texts.append((f"sections[{si}].guidance", section.guidance))
        for qi, question in enumerate(section.questions):
            for rel, text in question.texts():
                texts.append((f"sections[{si}].questions[{qi}].{rel}", text))
    for path, text in texts:
        for value in text.translations.values():
            match = pattern.search(value)
            if match:
                yield ctx.finding(
                    path,
                    word=match.group(0),
                )
                break


@rule(
    "questionnaire.check",
    severity="error",
    applies_to=Questionnaire,
)
def questionnaire_check(questionnaire: Questionnaire, ctx: RuleContext) -> Iterator[Finding]:
    """The findings of ``Questionnaire.check()``, with the questionnaire named in messages."""
    for f in questionnaire.check():
        framed = {"object": object_name(questionnaire), "text": f.message}
        if f.path:
            message = Message("rule.finding-at", {**framed, "path": f.path})
        else:
            message = Message("rule.finding", framed)
        yield Finding(f.severity, f.code, f.path, message)


BUILTIN_RULES: tuple[FunctionRule, ...] = tuple(
    sorted(
        (value for value in list(globals().values()) if isinstance(value, FunctionRule)),
        key=lambda r: r.code,
    )
)
"""Every built-in rule, sorted by code."""
