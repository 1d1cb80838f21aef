"""The musframework demo: a whole MUS round, from planning to follow-up, through the services.

Run with ``nox -s demo`` (or ``python examples/annual_round.py``). It

1. imports the organisation from HR's export, the CSV file it ships
   (``examples/data/organisation.csv``: 60 people with fictitious names in 5 units), into a
   SQLite store through the services (``Services.import_organisation``), and builds last
   year's round with :mod:`musframework.testing.sample` (``--people N`` exports a sample
   organisation of that size to the output folder first and imports that);
2. plans this year's round (``Services.plan_round``): a GRUS per unit before its MUS
   conversations, a LUS for every leader with a leader of their own, last year's open
   agreements carried over, every conversation scheduled on working days;
3. walks every conversation through the use cases with a fixed clock and seed, each step taken
   by the person who takes it in real life and checked by the access policy: invitation, both
   parties' preparation on the round's form for the conversation's kind and unit (all seven
   built-in forms are in use; the leader shares theirs), the conversation, the review of
   carried-over agreements, new agreements, signatures, progress on the agreements and the
   follow-up six months later; each GRUS agrees unit goals that the MUS goals serve, one
   employee asks for an individual MUS where the GRUS replaces it, HR records the round's own
   steps and, on the last day, plans the follow-up conversations still to come;
4. sends the notifications to a local SMTP server it starts on 127.0.0.1 (invitations with
   their calendar event, reminders, "your leader has shared / signed", cancellations, and on
   the last day the agreement deadlines and follow-ups that are due) and prints how many went
   out; every delivery is recorded in the store, so a second run sends none again;
5. validates the round (``mf.validate``), opens the file again and checks that everything came
   back, and renders every development plan (HTML, Markdown and, with python-docx, Word), a
   round report and the round's calendar into ``examples/output/``.

A second run finds the round in the database: nothing is walked again and no message is sent
twice. ``--fresh`` starts over with a new database. Options: ``--output DIR`` (or the
environment variable ``MUSFRAMEWORK_DEMO_OUTPUT``) writes somewhere else; ``--people N`` and
``--seed N`` change the organisation (use ``--fresh`` with them).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import random
import sys
import time
from collections import Counter
from typing import Any

import attrs
import pendulum

import musframework as mf
from musframework import signing
from musframework import workflow as wf
from musframework.interop.organisation_file import read_organisation, write_organisation
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings, SmtpNotifier
from musframework.testing.sample import sample_round
from musframework.testing.smtp import LocalSmtpServer

HERE = pathlib.Path(__file__).parent
STAFF_FILE = HERE / "data" / "organisation.csv"  # HR's export of the default sample (60, 2026)
CPH = "Europe/Copenhagen"
TODAY = pendulum.date(2026, 9, 15)  # the day the demo stands at: after most follow-ups

# What people agree to learn, and how (70-20-10: mostly on the job).
ACTIVITIES = [
    ("Sidemandsoplæring i det nye sagssystem", mf.LearningMethod.ON_THE_JOB_TRAINING),
    ("Overtage ansvaret for budgetopfølgningen", mf.LearningMethod.NEW_TASKS),
    ("Netværk med kolleger i nabokommunerne", mf.LearningMethod.NETWORK),
    ("Mentorforløb med en erfaren kollega", mf.LearningMethod.MENTORING),
    ("Kursus i klarsprog", mf.LearningMethod.COURSE),
    ("Oplære de nye kolleger i arbejdsgangene", mf.LearningMethod.TEACHING_OTHERS),
    ("Tre uger i Borgerservice", mf.LearningMethod.JOB_ROTATION),
]
GOALS = [
    "Blive selvkørende i det nye sagssystem",
    "Styrke samarbejdet på tværs af teams",
    "Få mere ansvar for planlægningen",
    "Blive bedre til at formidle til borgerne",
]
TEXTS = {
    "expectations": "En ærlig snak om mine opgaver og min udvikling",
    "goals": "Jeg vil gerne lære mere om projektledelse",
    "agreements_summary": "Se aftalerne i udviklingsplanen",
}


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=pathlib.Path,
        default=pathlib.Path(os.environ.get("MUSFRAMEWORK_DEMO_OUTPUT", HERE / "output")),
        help="folder for the database and the documents (default: examples/output)",
    )
    parser.add_argument("--people", type=int, default=60, help="people in the organisation")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    parser.add_argument(
        "--fresh", action="store_true", help="start over with a new database (and new messages)"
    )
    return parser.parse_args(argv)


def at(day: pendulum.Date, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=CPH)


def answers(form: mf.Questionnaire, role: str, rng: random.Random, level: float) -> dict:
    """One respondent's answers to the scored form: ratings around ``level``, a few texts."""
    values: dict[str, object] = {}
    for question in form.questions_for(role):
        if isinstance(question, mf.ScaleQuestion):
            values[question.id] = min(5, max(1, round(level + rng.gauss(0, 0.7))))
        elif question.id in TEXTS:
            values[question.id] = TEXTS[question.id]
        elif question.required:
            values[question.id] = required_answer(question)
    return values


