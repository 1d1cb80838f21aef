"""Fuzz the stores with corrupted rows and bodies: SQLite and PostgreSQL.

A store holds one document of every kind (a signed conversation with agreements, a later
conversation that carries one over, a questionnaire, people, a unit, a group, a round, an
organisation version and a leader change) and its audit log. Each input corrupts one to
three cells behind the store's back, through a second connection as another program would:
a JSON body (mutated, damaged text, not JSON at all, invalid UTF-8 in SQLite, any JSON value
in PostgreSQL's ``jsonb``) or any other column of any row of any table, found from the
database's own schema (conversations, documents, the people and agreements side tables, the
audit log): wrong types where SQLite allows them, out-of-range numbers, NULL, unknown
statuses and kinds, junk dates, ids of other rows, unicode edge cases. Then every read of the
store runs (``load``/``get``, ``documents`` of each kind, ``conversations`` with filters,
``previous_conversation``, ``agreements``, ``overdue_agreements``, ``questionnaire_versions``,
``organisation``, ``leader_changes``, ``audit_log``, ``export_person``). Each
either answers or raises an error of the library's hierarchy (``MusframeworkError``);
anything else fails the test. The tables are restored before the next input.

The normal run tries a few dozen inputs per backend. Under the ``fuzz`` hypothesis profile
(``nox -s fuzz``) the SQLite test runs 21,000 examples and the PostgreSQL test 5,000, of 5
inputs each (``MUSFRAMEWORK_FUZZ_STORAGE_EXAMPLES`` sets both), and writes the figures to
``$MUSFRAMEWORK_FUZZ_REPORT/storage-<backend>.json`` (see docs/reliability.md).
"""

from __future__ import annotations

import collections
import functools
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import MusframeworkError

from .fuzzing import BAD_DATES, FUZZ_SETTINGS, WEIRD_TEXT, broken_text, junk, mutated
from .helpers import small_questionnaire

pytestmark = pytest.mark.fuzz

_FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
INPUTS_PER_EXAMPLE = 5 if _FUZZING else 2
READS_PER_INPUT = 5  # of the reads that look at the corrupted tables, chosen at random
# Examples per test under the fuzz profile: SQLite 21,000 (105,000 inputs); PostgreSQL
# 5,000 (25,000 inputs: every read is a round trip to the server, about 10x slower here).
_EXAMPLES = os.environ.get("MUSFRAMEWORK_FUZZ_STORAGE_EXAMPLES")
SQLITE_BUDGET = settings(FUZZ_SETTINGS, max_examples=int(_EXAMPLES or 21_000) if _FUZZING else 12)
POSTGRES_BUDGET = settings(FUZZ_SETTINGS, max_examples=int(_EXAMPLES or 5_000) if _FUZZING else 12)

CPH = "Europe/Copenhagen"
TABLES = ("conversations", "documents", "conversation_people", "agreements", "audit_log")
FIGURES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=CPH)


# ------------------------------------------------------------------------ the documents


def documents() -> list[Any]:
    """One document of every kind; the conversations with agreements and a carry-over."""
    from .test_workflow_transitions import signed

    first = attrs.evolve(signed(), cycle="r1", unit="it")
    carried = attrs.evolve(first.agreements[0], continues=first.agreements[0].id)
    second = mf.Conversation(
        id="c2",
        kind="MUS",
        cycle="r2",
        unit="it",
        participants=[mf.Participant("emp", "employee"), mf.Participant("boss", "leader")],
        scheduled_start=at(2027, 3, 3, 10),
        previous=first.id,
        agreements=[carried],
    )
    people = [
        mf.Person(id="emp", name="Ane Jensen", email="ane@example.dk"),
        mf.Person(id="boss", name="Bo Boss"),
        mf.Person(id="col", name="Carl"),
    ]
    unit = mf.OrgUnit(id="it", name="IT", leader="boss", members=["emp", "col"])
    group = mf.Group(id="team", name="Team", leader="boss", members=["emp", "col"], unit="it")
    organisation = mf.Organisation(people=people, units=[unit], groups=[group])
    return [
        first,
        second,
        small_questionnaire(),
        *people,
        unit,
        group,
        mf.Cycle(
            id="r1",
            name="Runde 2026",
            period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 6, 30)),
            scope=["it"],
        ),
        mf.OrganisationVersion.of(organisation, at(2026, 1, 1)),
        mf.LeaderChange(person="col", former="boss", new="boss", at=at(2026, 5, 1)),
    ]


