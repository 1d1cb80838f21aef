"""The musframework demo: a whole MUS round, from planning to follow-up, through the services.

Run with ``nox -s demo`` (or ``python examples/annual_round.py``). It

1. builds a sample organisation (60 people with fictitious names in 5 units) and last year's
   round with :mod:`musframework.testing.sample`, and imports the organisation into a SQLite
   store through the services (``Services.replace_organisation``);
2. plans this year's round (``Services.plan_round``): a GRUS per unit before its MUS
   conversations, a LUS for every leader with a leader of their own, last year's open
   agreements carried over, every conversation scheduled on working days;
3. walks every conversation through the use cases with a fixed clock and seed, each step
   taken by the person who takes it in real life and checked by the access policy:
   invitation, both parties' preparation on the built-in ``mus-scored`` form (the leader
   shares theirs), the conversation, the review of carried-over agreements, new agreements,
   signatures, progress on the agreements and the follow-up six months later;
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

import pendulum

import musframework as mf
from musframework import workflow as wf
from musframework.policy import Capacity, Viewer
from musframework.services import Services, Settings, SmtpNotifier
from musframework.testing.sample import sample_round
from musframework.testing.smtp import LocalSmtpServer

HERE = pathlib.Path(__file__).parent
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
    # Version 1 of the form ended with a rating of the conversation itself (now asked after it,
    # on the evaluation form); drawing for it still keeps each seed's round as it was.
    rng.gauss(0, 0.7)
    return values


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
    form: mf.Questionnaire,
    rng: random.Random,
    clock: mf.FixedClock,
    hr: Viewer,
) -> None:
    """Walk one planned conversation through the use cases, as far as ``TODAY`` allows.

    Every step is a call to the services by the person who takes it: the policy decides
    whether they may, the workflow whether the step fits, the store keeps the result.
    """
    c = conversation
    cid = c.id
    start = c.scheduled_start
    assert start is not None
    assert c.leader is not None
    leader = c.leader
    if rng.random() < 0.03:  # illness: cancelled before the invitation
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
    concluded = services.conclude(
        leader,
        cid,
        conclusions=["Et godt år med nye opgaver"],
        goals=[rng.choice(GOALS)],
        agreements=new_agreements(rng, c, start),
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


def write_documents(
    folder: pathlib.Path,
    cycle: mf.Cycle,
    conversations: list[mf.Conversation],
    org: mf.Organisation,
    form: mf.Questionnaire,
    clock: mf.FixedClock,
) -> list[pathlib.Path]:
    """One of every document in every format it comes in, in one folder for a reviewer.

    The same round and clock give the same bytes on every run (the calendar's time stamps,
    the Word and PDF files' dates are the clock's).
    """
    folder.mkdir(parents=True, exist_ok=True)
    found = importlib.util.find_spec
    text = [".html", ".md", ".txt"]
    word = [".docx"] if found("docx") else []
    pdf = [".pdf"] if found("weasyprint") else []
    ics = [".ics"] if found("icalendar") else []

    def first(kind: mf.ConversationKind, *statuses: mf.ConversationStatus) -> mf.Conversation:
        return next(c for c in conversations if c.kind is kind and c.status in statuses)

    done = (mf.ConversationStatus.SIGNED, mf.ConversationStatus.FOLLOWED_UP)
    mus = first(mf.ConversationKind.MUS, mf.ConversationStatus.FOLLOWED_UP)
    grus = first(mf.ConversationKind.GRUS, *done)
    lus = first(mf.ConversationKind.LUS, *done)
    cancelled = first(mf.ConversationKind.MUS, mf.ConversationStatus.CANCELLED)
    jobs: list[tuple[object, str | None, list[str], dict[str, Any]]] = [
        (mus, "invitation", [*text, *pdf], {}),
        (cancelled, "invitation", text, {}),
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
            mf.render_to(path, obj, format=fmt, document=document, people=org, clock=clock, **extra)
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
    org = sample.organisation
    form = mf.templates.load("mus-scored")
    assert form.check() == []
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
    services = Services(store, clock=clock, notifier=notifier, settings=settings)
    delivered_before = len(store.documents(mf.Delivery))
    if store.organisation() != org:
        services.replace_organisation(hr, org)
    if store.get(mf.Questionnaire, form.id, form.version) is None:
        store.save(form, actor=hr.person)

    # 2. Plan this year's round: GRUS before MUS, LUS for leaders, scheduled on working days.
    cycle = mf.Cycle(
        id="mus-2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 4, 30)),
        scope=[org.units[0].id],
        questionnaire=form.ref,
        settings=mf.CycleSettings(grus_before_mus=True, include_lus=True, follow_up_months=6),
    )
    plan = services.plan_round(hr, cycle, previous=sample.previous_conversations)
    kinds = Counter(c.kind.value for c in plan.conversations)
    carried = sum(a.continues is not None for c in plan.conversations for a in c.agreements)

    # 3. Walk the round through the services with a fixed clock, sending as it goes; then, on
    #    the last day, what is due (agreement deadlines, follow-ups).
    with notifier:  # one SMTP connection for the whole round
        for c in plan.conversations:
            if c.status is mf.ConversationStatus.PLANNED:
                simulate(services, c, form, rng, clock, hr)
        clock.set(at(TODAY, 8))
        services.send_notifications(
            hr, conversations=[s.document for s in store.conversations(cycle=cycle.id)]
        )
    sent = len(server.messages)
    server.stop()
    conversations = [s.document for s in store.conversations(cycle=cycle.id)]
    report = mf.validate(cycle, conversations=conversations, organisation=org, locale="en")
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
                mf.render_to(plans_dir / name, plan_doc, people=org, clock=clock)
                written += 1
    report_html = mf.render_to(
        out / "round-report.html", cycle, conversations=reloaded, people=org, on=TODAY
    )
    report_md = mf.render_to(
        out / "round-report.md", cycle, conversations=reloaded, people=org, on=TODAY
    )
    documents = write_documents(out / "documents", cycle, reloaded, org, form, clock)
    calendar = None
    if importlib.util.find_spec("icalendar") is not None:
        calendar = mf.render_to(
            out / "round.ics", cycle, conversations=reloaded, people=org, clock=clock
        )
    elapsed = time.perf_counter() - began

    status = Counter(c.status.value for c in reloaded)
    print(f"musframework demo: {cycle.name}, {len(org.people)} people in {len(org.units)} units")
    print(
        f"Planned {len(plan.conversations)} conversations "
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
