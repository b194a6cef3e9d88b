"""Fixtures for the operations tests: the bot over HTTP (as in tests/slack), real `lif-coach
serve` processes, and a Chroma server of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.processes import ChromaServer
from tests.retrieval.conftest import model_dir  # noqa: F401 (pytest finds fixtures by name)
from tests.slack.conftest import (  # noqa: F401
    bot,
    make_coach,
    settings,
    slack,
    start_bot,
    user,
)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A `chroma run` server on a free port, with its data in this test's folder."""
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()
