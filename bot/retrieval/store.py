"""The Chroma vector store and idempotent indexing keyed by content hash."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.retrieval.chunks import Chunk
from bot.settings import Settings

Progress = Callable[[int, int], None]
BATCH_SIZE = 64


@dataclass(frozen=True)
class IndexSummary:
    """What one indexing run changed, and how long it took."""

    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float

    @property
    def embedded(self) -> int:
        """How many chunks were embedded in this run."""
        return self.added + self.updated


def make_client(settings: Settings) -> ClientAPI:
    """An HttpClient for LIF_CHROMA_URL when set, else an embedded PersistentClient."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=settings.chroma_dir, settings=chroma_settings)
    host, port, ssl = chroma_endpoint(settings.chroma_url)
    return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)


def chroma_endpoint(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL; the port defaults to 443 or 8000."""
    parts = urlsplit(url)
    ssl = parts.scheme == "https"
    return parts.hostname or "localhost", parts.port or (443 if ssl else 8000), ssl


def make_vector_store(client: ClientAPI, collection: str, embeddings: Embeddings) -> Chroma:
    """The LangChain Chroma store over one collection, compared by cosine distance."""
    return Chroma(
        collection_name=collection,
        embedding_function=embeddings,
        client=client,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


def indexed_hashes(store: Chroma) -> dict[str, str]:
    """Chunk id -> content hash of everything in the collection."""
    stored = store.get(include=["metadatas"])
    return {
        chunk_id: str((metadata or {}).get("hash", ""))
        for chunk_id, metadata in zip(stored["ids"], stored["metadatas"], strict=True)
    }


def sync_index(
    store: Chroma, chunks: Sequence[Chunk], progress: Progress | None = None
) -> IndexSummary:
    """Make the collection hold exactly these chunks, embedding only new or changed ones."""
    started = time.perf_counter()
    existing = indexed_hashes(store)
    wanted = {chunk.id: chunk for chunk in chunks}
    stale = [chunk for chunk in wanted.values() if existing.get(chunk.id) != chunk.content_hash]
    removed = [chunk_id for chunk_id in existing if chunk_id not in wanted]
    if removed:
        store.delete(ids=removed)
    _embed(store, stale, progress)
    updated = sum(1 for chunk in stale if chunk.id in existing)
    return IndexSummary(
        added=len(stale) - updated,
        updated=updated,
        removed=len(removed),
        unchanged=len(wanted) - len(stale),
        seconds=round(time.perf_counter() - started, 3),
    )


def _embed(store: Chroma, chunks: list[Chunk], progress: Progress | None) -> None:
    for start in range(0, len(chunks), BATCH_SIZE):
        batch = chunks[start : start + BATCH_SIZE]
        # add_texts upserts, so a changed chunk replaces its old vector under the same id.
        store.add_texts(
            [chunk.text for chunk in batch],
            metadatas=[chunk.metadata() for chunk in batch],
            ids=[chunk.id for chunk in batch],
        )
        if progress:
            progress(start + len(batch), len(chunks))
