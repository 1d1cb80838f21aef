"""Bulk loading: loads_many / from_dicts give what loads gives, and the GC comes back on."""

import gc

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
from musframework.serialization import gc_paused
from musframework.testing import strategies as mst


@given(st.lists(mst.conversations(), max_size=4))
def test_loads_many_equals_loads_one_by_one(conversations):
    texts = [mf.dumps(c) for c in conversations]
    loaded = mf.loads_many(texts, mf.Conversation)
    assert loaded == [mf.loads(t, mf.Conversation) for t in texts]
    assert [mf.dumps(c) for c in loaded] == texts  # zone names survive too
    assert mf.from_dicts([mf.to_dict(c) for c in conversations], mf.Conversation) == loaded


def test_a_bad_document_raises_load_error_with_its_path_and_the_gc_is_back_on():
    good = mf.dumps(mf.Conversation(id="c1", kind="MUS"))
    bad = '{"schema_version":1,"id":"c2","kind":"MUS","agreements":[{"id":"a","description":1}]}'
    with pytest.raises(mf.errors.LoadError) as caught:
        mf.loads_many([good, bad], mf.Conversation)
    assert any(f.path == "agreements[0].description" for f in caught.value.findings)
    assert gc.isenabled()


def test_gc_paused_restores_the_previous_state():
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_named_zones_and_daylight_saving_folds_survive_parsing():
    cph = pendulum.timezone("Europe/Copenhagen")
    for fold in (0, 1):  # 02:30 happens twice on 25 October 2026
        moment = pendulum.DateTime(2026, 10, 25, 2, 30, tzinfo=cph, fold=fold)
        note = mf.loads(mf.dumps(mf.Note(author="a", text="t", at=moment)), mf.Note)
        assert note.at == moment
        assert note.at.timezone_name == "Europe/Copenhagen"
        assert note.at.utcoffset() == moment.utcoffset()


def test_there_is_one_gc_paused():
    from musframework import progress, serialization

    assert serialization.gc_paused is progress.gc_paused
