"""Reusable walks of one MUS, one GRUS and one LUS through the whole workflow.

Each walk uses a frozen clock (``FixedClock``) moved by hand, and realistic content: a
preparation form whose agenda adds up to the conversation's length, responses from every
participant, reviewed carry-over, agreements with owners, deadlines after the conversation and
varied learning methods, goals, a follow-up 6 months (MUS, GRUS) or 3 months (LUS) later, a
next conversation within 12 months, signatures by everyone required, and a follow-up record.

``walk.steps`` lists ``(step name, conversation)`` after every step, so a test can check each
state; ``walk.final`` is the followed-up conversation; ``walk.plans`` the development plans of
everyone developed. ``organisation()`` and ``cycle()`` give the round the walks belong to.
"""

from __future__ import annotations

import attrs
import pendulum

import musframework as mf
from musframework import workflow as wf

CPH = "Europe/Copenhagen"
CYCLE_ID = "mus-2026"


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=CPH)


def both(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def questionnaire() -> mf.Questionnaire:
    """A MUS/GRUS/LUS form in five parts of 5 + 10 + 30 + 10 + 5 = 60 minutes."""
    return mf.Questionnaire(
        id="walk-form",
        version="1",
        kinds=["MUS", "GRUS", "LUS"],
        title=both("Udviklingssamtale 2026", "Development conversation 2026"),
        sections=[
            mf.Section(
                id="intro",
                title=both("Velkomst", "Welcome"),
                minutes=5,
                questions=[
                    mf.TextQuestion(
                        id="expectations",
                        text=both("Hvad ønsker du af samtalen?", "What do you want from it?"),
                        answered_by="all",
                    )
                ],
            ),
            mf.Section(
                id="past",
                title=both("Året der gik", "The past year"),
                minutes=10,
                questions=[
                    mf.ScaleQuestion(
                        id="year",
                        text=both("Hvordan er året gået?", "How did the year go?"),
                        required=True,
                        answered_by="all",
                    ),
                    mf.TextQuestion(
                        id="strengths",
                        text=both("Hvilke styrker har du brugt?", "Which strengths did you use?"),
                        long=True,
                        answered_by="all",
                    ),
                ],
            ),
            mf.Section(
                id="future",
                title=both("Nu og fremtiden", "Present and future"),
                minutes=30,
                questions=[
                    mf.TextQuestion(
                        id="goals",
                        text=both("Hvad vil du lære?", "What do you want to learn?"),
                        long=True,
                        required=True,
                        answered_by="all",
                    ),
                    mf.MultipleChoiceQuestion(
                        id="methods",
                        text=both("Hvordan vil du helst lære?", "How would you rather learn?"),
                        options=[
                            mf.Option("mentoring", both("Mentor", "Mentoring")),
                            mf.Option("on_the_job", both("Sidemandsoplæring", "On the job")),
                            mf.Option("course", both("Kursus", "Course")),
                            mf.Option("new_tasks", both("Nye opgaver", "New tasks")),
                        ],
                        answered_by="all",
                    ),
                ],
            ),
            mf.Section(
                id="wellbeing",
                title=both("Samarbejde og trivsel", "Collaboration and well-being"),
                minutes=10,
                questions=[
                    mf.ScaleQuestion(
                        id="wellbeing",
                        text=both("Hvordan trives du?", "How is your well-being?"),
                        answered_by="all",
                    )
                ],
            ),
            mf.Section(
                id="closing",
                title=both("Afslutning", "Closing"),
                minutes=5,
                questions=[
                    mf.TextQuestion(
                        id="feedback",
                        text=both("Hvordan var samtalen?", "How was the conversation?"),
                        answered_by="all",
                    )
                ],
            ),
        ],
    )


def organisation() -> mf.Organisation:
    """A director, a leader of a team of three, and a second employee elsewhere."""
    people = [
        mf.Person(id="dir", name="Dorte Direktør"),
        mf.Person(id="boss", name="Bo Leder"),
        mf.Person(id="emp", name="Ane Jensen"),
        mf.Person(id="m1", name="Mads Holm"),
        mf.Person(id="m2", name="Sara Nielsen"),
    ]
    units = [
        mf.OrgUnit(id="top", name="Direktionen", leader="dir"),
        mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp", "m1", "m2"], parent="top"),
    ]
    groups = [
        mf.Group(
            id="it-team", name="IT-teamet", leader="boss", members=["emp", "m1", "m2"], unit="it"
        )
    ]
    return mf.Organisation(people=people, units=units, groups=groups)


def cycle() -> mf.Cycle:
    """The round the walks belong to (GRUS before MUS, LUS for leaders)."""
    return mf.Cycle(
        id=CYCLE_ID,
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 4, 30)),
        scope=["top"],
        questionnaire=questionnaire().ref,
        settings=mf.CycleSettings(grus_before_mus=True, include_lus=True),
    )


