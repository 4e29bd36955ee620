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
    Boolean,
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
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.schema import SchemaItem

metadata = MetaData()


class SQLiteJSONText(sqlite.JSON):
    """JSON declared ``TEXT`` on SQLite (revision 0003).

    SQLite gives a column declared ``JSON`` NUMERIC affinity, which converts stored text that looks
    like a number: the JSON ``12.0`` came back as the integer 12 and ``12345678901234567890`` as a
    float that had lost its last digits. Declared ``TEXT``, the JSON text is kept as written.
    Only claim values need it: every other JSON column holds an object or null, never a bare number.
    """



@compiles(SQLiteJSONText, "sqlite")
def _sqlite_json_text_ddl(_type: SQLiteJSONText, _compiler: object, **_kw: object) -> str:
    return "TEXT"  # DDL only: binding and reading stay those of sqlite.JSON


JSON_VALUE = JSON().with_variant(SQLiteJSONText(), "sqlite")

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
    cols: list[SchemaItem] = [
        Column("case_pk", Integer, ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True),
        Column("pos", Integer, primary_key=True, autoincrement=False),
        Column("key", String(620), nullable=False),
        *[Column(name, String(length), nullable=True) for name, length in extra],
        Column("body", JSON, nullable=False),
    ]
    items: list[SchemaItem] = [*cols, UniqueConstraint("case_pk", "key", name=f"uq_entry_{kind}_key")]
    return Table(f"entry_{kind}", metadata, *items)


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
    Column("value", JSON_VALUE, nullable=False),
    Column("extra", JSON, nullable=True),
    Index("ix_claims_item", "case_pk", "object", "attribute"),
)

Index("ix_entry_reports_source", entry_tables["reports"].c.case_pk, entry_tables["reports"].c.source_id)
Index("ix_entry_ratings_report", entry_tables["ratings"].c.case_pk, entry_tables["ratings"].c.report_id)

# ---- accounts and audit (revision 0002) -------------------------------------------------------
# Grants are keyed by the case's id (text), not ``cases.pk``: an import with --replace gives the
# case a new pk, and its grants must survive that. Deleting a case deletes its grants.
users = Table(
    "users",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("session_epoch", Integer, nullable=False, default=0),  # bumped by passwd: old sessions die
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("user_pk", Integer, ForeignKey("users.pk", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the token
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

case_grants = Table(
    "case_grants",
    metadata,
    Column("case_id", String(200), primary_key=True),
    Column("user_pk", Integer, ForeignKey("users.pk", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),  # owner | analyst | reader
    Index("ix_case_grants_user", "user_pk"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("who", String(300), nullable=False),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC text: hashed exactly as stored
    Column("action", String(60), nullable=False),
    Column("case_id", String(200), nullable=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("state", JSON, nullable=True),  # revision 0005: state digests after the change (hashed)
    Index("ix_audit_log_case", "case_id", "seq"),
)

# one row (id 1): the newest record's seq and hash. Appenders lock it (SELECT ... FOR UPDATE on
# PostgreSQL) so that audited writes are serialised and seq numbers never collide.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# ---- ended sessions (revision 0004) -----------------------------------------------------------
# A session cookie is signed, so the server keeps no list of live sessions; logging out records the
# session's nonce here until the cookie would have expired anyway (then the row is pruned).
revoked_sessions = Table(
    "revoked_sessions",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("user_pk", Integer, ForeignKey("users.pk", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_revoked_sessions_expires", "expires_at"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
