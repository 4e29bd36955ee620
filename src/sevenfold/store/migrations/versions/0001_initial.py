"""Initial case store: cases, entry tables per kind, claims.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# frozen copy of the entry kinds at this revision (migrations must not follow later code changes)
_ENTRY_KINDS = {
    "actors": (),
    "sources": (),
    "documents": (),
    "reports": (("source_id", 200), ("date", 10)),
    "hypotheses": (),
    "ratings": (("report_id", 200), ("hypothesis_id", 200)),
    "outcomes": (),
    "burns": (("source_id", 200),),
    "aliases": (),
}


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(200), nullable=False, unique=True),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    for kind, extra in _ENTRY_KINDS.items():
        op.create_table(
            f"entry_{kind}",
            sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True),
            sa.Column("pos", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("key", sa.String(620), nullable=False),
            *[sa.Column(name, sa.String(length), nullable=True) for name, length in extra],
            sa.Column("body", sa.JSON, nullable=False),
            sa.UniqueConstraint("case_pk", "key", name=f"uq_entry_{kind}_key"),
        )
    op.create_index("ix_entry_reports_source", "entry_reports", ["case_pk", "source_id"])
    op.create_index("ix_entry_ratings_report", "entry_ratings", ["case_pk", "report_id"])
    op.create_table(
        "claims",
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("report_pos", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pos", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("object", sa.Text, nullable=False),
        sa.Column("attribute", sa.Text, nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON, nullable=True),
    )
    op.create_index("ix_claims_item", "claims", ["case_pk", "object", "attribute"])


def downgrade() -> None:
    op.drop_index("ix_claims_item", table_name="claims")
    op.drop_table("claims")
    for kind in reversed(list(_ENTRY_KINDS)):
        op.drop_table(f"entry_{kind}")
    op.drop_table("cases")
