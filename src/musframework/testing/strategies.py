"""Hypothesis strategies for every musframework model, for our tests and yours.

>>> from hypothesis import given
>>> from musframework.testing import strategies as mst
>>> @given(mst.questionnaires())
... def test_my_export(questionnaire): ...

Every strategy generates *valid* objects: questionnaires pass ``check()``, responses drawn
with :func:`responses` pass ``check_response`` for the questionnaire they were drawn for.
Requires the ``hypothesis`` package (it is not a runtime dependency of musframework).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Sequence
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from musframework.catalogue import Message
from musframework.errors import UnsupportedObjectError
from musframework.model import (
    AgendaItem,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Answer,
    ChoiceAnswer,
    Comparison,
    Condition,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Cycle,
    CycleSettings,
    DateAnswer,
    DateQuestion,
    Delivery,
    DevelopmentPlan,
    Group,
    Invitation,
    LeaderChange,
    LearningMethod,
    LocalizedText,
    Match,
    MultipleChoiceAnswer,
    MultipleChoiceQuestion,
    Note,
    NumberAnswer,
    NumberQuestion,
    Operator,
    Option,
    Organisation,
    OrganisationVersion,
    OrgUnit,
    Participant,
    Period,
    Person,
    Question,
    Questionnaire,
    QuestionnaireRef,
    Response,
    Role,
    ScaleAnswer,
    ScalePoint,
    ScaleQuestion,
    Section,
    Signature,
    SingleChoiceQuestion,
    StatusChange,
    TextAnswer,
    TextQuestion,
    YesNoAnswer,
    YesNoQuestion,
)
from musframework.model.draft import ResponseDraft
from musframework.model.upward import UpwardFeedback

__all__ = [
    "DrawnRound",
    "TIMEZONES",
    "agreements",
    "conversations",
    "cycles",
    "dates",
    "datetimes",
    "deliveries",
    "development_plans",
    "durations",
    "groups",
    "identifiers",
    "leader_changes",
    "localized_texts",
    "org_units",
    "organisation_versions",
    "organisations",
    "people",
    "questionnaires",
    "questions",
    "response_drafts",
    "responses",
    "rounds",
    "texts",
    "upward_feedback",
]

TIMEZONES = ("Europe/Copenhagen", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
"""Named zones the date-time strategy draws from (Copenhagen first, so it shrinks there)."""

_ALPHABET = st.characters(exclude_categories=("Cs", "Cc"))


# The strategy factories below are cached: hypothesis validates every new strategy object on
# its first draw, and building fresh ones for each question made generation several times
# slower than drawing from shared ones.


@functools.cache
def identifiers() -> st.SearchStrategy[str]:
    """Short ids such as ``q3_a``."""
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(string.ascii_lowercase),
        st.text(string.ascii_lowercase + string.digits + "_-", max_size=10),
    )


@functools.cache
def texts(min_size: int = 1, max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-blank unicode text (no surrogates or control characters)."""
    # Mapped rather than filtered: filtering whitespace-only draws makes generation slow.
    return st.text(_ALPHABET, min_size=min_size, max_size=max_size).map(
        lambda s: s if s.strip() else s + "x"
    )


@functools.cache
def localized_texts() -> st.SearchStrategy[LocalizedText]:
    """Texts complete in Danish and English."""
    return st.builds(lambda da, en: LocalizedText({"da": da, "en": en}), texts(), texts())


@functools.cache
def dates(
    min_value: pendulum.Date | None = None, max_value: pendulum.Date | None = None
) -> st.SearchStrategy[pendulum.Date]:
    """Pendulum Dates (2000-2100 by default)."""
    low = min_value or pendulum.date(2000, 1, 1)
    high = max_value or pendulum.date(2100, 12, 31)
    return st.dates(low, high).map(lambda d: pendulum.date(d.year, d.month, d.day))


