"""Small builders shared by the tests (not part of the public API)."""

import pendulum

import musframework as mf

CPH = "Europe/Copenhagen"


def t(text: str) -> dict[str, str]:
    """The same text in Danish and English, for definitions that must be complete."""
    return {"da": text, "en": text}


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=CPH)


def small_questionnaire() -> mf.Questionnaire:
    return mf.Questionnaire(
        id="demo",
        version="1",
        title=t("Demo"),
        sections=[
            mf.Section(
                id="past",
                title=t("Past"),
                minutes=10,
                questions=[
                    mf.ScaleQuestion(id="rating", text=t("How did it go?"), required=True),
                    mf.TextQuestion(
                        id="why_low",
                        text=t("What went wrong?"),
                        required=True,
                        max_length=50,
                        condition=mf.Condition.when("rating", "less", 3),
                    ),
                    mf.TextQuestion(
                        id="detail",
                        text=t("Tell more"),
                        condition=mf.Condition.when("why_low", "equals", "x"),
                    ),
                ],
            ),
            mf.Section(
                id="future",
                title=t("Future"),
                minutes=30,
                questions=[
                    mf.SingleChoiceQuestion(
                        id="focus",
                        text=t("Focus"),
                        options=[mf.Option("skills", t("Skills")), mf.Option("tasks", t("Tasks"))],
                        answered_by="employee",
                    ),
                    mf.MultipleChoiceQuestion(
                        id="methods",
                        text=t("Methods"),
                        options=[
                            mf.Option("course", t("Course")),
                            mf.Option("mentor", t("Mentor")),
                        ],
                        max_selected=1,
                    ),
                    mf.YesNoQuestion(id="salary_ok", text=t("OK?"), answered_by="leader"),
                    mf.NumberQuestion(id="hours", text=t("Hours"), min=0, max=40, integer=True),
                    mf.DateQuestion(id="start", text=t("Start")),
                ],
            ),
        ],
    )


def mus(**changes: object) -> mf.Conversation:
    base = mf.Conversation(
        id="c1",
        kind=mf.ConversationKind.MUS,
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=at(2026, 3, 3, 10),
    )
    import attrs

    return attrs.evolve(base, **changes)
