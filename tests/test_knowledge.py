"""The framework data matches the NHS seed text word for word, and the question bank is complete."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.content import load_coach_texts, load_framework, load_question_bank

SHARED = Path(os.environ.get("LIF_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
SEED = SHARED / "seed" / "leading-improvement-framework.md"


def _seed_bullets() -> dict[str, list[str]]:
    """The bullet statements of each domain section of the seed, in order."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+ \**(Leadership|Improvement|Care delivery systems):", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
        elif line.startswith("#"):
            current = None
        elif current and line.startswith("- "):
            sections[current].append(line[2:].strip())
    return sections


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.mark.skipif(not SEED.exists(), reason="the seed text lives in ../shared beside the repo")
def test_the_29_statements_match_the_seed_verbatim_and_in_order(framework) -> None:
    seed = _seed_bullets()
    ours = {d.name: [a.statement for a in d.attributes] for d in framework.domains}
    assert ours == seed
    assert sum(len(v) for v in ours.values()) == 29


def test_attribute_ids_are_unique_and_follow_the_framework_order(framework) -> None:
    ids = [a.id for a in framework.attributes()]
    expected = [f"L{n}" for n in range(1, 10)] + [f"I{n}" for n in range(1, 11)]
    expected += [f"C{n}" for n in range(1, 11)]
    assert ids == expected and len(set(ids)) == 29


def test_domains_carry_the_seed_lead_ins(framework) -> None:
    assert [(d.id, d.lead_in) for d in framework.domains] == [
        ("leadership", "a successful leader..."),
        ("improvement", "a successful improvement practitioner..."),
        ("care_delivery", "successful care delivery systems need to..."),
    ]


def test_the_seed_sections_are_knowledge_too(framework) -> None:
    seed = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
    for section_id in ("what_is_it", "intersection", "when_to_use", "how_to_use"):
        text = framework.section(section_id).text
        assert text
        if seed and section_id != "when_to_use":  # the seed wraps one phrase in a link
            assert text in seed


def test_every_attribute_is_enriched_with_examples_and_valid_related_ids(framework) -> None:
    ids = {a.id for a in framework.attributes()}
    for attribute in framework.attributes():
        enrichment = attribute.enrichment
        assert enrichment.description and enrichment.why_it_matters
        assert 4 <= len(enrichment.example_situations) <= 6, attribute.id
        assert enrichment.related and set(enrichment.related) <= ids - {attribute.id}


def test_a_framework_version_is_recorded(framework) -> None:
    assert framework.version


def test_the_question_bank_has_at_least_two_questions_per_attribute(framework) -> None:
    bank = load_question_bank()
    for attribute in framework.attributes():
        questions = bank.for_attribute(attribute.id)
        assert len(questions) >= 2, attribute.id
        assert {q.stage for q in questions} <= {"what", "so_what", "now_what"}
    assert [level.value for level in bank.rating_scale] == [1, 2, 3, 4, 5]
    assert bank.label(1) == "Not yet" and bank.label(5) == "A strength"


def test_coach_texts_keep_their_placeholders() -> None:
    texts = load_coach_texts()
    assert "{minutes_all}" in texts["time_estimate"]
    assert "{statement}" in texts["rating_rationale"]
