"""The organisation from an HR export: reading, every problem at once, round trips, changes."""

from __future__ import annotations

import io

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import LoadError
from musframework.interop.organisation_file import (
    COLUMNS,
    compare_organisations,
    read_organisation,
    write_organisation,
)
from musframework.services import Services

DAY = pendulum.date(2026, 1, 5)
HEADER = "id,name,e-mail,unit,unit name,parent unit,leader id,start date,end date\n"
GOOD = HEADER + (
    "dir,Dorte Dahl,dorte@example.dk,top,Direktionen,,,2010-01-01,\n"
    "it-l,Ib Iversen,ib@example.dk,it,IT,top,dir,2015-03-01,\n"
    "ane,Ane Holm,ane@example.dk,it,IT,top,it-l,2020-01-01,\n"
    "bo,Bo Berg,,it,IT,top,it-l,2021-05-01,2030-01-01\n"
    "hr-l,Hanne Hald,hanne@example.dk,hr,HR,top,dir,2012-01-01,\n"
    "cas,Cas Clausen,,hr,HR,top,hr-l,2019-01-01,\n"
    "old,Ole Olsen,,hr,HR,top,hr-l,2001-01-01,2025-12-31\n"
    "new,Nina Nord,,hr,HR,top,hr-l,2026-02-01,\n"
)


def test_a_good_file_gives_units_leaders_members_and_employment():
    read = read_organisation(GOOD.encode("utf-8"), on=DAY)
    org = read.organisation
    assert [u.id for u in org.units] == ["top", "it", "hr"]
    it = org.unit("it")
    assert (it.name, it.leader, it.members, it.parent) == ("IT", "it-l", ("ane", "bo"), "top")
    assert org.unit("top").leader == "dir" and org.unit("top").members == ()
    assert org.nearest_leader("ane") == "it-l" and org.nearest_leader("it-l") == "dir"
    # Ole has left and Nina starts next month: in the file, not in the organisation on the day.
    assert not org.has_person("old") and not org.has_person("new")
    assert read.person("old").end_date == pendulum.date(2025, 12, 31)  # type: ignore[union-attr]
    assert org.person("bo").end_date == pendulum.date(2030, 1, 1)
    assert org.person("ane").start_date == pendulum.date(2020, 1, 1)
    assert org.person("ane").email == "ane@example.dk"
    assert org.check() == []


def test_semicolons_windows_text_and_a_header_in_another_case_are_read():
    text = GOOD.replace(",", ";").replace("e-mail", "E-Mail").replace("Dorte", "Dørte")
    read = read_organisation(text.encode("cp1252"), on=DAY)
    assert read.organisation.person("dir").name == "Dørte Dahl"


BAD = HEADER + (
    "dir,Dorte Dahl,dorte@example.dk,top,Direktionen,,,2010-01-01,\n"  # row 2
    "it-l,Ib Iversen,ib@example,it,IT,top,dir,2015-03-01,\n"  # row 3: e-mail
    "ane,,,it,IT,top,it-l,2020-13-01,\n"  # row 4: no name, a bad date
    "bo,Bo Berg,,it,IT,top,zz,2021-05-01,\n"  # row 5: unknown leader
    "\n"  # row 6: blank, skipped
    "cas,Cas Clausen,,hr,HR,it,dir,2019-01-01,2018-01-01\n"  # row 7: ends before it starts
    "ane,Ane Again,,hr,HR,top,dir,2019-01-01,\n"  # row 8: the id again
    "dan,Dan Dam,,hr,HR,it,dir,2019-01-01,\n"  # row 9: HR below IT here ...
    "eli,Eli Ek,,hr,HR,top,dan,2019-01-01,\n"  # row 10: ... and below the top here
)


