"""The goal and reflection forms, and the note that acknowledges a written reflection."""

from __future__ import annotations

import json

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import StaleAction
from bot.coaching.models import Person
from bot.coaching.views import StepView, SummaryView
from bot.slack import ids
from bot.slack.blocks import build_goal_modal, build_note, build_saved_note, build_write_modal
from tests.slack.driver import all_text
from tests.slack.limits import message_problems, view_problems

CONTEXT = ids.ModalContext("r" * 36, "L3", "1700000001.000100")


def _input(view: dict) -> dict:
    return next(b for b in view["blocks"] if b["type"] == "input")


def test_the_goal_form_holds_the_current_goal_and_remembers_where_it_came_from(
    coach: ReflectionService, nurse: Person
) -> None:
    outcome: StepView | SummaryView = coach.start(nurse, "leadership")
    while isinstance(outcome, StepView):
        outcome = coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, 2)
    summary = coach.set_goal(nurse, outcome.reflection_id, "L1", "g" * 3_000)

    view = build_goal_modal(summary.priorities[0], CONTEXT)

    assert view["callback_id"] == ids.GOAL_MODAL and view["title"]["text"] == "Your goal"
    assert _input(view)["element"]["initial_value"] == "g" * 3_000
    assert _input(view)["optional"] is True  # emptying the box clears the goal
    assert ids.ModalContext.loads(view["private_metadata"]) == CONTEXT
    assert view_problems(view) == []


def test_the_reflection_form_starts_empty_since_its_words_are_added_to_the_earlier_ones(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "leadership")
    coach.write(nurse, step.reflection_id, "L1", "short and sweet")
    form = build_write_modal(coach.current(nurse, step.reflection_id), CONTEXT)
    back = build_write_modal(coach.current(nurse, step.reflection_id), CONTEXT, initial="fix me")

    assert "initial_value" not in _input(form)["element"]
    assert "added to anything you wrote before" in _input(form)["label"]["text"]
    assert _input(back)["element"]["initial_value"] == "fix me", "handed back to edit"
    assert view_problems(form) == view_problems(back) == []


def test_modal_context_that_is_not_ours_is_a_stale_action() -> None:
    with pytest.raises(StaleAction):
        ids.ModalContext.loads(json.dumps({"something": "else"}))


def test_a_saved_note_names_the_attribute_and_related_ones(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "leadership")
    links = coach.write(
        nurse,
        step.reflection_id,
        "L1",
        "I want to get better at building relationships and shared purpose with other teams",
    )
    note = build_saved_note(step.attribute, links, added=False)

    assert links, "the keyword retriever finds a related attribute"
    assert note.text.startswith("Saved your reflection on L1.")
    assert links[0].message in all_text({"blocks": note.blocks})
    assert message_problems(note.text, note.blocks) == []


def test_a_plain_note_escapes_whatever_it_is_given() -> None:
    note = build_note("'<!channel>' is not a domain.")
    assert note.text == "'&lt;!channel&gt;' is not a domain."
    assert message_problems(note.text, note.blocks) == []
