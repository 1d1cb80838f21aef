"""musframework.progress: callbacks, tqdm bars, silence, and analyse_round reporting through it."""

import sys

import pytest

from musframework import analytics as an
from musframework.errors import MissingExtraError
from musframework.progress import MAX_UPDATES, ProgressReporter, track
from musframework.testing.sample import sample_round


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, done, total, label):
        self.calls.append((done, total, label))


def test_track_reports_start_every_item_and_end():
    rec = Recorder()
    assert list(track("abc", rec, label="letters")) == ["a", "b", "c"]
    assert rec.calls == [(0, 3, "letters"), (1, 3, "letters"), (2, 3, "letters"), (3, 3, "letters")]


def test_updates_are_throttled_but_monotonic_and_complete():
    rec = Recorder()
    n = 100_000
    assert sum(track(range(n), rec)) == n * (n - 1) // 2
    assert len(rec.calls) <= MAX_UPDATES + 3
    dones = [d for d, _, _ in rec.calls]
    assert dones == sorted(dones)
    assert rec.calls[0][0] == 0
    assert rec.calls[-1] == (n, n, "")


def test_silent_when_off():
    assert list(track([1, 2], None)) == [1, 2]
    assert list(track([1, 2], False)) == [1, 2]
    with ProgressReporter.create(None, 10) as reporter:
        reporter.advance(5)
    assert reporter.done == 10


def test_unknown_length_and_bad_argument():
    rec = Recorder()
    assert list(track(iter([1, 2]), rec)) == [1, 2]
    assert rec.calls[0] == (0, 0, "")
    assert rec.calls[-1][0] == 2
    with pytest.raises(TypeError, match="progress must be"):
        list(track([1], "yes"))  # type: ignore[arg-type]


def test_parts_scale_sub_operations_into_the_whole():
    rec = Recorder()
    with ProgressReporter.create(rec, total=30, label="all") as reporter:
        list(track(range(10), reporter.part(20, "first")))
        list(track(range(5), reporter.part(10, "second")))
    labels = [label for _, _, label in rec.calls]
    assert labels[0] == "all"
    assert "first" in labels and labels[-1] == "second"
    assert (10, 30, "first") in rec.calls  # half of the first part
    assert rec.calls[-1] == (30, 30, "second")
    dones = [d for d, _, _ in rec.calls]
    assert dones == sorted(dones)


def test_a_reporter_is_itself_a_callback():
    rec = Recorder()
    with ProgressReporter.create(rec, 4, "outer") as outer:
        list(track(range(4), outer))
    assert rec.calls[-1] == (4, 4, "outer")


def test_true_shows_a_tqdm_bar(capsys):
    import tqdm  # noqa: F401

    assert list(track(range(3), True, label="saving")) == [0, 1, 2]
    err = capsys.readouterr().err
    assert "saving" in err
    assert "3/3" in err


def test_true_without_tqdm_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(MissingExtraError, match=r"musframework\[progress\]"):
        list(track(range(3), True))


def test_analyse_round_reports_progress_to_the_end():
    sample = sample_round(seed=3)
    rec = Recorder()
    an.analyse_round(
        sample.cycle,
        sample.conversations,
        organisation=sample.organisation,
        previous=sample.previous_conversations,
        evaluation=sample.evaluation,
        evaluation_responses=sample.evaluation_responses,
        on=sample.on,
        progress=rec,
    )
    total = rec.calls[0][1]
    n, p, e = (
        len(sample.conversations),
        len(sample.previous_conversations),
        len(sample.evaluation_responses),
    )
    assert total == 8 * n + (n + p) + e
    assert rec.calls[-1] == (total, total, "carry-over")
    dones = [d for d, _, _ in rec.calls]
    assert dones == sorted(dones)
    stages = list(dict.fromkeys(label for _, _, label in rec.calls))
    assert stages == [
        "analytics",
        "progress",
        "coverage",
        "invitations",
        "agreements",
        "due agreements",
        "deadlines",
        "rating gaps",
        "evaluation",
        "carry-over",
    ]


def test_gc_paused_restores_the_collector_state():
    import gc

    from musframework.progress import gc_paused

    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("batch failed")
    assert gc.isenabled()
