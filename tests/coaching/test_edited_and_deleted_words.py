"""An edited message replaces its part of an answer; a deleted one takes its part away."""

from __future__ import annotations

from bot.coaching.views import SummaryView
from tests.fakes import InMemoryReflectionRepository


def _two_messages(coach, nurse, first: str, second: str) -> str:
    """Two DM replies on I1, with ts 1.1 and 1.2; the reflection's id."""
    step = coach.start(nurse, "improvement")
    coach.reply(nurse, step.reflection_id, "I1", first, source="1.1")
    coach.reply(nurse, step.reflection_id, "I1", second, source="1.2")
    return step.reflection_id


def test_an_edit_replaces_only_the_words_of_that_message(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    rid = _two_messages(coach, nurse, "We look at the ward only.", "Pharmacy is a black box.")
    revision = coach.revisions.revise(nurse, source="1.1", text="We look at our ward only.")
    assert revision is not None
    assert revision.message == "Updated what you wrote on I1 with your edit."
    answer = repository.rows[rid].answers["I1"]
    assert answer.text == "We look at our ward only.\n\nPharmacy is a black box."


def test_a_deletion_removes_that_message_and_keeps_the_rest(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    rid = _two_messages(coach, nurse, "Keep this.", "Oops, wrong chat.")
    revision = coach.revisions.retract(nurse, source="1.2")
    assert revision is not None
    assert revision.message == "Removed that message from what you wrote on I1."
    assert repository.rows[rid].answers["I1"].text == "Keep this."


def test_an_edit_that_adds_patient_details_is_saved_with_them_removed(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    step = coach.start(nurse, "improvement")
    coach.reply(nurse, step.reflection_id, "I1", "A delay on the ward.", source="1.1")
    revision = coach.revisions.revise(
        nurse, source="1.1", text="A delay for Mr John Smith, NHS number 943 476 5919."
    )
    assert revision is not None and "with the patient details removed" in revision.message
    assert "943 476 5919" not in repository.rows[step.reflection_id].answers["I1"].text


def test_a_message_no_answer_holds_changes_nothing(
    coach, nurse, colleague, repository: InMemoryReflectionRepository
) -> None:
    step = coach.start(nurse, "improvement")
    coach.reply(nurse, step.reflection_id, "I1", "Mine.", source="1.1")
    saves = repository.saves
    assert coach.revisions.revise(nurse, source="9.9", text="x") is None
    assert coach.revisions.retract(colleague, source="1.1") is None, "someone else's message"
    assert repository.saves == saves


def test_deleting_the_words_a_priority_quoted_rewords_it_and_keeps_the_goal(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    step = coach.start(nurse, "leadership")
    rid = step.reflection_id
    coach.reply(
        nurse, rid, "L1", "I can't get the consultants to agree on a direction.", source="7.1"
    )
    outcome = coach.rate(nurse, rid, "L1", 1)
    for attribute_id in ("L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"):
        outcome = coach.rate(nurse, rid, attribute_id, 4)
    assert isinstance(outcome, SummaryView)
    coach.set_goal(nurse, rid, "L1", "Agree a ward vision by March")
    coach.confirm(nurse, rid)
    assert repository.rows[rid].summary.priorities[0].quote
    coach.revisions.retract(nurse, source="7.1")
    priority = repository.rows[rid].summary.priorities[0]
    assert priority.attribute_id == "L1" and priority.quote is None
    assert "consultants" not in priority.rationale
    assert priority.goal == "Agree a ward vision by March"
