"""State bound to the audit chain: each audit record may carry the state digests after its change.

``audit_log.state`` holds ``{"case": sha256}`` (the changed case as it is after the change; null
when it was deleted) and/or ``{"accounts": {"users": ..., "tokens": ..., "grants": ...}}``. The
record's hash covers it. Records written before this revision have none; their hashes are
unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("state", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("state")
