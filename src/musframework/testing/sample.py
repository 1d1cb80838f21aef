"""Realistic sample rounds for demos, notebooks, docs and benchmarks.

:func:`sample_round` builds, from a seed, an organisation with fictitious Danish names, a
scored preparation form, the current round (GRUS, MUS and LUS conversations in every
workflow state, with invitations, both parties' ratings, agreements with deadlines spread
around the day the round stands at, ``on``, signatures) and the previous round (whose open
agreements are carried over), plus answers to an evaluation of the round. Same seed, same
round: it uses its own :class:`random.Random` and builds model objects only (no storage, no
workflow).

>>> sample = sample_round(seed=1)
>>> len(sample.organisation.people), len(sample.organisation.units)
(60, 5)
>>> sample_round(seed=1) == sample
True

Scale it up for benchmarks with ``people=200_000`` (and more ``units``).
"""

from __future__ import annotations

import functools
import random
from typing import TypeVar

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import DEFAULT_TIMEZONE, FixedClock
from musframework.errors import InvalidValueError
from musframework.model import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Answer,
    ChoiceAnswer,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Cycle,
    CycleSettings,
    Invitation,
    LearningMethod,
    MultipleChoiceAnswer,
    MultipleChoiceQuestion,
    Option,
    Organisation,
    OrgUnit,
    Participant,
    Period,
    Person,
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
from musframework.progress import gc_paused

_T = TypeVar("_T", pendulum.Date, pendulum.DateTime)

__all__ = [
    "FIRST_NAMES",
    "LAST_NAMES",
    "SampleRound",
    "evaluation_questionnaire",
    "sample_round",
    "scored_questionnaire",
]

FIRST_NAMES = (
    "Anne", "Mette", "Hanne", "Susanne", "Lene", "Camilla", "Line", "Sofie", "Ida", "Freja",
    "Karen", "Birgitte", "Louise", "Maja", "Signe", "Astrid", "Nanna", "Julie", "Emma", "Clara",
    "Peter", "Jens", "Lars", "Henrik", "Søren", "Niels", "Anders", "Morten", "Rasmus", "Mads",
    "Jesper", "Thomas", "Kasper", "Frederik", "Mikkel", "Jonas", "Emil", "Oliver", "Christian",
    "Bjørn",
)  # fmt: skip
"""Common Danish first names; combined at random with :data:`LAST_NAMES` into fictitious people."""

LAST_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen",
    "Lund", "Holm", "Schmidt", "Eriksen", "Kristiansen", "Simonsen", "Clausen", "Svendsen",
    "Andreasen", "Iversen", "Østergaard", "Vestergaard", "Bach", "Friis", "Dahl", "Skov",
)  # fmt: skip
"""Common Danish surnames."""

_UNIT_NAMES = (
    "Forvaltningen",
    "Borgerservice",
    "Økonomi og løn",
    "IT og digitalisering",
    "Teknik og miljø",
    "Børn og unge",
    "HR og organisation",
    "Sundhed og omsorg",
    "Kultur og fritid",
)

# Question id -> (Danish, English, self-rating bias: employees rate themselves higher (+) or
# lower (-) than their leaders do, on average).
_RATED = {
    "opgaver": ("Kvaliteten af opgaveløsningen", "Quality of the work", 0.1),
    "kerneopgave": ("Bidrag til kerneopgaven", "Contribution to the core task", -0.1),
    "kompetencer": (
        "Kompetencer i forhold til jobbets krav",
        "Competences against the job's demands",
        0.3,
    ),
    "udvikling": (
        "Faglig udvikling det seneste år",
        "Professional development over the past year",
        -0.3,
    ),
    "samarbejde": ("Samarbejde med kolleger", "Collaboration with colleagues", 0.5),
    "trivsel": ("Trivsel og arbejdsglæde", "Well-being and joy at work", 0.0),
}

