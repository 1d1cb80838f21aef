"""Backend-specific storage behaviour: SQLite files, URLs and plugins, golden files, PostgreSQL."""

import contextlib
import json
import pathlib
import sqlite3
import threading

import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import ConflictError, MigrationError, StorageError
from musframework.serialization import register_migration, unregister_migration
from musframework.storage import MemoryStore, PostgresStore, SQLiteStore
from musframework.storage import sqlite as sqlite_backend
from tests.helpers import at

GOLDEN = pathlib.Path(__file__).parent / "data" / "storage" / "v1"
KINDS = {
    "conversation": mf.Conversation,
    "cycle": mf.Cycle,
    "group": mf.Group,
    "person": mf.Person,
    "questionnaire": mf.Questionnaire,
    "unit": mf.OrgUnit,
}
NAME = "Ane Kirstine Holm"
EMAIL = "ane.holm@example.dk"


def golden(kind):
    return (GOLDEN / f"{kind}.json").read_text(encoding="utf-8")


# ------------------------------------------------------------------ URLs and registry


def test_open_chooses_the_backend_by_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert isinstance(mf.storage.open("memory://"), MemoryStore)
    with mf.storage.open("sqlite:///relative.db") as store:
        assert isinstance(store, SQLiteStore)
    assert (tmp_path / "relative.db").exists()
    absolute = tmp_path / "sub" / "absolute.db"
    absolute.parent.mkdir()
    with mf.storage.open(f"sqlite:///{absolute}") as store:
        store.save(mf.Person(id="p", name="P"))
    with SQLiteStore(absolute) as store:
        assert store.load(mf.Person, "p").revision == 1
    assert {"memory", "sqlite", "postgresql"} <= set(mf.storage.store_schemes())
    with pytest.raises(StorageError, match="unknown store backend 'nosuch'"):
        mf.storage.open("nosuch://x")
    with pytest.raises(StorageError, match="scheme"):
        mf.storage.open("just-a-path.db")
    with pytest.raises(StorageError, match="sqlite:///"):
        mf.storage.open("sqlite://")


def test_builtins_are_declared_as_entry_points():
    from importlib.metadata import entry_points

    declared = {ep.name: ep.value for ep in entry_points(group="musframework.stores")}
    assert declared["sqlite"] == "musframework.storage.sqlite:open_url"
    assert declared["memory"] == "musframework.storage.memory:open_url"
    assert declared["postgresql"] == "musframework.storage.postgres:open_url"


def test_a_registered_scheme_opens_a_third_party_store():
    opened = []

    def opener(url, **options):
        opened.append((url, options))
        return MemoryStore(**options)

    mf.storage.register_store("mine", opener)
    try:
        clock = mf.FixedClock(at(2026, 1, 1))
        store = mf.storage.open("mine://somewhere", clock=clock)
        assert opened == [("mine://somewhere", {"clock": clock})]
        store.save(mf.Person(id="p", name="P"))
        assert store.audit_log()[0].at == at(2026, 1, 1)
    finally:
        mf.storage.unregister_store("mine")
    assert "mine" not in mf.storage.store_schemes()


def test_the_store_protocol_is_runtime_checkable(tmp_path):
    assert isinstance(MemoryStore(), mf.storage.Store)
    with SQLiteStore(tmp_path / "x.db") as store:
        assert isinstance(store, mf.storage.Store)
    with pytest.raises(StorageError, match="keeps"):
        MemoryStore().save(
            mf.Response(questionnaire=mf.QuestionnaireRef("f", "1"), role="employee", person="p")
        )


# ------------------------------------------------------------------ golden files and migration


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_version_1_golden_files_load_from_every_store(kind, tmp_path):
    document = mf.loads(golden(kind), KINDS[kind])
    for store in (MemoryStore(), SQLiteStore(tmp_path / f"{kind}.db")):
        store.save(document)
        version = getattr(document, "version", None)
        loaded = store.load(KINDS[kind], document.id, version).document
        assert loaded == document
        # the same data (a number question's 0 comes back as 0.0, equal as JSON numbers)
        assert json.loads(mf.dumps(loaded)) == json.loads(golden(kind))
        store.close()


