"""A downstream developer's own preparation form, with a question type of their own.

Run with ``python examples/custom_questionnaire.py [--output DIR]``. End to end:

1. define a custom question type, *ranking* ("put these in order of importance to you"),
   with its answer type, its checks and its plain-text rendering, and register it;
2. define a questionnaire that uses it next to built-in questions, and check it;
3. save it as TOML and JSON, and load both files back;
4. export it to SurveyJS (with an adapter for SurveyJS's own ``ranking`` element) and import a
   survey result as a response;
5. answer it, and check a good and a bad response;
6. store the form and a conversation with the response in SQLite, and load them back;
7. render the blank form (HTML) and the side-by-side view (Markdown) to files.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import pendulum

import musframework as mf
from musframework.interop import surveyjs

HERE = pathlib.Path(__file__).parent


# 1. The question type ---------------------------------------------------------------------


@attrs.frozen
class RankingAnswer(mf.Answer):
    """The codes of the options, most important first."""

    type_name: ClassVar[str] = "ranking"
    order: tuple[str, ...] = attrs.field(converter=tuple)


@attrs.frozen(kw_only=True)
class RankingQuestion(mf.Question):
    """Put (some of) the options in order; at most ``top`` of them."""

    type_name: ClassVar[str] = "ranking"
    answer_type: ClassVar[type[mf.Answer]] = RankingAnswer
    options: tuple[mf.Option, ...] = attrs.field(converter=tuple)
    top: int = 3

    def check_value(self, answer: mf.Answer) -> Iterator[mf.Finding]:
        assert isinstance(answer, RankingAnswer)
        codes = {option.code for option in self.options}
        unknown = [code for code in answer.order if code not in codes]
        if unknown:
            yield mf.Finding.error(
                "ranking.unknown-option",
                "order",
                da=f"ukendte valg: {', '.join(unknown)}",
                en=f"unknown options: {', '.join(unknown)}",
            )
        if len(set(answer.order)) != len(answer.order):
            yield mf.Finding.error(
                "ranking.repeated", "order", da="et valg er med to gange", en="an option repeats"
            )
        if len(answer.order) > self.top:
            yield mf.Finding.error(
                "ranking.too-many",
                "order",
                da=f"højst {self.top} valg",
                en=f"at most {self.top} options",
            )

    def coerce(self, value: Any) -> RankingAnswer:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise TypeError(f"a ranking is a list of option codes, not {value!r}")
        return RankingAnswer(tuple(str(code) for code in value))

    def answer_text(self, answer: mf.Answer, locale: str = "da") -> str:
        assert isinstance(answer, RankingAnswer)
        labels = {option.code: option.label.get(locale) for option in self.options}
        return ", ".join(f"{n}. {labels.get(code, code)}" for n, code in enumerate(answer.order, 1))


mf.register_question_type(RankingQuestion)

# SurveyJS has a ranking element of its own; its value is the list of codes, in order.
surveyjs.register_surveyjs_type(
    "ranking",
    surveyjs.SurveyJSAdapter(
        element=lambda question, loc: {
            "type": "ranking",
            "choices": [
                {"value": option.code, "text": loc(option.label)}
                for option in question.options  # type: ignore[attr-defined]
            ],
        },
        to_value=lambda question, answer: list(answer.order),  # type: ignore[attr-defined]
    ),
)


# 2. The questionnaire ----------------------------------------------------------------------


def both(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def questionnaire() -> mf.Questionnaire:
    wishes = [
        mf.Option("course", both("Kurser og uddannelse", "Courses and education")),
        mf.Option("tasks", both("Nye opgaver", "New tasks")),
        mf.Option("mentor", both("En mentor", "A mentor")),
        mf.Option("network", both("Netværk uden for huset", "Networks outside")),
        mf.Option("rotation", both("Jobrotation", "Job rotation")),
    ]
    return mf.Questionnaire(
        id="acme-mus",
        version="2026.1",
        kinds=["MUS"],
        title=both("Acme MUS 2026", "Acme development conversation 2026"),
        sections=[
            mf.Section(
                id="past",
                title=both("Året der gik", "The past year"),
                minutes=15,
                questions=[
                    mf.ScaleQuestion(
                        id="year",
                        text=both("Hvordan er året gået?", "How did the year go?"),
                        required=True,
                        answered_by="both",
                    ),
                ],
            ),
            mf.Section(
                id="future",
                title=both("Fremtiden", "The future"),
                minutes=30,
                questions=[
                    RankingQuestion(
                        id="wishes",
                        text=both(
                            "Hvordan vil du helst udvikle dig? Vælg højst tre, vigtigst først.",
                            "How would you rather develop? Pick at most three, most important"
                            " first.",
                        ),
                        options=wishes,
                        top=3,
                        required=True,
                    ),
                    mf.TextQuestion(
                        id="why",
                        text=both("Hvorfor netop dem?", "Why those?"),
                        long=True,
                    ),
                ],
            ),
        ],
    )


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("MUSFRAMEWORK_DEMO_OUTPUT", HERE / "output")
    parser.add_argument("--output", type=pathlib.Path, default=pathlib.Path(default))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    out = options(argv).output.resolve() / "custom"
    out.mkdir(parents=True, exist_ok=True)
    cph = "Europe/Copenhagen"
    clock = mf.FixedClock(pendulum.datetime(2026, 3, 2, 9, tz=cph))

    form = questionnaire()
    problems = form.check()
    print("check():", problems or "no problems")

    # 3. Files: TOML and JSON load back into an equal questionnaire.
    toml_file = mf.save_questionnaire(form, out / "acme-mus@2026.1.toml")
    json_file = mf.save_questionnaire(form, out / "acme-mus@2026.1.json")
    assert mf.load_questionnaire(toml_file) == form == mf.load_questionnaire(json_file)
    print("saved and loaded:", toml_file.name, json_file.name)

    # 4. SurveyJS: export the form; import what the employee filled in on the web.
    survey = surveyjs.to_surveyjs(form, strict=True)
    ranking = survey["pages"][1]["elements"][0]
    print("SurveyJS element:", ranking["type"], "with", len(ranking["choices"]), "choices")
    employee = surveyjs.response_from_surveyjs(
        {"year": 4, "wishes": ["mentor", "tasks"], "why": "Jeg lærer bedst af andre"},
        form,
        role="employee",
        person="ane",
        submitted_at=clock.now(),
    )

    # 5. Answering and checking.
    leader = form.new_response("leader", "bo", {"year": 5}, submitted_at=clock.now())
    bad = form.new_response("employee", "ane", {"year": 4, "wishes": ["mentor", "mentor", "x"]})
    print("good response:", form.check_response(employee) or "no problems")
    for finding in form.check_response(bad):
        print("bad response:", finding.code, "-", finding.text("en"))
    wishes = form.question("wishes")
    print("Ane's wishes:", wishes.answer_text(employee.answers["wishes"], "en"))

    # 6. Storage: the custom question and answer survive SQLite.
    database = out / "custom.db"
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{database}{suffix}").unlink(missing_ok=True)
    conversation = mf.Conversation(
        id="mus-ane-2026",
        kind="MUS",
        participants=[mf.Participant("ane", "employee"), mf.Participant("bo", "leader")],
        scheduled_start=pendulum.datetime(2026, 3, 4, 10, tz=cph),
        questionnaire=form.ref,
        responses=[employee, leader],
        status="prepared",
    )
    with mf.storage.open(f"sqlite:///{database}", clock=clock) as store:
        store.save(form, actor="hr")
        store.save(conversation, actor="bo")
    with mf.storage.open(f"sqlite:///{database}", clock=clock) as store:
        again = store.load(mf.Conversation, conversation.id).document
        stored_form = store.load(mf.Questionnaire, form.id, form.version).document
    assert again == conversation
    assert stored_form == form
    print("stored and loaded:", database.name, type(again.responses[0].answers["wishes"]).__name__)

    # 7. Documents: the blank form and the side-by-side view of both answers.
    people = {"ane": "Ane Holm", "bo": "Bo Lund"}
    blank = mf.render_to(out / "acme-mus-form.html", stored_form, locale="en")
    side = mf.render_to(out / "side-by-side.md", again, questionnaire=stored_form, people=people)
    print("rendered:", blank, side, sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1:])
