"""Engines and migrations: the database is ready, or a clear error says what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseError(Exception):
    """The database cannot be used; the message says what to do."""


def make_engine(url: str) -> Engine:
    """An engine for a sqlite:/// or postgresql:// URL; creates a SQLite file's folder."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"LIF_DATABASE_URL is not a database URL: {error}") from error
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # hide_parameters: a logged database error must never carry reflection text.
    # connect_timeout: a database that hangs fails fast instead of holding a person up.
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 5}
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        hide_parameters=True,
        connect_args=connect_args,
    )


def _sqlite_engine(url: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> str:
    """Apply every pending migration; returns the revision the database is now at."""
    try:
        command.upgrade(_alembic_config(engine), "head")
        return current_revision(engine) or "base"
    except DBAPIError as error:
        raise DatabaseError(_unreachable(engine, error)) from error


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this code knows."""
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def check_ready(engine: Engine) -> None:
    """Raise DatabaseError unless the database is reachable and fully migrated."""
    try:
        revision = current_revision(engine)
    except DBAPIError as error:
        raise DatabaseError(_unreachable(engine, error)) from error
    if revision != head_revision():
        raise DatabaseError(
            f"The database is at migration {revision or 'none'}, not {head_revision()}: "
            "run `lif-coach db upgrade`."
        )


def _unreachable(engine: Engine, error: DBAPIError) -> str:
    url = engine.url.render_as_string(hide_password=True)
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return (
        f"Cannot use the database at {url} ({reason}). Check LIF_DATABASE_URL and that the "
        "database server is running and accepts connections."
    )
