"""Assessments stored, and API tokens looked up, from the event loop on PostgreSQL: the same rows
as the engine stores, one round trip each, and a connection the server ended is replaced."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
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
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import bindparam, func, select

from spinetriage.case import parse_case
from spinetriage.web.async_statements import AsyncStatements
from spinetriage.web.auth import TOKEN_PREFIX, Accounts
from spinetriage.web.db import Database
from spinetriage.web.deps import AppState
from spinetriage.web.store import Store, StoredAssessment

from .postgres import end_backend, only_postgres

pytestmark = only_postgres  # the event-loop path is PostgreSQL's (SQLite stores on the loop already)

T = TypeVar("T")
Pool = AsyncConnectionPool[psycopg.AsyncConnection[Any]]
CASE = {"age": 70, "sex": "female", "findings": {"gait_disturbance": "present", "hoffmann_sign": "present"}}


@pytest.fixture
def statements(database: Database) -> AsyncStatements:
    return AsyncStatements(database.engine)


@pytest.fixture
def store(database: Database, statements: AsyncStatements) -> Store:
    return Store(database, async_statements=statements)


def run_in_new_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: other tests (Playwright's sync API) may leave a loop
    running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def opened(statements: AsyncStatements) -> Pool:
    """Open ``statements`` and wait for the pool's first connection (so that no request makes it grow)."""
    await statements.open()
    assert statements.pool is not None
    await statements.pool.wait()
    return statements.pool


def prepared(store: Store, label: str = "") -> StoredAssessment:
    return store.prepare(parse_case(CASE, store.knowledge), owner="ann", source="api", label=label)


def sent_messages(trace: Path) -> list[str]:
    """The frontend's messages in a libpq trace: each Sync (extended protocol) or Query is one round trip."""
    return [line.split("\t")[2].split()[0] for line in trace.read_text().splitlines() if line.startswith("F\t")]


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

    async def run() -> tuple[bool, dict[str, int]]:
        pool = await opened(statements)
        await store.insert_async(prepared(store))
        with trace.open("w") as out:
            async with pool.connection() as connection:
                connection.pgconn.trace(out.fileno())
                connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            for _ in range(3):
                await store.insert_async(prepared(store))
            async with pool.connection() as again:
                again.pgconn.untrace()
        stats = pool.get_stats()
        await statements.close()
        return again is connection, stats

    same, stats = run_in_new_loop(run())
    assert same and stats["connections_num"] == 1  # one connection served every statement
    sent = sent_messages(trace)
    assert sent.count("Sync") + sent.count("Query") == 3
    assert store.count(owner="ann") == 4


def test_a_connection_the_server_ended_is_replaced(
    store: Store, statements: AsyncStatements, database_url: str
) -> None:
    async def insert_then_end_backend_then_insert() -> tuple[int, int, dict[str, int]]:
        pool = await opened(statements)
        await store.insert_async(prepared(store))
        async with pool.connection() as connection:
            first = connection.info.backend_pid
        end_backend(database_url, first)
        await store.insert_async(prepared(store))  # would fail on the ended connection
        async with pool.connection() as connection:
            second = connection.info.backend_pid
        stats = pool.get_stats()
        await statements.close()
        return first, second, stats

    first, second, stats = run_in_new_loop(insert_then_end_backend_then_insert())
    assert first != second
    assert stats.get("connections_lost") == 1 and stats.get("requests_errors", 0) == 0
    assert store.count(owner="ann") == 2


