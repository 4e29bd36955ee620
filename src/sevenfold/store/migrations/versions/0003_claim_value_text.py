"""Claim values on SQLite: declared TEXT, so numbers written as JSON are kept exactly.

A column declared ``JSON`` has NUMERIC affinity in SQLite, which turned the stored JSON text ``12.0``
into the integer 12 and ``12345678901234567890`` into a float (digits lost). This rebuilds the
``claims`` table with ``value`` declared ``TEXT`` (see ``SQLiteJSONText``). Values already converted
by the old declaration are copied as they are; they cannot be recovered. PostgreSQL is unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sevenfold.store.tables import SQLiteJSONText

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # claims is a leaf table (nothing references it), so rebuilding it cascades nowhere
    with op.batch_alter_table("claims", recreate="always") as batch:
        batch.alter_column("value", type_=SQLiteJSONText(), existing_type=sa.JSON(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("claims", recreate="always") as batch:
        batch.alter_column("value", type_=sa.JSON(), existing_type=SQLiteJSONText(), existing_nullable=False)
