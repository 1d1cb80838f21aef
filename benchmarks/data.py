"""A seeded generator of a whole public employer's round, for the benchmarks.

Everything comes from one ``random.Random(seed)``, so two runs with the same seed and size
build the same data. The shape follows the performance issue:

* a scored form: 30 questions (20 scale questions, 5 weighted single-choice questions,
  5 text questions), every one answered in each conversation's employee response;
* about 400 units of uneven size (a few large, many small), three levels deep, one leader
  each; N employees spread over them;
* one MUS per employee, each with 5 agreements (most open, deadlines spread around the
  clock's today) and a signed-off history on the closed ones;
* an :class:`~musframework.Organisation` and a :class:`~musframework.Cycle` that fit the
  round (a whole year, so the scheduler can place 200,000 conversations).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import pendulum

import musframework as mf

TZ = "Europe/Copenhagen"
TODAY = pendulum.date(2026, 3, 2)
"""The clock's today in every benchmark: deadlines are spread around it."""

N_SCALE, N_CHOICE, N_TEXT = 20, 5, 5
AGREEMENTS_PER_CONVERSATION = 5
UNITS = 400


def _t(text: str) -> dict[str, str]:
    return {"da": text, "en": text}


def scored_questionnaire() -> mf.Questionnaire:
    """A scored MUS form with 30 questions in three sections."""
    scale = [
        mf.ScaleQuestion(
            id=f"s{i:02d}",
            text=_t(f"Rating {i}"),
            required=i < 10,
            labels=[mf.ScalePoint(1, _t("Low")), mf.ScalePoint(5, _t("High"))],
        )
        for i in range(N_SCALE)
    ]
    options = [mf.Option(f"o{k}", _t(f"Option {k}"), weight=float(k)) for k in range(4)]
    choice = [
        mf.SingleChoiceQuestion(id=f"c{i:02d}", text=_t(f"Choice {i}"), options=options)
        for i in range(N_CHOICE)
    ]
    text = [
        mf.TextQuestion(
            id=f"t{i:02d}",
            text=_t(f"Open question {i}"),
            long=True,
            max_length=2000,
            # Always met (ratings are 1-5), so every question is answered; checks still pay
            # for evaluating a condition.
            condition=mf.Condition.when("s00", "greater", 0) if i == N_TEXT - 1 else None,
        )
        for i in range(N_TEXT)
    ]
    return mf.Questionnaire(
        id="bench-scored",
        version="1",
        title=_t("Scored MUS form"),
        sections=[
            mf.Section(id="past", title=_t("Past"), minutes=15, questions=scale[:10]),
            mf.Section(id="now", title=_t("Now"), minutes=20, questions=[*scale[10:], *choice]),
            mf.Section(id="future", title=_t("Future"), minutes=25, questions=text),
        ],
    )


@dataclass
class Round:
    """One generated round: the form, the organisation, the cycle and the conversations."""

    questionnaire: mf.Questionnaire
    organisation: mf.Organisation
    cycle: mf.Cycle
    conversations: list[mf.Conversation]


def _unit_sizes(rng: random.Random, n: int, units: int) -> list[int]:
    # Uneven: weights from a Pareto distribution, so a few units are large and most are small.
    weights = [rng.paretovariate(1.3) for _ in range(units)]
    total = sum(weights)
    sizes = [int(n * w / total) for w in weights]
    for i in range(n - sum(sizes)):
        sizes[i % units] += 1
    return sizes