KINDS = (
    mf.Conversation,
    mf.Questionnaire,
    mf.Person,
    mf.OrgUnit,
    mf.Group,
    mf.Cycle,
    mf.OrganisationVersion,
    mf.LeaderChange,
)


_CONVERSATION_TABLES = frozenset({"conversations", "conversation_people", "agreements"})


def reads(store: Any) -> dict[str, list[Callable[[], object]]]:
    """Every read of the store, by the table whose rows it reads."""
    q = small_questionnaire()
    conversations: list[Callable[[], object]] = [
        lambda: store.load(mf.Conversation, "c1"),
        lambda: store.get(mf.Conversation, "c2"),
        lambda: store.documents(mf.Conversation),
        lambda: store.conversations(cycle="r1", person="emp"),
        lambda: store.conversations(unit="it", status="signed", kind="MUS"),
        lambda: store.previous_conversation("emp", "MUS", before=at(2027, 1, 1)),
        lambda: store.previous_conversation("emp", "MUS"),
        lambda: store.agreements(),
        lambda: store.agreements(owner="emp", status="open"),
        lambda: store.agreements(include_uncounted=True, due_before=pendulum.date(2027, 1, 1)),
        lambda: store.overdue_agreements(pendulum.date(2030, 1, 1)),
    ]
    others: list[Callable[[], object]] = [
        lambda: store.load(mf.Questionnaire, q.id, q.version),
        lambda: store.get(mf.Person, "emp"),
        lambda: store.questionnaire_versions(q.id),
        lambda: store.organisation(),
        lambda: store.organisation(at=pendulum.date(2026, 6, 1)),
        lambda: store.leader_changes(),
    ]
    others += [lambda cls=cls: store.documents(cls) for cls in KINDS[1:]]
    audit: list[Callable[[], object]] = [
        lambda: store.audit_log(),
        lambda: store.audit_log(kind="conversation", id="c1"),
    ]
    everyone = [lambda: store.export_person("emp")]  # reads every table
    return {
        "conversations": conversations + everyone,
        "documents": others + everyone,
        "audit_log": audit + everyone,
    }


def reads_after(found: dict[str, list[Callable[[], object]]], tables: set[str]) -> list[Any]:
    """The reads that look at ``tables``."""
    groups = {"conversations" if t in _CONVERSATION_TABLES else t for t in tables}
    chosen: list[Any] = []
    for group in sorted(groups):
        chosen += [r for r in found[group] if r not in chosen]
    return chosen


# ---------------------------------------------------------------------------- backends


@attrs.define
class Backend:
    """A store, a second connection to corrupt its tables with, and their first contents."""

    name: str
    store: Any
    raw: Any
    mark: str
    columns: dict[str, list[tuple[str, str]]]  # table -> (column, declared type)
    snapshot: dict[str, list[tuple[Any, ...]]] = attrs.Factory(dict)
    places: list[tuple[str, int, str, str]] = attrs.Factory(list)  # table, row, column, type
    read_all: dict[str, list[Callable[[], object]]] = attrs.Factory(dict)
    place_strategy: st.SearchStrategy[tuple[str, int, str, str]] = attrs.Factory(st.nothing)

    def setup(self) -> None:
        self.store.save_many(documents(), actor="boss")
        self.store.save(attrs.evolve(documents()[3], email="ane@example.org"), revision=1)
        for table in TABLES:
            names = ", ".join(c for c, _ in self.columns[table])
            self.snapshot[table] = [tuple(r) for r in self.execute(f"SELECT {names} FROM {table}")]
            for row in range(len(self.snapshot[table])):
                self.places += [(table, row, c, t) for c, t in self.columns[table]]
        self.keep_copies()
        self.read_all = reads(self.store)
        self.place_strategy = st.sampled_from(self.places)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        cur = self.raw.execute(sql.replace("?", self.mark), params)
        return list(cur.fetchall()) if cur.description else []

    def corrupt(self, table: str, row: int, column: str, value: Any, cast: str = "") -> bool:
        """Set one cell; False when the database itself refuses the value (a constraint)."""
        cells = [
            (c, v)
            for (c, _), v in zip(self.columns[table], self.snapshot[table][row], strict=True)
            if c != "body"  # the other cells tell the rows apart
        ]
        where = " AND ".join(f"{c} IS NULL" if v is None else f"{c} = ?" for c, v in cells)
        params = tuple(v for _, v in cells if v is not None)
        sql = f"UPDATE {table} SET {column} = {cast or '?'} WHERE {where}"
        try:
            with self.transaction():
                self.execute(sql, (value, *params))
        except self.refusals():
            FIGURES[self.name]["refused by the database"] += 1
            return False
        return True

    def refusals(self) -> tuple[type[BaseException], ...]:
        if self.name == "sqlite":
            import sqlite3

            return (sqlite3.IntegrityError, sqlite3.DataError, OverflowError)
        import psycopg

        return (psycopg.errors.DataError, psycopg.errors.IntegrityError)

    def restore(self, tables: set[str]) -> None:
        """Put the tables back as they were, in one round trip (a copy of each is kept)."""
        script = "".join(
            f"DELETE FROM {t}; INSERT INTO {t} SELECT * FROM fuzz_copy_{t}; "
            for t in sorted(tables)
        )
        if self.name == "sqlite":
            self.raw.executescript(f"BEGIN; {script} COMMIT;")
        else:
            self.raw.execute(f"BEGIN; {script} COMMIT;")

    def keep_copies(self) -> None:
        for table in TABLES:
            self.execute(f"CREATE TABLE fuzz_copy_{table} AS SELECT * FROM {table}")
        if self.name == "sqlite":
            self.raw.commit()

    def transaction(self) -> Any:
        if self.name == "sqlite":
            return self.raw  # sqlite3's connection as a context manager: one transaction
        return self.raw.transaction()

    def close(self) -> None:
        self.raw.close()
        self.store.close()


