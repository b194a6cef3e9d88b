"""Retrieval over the framework knowledge with Chroma: the Retriever port's adapter."""

from bot.retrieval.embeddings import EmbeddingModelMissing, make_embeddings
from bot.retrieval.retriever import ChromaRetriever
from bot.retrieval.service import index, make_retriever, run_index, search_json
from bot.retrieval.store import IndexSummary

__all__ = [
    "ChromaRetriever",
    "EmbeddingModelMissing",
    "IndexSummary",
    "index",
    "make_embeddings",
    "make_retriever",
    "run_index",
    "search_json",
]