def datetimes(
    timezones: Sequence[str] = TIMEZONES,
) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware pendulum DateTimes in a named zone, at whole seconds or with microseconds."""
    return _datetimes(tuple(timezones))


@functools.cache
def _datetimes(timezones: tuple[str, ...]) -> st.SearchStrategy[pendulum.DateTime]:
    low = int(pendulum.datetime(2000, 1, 1).timestamp())
    high = int(pendulum.datetime(2100, 1, 1).timestamp())
    return st.builds(
        lambda ts, micro, tz: pendulum.from_timestamp(ts, tz=tz).add(microseconds=micro),
        st.integers(low, high),
        st.integers(0, 999_999) | st.just(0),
        st.sampled_from(list(timezones)),
    )


@functools.cache
def durations() -> st.SearchStrategy[pendulum.Duration]:
    """Conversation lengths from 15 minutes to a day and a half, in whole minutes."""
    return st.integers(15, 36 * 60).map(lambda m: pendulum.duration(minutes=m))


def people() -> st.SearchStrategy[Person]:
    """People with an optional e-mail address."""
    return st.builds(
        Person,
        id=identifiers(),
        name=texts(),
        email=st.none() | st.emails(),
    )


def org_units() -> st.SearchStrategy[OrgUnit]:
    """Organisational units with a leader and distinct members."""
    return st.builds(
        OrgUnit,
        id=identifiers(),
        name=texts(),
        leader=st.none() | identifiers(),
        members=st.lists(identifiers(), max_size=8, unique=True).map(tuple),
        parent=st.none() | identifiers(),
    )


def organisation_versions() -> st.SearchStrategy[OrganisationVersion]:
    """Versions of an organisation's structure, each from a moment on."""
    return st.builds(
        OrganisationVersion,
        effective=datetimes(),
        people=st.lists(identifiers(), max_size=6, unique=True).map(tuple),
        units=st.lists(org_units(), max_size=3).map(tuple),
        groups=st.lists(groups(), max_size=2).map(tuple),
    )


def leader_changes() -> st.SearchStrategy[LeaderChange]:
    """Changes of someone's nearest leader, some with a plan handed over."""
    return st.builds(
        LeaderChange,
        person=identifiers(),
        former=st.none() | identifiers(),
        new=st.none() | identifiers(),
        at=datetimes(),
        plan=st.none() | identifiers(),
    )


def response_drafts() -> st.SearchStrategy[ResponseDraft]:
    """Unsubmitted answers of one person in one conversation (any subset, any zone)."""
    return st.builds(
        ResponseDraft,
        conversation=identifiers(),
        person=identifiers(),
        questionnaire=st.builds(QuestionnaireRef, identifiers(), st.just("1")),
        role=st.sampled_from([Role.EMPLOYEE, Role.LEADER]),
        answers=st.dictionaries(
            identifiers(),
            st.integers(1, 5).map(ScaleAnswer) | texts().map(TextAnswer),
            max_size=3,
        ),
        saved_at=datetimes(),
    )


def upward_feedback() -> st.SearchStrategy[UpwardFeedback]:
    """Anonymous upward feedback documents: who answered, and answer sets without names."""
    answer_sets = st.lists(
        st.dictionaries(
            identifiers(),
            st.integers(1, 5).map(ScaleAnswer) | texts().map(TextAnswer),
            max_size=3,
        ),
        max_size=4,
    )
    return st.builds(
        UpwardFeedback,
        cycle=identifiers(),
        leader=identifiers(),
        questionnaire=st.builds(QuestionnaireRef, identifiers(), st.just("1")),
        minimum=st.integers(3, 10),
        respondents=st.lists(identifiers(), max_size=5, unique=True).map(tuple),
        answers=answer_sets.map(tuple),
        pending=answer_sets.map(tuple),
    )


def deliveries() -> st.SearchStrategy[Delivery]:
    """Records of notifications delivered."""
    return st.builds(
        Delivery,
        notice=texts(),
        kind=identifiers(),
        recipient=identifiers(),
        at=datetimes(),
        conversation=st.none() | identifiers(),
        channel=identifiers(),
    )


