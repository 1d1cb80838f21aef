"""The benchmark code runs (quick mode, N=100), so it never rots; timings are not asserted."""

import sys
from pathlib import Path

import attrs
import pytest

import musframework as mf

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def harness():
    pytest.importorskip("pydantic")  # the round trip's peer; installed by the bench/test setup
    sys.path.insert(0, str(BENCH))
    try:
        import harness
        import workloads  # noqa: F401  (registers the workloads)

        yield harness
    finally:
        sys.path.remove(str(BENCH))


def test_every_workload_runs_at_n_100_and_prints_a_table(harness, capsys):
    cells = harness.main(["--quick", "--in-process", "--repeats", "1"])
    names = {c.name for c in cells}
    assert {
        "roundtrip",
        "check_response",
        "plan+schedule",
        "carry-over (start_next)",
        "validate (round)",
        "render plans (HTML)",
        "analyse_round",
        "sqlite queries",
        "sqlite re-save 1%",
    } <= names
    for cell in cells:
        assert cell.n == 100
        assert cell.time > 0
        # latencies, or peak memory, instead of a floor
        if not cell.name.startswith(("sqlite queries", "validate+analyse from SQLite")):
            assert cell.floor is not None
            assert cell.floor > 0
    out = capsys.readouterr().out
    assert "| roundtrip | 100 |" in out
    memory = next(c for c in cells if c.name.startswith("memory"))
    assert memory.figures["objects/dicts"] > 0
    scale = next(c for c in cells if c.name == "sqlite overdue in a unit (SQL)")
    assert scale.figures["overdue per unit"] > 0  # the store and the raw join agreed on it
    queries = next(c for c in cells if c.name == "sqlite queries")
    for name in ("overdue", "completion", "owner"):
        assert 0 < queries.figures[f"{name} p50 ms"] <= queries.figures[f"{name} p95 ms"]


def test_the_floors_produce_what_the_library_produces(harness):
    import floors

    import data

    r = data.make_round(60)
    for c in r.conversations[:20]:
        assert floors.floor_to_dict(c) == mf.to_dict(c)
        assert floors.floor_from_dict(mf.to_dict(c)) == c
        assert mf.dumps(floors.floor_from_dict(mf.to_dict(c))) == mf.dumps(c)
    form = r.questionnaire
    for c in r.conversations:
        for resp in c.responses:
            assert floors.floor_check_response(form, resp) == []
            assert form.check_response(resp) == []
    bad = r.conversations[0].responses[0].with_answer("s01", mf.ScaleAnswer(9))
    assert [f.code for f in floors.floor_check_response(form, bad)] == [
        f.code for f in form.check_response(bad)
    ]