@attrs.define
class Walk:
    """The conversation after every step of a walk."""

    steps: list[tuple[str, mf.Conversation]]
    questionnaire: mf.Questionnaire
    clock: mf.FixedClock
    previous: mf.Conversation | None = None

    @property
    def final(self) -> mf.Conversation:
        return self.steps[-1][1]

    def state(self, status: mf.ConversationStatus | str) -> mf.Conversation:
        """The conversation right after it reached ``status``."""
        wanted = mf.ConversationStatus(status)
        return next(c for _, c in self.steps if c.status is wanted)

    @property
    def plans(self) -> list[mf.DevelopmentPlan]:
        final = self.final
        return [mf.DevelopmentPlan.from_conversation(final, p) for p in final.developed]


def _agenda(form: mf.Questionnaire) -> list[mf.AgendaItem]:
    return [mf.AgendaItem(title=s.title, minutes=s.minutes, section=s.id) for s in form.sections]


def _answers(person: str) -> dict[str, object]:
    return {
        "expectations": f"Klare aftaler for det kommende år ({person})",
        "year": 4,
        "strengths": "Godt samarbejde med kolleger og kunder",
        "goals": "Blive bedre til databaser og til at lære andre op",
        "methods": ["mentoring", "on_the_job"],
        "wellbeing": 4,
        "feedback": "Tak for en god og ærlig samtale",
    }


def _walk(
    base: mf.Conversation,
    *,
    start: pendulum.DateTime,
    new_agreements: list[mf.Agreement],
    goals: list[str],
    follow_up_months: int,
    previous: mf.Conversation | None = None,
) -> Walk:
    form = questionnaire()
    clock = mf.FixedClock(start.subtract(days=10).set(hour=9))
    leader = base.leader
    assert leader is not None
    steps: list[tuple[str, mf.Conversation]] = [("planned", base)]

    def step(name: str, conversation: mf.Conversation) -> mf.Conversation:
        steps.append((name, conversation))
        return conversation

    c = step(
        "invite",
        wf.invite(
            base,
            by=leader,
            message="Velkommen til årets samtale. Skemaet er vedhæftet; forbered dig ca. en time.",
            form_attached=True,
            respond_by=start.date().subtract(days=2),
            clock=clock,
        ),
    )
    clock.advance(days=3)
    for person in (*c.developed, leader):
        role = c.role_of(person)
        assert role is not None
        response = form.new_response(role, person, _answers(person))
        c = step(
            f"response {person}", wf.submit_response(c, response, questionnaire=form, clock=clock)
        )
        clock.advance(hours=2)
    clock.set(start.add(minutes=5))
    for agreement in c.unreviewed_carry_over():
        c = step(
            f"review {agreement.id}",
            wf.review_agreement(
                c,
                agreement.id,
                mf.AgreementStatus.IN_PROGRESS,
                by=leader,
                note="Godt i gang; fortsætter med ny frist",
                deadline=start.date().add(months=4),
                clock=clock,
            ),
        )
    clock.set(start.add(minutes=60))
    c = step(
        "hold",
        wf.hold(
            c,
            by=leader,
            notes=[mf.Note(author=leader, text="Samtalen holdt som planlagt", at=clock.now())],
            clock=clock,
        ),
    )
    clock.advance(hours=3)
    day = start.date()
    c = step(
        "conclude",
        wf.conclude(
            c,
            by=leader,
            conclusions=["Et godt år med stærkt samarbejde", "Fokus på databaser og oplæring"],
            goals=goals,
            practice_changes=["Fast ugentlig sparring om opgaverne"],
            agreements=new_agreements,
            follow_up_date=wf.add_months(day, follow_up_months),
            next_conversation_date=wf.add_months(day, 12).subtract(days=7),
            clock=clock,
        ),
    )
    for person in (*c.developed, leader):
        clock.advance(hours=20)
        c = step(f"sign {person}", wf.sign(c, person=person, clock=clock))
    assert c.status is mf.ConversationStatus.SIGNED
    assert c.follow_up_date is not None
    clock.set(
        pendulum.datetime(
            c.follow_up_date.year, c.follow_up_date.month, c.follow_up_date.day, 10, tz=CPH
        )
    )
    entries = [
        mf.FollowUpEntry(
            agreement=a.id,
            status=mf.AgreementStatus.DONE if i % 2 == 0 else mf.AgreementStatus.IN_PROGRESS,
            note="Gennemført som aftalt" if i % 2 == 0 else "I gang; ny status ved næste samtale",
        )
        for i, a in enumerate(c.agreements)
    ]
    c = step(
        "follow_up",
        wf.follow_up(c, by=leader, entries=entries, note="Opfølgning holdt", clock=clock),
    )
    return Walk(steps=steps, questionnaire=form, clock=clock, previous=previous)