def groups() -> st.SearchStrategy[Group]:
    """GRUS groups."""
    return st.builds(
        Group,
        id=identifiers(),
        name=texts(),
        leader=identifiers(),
        members=st.lists(identifiers(), min_size=1, max_size=8, unique=True).map(tuple),
        unit=st.none() | identifiers(),
    )


# ------------------------------------------------------------------ questions

_ANSWERED_BY = st.sampled_from(
    [
        frozenset({Role.EMPLOYEE, Role.LEADER}),
        frozenset({Role.EMPLOYEE}),
        frozenset({Role.LEADER}),
        frozenset({Role.GROUP_MEMBER, Role.LEADER}),
    ]
)


_COMMON: dict[str, st.SearchStrategy[Any]] = {
    "text": localized_texts(),
    "help": st.none() | localized_texts(),
    "required": st.booleans(),
    "answered_by": _ANSWERED_BY,
}


def _common(qid: str) -> dict[str, Any]:
    return {"id": st.just(qid), **_COMMON}


@st.composite
def _scale(draw: st.DrawFn, qid: str) -> ScaleQuestion:
    low = draw(st.integers(0, 3))
    high = draw(st.integers(low + 1, low + 9))
    values = draw(st.lists(st.integers(low, high), unique=True, max_size=3))
    labels = [ScalePoint(v, draw(localized_texts())) for v in sorted(values)]
    common = {k: draw(v) for k, v in _common(qid).items()}
    return ScaleQuestion(**common, min=low, max=high, labels=labels)


@st.composite
def _options(draw: st.DrawFn) -> list[Option]:
    codes = draw(st.lists(identifiers(), min_size=1, max_size=5, unique=True))
    weights = st.none() | st.floats(0, 10, allow_nan=False)
    return [Option(c, draw(localized_texts()), draw(weights)) for c in codes]


@st.composite
def questions(draw: st.DrawFn, qid: str | None = None) -> Question:
    """One question of a random built-in type, valid on its own (no condition)."""
    qid = qid or draw(identifiers())
    kind = draw(
        st.sampled_from(["text", "scale", "single", "multiple", "yes_no", "number", "date"])
    )
    common = {k: draw(v) for k, v in _common(qid).items()}
    if kind == "scale":
        return draw(_scale(qid))
    if kind == "text":
        return TextQuestion(
            **common,
            long=draw(st.booleans()),
            max_length=draw(st.none() | st.integers(20, 2000)),
        )
    if kind == "single":
        return SingleChoiceQuestion(**common, options=draw(_options()))
    if kind == "multiple":
        return MultipleChoiceQuestion(
            **common, options=draw(_options()), max_selected=draw(st.none() | st.integers(1, 5))
        )
    if kind == "number":
        low = draw(st.none() | st.integers(-100, 100))
        high = draw(st.none() | st.integers(low if low is not None else -100, 1000))
        return NumberQuestion(
            **common,
            min=None if low is None else float(low),
            max=None if high is None else float(high),
            integer=draw(st.booleans()),
        )
    if kind == "date":
        return DateQuestion(**common)
    return YesNoQuestion(**common)


@st.composite
def _condition(draw: st.DrawFn, earlier: list[Question]) -> Condition | None:
    candidates = [
        q for q in earlier if isinstance(q, ScaleQuestion | YesNoQuestion | SingleChoiceQuestion)
    ]
    if not candidates or not draw(st.booleans()):
        return None
    comparisons = []
    for q in draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2)):
        if isinstance(q, ScaleQuestion):
            op = draw(st.sampled_from([Operator.GREATER, Operator.LESS, Operator.EQUALS]))
            comparisons.append(Comparison(q.id, op, draw(st.integers(q.min, q.max))))
        elif isinstance(q, YesNoQuestion):
            comparisons.append(Comparison(q.id, Operator.EQUALS, draw(st.booleans())))
        elif isinstance(q, SingleChoiceQuestion):
            codes = draw(st.lists(st.sampled_from(q.codes), min_size=1, unique=True))
            comparisons.append(Comparison(q.id, Operator.IN, tuple(codes)))
    return Condition(tuple(comparisons), draw(st.sampled_from(list(Match))))


