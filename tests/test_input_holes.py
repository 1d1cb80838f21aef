"""Regression tests for the holes of issue 15 (point 5): bad input stays in the error hierarchy.

* iCalendar text values (a round's name, a person's name, a place) are escaped: a line
  break never ends a property, so no second VCALENDAR or VEVENT can be injected, with or
  without ``python -O``;
* the SurveyJS importers raise only library errors (type checks, a depth limit);
* ``from_dict`` refuses what ``loads`` refuses, and ``content_digest`` never raises;
* ``store.previous_conversation(before=...)`` takes an aware datetime or a day, and refuses
  anything else with a library error;
* the policy: an undated conversation belongs to the present (a former leader does not see
  it), and an item of another object is never shown or shared as if it were this one's.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import textwrap
import uuid

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import AccessDeniedError, DataError, InvalidValueError, LoadError
from musframework.interop import surveyjs
from musframework.policy import Action, DefaultPolicy, LeaderChange, Part, Viewer, may, view

from .policy_scenario import ORG, at, mus, response

CPH = "Europe/Copenhagen"
INJECTION = (
    "Runde 2026\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
    "SUMMARY:evil\nEND:VEVENT\rX-INJECTED:1"
)

# ------------------------------------------------------------------------------ iCalendar

ICS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import pendulum
    import musframework as mf

    bad = json.loads(sys.argv[1])
    start = pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen")
    cycle = mf.Cycle(id="r1", name=bad, period=mf.Period(start.date(), start.date().add(days=90)))
    c = mf.Conversation(
        id="c1", kind="MUS", place=bad, scheduled_start=start,
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        agreements=[mf.Agreement(id="a1", description=bad, owner="emp",
                                 deadline=start.date().add(days=30))],
        status="concluded", held_at=start, follow_up_date=start.date().add(days=60),
    )
    org = mf.Organisation(people=[mf.Person(id="emp", name=bad, email="emp@example.dk"),
                                  mf.Person(id="boss", name=bad)])
    plan = mf.DevelopmentPlan.from_conversation(c, "emp")
    clock = mf.FixedClock(start)
    out = {}
    for label, obj, kw in [("cycle", cycle, {"conversations": [c]}), ("conversation", c, {}),
                           ("plan", plan, {})]:
        data = mf.render(obj, "ics", "da", "calendar", people=org, clock=clock, **kw)
        out[label] = data.decode("utf-8")
    out["invitation"] = mf.rendering.ics.invitation(c, people=org, now=start).decode("utf-8")
    print(json.dumps(out))
    """
)


def _render_calendars(bad: str, *, optimize: bool) -> dict[str, str]:
    flags = ["-O"] if optimize else []
    run = subprocess.run(
        [sys.executable, *flags, "-c", ICS_SCRIPT, json.dumps(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _lines(ics: str) -> list[str]:
    """The content lines, unfolded (RFC 5545: CRLF followed by a space continues a line)."""
    assert "\n" not in ics.replace("\r\n", "")  # no bare line feed anywhere
    return ics.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("optimize", [False, True], ids=["plain", "python -O"])
def test_a_line_break_in_an_ics_text_value_injects_nothing(optimize):
    import icalendar

    calendars = _render_calendars(INJECTION, optimize=optimize)
    # A round: its conversation, the follow-up date and one deadline; a plan: its dates.
    events = {"cycle": 3, "conversation": 3, "plan": 2, "invitation": 1}
    for label, ics in calendars.items():
        lines = _lines(ics)
        assert lines.count("BEGIN:VCALENDAR") == 1, label
        assert lines.count("END:VCALENDAR") == 1, label
        assert lines.count("BEGIN:VEVENT") == events[label], label
        assert not any(line.startswith(("X-INJECTED", "SUMMARY:evil")) for line in lines)
        parsed = icalendar.Calendar.from_ical(ics)
        assert len(parsed.walk("VEVENT")) == events[label]
    cycle = icalendar.Calendar.from_ical(calendars["cycle"])
    # The name is kept, with its line breaks as text ("\r\n" and "\r" read as one break).
    # The name is kept as escaped text: "\r\n" and "\r" read as one break, written "\\n".
    name = INJECTION.replace("\r\n", "\n").replace("\r", "\n")
    calname = [line for line in _lines(calendars["cycle"]) if line.startswith("X-WR-CALNAME")]
    assert calname == ["X-WR-CALNAME:" + name.replace("\n", "\\n")]
    event = cycle.walk("VEVENT")[0]
    assert "BEGIN:VCALENDAR" in str(event["LOCATION"])


@settings(max_examples=25, deadline=None)
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=40))
def test_any_round_name_gives_one_calendar(name):
    cycle = mf.Cycle(
        id="r1",
        name=name,
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 6, 30)),
    )
    ics = mf.render(cycle, "ics", "en", "calendar", clock=mf.FixedClock(at(2026, 1, 1)))
    lines = _lines(ics.decode("utf-8"))
    assert lines.count("BEGIN:VCALENDAR") == 1
    assert sum(line.startswith("X-WR-CALNAME") for line in lines) == 1


