"""Shared fixtures: the coach wired to fakes, and a fresh database per test (SQLite or PostgreSQL).

Set LIF_TEST_DATABASE_URL to a PostgreSQL URL to run every storage-backed test there; each test
then gets a schema of its own, so tests can run in parallel against one database.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.coaching.engine import ReflectionService
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.content import load_coach_texts, load_framework, load_question_bank
from tests.fakes import FakeClock, InMemoryReflectionRepository, KeywordRetriever

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


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_framework()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repository() -> InMemoryReflectionRepository:
    return InMemoryReflectionRepository()


@pytest.fixture
def coach(
    framework: Framework, clock: FakeClock, repository: InMemoryReflectionRepository
) -> ReflectionService:
    return ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=repository,
        retriever=KeywordRetriever(framework),
        clock=clock,
    )


@pytest.fixture
def nurse() -> Person:
    return Person(workspace_id="T-TRUST", user_id="U-NURSE")


@pytest.fixture
def colleague() -> Person:
    return Person(workspace_id="T-TRUST", user_id="U-COLLEAGUE")


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """Undo what a test did to logging (the CLI configures the root logger, some tests turn on
    DEBUG), so background threads of later tests never write to a closed capture stream."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    levels = {lg.name: lg.level for lg in loggers}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for lg in logging.root.manager.loggerDict.values():
        if isinstance(lg, logging.Logger):
            lg.setLevel(levels.get(lg.name, logging.NOTSET))