@st.composite
def questionnaires(draw: st.DrawFn, max_sections: int = 3, max_questions: int = 4) -> Questionnaire:
    """Valid questionnaires: unique ids, conditions on earlier questions, both languages."""
    n_sections = draw(st.integers(1, max_sections))
    sizes = [draw(st.integers(1, max_questions)) for _ in range(n_sections)]
    # Unique by construction (a drawn prefix plus a counter): unique=True lists of random
    # ids are slow to generate and shrink.
    prefix = draw(identifiers())
    ids = [f"{prefix}{i}" for i in range(sum(sizes))]
    section_ids = [f"s{i}" for i in range(n_sections)]
    earlier: list[Question] = []
    sections = []
    it = iter(ids)
    for sid, size in zip(section_ids, sizes, strict=True):
        qs = []
        for _ in range(size):
            q = draw(questions(next(it)))
            condition = draw(_condition(earlier))
            if condition is not None:
                q = _with_condition(q, condition)
            qs.append(q)
            earlier.append(q)
        sections.append(
            Section(
                id=sid,
                title=draw(localized_texts()),
                minutes=draw(st.integers(0, 30)),
                guidance=draw(st.none() | localized_texts()),
                preparation=draw(st.none() | localized_texts()),
                questions=qs,
            )
        )
    return Questionnaire(
        id=draw(identifiers()),
        version=draw(st.sampled_from(["1", "2", "2026.1"])),
        kinds=draw(st.frozensets(st.sampled_from(list(ConversationKind)), min_size=1)),
        title=draw(localized_texts()),
        intro=draw(st.none() | localized_texts()),
        sections=sections,
    )


def _with_condition(question: Question, condition: Condition) -> Question:
    import attrs

    return attrs.evolve(question, condition=condition)


# ------------------------------------------------------------------ answers and responses


@st.composite
def _valid_answer(draw: st.DrawFn, question: Question) -> Answer:
    if isinstance(question, ScaleQuestion):
        return ScaleAnswer(draw(st.integers(question.min, question.max)))
    if isinstance(question, TextQuestion):
        return TextAnswer(draw(texts(max_size=min(question.max_length or 200, 200))))
    if isinstance(question, SingleChoiceQuestion):
        return ChoiceAnswer(draw(st.sampled_from(question.codes)))
    if isinstance(question, MultipleChoiceQuestion):
        limit = question.max_selected or len(question.codes)
        codes = draw(st.lists(st.sampled_from(question.codes), unique=True, max_size=limit))
        return MultipleChoiceAnswer(tuple(codes))
    if isinstance(question, YesNoQuestion):
        return YesNoAnswer(draw(st.booleans()))
    if isinstance(question, NumberQuestion):
        low = -1000 if question.min is None else int(question.min)
        high = 1000 if question.max is None else int(question.max)
        return NumberAnswer(draw(st.integers(low, high)))
    if isinstance(question, DateQuestion):
        return DateAnswer(draw(dates()))
    raise UnsupportedObjectError(
        Message("error.no-answer-strategy", {"type": type(question).__name__})
    )


@st.composite
def responses(
    draw: st.DrawFn,
    questionnaire: Questionnaire,
    role: Role | None = None,
    person: str | None = None,
) -> Response:
    """A response that passes ``questionnaire.check_response``.

    Visits the questions in order, answering every shown required question asked of the role
    and some of the optional ones; hidden questions are never answered.
    """
    role = role or draw(st.sampled_from(list(Role)))
    answers: dict[str, Answer] = {}
    for question in questionnaire.questions():
        if not question.asks(role) or not question.is_shown(answers):
            continue
        if question.required or draw(st.booleans()):
            answers[question.id] = draw(_valid_answer(question))
    return Response(
        questionnaire=questionnaire.ref,
        role=role,
        person=person or draw(identifiers()),
        answers=answers,
        submitted_at=draw(st.none() | datetimes()),
        shared=draw(st.booleans()),
    )


