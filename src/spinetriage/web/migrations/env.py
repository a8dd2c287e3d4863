"""Alembic environment: runs on the connection handed over by :func:`spinetriage.web.db.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from spinetriage.web.db import Base


def run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through `spinetriage db upgrade`, which supplies the connection")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
