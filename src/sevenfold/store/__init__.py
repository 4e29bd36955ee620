"""The case store (SQLAlchemy; SQLite by default, PostgreSQL for teams; Alembic migrations)."""

from sevenfold.store.engine import SCHEMA_HEAD, default_db_path, resolve_db_url
from sevenfold.store.repository import CaseSummary, Store

__all__ = ["SCHEMA_HEAD", "CaseSummary", "Store", "default_db_path", "open_store", "resolve_db_url"]


def open_store(db: str | None = None) -> Store:
    """Open (creating and migrating if needed) the store at ``db`` / ``SEVENFOLD_DB`` / the default."""
    return Store(db)