def required_answer(question: mf.Question) -> object:
    """A plain answer to a required question of any built-in form (texts, yes/no, choices)."""
    if isinstance(question, mf.YesNoQuestion):
        return True
    if isinstance(question, mf.SingleChoiceQuestion):
        return question.options[0].code
    if isinstance(question, mf.MultipleChoiceQuestion):
        return [question.options[0].code]
    return "Det tager vi op i samtalen"


def round_forms(org: mf.Organisation) -> tuple[list[mf.Questionnaire], list[mf.RoundForm]]:
    """All seven built-in forms in one round: each kind its own form, a MUS style per unit.

    Most units prepare on the scored MUS form, one on the dialogue form and one on seed 004's
    45-minute form centred on the core task; the GRUS, LUS and follow-ups have their own
    forms, and the evaluation form evaluates the round.
    """
    names = ["mus-scored", "mus-standard", "mus-core-task", "grus", "lus", "follow-up"]
    forms = [mf.templates.load(name) for name in [*names, "evaluation"]]
    ref = {form.id: form.ref for form in forms}
    units = [u.id for u in org.units]
    entries = [
        mf.RoundForm(kind="MUS", questionnaire=ref["mus-scored"]),
        mf.RoundForm(kind="MUS", questionnaire=ref["mus-standard"], units=units[1:2]),
        mf.RoundForm(kind="MUS", questionnaire=ref["mus-core-task"], units=units[2:3]),
        mf.RoundForm(kind="GRUS", questionnaire=ref["grus"]),
        mf.RoundForm(kind="LUS", questionnaire=ref["lus"]),
        mf.RoundForm(kind="FOLLOW_UP", questionnaire=ref["follow-up"]),
    ]
    return forms, entries


def request_individual_mus(
    services: Services, org: mf.Organisation, cycle: mf.Cycle, clock: mf.FixedClock
) -> mf.Cycle:
    """In the unit where the GRUS replaces the MUS, one member asks for an individual MUS.

    The request is recorded on the round (by the employee themself); re-planning adds the MUS.
    """
    if not cycle.settings.grus_replaces_mus:
        return cycle
    unit = org.unit(cycle.settings.grus_replaces_mus[0])
    member = next(m for m in unit.members if m != unit.leader)
    clock.set(at(cycle.period.start.subtract(days=20), 10))
    return services.request_mus(
        member, cycle.id, member, reason="Jeg vil gerne tale om min egen udvikling"
    )


def new_agreements(
    rng: random.Random, conversation: mf.Conversation, start: pendulum.DateTime
) -> list[mf.Agreement]:
    """One to three development activities for the person developed (each GRUS member)."""
    developed = [conversation.employee] if conversation.employee else []
    if conversation.kind is mf.ConversationKind.GRUS:
        developed = [p.person for p in conversation.participants if p.role is mf.Role.GROUP_MEMBER]
    result = []
    for person in developed:
        count = 1 if conversation.kind is mf.ConversationKind.GRUS else rng.randint(1, 3)
        for k, (text, method) in enumerate(rng.sample(ACTIVITIES, count)):
            months = rng.choice((2, 3, 4, 6, 9))
            result.append(
                mf.Agreement(
                    id=f"{person}-{k + 1}" if len(developed) > 1 else f"n{k + 1}",
                    description=text,
                    owner=person,
                    deadline=wf.add_months(start.date(), months),
                    kind=mf.AgreementKind.DEVELOPMENT_ACTIVITY,
                    learning_method=method,
                )
            )
    return result