# ------------------------------------------------------------------ agreements and conversations


@st.composite
def agreements(
    draw: st.DrawFn, agreement_id: str | None = None, owners: Sequence[str] = ()
) -> Agreement:
    """Agreements with a consistent history (the last change is the current status)."""
    history = draw(
        st.lists(
            st.builds(
                StatusChange,
                status=st.sampled_from(list(AgreementStatus)),
                by=identifiers(),
                at=datetimes(),
                note=st.text(_ALPHABET, max_size=30),
            ),
            max_size=3,
        )
    )
    status = history[-1].status if history else AgreementStatus.OPEN
    owner = st.sampled_from(list(owners)) if owners else (st.none() | identifiers())
    return Agreement(
        id=agreement_id or draw(identifiers()),
        description=draw(texts()),
        owner=draw(owner),
        deadline=draw(st.none() | dates()),
        status=status,
        kind=draw(st.sampled_from(list(AgreementKind))),
        learning_method=draw(st.none() | st.sampled_from(list(LearningMethod))),
        history=history,
        continues=draw(st.none() | identifiers()),
    )


@st.composite
def _participants(draw: st.DrawFn, kind: ConversationKind) -> list[Participant]:
    n = draw(st.integers(2, 6)) if kind is ConversationKind.GRUS else 2
    ids = draw(st.lists(identifiers(), min_size=n, max_size=n, unique=True))
    developed = Role.GROUP_MEMBER if kind is ConversationKind.GRUS else Role.EMPLOYEE
    return [Participant(ids[0], Role.LEADER), *(Participant(p, developed) for p in ids[1:])]


@st.composite
def conversations(draw: st.DrawFn, questionnaire: Questionnaire | None = None) -> Conversation:
    """Conversations of every kind and status with consistent participants.

    With ``questionnaire``, responses are drawn for it (one per participant at most).
    """
    kind = draw(st.sampled_from(list(ConversationKind)))
    participants = draw(_participants(kind))
    ids = [p.person for p in participants]
    agreement_ids = draw(st.lists(identifiers(), max_size=4, unique=True))
    resp: list[Response] = []
    if questionnaire is not None:
        for p in participants:
            if draw(st.booleans()):
                resp.append(draw(responses(questionnaire, p.role, p.person)))
    start = draw(st.none() | datetimes())
    return Conversation(
        id=draw(identifiers()),
        kind=kind,
        cycle=draw(st.none() | identifiers()),
        unit=draw(st.none() | identifiers()),
        participants=participants,
        scheduled_start=start,
        duration=draw(durations()),
        place=draw(st.text(_ALPHABET, max_size=20)),
        questionnaire=None if questionnaire is None else questionnaire.ref,
        responses=resp,
        agenda=draw(
            st.lists(
                st.builds(AgendaItem, title=localized_texts(), minutes=st.integers(0, 60)),
                max_size=5,
            )
        ),
        notes=draw(
            st.lists(
                st.builds(
                    Note,
                    author=st.sampled_from(ids),
                    text=texts(),
                    private=st.booleans(),
                    at=st.none() | datetimes(),
                ),
                max_size=3,
            )
        ),
        conclusions=draw(st.lists(texts(), max_size=3)),
        goals=draw(st.lists(texts(), max_size=3)),
        practice_changes=draw(st.lists(texts(), max_size=2)),
        agreements=[draw(agreements(a, ids)) for a in agreement_ids],
        signatures=draw(
            st.lists(
                st.builds(
                    Signature,
                    person=st.sampled_from(ids),
                    role=st.sampled_from(list(Role)),
                    signed_at=datetimes(),
                    digest=st.text("0123456789abcdef", min_size=64, max_size=64),
                ),
                max_size=2,
            )
        ),
        status=draw(st.sampled_from(list(ConversationStatus))),
        invitation=draw(
            st.none()
            | st.builds(
                Invitation,
                sent_at=datetimes(),
                sent_by=st.sampled_from(ids),
                message=st.text(_ALPHABET, max_size=40),
                form_attached=st.booleans(),
                respond_by=st.none() | dates(),
            )
        ),
        held_at=draw(st.none() | datetimes()),
        follow_up_date=draw(st.none() | dates()),
        next_conversation_date=draw(st.none() | dates()),
        previous=draw(st.none() | identifiers()),
    )


