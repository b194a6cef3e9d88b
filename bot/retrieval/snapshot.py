"""What a retriever keeps in memory, read once from the collection."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from langchain_chroma import Chroma

from bot.retrieval.chunks import Chunk
from bot.retrieval.lexical import BM25

Vector = npt.NDArray[np.float32]


def result_key(chunk: Chunk) -> str:
    """One result per attribute; sections and document chunks are results of their own."""
    return chunk.attribute_id or chunk.id


def chunks_from(stored: Mapping[str, Any]) -> list[Chunk]:
    """Chunks rebuilt from the documents and metadata of a Chroma `get`."""
    return [
        Chunk(
            id=chunk_id,
            text=text or "",
            kind=str(meta.get("kind", "")),
            source=str(meta.get("source", "")),
            attribute_id=str(meta["attribute_id"]) if meta.get("attribute_id") else None,
            domain_id=str(meta["domain_id"]) if meta.get("domain_id") else None,
            heading=str(meta.get("heading", "")),
        )
        for chunk_id, text, meta in zip(
            stored["ids"], stored["documents"], stored["metadatas"], strict=True
        )
    ]


class IndexSnapshot:
    """Chunks and vectors, one prototype vector and one BM25 text per result key."""

    def __init__(self, chunks: list[Chunk], vectors: Vector) -> None:
        self.chunks = {chunk.id: chunk for chunk in chunks}
        groups: dict[str, list[int]] = defaultdict(list)
        for row, chunk in enumerate(chunks):
            groups[result_key(chunk)].append(row)
        self.keys = list(groups)
        self._rows = {chunk.id: row for row, chunk in enumerate(chunks)}
        self._key_rows = {key: row for row, key in enumerate(self.keys)}
        attribute_ids = {chunk.attribute_id for chunk in chunks if chunk.attribute_id}
        self._attribute_rows = sorted(self._key_rows[key] for key in attribute_ids)
        self._vectors = vectors
        self._prototypes = _normalised_means(vectors, list(groups.values()))
        self._lexical = BM25(["\n".join(chunks[row].text for row in g) for g in groups.values()])
        self.has_documents = any(chunk.kind == "document" for chunk in chunks)

    @classmethod
    def load(cls, store: Chroma) -> IndexSnapshot:
        """Everything in the store's collection."""
        stored = store.get(include=["documents", "metadatas", "embeddings"])
        vectors = np.asarray(stored["embeddings"], dtype=np.float32).reshape(len(stored["ids"]), -1)
        return cls(chunks_from(stored), vectors)

    def prototype_scores(self, vector: Vector) -> dict[str, float]:
        """Result key -> cosine similarity of the vector to the key's prototype."""
        return dict(zip(self.keys, (self._prototypes @ vector).tolist(), strict=True))

    def lexical_scores(self, query: str) -> dict[str, float]:
        """Result key -> BM25 score of the query against all of the key's text."""
        return dict(zip(self.keys, self._lexical.scores(query).tolist(), strict=True))

    def prototype(self, key: str) -> Vector | None:
        """The prototype vector of a result key, if it is indexed."""
        row = self._key_rows.get(key)
        return None if row is None else self._prototypes[row]

    def nearest_attribute(self, chunk_id: str) -> str | None:
        """The attribute whose prototype is most similar to this chunk."""
        if not self._attribute_rows:
            return None
        similarities = self._prototypes[self._attribute_rows] @ self._vectors[self._rows[chunk_id]]
        return self.keys[self._attribute_rows[int(np.argmax(similarities))]]

    def representative(self, key: str) -> Chunk:
        """The chunk that stands for a result: an attribute's statement, else its first chunk."""
        chunks = [chunk for chunk in self.chunks.values() if result_key(chunk) == key]
        return next((chunk for chunk in chunks if chunk.kind == "statement"), chunks[0])


def _normalised_means(vectors: Vector, groups: list[list[int]]) -> Vector:
    if not groups:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    means = np.stack([vectors[rows].mean(axis=0) for rows in groups])
    return (means / np.linalg.norm(means, axis=1, keepdims=True)).astype(np.float32)
