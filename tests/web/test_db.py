"""What a request costs the database: statements and PostgreSQL round trips, counted, not timed;
and a pooled connection the server closed is replaced before it fails a request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import event, func, select, text

from spinetriage.case import parse_case
from spinetriage.web.auth import TOKEN_PREFIX, Accounts
from spinetriage.web.db import AssessmentRow, Database
from spinetriage.web.sessions import LoginSessions
from spinetriage.web.store import Store

from .postgres import end_backend, only_postgres

CASE = {"age": 61, "findings": {"hand_clumsiness": "present", "hoffmann_sign": "present", "sciatica": "absent"}}


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements the engine sends meanwhile (both backends)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


@contextmanager
def round_trips(database: Database, trace: Path) -> Iterator[list[str]]:
    """The messages that end a round trip to PostgreSQL (``Sync`` after an extended query, ``Query``
    for a simple one), read from libpq's trace of every connection checked out meanwhile. It counts
    what goes over the wire, BEGIN, COMMIT and pings included, which no SQLAlchemy event sees."""
    traced: list[Any] = []
    out = trace.open("w")

    def start(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection not in traced:
            traced.append(dbapi_connection)
            dbapi_connection.pgconn.trace(out.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)

    event.listen(database.engine, "checkout", start)
    ends: list[str] = []
    try:
        yield ends
    finally:
        event.remove(database.engine, "checkout", start)
        for dbapi_connection in traced:
            dbapi_connection.pgconn.untrace()
        out.close()
        for line in trace.read_text().splitlines():
            parts = line.split("\t")
            if parts[0] == "F" and len(parts) > 2 and parts[2].split()[0] in ("Sync", "Query"):
                ends.append(parts[2].strip())


@pytest.fixture
def store(database: Database) -> Store:
    return Store(database)


def test_storing_an_assessment_sends_one_statement(store: Store) -> None:
    case = parse_case(CASE, store.knowledge)
    store.save(case, owner="ann", source="api")
    with statements(store.database) as sent:
        store.save(case, owner="ann", source="api")
    assert len(sent) == 1 and sent[0].startswith("INSERT INTO assessments")


@only_postgres  # round trips are a PostgreSQL cost
def test_on_postgresql_storing_an_assessment_is_one_round_trip(store: Store, tmp_path: Path) -> None:
    """No BEGIN, COMMIT or ping around the INSERT: autocommit makes it its own durable transaction."""
    case = parse_case(CASE, store.knowledge)
    with round_trips(store.database, tmp_path / "first.trace") as first:
        store.save(case, owner="ann", source="api")  # the pool's first connection
    for _ in range(5):  # psycopg prepares a statement run five times on a connection (one round trip more, once)
        store.save(case, owner="ann", source="api")
    with round_trips(store.database, tmp_path / "prepared.trace") as prepared:
        for _ in range(3):
            store.save(case, owner="ann", source="api")
    assert len(first) == 1
    assert len(prepared) == 3
    with store.database.reads() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == 9


@only_postgres
def test_on_postgresql_each_lookup_a_request_makes_is_one_round_trip(store: Store, tmp_path: Path) -> None:
    """The token and session checks run on every authenticated request; the record's reads on most pages."""
    database = store.database
    accounts = Accounts(database)
    accounts.add_user("ann", "correct horse battery")
    token = accounts.create_token("ann")
    sessions = LoginSessions(database, b"k" * 32, 600)
    cookie = sessions.start("ann")
    stored = store.save(parse_case(CASE, store.knowledge), owner="ann", source="api")
    lookups: dict[str, Callable[[], object]] = {
        "token": lambda: accounts.user_for_token(token),
        "unknown token": lambda: accounts.user_for_token(TOKEN_PREFIX + "x" * 43),
        "session": lambda: sessions.user(cookie),
        "get": lambda: store.get(stored.id, owner="ann"),
        "search": lambda: store.search(owner="ann"),
        "count": lambda: store.count(owner="ann"),
    }
    assert accounts.user_for_token(token) == sessions.user(cookie) == "ann"
    for name, lookup in lookups.items():
        with round_trips(database, tmp_path / f"{name}.trace") as ends:
            lookup()
        assert len(ends) == 1, name


@only_postgres  # SQLite has no server to end a connection
def test_a_pooled_connection_the_server_ended_is_replaced_without_a_failed_request(
    store: Store, database_url: str
) -> None:
    """What ``pool_pre_ping`` was for (a restarted server), without its round trip on every checkout."""
    case = parse_case(CASE, store.knowledge)
    store.save(case, owner="ann", source="api")
    with store.database.single.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    end_backend(database_url, pid)
    store.save(case, owner="ann", source="api")  # would raise OperationalError on the dead connection
    with store.database.single.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    assert store.count(owner="ann") == 2