def test_an_old_sqlite_row_is_migrated_through_a_registered_step(tmp_path):
    """A version-1 row, read by a release whose Person is at version 2 (a test-only step)."""
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    # written by "the old release": raw version-1 JSON
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO documents VALUES ('person', 'ane', '', 1, 1, ?)",
            (golden("person"),),
        )

    def split_email(data):  # version 1 -> 2: e-mail addresses are stored lower-case
        return {**data, "email": data["email"].upper()}

    store = SQLiteStore(path)
    with pytest.raises(MigrationError, match="newer"):
        mf.loads(json.dumps({"schema_version": 2, "id": "x", "name": "X"}), mf.Person)
    register_migration("person", 1, split_email)
    old = mf.Person.SCHEMA_VERSION
    try:
        mf.Person.SCHEMA_VERSION = 2
        assert store.load(mf.Person, "ane").document.email == "ANE@EXAMPLE.DK"
        unregister_migration("person", 1)
        with pytest.raises(MigrationError, match="no migration registered from version 1"):
            store.load(mf.Person, "ane")
    finally:
        mf.Person.SCHEMA_VERSION = old
        store.close()
        if "person:1" in register_migration.__globals__["_MIGRATIONS"]:
            unregister_migration("person", 1)


# ------------------------------------------------------------------ SQLite specifics


def test_sqlite_uses_wal_and_creates_the_schema_on_first_use(tmp_path):
    path = tmp_path / "new.db"
    store = SQLiteStore(path)
    assert store.schema_version() == len(sqlite_backend.SCHEMA)
    mode = store.connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    tables = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master")}
    assert {
        "documents",
        "conversations",
        "agreements",
        "conversation_people",
        "audit_log",
    } <= tables
    store.close()
    with pytest.raises(StorageError, match="closed"):
        store.get(mf.Person, "x")


