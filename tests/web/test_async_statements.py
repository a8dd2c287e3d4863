"""Assessments stored, and API tokens looked up, from the event loop on PostgreSQL: the same rows
as the engine stores, one round trip each, and a connection the server ended is replaced."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg import pq

from spinetriage.case import parse_case
from spinetriage.web.async_statements import AsyncStatements
from spinetriage.web.auth import TOKEN_PREFIX, Accounts
from spinetriage.web.db import Database
from spinetriage.web.deps import AppState
from spinetriage.web.store import Store, StoredAssessment

from .postgres import end_backend

T = TypeVar("T")
CASE = {"age": 70, "sex": "female", "findings": {"gait_disturbance": "present", "hoffmann_sign": "present"}}


@pytest.fixture
def postgres(database: Database, backend: str) -> Database:
    if backend != "postgres":
        pytest.skip("the event-loop path is PostgreSQL's (SQLite stores on the loop already)")
    return database


@pytest.fixture
def statements(postgres: Database) -> AsyncStatements:
    return AsyncStatements(postgres.engine)


@pytest.fixture
def store(postgres: Database, statements: AsyncStatements) -> Store:
    return Store(postgres, async_statements=statements)


def run_in_new_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: other tests (Playwright's sync API) may leave a loop
    running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def prepared(store: Store, label: str = "") -> StoredAssessment:
    return store.prepare(parse_case(CASE, store.knowledge), owner="ann", source="api", label=label)


def test_a_row_stored_from_the_loop_is_the_row_the_engine_stores(store: Store, statements: AsyncStatements) -> None:
    on_loop, in_thread = prepared(store, "loop"), prepared(store, "thread")

    async def run() -> None:
        await statements.open()
        assert store.inserts_on_loop()
        await store.insert_async(on_loop)
        await statements.close()

    run_in_new_loop(run())
    store.insert(in_thread)
    from_loop, from_engine = store.get(on_loop.id, owner="ann"), store.get(in_thread.id, owner="ann")
    assert from_loop == on_loop and from_engine == in_thread
    assert dataclasses.replace(from_loop, id="", label="", created_at=from_engine.created_at) == dataclasses.replace(
        from_engine, id="", label=""
    )


def test_each_insert_is_one_round_trip_and_a_connection_is_reused(
    store: Store, statements: AsyncStatements, tmp_path: Path
) -> None:
    trace = tmp_path / "async.trace"

    async def run() -> set[int]:
        await statements.open()
        await store.insert_async(prepared(store))
        connection = statements._idle[0]
        with trace.open("w") as out:
            connection.pgconn.trace(out.fileno())
            connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            pids = set()
            for _ in range(3):
                await store.insert_async(prepared(store))
                pids.add(statements._idle[0].info.backend_pid)
            connection.pgconn.untrace()
        await statements.close()
        return pids

    pids = run_in_new_loop(run())
    assert len(pids) == 1
    sent = [line.split("\t")[2].split()[0] for line in trace.read_text().splitlines() if line.startswith("F\t")]
    assert sent.count("Sync") + sent.count("Query") == 3
    assert store.count(owner="ann") == 4


def test_a_connection_the_server_ended_is_replaced(
    store: Store, statements: AsyncStatements, database_url: str
) -> None:
    async def insert_then_end_backend_then_insert() -> tuple[int, int]:
        await statements.open()
        await store.insert_async(prepared(store))
        first = statements._idle[0].info.backend_pid
        end_backend(database_url, first)
        await store.insert_async(prepared(store))  # would fail on the ended connection
        second = statements._idle[0].info.backend_pid
        await statements.close()
        return first, second

    first, second = run_in_new_loop(insert_then_end_backend_then_insert())
    assert first != second
    assert store.count(owner="ann") == 2


def test_a_failed_statement_closes_its_connection_and_the_next_one_succeeds(
    store: Store, statements: AsyncStatements
) -> None:
    record = prepared(store)

    async def run() -> None:
        await statements.open()
        await store.insert_async(record)
        with pytest.raises(psycopg.errors.UniqueViolation):
            await store.insert_async(record)
        assert statements._idle == []
        await store.insert_async(dataclasses.replace(record, id=str(uuid.uuid4())))
        await statements.close()

    run_in_new_loop(run())
    assert store.count(owner="ann") == 2


def test_outside_its_event_loop_the_pool_is_not_usable(store: Store, statements: AsyncStatements) -> None:
    assert not statements.usable() and not store.inserts_on_loop()

    async def not_opened() -> None:
        assert not statements.usable()
        with pytest.raises(RuntimeError, match="outside the event loop"):
            await store.insert_async(prepared(store))

    run_in_new_loop(not_opened())
    run_in_new_loop(statements.open())
    assert not statements.usable()  # that loop has ended
    run_in_new_loop(not_opened())
    assert store.count(owner="ann") == 0


def test_the_api_stores_from_the_event_loop_while_the_app_runs(
    app: FastAPI, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgres":
        pytest.skip("the event-loop path is PostgreSQL's")
    store = app.state.spinetriage.store
    assert isinstance(app.state.spinetriage, AppState) and store.async_statements is not None

    def no_thread(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("stored through the engine, in a thread")

    monkeypatch.setattr(store, "save", no_thread)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.post("/api/v1/assessments", json=CASE)
        assert response.status_code == 201, response.text
        assert client.get(f"/api/v1/assessments/{response.json()['id']}").json() == response.json()
    assert not store.async_statements.usable() and store.async_statements._idle == []  # closed with the app


def test_a_token_is_looked_up_from_the_loop_in_one_round_trip(
    postgres: Database, statements: AsyncStatements, tmp_path: Path
) -> None:
    accounts = Accounts(postgres, async_statements=statements)
    accounts.add_user("ann", "correct horse battery")
    token = accounts.create_token("ann")
    trace = tmp_path / "token.trace"

    async def run() -> list[str | None]:
        await statements.open()
        assert accounts.lookups_on_loop()
        found = [await accounts.user_for_token_async(token)]
        connection = statements._idle[0]
        with trace.open("w") as out:
            connection.pgconn.trace(out.fileno())
            connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            found.append(await accounts.user_for_token_async(token))
            found.append(await accounts.user_for_token_async(TOKEN_PREFIX + "x" * 43))  # well formed, unknown
            found.append(await accounts.user_for_token_async("not-a-token"))  # refused without asking
            connection.pgconn.untrace()
        accounts.revoke_token(token)
        found.append(await accounts.user_for_token_async(token))  # revoked: refused at once
        await statements.close()
        return found

    assert run_in_new_loop(run()) == ["ann", "ann", None, None, None]
    sent = [line.split("\t")[2].split()[0] for line in trace.read_text().splitlines() if line.startswith("F\t")]
    assert sent.count("Sync") + sent.count("Query") == 2


def test_the_api_checks_a_token_from_the_event_loop(
    make_client: Callable[..., TestClient], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgres":
        pytest.skip("the event-loop path is PostgreSQL's")
    client = make_client(users=("ann",))
    state = client.app.state.spinetriage  # type: ignore[attr-defined]
    token = state.accounts.create_token("ann")

    def no_thread(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("looked up through the engine, in a thread")

    monkeypatch.setattr(state.accounts, "user_for_token", no_thread)
    bearer = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/assessments", json=CASE, headers=bearer)
    assert response.status_code == 201, response.text
    assert response.json()["owner"] == "ann"
    assert client.get("/api/v1/assessments", headers={"Authorization": "Bearer st_unknown"}).status_code == 401
    assert client.get("/api/v1/assessments", headers={"Authorization": f"Basic {token}"}).status_code == 401


@pytest.fixture(autouse=True)
def _no_leaked_connections(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    statements = request.node.funcargs.get("statements")
    if isinstance(statements, AsyncStatements):
        assert statements._idle == []
