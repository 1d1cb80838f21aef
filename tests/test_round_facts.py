"""One home for the round facts: every consumer reports the same scope, coverage and deadlines.

The decisions themselves are tested on small hand-built rounds first; then a property test
draws whole rounds (``musframework.testing.strategies.rounds``) and compares analytics, the
round report, the rules, ``what_is_due`` and both stores (a real SQLite file and the real
PostgreSQL server the tests start) with :mod:`musframework.model.round`.
"""

import contextlib
import pathlib
import re
import shutil
import tempfile
import uuid

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings

import musframework as mf
from musframework import analytics as an
from musframework import workflow as wf
from musframework.model.round import (
    AgreementState,
    CoverageState,
    agreement_counts,
    agreement_state,
    counted_agreements,
    counted_kinds,
    due_agreements,
    round_coverage,
    round_scope,
    unit_of,
)
from musframework.rendering.base import Names
from musframework.rendering.documents import round_figures
from musframework.storage import PostgresStore, SQLiteStore
from musframework.testing import strategies as mst

E, L, G = mf.Role.EMPLOYEE, mf.Role.LEADER, mf.Role.GROUP_MEMBER
ON = pendulum.date(2026, 6, 1)


def org():
    """A director, two units with leaders (``a`` below ``top``, ``b`` below ``a``)."""
    return mf.Organisation(
        people=[mf.Person(id=p, name=p.upper()) for p in ("dir", "la", "lb", "a1", "a2", "b1")],
        units=[
            mf.OrgUnit(id="top", name="Top", leader="dir"),
            mf.OrgUnit(id="a", name="A", leader="la", members=["a1", "a2"], parent="top"),
            mf.OrgUnit(id="b", name="B", leader="lb", members=["b1"], parent="a"),
        ],
    )


def cycle(**settings):
    scope = settings.pop("scope", ())
    kind = settings.pop("kind", "MUS")
    return mf.Cycle(
        id="r",
        name="R",
        kind=kind,
        period=mf.Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 6, 30)),
        scope=scope,
        settings=mf.CycleSettings(**settings),
    )


def conv(cid, kind, people, status="planned", *, leader="la", cycle_id="r", **kw):
    role = G if kind == "GRUS" else E
    return mf.Conversation(
        id=cid,
        kind=kind,
        cycle=cycle_id,
        participants=[mf.Participant(leader, L), *(mf.Participant(p, role) for p in people)],
        status=status,
        **kw,
    )


def states(coverage):
    return {p.person: p.state.value for p in coverage}


# ------------------------------------------------------------------ the decisions


def test_empty_scope_is_the_whole_organisation_and_leaders_come_with_lus():
    whole = round_scope(cycle(), org())
    assert [(e.person, e.unit, e.leader) for e in whole] == [
        ("a1", "a", False),
        ("a2", "a", False),
        ("b1", "b", False),
        ("la", "a", True),  # the director has no leader above her: not in scope
        ("lb", "b", True),
    ]
    assert [e.person for e in round_scope(cycle(include_lus=False), org())] == ["a1", "a2", "b1"]
    # A scope unit brings every unit below it; a LUS round brings only the leaders.
    assert [e.person for e in round_scope(cycle(scope=["b"]), org())] == ["b1", "lb"]
    lus_round = cycle(kind="LUS", include_lus=False)
    assert [e.person for e in round_scope(lus_round, org())] == ["la", "lb"]
    # Follow-up conversations never cover anyone: a follow-up round has nobody in scope.
    assert round_scope(cycle(kind="FOLLOW_UP"), org()) == ()


def test_which_kinds_count_for_whom():
    mus = mf.ConversationKind.MUS
    grus, lus = mf.ConversationKind.GRUS, mf.ConversationKind.LUS
    assert counted_kinds(cycle(), "a", leader=False) == {mus}
    assert counted_kinds(cycle(grus_replaces_mus=["a"]), "a", leader=False) == {mus, grus}
    assert counted_kinds(cycle(grus_replaces_mus=["a"]), "b", leader=False) == {mus}
    assert counted_kinds(cycle(kind="GRUS"), "a", leader=False) == {grus}
    assert counted_kinds(cycle(), "a", leader=True) == {lus}