def test_sqlite_schema_is_upgraded_in_place(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite_backend.connect(path)
    assert sqlite_backend.upgrade(conn, target=1) == 1
    conn.execute("INSERT INTO documents VALUES ('person', 'ane', '', 1, 1, ?)", (golden("person"),))
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "agreements_due" not in indexes
    conn.close()
    store = SQLiteStore(path)
    assert store.schema_version() == len(sqlite_backend.SCHEMA)
    indexes = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master")}
    assert {"agreements_due", "agreements_continued"} <= indexes
    assert store.load(mf.Person, "ane").document.name == "Ane Holm"
    store.connection.execute("PRAGMA user_version = 99")
    store.close()
    with pytest.raises(StorageError, match="newer than this musframework"):
        SQLiteStore(path)


def _carried_over_round():
    """A held MUS with an overdue agreement, carried over into this year's planned MUS."""
    people = [mf.Participant("ane", "employee"), mf.Participant("bo", "leader")]
    original = mf.Agreement(
        id="a1", description="Kursus", owner="ane", deadline=pendulum.date(2026, 5, 1)
    )
    last = mf.Conversation(
        id="mus-2025", kind="MUS", participants=people, agreements=[original], status="held"
    )
    copy = attrs.evolve(original, continues="a1")
    this = mf.Conversation(
        id="mus-2026", kind="MUS", participants=people, agreements=[copy], previous="mus-2025"
    )
    return last, this


ON = pendulum.date(2026, 6, 1)


def _overdue(store):
    return [(r.conversation, r.agreement.id) for r in store.overdue_agreements(ON)]


CHAIN_COLUMNS = ("document_hash", "seal", "nonce", "previous", "hash")
_STEP_4_INDEXES = (
    "agreements_unit_due",
    "agreements_cycle_due",
    "conversations_unit_status",
    "conversations_cycle_status",
    "conversations_unit_id",
    "conversations_cycle_id",
)


def _undo_step_5(conn, *, postgres=False):
    """Take a store at the current schema back to step 4 (no unit and cycle per agreement)."""
    for index in (*_STEP_4_INDEXES, *(("conversations_id_ordered",) if postgres else ())):
        conn.execute(f"DROP INDEX {index}")
    for column in ("unit", "cycle"):
        conn.execute(f"ALTER TABLE agreements DROP COLUMN {column}")


def test_sqlite_upgrade_fills_in_what_decides_whether_an_agreement_counts(tmp_path):
    # A file written before step 3: its agreement rows lack status, continues and previous.
    path = tmp_path / "v2.db"
    with SQLiteStore(path) as store:
        for conversation in _carried_over_round():
            store.save(conversation)
        conn = store.connection
        _undo_step_5(conn)
        conn.execute("DROP INDEX agreements_continued")
        for column in ("conversation_status", "continues", "previous"):
            conn.execute(f"ALTER TABLE agreements DROP COLUMN {column}")
        for column in CHAIN_COLUMNS:  # step 4 (the audit log's hash chain) is later too
            conn.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 2")
    with SQLiteStore(path) as store:
        assert store.schema_version() == len(sqlite_backend.SCHEMA)
        assert _overdue(store) == [("mus-2026", "a1")]  # the copy counts, not the original
        _, this = _carried_over_round()
        store.save(attrs.evolve(this, status="cancelled"), revision=1)
        assert _overdue(store) == [("mus-2025", "a1")]  # cancelled: the original again


@pytest.mark.postgres
def test_postgres_upgrade_fills_in_what_decides_whether_an_agreement_counts(postgres_dsn):
    import psycopg

    schema = "upgrade_counted"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    with PostgresStore(postgres_dsn, schema=schema) as store:
        for conversation in _carried_over_round():
            store.save(conversation)
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        _undo_step_5(conn, postgres=True)
        conn.execute("DROP INDEX agreements_continued")
        for column in ("conversation_status", "continues", "previous"):
            conn.execute(f"ALTER TABLE agreements DROP COLUMN {column}")
        for column in CHAIN_COLUMNS:
            conn.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
        conn.execute("UPDATE store_meta SET version = 1")
    with PostgresStore(postgres_dsn, schema=schema) as store:
        assert _overdue(store) == [("mus-2026", "a1")]
        _, this = _carried_over_round()
        store.save(attrs.evolve(this, status="cancelled"), revision=1)
        assert _overdue(store) == [("mus-2025", "a1")]


def _unit_round():
    """Two held MUS in units u1 and u2, each with one overdue agreement."""
    return [
        mf.Conversation(
            id=f"mus-{unit}",
            kind="MUS",
            cycle="r1",
            unit=unit,
            participants=[mf.Participant(f"e-{unit}", "employee")],
            agreements=[
                mf.Agreement(id="a1", description="Kursus", deadline=pendulum.date(2026, 5, 1))
            ],
            status="held",
        )
        for unit in ("u1", "u2")
    ]


def _overdue_by_unit(store):
    return {
        unit: [r.conversation for r in store.overdue_agreements(ON, unit=unit, cycle="r1")]
        for unit in ("u1", "u2")
    }


def test_sqlite_upgrade_fills_in_the_unit_and_cycle_of_each_agreement(tmp_path):
    path = tmp_path / "v4.db"
    with SQLiteStore(path) as store:
        for conversation in _unit_round():
            store.save(conversation)
        _undo_step_5(store.connection)
        store.connection.execute("PRAGMA user_version = 4")
    with SQLiteStore(path) as store:
        assert store.schema_version() == len(sqlite_backend.SCHEMA)
        assert _overdue_by_unit(store) == {"u1": ["mus-u1"], "u2": ["mus-u2"]}
        assert store.count_overdue_agreements(ON, unit="u1") == 1


@pytest.mark.postgres
def test_postgres_upgrade_fills_in_the_unit_and_cycle_of_each_agreement(postgres_dsn):
    import psycopg

    schema = "upgrade_unit"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    with PostgresStore(postgres_dsn, schema=schema) as store:
        for conversation in _unit_round():
            store.save(conversation)
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        _undo_step_5(conn, postgres=True)
        conn.execute("UPDATE store_meta SET version = 4")
    with PostgresStore(postgres_dsn, schema=schema) as store:
        assert _overdue_by_unit(store) == {"u1": ["mus-u1"], "u2": ["mus-u2"]}
        assert store.count_overdue_agreements(ON, unit="u2") == 1


def test_unit_queries_and_counts_use_the_indexes(tmp_path):
    """Overdue in a unit and the counts of a unit are index lookups, not scans."""
    with SQLiteStore(tmp_path / "plan.db") as store:
        conn = store.connection

        def plan(sql):
            return " ".join(str(row) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))

        overdue = plan(
            "SELECT count(*) FROM agreements a WHERE a.unit = 'u1' "
            "AND a.status IN ('open', 'in_progress') AND a.deadline < '2026-01-01'"
        )
        assert "agreements_unit_due" in overdue
        counted = plan(
            "SELECT count(*) FROM conversations WHERE unit = 'u1' AND status IN ('held', 'signed')"
        )
        assert "conversations_unit_status" in counted
        page = plan(
            "SELECT body FROM conversations WHERE cycle = 'r' AND id > 'c' ORDER BY id LIMIT 5"
        )
        assert "conversations_cycle_id" in page
        assert "TEMP B-TREE" not in page  # read in id order from the index, no sort


