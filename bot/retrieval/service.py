"""Entry points for the composition root and the CLI: index, make a retriever, search."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.coaching.ports import Retriever
from bot.content import load_framework
from bot.retrieval.chunks import Chunk, build_chunks
from bot.retrieval.embeddings import (
    DEFAULT_MODEL_DIR,
    MODEL_NAME,
    make_embeddings,
    missing_model_files,
)
from bot.retrieval.retriever import ChromaRetriever
from bot.retrieval.store import (
    IndexSummary,
    Progress,
    indexed_hashes,
    make_client,
    make_vector_store,
    sync_index,
)
from bot.settings import Settings

logger = logging.getLogger(__name__)


def knowledge_chunks(settings: Settings) -> list[Chunk]:
    """The chunks the configured knowledge and documents folders should be indexed as."""
    return build_chunks(load_framework(settings.knowledge_dir), settings.effective_documents_dir)


def open_store(settings: Settings, embeddings: Embeddings) -> Chroma:
    """The configured Chroma collection (created empty if it does not exist)."""
    return make_vector_store(make_client(settings), settings.chroma_collection, embeddings)


def index(
    settings: Settings,
    *,
    progress: Progress | None = None,
    embeddings: Embeddings | None = None,
    allow_download: bool = False,
) -> IndexSummary:
    """Bring the collection in line with the knowledge; unchanged chunks are not re-embedded."""
    chunks = knowledge_chunks(settings)
    embeddings = embeddings or make_embeddings(
        settings.embedding_model_dir, allow_download=allow_download
    )
    return sync_index(open_store(settings, embeddings), chunks, progress)


def run_index(
    settings: Settings, echo: Callable[[str], None], *, allow_download: bool = True
) -> IndexSummary:
    """`lif-coach index`: index with progress lines and a summary line through `echo`."""
    target = settings.chroma_url or str(settings.chroma_dir)
    echo(f"Indexing {settings.knowledge_dir} and {settings.effective_documents_dir}")
    echo(f"into collection {settings.chroma_collection!r} at {target}")
    if (
        allow_download
        and not settings.embedding_model_dir
        and missing_model_files(DEFAULT_MODEL_DIR)
    ):
        echo(f"Downloading the embedding model {MODEL_NAME} (about 80 MB) to {DEFAULT_MODEL_DIR}")
    summary = index(
        settings,
        progress=lambda done, total: echo(f"  embedded {done}/{total} chunks"),
        allow_download=allow_download,
    )
    echo(format_summary(summary))
    return summary


def format_summary(summary: IndexSummary) -> str:
    """One line for people: what changed and how long it took."""
    return (
        f"Indexed: {summary.added} added, {summary.updated} updated, {summary.removed} removed, "
        f"{summary.unchanged} unchanged in {summary.seconds:.1f}s"
    )


def make_retriever(settings: Settings, *, embeddings: Embeddings | None = None) -> ChromaRetriever:
    """A ready retriever; indexes first when the collection is empty. Never downloads."""
    embeddings = embeddings or make_embeddings(settings.embedding_model_dir)
    store = open_store(settings, embeddings)
    chunks = knowledge_chunks(settings)
    stored = indexed_hashes(store)
    if not stored:
        logger.info("Chroma collection %s is empty; indexing", settings.chroma_collection)
        sync_index(store, chunks)
    elif stored != {chunk.id: chunk.content_hash for chunk in chunks}:
        logger.warning("The knowledge changed since it was indexed: run `lif-coach index`")
    return ChromaRetriever(store, embeddings)


def search_json(retriever: Retriever, query: str, k: int = 5) -> dict[str, Any]:
    """`lif-coach search --json`: the query and its results, best first."""
    results = [
        {
            "attribute_id": passage.attribute_id,
            "domain": passage.domain_id,
            "text": passage.text,
            "score": round(passage.score, 6),
        }
        for passage in retriever.search(query, k=k)
    ]
    return {"query": query, "results": results}
