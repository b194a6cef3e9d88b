"""The real container on the backend under test (SQLite, or PostgreSQL by LIF_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.coaching.models import Person
from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings
from tests.fakes import KeywordRetriever


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def make_coach(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Coach]]:
    """build_coach as the CLI runs it, with any settings changed; every engine is disposed."""
    built: list[Coach] = []

    def make(**changes: Any) -> Coach:
        values = {"data_dir": tmp_path / "data", "database_url": database_url} | changes
        built.append(build_coach(Settings(**values), retriever=KeywordRetriever(load_framework())))
        return built[-1]

    yield make
    for coach in built:
        coach.engine.dispose()


@pytest.fixture
def app(make_coach: Callable[..., Coach]) -> Coach:
    return make_coach()


@pytest.fixture
def lead() -> Person:
    return Person(workspace_id="T-TRUST", user_id="U-LEAD")
