"""CDS Hooks: feedback on cards (accepted suggestions, override reasons), stored once per feedback item;
and the token ids already used (a replayed token is refused).

Revision ID: r0004
Revises: r0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from spinetriage.web.db import UtcDateTime

revision = "r0004"
down_revision: str | None = "r0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "cds_feedback",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("card", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("accepted_suggestions", sa.JSON(), nullable=False),
        sa.Column("override_reason", sa.JSON(), nullable=True),
        sa.Column("outcome_timestamp", UtcDateTime(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_cds_feedback_card", "cds_feedback", ["card"])
    op.create_table(
        "cds_jti",
        sa.Column("jti_hash", sa.String(64), primary_key=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_cds_jti_expires_at", "cds_jti", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_cds_jti_expires_at", "cds_jti")
    op.drop_table("cds_jti")
    op.drop_index("ix_cds_feedback_card", "cds_feedback")
    op.drop_table("cds_feedback")
