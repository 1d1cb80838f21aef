"""A small hand-built round whose figures are computed by hand in test_analytics_figures.py."""

import pendulum

import musframework as mf
from tests.helpers import at, t

TODAY = pendulum.date(2026, 5, 1)
E, L = mf.Role.EMPLOYEE, mf.Role.LEADER


def organisation() -> mf.Organisation:
    people = [
        mf.Person(id=p, name=f"Navn {p}")
        for p in ("D", "L1", "L2", *["e1", "e2", "e3", "e4", "e5"])
    ]
    return mf.Organisation(
        people=people,
        units=[
            mf.OrgUnit(id="top", name="Direktionen", leader="D"),
            mf.OrgUnit(
                id="a", name="Afdeling A", leader="L1", members=["e1", "e2", "e3"], parent="top"
            ),
            mf.OrgUnit(
                id="b", name="Afdeling <B>", leader="L2", members=["e4", "e5"], parent="top"
            ),
        ],
    )


def cycle() -> mf.Cycle:
    return mf.Cycle(
        id="r26",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 6, 30)),
        scope=["top"],
    )


def questionnaire() -> mf.Questionnaire:
    return mf.Questionnaire(
        id="scored",
        title=t("Scored"),
        sections=[
            mf.Section(
                id="s",
                title=t("S"),
                questions=[
                    mf.ScaleQuestion(id="q1", text={"da": "Opgaver", "en": "Tasks"}),
                    mf.ScaleQuestion(id="q2", text={"da": "Samarbejde", "en": "Collaboration"}),
                    mf.TextQuestion(id="q3", text=t("Why?")),
                ],
            )
        ],
    )


REF = mf.QuestionnaireRef("scored", "1")


def response(role: mf.Role, person: str, **values: object) -> mf.Response:
    answers = {
        k: mf.ScaleAnswer(v) if isinstance(v, int) else mf.TextAnswer(str(v))
        for k, v in values.items()
    }
    return mf.Response(questionnaire=REF, role=role, person=person, answers=answers)


def mus(cid: str, employee: str, leader: str, unit: str, **kw: object) -> mf.Conversation:
    kind = kw.pop("kind", mf.ConversationKind.MUS)
    return mf.Conversation(
        id=cid,
        kind=kind,
        cycle="r26",
        unit=unit,
        participants=[mf.Participant(employee, E), mf.Participant(leader, L)],
        **kw,
    )


def conversations() -> list[mf.Conversation]:
    d = pendulum.date
    c1 = mus(
        "c1", "e1", "L1", "a",
        status="signed",
        scheduled_start=at(2026, 3, 10, 10),
        invitation=mf.Invitation(sent_at=at(2026, 2, 24, 9), sent_by="L1"),
        responses=[response(E, "e1", q1=4, q2=2, q3="x"), response(L, "L1", q1=3, q2=2)],
        previous="pc1",
        agreements=[
            mf.Agreement(id="x1", description="Kursus", owner="e1", deadline=d(2026, 4, 1),
                         learning_method=mf.LearningMethod.COURSE),
            mf.Agreement(id="x2", description="Sparring <hver> uge", owner="L1",
                         deadline=d(2026, 5, 10), status="in_progress"),
            mf.Agreement(id="x3", description="Mentor", owner="e1", deadline=d(2026, 3, 20),
                         status="done", learning_method=mf.LearningMethod.MENTORING,
                         continues="p1"),
        ],
    )  # fmt: skip
    c2 = mus(
        "c2", "e2", "L1", "a",
        status="planned",
        scheduled_start=at(2026, 6, 1, 9),
        responses=[response(E, "e2", q1=1)],
    )  # fmt: skip
    c3 = mus(
        "c3", "e4", "L2", "b",
        status="cancelled",
        scheduled_start=at(2026, 3, 15, 9),
        invitation=mf.Invitation(sent_at=at(2026, 3, 12, 9), sent_by="L2"),
        agreements=[mf.Agreement(id="z1", description="Z", owner="e4", deadline=d(2026, 4, 1))],
    )  # fmt: skip
    c4 = mus(
        "c4", "L1", "D", "a",
        kind=mf.ConversationKind.LUS,
        status="held",
        scheduled_start=at(2026, 3, 20, 10),
        # 23:30 UTC on 4 March is 00:30 on 5 March in Copenhagen: 15 days ahead.
        invitation=mf.Invitation(
            sent_at=pendulum.datetime(2026, 3, 4, 23, 30, tz="UTC"), sent_by="D"
        ),
        responses=[response(E, "L1", q1=5), response(L, "D", q1=3)],
        agreements=[
            mf.Agreement(id="y1", description="Selvstudium", owner="L1", deadline=d(2026, 9, 1),
                         learning_method=mf.LearningMethod.SELF_STUDY),
            mf.Agreement(id="y2", description="Ukendt ejer", owner="stranger", continues="ghost"),
        ],
    )  # fmt: skip
    c5 = mf.Conversation(
        id="c5",
        kind="GRUS",
        cycle="r26",
        unit="b",
        participants=[
            mf.Participant("L2", L),
            mf.Participant("e4", "group_member"),
            mf.Participant("e5", "group_member"),
        ],
        status="held",
        scheduled_start=at(2026, 3, 2, 9),
        responses=[response(mf.Role.GROUP_MEMBER, "e4", q1=5), response(L, "L2", q1=1)],
    )
    return [c1, c2, c3, c4, c5]


