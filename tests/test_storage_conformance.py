"""Every built-in backend passes the same conformance suite (PostgreSQL on a real server)."""

import uuid

import pytest

from musframework.storage import MemoryStore, PooledPostgresStore, PostgresStore, SQLiteStore
from musframework.testing.storage import StoreConformance


class TestMemoryStore(StoreConformance):
    def make_store(self, directory, *, clock):
        return MemoryStore(clock=clock)


class TestSQLiteStore(StoreConformance):
    def make_store(self, directory, *, clock):
        return SQLiteStore(directory / "mus.db", clock=clock)


@pytest.mark.postgres
class TestPostgresStore(StoreConformance):
    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _server(cls, postgres_dsn):
        cls.dsn = postgres_dsn

    def make_store(self, directory, *, clock):
        # Each store gets its own schema: a fresh, empty store without a new database.
        return PostgresStore(self.dsn, schema=f"t_{uuid.uuid4().hex[:12]}", clock=clock)


@pytest.mark.postgres
class TestPooledPostgresStore(StoreConformance):
    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _server(cls, postgres_dsn):
        cls.dsn = postgres_dsn

    def make_store(self, directory, *, clock):
        return PooledPostgresStore(
            self.dsn, schema=f"p_{uuid.uuid4().hex[:12]}", clock=clock, max_size=2
        )