_METHOD_TEXTS = {
    LearningMethod.COURSE: ("Kursus i projektledelse", "A course in project management"),
    LearningMethod.ON_THE_JOB_TRAINING: (
        "Sidemandsoplæring i det nye sagssystem",
        "On-the-job training in the new case system",
    ),
    LearningMethod.MENTORING: ("Mentorforløb med en erfaren kollega", "Mentoring by a colleague"),
    LearningMethod.JOB_ROTATION: ("Tre måneder i en anden afdeling", "Three months elsewhere"),
    LearningMethod.NEW_TASKS: ("Ansvar for budgetopfølgningen", "Own the budget follow-up"),
    LearningMethod.TEACHING_OTHERS: ("Oplære nye kolleger", "Train new colleagues"),
    LearningMethod.NETWORK: ("Deltage i fagligt netværk", "Join a professional network"),
    LearningMethod.SELF_STUDY: ("Selvstudium i dataanalyse", "Self-study in data analysis"),
    LearningMethod.FORMAL_EDUCATION: ("Diplommodul i ledelse", "A diploma module in leadership"),
}
_LEADER_TASKS = (
    "Afklare arbejdsopgaverne efter omorganiseringen",
    "Finde midler til kursus",
    "Aftale fast tid til sparring hver måned",
    "Skaffe adgang til de nye systemer",
)
_METHOD_WEIGHTS = (
    (LearningMethod.COURSE, 22),
    (LearningMethod.ON_THE_JOB_TRAINING, 18),
    (LearningMethod.NEW_TASKS, 16),
    (LearningMethod.MENTORING, 9),
    (LearningMethod.SELF_STUDY, 9),
    (LearningMethod.NETWORK, 8),
    (LearningMethod.TEACHING_OTHERS, 7),
    (LearningMethod.JOB_ROTATION, 4),
    (LearningMethod.FORMAL_EDUCATION, 7),
)


