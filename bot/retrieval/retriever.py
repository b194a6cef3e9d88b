"""The Retriever port on Chroma: dense and BM25 rankings fused per attribute."""

from __future__ import annotations

import re

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.coaching.framework import Attribute
from bot.coaching.ports import Passage
from bot.retrieval.chunks import Chunk
from bot.retrieval.fusion import RRF_K, best_per_key, ranks, reciprocal_rank_fusion
from bot.retrieval.snapshot import IndexSnapshot, result_key

DENSE_CANDIDATES = 60
# Weights of the three rankings fused per result (measured with bench/retrieval_eval.py):
# similarity to the mean vector of all of an attribute's chunks (a prototype), BM25 over
# all of its text, and similarity to its single closest chunk.
PROTOTYPE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
BEST_CHUNK_WEIGHT = 0.5
TOP_SCORE = (PROTOTYPE_WEIGHT + LEXICAL_WEIGHT + BEST_CHUNK_WEIGHT) / (RRF_K + 1)
# A result needs one chunk at least this similar to the query: off-topic text ("where do
# I park?") reaches about 0.15-0.27 against the framework, on-topic text 0.3 and more.
MIN_SIMILARITY = 0.25
DOCUMENT_CONTEXT_MIN_SIMILARITY = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

BestChunks = dict[str, tuple[str, float]]  # result key -> (chunk id, cosine similarity)


def first_sentences(text: str, count: int = 2) -> str:
    """The first `count` sentences of a text, whitespace tidied."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    return " ".join(sentences[:count])


class ChromaRetriever:
    """Searches the indexed knowledge; its in-memory state is read once from the collection."""

    def __init__(self, store: Chroma, embeddings: Embeddings) -> None:
        self._store = store
        self._embeddings = embeddings
        self._snapshot = IndexSnapshot.load(store)
        self._contexts: dict[str, Passage] = {}

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        """Best passages first, at most one per attribute, scored in (0, 1]."""
        if not query.strip() or not self._snapshot.chunks:
            return []
        vector = self._embeddings.embed_query(query)
        best_chunks = self._best_chunks(vector)
        fused = reciprocal_rank_fusion(
            [
                (ranks(self._snapshot.prototype_scores(np.asarray(vector))), PROTOTYPE_WEIGHT),
                (ranks(self._snapshot.lexical_scores(query)), LEXICAL_WEIGHT),
                (ranks({key: score for key, (_, score) in best_chunks.items()}), BEST_CHUNK_WEIGHT),
            ]
        )
        best = sorted(best_chunks, key=lambda key: -fused[key])[:k]
        return [self._passage(key, best_chunks[key][0], fused[key] / TOP_SCORE) for key in best]

    def _best_chunks(self, vector: list[float]) -> BestChunks:
        found = self._store.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(DENSE_CANDIDATES, len(self._snapshot.chunks))
        )
        chunks = self._snapshot.chunks
        return best_per_key(
            (result_key(chunks[doc.id]), doc.id, 1.0 - distance)  # cosine distance
            for doc, distance in found
            if doc.id in chunks and 1.0 - distance >= MIN_SIMILARITY
        )

    def _passage(self, key: str, chunk_id: str, score: float) -> Passage:
        chunk = self._snapshot.chunks[chunk_id]
        if chunk.kind == "keywords":  # a list of words reads badly as a passage
            chunk = self._snapshot.representative(key)
        return _to_passage(chunk, chunk.text, score)

    def heartbeat(self) -> int:
        """Ask the Chroma client whether it answers (a server's heartbeat, in nanoseconds)."""
        return int(self._store._client.heartbeat())  # langchain-chroma keeps its client there

    def context_for(self, attribute: Attribute) -> Passage | None:
        """A matching organisation document, else the attribute's own description."""
        if attribute.id not in self._contexts:
            found = self._document_context(attribute) or _description(attribute)
            self._contexts[attribute.id] = found
        return self._contexts[attribute.id]

    def _document_context(self, attribute: Attribute) -> Passage | None:
        prototype = self._snapshot.prototype(attribute.id)
        if prototype is None or not self._snapshot.has_documents:
            return None
        found = self._store.similarity_search_by_vector_with_relevance_scores(
            prototype.tolist(), k=3, filter={"kind": "document"}
        )
        for doc, distance in found:
            if 1.0 - distance >= DOCUMENT_CONTEXT_MIN_SIMILARITY and self._about(doc.id, attribute):
                chunk = self._snapshot.chunks[str(doc.id)]
                body = chunk.text.removeprefix(chunk.heading)
                return _to_passage(chunk, first_sentences(body), 1.0 - distance)
        return None

    def _about(self, chunk_id: str | None, attribute: Attribute) -> bool:
        # A document chunk is context only for the attribute it is closest to.
        if chunk_id is None or chunk_id not in self._snapshot.chunks:
            return False
        return self._snapshot.nearest_attribute(chunk_id) == attribute.id


def _description(attribute: Attribute) -> Passage:
    return Passage(
        text=first_sentences(attribute.enrichment.description),
        score=1.0,
        attribute_id=attribute.id,
        domain_id=attribute.domain_id,
        kind="description",
    )


def _to_passage(chunk: Chunk, text: str, score: float) -> Passage:
    return Passage(
        text=text,
        score=score,
        attribute_id=chunk.attribute_id,
        domain_id=chunk.domain_id,
        kind=chunk.kind,
        source=chunk.source,
    )