@st.composite
def cycles(draw: st.DrawFn) -> Cycle:
    """Rounds with a valid period and settings within the sources' ranges."""
    start = draw(dates(pendulum.date(2020, 1, 1), pendulum.date(2035, 12, 31)))
    end = start.add(days=draw(st.integers(0, 365)))
    return Cycle(
        id=draw(identifiers()),
        name=draw(texts()),
        kind=draw(st.sampled_from(list(ConversationKind))),
        period=Period(start, end),
        scope=draw(st.lists(identifiers(), max_size=6, unique=True)),
        questionnaire=draw(
            st.none() | st.builds(QuestionnaireRef, identifiers(), st.sampled_from(["1", "2"]))
        ),
        settings=draw(
            st.builds(
                CycleSettings,
                conversation_minutes=st.sampled_from([45, 60]),
                invitation_lead_days=st.integers(7, 14),
                follow_up_months=st.sampled_from([3, 6]),
                next_conversation_months=st.just(12),
                grus_before_mus=st.booleans(),
                include_lus=st.booleans(),
                grus_replaces_mus=st.lists(identifiers(), max_size=2).map(tuple),
                timezone=st.sampled_from(list(TIMEZONES)),
            )
        ),
    )


_CONCLUDED = [
    ConversationStatus.CONCLUDED,
    ConversationStatus.SIGNED,
    ConversationStatus.FOLLOWED_UP,
]


@st.composite
def development_plans(draw: st.DrawFn) -> DevelopmentPlan:
    """Development plans derived from generated concluded conversations (of every kind)."""
    import attrs

    conversation = draw(conversations())
    conversation = attrs.evolve(conversation, status=draw(st.sampled_from(_CONCLUDED)))
    person = draw(st.sampled_from(list(conversation.developed)))
    return DevelopmentPlan.from_conversation(conversation, person)


@st.composite
def organisations(
    draw: st.DrawFn, max_units: int = 4, max_members: int = 4, max_staff: int = 2
) -> Organisation:
    """Consistent organisations: a tree of units, their leaders, members, GRUS groups and staff.

    Person and unit ids are unique by construction. Units form a tree (each unit's parent comes
    before it); a unit may lack a leader, and a leader may lead two units. Every person is a
    member of at most one unit, and leaders are not members of the units they lead. Some
    people belong to no unit (staff such as HR). Groups are drawn from a unit's members, led by
    its leader. The result passes ``Organisation.check()``.
    """
    prefix = draw(identifiers())
    counter = iter(range(10_000))

    def new_person() -> str:
        return f"{prefix}.p{next(counter)}"

    units: list[OrgUnit] = []
    leaders: list[str] = []
    for i in range(draw(st.integers(1, max_units))):
        choice = draw(st.sampled_from(["new", "new", "reuse", "none"]))
        leader: str | None
        if choice == "reuse" and leaders:
            leader = draw(st.sampled_from(leaders))
        elif choice == "none" and i > 0:
            leader = None
        else:
            leader = new_person()
            leaders.append(leader)
        members = [new_person() for _ in range(draw(st.integers(0, max_members)))]
        parent = None if i == 0 else f"{prefix}.u{draw(st.integers(0, i - 1))}"
        units.append(
            OrgUnit(
                id=f"{prefix}.u{i}",
                name=draw(texts()),
                leader=leader,
                members=members,
                parent=parent,
            )
        )
    staff = [new_person() for _ in range(draw(st.integers(0, max_staff)))]
    groups: list[Group] = []
    for unit in units:
        if unit.leader is not None and unit.members and draw(st.booleans()):
            members = draw(st.lists(st.sampled_from(unit.members), min_size=1, unique=True))
            groups.append(
                Group(
                    id=f"{unit.id}.g",
                    name=draw(texts()),
                    leader=unit.leader,
                    members=members,
                    unit=unit.id,
                )
            )
    ids = list(dict.fromkeys([*leaders, *(m for u in units for m in u.members), *staff]))
    people = [Person(id=pid, name=draw(texts())) for pid in ids]
    return Organisation(people=people, units=units, groups=groups)


