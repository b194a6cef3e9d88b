"""Follow-up Block Kit: within Slack's limits whatever people write, and the forms read back."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import StaleAction
from bot.coaching.followup.models import (
    Cadence,
    CheckInResponse,
    NudgeKind,
    NudgePreferences,
)
from bot.coaching.followup.views import (
    CheckInOutcome,
    NudgeMessage,
    ProgressGoal,
    ProgressView,
    RelatedPointer,
    TimelineEntry,
)
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.content import load_followup_texts
from bot.slack import followup_ids as fids
from bot.slack.blocks.followup import (
    ChartImage,
    answered,
    build_ask_now_message,
    build_check_in_message,
    build_outcome_message,
    build_ratings_message,
    snoozed,
)
from bot.slack.blocks.followup_modals import (
    FormErrors,
    build_note_modal,
    build_settings_modal,
    error_block,
    parse_note,
    parse_settings,
)
from bot.slack.blocks.home import HomeProgress, build_home_view
from tests.nudges.fixtures import confirm_leadership
from tests.slack.driver import action_ids, all_text
from tests.slack.limits import message_problems, view_problems

TEXTS = load_followup_texts()
RESPONSES = tuple(TEXTS.responses.items())
NURSE = Person(workspace_id="T-TRUST", user_id="U-NURSE")


def _check_in(framework: Framework, goal: str | None) -> NudgeMessage:
    text = TEXTS.nudge.format(attribute_id="L1", short_name="Vision", statement="S")
    if goal:
        text += "\n" + TEXTS.nudge_goal.format(goal=goal)
    return NudgeMessage(
        person=NURSE,
        kind=NudgeKind.NUDGE,
        period_key="fortnightly:2026-12-01",
        dedupe_key="lif:T-TRUST:U-NURSE:fortnightly:2026-12-01:nudge",
        text=text,
        attribute=framework.attribute("L1"),
        goal=goal,
        responses=RESPONSES,
        can_snooze=True,
    )


def test_a_check_in_stays_within_slacks_limits_whatever_the_goal_says(
    framework: Framework, hostile_text: str
) -> None:
    message = build_check_in_message(_check_in(framework, hostile_text))

    assert message_problems(message.text, message.blocks) == []
    assert "<!channel>" not in message.text
    answers = [fids.answer(response) for response in CheckInResponse]
    assert action_ids({"blocks": message.blocks})[:4] == answers


def test_an_answered_check_in_keeps_what_was_asked_and_loses_its_controls(
    framework: Framework,
) -> None:
    message = build_check_in_message(_check_in(framework, "Agree our purpose"))

    blocks = answered(message.blocks, "Stuck", with_note=False)

    assert action_ids({"blocks": blocks}) == []
    assert "Agree our purpose" in all_text({"blocks": blocks})
    assert all_text({"blocks": blocks}).endswith("You answered *Stuck*.")


def test_a_snoozed_check_in_loses_only_its_snooze_buttons(framework: Framework) -> None:
    message = build_check_in_message(_check_in(framework, None))

    once = snoozed(message.blocks, "I'll remind you on Wednesday 16 December around 10:00.")
    twice = snoozed(once, "I'll remind you on Tuesday 22 December around 10:00.")

    assert not [a for a in action_ids({"blocks": twice}) if a.startswith("lif.fu.snooze")]
    assert "lif.fu.answer.stuck" in action_ids({"blocks": twice})
    assert all_text({"blocks": twice}).count("I'll remind you") == 1


def test_what_the_coach_says_when_stuck_quotes_the_framework_safely(
    framework: Framework, hostile_text: str
) -> None:
    outcome = CheckInOutcome(
        acknowledgement=TEXTS.acknowledgements[CheckInResponse.STUCK],
        prompt=TEXTS.stuck_prompts[0],
        related=RelatedPointer(
            attribute=framework.attribute("L3"), message="Look at L3", context=hostile_text
        ),
    )

    message = build_outcome_message(outcome)

    assert message_problems(message.text, message.blocks) == []
    assert TEXTS.stuck_prompts[0] in all_text({"blocks": message.blocks})


def test_the_ratings_message_states_the_data_within_the_alt_text_limit() -> None:
    alt = "Self-ratings, latest 1 Dec 2026: " + "Leadership: L1 4 (was 1), " * 200

    message = build_ratings_message(ChartImage(alt_text=alt, file_id="F1"), None)
    missing = build_ratings_message(ChartImage(alt_text=alt), None)

    (image,) = [b for b in message.blocks if b["type"] == "image"]
    assert image["slack_file"] == {"id": "F1"} and len(image["alt_text"]) <= 2_000
    assert message_problems(message.text, message.blocks) == []
    assert message.text.startswith("Your self-ratings. Self-ratings, latest 1 Dec 2026")
    assert not [b for b in missing.blocks if b["type"] == "image"], "no file: words instead"
    assert "Self-ratings, latest 1 Dec 2026" in all_text({"blocks": missing.blocks})


def test_home_with_a_long_history_of_notes_stays_within_the_view_limits(
    framework: Framework, coach: ReflectionService, nurse: Person, hostile_text: str
) -> None:
    confirm_leadership(coach, nurse, goal=hostile_text[:3_000])
    entry = TimelineEntry(
        day=date(2026, 12, 1),
        attribute=framework.attribute("L1"),
        response=CheckInResponse.STUCK,
        label="Stuck",
        note=hostile_text,
    )
    goal = ProgressGoal(
        attribute=framework.attribute("L1"), domain_name="Leadership", goal=hostile_text, rating=1
    )
    progress = ProgressView(
        person=nurse,
        confirmed_on=date(2026, 12, 1),
        priorities=[goal],
        timeline=[entry] * 40,
        schedule=None,
    )
    ask = build_ask_now_message(progress, RESPONSES)
    assert message_problems(ask.text, ask.blocks) == []

    home = HomeProgress(view=progress, chart=ChartImage(alt_text=hostile_text, file_id="F1"))
    view = build_home_view(coach.introduction(nurse), coach.last_summary(nurse), home)

    assert view_problems(view) == []
    assert "…and 30 earlier check-ins." in all_text(view)


def test_the_settings_modal_shows_the_current_settings_and_reads_back_changes() -> None:
    prefs = NudgePreferences(
        person=NURSE,
        timezone="Europe/London",
        anchor=date(2026, 12, 1),
        paused_until=date(2027, 1, 4),
    )
    modal = build_settings_modal(prefs, TEXTS.cadence_phrases, fids.Origin("1.0"))
    assert view_problems(modal) == []
    assert fids.Origin.loads(modal["private_metadata"]) == fids.Origin("1.0")

    values = _values(modal)
    values["fu_cadence"]["cadence"]["selected_option"] = {"value": "monthly"}
    values["fu_days"]["days"]["selected_options"] = [{"value": "5"}, {"value": "0"}]
    form = parse_settings(values)

    assert form.cadence is Cadence.MONTHLY and form.working_days == (0, 5)
    assert form.window == (time(9), time(17)) and form.preferred_time == time(10)
    assert form.paused_until == date(2027, 1, 4) and not form.stopped


def test_a_note_modal_must_say_how_it_went() -> None:
    modal = build_note_modal([], RESPONSES, fids.Origin(period="p"))
    assert view_problems(modal) == []

    with pytest.raises(FormErrors) as refused:
        parse_note({"fu_note": {"note": {"value": "tried it"}}})
    assert refused.value.errors == {"fu_response": "Choose how it went."}

    chosen = {"fu_response": {"response": {"selected_option": {"value": "stuck"}}}}
    assert parse_note(chosen) == (CheckInResponse.STUCK, "")


@pytest.mark.parametrize(
    ("message", "block"),
    [
        ("Nothing was changed: Saturday is not one of the working days.", "fu_days"),
        ("Nothing was changed: the preferred time must lie inside the time window.", "fu_time"),
        ("Choose a date after today and within a year to pause until.", "fu_pause"),
        ("That change crossed with another one to your check-ins; please try again.", "fu_cadence"),
    ],
)
def test_a_refusal_of_the_coaching_rules_is_shown_under_the_input_it_concerns(
    message: str, block: str
) -> None:
    assert error_block(message) == block


def _values(modal: dict) -> dict:
    from tests.slack.followup_support import current_values

    return current_values(modal)


def test_a_note_button_naming_no_period_of_ours_is_called_stale() -> None:
    # Found by the fuzz suite: a forged 700-character period overflowed the note form's
    # private_metadata (3,000 characters) and failed as an unexpected error.
    assert fids.period_of(None) == fids.NOW
    assert fids.period_of("re_reflection:r-1:2") == "re_reflection:r-1:2"
    for forged in ("\x1f" * 700, "p" * (fids.MAX_PERIOD + 1)):
        with pytest.raises(StaleAction):
            fids.period_of(forged)