def test_the_generated_round_has_the_promised_shape(harness):
    import data

    r = data.make_round(2000)
    assert len(r.conversations) == 2000
    assert len(r.organisation.units) == 400
    sizes = sorted(len(u.members) for u in r.organisation.units)
    assert sizes[-1] >= 5 * max(sizes[len(sizes) // 2], 1)  # uneven: a few large units
    c = r.conversations[0]
    assert len(c.responses[0].answers) == 30
    assert len(c.agreements) == 5
    every = [a for c in r.conversations for a in c.agreements]
    assert sum(a.is_open for a in every) > len(every) / 2
    assert any(a.is_overdue(data.TODAY) for a in every)
    assert any(not a.is_overdue(data.TODAY) and a.is_open for a in every)
    assert data.make_round(50).conversations == data.make_round(50).conversations  # seeded


def test_the_validate_floor_finds_what_the_library_finds(harness):
    import floors
    import workloads

    r = workloads._validate_setup(300)
    assert r.cycle.scope
    report = mf.validate(r.cycle, conversations=r.conversations, organisation=r.organisation)
    ours = [(f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity) for f in report]
    floor = [
        (f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity)
        for f in floors.floor_validate_round(r.cycle, r.conversations, r.organisation)
    ]
    assert floor == ours
    assert {f[0] for f in floor} == {"agreement.deadline-before-conversation"}
    # The cell checks the same at every N it measures, and refuses a floor that differs.
    assert workloads._validate_figures(r) == {"findings": len(ours), "floor finds the same": "yes"}
    # The other rules of the floor fire too, when the data gives them something to find.
    first = r.conversations[0]
    stranger = attrs.evolve(
        first.agreements[0], owner="stranger", deadline=None, status=mf.AgreementStatus.OPEN
    )
    broken = [attrs.evolve(first, agreements=[stranger]), *r.conversations[2:]]
    report = mf.validate(r.cycle, conversations=broken, organisation=r.organisation)
    ours = [(f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity) for f in report]
    floor = [
        (f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity)
        for f in floors.floor_validate_round(r.cycle, broken, r.organisation)
    ]
    assert floor == ours
    assert {
        "agreement.owner-not-participant",
        "agreement.no-deadline",
        "coverage.missing-conversation",
    } <= {f[0] for f in floor}
    # And the carry-over rules and the owner-less agreement, on a conversation that continues
    # another one of the round without carrying its open agreements over or reviewing them.
    second = r.conversations[1]
    carried = attrs.evolve(
        second.agreements[0],
        id="carried",
        continues="elsewhere",
        status=mf.AgreementStatus.OPEN,
        history=(),
    )
    ownerless = attrs.evolve(second.agreements[1], id="ownerless", owner="  ")
    follow = attrs.evolve(
        second,
        previous=r.conversations[2].id,
        agreements=[carried, ownerless, *second.agreements[2:]],
    )
    broken = [r.conversations[0], follow, *r.conversations[2:]]
    report = mf.validate(r.cycle, conversations=broken, organisation=r.organisation)
    ours = [(f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity) for f in report]
    floor = [
        (f.code, f.path, f.message.get("da"), f.message.get("en"), f.severity)
        for f in floors.floor_validate_round(r.cycle, broken, r.organisation)
    ]
    assert floor == ours
    assert {"carry-over.not-reviewed", "carry-over.missing", "agreement.no-owner"} <= {
        f[0] for f in floor
    }


def test_the_msgspec_peer_writes_and_reads_what_the_library_does(harness):
    pytest.importorskip("msgspec")
    import msgspec_peer

    import data

    r = data.make_round(40)
    for c in r.conversations:
        text = mf.dumps(c)
        struct = msgspec_peer.decode(text)
        assert msgspec_peer.encode(struct) == text.encode("utf-8")  # byte-identical
        assert struct.scheduled_start == c.scheduled_start
        assert struct.scheduled_start.timezone_name == "Europe/Copenhagen"
    with pytest.raises(Exception, match="unknown field"):
        msgspec_peer.decode(mf.dumps(r.conversations[0])[:-1] + ',"extra":1}')


def test_the_render_floor_makes_the_same_html(harness):
    import workloads

    s = workloads._render_setup(20)
    assert workloads._render_floor(s) == workloads._render(s)


def test_prebuilt_names_render_the_same_and_never_stale_ones(harness):
    import data

    r = data.make_round(30)
    c = r.conversations[0]
    first = mf.render(c, "html", document="plan", people=r.organisation)
    assert "Employee 0000000" in first
    renamed = mf.Organisation(
        people=[
            attrs.evolve(p, name="Renamed Person") if p.id == "e0000000" else p
            for p in r.organisation.people
        ],
        units=r.organisation.units,
    )
    second = mf.render(c, "html", document="plan", people=renamed)
    assert "Renamed Person" in second
    assert "Employee 0000000" not in second
    assert mf.render(c, "html", document="plan", people=r.organisation) == first
    from musframework.rendering import Names

    assert mf.render(c, "html", document="plan", people=Names(r.organisation)) == first


def test_the_fast_paths_benchmark_runs(harness, capsys):
    pytest.importorskip("msgspec")
    import fast_paths

    result = fast_paths.main(["--people", "30", "--repeats", "1"])
    assert set(result) == {"questionnaire", "conversation", "response", "person", "unit", "cycle"}
    assert all(r["load"] > 0 and r["write"] > 0 for r in result.values())
    assert "| conversation |" in capsys.readouterr().out


def test_the_validate_cell_refuses_a_floor_that_finds_less(harness, monkeypatch):
    import floors
    import workloads

    r = workloads._validate_setup(100)
    full = floors.floor_validate_round
    monkeypatch.setattr(floors, "floor_validate_round", lambda *args: full(*args)[:-1])
    with pytest.raises(RuntimeError, match="the validate floor finds"):
        workloads._validate_figures(r)
