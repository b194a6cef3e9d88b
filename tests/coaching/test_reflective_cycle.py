"""The reflective cycle per attribute, told as conversations: What? So what? Now what?"""

from __future__ import annotations

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import InvalidInput, StaleAction
from bot.coaching.models import Mode, Person, Stage
from bot.coaching.views import StepView
from bot.content import load_question_bank
from tests.fakes import InMemoryReflectionRepository

BANK = load_question_bank()


def _step(outcome: object) -> StepView:
    assert isinstance(outcome, StepView)
    return outcome


def test_a_quick_reflection_asks_a_what_on_every_attribute_never_a_so_what(coach, nurse) -> None:
    step = coach.start(nurse, "all", mode="quick")
    stages = []
    for _ in range(29):
        stages.append(step.question.stage)
        outcome = coach.rate(nurse, step.reflection_id, step.attribute.id, 3)
        step = outcome if isinstance(outcome, StepView) else step
    assert stages == ["what"] * 29


def test_a_deep_reflection_runs_the_whole_cycle_built_on_what_was_written(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    rid = step.reflection_id
    assert (step.stage, step.stage_label, step.stage_number) == ("what", "What?", 1)
    assert step.question == BANK.for_stage("I1", "what")
    so_what = coach.reply(nurse, rid, "I1", "Delays in pharmacy hold up our beds.")
    step = _step(so_what.outcome)
    assert so_what.notice == "Saved." and not so_what.added
    assert (step.attribute.id, step.stage, step.stage_label) == ("I1", "so_what", "So what?")
    assert step.question.text.startswith('You wrote: "Delays in pharmacy hold up our beds."')
    assert BANK.for_stage("I1", "so_what").text in step.question.text
    step = _step(coach.reply(nurse, rid, "I1", "I only see my own ward.").outcome)
    assert (step.stage, step.stage_number, step.stage_count) == ("now_what", 3, 3)
    step = _step(coach.reply(nurse, rid, "I1", "Walk the patient's path with pharmacy.").outcome)
    assert step.waits_for_rating and step.attribute.id == "I1"
    step = _step(coach.rate(nurse, rid, "I1", 2))
    assert (step.attribute.id, step.stage) == ("I2", "what")


def test_the_rating_may_come_first_and_the_words_follow(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    rid = step.reflection_id
    step = _step(coach.rate(nurse, rid, "I1", 4))
    assert (step.attribute.id, step.stage) == ("I1", "what")
    step = _step(coach.reply(nurse, rid, "I1", "A bed problem started in the ED.").outcome)
    assert step.stage == "so_what"
    step = _step(coach.skip_question(nurse, rid, "I1"))
    assert step.stage == "now_what"
    step = _step(coach.skip_question(nurse, rid, "I1"))
    assert step.attribute.id == "I2", "rated and every question passed: on to the next"


def test_after_a_low_rating_the_what_asks_what_gets_in_the_way(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    step = _step(coach.rate(nurse, step.reflection_id, "I1", 2))
    assert step.question.text == BANK.low_rating_what
    assert step.question.text.startswith("What gets in the way of this for you")


def test_without_a_what_answer_so_what_and_now_what_are_never_shown(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    step = _step(coach.skip_question(nurse, step.reflection_id, "I1"))
    assert step.waits_for_rating and step.attribute.id == "I1"
    with pytest.raises(InvalidInput):
        coach.skip_question(nurse, step.reflection_id, "I1")
    assert _step(coach.rate(nurse, step.reflection_id, "I1", 3)).attribute.id == "I2"


def test_each_part_is_kept_at_its_stage_and_the_text_holds_them_all(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    rid = step.reflection_id
    for words in ("What happened.", "What it means.", "What I will do."):
        coach.reply(nurse, rid, "I1", words)
    answer = repository.rows[rid].answers["I1"]
    assert [(p.stage, p.text) for p in answer.parts] == [
        (Stage.WHAT, "What happened."),
        (Stage.SO_WHAT, "What it means."),
        (Stage.NOW_WHAT, "What I will do."),
    ]
    assert answer.text == "What happened.\n\nWhat it means.\n\nWhat I will do."


def test_a_second_reply_on_a_step_is_added_to_the_first_and_the_person_told(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    step = coach.start(nurse, "care_delivery", mode="quick")
    first = coach.reply(nurse, step.reflection_id, "C1", "abc")
    second = coach.reply(nurse, step.reflection_id, "C1", "and a bit more")
    assert (first.notice, second.notice) == ("Saved.", "Added to what you wrote.")
    assert second.added and _step(second.outcome).waits_for_rating
    assert repository.rows[step.reflection_id].answers["C1"].text == "abc\n\nand a bit more"


def test_the_way_a_person_reflects_is_remembered_for_the_next_reflection(
    coach: ReflectionService, nurse: Person, colleague: Person
) -> None:
    assert coach.introduction(nurse).mode is None
    coach.start(nurse, "leadership", mode="deep")
    assert coach.introduction(nurse).mode == Mode.DEEP
    assert coach.start(nurse, "improvement", set_aside=True).mode == Mode.DEEP
    assert coach.start(colleague, "improvement").mode == Mode.QUICK


def test_switching_to_quick_mid_way_moves_on_from_a_rated_attribute(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    step = _step(coach.rate(nurse, step.reflection_id, "I1", 4))
    step = _step(coach.set_mode(nurse, step.reflection_id, "quick"))
    assert step.attribute.id == "I2" and step.mode == Mode.QUICK
    with pytest.raises(InvalidInput, match="not a way to reflect"):
        coach.set_mode(nurse, step.reflection_id, "slow")


def test_a_reflection_set_aside_is_listed_newest_first_and_can_be_reopened(
    coach, nurse, clock, repository: InMemoryReflectionRepository
) -> None:
    leadership = coach.start(nurse, "leadership")
    coach.rate(nurse, leadership.reflection_id, "L1", 2)
    clock.advance(days=1)
    care = coach.start(nurse, "care_delivery", set_aside=True)
    clock.advance(days=1)
    coach.start(nurse, "improvement", set_aside=True)
    listed = coach.set_aside(nurse)
    assert [i.reflection_id for i in listed] == [care.reflection_id, leadership.reflection_id]
    assert listed[1].line == (
        "Leadership, started 27 November 2026: 1 of 9 done, set aside 28 November 2026"
    )
    step = _step(coach.reopen(nurse, leadership.reflection_id))
    assert (step.reflection_id, step.attribute.id) == (leadership.reflection_id, "L2")
    assert coach.resume_info(nurse).reflection_id == leadership.reflection_id
    assert len(coach.set_aside(nurse)) == 2, "the improvement reflection is set aside in turn"


def test_words_added_on_going_back_keep_the_person_on_that_step(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="quick")
    coach.reply(nurse, step.reflection_id, "I1", "First thoughts.")
    coach.rate(nurse, step.reflection_id, "I1", 3)
    coach.back(nurse, step.reflection_id)
    again = coach.reply(nurse, step.reflection_id, "I1", "And a second thought.")
    assert again.added and _step(again.outcome).attribute.id == "I1", "free to change the rating"
    assert _step(coach.rate(nurse, step.reflection_id, "I1", 2)).attribute.id == "I2"


def test_skipping_a_question_already_answered_is_refused_and_skips_nothing(coach, nurse) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    coach.reply(nurse, step.reflection_id, "I1", "Beds wait on pharmacy.")
    with pytest.raises(StaleAction, match="already answered or skipped"):
        coach.skip_question(nurse, step.reflection_id, "I1", stage="what")
    current = _step(coach.current(nurse, step.reflection_id))
    assert current.stage == "so_what"
    assert _step(coach.skip_question(nurse, step.reflection_id, "I1", stage="so_what")).stage == (
        "now_what"
    )
