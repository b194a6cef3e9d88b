"""Search and context over the real knowledge and model (one shared, read-only index)."""

from __future__ import annotations

import json

import pytest

from bot.content import load_framework
from bot.retrieval.retriever import ChromaRetriever
from bot.retrieval.service import search_json

# Written for these tests: neither in the knowledge nor in the evaluation set.
RANKING_CASES = [
    ("I never know whether my changes actually made a difference, I don't track anything", "I7"),
    ("Patients wait hours in the corridor because beds only free up late in the afternoon", "I4"),
    ("My team is anxious and worn out by one reorganisation after another, and resists it", "I8"),
    ("I have never asked patients or their carers what they think of our discharge process", "I2"),
    ("The pilot on our ward worked well but no other ward has picked it up", "I10"),
]


@pytest.mark.parametrize(("text", "expected"), RANKING_CASES)
def test_a_reflection_finds_its_attribute_in_the_top_three(
    shared_retriever: ChromaRetriever, text: str, expected: str
) -> None:
    found = [p.attribute_id for p in shared_retriever.search(text, k=3)]

    assert expected in found


def test_results_are_best_first_and_at_most_one_per_attribute(
    shared_retriever: ChromaRetriever,
) -> None:
    passages = shared_retriever.search("we keep changing things but nothing sticks", k=10)

    attribute_ids = [p.attribute_id for p in passages if p.attribute_id]
    scores = [p.score for p in passages]
    assert 1 < len(passages) <= 10
    assert len(attribute_ids) == len(set(attribute_ids))
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_an_organisation_document_is_found(shared_retriever: ChromaRetriever) -> None:
    best = shared_retriever.search("when does the staff canteen open in the morning", k=3)[0]

    assert (best.kind, best.source, best.attribute_id) == ("document", "staff-bulletin.md", None)
    assert "7am" in best.text


def test_off_topic_text_matches_no_attribute(shared_retriever: ChromaRetriever) -> None:
    passages = shared_retriever.search("the weather is lovely today", k=3)

    assert [p.attribute_id for p in passages if p.attribute_id] == []


def test_an_empty_query_finds_nothing(shared_retriever: ChromaRetriever) -> None:
    assert shared_retriever.search("   ", k=3) == []


def test_context_is_short_and_never_the_statement(shared_retriever: ChromaRetriever) -> None:
    for attribute in load_framework().attributes():
        passage = shared_retriever.context_for(attribute)

        assert passage is not None
        assert attribute.statement not in passage.text
        assert len(passage.text) <= 400, attribute.id


def test_context_prefers_a_matching_organisation_document(
    shared_retriever: ChromaRetriever,
) -> None:
    framework = load_framework()

    measurement = shared_retriever.context_for(framework.attribute("I7"))
    vision = shared_retriever.context_for(framework.attribute("L1"))

    assert measurement is not None and measurement.source == "measurement-guide.md"
    assert "run chart" in measurement.text
    assert vision is not None and vision.kind == "description"


def test_search_json_lists_results_for_the_cli(shared_retriever: ChromaRetriever) -> None:
    text = "I never know whether my changes actually made a difference, I don't track anything"

    payload = search_json(shared_retriever, text, k=2)

    assert payload["query"] == text
    assert len(payload["results"]) <= 2
    first = payload["results"][0]
    assert set(first) == {"attribute_id", "domain", "text", "score"}
    assert (first["attribute_id"], first["domain"]) == ("I7", "improvement")
    assert json.loads(json.dumps(payload)) == payload