def test_covered_only_when_held_planned_cancelled_or_missing():
    round_ = cycle(include_lus=False)
    conversations = [
        conv("1", "MUS", ["a1"], "signed"),
        conv("2", "MUS", ["a2"], "invited"),
        conv("3", "MUS", ["b1"], "cancelled", leader="lb"),
    ]
    assert states(round_coverage(round_, conversations, org())) == {
        "a1": "covered",
        "a2": "planned",
        "b1": "cancelled",
    }
    # A replacement after the cancellation: planned, then covered once held.
    again = conv("3b", "MUS", ["b1"], "prepared", leader="lb")
    found = round_coverage(round_, [*conversations, again], org())
    assert states(found)["b1"] == "planned"
    assert next(p for p in found if p.person == "b1").conversations == ("3", "3b")
    held = attrs.evolve(again, status="held")
    assert states(round_coverage(round_, [*conversations, held], org()))["b1"] == "covered"
    # Conversations of another round, and of a kind that does not count, cover nobody.
    other = conv("4", "MUS", ["b1"], "signed", leader="lb", cycle_id="last-year")
    follow_up = conv("5", "FOLLOW_UP", ["b1"], "held", leader="lb")
    lus_for_member = conv("6", "LUS", ["b1"], "held", leader="lb")
    assert states(round_coverage(round_, [other, follow_up, lus_for_member], org()))["b1"] == (
        "missing"
    )


def test_a_grus_covers_a_member_only_where_it_replaces_the_mus():
    grus = conv("g", "GRUS", ["a1", "a2"], "held")
    round_ = cycle(include_lus=False)
    assert states(round_coverage(round_, [grus], org()))["a1"] == "missing"
    replaced = cycle(include_lus=False, grus_replaces_mus=["a"])
    assert states(round_coverage(replaced, [grus], org())) == {
        "a1": "covered",
        "a2": "covered",
        "b1": "missing",  # unit b is below a, but the setting names a only
    }
    planned = attrs.evolve(grus, status="planned")
    assert states(round_coverage(replaced, [planned], org()))["a1"] == "planned"


def test_leaders_are_covered_by_their_lus():
    lus = conv("l", "LUS", ["la"], "concluded", leader="dir")
    mus_of_leader = conv("m", "MUS", ["lb"], "held", leader="la")
    assert states(round_coverage(cycle(), [lus, mus_of_leader], org())) == {
        "a1": "missing",
        "a2": "missing",
        "b1": "missing",
        "la": "covered",
        "lb": "missing",  # a leader in scope needs a LUS
    }


def test_the_unit_of_a_conversation():
    organisation = org()
    assert unit_of(conv("1", "MUS", ["a1"], unit="b"), organisation) == "b"
    assert unit_of(conv("1", "MUS", ["a1"]), organisation) == "a"
    assert unit_of(conv("1", "LUS", ["lb"], leader="la"), organisation) == "b"  # the unit led
    assert unit_of(conv("1", "MUS", ["stranger"]), organisation) is None
    assert unit_of(conv("1", "MUS", ["a1"])) is None  # without the organisation


MAY_1 = pendulum.date(2026, 5, 1)


def agreement(aid="x", deadline=MAY_1, **kw):
    return mf.Agreement(id=aid, description=aid, owner="a1", deadline=deadline, **kw)


def counted(conversations):
    return [(c.conversation.id, c.agreement.id) for c in counted_agreements(conversations)]


def test_which_agreements_count():
    held = conv("held", "MUS", ["a1"], "held", agreements=[agreement()])
    signed = conv("signed", "MUS", ["a1"], "signed", agreements=[agreement()])
    cancelled = conv("cancelled", "MUS", ["a1"], "cancelled", agreements=[agreement()])
    planned = conv("planned", "MUS", ["a1"], "planned", agreements=[agreement()])
    # The example: one overdue agreement in a cancelled, a held and a signed one.
    assert counted([cancelled, held, signed]) == [("held", "x"), ("signed", "x")]
    assert counted([planned]) == []  # not agreed yet
    assert not agreement_counts(cancelled, cancelled.agreements[0])


def test_a_carried_over_copy_counts_instead_of_its_original():
    last = conv("last", "MUS", ["a1"], "followed_up", agreements=[agreement()])
    copy = agreement(continues="x")
    this = conv("this", "MUS", ["a1"], "planned", agreements=[copy], previous="last")
    assert counted([last, this]) == [("this", "x")]
    # Cancelled: the copy was never agreed, the original counts again.
    cancelled = attrs.evolve(this, status="cancelled")
    assert counted([last, cancelled]) == [("last", "x")]
    # A replacement carries it over again.
    replacement = attrs.evolve(this, id="this2")
    assert counted([last, cancelled, replacement]) == [("this2", "x")]
    # A chain: only the newest copy counts.
    chained = conv("next", "MUS", ["a1"], "invited", agreements=[copy], previous="this")
    assert counted([last, this, chained]) == [("next", "x")]
    # Without ``previous`` a copy still counts, but replaces nothing it can name.
    orphan = attrs.evolve(this, previous=None)
    assert counted([last, orphan]) == [("last", "x"), ("this", "x")]