def _both(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def scored_questionnaire() -> Questionnaire:
    """The sample's scored MUS form: both parties rate six topics 1-5, plus open questions."""
    labels = [
        ScalePoint(1, _both("I meget lav grad", "To a very small extent")),
        ScalePoint(3, _both("I nogen grad", "To some extent")),
        ScalePoint(5, _both("I meget høj grad", "To a very large extent")),
    ]

    def scale(qid: str) -> ScaleQuestion:
        da, en, _ = _RATED[qid]
        return ScaleQuestion(
            id=qid, text=_both(da, en), required=True, answered_by="both", labels=labels
        )

    return Questionnaire(
        id="mus-scored",
        version="2026",
        title=_both("MUS-skema med vurdering", "Scored preparation form"),
        sections=[
            Section(
                id="indledning",
                title=_both("Indledning", "Introduction"),
                minutes=5,
                questions=[
                    TextQuestion(
                        id="forventninger",
                        text=_both("Hvad vil du gerne tale om?", "What would you like to discuss?"),
                        answered_by="employee",
                    )
                ],
            ),
            Section(
                id="fortid",
                title=_both("Det forløbne år", "The past year"),
                minutes=10,
                questions=[scale("opgaver"), scale("kerneopgave")],
            ),
            Section(
                id="fremtid",
                title=_both("Nutid og fremtid", "Present and future"),
                minutes=30,
                questions=[
                    scale("kompetencer"),
                    scale("udvikling"),
                    TextQuestion(
                        id="maal",
                        text=_both("Mål til næste samtale", "Goals until the next conversation"),
                        long=True,
                    ),
                ],
            ),
            Section(
                id="samarbejde",
                title=_both("Samarbejde og trivsel", "Collaboration and well-being"),
                minutes=10,
                questions=[scale("samarbejde"), scale("trivsel")],
            ),
            Section(
                id="afslutning",
                title=_both("Afslutning", "Closing"),
                minutes=5,
                questions=[
                    TextQuestion(
                        id="feedback",
                        text=_both("Feedback på samtalen", "Feedback on the conversation"),
                    )
                ],
            ),
        ],
    )


def evaluation_questionnaire() -> Questionnaire:
    """The sample's evaluation of the round, answered by employees and leaders."""
    scale_labels = [
        ScalePoint(1, _both("Slet ikke", "Not at all")),
        ScalePoint(5, _both("I høj grad", "Very much")),
    ]
    return Questionnaire(
        id="mus-evaluering",
        version="1",
        title=_both("Evaluering af MUS-runden", "Evaluation of the round"),
        sections=[
            Section(
                id="evaluering",
                title=_both("Evaluering", "Evaluation"),
                questions=[
                    ScaleQuestion(
                        id="udbytte",
                        text=_both("Fik du udbytte af samtalen?", "Was the conversation useful?"),
                        required=True,
                        labels=scale_labels,
                    ),
                    ScaleQuestion(
                        id="forberedelse",
                        text=_both(
                            "Hjalp skemaet dig med at forberede dig?",
                            "Did the form help you prepare?",
                        ),
                        labels=scale_labels,
                    ),
                    SingleChoiceQuestion(
                        id="varighed",
                        text=_both("Hvordan var samtalens længde?", "How was the length?"),
                        options=[
                            Option("kort", _both("For kort", "Too short")),
                            Option("passende", _both("Passende", "About right")),
                            Option("lang", _both("For lang", "Too long")),
                        ],
                    ),
                    YesNoQuestion(
                        id="klare_aftaler",
                        text=_both("Blev aftalerne klare?", "Were the agreements clear?"),
                    ),
                    MultipleChoiceQuestion(
                        id="forbedringer",
                        text=_both("Hvad kan gøres bedre?", "What could be better?"),
                        options=[
                            Option("tid", _both("Mere tid", "More time")),
                            Option("skema", _both("Et kortere skema", "A shorter form")),
                            Option("opfoelgning", _both("Bedre opfølgning", "Better follow-up")),
                            Option("intet", _both("Ingenting", "Nothing")),
                        ],
                    ),
                    TextQuestion(id="kommentar", text=_both("Kommentarer", "Comments")),
                ],
            )
        ],
    )


@attrs.frozen(kw_only=True)
class SampleRound:
    """A generated organisation with its current and previous round.

    Attributes:
        organisation: People (fictitious Danish names) and units; the first unit is the top.
        cycle: The current round (MUS, with GRUS before MUS and LUS for leaders).
        previous_cycle: The round a year earlier.
        questionnaire: The scored preparation form both parties answered.
        evaluation: The evaluation questionnaire.
        conversations: The current round's conversations, in every workflow state.
        previous_conversations: The previous round's conversations, all followed up.
        evaluation_responses: Answers to :attr:`evaluation` from employees and leaders.
        on: The day the round stands at (mid-round).
    """

    organisation: Organisation
    cycle: Cycle
    previous_cycle: Cycle
    questionnaire: Questionnaire
    evaluation: Questionnaire
    conversations: tuple[Conversation, ...]
    previous_conversations: tuple[Conversation, ...]
    evaluation_responses: tuple[Response, ...]
    on: pendulum.Date

    @property
    def clock(self) -> FixedClock:
        """A fresh clock standing at noon on :attr:`on` (Europe/Copenhagen)."""
        t = self.on
        return FixedClock(pendulum.datetime(t.year, t.month, t.day, 12, tz=DEFAULT_TIMEZONE))


def _organisation(rng: random.Random, people: int, units: int) -> Organisation:
    if units < 1 or people < units:
        raise InvalidValueError(Message("error.sample-size"))
    persons = []
    for i in range(people):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        pid = f"p{i + 1:03d}"
        persons.append(Person(id=pid, name=name, email=f"{pid}@eksempel.dk"))
    leaders = [p.id for p in persons[:units]]
    members: list[list[str]] = [[] for _ in range(units)]
    for i, person in enumerate(persons[units:]):
        # The top unit keeps a small staff; the rest is spread over the other units.
        target = 0 if units == 1 or i % (4 * units) == 0 else 1 + i % (units - 1)
        members[target].append(person.id)
    unit_list = []
    for u in range(units):
        base = _UNIT_NAMES[u % len(_UNIT_NAMES)]
        name = base if u < len(_UNIT_NAMES) else f"{base} {u // len(_UNIT_NAMES) + 1}"
        unit_list.append(
            OrgUnit(
                id=f"u{u}",
                name=name,
                leader=leaders[u],
                members=members[u],
                parent=None if u == 0 else "u0",
            )
        )
    return Organisation(people=persons, units=unit_list)


# Pendulum arithmetic is slow next to building the objects; a round reuses few distinct
# dates and times, so the shifts are cached (pendulum values are immutable and hashable).
@functools.lru_cache(maxsize=1 << 16)
def _days(value: _T, days: int) -> _T:
    return value.add(days=days)


@functools.lru_cache(maxsize=1 << 12)
def _months(value: _T, months: int) -> _T:
    return value.add(months=months)


@functools.lru_cache(maxsize=1 << 12)
def _at(day: pendulum.Date, hour: int) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, tz=DEFAULT_TIMEZONE)