def test_an_id_with_a_lone_surrogate_still_gets_a_uid():
    # ids come from the application; the UID stays stable and no UnicodeEncodeError escapes
    uid = mf.rendering.ics.uid("c\ud800")
    assert uid == mf.rendering.ics.uid("c\ud800") != mf.rendering.ics.uid("c\udfff")
    uid.encode("ascii")


# ------------------------------------------------------------------------------- SurveyJS


def _survey(*elements):
    return {"pages": [{"name": "p1", "elements": list(elements)}]}


def _unsupported_reason(survey) -> str:
    with pytest.raises(DataError) as info:
        surveyjs.questionnaire_from_surveyjs(survey, id="imported")
    return info.value.findings[0].text("en")


@pytest.mark.parametrize("values", [5, 2.5, True, {"1": "one"}, "12345"])
def test_rate_values_that_are_not_a_list_are_a_data_error(values):
    survey = _survey({"type": "rating", "name": "r", "rateValues": values})
    with pytest.raises(DataError) as info:
        surveyjs.questionnaire_from_surveyjs(survey, id="imported")
    finding = info.value.findings[0]
    assert (finding.code, finding.path) == ("surveyjs.unsupported", "pages[0].elements[0]")
    assert "'r' (rating) cannot be represented" in finding.text("en")


@pytest.mark.parametrize(
    "element",
    [
        {"type": "rating", "name": "r", "rateMin": "1", "rateCount": 3},
        {"type": "rating", "name": "r", "rateMin": 1, "rateCount": 3, "rateStep": "1"},
        {"type": "rating", "name": "r", "rateMin": None, "rateCount": 3},
        {"type": "rating", "name": "r", "rateMin": 2**63, "rateCount": 2**63 + 1},
    ],
)
def test_rating_bounds_of_the_wrong_type_are_a_data_error(element):
    assert "whole-number ratings" in _unsupported_reason(_survey(element))


def _nested_panels(depth: int) -> dict:
    element: dict = {"type": "text", "name": "q"}
    for _ in range(depth):
        element = {"type": "panel", "name": "panel", "elements": [element]}
    return element


def test_panels_nested_as_deep_as_real_surveys_still_import():
    q = surveyjs.questionnaire_from_surveyjs(_survey(_nested_panels(25)), id="imported")
    assert [question.id for question in q.questions()] == ["q"]
    with pytest.raises(DataError) as info:  # 40 panels: 80 levels of objects and lists
        surveyjs.questionnaire_from_surveyjs(_survey(_nested_panels(40)), id="imported")
    assert [f.code for f in info.value.findings] == ["surveyjs.too-deep"]


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_deep_nesting_is_a_data_error_not_a_recursion_error(depth):
    for survey in (
        _survey(_nested_panels(depth)),
        {"title": mf_deep(depth), "elements": []},
        {"pages": mf_deep(depth)},
    ):
        with pytest.raises(DataError) as info:
            surveyjs.questionnaire_from_surveyjs(survey, id="imported")
        assert [f.code for f in info.value.findings] == ["surveyjs.too-deep"]
        assert "more than 64 levels" in info.value.findings[0].text("en")
    questionnaire = mf.templates.load("mus-standard")
    first = next(iter(questionnaire.questions())).id
    with pytest.raises(DataError) as info:
        surveyjs.response_from_surveyjs(
            {first: mf_deep(depth)}, questionnaire, role="employee", person="p"
        )
    assert [f.code for f in info.value.findings] == ["surveyjs.too-deep"]
    assert info.value.findings[0].path.startswith(f"answers.{first}")


