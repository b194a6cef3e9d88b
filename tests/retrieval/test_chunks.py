"""Chunking: stable ids, content hashes, and markdown split by headings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.content import load_framework
from bot.retrieval.chunks import DOCUMENT_CHUNK_CHARS, attribute_chunks, build_chunks
from bot.retrieval.markdown import split_paragraphs, split_sections


def test_every_chunk_has_a_unique_stable_id() -> None:
    framework = load_framework()

    first = build_chunks(framework, None)
    second = build_chunks(framework, None)

    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert {c.kind for c in first} >= {"statement", "description", "why", "example", "section"}


def test_attribute_chunks_carry_their_labels_and_no_empty_metadata() -> None:
    attribute = load_framework().attribute("I7")

    chunks = attribute_chunks(attribute)

    assert {c.attribute_id for c in chunks} == {"I7"}
    assert all(c.metadata()["domain_id"] == "improvement" for c in chunks)
    assert all(value for c in chunks for value in c.metadata().values())


def test_the_content_hash_follows_the_text() -> None:
    statement = attribute_chunks(load_framework().attribute("I7"))[0]

    edited = replace(statement, text=statement.text + " Edited.")

    assert edited.id == statement.id
    assert edited.content_hash != statement.content_hash


def test_markdown_sections_keep_their_heading_trail() -> None:
    text = "# Guide\nIntro.\n## Measures\nPick three.\n```\n# not a heading\n```\n### SPC\nPlot."

    sections = split_sections(text)

    assert sections == [
        ("Guide", "Intro."),
        ("Guide > Measures", "Pick three.\n```\n# not a heading\n```"),
        ("Guide > Measures > SPC", "Plot."),
    ]


def test_long_sections_are_split_into_pieces_of_sensible_size() -> None:
    body = "\n\n".join(f"Paragraph {n}. " + "Words about flow. " * 20 for n in range(10))

    pieces = split_paragraphs(body, DOCUMENT_CHUNK_CHARS)

    assert len(pieces) > 1
    assert all(len(piece) <= DOCUMENT_CHUNK_CHARS for piece in pieces)
    assert " ".join(pieces).split() == body.split()


def test_documents_become_chunks_named_after_their_file(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("# Guide\n## Measures\nPick three measures.")
    (tmp_path / "notes.txt").write_text("not markdown")

    chunks = [c for c in build_chunks(load_framework(), tmp_path) if c.kind == "document"]

    assert [(c.id, c.source, c.attribute_id) for c in chunks] == [
        ("document:guide.md:0", "guide.md", None)
    ]
    assert chunks[0].text == "Guide > Measures\nPick three measures."
