"""Opening a store: URL resolution, SQLite pragmas, PostgreSQL, and Alembic migration to head."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from sevenfold.errors import StoreError

#: newest Alembic revision this code knows (tests check it equals the migrations' head)
SCHEMA_HEAD = "0005"

SQLITE_BUSY_TIMEOUT_MS = 30_000

# PostgreSQL advisory lock held while migrating (concurrent first opens of a new store)
_MIGRATION_LOCK_KEY = 0x7E7E_F01D_0000_0001


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sevenfold" / "sevenfold.db"


def resolve_db_url(db: str | os.PathLike[str] | None = None) -> str:
    """``--db`` value, else ``SEVENFOLD_DB``, else the default SQLite file. A path means SQLite."""
    raw = str(db or os.environ.get("SEVENFOLD_DB") or default_db_path())
    if "://" in raw:
        if raw.startswith("postgresql://") or raw.startswith("postgres://"):
            raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
        return raw
    path = Path(raw).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the store {path}: {exc.strerror}") from None
    return f"sqlite:///{path.resolve()}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # Python's sqlite3 opens transactions lazily; we issue BEGIN ourselves (see below) so that a
    # write transaction takes its lock up front (BEGIN IMMEDIATE) and waits on busy_timeout.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA cache_size = -65536")
    cur.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # writers lock up front so two writers never deadlock on lock upgrade; readers stay deferred
    write = conn.get_execution_options().get("sevenfold_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:  # the driver of a server database is an extra
        hint = " pip install 'sevenfold[postgres]'" if url.startswith("postgres") else ""
        raise StoreError(f"cannot open store {redact(url)}: its driver {exc.name!r} is not installed;{hint}"
                         ) from None
    except Exception as exc:  # bad URL
        raise StoreError(f"cannot open store {redact(url)}: {exc}") from None
    return engine


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        user = cred.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine, attempts: int = 20) -> None:
    """Bring the schema to head. Safe when several processes open a new store at once."""
    for attempt in range(attempts):
        try:
            if current_revision(engine) == SCHEMA_HEAD:
                return
            from alembic import command

            cfg = alembic_config(engine)
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # one migrator at a time; the others wait here, then find the schema at head
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                    if inspect(conn).has_table("alembic_version") and conn.execute(
                            text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD:
                        return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except (OperationalError, ProgrammingError, IntegrityError) as exc:
            # another process is migrating the same store: wait and look again
            if attempt == attempts - 1:
                raise StoreError(f"cannot migrate store {redact(str(engine.url))}: {exc.orig}") from None
            time.sleep(0.1 * (attempt + 1))
        except DBAPIError as exc:
            raise StoreError(f"cannot open store {redact(str(engine.url))}: {exc.orig}") from None
