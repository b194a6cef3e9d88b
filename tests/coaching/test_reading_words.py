"""The coach reads what a person writes the right way round: negation, contrast, hedges."""

from __future__ import annotations

import pytest

from bot.coaching import reading
from bot.coaching.views import StepView, SummaryView


def _reflect(coach, person, scope: str, answers: dict[str, tuple[int, str]]) -> SummaryView:
    """Go through a domain: each attribute's words (if any), then its rating."""
    outcome: StepView | SummaryView = coach.start(person, scope)
    while isinstance(outcome, StepView):
        rating, text = answers.get(outcome.attribute.id, (4, ""))
        if text:
            coach.write(person, outcome.reflection_id, outcome.attribute.id, text)
        outcome = coach.rate(person, outcome.reflection_id, outcome.attribute.id, rating)
    return outcome


def test_not_good_at_this_ranks_above_doing_it_sometimes(coach, nurse) -> None:
    summary = _reflect(
        coach,
        nurse,
        "improvement",
        {
            "I1": (3, "We do this sometimes on the ward."),
            "I4": (3, "I am not good at this. Nothing goes well on flow and we always firefight."),
        },
    )
    ranked = [p.attribute.id for p in summary.priorities] + [c.id for c in summary.candidates]
    assert ranked.index("I4") < ranked.index("I1")
    assert summary.priorities[0].attribute.id == "I4"


def test_the_quote_is_the_plainest_line_that_shows_the_need(coach, nurse) -> None:
    summary = _reflect(
        coach,
        nurse,
        "improvement",
        {
            "I7": (
                2,
                "I couldn't tell you whether any change we made worked. "
                "We have no data, only anecdotes.",
            )
        },
    )
    measurement = summary.priorities[0]
    assert measurement.attribute.id == "I7"
    assert measurement.quote == "We have no data, only anecdotes."
    assert '"We have no data, only anecdotes."' in measurement.rationale


def test_never_a_problem_reads_as_a_strength_not_a_need(coach, nurse) -> None:
    summary = _reflect(
        coach,
        nurse,
        "leadership",
        {
            "L9": (3, "Budgets and rotas have never been a problem for me."),
            "L8": (3, "My appraisal is next month."),
            "L1": (3, "I haven't shared our purpose with the team."),
        },
    )
    ranked = [p.attribute.id for p in summary.priorities] + [c.id for c in summary.candidates]
    assert ranked[:3] == ["L1", "L8", "L9"]
    assert reading.label("Budgets and rotas have never been a problem for me.") == "strength"


def test_words_break_ties_but_never_turn_a_rating_over(coach, nurse) -> None:
    summary = _reflect(
        coach,
        nurse,
        "care_delivery",
        {
            "C2": (2, "I'm confident with the public and I do it well."),
            "C8": (3, "Staff don't get involved, I can't reach them and I struggle with it."),
        },
    )
    assert [p.attribute.id for p in summary.priorities][:2] == ["C2", "C8"]


def test_a_strength_beside_a_need_does_not_hide_it(coach, nurse) -> None:
    summary = _reflect(
        coach,
        nurse,
        "improvement",
        {
            "I3": (2, "I struggle to map our discharge process. The team likes the idea though."),
            "I9": (2, ""),
        },
    )
    assert [p.attribute.id for p in summary.priorities][:2] == ["I3", "I9"]
    assert summary.priorities[0].quote == "I struggle to map our discharge process."


@pytest.mark.parametrize(
    "sentence",
    [
        "I am not good at this.",
        "Nothing goes well on flow and we always firefight.",
        "We have no data, only anecdotes.",
        "I couldn't tell you whether any change we made worked.",
        "I didn't get any training in improvement methods.",
        "I have not yet found a way to involve patients.",
        "I'm comfortable with the theory of flow, but I can't apply it on a busy ward.",
        "We run a patient survey, but nobody looks at the comments.",
        "I should ask for feedback more often.",
        "We work in silos and hand patients over the wall.",
        "I don’t know how to pitch an idea to commissioners.",  # a phone's curly apostrophe
    ],
)
def test_these_sentences_show_a_need(sentence: str) -> None:
    assert reading.label(sentence) == "need"


@pytest.mark.parametrize(
    "sentence",
    [
        "Budgets and rotas have never been a problem for me.",
        "Choosing priorities is not difficult for me.",
        "Rethinking how we work doesn't scare me.",
        "I can't say I've ever struggled to get facilities to fix things.",
        "It's not that we don't get results; we do, consistently.",
        "Flow used to be chaos, but it is much better now.",
        "I plot run charts for every project and the team reads them.",
    ],
)
def test_these_sentences_show_a_strength(sentence: str) -> None:
    assert reading.label(sentence) == "strength"


@pytest.mark.parametrize(
    "sentence",
    ["The ward budget is about two million pounds.", "Pharmacy is on the ground floor."],
)
def test_plain_facts_show_neither(sentence: str) -> None:
    assert reading.label(sentence) == "neutral"


def test_only_a_sentence_that_shows_a_need_is_quoted() -> None:
    assert reading.most_in_need("Our team runs a PDSA cycle most weeks. It works well.") is None
