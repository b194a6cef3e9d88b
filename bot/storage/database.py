"""Engines and migrations: the database is ready, or a clear error says what to do."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from bot.coaching.errors import StorageUnavailable
from bot.storage.crypto import Cipher, bind_cipher

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# pg_advisory_lock(space, schema): one migration lock per schema, in a key space of our own.
MIGRATION_LOCK_SPACE = 0x4C1F
_SCHEMA_LOCK = ":space, hashtext(coalesce(current_schema(), ''))"

logger = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database cannot be used; the message says what to do."""


class SchemaBehind(DatabaseError):
    """The database is at an older migration than the code's newest."""


def make_engine(url: str, *, cipher: Cipher | None = None) -> Engine:
    """An engine for a sqlite:/// or postgresql:// URL; creates a SQLite file's folder.

    `cipher` encrypts and decrypts the personal text columns (bot/storage/crypto.py); an
    engine without one can still migrate an empty database but refuses personal text.
    """
    return bind_cipher(_engine(url), cipher)


def _engine(url: str) -> Engine:
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
    """Apply every pending migration; returns the revision the database is now at.

    Safe when several processes start together: on PostgreSQL they take turns under an
    advisory lock, so the first migrates and the others find nothing to do. A database already
    at a newer release's migration is left alone (an older pod restarting mid-rollout).
    """
    try:
        with _migration_lock(engine):
            revision = current_revision(engine)
            if _is_newer(revision):
                logger.warning("The database is at migration %s, newer than this code", revision)
                return revision or "base"
            command.upgrade(_alembic_config(engine), "head")
            return current_revision(engine) or "base"
    except DBAPIError as error:
        raise DatabaseError(_unreachable(engine, error)) from error


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction; a database that cannot be reached becomes StorageUnavailable."""
    try:
        with engine.begin() as connection:
            yield connection
    except DBAPIError as error:
        if not (isinstance(error, OperationalError) or error.connection_invalidated):
            raise
        raise StorageUnavailable(
            "I can't reach my database just now, so nothing was changed. "
            "Please try again in a minute: everything you entered before is safe."
        ) from error


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock for migrating this schema; nothing to hold on SQLite."""
    if engine.dialect.name != "postgresql":  # SQLite's own write lock serialises migrations
        yield
        return
    key = {"space": MIGRATION_LOCK_SPACE}
    with engine.connect() as connection:
        # A session lock: it outlives the statement's transaction and dies with the connection,
        # so a process killed mid-migration never leaves it held.
        connection.execute(text(f"SELECT pg_advisory_lock({_SCHEMA_LOCK})"), key)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text(f"SELECT pg_advisory_unlock({_SCHEMA_LOCK})"), key)
            connection.commit()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def _known_revisions() -> tuple[str, frozenset[str]]:
    """(the newest revision this code knows, every revision it knows); read once."""
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head, frozenset(revision.revision for revision in script.walk_revisions())


def head_revision() -> str:
    """The newest revision this code knows."""
    return _known_revisions()[0]


def _is_newer(revision: str | None) -> bool:
    """A revision this code does not know: a later release's migration (history is linear)."""
    return revision is not None and revision not in _known_revisions()[1]


def check_ready(engine: Engine) -> None:
    """Raise DatabaseError unless the database is reachable and at or beyond the code's head.

    A newer migration is accepted: during a rolling upgrade the new release migrates first
    (backward-compatibly), and the old pods must stay ready until the new ones are.
    """
    try:
        revision = current_revision(engine)
    except DBAPIError as error:
        raise DatabaseError(_unreachable(engine, error)) from error
    if revision != head_revision() and not _is_newer(revision):
        raise SchemaBehind(
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
