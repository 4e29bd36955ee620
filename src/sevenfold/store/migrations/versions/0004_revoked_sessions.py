"""Ended sessions: logging out records the session's nonce until the cookie would have expired.

Session cookies are signed and carry their own expiry, so a cookie saved before a logout stayed
valid for up to 12 hours. ``revoked_sessions`` holds the nonce of each session ended by a logout
(and the time its cookie expires anyway, after which the row is pruned); every server process
checks it, so a logout served by one worker ends the session for all of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_sessions",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("user_pk", sa.Integer, sa.ForeignKey("users.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_revoked_sessions_expires", "revoked_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_revoked_sessions_expires", table_name="revoked_sessions")
    op.drop_table("revoked_sessions")
