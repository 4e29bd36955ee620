"""SQLAlchemy tables of the case store.

One row per case in ``cases``; one table per entry kind, each row keyed by (case, position) with the
entry's natural key (its id, or ``report/hypothesis/analyst`` for a rating) unique within the case,
a few indexed columns for queries, and the full entry (extras included) as JSON in ``body``.
Claims get their own table (fusion reads them by object/attribute) and are not repeated in the
report body. Schema changes go through Alembic migrations in ``store/migrations``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200), nullable=False, unique=True),
    Column("format", String(40), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("meta", JSON, nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# entry kind -> extra indexed columns (name, length)
ENTRY_KINDS: dict[str, tuple[tuple[str, int], ...]] = {
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


def _entry_table(kind: str, extra: tuple[tuple[str, int], ...]) -> Table:
    cols = [
        Column("case_pk", Integer, ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True),
        Column("pos", Integer, primary_key=True, autoincrement=False),
        Column("key", String(620), nullable=False),
        *[Column(name, String(length), nullable=True) for name, length in extra],
        Column("body", JSON, nullable=False),
    ]
    return Table(
        f"entry_{kind}",
        metadata,
        *cols,
        UniqueConstraint("case_pk", "key", name=f"uq_entry_{kind}_key"),
    )


entry_tables: dict[str, Table] = {kind: _entry_table(kind, extra) for kind, extra in ENTRY_KINDS.items()}

claims = Table(
    "claims",
    metadata,
    Column("case_pk", Integer, ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True),
    Column("report_pos", Integer, primary_key=True, autoincrement=False),
    Column("pos", Integer, primary_key=True, autoincrement=False),
    Column("source_id", String(200), nullable=False),
    Column("object", Text, nullable=False),
    Column("attribute", Text, nullable=False),
    Column("value", JSON, nullable=False),
    Column("extra", JSON, nullable=True),
    Index("ix_claims_item", "case_pk", "object", "attribute"),
)

Index("ix_entry_reports_source", entry_tables["reports"].c.case_pk, entry_tables["reports"].c.source_id)
Index("ix_entry_ratings_report", entry_tables["ratings"].c.case_pk, entry_tables["ratings"].c.report_id)
