"""Retrieval benchmark: bare Chroma over the 29 statements vs LIF Coach's retriever.

Also the index build: LIF Coach's `index` of the knowledge plus loading the retriever (its
in-memory snapshot and BM25), against bare Chroma adding the same chunks with the same
embedding function.

Run from the repository root:  .venv/bin/python -m bench.retrieval_eval [--per-attribute]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.content import DEFAULT_KNOWLEDGE_DIR, load_framework
from bot.retrieval.embeddings import make_embeddings
from bot.retrieval.retriever import ChromaRetriever
from bot.retrieval.service import index, knowledge_chunks, open_store
from bot.retrieval.store import make_client, make_vector_store
from bot.settings import Settings

EVAL_FILE = Path(__file__).parent / "data" / "retrieval_eval.jsonl"
Search = Callable[[str], list[str | None]]  # query -> attribute ids, best first


@dataclass(frozen=True)
class Result:
    """Accuracy and latency of one retriever over the evaluation set."""

    name: str
    top1: float
    top3: float
    p50_ms: float
    p95_ms: float
    hits: dict[str, tuple[int, int]]  # attribute id -> (top-1 hits, items)


def load_items(path: Path = EVAL_FILE) -> list[tuple[str, str]]:
    """(text, attribute id) for each line of the evaluation set."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(item["text"], item["attribute_id"]) for item in map(json.loads, filter(None, lines))]


def evaluate(name: str, search: Search, items: list[tuple[str, str]]) -> Result:
    """Run every item through `search` once (after one warm-up query) and score it."""
    search(items[0][0])
    latencies, top1, top3 = [], 0, 0
    hits: dict[str, tuple[int, int]] = {}
    for text, expected in items:
        started = time.perf_counter()
        found = search(text)[:3]
        latencies.append((time.perf_counter() - started) * 1000)
        first = bool(found) and found[0] == expected
        top1 += first
        top3 += expected in found
        done, total = hits.get(expected, (0, 0))
        hits[expected] = (done + first, total + 1)
    cuts = statistics.quantiles(latencies, n=100)
    n = len(items)
    return Result(name, top1 / n, top3 / n, statistics.median(latencies), cuts[94], hits)


def baseline_search(store: Chroma) -> Search:
    """Bare Chroma: nearest one-line statements, as a vector store gives them."""

    def search(text: str) -> list[str | None]:
        found = store.similarity_search_with_score(text, k=3)
        return [doc.metadata.get("attribute_id") for doc, _ in found]

    return search


def build_baseline(settings: Settings, embeddings: Embeddings) -> Chroma:
    """A collection holding only the 29 statements, embedded with the same model."""
    store = make_vector_store(make_client(settings), f"baseline_{uuid.uuid4().hex[:8]}", embeddings)
    attributes = load_framework(settings.knowledge_dir).attributes()
    store.add_texts(
        [a.statement for a in attributes],
        metadatas=[{"attribute_id": a.id} for a in attributes],
        ids=[a.id for a in attributes],
    )
    return store


def build_ours(settings: Settings, embeddings: Embeddings) -> ChromaRetriever:
    """LIF Coach's retriever over a freshly indexed collection."""
    index(settings, embeddings=embeddings)
    return ChromaRetriever(open_store(settings, embeddings), embeddings)


def time_builds(settings: Settings, embeddings: Embeddings) -> tuple[float, float, int]:
    """Seconds to build LIF Coach's index and retriever, and bare Chroma's; chunk count."""
    chunks = knowledge_chunks(settings)
    started = time.perf_counter()
    bare = make_vector_store(make_client(settings), f"bare_{uuid.uuid4().hex[:8]}", embeddings)
    bare.add_texts([c.text for c in chunks], ids=[c.id for c in chunks])
    bare_s = time.perf_counter() - started
    ours_settings = settings.model_copy(update={"chroma_collection": "bench_build"})
    started = time.perf_counter()
    index(ours_settings, embeddings=embeddings)
    ChromaRetriever(open_store(ours_settings, embeddings), embeddings)
    return time.perf_counter() - started, bare_s, len(chunks)


def table(results: list[Result]) -> str:
    """The results as a markdown table."""
    rows = [
        "| retriever | top-1 | top-3 | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(f"| {r.name} | {r.top1:.3f} | {r.top3:.3f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} |")
    return "\n".join(rows)


def per_attribute(result: Result) -> str:
    """Top-1 hits per attribute, weakest first (aggregates only, no item text)."""
    ordered = sorted(result.hits.items(), key=lambda item: item[1][0] / item[1][1])
    return "\n".join(f"{key}: {done}/{total}" for key, (done, total) in ordered)


def main() -> None:
    """Build both indexes in a temporary folder, evaluate them, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-attribute", action="store_true", help="top-1 hits per attribute")
    args = parser.parse_args()
    items = load_items()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            chroma_url=None,
            chroma_collection="bench_ours",
            knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
            documents_dir=None,  # the documents shipped in knowledge/documents, if any
        )
        embeddings = make_embeddings(settings.embedding_model_dir)
        baseline_store = build_baseline(settings, embeddings)
        retriever = build_ours(settings, embeddings)
        baseline = evaluate(
            "baseline: Chroma over 29 statements", baseline_search(baseline_store), items
        )
        ours = evaluate(
            "LIF Coach hybrid", lambda q: [p.attribute_id for p in retriever.search(q, k=3)], items
        )
        ours_build, bare_build, chunks = time_builds(settings, embeddings)
    print(f"{len(items)} labelled texts from {EVAL_FILE.name}\n")
    print(table([baseline, ours]))
    print(
        f"\nlatency vs baseline: p50 x{ours.p50_ms / baseline.p50_ms:.2f}, "
        f"p95 x{ours.p95_ms / baseline.p95_ms:.2f}"
    )
    print(
        f"\nindex build, {chunks} chunks: LIF Coach {ours_build:.2f} s (index and retriever), "
        f"bare Chroma add_texts {bare_build:.2f} s, x{ours_build / bare_build:.2f}"
    )
    if args.per_attribute:
        print("\ntop-1 hits per attribute (ours):\n" + per_attribute(ours))


if __name__ == "__main__":
    main()