def test_open_due_soon_and_overdue_on_a_day():
    agreements = [
        agreement("late", pendulum.date(2026, 5, 31)),
        agreement("today", ON),
        agreement("soon", pendulum.date(2026, 6, 15)),
        agreement("later", pendulum.date(2026, 8, 1)),
        agreement("done", pendulum.date(2026, 5, 1), status="done"),
        agreement("none", None),
    ]
    c = conv("c", "MUS", ["a1"], "signed", agreements=agreements)
    found = [(s.value, x.agreement.id) for s, x in due_agreements([c], on=ON, within_days=14)]
    assert found == [("overdue", "late"), ("due_soon", "today"), ("due_soon", "soon")]
    states = [agreement_state(a, on=ON, within_days=14).value for a in agreements]
    assert states == ["overdue", "due_soon", "due_soon", "open", "closed", "open"]
    with pytest.raises(mf.errors.InvalidValueError):
        list(due_agreements([c], on="2026-06-01"))  # type: ignore[arg-type]


# ------------------------------------------------------------------ every consumer agrees


SOON = 14


def _analytics(drawn):
    cov = an.coverage(drawn.cycle, drawn.everything, drawn.organisation)
    uncovered = {p.person: p.state.value for p in cov.uncovered}
    due = an.due_agreements(
        drawn.everything, on=drawn.on, within_days=SOON, organisation=drawn.organisation
    )
    rows = {(r.conversation, r.agreement, r.state) for r in due.rows}
    analysis = an.analyse_round(
        drawn.cycle,
        drawn.everything,
        organisation=drawn.organisation,
        on=drawn.on,
        due_within=SOON,
    )
    assert analysis.coverage == cov
    assert analysis.due == due
    return cov, uncovered, rows


def _report(drawn):
    figures = round_figures(
        drawn.cycle, drawn.everything, Names(drawn.organisation), on=drawn.on, upcoming_days=SOON
    )
    people = {p.person: p.state.value for p in figures.people}
    rows = {(c.id, a.id, "overdue") for c, a in figures.overdue}
    rows |= {(c.id, a.id, "due_soon") for c, a in figures.upcoming}
    text = mf.render(
        drawn.cycle,
        "text",
        "en",
        conversations=drawn.everything,
        people=drawn.organisation,
        on=drawn.on,
    )
    return figures, people, rows, " ".join(text.split())


def _rules(drawn):
    report = mf.validate(
        drawn.cycle, conversations=drawn.everything, organisation=drawn.organisation
    )
    return [f.text("en") for f in report if f.code == "coverage.missing-conversation"]


def _due_items(drawn):
    items = wf.what_is_due(drawn.everything, on=drawn.on, horizon_days=None, soon_days=SOON)
    kinds = {wf.DueKind.AGREEMENT_OVERDUE: "overdue", wf.DueKind.AGREEMENT_DUE_SOON: "due_soon"}
    return {(i.conversation, i.agreement, kinds[i.kind]) for i in items if i.kind in kinds}


def _store_rows(store, drawn):
    """What a store answers: the deadlines from its queries, coverage from its documents."""
    with store.unit_of_work() as uow:
        for document in (
            *drawn.organisation.people,
            *drawn.organisation.units,
            drawn.cycle,
            *drawn.everything,
        ):
            uow.save(document)
    on = drawn.on
    overdue = {(r.conversation, r.agreement.id, "overdue") for r in store.overdue_agreements(on)}
    open_ = mf.AgreementStatus.OPEN_OR_IN_PROGRESS
    due = store.agreements(status=open_, due_before=on.add(days=SOON + 1))
    soon = {(r.conversation, r.agreement.id, "due_soon") for r in due} - {
        (c, a, "due_soon") for c, a, _ in overdue
    }
    organisation = mf.Organisation(
        people=[s.document for s in store.documents(mf.Person)],
        units=[s.document for s in store.documents(mf.OrgUnit)],
    )
    units = {u.id: u for u in organisation.units}
    organisation = mf.Organisation(
        people=organisation.people, units=[units[u.id] for u in drawn.organisation.units]
    )
    stored_cycle = store.load(mf.Cycle, drawn.cycle.id).document
    round_conversations = [s.document for s in store.conversations(cycle=drawn.cycle.id)]
    coverage = {
        p.person: p.state.value
        for p in round_coverage(stored_cycle, round_conversations, organisation)
    }
    return overdue | soon, coverage


