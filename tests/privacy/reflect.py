"""Helpers: a whole reflection through the real service, with words that are easy to find."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.coaching.views import StepView, SummaryView

# Distinctive words a person writes: any of them in a dump, a log or an export is a finding.
SECRET_ANSWER = "Quixotic marmalade rota worries on ward nine"
SECRET_GOAL = "Zephyr handover checklist by Thursday"
SECRET_NOTE = "Lanthanum huddle went well this week"
LEADERSHIP_RATINGS = [4, 4, 2, 5, 1, 4, 3, 4, 5]  # L5 lowest, then L3, then L7


def complete_reflection(
    service: ReflectionService,
    person: Person,
    *,
    answer: str = SECRET_ANSWER,
    goal: str | None = SECRET_GOAL,
    confirm: bool = True,
) -> SummaryView:
    """Leadership, rated as LEADERSHIP_RATINGS, `answer` written on L5, a goal on the first area."""
    outcome: StepView | SummaryView = service.start(person, "leadership")
    for rating in LEADERSHIP_RATINGS:
        assert isinstance(outcome, StepView)
        step = outcome
        if step.attribute.id == "L5":
            service.write(person, step.reflection_id, "L5", answer)
        outcome = service.rate(person, step.reflection_id, step.attribute.id, rating)
    assert isinstance(outcome, SummaryView)
    summary = outcome
    first = summary.priorities[0].attribute.id
    if goal is not None:
        summary = service.set_goal(person, summary.reflection_id, first, goal)
    return service.confirm(person, summary.reflection_id) if confirm else summary