def test_overdue_query_uses_the_index(tmp_path):
    store = SQLiteStore(tmp_path / "plan.db")
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM agreements WHERE status IN ('open', 'in_progress') "
        "AND deadline < '2026-01-01'"
    ).fetchall()
    assert "agreements_due" in " ".join(str(row) for row in plan)
    store.close()


def test_two_sqlite_connections_cannot_both_win(tmp_path):
    path = tmp_path / "shared.db"
    first, second = SQLiteStore(path), SQLiteStore(path)
    first.save(mf.Person(id="ane", name="Ane"))
    loaded = second.load(mf.Person, "ane")
    first.save(mf.Person(id="ane", name="Ane by first"), revision=loaded.revision)
    with pytest.raises(ConflictError):
        second.save(mf.Person(id="ane", name="Ane by second"), revision=loaded.revision)
    assert second.load(mf.Person, "ane").document.name == "Ane by first"
    first.close()
    second.close()


def _files_bytes(path):
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_after_erasure_and_compaction_the_name_is_nowhere_in_the_files(tmp_path):
    path = tmp_path / "gdpr.db"
    store = SQLiteStore(path)
    person = mf.Person(id="ane", name=NAME, email=EMAIL)
    store.save(person)
    store.save(mf.Person(id="ane", name=NAME, email=EMAIL.upper().lower()), revision=1)
    conversation = mf.Conversation(
        id="mus-1",
        kind="MUS",
        participants=[mf.Participant("ane", "employee"), mf.Participant("bo", "leader")],
        notes=[mf.Note(author="bo", text=f"Write to {EMAIL} about {NAME}")],
        conclusions=[f"{NAME} takes the course"],
        agreements=[
            mf.Agreement(
                id="a1",
                description=f"{NAME}: course",
                owner="ane",
                deadline=pendulum.date(2026, 6, 1),
            )
        ],
    )
    for revision in range(3):  # several revisions leave old copies in free pages and the WAL
        store.save(attrs.evolve(conversation, place=f"room {revision}"), revision=revision)
    store.save(mf.OrgUnit(id="it", name=f"Team {NAME}", members=["ane"]))
    store.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert NAME.encode() in _files_bytes(path)
    store.erase_person("ane", actor="dpo")
    store.compact()
    data = _files_bytes(path)
    assert len(data) > 0
    for secret in (NAME, EMAIL, NAME.split()[-1] + '"'):
        assert secret.encode() not in data, secret
        assert secret.encode("utf-16-le") not in data
    assert store.conversations()[0].document.conclusions == ("[erased] takes the course",)
    assert len(store.documents(mf.Person)) == 1
    store.close()


