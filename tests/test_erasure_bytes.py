"""Erasure that leaves nothing (issue 15, point 3): a byte search of the SQLite files after it."""

from __future__ import annotations

import json
import pathlib

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import signing
from musframework import workflow as wf
from musframework.storage import SQLiteStore

HMAC = signing.HmacSigner({"sys-1": b"s" * 32})
ZQ = mf.Person(id="p-zq-4711", name="Zelda Quixote", email="zelda.quixote@kommune.dk")
VARIANTS = [
    "Zelda Quixote",
    "zelda  quixote",
    "ZELDA\nQUIXOTE",
    "Quixote, Zelda",
    "Zelda Q.",
    "Z. Quixote",
    "Z.Q.",
    "Zel\u00adda Qui\u00adxote",
    "Zeldas",
    "zelda.quixote@kommune.dk",
]


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Copenhagen")


def organisation() -> mf.Organisation:
    return mf.Organisation(
        people=[
            mf.Person(id="dir", name="Dorte Dahl"),
            ZQ,
            mf.Person(id="ane", name="Ane Berg", email="ane@kommune.dk"),
            mf.Person(id="cai", name="Cai Holm"),
        ],
        units=[
            mf.OrgUnit(id="top", name="Direktion", leader="dir"),
            mf.OrgUnit(id="it", name="IT", leader=ZQ.id, members=["ane", "cai"], parent="top"),
        ],
    )


def walked(c: mf.Conversation, i: int) -> mf.Conversation:
    """``c`` concluded with texts that name Zelda in every way, noted and signed."""
    text = VARIANTS[i % len(VARIANTS)]
    other = VARIANTS[(i + 3) % len(VARIANTS)]
    c = attrs.evolve(
        c,
        status="concluded",
        place=f"Kontoret hos {text}",
        conclusions=[f"Samtale med {text} om året", "Et godt år"],
        goals=[f"Aflaste {other}"],
        notes=[mf.Note(author="dir", text=f"{text} var forberedt", private=False)],
        agreements=[
            mf.Agreement(id="a1", description=f"Mentor: {other}", owner=c.employee),
            mf.Agreement(id="a2", description="Kursus", owner=c.leader),
        ],
        invitation=mf.Invitation(sent_at=at(2026, 2, 1, 9), sent_by=c.leader or "", message=text),
    )
    for j, person in enumerate(c.required_signers):
        c = wf.sign(c, person=person, clock=mf.FixedClock(at(2026, 3, 5, 9 + j)), signer=HMAC)
    return c


def needles() -> list[bytes]:
    found = set()
    for text in [ZQ.id, ZQ.name, ZQ.email or "", *VARIANTS, "zelda", "quixote", "z.q."]:
        for form in (text, text.lower(), text.upper(), json.dumps(text)[1:-1]):
            found.add(form.encode("utf-8"))
    return sorted(found)


def occurrences(paths: list[pathlib.Path]) -> dict[str, int]:
    counts = {}
    for path in paths:
        data = path.read_bytes().lower() if path.exists() else b""
        for needle in needles():
            n = data.count(needle.lower())
            if n:
                counts[f"{path.name}: {needle!r}"] = n
    return counts


@pytest.fixture
def round_file(tmp_path):
    """A round on a real SQLite file with Zelda as leader (and as employee in her LUS)."""
    path = tmp_path / "mus.db"
    cycle = mf.Cycle(
        id="mus-2026",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 2, 2), pendulum.date(2026, 3, 27)),
    )
    with SQLiteStore(path, clock=mf.FixedClock(at(2026, 3, 6, 9))) as store:
        org = organisation()
        for person in org.people:
            store.save(person, actor="hr")
        for unit in org.units:
            store.save(unit, actor=ZQ.id)
        store.save(cycle, actor="hr")
        plan = wf.plan_round(org, cycle)
        for i, c in enumerate(plan.conversations):
            rev = store.save(c, actor=ZQ.id)
            store.save(walked(c, i), revision=rev, actor=ZQ.id if i % 2 else "dir")
    return path


def test_after_erasure_and_compact_no_byte_of_her_is_left(round_file):
    path = round_file
    files = [path, path.with_name("mus.db-wal"), path.with_name("mus.db-shm")]
    with SQLiteStore(path, clock=mf.FixedClock(at(2026, 12, 7, 9))) as store:
        before = [s.document for s in store.conversations()]
        assert {c.id for c in before if ZQ.id in c.id} == set()  # planned ids hold no id
        assert occurrences(files)  # she is there before
        plans_before = sum(len(c.developed) for c in before if c.status.value == "signed")
        pseudonym = store.erase_person(ZQ.id, actor="dpo", signer=HMAC)
        store.compact()
        assert occurrences(files) == {}  # while the store is open: db, WAL and SHM
        after = [s.document for s in store.conversations()]
        assert len(after) == len(before) == 3  # two MUS and her LUS
        plans = [
            mf.DevelopmentPlan.from_conversation(c, p)
            for c in after
            if c.status.value == "signed"
            for p in c.developed
        ]
        assert len(plans) == plans_before == 3  # plans stay countable, and signed
        assert all(signing.verify(p, HMAC).is_valid for p in plans)
        assert store.verify(signer=HMAC).ok
        assert {e.actor for e in store.audit_log()} >= {pseudonym, "dpo"}
        lus = next(c for c in after if c.kind.value == "LUS")
        assert lus.employee == pseudonym and "[erased]" in lus.conclusions[0]
        mus = next(c for c in after if c.kind.value == "MUS")
        assert mus.conclusions[1] == "Et godt år"  # other people's words stay
    assert occurrences(files) == {}  # and after closing


def test_old_audit_actors_written_as_her_name_are_mapped_to_the_pseudonym(tmp_path):
    path = tmp_path / "old.db"
    with SQLiteStore(path) as store:
        # Written before actors had to be ids (no hash: from before the chain, too).
        store.connection.execute(
            "INSERT INTO audit_log (kind, id, revision, actor, action, at) "
            "VALUES ('unit', 'it', 1, 'Zelda Quixote', 'create', '2025-01-01T00:00:00+00:00'),"
            " ('unit', 'it', 2, 'zelda.quixote@kommune.dk', 'update', '2025-01-02T00:00:00+00:00')"
        )
        store.save(ZQ, actor="hr")
        store.save(mf.Person(id="zelda", name="Zelda Other"), actor="hr")  # another Zelda
        pseudonym = store.erase_person(ZQ.id, actor="dpo")
        store.compact()
        actors = [e.actor for e in store.audit_log()]
        assert actors[:2] == [pseudonym, pseudonym]
        assert store.verify().ok  # the two old entries count as unchained, not as findings
        assert store.verify().unchained == 2
    data = path.read_bytes().lower()
    assert b"quixote" not in data and b"zelda other" in data
