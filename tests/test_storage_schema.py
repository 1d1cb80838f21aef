"""One SQL schema for both SQL backends, and stores made with older schemas still open."""

from __future__ import annotations

import re
import uuid

import pytest

import musframework as mf
from musframework.storage import postgres as pg_backend
from musframework.storage import sqlite as sqlite_backend
from musframework.storage._sql import COLUMNS, schema_steps
from tests.helpers import mus


def _tables(columns_of):
    """``{table: columns written by a batch}`` as the database reports them."""
    return {table: tuple(c for c in columns_of(table) if c != "seq") for table in COLUMNS}


SQLITE_FIELD = "json_extract({body}, '$.{key}')"
POSTGRES_FIELD = "{body}->>'{key}'"


def test_both_backends_create_the_same_tables_and_indexes_from_one_schema():
    sqlite_steps = schema_steps(json="TEXT", serial="INTEGER", field=SQLITE_FIELD)
    postgres_steps = schema_steps(
        json="JSONB", serial="BIGSERIAL", field=POSTGRES_FIELD, collate=' COLLATE "C"'
    )
    assert sqlite_steps == sqlite_backend.SCHEMA
    assert postgres_steps == pg_backend.SCHEMA
    # Only the dialect differs: body type, sequence type, reading a field of a JSON body, and
    # byte order for ids (SQLite's default; PostgreSQL's own index on the id in that order).
    id_index = 'CREATE INDEX conversations_id_ordered ON conversations (id COLLATE "C")'
    assert sum(id_index in s for s in postgres_steps) == 1
    normalised = [
        re.sub(r"([\w.]+)->>'(\w+)'", r"json_extract(\1, '$.\2')", s)
        .replace("JSONB", "TEXT")
        .replace("BIGSERIAL", "INTEGER")
        .replace(id_index, "")
        .replace(' COLLATE "C"', "")
        for s in postgres_steps
    ]
    assert normalised == list(sqlite_steps)


def test_sqlite_tables_have_the_columns_the_batches_write(tmp_path):
    store = mf.storage.SQLiteStore(tmp_path / "s.db")
    conn = store.connection
    tables = _tables(lambda t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")])
    assert tables == COLUMNS
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"agreements_due", "audit_log_document", "audit_log_actor"} <= indexes
    store.close()


@pytest.mark.postgres
def test_postgres_tables_match_and_a_store_made_with_the_old_single_step_opens(postgres_dsn):
    psycopg = pytest.importorskip("psycopg")
    schema = f"old_{uuid.uuid4().hex[:12]}"
    # A store made before the schema was shared: every table and index in one step, version 1
    # (what the first two shared steps create; later steps came after it).
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        for step in pg_backend.SCHEMA[:2]:
            for statement in step.split(";"):
                if statement.strip():
                    conn.execute(statement.replace(" IF NOT EXISTS", ""))
        conn.execute("CREATE TABLE store_meta (version INTEGER)")
        conn.execute("INSERT INTO store_meta VALUES (1)")
    with pg_backend.PostgresStore(postgres_dsn, schema=schema) as store:
        assert store.save(mus()) == 1
        assert store.load(mf.Conversation, "c1").revision == 1
        conn = store._conn
        assert conn.execute("SELECT version FROM store_meta").fetchone()[0] == len(
            pg_backend.SCHEMA
        )

        def columns(table):
            rows = conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (schema, table),
            )
            return [r[0] for r in rows]

        assert _tables(columns) == COLUMNS
