"""The JSON of stored assessments compressed with lz4 on PostgreSQL (14 and later, built with lz4).

A stored result is about 18 kB of JSON, which PostgreSQL compresses (TOAST) at every insert.
Its default, pglz, cost the server 0.48 ms of CPU per insert on the development machine; lz4
0.21 ms, for rows about 10% larger. Values stored before keep their compression (reading
handles both). SQLite, and a PostgreSQL built without lz4, are left as they are.

Revision ID: r0003
Revises: r0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision: str | None = "r0002"
branch_labels: str | None = None
depends_on: str | None = None

JSON_COLUMNS = ("case", "result")


def lz4_available(bind: sa.engine.Connection) -> bool:
    """PostgreSQL lists lz4 among its TOAST compressions only when it was built with it (14 and later)."""
    if bind.dialect.name != "postgresql":
        return False
    values = bind.execute(sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    return values is not None and "lz4" in values


def _set_compression(method: str) -> None:
    if lz4_available(op.get_bind()):
        columns = ", ".join(f'ALTER COLUMN "{column}" SET COMPRESSION {method}' for column in JSON_COLUMNS)
        op.execute(f"ALTER TABLE assessments {columns}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
