"""A summary that coaches: the coach's own suggestions, links across domains, what was skipped."""

from __future__ import annotations

import pytest

from bot.coaching.errors import InvalidInput
from bot.coaching.views import StepView, SummaryView

ACROSS_BOUNDARIES = (
    "We never map anything, and our teams do not work across boundaries with social care, "
    "so patients fall between services."
)


def _improvement(coach, person, *, skip: tuple[str, ...] = ()) -> SummaryView:
    """An Improvement reflection whose words on I3 the coach links to C5."""
    ratings = {"I1": 3, "I2": 4, "I3": 2, "I4": 3, "I5": 4, "I6": 3, "I7": 2, "I8": 4}
    outcome: StepView | SummaryView = coach.start(person, "improvement")
    while isinstance(outcome, StepView):
        rid, attribute_id = outcome.reflection_id, outcome.attribute.id
        if attribute_id == "I3":
            links = coach.write(person, rid, "I3", ACROSS_BOUNDARIES)
            assert [link.attribute.id for link in links] == ["C5"]
            assert links[0].message.startswith("This also sounds like C5")
        if attribute_id in skip:
            outcome = coach.skip(person, rid, attribute_id)
        else:
            outcome = coach.rate(person, rid, attribute_id, ratings.get(attribute_id, 4))
    return outcome


def test_the_coachs_own_suggestion_from_another_domain_can_become_a_priority(coach, nurse):
    summary = _improvement(coach, nurse)
    assert [a.id for a in summary.offers.suggested] == ["C5"]
    assert "C5 Working across boundaries (from your words on I3)" in summary.offers.suggested_note

    summary = coach.add_priority(nurse, summary.reflection_id, "C5")

    added = summary.priorities[-1]
    assert added.attribute.id == "C5" and added.domain_name == "Care delivery systems"
    assert "I suggested it when you wrote about I3 Process mapping and redesign" in (
        added.rationale
    )
    assert added.quote == ACROSS_BOUNDARIES
    assert summary.offers.suggested == []  # taken, so no longer offered
    assert "All of these priorities are in Improvement" not in summary.domain_note


def test_any_attribute_of_the_framework_can_be_added_and_the_rationale_says_so(coach, nurse):
    summary = _improvement(coach, nurse)
    summary = coach.add_priority(nurse, summary.reflection_id, "L3")
    assert summary.priorities[-1].rationale == (
        'You added "Builds relationships and shared purpose." from Leadership; it wasn\'t part '
        "of this reflection."
    )
    summary = coach.swap(nurse, summary.reflection_id, "L3", "C5")
    assert summary.priorities[-1].attribute.id == "C5"
    with pytest.raises(InvalidInput, match="not an attribute of the framework"):
        coach.add_priority(nurse, summary.reflection_id, "X9")


def test_the_cross_domain_note_names_the_frameworks_links_for_these_priorities(coach, nurse):
    summary = _improvement(coach, nurse)
    assert [p.attribute.id for p in summary.priorities][:2] == ["I3", "I7"]
    # I7's related attributes in knowledge/framework.yaml include L6 (Leadership).
    assert (
        "I7 Measurement for improvement connects with L6 Drive for results (Leadership)"
        in summary.domain_note
    )


def test_skipped_attributes_are_named_with_an_offer_to_go_back(coach, nurse):
    summary = _improvement(coach, nurse, skip=("I5", "I10"))
    assert [a.id for a in summary.offers.skipped] == ["I5", "I10"]
    assert summary.offers.skipped_note.startswith(
        "You left I5 Innovative redesign and I10 Spread and adoption without a rating"
    )
    step = coach.go_to(nurse, summary.reflection_id, "I5")
    assert step.attribute.id == "I5"
    again = coach.rate(nurse, summary.reflection_id, "I5", 4)
    assert isinstance(again, SummaryView)
    assert [a.id for a in again.offers.skipped] == ["I10"]


def test_a_confirmed_summary_offers_nothing_more(coach, nurse):
    summary = _improvement(coach, nurse, skip=("I5",))
    confirmed = coach.confirm(nurse, summary.reflection_id)
    assert confirmed.offers.suggested == [] and confirmed.offers.skipped == []