@contextlib.contextmanager
def _sqlite():
    directory = pathlib.Path(tempfile.mkdtemp(prefix="mf-facts-"))
    try:
        with SQLiteStore(directory / "round.db") as store:
            yield store
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def _postgres(dsn):
    import psycopg

    schema = f"facts_{uuid.uuid4().hex[:12]}"
    try:
        with PostgresStore(dsn, schema=schema) as store:
            yield store
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _check_consumers(drawn, stores):
    org, round_ = drawn.organisation, drawn.cycle
    facts = round_coverage(round_, drawn.everything, org)
    expected = {p.person: p.state.value for p in facts}
    assert [e.person for e in round_scope(round_, org)] == list(expected)
    not_covered = {p: s for p, s in expected.items() if s != "covered"}
    count = {s.value: sum(v == s.value for v in expected.values()) for s in CoverageState}
    deadlines = {
        (c.conversation.id, c.agreement.id, s.value)
        for s, c in due_agreements(drawn.everything, on=drawn.on, within_days=SOON)
    }

    # Analytics
    cov, uncovered, rows = _analytics(drawn)
    assert cov.in_scope == len(expected)
    assert uncovered == not_covered
    assert (cov.covered, cov.planned, cov.cancelled, cov.missing) == (
        count["covered"],
        count["planned"],
        count["cancelled"],
        count["missing"],
    )
    for u in cov.units:
        assert u.in_scope == sum(p.unit == u.unit for p in facts)
        assert u.covered == sum(p.unit == u.unit and p.state.value == "covered" for p in facts)
    assert rows == deadlines

    # The round report: its figures and the sentence a reader sees
    figures, people, report_rows, text = _report(drawn)
    assert people == expected
    assert report_rows == deadlines
    sentence = (
        f"{count['covered']} of {len(expected)} people in the round have held their conversation"
    )
    assert sentence in text
    assert f"{count['planned']} have one planned, {count['cancelled']} only cancelled" in text
    for u in figures.units:
        if u.in_scope is not None:
            assert u.in_scope == sum(p.unit == u.unit for p in facts)
            assert u.covered == sum(p.unit == u.unit and p.state.value == "covered" for p in facts)

    # The rules: one finding per person who is missing or cancelled without replacement
    findings = _rules(drawn)
    flagged = {p for p, s in expected.items() if s in ("missing", "cancelled")}
    assert len(findings) == len(flagged)
    for person in flagged:
        mine = [f for f in findings if re.search(rf"scope: {re.escape(repr(person))} ", f)]
        assert len(mine) == 1, (person, findings)
        only_cancelled = "only cancelled" in mine[0]
        assert only_cancelled == (expected[person] == "cancelled")

    # What is due
    assert _due_items(drawn) == deadlines

    # The stores
    for make in stores:
        with make() as store:
            store_deadlines, store_coverage = _store_rows(store, drawn)
            assert store_deadlines == deadlines
            assert store_coverage == expected


_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(drawn=mst.rounds())
def test_every_consumer_reports_the_same_scope_coverage_and_deadlines(drawn):
    _check_consumers(drawn, [_sqlite])


@pytest.mark.postgres
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(drawn=mst.rounds())
def test_postgres_reports_the_same_as_the_facts(postgres_dsn, drawn):
    _check_consumers(drawn, [lambda: _postgres(postgres_dsn)])


def test_the_drawn_rounds_reach_every_case():
    """The strategy is worth its name: every state and every kind of agreement fact occurs."""
    from hypothesis import Phase

    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, phases=[Phase.generate], database=None)
    @given(drawn=mst.rounds())
    def look(drawn):
        everything = drawn.everything
        seen.update(
            p.state.value for p in round_coverage(drawn.cycle, everything, drawn.organisation)
        )
        counted = [(x.conversation.id, x.agreement.id) for x in counted_agreements(everything)]
        stored = [(c.id, a.id) for c in everything for a in c.agreements]
        if len(counted) < len(stored) and any(
            a.continues for c in everything for a in c.agreements
        ):
            seen.add("superseded or not counted")
        cancelled_copies = {
            (c.previous, a.continues)
            for c in drawn.conversations
            if c.status is mf.ConversationStatus.CANCELLED and c.previous
            for a in c.agreements
            if a.continues
        }
        if cancelled_copies & set(counted):
            seen.add("original counts again")
        states = {s for s, _ in due_agreements(everything, on=drawn.on, within_days=SOON)}
        seen.update(s.value for s in states)

    look()
    assert seen >= {
        *(s.value for s in CoverageState),
        "superseded or not counted",
        "original counts again",
        AgreementState.OVERDUE.value,
        AgreementState.DUE_SOON.value,
    }