def simulate(
    services: Services,
    conversation: mf.Conversation,
    forms: dict[mf.QuestionnaireRef, mf.Questionnaire],
    rng: random.Random,
    clock: mf.FixedClock,
    hr: Viewer,
    requested: frozenset[str] = frozenset(),
) -> None:
    """Walk one planned conversation through the use cases, as far as ``TODAY`` allows.

    A MUS someone asked for (``requested``) is held even when illness would have cancelled it.

    Every step is a call to the services by the person who takes it: the policy decides
    whether they may, the workflow whether the step fits, the store keeps the result.
    """
    c = conversation
    cid = c.id
    start = c.scheduled_start
    assert start is not None
    assert c.leader is not None
    assert c.questionnaire is not None
    leader = c.leader
    form = forms[c.questionnaire]
    ill = rng.random() < 0.03
    if ill and not requested.intersection(c.developed):  # illness: cancelled before invitation
        clock.set(start.subtract(days=20))
        services.cancel(leader, cid, reason="Sygdom")
        return

    clock.set(at(start.date().subtract(days=rng.randint(8, 13)), 9))
    services.invite(
        leader,
        cid,
        message="Velkommen til årets udviklingssamtale. Forberedelsesskemaet er vedlagt.",
        respond_by=start.date().subtract(days=1),
    )

    if c.kind is mf.ConversationKind.GRUS:
        clock.set(at(start.date().subtract(days=1), 15))
        services.prepare(leader, cid)
    else:
        level = rng.gauss(3.6, 0.5)
        employee = c.employee
        assert employee is not None
        clock.set(at(start.date().subtract(days=rng.randint(2, 5)), 14))
        # The morning's reminders go out first (the daily job an app would run).
        services.send_notifications(
            hr, conversations=[services.store.load(mf.Conversation, cid).document]
        )
        mine = form.new_response("employee", employee, answers(form, "employee", rng, level))
        services.submit_response(employee, cid, mine)
        clock.set(at(start.date().subtract(days=1), 16))
        theirs = form.new_response("leader", leader, answers(form, "leader", rng, level - 0.1))
        services.submit_response(leader, cid, theirs.shared_with_other_party())

    clock.set(start)
    services.hold(leader, cid)
    # Looking back: each agreement carried over from last year gets a status.
    clock.set(start.add(minutes=10))
    for old in list(c.agreements):
        roll = rng.random()
        if roll < 0.5:
            services.review_agreement(leader, cid, old.id, "done", note="Gennemført")
        elif roll < 0.85:
            services.review_agreement(
                leader,
                cid,
                old.id,
                "in_progress",
                note="Fortsætter i år",
                deadline=wf.add_months(start.date(), 4),
            )
        else:
            services.review_agreement(leader, cid, old.id, "cancelled", note="Ikke relevant mere")
    clock.set(start.add(minutes=55))
    goals = [rng.choice(GOALS)]
    agreements = new_agreements(rng, c, start)
    concluded = services.conclude(
        leader,
        cid,
        conclusions=["Et godt år med nye opgaver"],
        goals=goals,
        agreements=agreements,
        goal_thread=goal_thread(c, goals[0], agreements),
    )
    if rng.random() < 0.05:
        return  # the plan is written but not signed yet
    clock.set(start.add(days=rng.randint(1, 4)))
    for person in wf.required_signers(concluded):  # the leader first: the others are told
        services.sign(person, cid)

    # Through the year: work on the agreements (status changes never void the plan).
    signed = services.store.load(mf.Conversation, cid).document
    for agreement in signed.open_agreements:
        middle = start.date().add(days=rng.randint(20, 120))
        if middle < TODAY and rng.random() < 0.6:
            clock.set(at(middle, 12))
            status = "done" if rng.random() < 0.5 else "in_progress"
            assert agreement.owner is not None
            services.set_agreement_status(agreement.owner, cid, agreement.id, status)
    c = services.store.load(mf.Conversation, cid).document
    if c.follow_up_date is not None and c.follow_up_date <= TODAY and rng.random() < 0.9:
        clock.set(at(c.follow_up_date, 10))
        # Most agreements whose deadline has passed are done by now; the rest go on.
        entries = [
            mf.FollowUpEntry(
                agreement=a.id,
                status="done"
                if rng.random() < (0.8 if a.deadline <= c.follow_up_date else 0.2)
                else "in_progress",
                note="Fulgt op",
            )
            for a in c.open_agreements
            if a.deadline is not None
        ]
        services.follow_up(leader, cid, entries=entries, note="Opfølgning efter et halvt år")


