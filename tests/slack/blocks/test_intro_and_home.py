"""The introduction in the DM and the App Home tab."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.coaching.views import StepView, SummaryView
from bot.slack.blocks import (
    build_help_text,
    build_home_unavailable_view,
    build_home_view,
    build_intro_message,
)
from tests.slack.driver import action_ids, all_text, header
from tests.slack.limits import message_problems, view_problems

STARTS = [
    "lif.start.all",
    "lif.start.leadership",
    "lif.start.improvement",
    "lif.start.care_delivery",
]


def test_the_introduction_explains_the_framework_and_offers_every_start(
    coach: ReflectionService, nurse: Person
) -> None:
    intro = coach.introduction(nurse)
    message = build_intro_message(intro)
    as_dict = {"blocks": message.blocks}

    assert header(as_dict) == intro.framework_name
    text = all_text(as_dict)
    assert intro.what_is_it in text and intro.privacy in text and intro.time_estimate in text
    assert action_ids(as_dict) == STARTS
    assert "All three domains (29)" in text and "Care delivery systems (10)" in text
    assert message_problems(message.text, message.blocks) == []


def test_the_introduction_offers_resume_and_the_last_summary_when_there_are_some(
    coach: ReflectionService, nurse: Person
) -> None:
    outcome: StepView | SummaryView = coach.start(nurse, "leadership")
    while isinstance(outcome, StepView):
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, 3)
    coach.confirm(nurse, outcome.reflection_id)
    coach.start(nurse, "improvement")

    message = build_intro_message(coach.introduction(nurse))

    assert action_ids({"blocks": message.blocks}) == ["lif.resume", *STARTS, "lif.summary"]
    assert "You have an unfinished reflection (Improvement)" in all_text({"blocks": message.blocks})


def test_home_shows_the_reflection_in_progress_and_the_confirmed_priorities_with_goals(
    coach: ReflectionService, nurse: Person
) -> None:
    outcome: StepView | SummaryView = coach.start(nurse, "leadership")
    while isinstance(outcome, StepView):
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, 2)
    coach.set_goal(nurse, outcome.reflection_id, "L2", "<!here> ask Priya to co-lead the bid")
    coach.confirm(nurse, outcome.reflection_id)
    coach.start(nurse, "care_delivery")

    view = build_home_view(coach.introduction(nurse), coach.last_summary(nurse))

    assert view["type"] == "home"
    text = all_text(view)
    assert "*Your reflection in progress*" in text
    assert "&lt;!here&gt; ask Priya to co-lead the bid" in text
    assert action_ids(view) == ["lif.resume", "lif.summary", *STARTS]
    assert view_problems(view) == []


def test_home_before_any_reflection_invites_a_start(
    coach: ReflectionService, nurse: Person
) -> None:
    view = build_home_view(coach.introduction(nurse), None)
    assert "You haven't confirmed any priority areas yet." in all_text(view)
    assert action_ids(view) == STARTS
    assert view_problems(view) == []


def test_home_with_every_priority_and_long_goals_fits(
    coach: ReflectionService, nurse: Person, hostile_text: str
) -> None:
    outcome: StepView | SummaryView = coach.start(nurse, "all")
    while isinstance(outcome, StepView):
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, 2)
    for candidate in outcome.candidates:
        coach.add_priority(nurse, outcome.reflection_id, candidate.id)
    for attribute in coach.framework.attributes():
        coach.set_goal(nurse, outcome.reflection_id, attribute.id, hostile_text[:3_000])
    coach.confirm(nurse, outcome.reflection_id)

    view = build_home_view(coach.introduction(nurse), coach.last_summary(nurse))

    assert view_problems(view) == []
    assert message_problems("home", view["blocks"]) == []  # also the size of all its text


def test_home_says_so_when_reflections_cannot_be_loaded() -> None:
    view = build_home_unavailable_view("I can't reach my database just now.")
    assert "I can't reach my database just now." in all_text(view)
    assert view_problems(view) == []


def test_help_lists_every_sub_command() -> None:
    text = build_help_text()
    for word in ("leadership", "improvement", "care", "resume", "summary", "help"):
        assert f"/lif-reflect {word}" in text
