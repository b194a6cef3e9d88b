"""The pieces of knowledge that get indexed: framework attributes, sections and documents."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.coaching.framework import Attribute, Framework
from bot.retrieval.embeddings import MODEL_NAME
from bot.retrieval.markdown import split_paragraphs, split_sections

DOCUMENT_CHUNK_CHARS = 700  # MiniLM reads at most 256 tokens, roughly 1,000 characters


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of text with a stable id and the facts needed to cite it."""

    id: str
    text: str
    kind: str
    source: str = "framework"
    attribute_id: str | None = None
    domain_id: str | None = None
    heading: str = ""  # a document chunk's heading trail, which starts its text

    @property
    def content_hash(self) -> str:
        """Changes whenever the text, its labels or the embedding model change."""
        key = "|".join(
            [MODEL_NAME, self.kind, self.source, self.attribute_id or "", self.domain_id or ""]
        )
        return hashlib.sha256(f"{key}|{self.text}".encode()).hexdigest()[:16]

    def metadata(self) -> dict[str, str]:
        """Chroma metadata; absent labels are left out because Chroma stores no None."""
        labels = {
            "attribute_id": self.attribute_id,
            "domain_id": self.domain_id,
            "heading": self.heading,
        }
        present = {key: value for key, value in labels.items() if value}
        return {"kind": self.kind, "source": self.source, "hash": self.content_hash, **present}


def attribute_chunks(attribute: Attribute) -> list[Chunk]:
    """The statement, description, why it matters, each example and the keywords."""
    enrichment = attribute.enrichment
    texts = [
        ("statement", attribute.statement),
        ("description", enrichment.description),
        ("why", enrichment.why_it_matters),
        *(("example", example) for example in enrichment.example_situations),
    ]
    if enrichment.keywords:
        texts.append(("keywords", f"{attribute.short_name}: {', '.join(enrichment.keywords)}"))
    return [
        Chunk(
            id=f"{attribute.id}:{kind}:{number}",
            text=text,
            kind=kind,
            attribute_id=attribute.id,
            domain_id=attribute.domain_id,
        )
        for number, (kind, text) in enumerate(texts)
    ]


def framework_chunks(framework: Framework) -> list[Chunk]:
    """Chunks for every attribute and for the framework's own sections."""
    chunks = [chunk for a in framework.attributes() for chunk in attribute_chunks(a)]
    sections = [
        Chunk(id=f"section:{s.id}", text=f"{s.title}\n{s.text}", kind="section")
        for s in framework.sections
    ]
    return chunks + sections


def document_chunks(path: Path) -> list[Chunk]:
    """One markdown file split by headings into chunks of at most about 700 characters."""
    text = path.read_text(encoding="utf-8")
    pieces = [
        (heading, piece)
        for heading, body in split_sections(text)
        for piece in split_paragraphs(body, DOCUMENT_CHUNK_CHARS)
    ]
    return [
        Chunk(
            id=f"document:{path.name}:{number}",
            text=f"{heading}\n{piece}" if heading else piece,
            kind="document",
            source=path.name,
            heading=heading,
        )
        for number, (heading, piece) in enumerate(pieces)
    ]


def build_chunks(framework: Framework, documents_dir: Path | None) -> list[Chunk]:
    """Everything to index: the framework, then each *.md document in the folder."""
    chunks = framework_chunks(framework)
    if documents_dir is not None and documents_dir.is_dir():
        for path in sorted(documents_dir.glob("*.md")):
            chunks.extend(document_chunks(path))
    return chunks
