"""No published figure lets anyone recover the answers of a group smaller than the minimum.

The onlooker of these tests knows everything but the answers: the organisation, who answered
and when, and every figure published by two runs of the same round (the second after more
answers came in). Each published figure of the rating gaps is a sum over a group of
employees (``mean * n``: the self ratings, the leader ratings, the gaps); the onlooker may add
and subtract any of them, across units, the round's total and the two runs. The test builds
that span exactly (integer Gaussian elimination modulo a large prime) and asserts that it
contains no group of fewer than ``minimum`` people: no sum of a small group's answers can be
worked out.

The groups behind each figure are reconstructed from the published counts and the documented
rule (a unit's first ``n`` employees in the order their pairs were complete; the round's row
adds the pooled small units' first answers), and checked against the published sums, so the
test follows what ``rating_gaps`` really counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework import analytics as an
from musframework.model import anonymity
from musframework.model.round import minimum_group_size, unit_of

PRIME = 2**61 - 1
E, L = mf.Role.EMPLOYEE, mf.Role.LEADER
REF = mf.QuestionnaireRef("scored", "1")
START = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Copenhagen")


# ------------------------------------------------------------------ the onlooker's algebra


class Span:
    """The vectors an onlooker can compute: the span of the published groups' indicators."""

    def __init__(self, people: Sequence[str]) -> None:
        self.index = {p: i for i, p in enumerate(people)}
        self.rows: dict[int, list[int]] = {}  # pivot column -> row (pivot 1)

    def _reduce(self, vector: list[int]) -> list[int]:
        v = list(vector)
        for pivot, row in self.rows.items():
            if v[pivot]:
                f = v[pivot]
                v = [(a - f * b) % PRIME for a, b in zip(v, row, strict=True)]
        return v

    def add(self, group: Iterable[str]) -> None:
        v = [0] * len(self.index)
        for p in group:
            v[self.index[p]] = 1
        v = self._reduce(v)
        pivot = next((i for i, a in enumerate(v) if a), None)
        if pivot is None:
            return
        inv = pow(v[pivot], PRIME - 2, PRIME)
        v = [a * inv % PRIME for a in v]
        for other, row in self.rows.items():
            if row[pivot]:
                f = row[pivot]
                self.rows[other] = [(a - f * b) % PRIME for a, b in zip(row, v, strict=True)]
        self.rows[pivot] = v

    def contains(self, group: Iterable[str]) -> bool:
        v = [0] * len(self.index)
        for p in group:
            v[self.index[p]] = 1
        return not any(self._reduce(v))

    def smallest_recoverable(self, below: int) -> tuple[str, ...] | None:
        """A group of fewer than ``below`` people whose answers' sum is in the span."""
        people = list(self.index)
        for size in range(1, below):
            for group in itertools.combinations(people, size):
                if self.contains(group):
                    return group
        return None


# ------------------------------------------------------------------ drawn rounds


def _response(role: mf.Role, person: str, value: int, at: pendulum.DateTime) -> mf.Response:
    return mf.Response(
        questionnaire=REF,
        role=role,
        person=person,
        answers={"q": mf.ScaleAnswer(value), "why": mf.TextAnswer(f"secret of {person}")},
        submitted_at=at,
    )


@st.composite
def drawn_rounds(draw: st.DrawFn) -> tuple[int, mf.Organisation, list[mf.Conversation], int, int]:
    minimum = draw(st.integers(anonymity.LOWEST_MINIMUM_GROUP_SIZE, 5))
    sizes = draw(st.lists(st.integers(0, 8), min_size=1, max_size=4))
    people = [mf.Person(id="boss", name="Boss")]
    units = [mf.OrgUnit(id="top", name="Top", leader="boss")]
    employees: list[tuple[str, str, str]] = []
    budget = 13  # the onlooker's search is exhaustive: keep the people few
    for i, size in enumerate(sizes):
        size = min(size, budget)
        budget -= size
        members = [f"e{i}.{j}" for j in range(size)]
        people += [mf.Person(id=f"l{i}", name=f"L{i}")]
        people += [mf.Person(id=m, name=m) for m in members]
        units.append(
            mf.OrgUnit(id=f"u{i}", name=f"U{i}", leader=f"l{i}", members=members, parent="top")
        )
        employees += [(m, f"u{i}", f"l{i}") for m in members]
    organisation = mf.Organisation(people=people, units=units)
    order = draw(st.permutations(employees))
    conversations = []
    for k, (person, _unit, leader) in enumerate(order):
        own = draw(st.integers(1, 5))
        theirs = draw(st.integers(1, 5))
        at = START.add(hours=k)
        conversations.append(
            mf.Conversation(
                id=f"c-{person}",
                kind=mf.ConversationKind.MUS,
                cycle="r",
                participants=[mf.Participant(person, E), mf.Participant(leader, L)],
                responses=[_response(E, person, own, at), _response(L, leader, theirs, at)],
            )
        )
    first = draw(st.integers(0, len(conversations)))
    second = draw(st.integers(first, len(conversations)))
    return minimum, organisation, conversations, first, second


