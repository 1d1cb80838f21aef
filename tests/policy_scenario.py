"""A small organisation and its conversations, shared by the policy tests."""

import pendulum

import musframework as mf
from musframework.policy import Capacity, DefaultPolicy, Viewer

CPH = "Europe/Copenhagen"


def at(*args):
    return pendulum.datetime(*args, tz=CPH)


ORG = mf.Organisation(
    people=[
        mf.Person(id=p, name=p.title())
        for p in ["director", "boss", "emp", "col", "hr1", "other_boss", "stranger"]
    ],
    units=[
        mf.OrgUnit(id="top", name="Top", leader="director"),
        mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp", "col"], parent="top"),
        mf.OrgUnit(
            id="sales", name="Sales", leader="other_boss", members=["stranger"], parent="top"
        ),
    ],
    groups=[mf.Group(id="team", name="Team", leader="boss", members=["emp", "col"], unit="it")],
)
POLICY = DefaultPolicy(ORG)
REF = mf.QuestionnaireRef("form", "1")

VIEWERS = {
    "employee": Viewer("emp"),
    "leader": Viewer("boss"),
    "leaders_leader": Viewer("director"),
    "colleague": Viewer("col"),
    "hr": Viewer("hr1", {Capacity.HR}),
    "stranger": Viewer("stranger"),
}


def response(person, role, text, shared=False, when=None):
    return mf.Response(
        questionnaire=REF,
        role=role,
        person=person,
        answers={"q": mf.TextAnswer(text)},
        submitted_at=when or at(2026, 2, 25, 9),
        shared=shared,
    )


def signature(person, role, conversation, when):
    return mf.Signature(
        person=person, role=role, signed_at=when, digest=conversation.content_digest()
    )


def signed(conversation, when):
    people = [(p.person, p.role) for p in conversation.participants]
    import attrs

    return attrs.evolve(
        conversation,
        signatures=[signature(p, r, conversation, when) for p, r in people],
    )


def mus(cid="mus", employee="emp", leader="boss", start=None, **extra):
    base = mf.Conversation(
        id=cid,
        kind="MUS",
        unit="it",
        participants=[mf.Participant(employee, "employee"), mf.Participant(leader, "leader")],
        scheduled_start=start or at(2026, 3, 3, 10),
        place="Room 2",
        responses=[
            response(employee, "employee", "EMP-PREP"),
            response(leader, "leader", "BOSS-PREP-SHARED", shared=True),
        ],
        notes=[
            mf.Note(author=employee, text="EMP-PRIVATE", private=True, at=at(2026, 3, 1, 8)),
            mf.Note(author=leader, text="BOSS-PRIVATE", private=True, at=at(2026, 3, 1, 8)),
            mf.Note(author=leader, text="SHARED-NOTE", at=at(2026, 3, 3, 11)),
        ],
        conclusions=["CONCLUSION"],
        goals=["GOAL"],
        agreements=[
            mf.Agreement(id="a1", description="EMP-AGREEMENT", owner=employee),
            mf.Agreement(id="a2", description="BOSS-AGREEMENT", owner=leader),
        ],
        status="concluded",
        held_at=at(2026, 3, 3, 10),
        follow_up_date=pendulum.date(2026, 9, 3),
    )
    import attrs

    base = attrs.evolve(base, **extra)
    return attrs.evolve(signed(base, at(2026, 3, 10, 12)), status="signed")


def lus():
    import attrs

    base = mus("lus", employee="boss", leader="director")
    return attrs.evolve(base, kind="LUS")


def grus():
    base = mf.Conversation(
        id="grus",
        kind="GRUS",
        unit="it",
        group="team",
        participants=[
            mf.Participant("boss", "leader"),
            mf.Participant("emp", "group_member"),
            mf.Participant("col", "group_member"),
        ],
        scheduled_start=at(2026, 2, 10, 10),
        responses=[
            response("emp", "group_member", "EMP-GRUS-PREP", shared=True),
            response("col", "group_member", "COL-GRUS-PREP", shared=True),
            response("boss", "leader", "BOSS-GRUS-PREP", shared=True),
        ],
        notes=[
            mf.Note(author="boss", text="GROUP-NOTE", at=at(2026, 2, 10, 11)),
            mf.Note(author="col", text="COL-PRIVATE", private=True, at=at(2026, 2, 9)),
        ],
        conclusions=["GROUP-CONCLUSION"],
        goals=["GROUP-GOAL"],
        agreements=[
            mf.Agreement(id="g1", description="EMP-PLAN", owner="emp"),
            mf.Agreement(id="g2", description="COL-PLAN", owner="col"),
            mf.Agreement(id="g3", description="TEAM-ACTION", owner="boss"),
        ],
        status="concluded",
    )
    return signed(base, at(2026, 2, 20, 12))
