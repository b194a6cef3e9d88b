"""The terminal summary that coaches, and the signpost after words of distress."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from tests.terminal.test_chat import _chat

ACROSS_BOUNDARIES = (
    "We never map anything, and our teams do not work across boundaries with social care, "
    "so patients fall between services."
)
# Improvement: I1..I10, with words on I3 (which the coach links to C5) and I4 skipped.
IMPROVEMENT = ["i", "", "3", "4", ACROSS_BOUNDARIES, "2", "s", "4", "3", "2", "4", "3", "4"]


def test_plus_c5_takes_the_coachs_own_suggestion_from_another_domain(
    coach: ReflectionService, nurse: Person
) -> None:
    screen = _chat(coach, nurse, [*IMPROVEMENT, "+ C5", "q", "q"])
    assert "This also sounds like C5" in screen
    assert "not an attribute of this reflection" not in screen
    summary = coach.resume(nurse)
    assert [p.attribute.id for p in summary.priorities][-1] == "C5"
    assert "I suggested it when you wrote about I3" in summary.priorities[-1].rationale
    assert "I7 Measurement for improvement connects with L6 Drive for results" in " ".join(
        screen.split()
    )


def test_the_summary_names_what_was_skipped_and_r_goes_back_to_it(
    coach: ReflectionService, nurse: Person
) -> None:
    screen = _chat(coach, nurse, [*IMPROVEMENT, "r I4", "2", "q", "q"])
    flat = " ".join(screen.split())
    assert "You left I4 Flow, demand and waste without a rating" in flat
    assert "Improvement 4 of 10" in screen.split("You left I4")[1]
    summary = coach.resume(nurse)
    assert summary.offers.skipped == []


def test_words_of_distress_get_a_signpost_once_per_reflection(
    coach: ReflectionService, nurse: Person
) -> None:
    lines = ["l", "", "I'm burnt out and I can't go on like this.", "3"]
    lines += ["I want to end it all some days.", "3", "We reduced falls by a third.", "q"]
    screen = _chat(coach, nurse, lines)
    assert screen.count("Samaritans, free, day or night, on 116 123") == 1
    assert "NHS Practitioner Health" in screen and "occupational health" in screen
    assert "call 999" in screen


def test_everyday_words_about_patients_and_projects_get_no_signpost(
    coach: ReflectionService, nurse: Person
) -> None:
    lines = ["c", "", "I lead on end of life care and the patient self-harmed last week.", "3"]
    lines += ["We ended the pilot in March.", "q"]
    screen = _chat(coach, nurse, lines)
    assert "116 123" not in screen
