"""The figures of docs/reliability.md, "Signatures, erasure and tamper evidence".

Run with ``python benchmarks/trust_figures.py [--plans N] [--stores N]`` (defaults 10,000 and
300; ``--quick`` for 300 and 30). On the sample round (60 people, seed 1) with HMAC-SHA256
signatures, it counts:

1. **tampered plans detected of tampered**: each development plan of a signed conversation,
   changed in one signed field chosen at random (a goal, a practice change, a date, the
   conversation id, an activity's text, owner, deadline, kind or method, a withheld digest,
   a signature's person, role, time or digest), through ``to_dict`` → ``from_dict`` or
   ``attrs.evolve``; detected when :func:`musframework.signing.verify` finds no valid plan;
2. **tampered stores detected of tampered**: a copy of the SQLite file with one edit made
   in SQL (a body, an audit entry's field, a deleted or swapped entry, a side-table row);
   detected when ``store.verify()`` reports a finding;
3. **bytes found after erasure**: a leader and an employee erased, ``compact()``, then a byte
   search of the database, WAL and SHM files for their ids, names (any case), name variants
   and e-mail addresses; and how many signatures still verify.

Exits 1 when anything tampered went undetected or any byte was found.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import shutil
import sqlite3
import sys
import tempfile
from typing import Any

import attrs
import pendulum

import musframework as mf
from musframework import signing
from musframework.storage import SQLiteStore
from musframework.testing.sample import sample_round

SIGNER = signing.HmacSigner({"figures-1": b"f" * 32})


def signed_round() -> tuple[Any, list[mf.Conversation]]:
    sample = sample_round(seed=1)
    conversations = [
        signing.migrate_unkeyed(c, SIGNER) if c.signatures else c for c in sample.conversations
    ]
    return sample, conversations


def _mutate_plan(plan: mf.DevelopmentPlan, rng: random.Random) -> mf.DevelopmentPlan:
    day = pendulum.date(2031, 1, rng.randint(1, 28))
    data = mf.to_dict(plan)
    choice = rng.randrange(10)
    if choice == 0:
        return attrs.evolve(plan, goals=(*plan.goals, "Get a 50% raise"))
    if choice == 1:
        return attrs.evolve(plan, practice_changes=("Work from the beach",))
    if choice == 2:
        field = rng.choice(["follow_up_date", "next_conversation_date"])
        data[field] = day.isoformat()
    elif choice == 3:
        data["conversation"] = data["conversation"] + "x"
    elif choice in (4, 5) and data["activities"]:
        activity = rng.choice(data["activities"])
        key = rng.choice(["description", "owner", "deadline", "kind", "learning_method"])
        values = {
            "description": activity["description"] + "!",
            "owner": "someone-else",
            "deadline": day.isoformat(),
            "kind": "goal" if activity.get("kind") != "goal" else "other",
            "learning_method": "course" if activity.get("learning_method") != "course" else None,
        }
        activity[key] = values[key]
    elif choice == 6 and data["activities"]:
        data["activities"].pop(rng.randrange(len(data["activities"])))
    elif choice == 7 and data.get("withheld"):
        part = rng.choice(data["withheld"])
        part["digest"] = f"{rng.getrandbits(256):064x}"
    elif choice == 7:  # nothing withheld: the conclusions, which the plan shows and signs
        data["conclusions"] = [*data.get("conclusions", []), "Forged conclusion"]
    else:
        signature = rng.choice(data["signatures"])
        key = rng.choice(["person", "role", "signed_at", "digest"])
        other = {"person": "mallory", "role": "employee", "digest": "0" * 64}
        if key == "signed_at":
            signature[key] = pendulum.datetime(2031, 1, 1, tz="Europe/Copenhagen").isoformat()
        elif key == "role":
            signature[key] = "leader" if signature["role"] != "leader" else "employee"
        else:
            signature[key] = other[key]
    return mf.from_dict(data, mf.DevelopmentPlan)


def tampered_plans(n: int) -> tuple[int, int, int]:
    """(tampered, detected, untampered that verified) over ``n`` mutations."""
    _, conversations = signed_round()
    plans = [
        mf.DevelopmentPlan.from_conversation(c, p)
        for c in conversations
        if c.status is mf.ConversationStatus.SIGNED
        for p in c.developed
    ]
    clean = sum(1 for p in plans if signing.verify(p, SIGNER).is_valid)
    rng = random.Random(15)
    tampered = detected = 0
    while tampered < n:
        plan = rng.choice(plans)
        changed = _mutate_plan(plan, rng)
        if changed == plan:
            continue
        tampered += 1
        detected += not signing.verify(changed, SIGNER).is_valid
    return tampered, detected, clean


def _saved_round(path: pathlib.Path) -> list[mf.Conversation]:
    sample, conversations = signed_round()
    with SQLiteStore(path, clock=mf.FixedClock(pendulum.datetime(2026, 9, 1, tz="UTC"))) as s:
        for person in sample.organisation.people:
            s.save(person, actor="hr")
        for unit in sample.organisation.units:
            s.save(unit, actor="hr")
        s.save(sample.cycle, actor="hr")
        for c in conversations:
            leader = c.leader or "hr"
            s.save(c, actor=leader)
    return conversations


def _store_edit(conn: sqlite3.Connection, rng: random.Random) -> str:
    seqs = [r[0] for r in conn.execute("SELECT seq FROM audit_log ORDER BY seq")]
    choice = rng.randrange(7)
    if choice == 0:
        cid, body = rng.choice(conn.execute("SELECT id, body FROM conversations").fetchall())
        data = json.loads(body)
        data["place"] = data.get("place", "") + " (moved)"
        conn.execute("UPDATE conversations SET body = ? WHERE id = ?", (json.dumps(data), cid))
        return "body"
    if choice == 1:
        seq = rng.choice(seqs[:-1])
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
        return "deleted entry"
    if choice == 2:
        seq = rng.choice(seqs)
        (action,) = conn.execute("SELECT action FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        column, value = rng.choice(
            [
                ("actor", "mallory"),
                ("revision", 99),
                ("action", "update" if action == "create" else "create"),  # a real change
                ("id", "x"),
            ]
        )
        conn.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (value, seq))
        return "entry field"
    if choice == 3:
        a, b = rng.sample(seqs, 2)
        rows = {
            s: conn.execute(
                "SELECT kind, id, revision FROM audit_log WHERE seq = ?", (s,)
            ).fetchone()
            for s in (a, b)
        }
        if rows[a] == rows[b]:
            conn.execute("UPDATE audit_log SET revision = revision + 1 WHERE seq = ?", (a,))
        for s, other in ((a, b), (b, a)):
            conn.execute(
                "UPDATE audit_log SET kind = ?, id = ?, revision = ? WHERE seq = ?",
                (*rows[other], s),
            )
        return "swapped entries"
    if choice == 4:
        (cid,) = rng.choice(conn.execute("SELECT DISTINCT conversation FROM agreements").fetchall())
        conn.execute(
            "UPDATE agreements SET status = 'done', owner = 'mallory' WHERE conversation = ?",
            (cid,),
        )
        return "side table"
    if choice == 5:
        (cid,) = rng.choice(conn.execute("SELECT id FROM conversations").fetchall())
        conn.execute("UPDATE conversations SET status = 'signed' WHERE id = ?", (cid,))
        conn.execute("UPDATE conversations SET cycle = 'other' WHERE id = ?", (cid,))
        return "indexed column"
    kind, id, body = rng.choice(
        conn.execute("SELECT kind, id, body FROM documents WHERE kind = 'person'").fetchall()
    )
    data = json.loads(body)
    data["name"] = "Mallory"
    conn.execute(
        "UPDATE documents SET body = ? WHERE kind = ? AND id = ?", (json.dumps(data), kind, id)
    )
    return "person body"


def tampered_stores(n: int, directory: pathlib.Path) -> tuple[int, int, dict[str, int]]:
    """(tampered, detected, per kind of edit) over ``n`` edited copies of one SQLite file."""
    original = directory / "round.db"
    _saved_round(original)
    with SQLiteStore(original) as store:
        assert store.verify(signer=SIGNER).ok
    rng = random.Random(15)
    detected = 0
    kinds: dict[str, int] = {}
    for i in range(n):
        copy = directory / f"copy-{i}.db"
        shutil.copy(original, copy)
        conn = sqlite3.connect(copy)
        what = _store_edit(conn, rng)
        conn.commit()
        conn.close()
        kinds[what] = kinds.get(what, 0) + 1
        with SQLiteStore(copy) as store:
            detected += not store.verify(signer=SIGNER).ok
        copy.unlink()
    return n, detected, kinds


def _needles(person: mf.Person) -> list[bytes]:
    first, *_, last = person.name.split()
    texts = {
        person.id,
        person.name,
        person.email or "",
        f"{last}, {first}",
        f"{first} {last[0]}.",
        f"{first[0]}. {last}",
        f"{first}  {last}",
    }
    found = set()
    for text in texts:
        for form in (text, text.lower(), json.dumps(text)[1:-1]):
            found.add(form.lower().encode("utf-8"))
    return sorted(found)


def erasure(directory: pathlib.Path) -> tuple[dict[str, int], int, int, int, int]:
    """(bytes found by file, signatures valid before, after, plans before, after)."""
    path = directory / "erase.db"
    conversations = _saved_round(path)
    sample = sample_round(seed=1)
    leader = sample.organisation.people[1]  # a unit's leader: signed many plans
    employee = next(
        p
        for p in sample.organisation.people[5:]
        if any(c.employee == p.id and c.signatures for c in conversations)
    )
    files = [path, path.with_name("erase.db-wal"), path.with_name("erase.db-shm")]

    def valid(store: SQLiteStore) -> tuple[int, int]:
        signed = [s.document for s in store.conversations(status="signed")]
        checks = [x for c in signed for x in signing.verify(c, SIGNER).checks]
        return sum(x.status is signing.SignatureStatus.VALID for x in checks), len(
            [p for c in signed for p in c.developed]
        )

    with SQLiteStore(path, clock=mf.FixedClock(pendulum.datetime(2026, 12, 7, tz="UTC"))) as s:
        # The erased people's names also appear in other people's texts, in every variant.
        for stored in s.conversations(person=leader.id):
            c = stored.document
            first, *_, last = leader.name.split()
            note = mf.Note(author="hr", text=f"Noted by {last}, {first} and {first} {last[0]}.")
            s.save(attrs.evolve(c, notes=(*c.notes, note)), revision=stored.revision, actor="hr")
        before = valid(s)
        there = search(files, (leader, employee))
        for person in (leader, employee):
            s.erase_person(person.id, actor="dpo", signer=SIGNER)
        s.compact()
        after = valid(s)
        found = search(files, (leader, employee))
        assert s.verify(signer=SIGNER).ok
    found["before erasure, all files"] = sum(there.values())
    return found, before[0], after[0], before[1], after[1]


def search(files: list[pathlib.Path], people: tuple[mf.Person, ...]) -> dict[str, int]:
    """Occurrences of the people's ids, names, variants and addresses, by file."""
    found: dict[str, int] = {}
    for file in files:
        data = file.read_bytes().lower() if file.exists() else b""
        for person in people:
            for needle in _needles(person):
                found[file.name] = found.get(file.name, 0) + data.count(needle)
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when a figure misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    plans, stores = (300, 30) if args.quick else (args.plans, args.stores)
    tampered, detected, clean = tampered_plans(plans)
    print(f"untampered plans that verify:       {clean}")
    print(f"tampered plans detected:            {detected:,} of {tampered:,}")
    with tempfile.TemporaryDirectory() as directory:
        n, found, kinds = tampered_stores(stores, pathlib.Path(directory))
        print(f"tampered SQLite stores detected:    {found:,} of {n:,}  {kinds}")
        bytes_found, ok_before, ok_after, plans_before, plans_after = erasure(
            pathlib.Path(directory)
        )
    before_erasure = bytes_found.pop("before erasure, all files")
    print(f"occurrences before erasure:         {before_erasure}")
    print(f"bytes found after erasure:          {sum(bytes_found.values())}  {bytes_found}")
    print(f"valid signatures before / after:    {ok_before} / {ok_after}")
    print(f"signed plans before / after:        {plans_before} / {plans_after}")
    missed = (
        detected != tampered
        or found != n
        or sum(bytes_found.values())
        or ok_before != ok_after
        or plans_before != plans_after
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
