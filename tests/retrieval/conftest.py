"""Retrieval fixtures: the real embedding model, and a fresh Chroma folder and collection per test.

The model comes from the shared folder (LIF_SHARED_DIR, default ../shared beside the repository)
and is copied into Chroma's cache, so no test ever downloads anything.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from langchain_core.embeddings import Embeddings

from bot.content import DEFAULT_KNOWLEDGE_DIR
from bot.retrieval.embeddings import DEFAULT_MODEL_DIR, make_embeddings, missing_model_files
from bot.retrieval.retriever import ChromaRetriever
from bot.retrieval.service import index, open_store
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = Path(__file__).parent / "data" / "documents"

SettingsFactory = Callable[..., Settings]


def _shared_model_dir() -> Path:
    shared = Path(os.environ.get("LIF_SHARED_DIR") or REPO.parent / "shared")
    return shared / "models" / "all-MiniLM-L6-v2" / "onnx"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Chroma's model folder, filled from the shared copy when files are missing."""
    if missing_model_files(DEFAULT_MODEL_DIR):
        source = _shared_model_dir()
        if missing_model_files(source):
            pytest.fail(f"The embedding model is neither in {DEFAULT_MODEL_DIR} nor in {source}")
        DEFAULT_MODEL_DIR.mkdir(parents=True, exist_ok=True)
        for name in missing_model_files(DEFAULT_MODEL_DIR):
            # Copy, then rename: parallel workers must never see half a file.
            partial = DEFAULT_MODEL_DIR / f".{name}.{uuid.uuid4().hex}"
            shutil.copyfile(source / name, partial)
            os.replace(partial, DEFAULT_MODEL_DIR / name)
    return DEFAULT_MODEL_DIR


@pytest.fixture(scope="session")
def embeddings(model_dir: Path) -> Embeddings:
    """The real embedding model, loaded once per test session."""
    return make_embeddings()


def _settings(data_dir: Path, **overrides: Any) -> Settings:
    # Explicit values, so a developer's LIF_* environment cannot leak into a test.
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "chroma_url": None,
        "chroma_collection": f"test_{uuid.uuid4().hex[:12]}",
        "knowledge_dir": DEFAULT_KNOWLEDGE_DIR,
        "documents_dir": data_dir / "documents",
        "embedding_model_dir": None,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def make_settings(tmp_path: Path) -> SettingsFactory:
    """Settings on a fresh folder and collection; keyword arguments override fields."""
    return lambda **overrides: _settings(tmp_path, **overrides)


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    """A knowledge folder with the real framework cut to two attributes per domain."""
    data = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "framework.yaml").read_text(encoding="utf-8"))
    for domain in data["domains"]:
        domain["attributes"] = domain["attributes"][:2]
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "framework.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def shared_retriever(
    tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings
) -> ChromaRetriever:
    """One index of the real knowledge and the sample documents, for read-only tests."""
    settings = _settings(tmp_path_factory.mktemp("shared"), documents_dir=DOCUMENTS)
    index(settings, embeddings=embeddings)
    return ChromaRetriever(open_store(settings, embeddings), embeddings)