def previous() -> list[mf.Conversation]:
    return [
        mus(
            "pc1",
            "e1",
            "L1",
            "a",
            status="followed_up",
            agreements=[
                mf.Agreement(id="p1", description="P1", owner="e1"),
                mf.Agreement(id="p2", description="P2", owner="e1", status="in_progress"),
                mf.Agreement(id="p3", description="P3", owner="e1", status="done"),
            ],
        ),
        mus(
            "pc2",
            "e2",
            "L1",
            "a",
            status="followed_up",
            agreements=[mf.Agreement(id="q1", description="Q1", owner="e2")],
        ),
    ]


def evaluation() -> mf.Questionnaire:
    return mf.Questionnaire(
        id="eval",
        title=t("Evaluation"),
        sections=[
            mf.Section(
                id="e",
                title=t("E"),
                questions=[
                    mf.ScaleQuestion(
                        id="ev1",
                        text={"da": "Udbytte", "en": "Useful"},
                        min=1,
                        max=3,
                        labels=[mf.ScalePoint(1, {"da": "Lidt", "en": "Little"})],
                    ),
                    mf.SingleChoiceQuestion(
                        id="ev2",
                        text=t("How"),
                        options=[
                            mf.Option("good", {"da": "God", "en": "Good"}),
                            mf.Option("bad", t("Bad")),
                        ],
                    ),
                    mf.YesNoQuestion(id="ev3", text=t("Clear?")),
                    mf.MultipleChoiceQuestion(
                        id="ev4",
                        text=t("Better"),
                        options=[
                            mf.Option("a", t("A")),
                            mf.Option("b", t("B")),
                            mf.Option("c", t("C")),
                        ],
                    ),
                    mf.NumberQuestion(id="ev5", text=t("Hours")),
                    mf.TextQuestion(id="ev6", text=t("Comments")),
                ],
            )
        ],
    )


def evaluation_responses() -> list[mf.Response]:
    q = evaluation()
    return [
        q.new_response(E, "e1", {"ev1": 3, "ev2": "good", "ev3": True, "ev4": ["a", "b"], "ev5": 2, "ev6": "ok"}),
        q.new_response(L, "L1", {"ev1": 1, "ev2": "bad", "ev3": True, "ev4": ["a"]}),
        mf.Response(questionnaire=mf.QuestionnaireRef("other", "1"), role=E, person="e2",
                    answers={"ev1": mf.ScaleAnswer(2)}),
    ]  # fmt: skip
