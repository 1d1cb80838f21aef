"""Hand-built valid objects for the rule tests: each passes every built-in rule."""

import attrs
import pendulum

import musframework as mf

from .helpers import at, t

D = pendulum.date


def agenda(*minutes: int) -> list[mf.AgendaItem]:
    return [mf.AgendaItem(title=t(f"Part {i}"), minutes=m) for i, m in enumerate(minutes)]


def sign(conversation: mf.Conversation, when: pendulum.DateTime | None = None) -> mf.Conversation:
    """Signed by the leader and everyone developed, on the current content."""
    when = when or at(2026, 3, 5, 12)
    digest = conversation.content_digest()
    people = [p for p in conversation.participants if p.role is not mf.Role.GROUP_MEMBER]
    people += [p for p in conversation.participants if p.role is mf.Role.GROUP_MEMBER]
    signatures = [
        mf.Signature(person=p.person, role=p.role, signed_at=when, digest=digest) for p in people
    ]
    return attrs.evolve(conversation, signatures=signatures)


def valid_mus(**changes: object) -> mf.Conversation:
    """A fully valid, signed MUS on 3 March 2026; ``changes`` are applied before signing."""
    base = mf.Conversation(
        id="mus-emp",
        kind="MUS",
        cycle="r2026",
        unit="it",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=at(2026, 3, 3, 10),
        questionnaire=mf.QuestionnaireRef("mus", "1"),
        agenda=agenda(5, 10, 30, 10, 5),
        conclusions=["Ane wants to lead the intake of new colleagues"],
        goals=["Lead the intake process by autumn"],
        practice_changes=["Weekly intake meeting"],
        agreements=[
            mf.Agreement(
                id="a1",
                description="Shadow the current intake lead",
                owner="emp",
                deadline=D(2026, 6, 1),
                kind="development_activity",
                learning_method=mf.LearningMethod.ON_THE_JOB_TRAINING,
            ),
            mf.Agreement(
                id="a2",
                description="Intake course",
                owner="boss",
                deadline=D(2026, 5, 1),
                kind="development_activity",
                learning_method=mf.LearningMethod.COURSE,
            ),
        ],
        status="signed",
        invitation=mf.Invitation(sent_at=at(2026, 2, 17, 9), sent_by="boss"),
        held_at=at(2026, 3, 3, 10),
        follow_up_date=D(2026, 9, 3),
        next_conversation_date=D(2027, 3, 3),
    )
    signed = "signatures" in changes
    conversation = attrs.evolve(base, **changes)
    return conversation if signed else sign(conversation)


def valid_grus(**changes: object) -> mf.Conversation:
    """A valid, signed GRUS of unit ``it`` on 24 February 2026 (before the unit's MUS)."""
    base = valid_mus(
        id="grus-it",
        kind="GRUS",
        group="team-it",
        participants=[
            mf.Participant("boss", "leader"),
            mf.Participant("emp", "group_member"),
            mf.Participant("emp2", "group_member"),
        ],
        scheduled_start=at(2026, 2, 24, 13),
        held_at=at(2026, 2, 24, 13),
        invitation=mf.Invitation(sent_at=at(2026, 2, 10, 9), sent_by="boss"),
        follow_up_date=D(2026, 8, 24),
        next_conversation_date=D(2027, 2, 24),
        agreements=[
            mf.Agreement(
                id="g1",
                description="Run a team retrospective",
                owner="emp",
                deadline=D(2026, 4, 1),
                learning_method=mf.LearningMethod.NEW_TASKS,
            ),
            mf.Agreement(
                id="g2",
                description="Teach the new colleagues the tools",
                owner="emp2",
                deadline=D(2026, 4, 1),
                learning_method=mf.LearningMethod.TEACHING_OTHERS,
            ),
        ],
        signatures=(),
    )
    signed = "signatures" in changes
    conversation = attrs.evolve(base, **changes)
    return conversation if signed else sign(conversation)


def organisation() -> mf.Organisation:
    return mf.Organisation(
        people=[
            mf.Person(id=i, name=i.title()) for i in ["director", "boss", "emp", "emp2", "emp3"]
        ],
        units=[
            mf.OrgUnit(id="top", name="Top", leader="director"),
            mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp", "emp2"], parent="top"),
        ],
    )


def cycle(**settings: object) -> mf.Cycle:
    return mf.Cycle(
        id="r2026",
        name="MUS 2026",
        period=mf.Period(D(2026, 2, 1), D(2026, 4, 30)),
        scope=["it"],
        questionnaire=mf.QuestionnaireRef("mus", "1"),
        settings=mf.CycleSettings(**settings),
    )


def round_conversations() -> list[mf.Conversation]:
    """A complete round for :func:`organisation`: a MUS for each member, a LUS for the boss."""
    return [
        valid_mus(),
        valid_mus(
            id="mus-emp2",
            participants=[mf.Participant("emp2", "employee"), mf.Participant("boss", "leader")],
            agreements=[
                attrs.evolve(a, owner="emp2" if a.owner == "emp" else a.owner)
                for a in valid_mus().agreements
            ],
        ),
        valid_mus(
            id="lus-boss",
            kind="LUS",
            unit="top",
            participants=[
                mf.Participant("boss", "employee"),
                mf.Participant("director", "leader"),
            ],
            agreements=[
                attrs.evolve(a, owner={"emp": "boss", "boss": "director"}[a.owner or ""])
                for a in valid_mus().agreements
            ],
        ),
    ]


def mus_form(**changes: object) -> mf.Questionnaire:
    base = mf.Questionnaire(
        id="mus",
        version="1",
        kinds=["MUS"],
        title=t("MUS"),
        sections=[
            mf.Section(
                id="past",
                title=t("The past year"),
                minutes=20,
                questions=[
                    mf.ScaleQuestion(id="year", text=t("How was the year?")),
                    mf.TextQuestion(
                        id="reward",
                        text={
                            "da": "Hvilken belønning gav arbejdet dig, og hvad var lønsomt?",
                            "en": "What did you pay attention to this year?",
                        },
                    ),
                ],
            ),
            mf.Section(
                id="future",
                title=t("The future"),
                minutes=40,
                questions=[mf.TextQuestion(id="goals", text=t("Which goals?"))],
            ),
        ],
    )
    return attrs.evolve(base, **changes)