# ------------------------------------------------------------------ the rounds


def _coverage_everywhere(cycle, conversations, organisation, on):
    """(analytics, report, rule) answers: in scope, and who is missing or only cancelled."""
    cov = an.coverage(cycle, conversations, organisation)
    figures = round_figures(cycle, conversations, Names(organisation), on=on)
    report = mf.validate(cycle, conversations=conversations, organisation=organisation)
    found = [f.text("en") for f in report if f.code == "coverage.missing-conversation"]
    flagged = {re.search(r"scope: '([^']+)'", f).group(1) for f in found}
    return (
        (cov.in_scope, {p.person for p in cov.uncovered if p.state.value != "planned"}),
        (figures.in_scope, {p.person for p in figures.people if p.state.value in _FLAGGED}),
        flagged,
        len(found),
    )


_FLAGGED = ("missing", "cancelled")


@pytest.mark.parametrize("empty_scope", [False, True])
def test_sample_round_with_four_lus_and_three_mus_removed(empty_scope):
    from musframework.testing.sample import sample_round

    sample = sample_round(seed=1)
    lus = [c.id for c in sample.conversations if c.kind is mf.ConversationKind.LUS][:4]
    mus = [c.id for c in sample.conversations if c.kind is mf.ConversationKind.MUS][:3]
    assert len(lus) == 4
    kept = [c for c in sample.conversations if c.id not in {*lus, *mus}]
    cycle = attrs.evolve(sample.cycle, scope=()) if empty_scope else sample.cycle
    (in_scope, uncovered), (report_scope, report_flagged), flagged, findings = _coverage_everywhere(
        cycle, kept, sample.organisation, sample.on
    )
    # 55 members and 4 leaders with a leader above them, whichever way the scope is written.
    assert in_scope == report_scope == 59
    assert uncovered == report_flagged == flagged
    assert findings == len(flagged)
    removed = {next(p for p in c.developed) for c in sample.conversations if c.id in {*lus, *mus}}
    assert removed <= flagged  # everyone whose conversation was removed is reported


def test_the_demo_report_and_validate_agree_about_the_cancelled_mus(tmp_path):
    from tests.test_examples import run_example

    printed = run_example("annual_round.py", "--output", str(tmp_path))
    with mf.storage.open(f"sqlite:///{tmp_path / 'mus-2026.db'}") as store:
        cycle = store.load(mf.Cycle, "mus-2026").document
        conversations = [s.document for s in store.conversations(cycle=cycle.id)]
        units = {s.document.id: s.document for s in store.documents(mf.OrgUnit)}
        people = [s.document for s in store.documents(mf.Person)]
    order = sorted(units, key=lambda u: (units[u].parent is not None, int(u[1:])))
    org = mf.Organisation(people=people, units=[units[u] for u in order])
    cancelled = [c for c in conversations if c.status is mf.ConversationStatus.CANCELLED]
    n = len(cancelled)
    assert n > 0
    assert {c.kind for c in cancelled} <= {mf.ConversationKind.MUS, mf.ConversationKind.LUS}
    report = mf.validate(cycle, conversations=conversations, organisation=org)
    only_cancelled = [f for f in report if "only cancelled" in f.text("en")]
    assert len(only_cancelled) == n
    assert {p for c in cancelled for p in c.developed} == {
        f.message.params["text"].params["person"] for f in only_cancelled
    }
    text = " ".join((tmp_path / "round-report.md").read_text(encoding="utf-8").split())
    # Nobody is missing or still planned: everyone else in scope held a conversation that
    # counts for them (in the unit where the GRUS replaces the MUS, the GRUS).
    covered = 59 - n
    assert f"{covered} af 59 i runden har holdt deres samtale" in text
    assert f"{n} kun aflyste samtaler" in text
    assert (
        f"Coverage: {covered} of 59 held their conversation, 0 planned, {n} only cancelled, 0 none"
        in printed
    )