def _published_groups(
    gaps: an.RatingGaps,
    conversations: Sequence[mf.Conversation],
    organisation: mf.Organisation,
) -> list[tuple[tuple[str, ...], float]]:
    """Each published row's group of employees (reconstructed) and its published self sum."""
    arrivals: dict[str | None, list[str]] = {}
    self_rating: dict[str, int] = {}
    for c in conversations:  # already in the order the pairs were complete
        employee = c.developed[0]
        unit = unit_of(c, organisation)
        arrivals.setdefault(unit, []).append(employee)
        answer = c.responses[0].answers["q"]
        assert isinstance(answer, mf.ScaleAnswer)
        self_rating[employee] = answer.value
    groups: list[tuple[tuple[str, ...], float]] = []
    counted: list[str] = []
    for row in gaps.units:
        group = tuple(arrivals[row.unit][: row.pairs])
        groups.append((group, row.self_mean * row.pairs))
        counted += group
    small = [u.id for u in organisation.units if len(u.members) < gaps.minimum]
    pooled = [p for c in conversations for p in c.developed if _unit_of(c, organisation) in small]
    for row in gaps.questions:
        group = (*counted, *pooled[: row.pairs - len(counted)])
        groups.append((group, row.self_mean * row.pairs))
    for group, total in groups:
        assert abs(sum(self_rating[p] for p in group) - total) < 1e-6, "reconstruction is off"
        assert len(group) >= gaps.minimum
    return groups


def _unit_of(c: mf.Conversation, organisation: mf.Organisation) -> str | None:
    return unit_of(c, organisation)


@settings(max_examples=150, deadline=None)
@given(drawn_rounds())
def test_no_group_below_the_minimum_is_recoverable_across_units_and_two_runs(drawn):
    minimum, organisation, conversations, first, second = drawn
    people = [c.developed[0] for c in conversations]
    span = Span(people)
    for run in (conversations[:first], conversations[:second]):
        gaps = an.rating_gaps(run, organisation=organisation, minimum=minimum)
        for group, _ in _published_groups(gaps, run, organisation):
            span.add(group)
        # Every unit that has answers is either shown or marked, never silently left out.
        shown = {row.unit for row in gaps.units}
        marked = {c.unit for c in gaps.suppressed if c.unit is not None}
        answered = {_unit_of(c, organisation) for c in run}
        assert shown | marked == answered and not shown & marked
        # Free text never reaches a figure.
        assert "secret" not in repr(gaps.to_records()) + gaps.to_html()
    assert span.smallest_recoverable(minimum) is None


def test_the_onlooker_finds_what_a_threshold_alone_leaks():
    # A control for the test above: publish every unit of at least five and the total of all,
    # and the total minus the units gives the two people of the small unit.
    people = [f"a{i}" for i in range(5)] + ["b0", "b1"]
    span = Span(people)
    span.add(people[:5])  # unit a: five, shown
    span.add(people)  # the total of everyone
    assert span.smallest_recoverable(5) == ("b0", "b1")
    # And two runs: unit a with five, then six people, gives the sixth person.
    span = Span([*people, "a5"])
    span.add(people[:5])
    span.add([*people[:5], "a5"])
    assert span.smallest_recoverable(5) == ("a5",)


def test_a_unit_shows_its_answers_in_steps_and_the_total_adds_the_pooled_small_units():
    released = anonymity.release(
        [("a", f"a{i}") for i in range(7)] + [("b", "b0"), ("c", "c0"), ("b", "b1")],
        minimum=3,
        pooled={"b", "c"},
    )
    assert released.groups == {"a": ("a0", "a1", "a2", "a3", "a4", "a5")}
    assert released.pool == ("b0", "c0", "b1")
    assert released.counted("b") == anonymity.Suppressed(3, anonymity.SuppressionReason.POOLED)
    assert released.counted("z") is None
    assert released.total == ("a0", "a1", "a2", "a3", "a4", "a5", "b0", "c0", "b1")
    assert released.total_suppressed is None
    few = anonymity.release([("a", "x"), ("a", "x"), ("a", "y")], minimum=3)
    assert few.groups == {} and few.counted("a") == anonymity.Suppressed(3)
    assert few.total_suppressed == anonymity.Suppressed(3)
    assert bool(anonymity.Suppressed())  # a marker is something, not nothing
    assert str(anonymity.Suppressed(4)) == "suppressed (fewer than 4 answers)"


def test_the_round_sets_its_minimum_and_never_below_three():
    cycle = mf.Cycle(
        id="r",
        name="R",
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 12, 31)),
        settings=mf.CycleSettings(minimum_group_size=7),
    )
    assert minimum_group_size(cycle) == 7
    assert minimum_group_size(None) == anonymity.MINIMUM_GROUP_SIZE
    with pytest.raises(mf.errors.InvalidValueError) as info:
        mf.CycleSettings(minimum_group_size=2)
    assert "mindst 3" in info.value.text("da")