@functools.lru_cache(maxsize=1 << 12)
def _date(value: pendulum.DateTime) -> pendulum.Date:
    return value.date()


_SCALE = {v: ScaleAnswer(v) for v in range(1, 6)}


def _rating(rng: random.Random, centre: float) -> ScaleAnswer:
    value = round(centre + rng.gauss(0, 0.6))
    return _SCALE[min(5, max(1, value))]


class _Builder:
    def __init__(
        self, rng: random.Random, org: Organisation, form: Questionnaire, today: pendulum.Date
    ) -> None:
        self.rng = rng
        self.org = org
        self.form = form
        self.ref = form.ref
        self.today = today
        self.ability = {p.id: rng.gauss(3.6, 0.5) for p in org.people}
        self.workdays: dict[Period, list[pendulum.Date]] = {}

    def start(self, period: Period, early: bool = False) -> pendulum.DateTime:
        days = self.workdays.get(period)
        if days is None:
            every = [_days(period.start, i) for i in range(period.days)]
            days = self.workdays[period] = [d for d in every if d.weekday() < 5]
        span = max(1, len(days) // (4 if early else 1))
        day = days[self.rng.randrange(span)]
        return _at(day, self.rng.choice((9, 10, 11, 13, 14)))

    def responses(
        self, employee: str, leader: str, at: pendulum.DateTime, both: bool = True
    ) -> tuple[Response, ...]:
        rng = self.rng
        ability = self.ability[employee]
        own: dict[str, Answer] = {q: _rating(rng, ability + b) for q, (_, _, b) in _RATED.items()}
        if rng.random() < 0.6:
            own["maal"] = TextAnswer("Blive bedre til at planlægge mine opgaver")
        result = [
            Response(
                questionnaire=self.ref,
                role=Role.EMPLOYEE,
                person=employee,
                answers=own,
                submitted_at=_days(at, -rng.randint(1, 4)),
                shared=True,
            )
        ]
        if both:
            theirs: dict[str, Answer] = {q: _rating(rng, ability) for q in _RATED}
            result.append(
                Response(
                    questionnaire=self.ref,
                    role=Role.LEADER,
                    person=leader,
                    answers=theirs,
                    submitted_at=_days(at, -rng.randint(1, 3)),
                    shared=False,
                )
            )
        return tuple(result)

    def agreement(
        self,
        aid: str,
        employee: str,
        leader: str,
        made: pendulum.DateTime,
        continues: str | None = None,
    ) -> Agreement:
        rng = self.rng
        by_leader = rng.random() < 0.2
        if by_leader:
            method = None
            description = rng.choice(_LEADER_TASKS)
            kind = AgreementKind.OTHER
        else:
            method = rng.choices([m for m, _ in _METHOD_WEIGHTS], [w for _, w in _METHOD_WEIGHTS])[
                0
            ]
            description = _METHOD_TEXTS[method][0]
            kind = AgreementKind.DEVELOPMENT_ACTIVITY
        # Half are short-term (3-13 weeks), half run until the next conversation.
        weeks = rng.randint(3, 13) if rng.random() < 0.5 else rng.randint(13, 34)
        deadline = _days(_date(made), 7 * weeks)
        history: list[StatusChange] = []
        status = AgreementStatus.OPEN
        # The later past the deadline, the likelier it is done.
        if deadline <= self.today:
            roll = rng.random()
            status = (
                AgreementStatus.DONE
                if roll < 0.55
                else AgreementStatus.IN_PROGRESS
                if roll < 0.7
                else AgreementStatus.CANCELLED
                if roll < 0.75
                else AgreementStatus.OPEN
            )
        elif _date(made) < self.today and rng.random() < 0.35:
            status = rng.choice((AgreementStatus.IN_PROGRESS, AgreementStatus.DONE))
        if status is not AgreementStatus.OPEN:
            at = min(deadline, self.today)
            when = _at(at, 12)
            history.append(StatusChange(status=status, by=employee, at=max(when, made)))
        return Agreement(
            id=aid,
            description=description,
            owner=leader if by_leader else employee,
            deadline=deadline,
            status=status,
            kind=kind,
            learning_method=method,
            history=history,
            continues=continues,
        )


def _status(rng: random.Random, start: pendulum.DateTime, today: pendulum.Date) -> str:
    day = _date(start)
    if day > today:
        return "future"
    age = today.toordinal() - day.toordinal()
    if age < 2:
        return "held"
    if age < 8:
        return "concluded" if rng.random() < 0.7 else "held"
    return "signed" if rng.random() < 0.9 else "concluded"


def sample_round(
    *,
    seed: int = 2026,
    people: int = 60,
    units: int = 5,
    on: pendulum.Date | None = None,
) -> SampleRound:
    """Build a realistic, deterministic sample round (see the module docs).

    Args:
        seed: The random seed; the same seed gives an equal result.
        people: How many people (leaders included); about 60 by default.
        units: How many units; the first is the top unit, the others sit below it.
        on: The day the round stands at (default 2026-05-20); the round runs from about
            eleven weeks before it to five weeks after it.
    """
    with gc_paused():  # millions of acyclic objects for a large round
        return _sample_round(seed, people, units, on)


def _sample_round(seed: int, people: int, units: int, on: pendulum.Date | None) -> SampleRound:
    rng = random.Random(seed)
    today = on or pendulum.date(2026, 5, 20)
    org = _organisation(rng, people, units)
    form = scored_questionnaire()
    evaluation = evaluation_questionnaire()
    first = today.subtract(weeks=11)
    first = first.subtract(days=first.weekday())
    period = Period(first, today.add(weeks=5))
    previous_period = Period(period.start.subtract(years=1), period.end.subtract(years=1))
    settings = CycleSettings(grus_before_mus=True, include_lus=True)
    cycle = Cycle(
        id=f"mus-{period.start.year}",
        name=f"MUS {period.start.year}",
        period=period,
        scope=("u0",),
        questionnaire=form.ref,
        settings=settings,
    )
    previous_cycle = Cycle(
        id=f"mus-{previous_period.start.year}",
        name=f"MUS {previous_period.start.year}",
        period=previous_period,
        scope=("u0",),
        questionnaire=form.ref,
        settings=settings,
    )
    b = _Builder(rng, org, form, today)
    director = org.units[0].leader
    pairs: list[tuple[str, str, str, ConversationKind]] = []  # employee, leader, unit, kind
    for unit in org.units:
        assert unit.leader is not None
        for member in unit.members:
            pairs.append((member, unit.leader, unit.id, ConversationKind.MUS))
        if unit.leader != director and director is not None:
            pairs.append((unit.leader, director, unit.id, ConversationKind.LUS))

    # The previous round: everyone had a conversation; all followed up.
    previous: list[Conversation] = []
    previous_of: dict[str, Conversation] = {}
    for n, (employee, leader, unit_id, kind) in enumerate(pairs):
        start = b.start(previous_period)
        cid = f"{previous_cycle.id}-{n:05d}"
        earlier = []
        for k in range(rng.randint(1, 3)):
            a = b.agreement(f"a{k + 1}", employee, leader, start)
            if a.is_open and rng.random() < 0.5:
                # Followed up a year ago: many open ones were closed since.
                a = a.with_status(
                    AgreementStatus.DONE, by=employee, at=_months(start, 6), note="Fulgt op"
                )
            earlier.append(a)
        conv = Conversation(
            id=cid,
            kind=kind,
            cycle=previous_cycle.id,
            unit=unit_id,
            participants=[Participant(employee, Role.EMPLOYEE), Participant(leader, Role.LEADER)],
            scheduled_start=start,
            questionnaire=form.ref,
            agreements=earlier,
            status=ConversationStatus.FOLLOWED_UP,
            held_at=start,
            follow_up_date=_months(_date(start), 6),
            next_conversation_date=_months(_date(start), 12),
        )
        previous.append(conv)
        previous_of[employee] = conv

    conversations: list[Conversation] = []
    # GRUS first: each unit's group conversation early in the round.
    for unit in org.units:
        if unit.leader is None or not unit.members:
            continue
        start = b.start(period, early=True)
        state = _status(rng, start, today)
        status = ConversationStatus.INVITED if state == "future" else ConversationStatus.CONCLUDED
        conversations.append(
            Conversation(
                id=f"{cycle.id}-grus-{unit.id}",
                kind=ConversationKind.GRUS,
                cycle=cycle.id,
                unit=unit.id,
                participants=[
                    Participant(unit.leader, Role.LEADER),
                    *(Participant(m, Role.GROUP_MEMBER) for m in unit.members),
                ],
                scheduled_start=start,
                duration=pendulum.duration(minutes=90),
                status=status,
                invitation=Invitation(sent_at=_days(start, -14), sent_by=unit.leader),
                held_at=None if state == "future" else start,
            )
        )

    eval_responses: list[Response] = []
    eval_ref = evaluation.ref
    evaluated_leaders: set[str] = set()
    on_leave: set[str] = set()
    for n, (employee, leader, unit_id, kind) in enumerate(pairs):
        if rng.random() < 0.03:
            on_leave.add(employee)  # no conversation this round (shows in coverage)
            continue
        start = b.start(period)
        cid = f"{cycle.id}-{n:05d}"
        lead = rng.choices((rng.randint(3, 6), rng.randint(7, 14), rng.randint(15, 21)), (1, 8, 1))[
            0
        ]
        sent = _at(_date(start), 9)
        sent = _days(sent, -lead)
        state = _status(rng, start, today)
        invitation = None
        if sent.date() <= today:
            invitation = Invitation(sent_at=sent, sent_by=leader, respond_by=_date(start))
        base = functools.partial(
            Conversation,
            id=cid,
            kind=kind,
            cycle=cycle.id,
            unit=unit_id,
            participants=[
                Participant(employee, Role.EMPLOYEE),
                Participant(leader, Role.LEADER),
            ],
            scheduled_start=start,
            questionnaire=form.ref,
            invitation=invitation,
            previous=previous_of[employee].id,
        )
        if rng.random() < 0.04:
            conversations.append(
                base(status=ConversationStatus.CANCELLED, cancelled_reason="Sygdom")
            )
            continue
        if state == "future":
            days_left = _date(start).toordinal() - today.toordinal()
            if invitation is None:
                status = ConversationStatus.PLANNED
                responses: tuple[Response, ...] = ()
            elif days_left <= 4 and rng.random() < 0.7:
                status = ConversationStatus.PREPARED
                responses = b.responses(employee, leader, start, both=rng.random() < 0.8)
            else:
                status = ConversationStatus.INVITED
                responses = ()
            conversations.append(base(status=status, responses=responses))
            continue
        responses = b.responses(employee, leader, start, both=rng.random() < 0.95)
        agreements: list[Agreement] = []
        if state != "held":
            # Review the previous round's open agreements: most are carried over.
            for old in previous_of[employee].open_agreements:
                if rng.random() < 0.8:
                    agreements.append(
                        b.agreement(old.id, employee, leader, start, continues=old.id)
                    )
            for k in range(rng.randint(1, 3)):
                agreements.append(b.agreement(f"n{k + 1}", employee, leader, start))
        conv = base(
            status=ConversationStatus(state),
            responses=responses,
            held_at=start,
            conclusions=() if state == "held" else ("Godt år; fokus på faglig udvikling",),
            goals=() if state == "held" else ("Styrke kompetencerne i det nye sagssystem",),
            agreements=agreements,
            follow_up_date=None if state == "held" else _months(_date(start), 6),
            next_conversation_date=None if state == "held" else _months(_date(start), 12),
        )
        if state == "signed":
            digest = conv.content_digest()
            signed_at = _days(start, rng.randint(2, 6))
            conv = attrs.evolve(
                conv,
                signatures=[
                    Signature(
                        person=employee, role=Role.EMPLOYEE, signed_at=signed_at, digest=digest
                    ),
                    Signature(person=leader, role=Role.LEADER, signed_at=signed_at, digest=digest),
                ],
            )
        conversations.append(conv)
        if state == "signed":
            if rng.random() < 0.7:
                eval_responses.append(_evaluation(rng, eval_ref, Role.EMPLOYEE, employee, start))
            if leader not in evaluated_leaders and rng.random() < 0.8:
                evaluated_leaders.add(leader)
                eval_responses.append(_evaluation(rng, eval_ref, Role.LEADER, leader, start))

    conversations.sort(key=lambda c: (c.scheduled_start, c.id))
    if on_leave:
        # People on leave take part in no conversation of the round, their unit's GRUS included.
        conversations = [
            attrs.evolve(c, participants=[p for p in c.participants if p.person not in on_leave])
            if c.kind is ConversationKind.GRUS
            else c
            for c in conversations
        ]
    return SampleRound(
        organisation=org,
        cycle=cycle,
        previous_cycle=previous_cycle,
        questionnaire=form,
        evaluation=evaluation,
        conversations=tuple(conversations),
        previous_conversations=tuple(previous),
        evaluation_responses=tuple(eval_responses),
        on=today,
    )


def _evaluation(
    rng: random.Random, ref: QuestionnaireRef, role: Role, person: str, at: pendulum.DateTime
) -> Response:
    answers: dict[str, Answer] = {
        "udbytte": _SCALE[rng.choices((2, 3, 4, 5), (1, 3, 5, 3))[0]],
        "varighed": ChoiceAnswer(rng.choices(("kort", "passende", "lang"), (2, 7, 1))[0]),
        "klare_aftaler": YesNoAnswer(rng.random() < 0.8),
    }
    if rng.random() < 0.9:
        answers["forberedelse"] = _SCALE[rng.choices((1, 2, 3, 4, 5), (1, 2, 4, 4, 2))[0]]
    picked = [c for c in ("tid", "skema", "opfoelgning") if rng.random() < 0.3]
    answers["forbedringer"] = MultipleChoiceAnswer(tuple(picked or ["intet"]))
    if rng.random() < 0.2:
        answers["kommentar"] = TextAnswer("God samtale, men for lidt tid")
    return Response(
        questionnaire=ref,
        role=role,
        person=person,
        answers=answers,
        submitted_at=_days(at, rng.randint(3, 20)),
    )