def previous_mus() -> mf.Conversation:
    """Last year's signed MUS of ``emp``, with one agreement still in progress."""
    return mf.Conversation(
        id="mus-2025-mus-emp",
        kind="MUS",
        cycle="mus-2025",
        unit="it",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=at(2025, 3, 5, 10),
        questionnaire=questionnaire().ref,
        status=mf.ConversationStatus.FOLLOWED_UP,
        agreements=[
            mf.Agreement(
                id="sql",
                description="Lære SQL gennem sidemandsoplæring hos Mads",
                owner="emp",
                deadline=pendulum.date(2025, 12, 1),
                status=mf.AgreementStatus.IN_PROGRESS,
                kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
                learning_method=mf.LearningMethod.ON_THE_JOB_TRAINING,
                history=[
                    mf.StatusChange(status="in_progress", by="boss", at=at(2025, 9, 5, 10)),
                ],
            ),
            mf.Agreement(
                id="done-one",
                description="Overtage kundemøderne for team Nord",
                owner="emp",
                deadline=pendulum.date(2025, 6, 1),
                status=mf.AgreementStatus.DONE,
                kind=mf.AgreementKind.TASK_CHANGE,
            ),
        ],
    )


def _planned(
    kind: str,
    cid: str,
    participants: list[mf.Participant],
    start: pendulum.DateTime,
    **extra: object,
) -> mf.Conversation:
    form = questionnaire()
    return mf.Conversation(
        id=cid,
        kind=kind,
        cycle=CYCLE_ID,
        unit="it",
        participants=participants,
        scheduled_start=start,
        duration=pendulum.duration(minutes=60),
        place="Mødelokale 2",
        questionnaire=form.ref,
        agenda=_agenda(form),
        **extra,
    )


def walk_mus() -> Walk:
    """Ane's MUS with Bo, carrying over last year's unfinished agreement."""
    start = at(2026, 3, 4, 10)
    previous = previous_mus()
    base = wf.carry_over(
        previous,
        _planned(
            "MUS",
            wf.conversation_id(cycle(), "MUS", "emp"),  # the id planning gives it
            [mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
            start,
        ),
    )
    agreements = [
        mf.Agreement(
            id="mentor",
            description="Ane får en mentor i databaseteamet",
            owner="boss",
            deadline=pendulum.date(2026, 5, 1),
            kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
            learning_method=mf.LearningMethod.MENTORING,
        ),
        mf.Agreement(
            id="teach",
            description="Ane lærer to nye kolleger op i kundesystemet",
            owner="emp",
            deadline=pendulum.date(2026, 8, 1),
            kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
            learning_method=mf.LearningMethod.TEACHING_OTHERS,
        ),
        mf.Agreement(
            id="course",
            description="Kursus i datamodellering",
            owner="emp",
            deadline=pendulum.date(2026, 11, 1),
            kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
            learning_method=mf.LearningMethod.COURSE,
        ),
    ]
    return _walk(
        base,
        start=start,
        new_agreements=agreements,
        goals=["Kan selv designe og vedligeholde teamets databaser", "Er fast oplærer for nye"],
        follow_up_months=6,
        previous=previous,
    )


def walk_grus() -> Walk:
    """The IT team's GRUS with Bo, a week before the team's MUS."""
    start = at(2026, 2, 24, 13)
    members = ["emp", "m1", "m2"]
    base = _planned(
        "GRUS",
        f"{CYCLE_ID}-grus-it",
        [mf.Participant("boss", "leader"), *(mf.Participant(m, "group_member") for m in members)],
        start,
        group="it-team",
    )
    methods = [
        mf.LearningMethod.JOB_ROTATION,
        mf.LearningMethod.NETWORK,
        mf.LearningMethod.SELF_STUDY,
    ]
    agreements = [
        mf.Agreement(
            id=f"grow-{m}",
            description=f"{m} tager ansvar for et af teamets fokusområder",
            owner=m,
            deadline=pendulum.date(2026, 6, 1),
            kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
            learning_method=method,
        )
        for m, method in zip(members, methods, strict=True)
    ]
    agreements.append(
        mf.Agreement(
            id="team-day",
            description="Bo arrangerer en temadag om teamets mål",
            owner="boss",
            deadline=pendulum.date(2026, 4, 15),
            kind=mf.AgreementKind.GOAL,
        )
    )
    return _walk(
        base,
        start=start,
        new_agreements=agreements,
        goals=["Teamet leverer stabil drift og deler viden på tværs"],
        follow_up_months=6,
    )


def walk_lus() -> Walk:
    """Bo's LUS with the director, with feedback on leadership."""
    start = at(2026, 3, 10, 9)
    base = _planned(
        "LUS",
        wf.conversation_id(cycle(), "LUS", "boss"),
        [mf.Participant("boss", "employee"), mf.Participant("dir", "leader")],
        start,
    )
    agreements = [
        mf.Agreement(
            id="network",
            description="Bo deltager i et ledernetværk",
            owner="boss",
            deadline=pendulum.date(2026, 9, 1),
            kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
            learning_method=mf.LearningMethod.NETWORK,
        ),
        mf.Agreement(
            id="feedback",
            description="Dorte giver Bo løbende sparring om ledelse",
            owner="dir",
            deadline=pendulum.date(2026, 6, 1),
            kind=mf.AgreementKind.OTHER,
            learning_method=mf.LearningMethod.MENTORING,
        ),
    ]
    return _walk(
        base,
        start=start,
        new_agreements=agreements,
        goals=["Tydeligere prioritering og delegering i teamet"],
        follow_up_months=3,
    )
