"""Indexing is idempotent: keyed by content hash, it embeds only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from langchain_core.embeddings import Embeddings

from bot.retrieval.service import index, make_retriever, open_store, run_index
from tests.retrieval.conftest import DOCUMENTS, SettingsFactory


class CountingEmbeddings(Embeddings):
    """The real model, counting how many texts it embedded."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _edit_first_example(knowledge: Path, new_text: str) -> str:
    path = knowledge / "framework.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    attribute = data["domains"][0]["attributes"][0]
    examples = attribute["enrichment"]["example_situations"]
    old, examples[0] = examples[0], new_text
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return old


def test_a_second_run_embeds_nothing(
    make_settings: SettingsFactory, small_knowledge: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(knowledge_dir=small_knowledge)
    counting = CountingEmbeddings(embeddings)

    first = index(settings, embeddings=counting)
    counting.embedded = 0
    second = index(settings, embeddings=counting)

    assert first.added > 0 and first.embedded == first.added
    assert counting.embedded == 0
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == first.added


def test_a_changed_chunk_replaces_its_old_version(
    make_settings: SettingsFactory, small_knowledge: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(knowledge_dir=small_knowledge)
    index(settings, embeddings=embeddings)
    new_text = "Nobody on my ward can say in a sentence what our team is for."
    old_text = _edit_first_example(small_knowledge, new_text)
    counting = CountingEmbeddings(embeddings)

    summary = index(settings, embeddings=counting)

    assert (summary.added, summary.updated, summary.removed) == (0, 1, 0)
    assert counting.embedded == 1
    stored = open_store(settings, embeddings).get(ids=["L1:example:3"])["documents"]
    assert stored == [new_text]
    assert old_text != new_text


def test_a_removed_document_is_deleted(
    make_settings: SettingsFactory, small_knowledge: Path, embeddings: Embeddings, tmp_path: Path
) -> None:
    documents = tmp_path / "org-docs"
    shutil.copytree(DOCUMENTS, documents)
    settings = make_settings(knowledge_dir=small_knowledge, documents_dir=documents)
    with_documents = index(settings, embeddings=embeddings)
    (documents / "staff-bulletin.md").unlink()

    summary = index(settings, embeddings=embeddings)

    store = open_store(settings, embeddings)
    sources = {m["source"] for m in store.get(include=["metadatas"])["metadatas"]}
    assert summary.removed == 2 and summary.added == 0
    assert "staff-bulletin.md" not in sources and "measurement-guide.md" in sources
    assert summary.unchanged == with_documents.added - 2


def test_run_index_reports_progress_and_a_summary(
    make_settings: SettingsFactory, small_knowledge: Path, model_dir: Path
) -> None:
    lines: list[str] = []

    summary = run_index(make_settings(knowledge_dir=small_knowledge), lines.append)

    assert any(line.startswith("  embedded ") for line in lines)
    assert lines[-1].startswith(f"Indexed: {summary.added} added, 0 updated, 0 removed")


def test_make_retriever_indexes_an_empty_collection(
    make_settings: SettingsFactory, small_knowledge: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(knowledge_dir=small_knowledge)

    retriever = make_retriever(settings, embeddings=embeddings)

    assert retriever.search("our shared vision and purpose as a team", k=1)
    assert index(settings, embeddings=embeddings).embedded == 0
