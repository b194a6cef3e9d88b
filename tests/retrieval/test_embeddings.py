"""The embedding model: loaded from a folder, checked up front, never downloaded in tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2
from langchain_core.embeddings import Embeddings

from bot.retrieval import service
from bot.retrieval.embeddings import MODEL_FILES, EmbeddingModelMissing, make_embeddings
from tests.retrieval.conftest import SettingsFactory


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to download the model fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to download the embedding model")

    monkeypatch.setattr("httpx.stream", refuse)


def test_missing_model_raises_with_instructions(tmp_path: Path, no_network: None) -> None:
    with pytest.raises(EmbeddingModelMissing) as raised:
        make_embeddings(tmp_path)

    message = str(raised.value)
    assert str(tmp_path) in message
    assert "LIF_EMBEDDING_MODEL_DIR" in message
    assert "copy the model's onnx folder" in message
    assert all(name in message for name in MODEL_FILES)


def test_a_configured_folder_is_never_filled_by_a_download(
    tmp_path: Path, no_network: None
) -> None:
    (tmp_path / "config.json").write_text("{}")

    with pytest.raises(EmbeddingModelMissing) as raised:
        make_embeddings(tmp_path, allow_download=True)

    assert "config.json" not in raised.value.missing
    assert "model.onnx" in raised.value.missing


def test_make_retriever_reports_a_missing_model(
    make_settings: SettingsFactory, tmp_path: Path, no_network: None
) -> None:
    empty = tmp_path / "model"
    empty.mkdir()

    with pytest.raises(EmbeddingModelMissing, match="LIF_EMBEDDING_MODEL_DIR"):
        service.make_retriever(make_settings(embedding_model_dir=empty))


def test_a_configured_folder_is_used(tmp_path: Path, model_dir: Path) -> None:
    local = tmp_path / "air-gapped" / "onnx"
    local.mkdir(parents=True)
    for name in MODEL_FILES:
        (local / name).symlink_to(model_dir / name)

    vector = make_embeddings(local).embed_query("Sets up measurement to demonstrate impact.")

    assert len(vector) == 384
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)


def test_vectors_match_chromas_own_function(embeddings: Embeddings) -> None:
    texts = ["short", "Sets up measurement to demonstrate impact and gain insight into variation."]

    ours = np.array(embeddings.embed_documents(texts))
    chromas = np.array(ONNXMiniLM_L6_V2()(texts))

    assert (ours * chromas).sum(axis=1) == pytest.approx([1.0, 1.0], abs=1e-4)