def _sqlite_backend() -> Backend:
    import sqlite3

    path = Path(tempfile.mkdtemp(prefix="mf-fuzz-storage-")) / "mus.db"
    store = mf.storage.SQLiteStore(path)
    raw = sqlite3.connect(path, isolation_level="DEFERRED")
    raw.execute("PRAGMA synchronous = OFF")  # the test's own writes need not reach the disk
    columns = {
        table: [(r[1], r[2]) for r in raw.execute(f"PRAGMA table_info({table})")]
        for table in TABLES
    }
    backend = Backend("sqlite", store, raw, "?", columns)
    backend.setup()
    return backend


def _postgres_backend(dsn: str) -> Backend:
    import psycopg

    from musframework.storage.postgres import PostgresStore

    schema = f"fuzz_{uuid.uuid4().hex[:10]}"
    store = PostgresStore(dsn, schema=schema)
    raw = psycopg.connect(dsn, autocommit=True)
    raw.execute(f"SET search_path TO {schema}")
    raw.execute("SET synchronous_commit = off")  # the test's own writes need not wait
    columns = {
        table: [
            (name, kind)
            for name, kind in raw.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (schema, table),
            ).fetchall()
        ]
        for table in TABLES
    }
    backend = Backend("postgresql", store, raw, "%s", columns)
    backend.setup()
    return backend


_BACKENDS: dict[str, Backend] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_and_report() -> Iterator[None]:
    """Close the shared stores after the module; write the figures under nox -s fuzz."""
    yield
    for backend in _BACKENDS.values():
        backend.close()
    _BACKENDS.clear()
    folder = os.environ.get("MUSFRAMEWORK_FUZZ_REPORT")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name, counts in FIGURES.items():
            with open(os.path.join(folder, f"storage-{name}.json"), "w", encoding="utf-8") as fh:
                json.dump(dict(sorted(counts.items())), fh, indent=1)


def backend(name: str, dsn: str | None = None) -> Backend:
    if name not in _BACKENDS:
        _BACKENDS[name] = _sqlite_backend() if dsn is None else _postgres_backend(dsn)
    return _BACKENDS[name]


# ------------------------------------------------------------------------------- values

IDS = ["c1", "c2", "emp", "boss", "col", "it", "team", "r1", "mus-standard", ""]
ENUMS = ["signed", "planned", "cancelled", "MUS", "GRUS", "employee", "leader", "open", "done"]
WORDS = st.one_of(
    st.sampled_from(IDS + ENUMS + WEIRD_TEXT + BAD_DATES),
    st.text(max_size=20),
    st.sampled_from(["2026-03-03T10:00:00+01:00[Europe/Copenhagen]", "2026-03-03", "PT1H"]),
    st.integers(1000, 100_000).map(lambda n: "x" * n),
)


def _text(value: str, postgres: bool) -> str:
    return value.replace("\x00", "") if postgres else value


