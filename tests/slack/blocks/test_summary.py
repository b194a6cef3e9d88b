"""The summary message: priority areas with their reasons, quotes and goals, always fitting."""

from __future__ import annotations

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.coaching.views import StepView, SummaryView
from bot.slack.blocks import build_summary_message
from bot.slack.blocks.text import CUT_MARKER
from tests.slack.driver import action_ids, all_text, header
from tests.slack.limits import message_problems


def _finish(coach: ReflectionService, nurse: Person, scope: str, text: str = "") -> SummaryView:
    outcome: StepView | SummaryView = coach.start(nurse, scope)
    while isinstance(outcome, StepView):
        if text:
            coach.write(nurse, outcome.reflection_id, outcome.attribute.id, text)
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, 2)
    return outcome


def test_the_summary_shows_each_priority_with_its_reasons_and_controls(
    coach: ReflectionService, nurse: Person
) -> None:
    summary = _finish(coach, nurse, "leadership", "I struggle to find the time for this.")
    message = build_summary_message(summary)
    as_dict = {"blocks": message.blocks}

    assert header(as_dict) == "Your priority areas"
    text = all_text(as_dict)
    for priority in summary.priorities:
        assert priority.attribute.statement in text
    assert '"I struggle to find the time for this."' in text
    assert "_No goal yet._" in text
    controls = action_ids(as_dict)
    assert {"lif.goal.L1", "lif.drop.L1", "lif.swap.L1", "lif.confirm", "lif.add"} <= set(controls)
    assert message.text.startswith("Your priority areas: L1")
    assert message_problems(message.text, message.blocks) == []


def test_a_confirmed_summary_keeps_only_the_goal_buttons(
    coach: ReflectionService, nurse: Person
) -> None:
    summary = _finish(coach, nurse, "leadership")
    coach.set_goal(nurse, summary.reflection_id, "L1", "Share the plan at huddle")
    confirmed = coach.confirm(nurse, summary.reflection_id)
    message = build_summary_message(confirmed)

    assert header({"blocks": message.blocks}) == "Your confirmed priority areas"
    assert action_ids({"blocks": message.blocks}) == ["lif.goal.L1", "lif.goal.L2", "lif.goal.L3"]
    assert "*Your goal:* Share the plan at huddle" in all_text({"blocks": message.blocks})


@pytest.mark.parametrize("goal_chars", [3_000])
def test_every_priority_of_all_domains_with_long_goals_and_hostile_text_still_fits(
    coach: ReflectionService, nurse: Person, hostile_text: str, goal_chars: int
) -> None:
    summary = _finish(coach, nurse, "all", hostile_text[:40_000])
    for candidate in summary.candidates:
        summary = coach.add_priority(nurse, summary.reflection_id, candidate.id)
    for priority in summary.priorities:
        goal = (hostile_text * 2)[:goal_chars]
        summary = coach.set_goal(nurse, summary.reflection_id, priority.attribute.id, goal)
    assert len(summary.priorities) == 29

    message = build_summary_message(summary)

    assert message_problems(message.text, message.blocks) == []
    text = all_text({"blocks": message.blocks})
    assert "…and 19 more priority areas (cut to fit Slack)." in text
    assert CUT_MARKER in text


def test_a_summary_with_nothing_to_prioritise_offers_back_but_not_confirm(
    coach: ReflectionService, nurse: Person
) -> None:
    outcome: StepView | SummaryView = coach.start(nurse, "leadership")
    while isinstance(outcome, StepView):
        outcome = coach.skip(nurse, outcome.reflection_id, outcome.attribute.id)
    message = build_summary_message(outcome)

    returns = [f"lif.return.L{n}" for n in range(1, 6)]  # the first five skipped, by name
    assert action_ids({"blocks": message.blocks}) == [*returns, "lif.back"]
    assert message.text == "No priority areas yet."
    assert message_problems(message.text, message.blocks) == []