def test_every_problem_is_listed_at_once_with_its_row_and_column():
    with pytest.raises(LoadError) as info:
        read_organisation(BAD.encode("utf-8"), on=DAY)
    error = info.value
    assert [(f.path, f.code) for f in error.findings] == [
        ("rows[3].email", "import.bad-email"),
        ("rows[4].name", "import.missing-value"),
        ("rows[4].start_date", "import.bad-date"),
        ("rows[5].leader_id", "import.unknown-leader"),
        ("rows[7].end_date", "import.end-before-start"),
        ("rows[8].id", "import.duplicate-id"),
        ("rows[10].parent_unit", "import.parent-differs"),
    ]
    assert 'rows[8].id: the id "ane" is already in row 4' in str(error)
    assert "rows[4].start_date: »2020-13-01« er ikke en dato" in error.text("da")


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        ("", "import.empty", ""),
        ("id,name\nx,y\n", "import.missing-column", "rows[1]"),
        (HEADER + "a,A,,u,,,a,2020-01-01,\n", "import.own-leader", "rows[2].leader_id"),
        (HEADER + "a,A,,u,,u,,2020-01-01,\n", "import.own-parent", "rows[2].parent_unit"),
        (
            HEADER + "a,A,,u,,v,,2020-01-01,\nb,B,,v,,u,a,2020-01-01,\n",
            "import.parent-cycle",
            "rows[2].parent_unit",
        ),
        (
            HEADER
            + "a,A,,top,,,,2020-01-01,\nb,B,,top,,,,2020-01-01,\nc,C,,u,,top,a,2020-01-01,\n"
            + "d,D,,u,,top,b,2020-01-01,\n",
            "import.unit-leader-unclear",
            "rows[2].leader_id",
        ),
        (
            HEADER + "a,A,,top,,,,2020-01-01,\nb,B,,u,,top,a,2020-01-01,\n"
            "c,C,,u,,top,b,2020-01-01,\nd,D,,u,,top,c,2020-01-01,\n",
            "import.several-leaders",
            "rows[3].leader_id",
        ),
        (
            HEADER + "a,A,,top,,,,2020-01-01,\nb,B,,top,,,a,2020-01-01,2021-01-01\n"
            "c,C,,top,,,b,2020-01-01,\n",
            "import.leader-not-employed",
            "rows[4].leader_id",
        ),
        (HEADER + "a,A,,top,,,,2020-01-01,,extra\n", "import.extra-cells", "rows[2]"),
    ],
)
def test_each_kind_of_problem_has_its_code_and_place(text, code, path):
    with pytest.raises(LoadError) as info:
        read_organisation(text.encode("utf-8"), on=DAY)
    assert (info.value.findings[0].code, info.value.findings[0].path) == (code, path)
    for finding in info.value.findings:
        assert finding.text("da") and finding.text("en")


def test_a_missing_file_and_an_unknown_format_are_the_librarys_errors(tmp_path):
    with pytest.raises(LoadError, match="cannot be read"):
        read_organisation(tmp_path / "nothing.csv")
    with pytest.raises(mf.errors.InvalidValueError):
        read_organisation(b"x", format="ods")
    with pytest.raises(LoadError, match="cannot be read"):
        read_organisation(b"PK\x03\x04 not really a workbook")


# ------------------------------------------------------------------ round trips


@st.composite
def organisations(draw: st.DrawFn) -> mf.Organisation:
    """Organisations a file can hold: every unit has its own leader, everyone one place."""
    n_units = draw(st.integers(1, 6))
    units = []
    people = []
    ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
    names = (
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
            min_size=1,
            max_size=20,
        )
        .map(str.strip)
        .filter(bool)
    )
    dates = st.dates(pendulum.date(1990, 1, 1), DAY).map(
        lambda d: pendulum.date(d.year, d.month, d.day)
    )
    used: set[str] = set()

    def person() -> mf.Person:
        pid = draw(ids.filter(lambda i: i not in used))
        used.add(pid)
        start = draw(dates)
        end = draw(st.none() | st.just(DAY.add(days=draw(st.integers(0, 4000)))))
        email = draw(st.none() | st.just(f"{pid}@example.dk"))
        return mf.Person(id=pid, name=draw(names), email=email, start_date=start, end_date=end)

    for i in range(n_units):
        leader = person()
        members = [person() for _ in range(draw(st.integers(0, 4)))]
        people += [leader, *members]
        parent = None if i == 0 else f"u{draw(st.integers(0, i - 1))}"
        units.append(
            mf.OrgUnit(
                id=f"u{i}",
                name=draw(names),
                leader=leader.id,
                members=[m.id for m in members],
                parent=parent,
            )
        )
    return mf.Organisation(people=people, units=units)


def _same(a: mf.Organisation, b: mf.Organisation) -> None:
    assert {p.id: p for p in a.people} == {p.id: p for p in b.people}
    assert {u.id: u for u in a.units} == {u.id: u for u in b.units}
    for p in a.people:  # the dates are part of the equality, but say so
        assert b.person(p.id).start_date == p.start_date
        assert b.person(p.id).end_date == p.end_date


@settings(max_examples=40, deadline=None)
@given(organisations())
def test_csv_round_trip(org):
    text = write_organisation(org)
    assert isinstance(text, str) and text.splitlines()[0] == ",".join(COLUMNS)
    _same(org, read_organisation(text.encode("utf-8"), on=DAY).organisation)
    _same(org, read_organisation(io.StringIO(text), on=DAY).organisation)