# ------------------------------------------------------------------ whole rounds


@attrs.frozen(kw_only=True)
class DrawnRound:
    """A drawn round: an organisation, a cycle over it, its conversations and earlier ones.

    Attributes:
        organisation: People and units (from :func:`organisations`).
        cycle: The round; its scope and ``grus_replaces_mus`` name units of the organisation
            (and sometimes none, or an unknown one).
        conversations: The round's conversations (``cycle`` set to the round's id) in every
            status and kind, with carry-overs from :attr:`earlier`, cancellations with and
            without a replacement, and some conversations of another round.
        earlier: The previous round's conversations, whose agreements are carried over.
        on: A day near the agreements' deadlines, to ask what is overdue or due soon.
    """

    organisation: Organisation
    cycle: Cycle
    conversations: tuple[Conversation, ...]
    earlier: tuple[Conversation, ...]
    on: pendulum.Date

    @property
    def everything(self) -> tuple[Conversation, ...]:
        """The earlier conversations followed by the round's."""
        return (*self.earlier, *self.conversations)


_ROUND_DAY = pendulum.date(2026, 5, 1)
_ROUND_DEADLINES = dates(pendulum.date(2026, 3, 1), pendulum.date(2026, 7, 31))
_K = ConversationKind
_MEMBER_KINDS = [_K.MUS, _K.MUS, _K.MUS, _K.GRUS, _K.LUS, _K.FOLLOW_UP]
_LEADER_KINDS = [_K.LUS, _K.LUS, _K.LUS, _K.MUS, _K.FOLLOW_UP]
_S = ConversationStatus
_EARLIER_STATUSES = st.sampled_from([_S.HELD, _S.SIGNED, _S.FOLLOWED_UP, *_S])
_CURRENT_STATUSES = st.sampled_from([_S.CANCELLED, _S.CANCELLED, _S.CANCELLED, *_S])


@st.composite
def _round_agreements(
    draw: st.DrawFn, prefix: str, owners: Sequence[str], max_size: int = 3
) -> list[Agreement]:
    return [
        Agreement(
            id=f"{prefix}{i}",
            description=f"{prefix}{i}",
            owner=draw(st.sampled_from(list(owners))),
            deadline=draw(st.none() | _ROUND_DEADLINES),
            status=draw(st.sampled_from(list(AgreementStatus))),
        )
        for i in range(draw(st.integers(0, max_size)))
    ]