def mf_deep(depth: int):
    value: object = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"x": value}
    return value


@pytest.mark.parametrize(
    "expression",
    [
        "{a} anyof " + "[" * 5_000 + "]" * 5_000,
        "(" * 3_000 + "{a} = 1" + ")" * 3_000,
        "{a} = 1 and " * 2_000 + "{a} = 1",
    ],
)
def test_hostile_visible_if_expressions_are_a_data_error(expression):
    survey = _survey(
        {"type": "text", "name": "a"}, {"type": "text", "name": "b", "visibleIf": expression}
    )
    reason = _unsupported_reason(survey)
    assert "the expression is longer than 10000 characters or nested more than 32" in reason


@pytest.mark.parametrize(
    ("value", "code"),
    [("Ane \ud800", "surveyjs.lone-surrogate"), (2**64, "surveyjs.integer-range")],
)
def test_values_no_store_can_keep_are_refused_by_both_importers(value, code):
    with pytest.raises(DataError) as info:
        surveyjs.questionnaire_from_surveyjs(
            _survey({"type": "text", "name": "a", "title": value}), id="x"
        )
    assert [(f.code, f.path) for f in info.value.findings] == [(code, "pages[0].elements[0].title")]
    questionnaire = mf.templates.load("mus-standard")
    first = next(iter(questionnaire.questions())).id
    with pytest.raises(DataError) as info:
        surveyjs.response_from_surveyjs({first: value}, questionnaire, role="employee", person="p")
    assert [(f.code, f.path) for f in info.value.findings] == [(code, f"answers.{first}")]


# ------------------------------------------------------------- from_dict, content_digest

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(st.characters(exclude_categories=()), max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.text(st.characters(exclude_categories=()), max_size=6), inner, max_size=3
        ),
    ),
    max_leaves=6,
)


def _outcome(load):
    try:
        return ("loaded", load())
    except LoadError:
        return ("refused", None)


@settings(max_examples=120, deadline=None)
@given(
    cls=st.sampled_from([mf.Person, mf.AgendaItem, mf.Agreement, mf.Note, mf.Cycle]),
    field=st.sampled_from(["id", "name", "title", "minutes", "description", "text", "period"]),
    value=JSON_VALUES,
)
def test_from_dict_refuses_exactly_what_loads_refuses(cls, field, value):
    base = {
        mf.Person: {"id": "p1", "name": "Ane"},
        mf.AgendaItem: {"title": "Dagsorden", "minutes": 5},
        mf.Agreement: {"id": "a1", "description": "Kursus"},
        mf.Note: {"author": "boss", "text": "ok"},
        mf.Cycle: {
            "id": "r1",
            "name": "R",
            "period": {"start": "2026-01-01", "end": "2026-06-30"},
        },
    }[cls]
    data = {**base, field: value}
    # JSON text escapes lone surrogates (\\ud800), so the text reaches the parser intact.
    text = json.dumps(data)
    from_data, from_text = (
        _outcome(lambda: mf.from_dict(data, cls)),
        _outcome(lambda: mf.loads(text, cls)),
    )
    assert from_data[0] == from_text[0], (data, from_data, from_text)
    if from_data[0] == "loaded":
        assert from_data[1] == from_text[1]
        assert mf.loads(mf.dumps(from_data[1]), cls) == from_data[1]  # and it can be written


TEXT = st.text(st.characters(exclude_categories=()), max_size=20)  # surrogates included


