"""Shared fixtures: a fresh database per test, on SQLite or on PostgreSQL.

Set LIF_TEST_DATABASE_URL to a PostgreSQL URL to run every storage-backed test there; each test
then gets a schema of its own, so tests can run in parallel against one database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("LIF_TEST_DATABASE_URL", "")


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the backend under test."""
    if POSTGRES_URL:
        yield from _postgres_schema_url(POSTGRES_URL)
    else:
        yield f"sqlite:///{tmp_path / 'lif-coach.db'}"


@pytest.fixture
def on_postgres() -> bool:
    """Whether this run's storage backend is PostgreSQL."""
    return bool(POSTGRES_URL)