@st.composite
def rounds(
    draw: st.DrawFn, max_units: int = 4, max_members: int = 3, max_conversations: int = 12
) -> DrawnRound:
    """Whole rounds for tests that compare the consumers of the round facts.

    The organisation is drawn by :func:`organisations`; the cycle's kind, scope and settings
    vary (LUS included or not, a GRUS replacing the MUS in some units). Conversations develop
    people of the organisation (and sometimes a stranger) in every kind and status, with or
    without their own ``unit``; some belong to another round. The previous round's
    conversations hold agreements in every status and deadline, and this round's carry some
    of them over (``previous`` and ``continues``), also into cancelled conversations.
    """
    org = draw(
        organisations(max_units=max_units, max_members=max_members).filter(
            lambda o: any(u.members for u in o.units)  # someone to cover
        )
    )
    unit_ids = [u.id for u in org.units]
    people = [p.id for p in org.people] or ["nobody"]
    # The whole organisation (an empty scope or its top unit), or some units.
    shape = draw(st.sampled_from(["whole", "top", "some"]))
    scope = [] if shape == "whole" else [unit_ids[0]] if shape == "top" else []
    if shape == "some":
        scope = draw(st.lists(st.sampled_from(unit_ids), min_size=1, max_size=2, unique=True))
    if shape == "some" and draw(st.integers(0, 4)) == 0:
        scope.append("unknown-unit")  # a scope naming a unit the organisation does not have
    replaced = draw(st.lists(st.sampled_from(unit_ids), max_size=2, unique=True))
    kind = draw(
        st.sampled_from(
            [ConversationKind.MUS] * 8
            + [ConversationKind.GRUS, ConversationKind.LUS, ConversationKind.FOLLOW_UP]
        )
    )
    cycle = Cycle(
        id="round",
        name="Round",
        kind=kind,
        period=Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 6, 30)),
        scope=scope,
        settings=CycleSettings(include_lus=draw(st.booleans()), grus_replaces_mus=replaced),
    )

    def conversation(cid: str, cycle_id: str, status: ConversationStatus) -> Conversation:
        first = draw(st.sampled_from([*people, *people, "stranger"]))
        # Mostly the kind that counts for the person, sometimes one that does not.
        kinds = _LEADER_KINDS if org.is_leader(first) else _MEMBER_KINDS
        kind = draw(st.sampled_from(kinds))
        developed = [first]
        if kind is ConversationKind.GRUS:
            others = [p for p in people if p != first]
            developed += (
                draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if (others) else []
            )
        leader = org.nearest_leader(first) if org.has_person(first) else None
        if leader is None or leader in developed:
            leader = "outside-leader"
        role = Role.GROUP_MEMBER if kind is ConversationKind.GRUS else Role.EMPLOYEE
        own_unit = draw(st.sampled_from([None, None, *unit_ids]))
        return Conversation(
            id=cid,
            kind=kind,
            cycle=cycle_id,
            unit=own_unit,
            participants=[
                Participant(leader, Role.LEADER),
                *(Participant(p, role) for p in developed),
            ],
            status=status,
            agreements=draw(_round_agreements(f"{cid}.a", [*developed, leader])),
        )

    # Earlier conversations were mostly held; this round's are often cancelled.
    earlier = [
        conversation(f"e{i}", "earlier", draw(_EARLIER_STATUSES))
        for i in range(draw(st.integers(0, max_conversations // 2)))
    ]
    current: list[Conversation] = []
    for i in range(draw(st.integers(1, max_conversations))):
        cycle_id = draw(st.sampled_from(["round", "round", "round", "other-round"]))
        c = conversation(f"c{i}", cycle_id, draw(_CURRENT_STATUSES))
        if len(earlier) > 0 and draw(st.sampled_from([True, True, True, False])):
            before = draw(st.sampled_from(earlier))
            taken = {a.id for a in c.agreements}
            copies = []
            for original in before.agreements:
                if original.is_open and draw(st.booleans()):
                    new_id = (
                        original.id if original.id not in taken else f"{before.id}.{original.id}"
                    )
                    taken.add(new_id)
                    copies.append(
                        attrs.evolve(
                            original,
                            id=new_id,
                            continues=original.id,
                            status=draw(st.sampled_from(list(AgreementStatus))),
                        )
                    )
            c = attrs.evolve(c, previous=before.id, agreements=(*c.agreements, *copies))
        current.append(c)
        if c.status is ConversationStatus.CANCELLED and draw(st.booleans()):
            # A replacement: the same people and kind, planned or held.
            replacement = attrs.evolve(
                c,
                id=f"{c.id}r",
                status=draw(st.sampled_from(list(ConversationStatus))),
                agreements=[a for a in c.agreements if a.continues is not None],
            )
            current.append(replacement)
    on = _ROUND_DAY.add(days=draw(st.integers(-60, 60)))
    return DrawnRound(
        organisation=org,
        cycle=cycle,
        conversations=tuple(current),
        earlier=tuple(earlier),
        on=on,
    )