@settings(max_examples=80, deadline=None)
@given(
    conclusions=st.lists(TEXT, max_size=3),
    goals=st.lists(TEXT, max_size=3),
    description=TEXT,
    cid=TEXT,
)
def test_content_digest_never_raises(conclusions, goals, description, cid):
    c = mf.Conversation(
        id=cid,
        kind="MUS",
        conclusions=conclusions,
        goals=goals,
        agreements=[mf.Agreement(id="a1", description=description, owner="emp")],
    )
    digest = c.content_digest()
    assert isinstance(digest, str) and digest
    assert c.void_signatures == ()


# ----------------------------------------------------------------- previous_conversation


def _conversation(cid: str, start: pendulum.DateTime) -> mf.Conversation:
    return mf.Conversation(
        id=cid,
        kind="MUS",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=start,
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "memory":
        opened = mf.storage.open("memory://")
    elif request.param == "sqlite":
        opened = mf.storage.SQLiteStore(tmp_path / "prev.db")
    else:
        from musframework.storage.postgres import PostgresStore

        dsn = request.getfixturevalue("postgres_dsn")
        opened = PostgresStore(dsn, schema=f"prev_{uuid.uuid4().hex[:10]}")
    with opened:
        yield opened


def test_previous_conversation_takes_a_day_or_an_aware_moment(store):
    # 00:30 in Copenhagen on 3 March is still 2 March in UTC: a day means the local day.
    early = _conversation("early", pendulum.datetime(2026, 3, 3, 0, 30, tz=CPH))
    later = _conversation("later", pendulum.datetime(2026, 3, 9, 10, tz=CPH))
    store.save_many([early, later])

    def found(before):
        stored = store.previous_conversation("emp", "MUS", before=before)
        return None if stored is None else stored.document.id

    assert found(pendulum.date(2026, 3, 3)) is None
    assert found(datetime.date(2026, 3, 3)) is None
    assert found(pendulum.date(2026, 3, 4)) == "early"
    assert found(datetime.date(2026, 3, 10)) == "later"
    assert found(pendulum.datetime(2026, 3, 3, 0, 31, tz=CPH)) == "early"
    assert found(datetime.datetime(2026, 3, 2, 23, 31, tzinfo=datetime.UTC)) == "early"
    assert found(None) == "later"
    for bad in (datetime.datetime(2026, 3, 4), "2026-03-04", 20260304):
        with pytest.raises(InvalidValueError) as info:
            found(bad)
        assert "before must be a moment with a time zone or a day" in str(info.value)


# -------------------------------------------------------------------------------- policy

CHANGE = at(2026, 6, 1)
MOVED = mf.Organisation(
    people=ORG.people,
    units=[
        ORG.unit("top"),
        ORG.unit("it").without_member("emp"),
        ORG.unit("sales").with_member("emp"),
    ],
)
MOVE = LeaderChange(person="emp", former="boss", new="other_boss", at=CHANGE, plan="mus")
MOVED_POLICY = DefaultPolicy(MOVED, [MOVE])


def test_a_former_leader_does_not_see_an_undated_conversation():
    undated = attrs.evolve(mus(), scheduled_start=None, held_at=None)
    assert not may(Viewer("boss"), Action.VIEW, undated, MOVED_POLICY)
    with pytest.raises(AccessDeniedError):
        view(undated, Viewer("boss"), MOVED_POLICY)
    # the same conversation dated before the change: theirs, read only, up to the change
    assert may(Viewer("boss"), Action.VIEW, mus(), MOVED_POLICY)
    assert not may(Viewer("boss"), Action.EDIT, mus(), MOVED_POLICY, Part.NOTES)
    # the employee keeps it; the leader who leads them now (and held it) has it in full
    assert may(Viewer("emp"), Action.VIEW, undated, MOVED_POLICY)
    held_by_new = attrs.evolve(
        undated,
        participants=[mf.Participant("emp", "employee"), mf.Participant("other_boss", "leader")],
    )
    assert may(Viewer("other_boss"), Action.EDIT, held_by_new, MOVED_POLICY, Part.SCHEDULE)


POLICY = DefaultPolicy(ORG)
BOSS, EMP = Viewer("boss"), Viewer("emp")


def _other():
    """Another conversation of the same leader, with notes and items of its own."""
    c = mus("other", employee="col")
    agreement = c.agreements[0].with_status("done", by="col", at=at(2026, 4, 1), note="x")
    return attrs.evolve(
        c,
        notes=[
            *c.notes,
            mf.Note(author="boss", text="OTHER-BOSS-NOTE", at=at(2026, 3, 3, 12)),
            mf.Note(author="col", text="OTHER-NOTE", at=at(2026, 3, 3, 12)),
        ],
        agreements=[agreement, *c.agreements[1:]],
        responses=[
            response("col", "employee", "COL-PREP", shared=True),
            response("boss", "leader", "OTHER-BOSS-PREP", shared=True),
        ],
        follow_up=mf.FollowUp(held_at=at(2026, 9, 3), by="boss", note="OTHER-FOLLOW-UP"),
    )


def test_items_of_another_conversation_are_not_this_ones():
    own, other = mus(), _other()
    own = attrs.evolve(own, follow_up=mf.FollowUp(held_at=at(2026, 9, 3), by="boss"))
    foreign = {
        Part.NOTES: other.notes[-1],
        Part.RESPONSES: other.responses[0],
        Part.AGREEMENTS: other.agreements[0],
        Part.SIGNATURES: other.signatures[0],
    }
    for part, item in foreign.items():
        assert may(BOSS, Action.VIEW, other, POLICY, part, item), part  # control: its own
        assert not may(BOSS, Action.VIEW, own, POLICY, part, item), part
        assert not may(BOSS, Action.EXPORT, own, POLICY, part, item), part
    assert not may(BOSS, Action.VIEW, own, POLICY, Part.AGREEMENTS, other.agreements[0].history[-1])
    assert not may(BOSS, Action.VIEW, own, POLICY, Part.AGREEMENTS, other.follow_up)
    boss_note = other.notes[-2]  # the boss's own note over there
    assert may(BOSS, Action.SHARE, other, POLICY, Part.NOTES, boss_note)
    assert not may(BOSS, Action.SHARE, own, POLICY, Part.NOTES, boss_note)
    # the object's own items, and equal copies of them (as loaded again), still count
    for part, item in {
        Part.NOTES: own.notes[-1],
        Part.RESPONSES: own.responses[1],
        Part.AGREEMENTS: own.agreements[0],
        Part.SIGNATURES: own.signatures[0],
    }.items():
        assert may(BOSS, Action.VIEW, own, POLICY, part, item), part
        copy = mf.loads(mf.dumps(item), type(item))
        assert copy is not item and may(BOSS, Action.VIEW, own, POLICY, part, copy), part
    assert may(BOSS, Action.VIEW, own, POLICY, Part.AGREEMENTS, own.follow_up)
    # an edit's item is what the step writes: a new note need not be there yet
    new_note = mf.Note(author="boss", text="new")
    assert may(BOSS, Action.EDIT, own, POLICY, Part.NOTES, new_note)


def test_signatures_of_another_plan_are_not_this_ones():
    own = mf.DevelopmentPlan.from_conversation(mus(), "emp")
    other = mf.DevelopmentPlan.from_conversation(_other(), "col")
    assert may(BOSS, Action.VIEW, other, POLICY, Part.SIGNATURES, other.signatures[0])
    assert not may(BOSS, Action.VIEW, own, POLICY, Part.SIGNATURES, other.signatures[0])
    assert not may(BOSS, Action.VIEW, own, POLICY, Part.AGREEMENTS, other.activities[0])
    assert may(EMP, Action.VIEW, own, POLICY, Part.AGREEMENTS, own.activities[0])


def test_a_leader_change_for_an_id_with_a_lone_surrogate_gets_an_id():
    # ids come from the application; making the record never raises UnicodeEncodeError
    change = LeaderChange(person="p\ud800", former="a", new="b", at=at(2026, 6, 1))
    other = LeaderChange(person="p\udfff", former="a", new="b", at=at(2026, 6, 1))
    assert change.id != other.id
    assert LeaderChange(person="p", former="a", new="b", at=at(2026, 6, 1)).id == (
        LeaderChange(person="p", former="x", new="y", at=at(2026, 6, 1)).id
    )
