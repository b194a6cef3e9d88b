"""Fixtures for the fault tests: the bot over HTTP, real `lif-coach serve` processes, and (on
PostgreSQL) connections named so a test can cut its own and nobody else's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import POSTGRES_URL
from tests.ops.conftest import chroma_server  # noqa: F401 (pytest finds fixtures by name)
from tests.retrieval.conftest import model_dir  # noqa: F401
from tests.slack.conftest import bot, make_coach, settings, slack, start_bot, user  # noqa: F401


@pytest.fixture
def application_name() -> str:
    """The application_name this test's PostgreSQL connections carry."""
    return f"lif_fault_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def database_url(database_url: str, application_name: str) -> Iterator[str]:  # noqa: F811
    """The shared fixture's database, with connections named after this test on PostgreSQL."""
    yield f"{database_url}&application_name={application_name}" if POSTGRES_URL else database_url
