"""Whole-round work read in passes from a store: the same answers, never the round held whole.

``validate`` and ``analyse_round`` given a store's ``conversation_source()`` must report exactly
what they report for the same conversations as a list, and must not keep more than a few
conversations alive at a time (checked with weak references: a source that yields fresh
copies counts how many of them are still alive at each step).
"""

import gc
import pathlib
import shutil
import tempfile
import weakref

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import musframework as mf
from musframework.model.source import (
    ConversationSource,
    DerivedSource,
    SequenceSource,
    in_passes,
)
from musframework.rendering.base import Names
from musframework.rendering.documents import round_figures
from musframework.storage import SQLiteStore
from musframework.testing import strategies as mst
from musframework.testing.sample import sample_round

# A rule's context keeps the last object the rule ran on until the next one (one context per
# rule and run), so a few conversations outlive their step: a bound by the number of rules,
# not by the size of the round (the sample round has about 150 conversations).
MOST_ALIVE = 16


class CountingSource:
    """A source yielding a fresh copy of each conversation; counts the copies still alive."""

    def __init__(self, conversations):
        self.conversations = tuple(conversations)
        self.alive: list[weakref.ref] = []
        self.most_alive = 0
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        for c in self.conversations:
            copy = attrs.evolve(c)
            self.alive = [r for r in self.alive if r() is not None]
            self.alive.append(weakref.ref(copy))
            self.most_alive = max(self.most_alive, len(self.alive))
            yield copy
            del copy

    def __len__(self):
        return len(self.conversations)

    def get(self, id):
        for c in self.conversations:
            if c.id == id:
                return attrs.evolve(c)
        return None


@pytest.fixture(scope="module")
def sample():
    return sample_round(people=120, units=8)


def _texts(report):
    return [(f.severity, f.code, f.path, f.text("en")) for f in report]


def test_a_source_is_read_in_passes_and_anything_else_once():
    c = mf.Conversation(id="c1", kind=mf.ConversationKind.MUS)
    assert in_passes([c]) == [c]
    source = SequenceSource((c,))
    assert in_passes(source) is source
    assert isinstance(source, ConversationSource)
    assert in_passes(x for x in [c]) == (c,)
    derived = DerivedSource([c], change=lambda x: None)
    assert list(derived) == [] and len(derived) == 0 and derived.get("c1") is None


def test_validate_and_analyse_never_hold_the_round(sample):
    gc.collect()
    source = CountingSource(sample.conversations)
    org, cycle = sample.organisation, sample.cycle
    streamed = mf.validate(cycle, conversations=source, organisation=org)
    assert source.most_alive <= MOST_ALIVE, source.most_alive
    whole = mf.validate(cycle, conversations=list(sample.conversations), organisation=org)
    assert _texts(streamed) == _texts(whole)
    assert len(whole) > 0  # the sample round has findings to compare

    source = CountingSource(sample.conversations)
    figures = mf.analyse_round(cycle, source, organisation=org, on=sample.on)
    assert source.most_alive <= MOST_ALIVE, source.most_alive
    assert source.passes >= 6  # one pass per figure, none of them a copy of the round
    expected = mf.analyse_round(cycle, list(sample.conversations), organisation=org, on=sample.on)
    assert figures == expected


def test_a_viewer_sees_the_same_redacted_figures_in_passes(sample):
    policy = mf.DefaultPolicy(organisation=sample.organisation)
    leader = sample.organisation.units[1].leader
    viewer = mf.Viewer(person=leader)
    kw = {"organisation": sample.organisation, "on": sample.on, "viewer": viewer}
    source = CountingSource(sample.conversations)
    streamed = mf.analyse_round(sample.cycle, source, policy=policy, **kw)
    assert source.most_alive <= MOST_ALIVE
    whole = mf.analyse_round(sample.cycle, list(sample.conversations), policy=policy, **kw)
    assert streamed == whole