@functools.cache
def cell_values(kind: str, postgres: bool) -> st.SearchStrategy[Any]:
    """Values for a column of declared type ``kind`` (built once: building costs more)."""
    kind = kind.lower()
    ints64 = st.one_of(
        st.integers(-3, 1_000),
        st.sampled_from([2**31 - 1, -(2**31), 2**63 - 1, -(2**63)]),
    )
    if not postgres:  # SQLite keeps any value in any column
        texts = WORDS.filter(lambda t: "\ud800" not in t)  # sqlite3 cannot bind lone surrogates
        blobs = st.one_of(st.binary(max_size=20), st.sampled_from([b"\xff\xfe", b'{"id": "\xff"}']))
        return st.one_of(st.none(), ints64, st.floats(), texts, blobs)
    if kind == "integer":
        return st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1))
    if kind == "bigint":
        return st.one_of(st.none(), ints64)
    return st.one_of(st.none(), WORDS.map(lambda t: _text(t, True)).filter(_utf8))


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_text(value: Any) -> str | None:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError, TypeError):
        return None


_HOW = st.sampled_from(["mutate", "mutate", "junk", "text", "bytes"])
_BAD_BYTES = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])


@functools.cache
def body_values(text: str, postgres: bool) -> st.SearchStrategy[tuple[Any, str]]:
    """Corrupted versions of a JSON body, with the SQL that writes each (built once)."""
    parsed = json.loads(text)
    mutants, damaged = mutated(parsed), broken_text(text)
    places = st.integers(0, len(text))

    @st.composite
    def values(draw: st.DrawFn) -> tuple[Any, str]:
        how = draw(_HOW)
        if how == "mutate":
            value = _json_text(draw(mutants))
        elif how == "text" and not postgres:
            value = draw(damaged)
        elif how == "bytes" and not postgres:  # what another tool could leave: invalid UTF-8
            cut = draw(places)
            raw = text[:cut].encode() + draw(_BAD_BYTES) + text[cut:].encode()
            return raw, "CAST(? AS TEXT)"
        else:
            value = _json_text(draw(junk))
        if value is None or not _utf8(value):
            value = "null"
        if postgres:  # jsonb holds no NUL character
            return value.replace("\\u0000", ""), "CAST(? AS jsonb)"
        return value, ""

    return values()


# --------------------------------------------------------------------------------- tests


_CORRUPTIONS = st.integers(1, 3)
_PICKS = st.lists(st.integers(0, 2**16), min_size=READS_PER_INPUT, max_size=READS_PER_INPUT)


def _fuzz(b: Backend, data: st.DataObject) -> None:
    postgres = b.name == "postgresql"
    for _ in range(INPUTS_PER_EXAMPLE):
        # Every draw comes first, so what is drawn never depends on the database's answers.
        corruptions = []
        for _ in range(data.draw(_CORRUPTIONS)):
            table, row, column, kind = data.draw(b.place_strategy)
            if column == "body":
                original = b.snapshot[table][row][[c for c, _ in b.columns[table]].index("body")]
                text = original if isinstance(original, str) else json.dumps(original)
                value, cast = data.draw(body_values(text, postgres))
            else:
                value, cast = data.draw(cell_values(kind, postgres)), ""
            corruptions.append((table, row, column, value, cast))
        picks = data.draw(_PICKS)
        touched = {table for table, *_ in corruptions}
        try:
            changed = 0
            for table, row, column, value, cast in corruptions:
                changed += b.corrupt(table, row, column, value, cast)
                FIGURES[b.name][f"corrupted {table}.{column}"] += 1
            if not changed:
                continue
            FIGURES[b.name]["inputs"] += 1
            candidates = reads_after(b.read_all, touched)
            for pick in dict.fromkeys(p % len(candidates) for p in picks):
                try:
                    candidates[pick]()
                except MusframeworkError:
                    FIGURES[b.name]["library errors"] += 1
                else:
                    FIGURES[b.name]["answered"] += 1
        finally:
            b.restore(touched)


@SQLITE_BUDGET
@given(data=st.data())
def test_corrupted_rows_and_bodies_in_sqlite(data):
    _fuzz(backend("sqlite"), data)


@pytest.mark.postgres
@POSTGRES_BUDGET
@given(data=st.data())
def test_corrupted_rows_and_bodies_in_postgresql(postgres_dsn, data):
    _fuzz(backend("postgresql", postgres_dsn), data)


@pytest.mark.parametrize("name", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_stores_read_their_tables_back_unchanged(request, name):
    """The fuzzing starts from a store that reads as written, and restores it in full."""
    dsn = request.getfixturevalue("postgres_dsn") if name == "postgresql" else None
    b = backend(name, dsn)
    b.restore(set(TABLES))
    for read in reads_after(b.read_all, set(TABLES)):
        read()  # nothing raises on the intact store
    stored = {d.id: d for d in documents()}
    assert b.store.load(mf.Conversation, "c1").document == stored["c1"]
    assert len(b.store.audit_log()) == len(documents()) + 1
    assert len(b.places) > 100
