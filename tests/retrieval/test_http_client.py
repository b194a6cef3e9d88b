"""LIF_CHROMA_URL: the index lives on a Chroma server (`chroma run`), reached by HttpClient."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest
from langchain_core.embeddings import Embeddings

from bot.retrieval.service import index, make_retriever
from bot.retrieval.store import chroma_endpoint
from tests.retrieval.conftest import SettingsFactory

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(f"{url}/api/v2/heartbeat", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"chroma run did not come up at {url}")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Chroma server of this test module's own, on a free port."""
    if CHROMA is None:
        pytest.skip("the chroma command is not installed")
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    command = [CHROMA, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_index_is_written_to_the_server(
    chroma_url: str, make_settings: SettingsFactory, small_knowledge: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(chroma_url=chroma_url, knowledge_dir=small_knowledge)

    summary = index(settings, embeddings=embeddings)
    retriever = make_retriever(settings, embeddings=embeddings)

    host, port, _ = chroma_endpoint(chroma_url)
    on_server = chromadb.HttpClient(host=host, port=port).get_collection(settings.chroma_collection)
    assert on_server.count() == summary.added > 0
    assert not settings.chroma_dir.exists()
    assert retriever.search("a shared vision and purpose for the team", k=1)


def test_the_url_gives_host_port_and_tls() -> None:
    assert chroma_endpoint("http://chroma:8001") == ("chroma", 8001, False)
    assert chroma_endpoint("https://chroma.example.org") == ("chroma.example.org", 443, True)
    assert chroma_endpoint("http://localhost") == ("localhost", 8000, False)
