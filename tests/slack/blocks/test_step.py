"""A step message: everything needed to answer one attribute, within Slack's limits."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.coaching.views import StepView
from bot.slack.blocks import build_paused_message, build_step_message, build_step_outcome_message
from bot.slack.blocks.step import build_stage_message, rated
from bot.slack.blocks.text import CUT_MARKER
from tests.slack.driver import action_ids, all_text, header
from tests.slack.limits import message_problems


def _buttons(message_blocks: list[dict]) -> dict[str, dict]:
    return {
        element["action_id"]: element
        for block in message_blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_a_step_shows_heading_statement_context_question_and_labelled_ratings(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "improvement")
    message = build_step_message(step, coach.texts)
    as_dict = {"blocks": message.blocks}

    assert header(as_dict) == "Improvement 1 of 10"
    text = all_text(as_dict)
    assert step.attribute.statement in text
    assert step.context and step.context in text
    assert step.question.text in text
    buttons = _buttons(message.blocks)
    assert buttons["lif.rate.1"]["text"]["text"] == "1 · Not yet"
    assert buttons["lif.rate.5"]["accessibility_label"] == "Rate 5 of 5: A strength"
    assert action_ids(as_dict)[5:] == ["lif.write", "lif.skip", "lif.mode.deep", "lif.pause"]
    assert message.text.startswith("Improvement 1 of 10: Sees whole systems")
    assert message_problems(message.text, message.blocks) == []


def test_later_steps_offer_back_and_all_domains_show_the_overall_position(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "all")
    step = coach.rate(nurse, step.reflection_id, "L1", 3)
    assert isinstance(step, StepView)
    message = build_step_message(step, coach.texts)
    assert "lif.back" in action_ids({"blocks": message.blocks})
    assert "Step 2 of 29 overall" in all_text({"blocks": message.blocks})


def test_a_revisited_step_shows_the_earlier_answer_escaped_and_within_limits(
    coach: ReflectionService, nurse: Person, hostile_text: str
) -> None:
    step = coach.start(nurse, "leadership")
    coach.write(nurse, step.reflection_id, "L1", hostile_text)
    coach.rate(nurse, step.reflection_id, "L1", 2)
    revisited = coach.back(nurse, step.reflection_id)

    message = build_step_message(revisited, coach.texts)

    assert message_problems(message.text, message.blocks) == []
    text = all_text({"blocks": message.blocks})
    assert "Earlier you rated this *2* (Emerging)." in text
    assert CUT_MARKER in text
    assert _buttons(message.blocks)["lif.rate.2"]["style"] == "primary"
    if "<!channel>" in hostile_text:
        assert "&lt;!channel&gt;" in text


def test_an_answered_step_keeps_its_heading_and_statement_and_loses_its_buttons(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "care_delivery")
    domain = coach.framework.domain("care_delivery")
    message = build_step_outcome_message(step.attribute, domain, rated(4, "Established"))

    assert header({"blocks": message.blocks}) == "Care delivery systems 1 of 10"
    assert step.attribute.statement in all_text({"blocks": message.blocks})
    assert action_ids({"blocks": message.blocks}) == []
    assert message.text == "Care delivery systems 1 of 10: You rated this *4* (Established)."
    assert message_problems(message.text, message.blocks) == []


def test_a_paused_step_offers_only_resume(coach: ReflectionService, nurse: Person) -> None:
    step = coach.start(nurse, "leadership")
    info = coach.pause(nurse, step.reflection_id)
    domain = coach.framework.domain("leadership")
    message = build_paused_message(step.attribute, domain, info)

    assert action_ids({"blocks": message.blocks}) == ["lif.resume"]
    assert "Everything so far is saved" in all_text({"blocks": message.blocks})
    assert message_problems(message.text, message.blocks) == []


def test_a_note_that_the_ai_coach_fell_back_is_shown_escaped(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "leadership")
    noted = step.model_copy(update={"fallback_notice": "Today's questions are the offline <ones>"})
    message = build_step_message(noted, coach.texts)
    assert "_Today's questions are the offline &lt;ones&gt;_" in all_text(
        {"blocks": message.blocks}
    )
    assert message_problems(message.text, message.blocks) == []


def test_a_deep_step_names_its_stage_and_offers_to_skip_the_question(
    coach: ReflectionService, nurse: Person
) -> None:
    step = coach.start(nurse, "improvement", mode="deep")
    message = build_step_message(step, coach.texts)
    text = all_text({"blocks": message.blocks})
    assert "*What?* (1 of 3)" in text and "_Deep: What? So what? Now what?" in text
    assert action_ids({"blocks": message.blocks})[5:] == [
        "lif.write",
        "lif.skip_question",
        "lif.skip",
        "lif.mode.quick",
        "lif.pause",
    ]
    following = coach.reply(nurse, step.reflection_id, "I1", "Beds wait <on> pharmacy.").outcome
    assert isinstance(following, StepView)
    stage = build_stage_message(following, coach.texts)
    text = all_text({"blocks": stage.blocks})
    assert "*So what?* (2 of 3)" in text and 'You wrote: "Beds wait &lt;on&gt; pharmacy."' in text
    assert step.attribute.statement not in text, "the statement is on the step's own message"
    assert "lif.rate.3" in action_ids({"blocks": stage.blocks})
    assert message_problems(stage.text, stage.blocks) == []
