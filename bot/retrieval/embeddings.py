"""Chroma's default embedding model (ONNX all-MiniLM-L6-v2) as a LangChain `Embeddings`."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2
from langchain_core.embeddings import Embeddings

MODEL_NAME = ONNXMiniLM_L6_V2.MODEL_NAME
MODEL_FILES = (
    "config.json",
    "model.onnx",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.txt",
)
DEFAULT_MODEL_DIR = ONNXMiniLM_L6_V2.DOWNLOAD_PATH / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME


class EmbeddingModelMissing(RuntimeError):
    """The embedding model's files are not on disk and may not or could not be downloaded."""

    def __init__(self, model_dir: Path, missing: list[str], reason: str = "") -> None:
        self.model_dir = model_dir
        self.missing = missing
        super().__init__(_missing_message(model_dir, missing, reason))


def _missing_message(model_dir: Path, missing: list[str], reason: str) -> str:
    lines = [
        f"The embedding model {MODEL_NAME} is missing from {model_dir}"
        f" (missing: {', '.join(missing)}).{' ' + reason if reason else ''}",
        "To fix it, do one of these:",
        f"  - copy the model's onnx folder (the files {', '.join(MODEL_FILES)}) to {model_dir}/",
        "  - or set LIF_EMBEDDING_MODEL_DIR to a folder that holds those six files",
    ]
    if model_dir == DEFAULT_MODEL_DIR:
        lines.append("  - or run `lif-coach index` once on a machine that can reach the internet")
    return "\n".join(lines)


def missing_model_files(model_dir: Path) -> list[str]:
    """The model files that are not in this folder."""
    return [name for name in MODEL_FILES if not (model_dir / name).is_file()]


class _UnpaddedMiniLM(ONNXMiniLM_L6_V2):
    """Chroma's function without its padding of every text to 256 tokens.

    Mean pooling ignores padding, so the vectors are the same; a short query embeds
    about 20 times faster. Without padding, texts of different lengths cannot share
    a batch, so each text is its own batch.
    """

    @cached_property
    def tokenizer(self) -> Any:
        tokenizer = super().tokenizer
        tokenizer.no_padding()
        return tokenizer

    def _forward(self, documents: list[str], batch_size: int = 32) -> npt.NDArray[np.float32]:
        return np.concatenate([super(_UnpaddedMiniLM, self)._forward([d], 1) for d in documents])


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 on onnxruntime, loaded from one folder of model files."""

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        self.model_dir = model_dir
        self._function = _UnpaddedMiniLM()
        # Chroma reads the model from DOWNLOAD_PATH / EXTRACTED_FOLDER_NAME.
        self._function.DOWNLOAD_PATH = model_dir.parent
        self._function.EXTRACTED_FOLDER_NAME = model_dir.name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One normalised vector per text."""
        if not texts:
            return []
        return [vector.tolist() for vector in self._function(texts)]

    def embed_query(self, text: str) -> list[float]:
        """The normalised vector of one text."""
        return self.embed_documents([text])[0]


def make_embeddings(model_dir: Path | None = None, *, allow_download: bool = False) -> Embeddings:
    """The embedding model, checked (and warmed up) before anything is indexed or searched.

    A configured `model_dir` must hold the model; only Chroma's own cache folder may be
    filled by a download, and only with `allow_download`.
    """
    folder = model_dir or DEFAULT_MODEL_DIR
    missing = missing_model_files(folder)
    if missing and (model_dir is not None or not allow_download):
        raise EmbeddingModelMissing(folder, missing)
    embeddings = MiniLMEmbeddings(folder)
    try:
        embeddings.embed_query("warm up")  # downloads into Chroma's cache if allowed and needed
    except (httpx.HTTPError, OSError, ValueError) as error:
        raise EmbeddingModelMissing(folder, missing, f"Download failed: {error}") from error
    return embeddings