ORGANISATION_GOALS = [
    mf.Goal(id="digital", text="Flere borgere klarer deres sag digitalt"),
    mf.Goal(id="rekruttering", text="Vi fastholder og tiltrækker dygtige medarbejdere"),
]


def unit_goals(unit: str | None) -> list[mf.Goal]:
    """The two goals each unit's GRUS agrees, breaking the organisation's goals down."""
    return [
        mf.Goal(
            id=f"{unit}-1", text="Alle i enheden kan vejlede i selvbetjening", serves="digital"
        ),
        mf.Goal(
            id=f"{unit}-2",
            text="Nye kolleger er godt i gang efter tre måneder",
            serves="rekruttering",
        ),
    ]


def goal_thread(c: mf.Conversation, goal: str, agreements: list[mf.Agreement]) -> list[mf.Goal]:
    """The GRUS agrees the unit goals; a MUS or LUS links the person's goal to one of them.

    Most people's goals serve their unit's first goal, about a third the second (chosen from
    the conversation's id, so the demo's random choices stay as they were); a LUS serves a
    goal of the unit the leader leads.
    """
    if c.kind is mf.ConversationKind.GRUS:
        return unit_goals(c.unit)
    serves = unit_goals(c.unit)[0 if sum(map(ord, c.id)) % 3 else 1].id
    return [mf.Goal(id="g1", text=goal, serves=serves, agreements=[a.id for a in agreements])]


def strategy_summary(
    cycle: mf.Cycle, conversations: list[mf.Conversation], org: mf.Organisation
) -> str:
    """One line on the strategic thread and the group activities proposed from common needs."""
    thread = mf.analytics.goal_thread_summary(cycle, conversations, organisation=org)
    proposals = mf.analytics.group_activities(conversations, cycle=cycle, organisation=org)
    return (
        f"Strategy: {len(thread.rows)} unit goals from the GRUS, "
        f"{len(thread.rows) - len(thread.unserved)} served by individual goals "
        f"({sum(r.agreements for r in thread.rows)} agreements); "
        f"{len(proposals.activities)} group activities proposed from common needs "
        f"({proposals.withheld} groups under {proposals.minimum_group_size} people withheld)"
    )


def round_steps(hr: str) -> list[mf.RoundStep]:
    """Seed 004's five steps, each seen to by HR; the evaluation after the follow-ups."""
    steps = [mf.RoundStep(step=kind, responsible=hr) for kind in mf.RoundStepKind]
    steps[-1] = mf.RoundStep(step="evaluate", responsible=hr, due=pendulum.date(2026, 10, 15))
    return steps


def take_round_steps(
    services: Services, hr: Viewer, cycle: mf.Cycle, clock: mf.FixedClock, *, before: bool
) -> mf.Cycle:
    """HR records the round's steps when they are done: the first three before the
    conversations, "hold the conversations" after the last one; the evaluation is still due."""
    done = {s.step for s in cycle.steps if s.done}
    start, end = cycle.period.start, cycle.period.end
    plan = (
        [
            ("inform_leaders", start.subtract(weeks=4)),
            ("inform_employees", start.subtract(weeks=3)),
            ("send_forms", start.subtract(weeks=2)),
        ]
        if before
        else [("hold_conversations", end.add(days=1))]
    )
    for step, day in plan:
        if mf.RoundStepKind(step) not in done:
            clock.set(at(day, 9))
            cycle = services.complete_round_step(hr, cycle.id, step)
    return cycle


def steps_summary(cycle: mf.Cycle) -> str:
    """One line on the round's own steps: how many are done, and what is next."""
    steps = mf.model.round.round_steps(cycle)
    todo = [s for s in steps if not s.done]
    after = f"; next: {todo[0].step.value} by {todo[0].due}" if todo else "; the round is closed"
    return f"Steps: {len(steps) - len(todo)} of {len(steps)} done{after}"


