"""PostgreSQL itself, for tests of what happens when the server ends a connection."""

from __future__ import annotations

import time

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