@settings(max_examples=10, deadline=None)
@given(organisations())
def test_excel_round_trip(org):
    data = write_organisation(org, format="xlsx")
    assert isinstance(data, bytes)
    _same(org, read_organisation(data, on=DAY).organisation)


def test_files_on_disk_follow_their_name(tmp_path):
    org = read_organisation(GOOD.encode("utf-8"), on=DAY).organisation
    for name in ("org.csv", "org.xlsx"):
        write_organisation(org, tmp_path / name)
        _same(org, read_organisation(tmp_path / name, on=DAY).organisation)


# ------------------------------------------------------------------ a newer export


NEWER = (
    GOOD.replace(
        "bo,Bo Berg,,it,IT,top,it-l", "bo,Bo Berg,,hr,HR,top,hr-l"
    ).replace(  # Bo moves to HR
        "cas,Cas Clausen,,hr,HR,top,hr-l,2019-01-01,",
        "cas,Cas Clausen,,hr,HR,top,hr-l,2019-01-01,2026-02-28",
    )
    + "eva,Eva Engel,eva@example.dk,it,IT,top,it-l,2026-03-01,\n"
)


def test_compare_finds_joiners_leavers_moves_and_new_leaders():
    before = read_organisation(GOOD.encode(), on=DAY).organisation
    after = read_organisation(NEWER.encode(), on=pendulum.date(2026, 3, 2)).organisation
    changes = compare_organisations(before, after)
    assert changes.joined == ("new", "eva")
    assert changes.left == ("cas",)
    assert [(m.person, m.former, m.new) for m in changes.moved] == [("bo", "it", "hr")]
    assert [(m.person, m.former, m.new) for m in changes.leaders] == [("bo", "it-l", "hr-l")]
    assert changes and not compare_organisations(before, before)


def test_importing_a_newer_export_stores_history_and_hands_plans_over(tmp_path):
    clock = mf.clock.FixedClock(pendulum.datetime(2026, 1, 5, 8, tz="Europe/Copenhagen"))
    hr = mf.policy.Viewer("hr", capacities=frozenset({"hr"}))
    with mf.storage.open(f"sqlite:///{tmp_path / 'org.db'}") as store:
        services = Services(store, clock=clock)
        first = services.import_organisation(hr, GOOD.encode())
        assert first.changes.joined == ("dir", "it-l", "ane", "bo", "hr-l", "cas")
        # Bo's signed plan is his current plan: it goes to his new leader on the move.
        plan = mf.Conversation(
            id="mus-bo-2025",
            kind=mf.ConversationKind.MUS,
            participants=[
                mf.Participant("bo", mf.Role.EMPLOYEE),
                mf.Participant("it-l", mf.Role.LEADER),
            ],
            status=mf.ConversationStatus.SIGNED,
            scheduled_start=pendulum.datetime(2025, 5, 1, 10, tz="Europe/Copenhagen"),
        )
        store.save(plan)
        later = pendulum.datetime(2026, 3, 2, 8, tz="Europe/Copenhagen")
        second = services.import_organisation(hr, NEWER.encode(), effective=later)
        assert second.changes.joined == ("new", "eva")
        assert second.changes.left == ("cas",)
        assert [(c.person, c.former, c.new, c.plan) for c in second.leader_changes] == [
            ("bo", "it-l", "hr-l", "mus-bo-2025")
        ]
        # The history: the organisation as it stood before and after.
        assert store.organisation(at=pendulum.date(2026, 2, 1)).unit("it").members == (
            "ane",
            "bo",
        )
        assert store.organisation(at=later).unit("it").members == ("ane", "eva")
        assert len(store.documents(mf.OrganisationVersion)) == 2
        # The leaver keeps their person document, with the end of employment.
        cas = store.load(mf.Person, "cas").document
        assert cas.end_date == pendulum.date(2026, 2, 28)
        # Exported back, the stored organisation reads as the same organisation.
        stored = services.organisation(at=later)
        _same(
            stored,
            read_organisation(write_organisation(stored).encode(), on=later.date()).organisation,
        )


def test_an_import_needs_the_right_to_change_the_organisation(tmp_path):
    clock = mf.clock.FixedClock(pendulum.datetime(2026, 1, 5, 8, tz="Europe/Copenhagen"))
    hr = mf.policy.Viewer("hr", capacities=frozenset({"hr"}))
    with mf.storage.open(f"sqlite:///{tmp_path / 'org.db'}") as store:
        services = Services(store, clock=clock)
        services.import_organisation(hr, GOOD.encode())
        with pytest.raises(mf.errors.AccessDeniedError):
            services.import_organisation("ane", NEWER.encode())
