import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import DataError, NotFoundError

from .helpers import at, mus


def org():
    return mf.Organisation(
        people=[
            mf.Person(id=p, name=p.upper())
            for p in ["ceo", "it_boss", "dev1", "dev2", "hr_boss", "hr1", "solo"]
        ],
        units=[
            mf.OrgUnit(id="top", name="Direktion", leader="ceo"),
            mf.OrgUnit(
                id="it", name="IT", leader="it_boss", members=["dev1", "dev2"], parent="top"
            ),
            mf.OrgUnit(id="hr", name="HR", leader="hr_boss", members=["hr1"], parent="top"),
            mf.OrgUnit(id="hr-sub", name="HR sub", members=["solo"], parent="hr"),
        ],
    )


def test_nearest_leader_walks_up_the_tree():
    o = org()
    assert o.nearest_leader("dev1") == "it_boss"
    assert o.nearest_leader("it_boss") == "ceo"
    assert o.nearest_leader("ceo") is None
    assert o.nearest_leader("solo") == "hr_boss"  # hr-sub has no leader of its own
    assert o.nearest_leader("nobody") is None
    assert set(o.reports_of("ceo")) == {"it_boss", "hr_boss"}
    assert o.is_leader("it_boss") and not o.is_leader("dev1")
    assert [u.id for u in o.units_led_by("ceo")] == ["top"]


def test_lookups_and_subtree():
    o = org()
    assert o.person("dev1").name == "DEV1"
    assert o.unit("hr").leader == "hr_boss"
    assert o.unit_of("hr1").id == "hr" and o.unit_of("ceo") is None
    with pytest.raises(NotFoundError):
        o.person("ghost")
    with pytest.raises(NotFoundError):
        o.unit("ghost")
    assert [u.id for u in o.subtree(["hr"])] == ["hr", "hr-sub"]
    assert list(o.members_in(["top"])) == ["dev1", "dev2", "hr1", "solo"]
    assert o.has_person("solo") and not o.has_person("x")


def test_parent_cycle_does_not_loop():
    o = mf.Organisation(
        units=[
            mf.OrgUnit(id="a", name="A", members=["x"], parent="b"),
            mf.OrgUnit(id="b", name="B", parent="a"),
        ]
    )
    assert o.nearest_leader("x") is None


def test_check_reports_unknown_people_and_units():
    o = mf.Organisation(
        people=[mf.Person(id="a", name="A")],
        units=[
            mf.OrgUnit(id="u", name="U", leader="ghost", members=["a", "nobody"], parent="nowhere")
        ],
    )
    assert sorted((f.code, f.path) for f in o.check()) == [
        ("organisation.unknown-person", "units[0].leader"),
        ("organisation.unknown-person", "units[0].members[1]"),
        ("organisation.unknown-unit", "units[0].parent"),
    ]
    with pytest.raises(DataError):
        o.require_valid()
    assert org().require_valid() == org()


def test_unreviewed_carry_over():
    old = mf.Agreement(id="a1", description="Kursus", owner="emp", continues="prev:a1")
    fresh = mf.Agreement(id="a2", description="Nyt", owner="emp")
    c = mus(agreements=[old, fresh])
    assert c.unreviewed_carry_over() == (old,)
    before = old.with_status("in_progress", by="emp", at=at(2026, 1, 1, 9))
    assert mus(agreements=[before]).unreviewed_carry_over() == (before,)
    reviewed = old.with_status("done", by="boss", at=at(2026, 3, 3, 10, 15))
    assert mus(agreements=[reviewed, fresh]).unreviewed_carry_over() == ()
    unscheduled = attrs.evolve(c, scheduled_start=None, agreements=[before])
    assert unscheduled.unreviewed_carry_over() == ()
    assert pendulum.date(2026, 1, 1)  # keep pendulum imported for readers of the test
