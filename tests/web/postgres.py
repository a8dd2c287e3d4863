"""PostgreSQL itself: tests that run on it only, and ending a connection as the server would."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text


def end_backend(database_url: str, pid: int) -> None:
    """Terminate one PostgreSQL backend (as a restart would) and wait until it has gone."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")  # each poll a fresh pg_stat_activity
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
            deadline = time.monotonic() + 10
            alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            while connection.execute(alive, {"pid": pid}).scalar():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
    finally:
        admin.dispose()


only_postgres = pytest.mark.parametrize("backend", ["postgres"])
"""For a test of PostgreSQL's own behaviour: collected for PostgreSQL only, rather than skipped on SQLite.

It overrides the ``backend`` fixture of conftest, so ``database``, ``app`` and the clients are PostgreSQL's;
without ``SPINETRIAGE_TEST_POSTGRES_URL`` it is skipped (a developer machine) or fails (CI), as they are."""
