"""A check-in over Slack: sent once to the DM, answered by button or note, snoozed, stopped."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.coaching.followup.models import CheckInResponse, NudgeKind
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.nudges.dispatcher import Dispatcher
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    GOAL,
    bot,
    check_ins_in,
    clock,
    confirmed,
    dispatcher,
    first_check_in,
    followup,
    pending,
    preferences,
    sleeps,
    submit,
)
from tests.slack.harness import RunningBot

ANSWERS = [
    "lif.fu.answer.progress",
    "lif.fu.answer.some_progress",
    "lif.fu.answer.stuck",
    "lif.fu.answer.not_this_time",
]


def test_a_due_check_in_reaches_the_dm_once_with_its_answers_snooze_and_stop(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, dispatcher: Dispatcher, nurse: Person
) -> None:
    due = confirmed(bot, nurse)

    message = first_check_in(dispatcher, user, due)

    assert header(message) == "Check-in: L1 Vision and shared purpose"
    assert "What have you tried since we last spoke?" in all_text(message)
    assert f"Your goal: {GOAL}" in message["text"]
    assert action_ids(message) == [
        *ANSWERS,
        "lif.fu.note",
        "lif.fu.snooze.1",
        "lif.fu.snooze.7",
        "lif.fu.settings",
        "lif.fu.stop",
    ]
    key = message["metadata"]["event_payload"]["key"]
    assert key.startswith("lif:T-TRUST:U-NURSE:fortnightly:") and key.endswith(":nudge")
    assert dispatcher.send_due(due + timedelta(minutes=5)) == 0
    assert len(check_ins_in(slack, user)) == 1


@pytest.mark.parametrize("response", list(CheckInResponse))
def test_each_answer_is_kept_shown_on_the_check_in_and_acknowledged(
    response: CheckInResponse,
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))

    user.click(message, f"lif.fu.answer.{response.value}")

    reply = user.next_message()
    assert reply["text"].startswith(followup.texts.acknowledgements[response][:40])
    label = followup.texts.responses[response]
    answered = user.current(message)
    assert f"You answered *{label}*." in all_text(answered)
    assert action_ids(answered) == [], "an answered check-in keeps no buttons"
    (entry,) = followup.progress(nurse).timeline
    assert entry.response is response and entry.attribute and entry.attribute.id == "L1"
    assert pending(followup, nurse, NudgeKind.REMINDER) == [], "no reminder once answered"


def test_stuck_gets_one_reflective_question_and_a_related_attribute(
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))

    user.click(message, "lif.fu.answer.stuck")

    reply = all_text(user.next_message())
    assert followup.texts.stuck_prompts[0] in reply
    assert "It may help to look at a related attribute" in reply


def test_an_answer_with_a_note_goes_through_the_modal_and_stays_private_to_the_timeline(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))

    user.click(message, "lif.fu.note")
    modal = slack.wait_for(slack.last_modal, what="the note form")
    assert modal["title"]["text"] == "Check-in"
    assert "Vision and shared purpose" in all_text(modal), "the form shows what was asked"
    note = "Talked through our purpose at the <!channel> huddle & it stuck"
    ack = submit(
        user,
        modal,
        {
            "fu_response": {
                "response": {"type": "radio_buttons", "selected_option": {"value": "some_progress"}}
            },
            "fu_note": {"note": {"type": "plain_text_input", "value": note}},
        },
    )

    assert ack.status == 200 and ack.body == ""
    user.next_message()  # the acknowledgement
    (entry,) = followup.progress(nurse).timeline
    assert entry.response is CheckInResponse.SOME_PROGRESS and entry.note == note
    answered = user.current(message)
    assert "You answered *Some progress*, with a note." in all_text(answered)
    assert action_ids(answered) == []


def test_a_note_without_choosing_how_it_went_is_refused_under_that_input(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, dispatcher: Dispatcher, nurse: Person
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    user.click(message, "lif.fu.note")
    modal = slack.wait_for(slack.last_modal, what="the note form")

    ack = submit(user, modal, {"fu_note": {"note": {"type": "plain_text_input", "value": "x"}}})

    assert ack.json() == {
        "response_action": "errors",
        "errors": {"fu_response": "Choose how it went."},
    }


def test_a_second_answer_to_the_same_check_in_is_explained_and_not_kept(
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    user.click(message, "lif.fu.answer.progress")
    user.next_message()

    user.click(message, "lif.fu.answer.stuck")  # an old copy, buttons and all

    assert "already answered this check-in" in user.next_ephemeral()
    assert [e.response for e in followup.progress(nurse).timeline] == [CheckInResponse.PROGRESS]


def test_snoozing_a_day_plans_its_one_reminder_and_the_check_in_says_when(
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    due = confirmed(bot, nurse)
    message = first_check_in(dispatcher, user, due)

    user.click(message, "lif.fu.snooze.1")

    snoozed = user.slack.wait_for(
        lambda: "I'll remind you on" in all_text(now := user.current(message)) and now,
        what="the snoozed check-in",
    )
    assert "lif.fu.snooze.1" not in action_ids(snoozed)
    assert "lif.fu.answer.stuck" in action_ids(snoozed), "it can still be answered now"
    (reminder,) = pending(followup, nurse, NudgeKind.REMINDER)
    zone = preferences(followup, nurse).zone
    assert reminder.due_at.astimezone(zone).hour == 10


def test_stop_on_the_check_in_stops_everything_and_offers_to_start_again(
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    message = first_check_in(dispatcher, user, confirmed(bot, nurse))
    stop = next(
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "lif.fu.stop"
    )
    assert stop["confirm"]["title"]["text"] == "Stop check-ins?", "stopping asks first"

    user.click(message, "lif.fu.stop")

    stopped = user.slack.wait_for(
        lambda: action_ids(now := user.current(message)) == ["lif.fu.resume"] and now,
        what="the stopped check-in",
    )
    assert "Check-ins are stopped" in all_text(stopped)
    prefs = preferences(followup, nurse)
    assert prefs.stopped and prefs.stop_reason == "asked"
    assert pending(followup, nurse) == [] and pending(followup, nurse, NudgeKind.REMINDER) == []

    user.click(stopped, "lif.fu.resume")

    assert user.next_message()["text"].startswith("I'll check in every two weeks")
    assert not preferences(followup, nurse).stopped and pending(followup, nurse)
    assert action_ids(user.current(message)) == [], "the stopped message's button is spent"


def test_checkin_now_asks_about_every_priority_with_its_goal(
    bot: RunningBot, user: SlackUser, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)

    assert "check-in is in our direct message" in user.command("checkin").body
    ask = user.next_message()

    assert header(ask) == "Check-in on your priority areas"
    text = all_text(ask)
    assert "L1 Vision and shared purpose" in text and GOAL in text
    assert "What have you tried since Tuesday 1 December?" in text
    assert "lif.fu.snooze.1" not in action_ids(ask)
    user.click(ask, "lif.fu.answer.progress")
    user.next_message()
    assert [e.response for e in followup.progress(nurse).timeline] == [CheckInResponse.PROGRESS]


def test_checkin_before_any_priorities_says_how_to_get_there(user: SlackUser) -> None:
    user.command("checkin")
    assert "Check-ins start when you confirm your priority areas" in user.next_ephemeral()