def test_after_a_restart_one_failed_check_replaces_every_idle_connection(
    store: Store, statements: AsyncStatements, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """After a second failed check in a row the pool waits 1 s, then 2, 4...: with every idle connection
    dead, one check each would add up to its timeout (a failed request)."""
    caplog.set_level(logging.INFO, logger="psycopg.pool")

    async def run() -> tuple[set[int], set[int]]:
        pool = await opened(statements)
        async with pool.connection() as a, pool.connection() as b, pool.connection() as c:  # three at once
            ended = {a.info.backend_pid, b.info.backend_pid, c.info.backend_pid}
        for pid in ended:
            end_backend(database_url, pid)
        await store.insert_async(prepared(store))
        async with pool.connection() as a, pool.connection() as b, pool.connection() as c:
            now = {a.info.backend_pid, b.info.backend_pid, c.info.backend_pid}
        await statements.close()
        return ended, now

    ended, now = run_in_new_loop(run())
    assert len(ended) == 3 and not ended & now
    assert sum("connection failed check" in record.getMessage() for record in caplog.records) == 1
    assert store.count(owner="ann") == 1


def test_a_failed_statement_leaves_its_connection_idle_and_the_next_one_succeeds(
    store: Store, statements: AsyncStatements
) -> None:
    record = prepared(store)

    async def run() -> tuple[int, int, pq.TransactionStatus]:
        pool = await opened(statements)
        await store.insert_async(record)
        async with pool.connection() as connection:
            before = connection.info.backend_pid
        with pytest.raises(psycopg.errors.UniqueViolation):
            await store.insert_async(record)
        async with pool.connection() as connection:
            after, status = connection.info.backend_pid, connection.info.transaction_status
        await store.insert_async(dataclasses.replace(record, id=str(uuid.uuid4())))
        await statements.close()
        return before, after, status

    before, after, status = run_in_new_loop(run())
    assert status == pq.TransactionStatus.IDLE  # autocommit: the failed statement took its transaction with it
    assert before == after
    assert store.count(owner="ann") == 2


def test_a_cancelled_statement_leaves_no_connection_mid_statement(statements: AsyncStatements) -> None:
    """A request cancelled while PostgreSQL works (a client gone, a timeout): the next statement is served."""
    sleep = select(func.pg_sleep(bindparam("seconds")))

    async def run() -> tuple[Any, pq.TransactionStatus]:
        pool = await opened(statements)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(statements.scalar(sleep, {"seconds": 60}), 0.2)
        value = await statements.scalar(select(bindparam("x")), {"x": "next"})
        async with pool.connection() as connection:
            status = connection.info.transaction_status
        await statements.close()
        return value, status

    assert run_in_new_loop(run()) == ("next", pq.TransactionStatus.IDLE)


def test_outside_its_event_loop_the_pool_is_not_usable(store: Store, statements: AsyncStatements) -> None:
    assert not statements.usable() and not store.inserts_on_loop()

    async def elsewhere() -> None:
        assert not statements.usable() and not store.inserts_on_loop()
        with pytest.raises(RuntimeError, match="outside the event loop"):
            await store.insert_async(prepared(store))

    async def open_here_use_elsewhere() -> None:
        await statements.open()
        assert statements.usable()
        run_in_new_loop(elsewhere())  # another event loop, while this one holds the open pool
        await statements.close()
        assert not statements.usable()

    run_in_new_loop(elsewhere())  # not opened
    run_in_new_loop(open_here_use_elsewhere())
    assert not statements.usable()
    assert store.count(owner="ann") == 0


def test_the_api_stores_from_the_event_loop_while_the_app_runs(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    store = app.state.spinetriage.store
    assert isinstance(app.state.spinetriage, AppState) and store.async_statements is not None

    def no_thread(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("stored through the engine, in a thread")

    monkeypatch.setattr(store, "save", no_thread)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        pool = store.async_statements.pool
        assert pool is not None and not pool.closed
        response = client.post("/api/v1/assessments", json=CASE)
        assert response.status_code == 201, response.text
        assert client.get(f"/api/v1/assessments/{response.json()['id']}").json() == response.json()
        assert pool.get_stats()["requests_num"] >= 1
    assert pool.closed and pool.get_stats()["pool_available"] == 0  # closed with the app, its connections too
    assert not store.async_statements.usable() and store.async_statements.pool is None


def test_a_token_is_looked_up_from_the_loop_in_one_round_trip(
    database: Database, statements: AsyncStatements, tmp_path: Path
) -> None:
    accounts = Accounts(database, async_statements=statements)
    accounts.add_user("ann", "correct horse battery")
    token = accounts.create_token("ann")
    trace = tmp_path / "token.trace"

    async def run() -> list[str | None]:
        pool = await opened(statements)
        assert accounts.lookups_on_loop()
        found = [await accounts.user_for_token_async(token)]
        with trace.open("w") as out:
            async with pool.connection() as connection:
                connection.pgconn.trace(out.fileno())
                connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            found.append(await accounts.user_for_token_async(token))
            found.append(await accounts.user_for_token_async(TOKEN_PREFIX + "x" * 43))  # well formed, unknown
            found.append(await accounts.user_for_token_async("not-a-token"))  # refused without asking
            async with pool.connection() as again:
                again.pgconn.untrace()
        assert again is connection
        accounts.revoke_token(token)
        found.append(await accounts.user_for_token_async(token))  # revoked: refused at once
        await statements.close()
        return found

    assert run_in_new_loop(run()) == ["ann", "ann", None, None, None]
    sent = sent_messages(trace)
    assert sent.count("Sync") + sent.count("Query") == 2


def test_the_api_checks_a_token_from_the_event_loop(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
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
        assert statements.pool is None  # closed, and with it every connection it held
