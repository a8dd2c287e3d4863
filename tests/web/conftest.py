"""Fixtures for the web tests: every app-level test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``SPINETRIAGE_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and
sets it). Each test gets its own schema there, and its own SQLite file. Without the
variable the PostgreSQL variants are skipped locally, but fail in CI (``CI`` set), so
they cannot silently stop running. A test of PostgreSQL's own behaviour is marked
``only_postgres`` (tests/web/postgres.py): it has no SQLite variant, rather than one that
is skipped, so a CI run skips nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from spinetriage.web import create_app
from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database
from spinetriage.web.settings import Settings

POSTGRES_ENV = "SPINETRIAGE_TEST_POSTGRES_URL"
BASE_URL = "http://127.0.0.1"
PASSWORD = "correct horse battery"


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip(f"{POSTGRES_ENV} not set (run .ci/run, or start PostgreSQL and set it)")
    return url


def fresh_database_url(backend: str, tmp_path: Any) -> Iterator[str]:
    """A database of its own for one test: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'record.db'}"
        return
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Any) -> Iterator[str]:
    yield from fresh_database_url(backend, tmp_path)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the app in local mode (loopback, no users)."""
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def make_client(database_url: str) -> Iterator[Callable[..., TestClient]]:
    """Build a client after adding users (which turns local mode off): make_client(users=["ann"])."""
    clients: list[TestClient] = []

    def make(users: tuple[str, ...] = (), **settings: Any) -> TestClient:
        if users:
            db = Database(database_url)
            db.upgrade()
            accounts = Accounts(db)
            for name in users:
                if not accounts.user_exists(name):
                    accounts.add_user(name, PASSWORD)
            db.dispose()
        c = TestClient(create_app(Settings(database_url=database_url, **settings)), base_url=BASE_URL)
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
