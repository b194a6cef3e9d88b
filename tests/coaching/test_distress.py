"""Words of distress get a kind signpost to support, once per reflection, with nothing stored."""

from __future__ import annotations

import pytest

from bot.coaching import distress
from bot.coaching.engine import ReflectionService
from bot.content import load_coach_texts, load_question_bank
from tests.fakes import FakeClock, InMemoryReflectionRepository, KeywordRetriever


@pytest.mark.parametrize(
    "text",
    [
        "I'm burnt out.",
        "Honestly I'm completely burned out and I dread every shift.",
        "I can't go on like this.",
        "I want to end it all.",
        "I've thought about hurting myself.",
        "Some days I think everyone would be better off without me.",
        "I can’t cope any more.",  # a phone's curly apostrophe
        "We've had a terrible winter. I'm at breaking point.",
    ],
)
def test_these_words_get_a_signpost(text: str) -> None:
    assert distress.shows_distress(text)


@pytest.mark.parametrize(
    "text",
    [
        "We reduced falls by a third.",
        "I lead on end of life care for the ward.",
        "The patient self-harmed on the ward last week and we reviewed our policy.",
        "I teach suicide prevention training to new staff.",
        "I'm not burnt out, I just need better systems.",
        "The team is dying to try the new e-rostering system.",
        "I can't go on leave until the audit is done.",
        "Patients in crisis wait too long for the liaison team.",
    ],
)
def test_these_words_do_not(text: str) -> None:
    assert not distress.shows_distress(text)


def test_the_signpost_comes_once_per_reflection_and_stores_nothing(
    coach, nurse, repository
) -> None:
    step = coach.start(nurse, "leadership")
    rid = step.reflection_id
    first = coach.reply(nurse, rid, "L1", "I'm burnt out and I can't go on like this.")
    assert first.signpost is not None
    assert first.signpost.contacts[-1] == "Samaritans, free, day or night, on 116 123"
    assert "NHS Practitioner Health" in first.signpost.contacts[1]
    assert first.signpost.message.startswith("Thank you for telling me.")

    again = coach.reply(nurse, rid, "L1", "I'm burnt out. I want to end it all.")
    coach.rate(nurse, rid, "L1", 2)
    later = coach.reply(nurse, rid, "L2", "I've thought about hurting myself.")
    assert again.signpost is None and later.signpost is None

    stored = repository.rows[rid].answers["L1"]
    assert stored.text == (
        "I'm burnt out and I can't go on like this.\n\nI'm burnt out. I want to end it all."
    )
    assert not any("signpost" in field for field in type(stored).model_fields)
    assert not any("signpost" in field for field in type(repository.rows[rid]).model_fields)
    fresh = coach.start(nurse, "improvement", set_aside=True)
    assert coach.reply(nurse, fresh.reflection_id, "I1", "I'm burnt out.").signpost


def test_an_organisation_sets_its_own_support(framework, nurse) -> None:
    coach = ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=InMemoryReflectionRepository(),
        retriever=KeywordRetriever(framework),
        clock=FakeClock(),
        support_contacts=["Staff wellbeing hub, extension 4321", "Samaritans, on 116 123"],
    )
    step = coach.start(nurse, "care_delivery")
    saved = coach.reply(nurse, step.reflection_id, "C1", "I can't cope any more.")
    assert saved.signpost and saved.signpost.contacts == [
        "Staff wellbeing hub, extension 4321",
        "Samaritans, on 116 123",
    ]


def test_everyday_words_save_with_no_signpost(coach, nurse) -> None:
    step = coach.start(nurse, "care_delivery")
    saved = coach.reply(nurse, step.reflection_id, "C1", "We reduced falls by a third.")
    assert saved.signpost is None