def round_summary(
    cycle: mf.Cycle, conversations: list[mf.Conversation], follow_ups: wf.RoundPlan
) -> str:
    """One line on the round's forms, follow-ups and requests for an individual MUS."""
    used = {c.questionnaire for c in conversations if c.questionnaire is not None}
    if cycle.evaluation_form is not None:
        used.add(cycle.evaluation_form)
    planned = sum(c.kind is mf.ConversationKind.FOLLOW_UP for c in conversations)
    honoured = {
        c.employee
        for c in conversations
        if c.kind is mf.ConversationKind.MUS and c.status is not mf.ConversationStatus.CANCELLED
    }
    requests = [r.person for r in cycle.mus_requests]
    return (
        f"Round: {len(used)} forms in use; {planned} follow-up conversations planned "
        f"({len(follow_ups.added)} by this run); {sum(p in honoured for p in requests)} of "
        f"{len(requests)} requests for an individual MUS planned"
    )


def pdf_available() -> bool:
    """Whether PDF files can be made here: WeasyPrint installed and its Pango library present.

    Without them the demo writes every other format and says so (``pip install
    'musframework[pdf]'``; Debian: ``apt-get install libpango-1.0-0 libpangoft2-1.0-0``).
    """
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_documents(
    folder: pathlib.Path,
    cycle: mf.Cycle,
    conversations: list[mf.Conversation],
    org: mf.Organisation,
    form: mf.Questionnaire,
    clock: mf.FixedClock,
    signer: signing.Signer,
) -> list[pathlib.Path]:
    """One of every document in every format it comes in, in one folder for a reviewer.

    The same round and clock give the same bytes on every run (the calendar's time stamps,
    the Word and PDF files' dates are the clock's).
    """
    folder.mkdir(parents=True, exist_ok=True)
    found = importlib.util.find_spec
    text = [".html", ".md", ".txt"]
    word = [".docx"] if found("docx") else []
    pdf = [".pdf"] if pdf_available() else []
    ics = [".ics"] if found("icalendar") else []

    def first(kind: mf.ConversationKind, *statuses: mf.ConversationStatus) -> mf.Conversation:
        return next(c for c in conversations if c.kind is kind and c.status in statuses)

    done = (mf.ConversationStatus.SIGNED, mf.ConversationStatus.FOLLOWED_UP)
    mus = first(mf.ConversationKind.MUS, mf.ConversationStatus.FOLLOWED_UP)
    grus = first(mf.ConversationKind.GRUS, *done)
    lus = first(mf.ConversationKind.LUS, *done)
    cancelled = next(
        (c for c in conversations if c.status is mf.ConversationStatus.CANCELLED), None
    )
    jobs: list[tuple[object, str | None, list[str], dict[str, Any]]] = [
        (mus, "invitation", [*text, *pdf], {}),
        *([(cancelled, "invitation", text, {})] if cancelled is not None else []),
        (mus, "side_by_side", [".html"], {"questionnaire": form}),
        (mus, "follow_up", text, {}),
        (mus, "calendar", ics, {}),
        (cycle, "report", [*text, *pdf], {"conversations": conversations, "on": TODAY}),
        (cycle, "calendar", ics, {"conversations": conversations}),
        (mf.DevelopmentPlan.from_conversation(mus), None, [*text, *word, *pdf], {}),
        (mf.DevelopmentPlan.from_conversation(lus), None, [".html", *word], {}),
        (mf.DevelopmentPlan.from_conversation(grus, grus.developed[0]), None, [".html"], {}),
    ]
    for role in ("employee", "leader"):
        jobs.append((form, None, [".html", *word], {"role": role}))
    written = []
    for obj, document, extensions, extra in jobs:
        stem = mf.rendering.file_stem(obj, document, people=org, role=extra.get("role"))
        for extension in extensions:
            path = folder / f"{stem}{extension}"
            fmt = "text" if extension == ".txt" else None
            mf.render_to(
                path,
                obj,
                format=fmt,
                document=document,
                people=org,
                clock=clock,
                signer=signer,
                **extra,
            )
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = options(argv)
    began = time.perf_counter()
    out: pathlib.Path = args.output.resolve()
    plans_dir = out / "plans"
    plans_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    clock = mf.FixedClock(at(pendulum.date(2026, 1, 5), 9))

    # 1. The organisation, and last year's round (whose open agreements carry over).
    sample = sample_round(seed=args.seed, people=args.people, on=pendulum.date(2026, 4, 20))
    staff_file = STAFF_FILE
    if (args.people, args.seed) != (60, 2026):  # another size: export the sample, import that
        staff_file = out / "organisation.csv"
        sampled = sample.organisation
        start = pendulum.date(2020, 1, 1)
        people = [attrs.evolve(p, start_date=start) for p in sampled.people]
        write_organisation(attrs.evolve(sampled, people=people), staff_file)
    org = read_organisation(staff_file, clock=clock).organisation
    forms, round_form_entries = round_forms(org)
    form = forms[0]
    assert all(f.check() == [] for f in forms)
    # Someone in the top unit works in HR: they import the organisation and plan the round.
    hr = Viewer(org.units[0].members[0], {Capacity.HR})

    database = out / "mus-2026.db"
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = mf.storage.open(f"sqlite:///{database}", clock=clock)
    server = LocalSmtpServer().start()  # a real SMTP server on 127.0.0.1, for the demo only
    notifier = SmtpNotifier(
        server.host, server.port, sender="mus@eksempel.dk", sender_name="Eksempel Kommune"
    )
    settings = Settings(name="Eksempel Kommune", link="https://mus.eksempel.dk/samtaler/{id}")
    # Signatures carry a proof by the app's key (a real app reads it from its secret store,
    # never from the database; see docs/signatures.md). The demo's key is fixed and public.
    signer = signing.HmacSigner({"demo-1": b"musframework demo key, not a secret"})
    services = Services(store, clock=clock, notifier=notifier, settings=settings, signer=signer)
    delivered_before = len(store.documents(mf.Delivery))
    if store.organisation() != org:
        services.import_organisation(hr, staff_file)
    for f in forms:
        if store.get(mf.Questionnaire, f.id, f.version) is None:
            store.save(f, actor=hr.person)

    # 2. Plan this year's round: GRUS before MUS, LUS for leaders, scheduled on working days.
    cycle = mf.Cycle(
        id="mus-2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 4, 30)),
        scope=[org.units[0].id],
        questionnaire=form.ref,
        forms=round_form_entries,
        evaluation_form=forms[-1].ref,
        goals=ORGANISATION_GOALS,
        steps=round_steps(hr.person),
        settings=mf.CycleSettings(
            grus_before_mus=True,
            include_lus=True,
            follow_up_months=6,
            grus_replaces_mus=[org.units[-1].id],
            place="Mødelokale 1, Rådhuset",
        ),
    )
    stored_cycle = store.get(mf.Cycle, cycle.id)
    if stored_cycle is not None:
        cycle = stored_cycle.document  # with the requests recorded by the first run
    plan = services.plan_round(hr, cycle, previous=sample.previous_conversations)
    cycle = request_individual_mus(services, org, cycle, clock)
    plan = services.plan_round(hr, cycle, previous=sample.previous_conversations)
    cycle = take_round_steps(services, hr, cycle, clock, before=True)
    kinds = Counter(c.kind.value for c in plan.conversations)
    carried = sum(
        a.continues is not None
        for c in plan.conversations
        if c.kind is not mf.ConversationKind.FOLLOW_UP  # their copies are under review
        for a in c.agreements
    )

    # 3. Walk the round through the services with a fixed clock, sending as it goes; then, on
    #    the last day, what is due (agreement deadlines, follow-ups).
    with notifier:  # one SMTP connection for the whole round
        for c in plan.conversations:
            if (
                c.status is mf.ConversationStatus.PLANNED
                and c.kind is not mf.ConversationKind.FOLLOW_UP
            ):
                requested = frozenset(r.person for r in cycle.mus_requests)
                simulate(services, c, {f.ref: f for f in forms}, rng, clock, hr, requested)
        cycle = take_round_steps(services, hr, cycle, clock, before=False)
        clock.set(at(TODAY, 8))
        follow_ups = services.plan_follow_ups(hr, cycle.id)
        services.send_notifications(
            hr, conversations=[s.document for s in store.conversations(cycle=cycle.id)]
        )
    sent = len(server.messages)
    server.stop()
    conversations = [s.document for s in store.conversations(cycle=cycle.id)]
    report = mf.validate(
        cycle, conversations=conversations, organisation=org, questionnaires=forms, locale="en"
    )
    store.close()

    # 4. Open the file again: everything came back.
    store = mf.storage.open(f"sqlite:///{database}", clock=clock)
    reloaded = [s.document for s in store.conversations(cycle=cycle.id)]
    assert reloaded == conversations, "the round came back changed"
    assert store.load(mf.Questionnaire, form.id, form.version).document == form
    overdue = store.overdue_agreements(TODAY)
    delivered = len(store.documents(mf.Delivery))
    assert delivered == delivered_before + sent, "every message sent is recorded once"
    store.close()
    # The same round facts as the round report and the rule coverage.missing-conversation.
    coverage = mf.analytics.coverage(cycle, reloaded, org)

    # 5. Documents: every development plan, the round report and the calendar.
    formats = [".html", ".md"]
    if importlib.util.find_spec("docx") is not None:
        formats.append(".docx")
    written = 0
    for c in reloaded:
        if c.status not in (mf.ConversationStatus.SIGNED, mf.ConversationStatus.FOLLOWED_UP):
            continue
        developed = (
            [p.person for p in c.participants if p.role is mf.Role.GROUP_MEMBER]
            if c.kind is mf.ConversationKind.GRUS
            else [c.employee]
        )
        for person in developed:
            plan_doc = mf.DevelopmentPlan.from_conversation(c, person)
            for extension in formats:
                name = mf.rendering.file_stem(plan_doc, people=org) + extension
                mf.render_to(plans_dir / name, plan_doc, people=org, clock=clock, signer=signer)
                written += 1
    report_html = mf.render_to(
        out / "round-report.html", cycle, conversations=reloaded, people=org, on=TODAY
    )
    report_md = mf.render_to(
        out / "round-report.md", cycle, conversations=reloaded, people=org, on=TODAY
    )
    documents = write_documents(out / "documents", cycle, reloaded, org, form, clock, signer)
    calendar = None
    if importlib.util.find_spec("icalendar") is not None:
        calendar = mf.render_to(
            out / "round.ics", cycle, conversations=reloaded, people=org, clock=clock
        )
    elapsed = time.perf_counter() - began

    status = Counter(c.status.value for c in reloaded)
    print(f"musframework demo: {cycle.name}, {len(org.people)} people in {len(org.units)} units")
    kinds = Counter(c.kind.value for c in reloaded)  # with the follow-ups planned at the end
    print(
        f"Planned {len(reloaded)} conversations "
        f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); "
        f"{carried} agreements carried over from last year"
    )
    print("Status on", TODAY, "-", ", ".join(f"{n} {s}" for s, n in sorted(status.items())))
    print(
        f"Validation: {len(report.errors)} errors, {len(report.warnings)} warnings, "
        f"{len(report.infos)} hints; {len(overdue)} agreements overdue"
    )
    print(
        f"Coverage: {coverage.covered} of {coverage.in_scope} held their conversation, "
        f"{coverage.planned} planned, {coverage.cancelled} only cancelled, "
        f"{coverage.missing} none"
    )
    print(round_summary(cycle, reloaded, follow_ups))
    print(strategy_summary(cycle, reloaded, org))
    print(steps_summary(cycle))
    print(
        f"Notifications: {sent} messages sent to the local SMTP server; "
        f"{delivered_before} sent by earlier runs"
    )
    print(f"  database:       {database}")
    print(f"  plans:          {plans_dir} ({written} files: {', '.join(formats)})")
    print(f"  round report:   {report_html}")
    print(f"  round report:   {report_md}")
    if calendar is not None:
        print(f"  calendar:       {calendar}")
    kinds_written = sorted({p.suffix for p in documents})
    listed = ", ".join(kinds_written)
    print(f"  documents:      {out / 'documents'} ({len(documents)} files: {listed})")
    print(f"Done in {elapsed:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
