"""``from_dict`` rejects what ``loads`` rejects; ``content_digest`` never raises.

Lone surrogates cannot be written as UTF-8 and integers beyond 64 bits cannot be written by
the JSON libraries or kept by the stores: once accepted, ``dumps`` and every store failed on
them with a bare ``TypeError``. Now both loaders refuse them with a ``LoadError`` that names
the path, and only library errors escape.
"""

import json

import pytest

import musframework as mf
from musframework.model.conversation import legacy_content_digest
from musframework.serialization.converter import INT_MAX, INT_MIN

LONE = "Ane \ud800 Jensen"


def _load_error(fn):
    with pytest.raises(mf.errors.LoadError) as info:
        fn()
    assert all(isinstance(f, mf.Finding) for f in info.value.findings)
    return info.value


@pytest.mark.parametrize(
    ("data", "cls", "path"),
    [
        ({"id": "p1", "name": LONE}, mf.Person, "name"),
        ({"id": LONE, "description": "d"}, mf.Agreement, "id"),
        ({"title": {"da": LONE}, "minutes": 5}, mf.AgendaItem, "title"),
        ({"title": {LONE: "x"}, "minutes": 5}, mf.AgendaItem, "title"),
        (
            {
                "questionnaire": {"id": "f", "version": "1"},
                "role": "employee",
                "person": "p",
                "answers": {LONE: {"type": "text", "value": "x"}},
            },
            mf.Response,
            "answers",
        ),
        (
            {
                "questionnaire": {"id": "f", "version": "1"},
                "role": "employee",
                "person": "p",
                "answers": {"q": {"type": "text", "value": LONE}},
            },
            mf.Response,
            "answers.q",
        ),
    ],
)
def test_lone_surrogates_are_refused_by_both_loaders(data, cls, path):
    error = _load_error(lambda: mf.from_dict(data, cls))
    assert any(f.path.startswith(path) for f in error.findings), error.findings
    # The same data as JSON text (the surrogate escaped) is refused by loads as well.
    _load_error(lambda: mf.loads(json.dumps(data), cls))


@pytest.mark.parametrize("value", [INT_MAX + 1, INT_MIN - 1, 10**30, -(10**30)])
def test_integers_beyond_64_bits_are_refused_by_both_loaders(value):
    data = {"title": "Dagsorden", "minutes": value}
    error = _load_error(lambda: mf.from_dict(data, mf.AgendaItem))
    assert [f.path for f in error.findings] == ["minutes"]
    _load_error(lambda: mf.loads(json.dumps(data), mf.AgendaItem))
    answer = {"type": "scale", "value": value}
    _load_error(lambda: mf.from_dict(answer, mf.ScaleAnswer))
    _load_error(lambda: mf.loads(json.dumps(answer), mf.ScaleAnswer))


@pytest.mark.parametrize("value", [INT_MAX, INT_MIN, 2**63, 0])
def test_what_is_accepted_can_be_written_and_stored(value, tmp_path):
    item = mf.from_dict({"title": "Dagsorden", "minutes": value}, mf.AgendaItem)
    assert mf.loads(mf.dumps(item), mf.AgendaItem) == item
    conversation = mf.Conversation(id="c1", kind="MUS", agenda=[item])
    with mf.storage.open(f"sqlite:///{tmp_path}/s.db") as store:
        store.save(conversation)
        assert store.load(mf.Conversation, "c1").document == conversation


def test_content_digest_never_raises():
    plain = mf.Conversation(id="c1", kind="MUS", conclusions=["Ane Jensen"])
    odd = mf.Conversation(id="c1", kind="MUS", conclusions=[LONE])
    other = mf.Conversation(id="c1", kind="MUS", conclusions=["Ane \udfff Jensen"])
    digests = {c.content_digest() for c in (plain, odd, other)}
    assert len(digests) == 3
    assert all(len(d) == 64 for d in digests)
    assert odd.void_signatures == ()  # the properties built on it do not raise either


def test_the_digest_of_valid_text_is_unchanged():
    # Signed plans keep their signatures: for valid text the bytes hashed are the same UTF-8.
    import hashlib

    c = mf.Conversation(id="c1", kind="MUS", conclusions=["Æble, ø og å"], goals=["Mål"])
    payload = {
        "conversation": "c1",
        "conclusions": ["Æble, ø og å"],
        "goals": ["Mål"],
        "practice_changes": [],
        "follow_up_date": None,
        "next_conversation_date": None,
        "agreements": [],
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # The old (unkeyed, whole-content) digest stays readable for signatures made with it.
    assert legacy_content_digest(c) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
