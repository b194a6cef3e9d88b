"""A reflection, told as the conversations a person has with the coach."""

from __future__ import annotations

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import (
    AlreadyFinished,
    InvalidInput,
    NotYours,
    StaleAction,
    UnfinishedReflection,
)
from bot.coaching.models import Person, Status
from bot.coaching.views import StepView, SummaryView
from tests.fakes import FakeClock, InMemoryReflectionRepository


def _rate_all(coach: ReflectionService, person: Person, step: StepView, ratings: list[int]):
    outcome: StepView | SummaryView = step
    for rating in ratings:
        assert isinstance(outcome, StepView)
        outcome = coach.rate(person, outcome.reflection_id, outcome.attribute.id, rating)
    return outcome


def test_the_introduction_explains_the_framework_time_and_privacy(coach, nurse) -> None:
    intro = coach.introduction(nurse)
    assert intro.what_is_it.startswith("The leading improvement framework was developed")
    assert intro.intersection == (
        "A leader of improvement needs to work at the intersection of these three domains."
    )
    assert [d[0] for d in intro.domains] == ["leadership", "improvement", "care_delivery"]
    assert "29 minutes" in intro.time_estimate
    assert "private" in intro.privacy
    assert intro.resume is None and not intro.has_summary


def test_each_step_shows_position_statement_context_question_and_scale(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    assert step.heading == "Improvement 1 of 10"
    assert step.attribute.statement == (
        "Sees whole systems and any counter-intuitive linkages within them."
    )
    assert step.context and step.context != step.attribute.statement
    assert step.question.attribute_id == "I1"
    assert [level.label for level in step.rating_scale][0] == "Not yet"
    assert not step.can_go_back

    step = coach.rate(nurse, step.reflection_id, "I1", 3)
    assert step.heading == "Improvement 2 of 10" and step.can_go_back


def test_a_whole_domain_ends_in_three_priorities_that_quote_the_person(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    step = coach.rate(nurse, step.reflection_id, "I1", 4)
    step = coach.rate(nurse, step.reflection_id, "I2", 3)
    coach.write(
        nurse,
        step.reflection_id,
        "I3",
        "I struggle to map our discharge process. The team likes the idea though.",
    )
    summary = _rate_all(
        coach, nurse, coach.rate(nurse, step.reflection_id, "I3", 2), [5, 4, 4, 1, 3, 2, 4]
    )
    assert isinstance(summary, SummaryView) and not summary.confirmed
    assert [p.attribute.id for p in summary.priorities] == ["I7", "I3", "I9"]
    mapping = summary.priorities[1]
    assert '"Exposes processes to mapping, analysis and redesign."' in mapping.rationale
    assert mapping.quote == "I struggle to map our discharge process."
    assert "Improvement" in summary.domain_note and "intersection" in summary.domain_note


def test_what_a_person_writes_breaks_a_tie_between_equal_ratings(coach, nurse) -> None:
    step = coach.start(nurse, "leadership")
    step = coach.rate(nurse, step.reflection_id, "L1", 2)
    coach.write(
        nurse,
        step.reflection_id,
        "L2",
        "I find it really hard to influence consultants and I avoid the conversation.",
    )
    summary = _rate_all(coach, nurse, step, [2, 3, 3, 3, 3, 3, 3, 3])
    assert [p.attribute.id for p in summary.priorities][:2] == ["L2", "L1"]


def test_free_text_that_touches_another_attribute_is_linked(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    links = coach.write(
        nurse,
        step.reflection_id,
        "I1",
        "We changed the process but I have no measurement to demonstrate impact or variation",
    )
    assert [link.attribute.id for link in links] == ["I7"]
    assert links[0].message.startswith("This also sounds like I7:")


def test_pause_then_resume_another_day_continues_where_they_left_off(
    coach, nurse, clock: FakeClock
) -> None:
    step = coach.start(nurse, "care_delivery")
    step = coach.rate(nurse, step.reflection_id, "C1", 4)
    info = coach.pause(nurse, step.reflection_id)
    assert info.answered == 1 and info.total == 10
    clock.advance(days=3)
    assert "1 of 10" in coach.introduction(nurse).resume.message
    resumed = coach.resume(nurse)
    assert isinstance(resumed, StepView) and resumed.attribute.id == "C2"


def test_going_back_shows_the_earlier_answer_and_a_new_rating_replaces_it(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    step = coach.rate(nurse, step.reflection_id, "I1", 2)
    step = coach.rate(nurse, step.reflection_id, "I2", 4)
    back = coach.back(nurse, step.reflection_id)
    assert back.attribute.id == "I2" and back.answer and back.answer.rating == 4
    back = coach.back(nurse, step.reflection_id)
    assert back.attribute.id == "I1"
    # Changing I1 returns to the first step not yet answered (I3), not to I2.
    onward = coach.rate(nurse, step.reflection_id, "I1", 5)
    assert onward.attribute.id == "I3"
    assert coach.go_to(nurse, step.reflection_id, "I1").answer.rating == 5


def test_skip_moves_on_and_a_skipped_attribute_is_not_a_priority(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    step = coach.skip(nurse, step.reflection_id, "I1")
    summary = _rate_all(coach, nurse, step, [3, 3, 3, 3, 3, 3, 3, 3, 2])
    assert "I1" not in [p.attribute.id for p in summary.priorities]
    assert summary.priorities[0].attribute.id == "I10"


def test_confirm_swap_drop_and_goals(coach, nurse) -> None:
    step = coach.start(nurse, "leadership")
    summary = _rate_all(coach, nurse, step, [1, 2, 3, 4, 5, 4, 3, 2, 1])
    rid = summary.reflection_id
    assert [p.attribute.id for p in summary.priorities] == ["L1", "L9", "L2"]
    summary = coach.swap(nurse, rid, "L2", "L8")
    assert [p.attribute.id for p in summary.priorities] == ["L1", "L9", "L8"]
    assert summary.candidates[0].id == "L2"
    summary = coach.drop(nurse, rid, "L9")
    assert [p.attribute.id for p in summary.priorities] == ["L1", "L8"]
    summary = coach.set_goal(nurse, rid, "L1", "Write our ward's purpose with the team by March")
    summary = coach.confirm(nurse, rid)
    assert summary.confirmed
    assert coach.last_summary(nurse).priorities[0].goal.startswith("Write our ward's purpose")
    # Goals can still change after confirming; priorities and answers cannot.
    coach.set_goal(nurse, rid, "L8", "Ask for 360 feedback")
    with pytest.raises(AlreadyFinished):
        coach.drop(nurse, rid, "L1")


def test_an_all_domains_reflection_notes_how_priorities_sit_across_domains(coach, nurse) -> None:
    step = coach.start(nurse, "all")
    assert step.total == 29
    ratings = [4] * 9 + [2] + [4] * 9 + [1] + [4] * 9
    summary = _rate_all(coach, nurse, step, ratings)
    assert [p.attribute.id for p in summary.priorities][:2] == ["C1", "I1"]
    assert "Leadership" in summary.domain_note


def test_starting_again_asks_first_and_then_sets_the_unfinished_one_aside_whole(
    coach, nurse, repository: InMemoryReflectionRepository
) -> None:
    first = coach.start(nurse, "leadership")
    coach.rate(nurse, first.reflection_id, "L1", 3)
    with pytest.raises(UnfinishedReflection) as asked:
        coach.start(nurse, "improvement")
    assert asked.value.message == (
        "You have an unfinished reflection on Leadership (1 of 9). Resume it, or start a new one?"
    )
    assert repository.rows[first.reflection_id].status == Status.IN_PROGRESS
    coach.start(nurse, "improvement", set_aside=True)
    assert repository.rows[first.reflection_id].status == Status.ABANDONED
    assert repository.rows[first.reflection_id].answers["L1"].rating == 3
    with pytest.raises(AlreadyFinished):
        coach.rate(nurse, first.reflection_id, "L2", 3)


# -- bad input: a clear message, and nothing changes ---------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1, 99, True])
def test_an_out_of_range_rating_is_refused_and_changes_nothing(
    coach, nurse, repository, rating
) -> None:
    step = coach.start(nurse, "improvement")
    saves = repository.saves
    with pytest.raises(InvalidInput, match="whole number from 1 to 5"):
        coach.rate(nurse, step.reflection_id, "I1", rating)
    assert repository.saves == saves


@pytest.mark.parametrize("attribute_id", ["X9", "I11", "", "i1"])
def test_an_unknown_attribute_is_refused(coach, nurse, repository, attribute_id) -> None:
    step = coach.start(nurse, "improvement")
    saves = repository.saves
    with pytest.raises(InvalidInput, match="not an attribute"):
        coach.rate(nurse, step.reflection_id, attribute_id, 3)
    assert repository.saves == saves


def test_an_attribute_of_another_domain_is_refused(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    with pytest.raises(InvalidInput, match="not part of this reflection"):
        coach.rate(nurse, step.reflection_id, "L1", 3)


def test_an_old_rating_button_is_stale_and_changes_nothing(coach, nurse, repository) -> None:
    step = coach.start(nurse, "improvement")
    coach.rate(nurse, step.reflection_id, "I1", 3)
    saves = repository.saves
    with pytest.raises(StaleAction, match="already answered"):
        coach.rate(nurse, step.reflection_id, "I1", 1)
    assert repository.saves == saves
    assert repository.rows[step.reflection_id].answers["I1"].rating == 3


def test_someone_elses_reflection_cannot_be_touched(coach, nurse, colleague) -> None:
    step = coach.start(nurse, "improvement")
    with pytest.raises(NotYours):
        coach.rate(colleague, step.reflection_id, "I1", 1)
    with pytest.raises(NotYours):
        coach.write(colleague, step.reflection_id, "I1", "mine now")
    with pytest.raises(NotYours):
        coach.summary(colleague, step.reflection_id)


def test_a_finished_reflection_refuses_new_answers(coach, nurse) -> None:
    summary = _rate_all(coach, nurse, coach.start(nurse, "leadership"), [3] * 9)
    coach.confirm(nurse, summary.reflection_id)
    for action in (
        lambda: coach.rate(nurse, summary.reflection_id, "L9", 1),
        lambda: coach.write(nurse, summary.reflection_id, "L9", "more"),
        lambda: coach.back(nurse, summary.reflection_id),
    ):
        with pytest.raises(AlreadyFinished, match="finished"):
            action()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂🏥✨",
        "نحن نعمل معاً על שיפור",
        "<!channel> <@U123> <https://x.test|x> *b*",
        "z" * 40_000,
    ],
)
def test_answers_are_kept_exactly_as_written(coach, nurse, repository, text) -> None:
    step = coach.start(nurse, "improvement")
    coach.write(nurse, step.reflection_id, "I1", text)
    assert repository.rows[step.reflection_id].answers["I1"].text == text


def test_an_answer_longer_than_slack_allows_is_refused_whole(coach, nurse, repository) -> None:
    step = coach.start(nurse, "improvement")
    with pytest.raises(InvalidInput, match="40,000"):
        coach.write(nurse, step.reflection_id, "I1", "z" * 40_001)
    assert "I1" not in repository.rows[step.reflection_id].answers


def test_writing_ahead_of_the_current_step_is_refused(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    with pytest.raises(InvalidInput, match="haven't reached I5"):
        coach.write(nurse, step.reflection_id, "I5", "later")


def test_an_unknown_scope_is_refused(coach, nurse) -> None:
    with pytest.raises(InvalidInput, match="not a domain"):
        coach.start(nurse, "finance")


def test_priorities_cannot_be_confirmed_before_the_end(coach, nurse) -> None:
    step = coach.start(nurse, "improvement")
    with pytest.raises(InvalidInput, match="finish the remaining steps"):
        coach.confirm(nurse, step.reflection_id)


def test_reflecting_again_on_the_priority_areas_walks_only_those(coach, nurse) -> None:
    with pytest.raises(InvalidInput, match="no confirmed priority areas yet"):
        coach.start(nurse, "priorities")
    first = _rate_all(
        coach, nurse, coach.start(nurse, "all"), [4] * 9 + [2] + [4] * 9 + [1] + [4] * 9
    )
    coach.confirm(nurse, first.reflection_id)
    chosen = [p.attribute.id for p in first.priorities]
    step = coach.start(nurse, "priorities")
    assert (
        step.total == len(chosen)
        and step.attribute.id == sorted(chosen, key=lambda a: "LIC".index(a[0]))[0]
    )
    again = _rate_all(coach, nurse, step, [3] * len(chosen))
    assert {p.attribute.id for p in again.priorities} == set(chosen)
    assert "intersection" in again.domain_note
    assert coach.scope_name("priorities") == "your priority areas"