def test_grus_after_mus_is_found_in_passes():
    """The GRUS rule indexes the round's MUS once, and finds what it found before."""
    drawn = sample_round(people=60, units=5)
    grus = next(c for c in drawn.conversations if c.kind is mf.ConversationKind.GRUS)
    mus = next(
        c
        for c in drawn.conversations
        if c.kind is mf.ConversationKind.MUS and c.employee in grus.developed
    )
    early = attrs.evolve(mus, scheduled_start=grus.scheduled_start.subtract(days=1))
    conversations = [early if c.id == mus.id else c for c in drawn.conversations]
    source = CountingSource(conversations)
    streamed = mf.validate(drawn.cycle, conversations=source, organisation=drawn.organisation)
    whole = mf.validate(drawn.cycle, conversations=conversations, organisation=drawn.organisation)
    assert _texts(streamed) == _texts(whole)
    assert any(f.code == "grus.after-mus" for f in streamed)


@pytest.fixture
def store_dir():
    directory = pathlib.Path(tempfile.mkdtemp(prefix="mf-streamed-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_a_store_source_filters_counts_and_looks_up(store_dir, sample):
    with SQLiteStore(store_dir / "round.db") as store:
        store.save(sample.cycle)
        store.save_many(sample.conversations)
        store.save_many(sample.previous_conversations)
        source = store.conversation_source(cycle=sample.cycle.id, batch=7)
        ids = sorted(c.id for c in sample.conversations)
        assert [c.id for c in source] == ids  # a pass, page by page
        assert [c.id for c in source] == ids  # and again
        assert len(source) == len(ids)
        assert source.get(ids[0]) == next(c for c in sample.conversations if c.id == ids[0])
        old = sample.previous_conversations[0]
        assert store.get(mf.Conversation, old.id) is not None
        assert source.get(old.id) is None  # stored, but not of this round
        assert source.get("no-such-id") is None
        with pytest.raises(mf.errors.StorageError):
            store.conversation_source(batch=0)


_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(drawn=mst.rounds())
def test_a_round_read_from_sqlite_in_passes_reports_what_the_list_reports(drawn):
    directory = pathlib.Path(tempfile.mkdtemp(prefix="mf-streamed-"))
    try:
        with SQLiteStore(directory / "round.db") as store:
            store.save_many(drawn.everything)
            listed = sorted(drawn.everything, key=lambda c: c.id)
            source = store.conversation_source(batch=3)
            org, cycle = drawn.organisation, drawn.cycle
            assert _texts(mf.validate(cycle, conversations=source, organisation=org)) == _texts(
                mf.validate(cycle, conversations=listed, organisation=org)
            )
            for c in drawn.conversations[:3]:  # a conversation checked against the others
                assert _texts(mf.validate(c, cycle=cycle, conversations=source)) == _texts(
                    mf.validate(c, cycle=cycle, conversations=listed)
                )
            kw = {"organisation": org, "on": drawn.on}
            assert mf.analyse_round(cycle, source, **kw) == mf.analyse_round(cycle, listed, **kw)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_the_round_report_and_calendar_read_the_round_in_passes(sample):
    org, cycle = sample.organisation, sample.cycle
    kw = {"people": org, "on": sample.on, "clock": sample.clock}
    # The report lists the agreements overdue or due soon with their conversations: those
    # conversations are held until it is written, and no others.
    figures = round_figures(cycle, sample.conversations, Names(org), on=sample.on)
    listed = len({c.id for c, _ in (*figures.overdue, *figures.upcoming)})
    assert listed < len(sample.conversations) / 2
    for format in ("html", "markdown", "ics"):
        source = CountingSource(sample.conversations)
        streamed = mf.render(cycle, format, "en", conversations=source, **kw)
        assert source.most_alive <= MOST_ALIVE + listed, (format, source.most_alive)
        assert streamed == mf.render(
            cycle, format, "en", conversations=list(sample.conversations), **kw
        )
    policy = mf.DefaultPolicy(organisation=org)
    viewer = mf.Viewer(person=org.units[1].leader)
    source = CountingSource(sample.conversations)
    seen = mf.render(cycle, "html", conversations=source, viewer=viewer, policy=policy, **kw)
    assert seen == mf.render(
        cycle, "html", conversations=sample.conversations, viewer=viewer, policy=policy, **kw
    )
    assert source.most_alive <= MOST_ALIVE + listed
