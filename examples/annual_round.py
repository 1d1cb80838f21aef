"""The musframework demo: one MUS from form to signed development plan.

Run with ``nox -s demo`` (or ``python examples/annual_round.py``). It writes the questionnaire,
the conversation and the development plan as JSON into ``examples/output/`` and prints where.
The full round on SQLite arrives with the storage, workflow and notebook work.
"""

from __future__ import annotations

import pathlib

import attrs
import pendulum

import musframework as mf

OUT = pathlib.Path(__file__).parent / "output"


def both(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def questionnaire() -> mf.Questionnaire:
    return mf.Questionnaire(
        id="demo-mus",
        version="1",
        title=both("MUS 2026", "Development conversation 2026"),
        sections=[
            mf.Section(
                id="past",
                title=both("Året der gik", "The past year"),
                minutes=10,
                questions=[
                    mf.ScaleQuestion(
                        id="year_rating",
                        text=both("Hvordan er året gået?", "How did the year go?"),
                        required=True,
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
                    ),
                ],
            ),
        ],
    )


def main() -> None:
    clock = mf.FixedClock(pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen"))
    people = [mf.Person(id="ane", name="Ane Holm"), mf.Person(id="bo", name="Bo Lund")]
    form = questionnaire()
    assert form.check() == []
    answers = form.new_response(
        "employee", "ane", {"year_rating": 4, "goals": "Bedre til Python"}, submitted_at=clock.now()
    )
    assert form.check_response(answers) == []
    conversation = mf.Conversation(
        id="mus-ane-2026",
        kind=mf.ConversationKind.MUS,
        participants=[mf.Participant("ane", "employee"), mf.Participant("bo", "leader")],
        scheduled_start=clock.now(),
        place="Mødelokale 2",
        questionnaire=form.ref,
        responses=[answers],
        goals=["Bliv selvkørende i Python"],
        agreements=[
            mf.Agreement(
                id="a1",
                description="Python-kursus",
                owner="ane",
                deadline=pendulum.date(2026, 6, 30),
                kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
                learning_method=mf.LearningMethod.COURSE,
            )
        ],
        follow_up_date=pendulum.date(2026, 9, 3),
        next_conversation_date=pendulum.date(2027, 3, 3),
        status=mf.ConversationStatus.CONCLUDED,
    )
    digest = conversation.content_digest()
    signatures = [
        mf.Signature(person=p, role=r, signed_at=clock.now(), digest=digest)
        for p, r in (("ane", "employee"), ("bo", "leader"))
    ]
    conversation = attrs.evolve(
        conversation, signatures=signatures, status=mf.ConversationStatus.SIGNED
    )
    plan = mf.DevelopmentPlan.from_conversation(conversation)

    OUT.mkdir(exist_ok=True)
    files = {
        "questionnaire.json": form,
        "conversation.json": conversation,
        "plan.json": plan,
    }
    for name, obj in files.items():
        (OUT / name).write_text(mf.dumps(obj, indent=2), encoding="utf-8")
    for person in people:
        (OUT / f"person-{person.id}.json").write_text(mf.dumps(person, indent=2), encoding="utf-8")

    again = mf.loads((OUT / "conversation.json").read_text(encoding="utf-8"), mf.Conversation)
    assert again == conversation
    signed = "yes" if plan.is_signed_by_both else "no"
    print(f"Plan for {plan.person}: {len(plan.activities)} activity, signed by both: {signed}")
    print(f"Wrote {len(files) + len(people)} files to {OUT}")


if __name__ == "__main__":
    main()