def test_save_many_saves_in_chunks(tmp_path):
    store = SQLiteStore(tmp_path / "bulk.db")
    people = [mf.Person(id=f"p{i:03}", name=f"P {i}") for i in range(25)]
    assert store.save_many(people, chunk=10) == 25
    assert [s.document for s in store.documents(mf.Person)] == people
    store.close()


def test_the_large_page_cache_is_held_only_while_save_many_runs(tmp_path):
    # A read of a whole round keeps SQLite's small cache (its memory goes to the round);
    # a bulk save gets 64 MiB while it runs, and gives it back after, also when it fails.
    with SQLiteStore(tmp_path / "cache.db") as store:

        def cache():
            return store.connection.execute("PRAGMA cache_size").fetchone()[0]

        seen = []

        def people(n, fail=False):
            for i in range(n):
                seen.append(cache())
                yield mf.Person(id=f"p{i:03}", name=f"P {i}")
            if fail:
                raise ValueError("the import broke")

        assert cache() == sqlite_backend.READ_CACHE == -2000
        assert store.save_many(people(3)) == 3
        assert seen == [sqlite_backend.BULK_CACHE] * 3 and cache() == -2000
        with pytest.raises(ValueError, match="the import broke"):
            store.save_many(people(2, fail=True))
        assert cache() == -2000
        assert len(store.documents(mf.Person)) == 3  # nothing of the failed call is left
        store.connection.execute("PRAGMA cache_size = -4000")  # the application's own size
        store.save_many([mf.Person(id="q", name="Q")])
        assert cache() == -4000


# ------------------------------------------------------------------ PostgreSQL specifics


@pytest.mark.postgres
def test_postgres_is_safe_with_concurrent_writers(postgres_dsn):
    stores = [PostgresStore(postgres_dsn, schema="concurrency") for _ in range(4)]
    stores[0].save(mf.Person(id="ane", name="Ane"))
    results = []
    barrier = threading.Barrier(len(stores))

    def writer(i, store):
        barrier.wait()
        try:
            store.save(mf.Person(id="ane", name=f"writer {i}"), revision=1)
            results.append(("won", i))
        except ConflictError:
            results.append(("conflict", i))

    threads = [threading.Thread(target=writer, args=(i, s)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["conflict"] * 3 + ["won"]
    winner = next(i for outcome, i in results if outcome == "won")
    assert stores[1].load(mf.Person, "ane") == mf.storage.Stored(
        mf.Person(id="ane", name=f"writer {winner}"), 2
    )
    assert [e.revision for e in stores[2].audit_log(kind="person", id="ane")] == [1, 2]
    for store in stores:
        store.close()


@pytest.mark.postgres
def test_postgres_url_and_jsonb(postgres_dsn):
    with mf.storage.open(postgres_dsn, schema="urls") as store:
        assert isinstance(store, PostgresStore)
        store.save(mf.loads(golden("conversation"), mf.Conversation))
        kind = store._conn.execute(
            "SELECT jsonb_typeof(body), body->>'place' FROM conversations"
        ).fetchone()
        assert kind == ("object", "Mødelokale 2")
    with pytest.raises(StorageError, match="cannot connect"):
        PostgresStore("postgresql://nobody@127.0.0.1:1/none")


def test_an_incomplete_backend_fails_when_it_is_created_not_at_its_first_call():
    from musframework.storage import BaseStore

    class HalfStore(BaseStore):
        def _fetch(self, kind, id, version):
            return None

        def _fetch_all(self, kind):
            return []

    with pytest.raises(TypeError, match=r"_audit.*_commit|_commit.*_audit"):
        HalfStore()