def organisation(n: int, seed: int = 1, units: int = UNITS) -> mf.Organisation:
    """An organisation of ``n`` employees in about ``units`` units, three levels deep."""
    rng = random.Random(seed)
    units = max(3, min(units, n // 2 or 1))
    sizes = _unit_sizes(rng, n, units)
    people: list[mf.Person] = []
    org_units: list[mf.OrgUnit] = []
    employee = 0
    for u, size in enumerate(sizes):
        leader = f"l{u:04d}"
        people.append(mf.Person(id=leader, name=f"Leader {u}"))
        parent = None if u == 0 else ("u0000" if u < 20 else f"u{rng.randrange(1, 20):04d}")
        members = [f"e{employee + k:07d}" for k in range(size)]
        employee += size
        people.extend(mf.Person(id=m, name=f"Employee {m[1:]}") for m in members)
        org_units.append(
            mf.OrgUnit(
                id=f"u{u:04d}", name=f"Unit {u}", leader=leader, members=members, parent=parent
            )
        )
    return mf.Organisation(people=people, units=org_units)


def cycle(questionnaire: mf.Questionnaire, cycle_id: str = "mus-2026") -> mf.Cycle:
    """A MUS round over the whole year (long enough for 200,000 conversations)."""
    year = 2026 if cycle_id.endswith("2026") else 2025
    return mf.Cycle(
        id=cycle_id,
        name=f"MUS {year}",
        period=mf.Period(pendulum.date(year, 1, 5), pendulum.date(year, 12, 18)),
        questionnaire=questionnaire.ref,
        settings=mf.CycleSettings(include_lus=False),
    )


_STATUSES = [mf.AgreementStatus.OPEN] * 6 + [
    mf.AgreementStatus.IN_PROGRESS,
    mf.AgreementStatus.IN_PROGRESS,
    mf.AgreementStatus.DONE,
    mf.AgreementStatus.CANCELLED,
]
_KINDS = list(mf.AgreementKind)
_WORDS = ["udvikling", "kursus", "mentor", "opgave", "ansvar", "team", "kompetence", "mål"]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def conversations(
    questionnaire: mf.Questionnaire,
    org: mf.Organisation,
    cyc: mf.Cycle,
    seed: int = 1,
) -> list[mf.Conversation]:
    """One held MUS per employee, with a full response and 5 agreements."""
    return list(iter_conversations(questionnaire, org, cyc, seed))


def iter_conversations(
    questionnaire: mf.Questionnaire,
    org: mf.Organisation,
    cyc: mf.Cycle,
    seed: int = 1,
) -> Iterator[mf.Conversation]:
    """The conversations of :func:`conversations`, one at a time (for rounds of a million)."""
    rng = random.Random(seed)
    ref = questionnaire.ref
    scale = [f"s{i:02d}" for i in range(N_SCALE)]
    choice = [f"c{i:02d}" for i in range(N_CHOICE)]
    text = [f"t{i:02d}" for i in range(N_TEXT)]
    tz = pendulum.timezone(TZ)
    base = pendulum.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tz=tz)
    duration = pendulum.duration(minutes=60)
    for unit in org.units:
        for member in unit.members:
            cid = f"{cyc.id}-mus-{member}"
            start = base.subtract(days=rng.randrange(30, 200)).add(hours=rng.randrange(0, 6))
            answers: dict[str, mf.Answer] = {q: mf.ScaleAnswer(rng.randint(1, 5)) for q in scale}
            answers.update({q: mf.ChoiceAnswer(f"o{rng.randrange(4)}") for q in choice})
            answers.update({q: mf.TextAnswer(_sentence(rng, 12)) for q in text})
            response = mf.Response(
                questionnaire=ref,
                role=mf.Role.EMPLOYEE,
                person=member,
                answers=answers,
                submitted_at=start.subtract(days=3),
            )
            agreements = []
            for k in range(AGREEMENTS_PER_CONVERSATION):
                status = rng.choice(_STATUSES)
                history = ()
                if status is not mf.AgreementStatus.OPEN:
                    history = (
                        mf.StatusChange(
                            status=status, by=unit.leader or member, at=start.add(days=30)
                        ),
                    )
                agreements.append(
                    mf.Agreement(
                        id=f"a{k}",
                        description=_sentence(rng, 8),
                        owner=member,
                        deadline=TODAY.add(days=rng.randrange(-120, 180)),
                        status=status,
                        kind=rng.choice(_KINDS),
                        history=history,
                    )
                )
            yield (
                mf.Conversation(
                    id=cid,
                    kind=mf.ConversationKind.MUS,
                    cycle=cyc.id,
                    unit=unit.id,
                    participants=[
                        mf.Participant(member, mf.Role.EMPLOYEE),
                        mf.Participant(unit.leader or member, mf.Role.LEADER),
                    ],
                    scheduled_start=start,
                    duration=duration,
                    place="Mødelokale 2",
                    questionnaire=ref,
                    responses=[response],
                    conclusions=[_sentence(rng, 10)],
                    goals=[_sentence(rng, 6)],
                    agreements=agreements,
                    status=mf.ConversationStatus.HELD,
                    held_at=start,
                )
            )


def make_round(n: int, seed: int = 1, cycle_id: str = "mus-2025", units: int = UNITS) -> Round:
    """A round of ``n`` conversations (``mus-2025``: the previous round for carry-over)."""
    form = scored_questionnaire()
    org = organisation(n, seed, units)
    cyc = cycle(form, cycle_id)
    return Round(form, org, cyc, conversations(form, org, cyc, seed))
