"""After confirming: check-ins planned in the person's Slack time zone; the settings modal."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.coaching.followup.models import Cadence
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from tests.fakes import FakeClock
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    bot,
    choose,
    clock,
    confirmed,
    current_values,
    followup,
    option,
    pending,
    preferences,
    reflect_and_confirm,
    submit,
)
from tests.slack.harness import RunningBot

NEW_YORK = ZoneInfo("America/New_York")


def test_confirming_plans_check_ins_in_the_time_zone_slack_has_for_the_person(
    user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    slack.set_person(user.user_id, tz="America/New_York")

    reflect_and_confirm(user)
    schedule = user.next_message()

    assert schedule["text"].startswith(
        "I'll check in every two weeks, on Tuesday around 10:00 your time"
    )
    assert action_ids(schedule) == ["lif.fu.settings"]
    assert "Change this" in all_text(schedule)
    assert preferences(followup, nurse).timezone == "America/New_York"
    (first,) = pending(followup, nurse)
    assert first.due_at.astimezone(NEW_YORK).time() == time(10, 0)
    assert slack.calls_to("users.info")[0].params["user"] == user.user_id

    ratings = user.next_message()
    assert header(ratings) == "Your self-ratings"
    (image,) = [b for b in ratings["blocks"] if b["type"] == "image"]
    assert image["alt_text"].startswith("Self-ratings, latest 1 Dec 2026: Leadership: L1 1, L2 2")
    assert image["slack_file"]["id"] in slack.uploads


def test_the_settings_modal_changes_how_often_and_which_day(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)
    assert "settings are in our direct message" in user.command("settings").body
    schedule = user.next_message()

    user.click(schedule, "lif.fu.settings")
    modal = slack.wait_for(slack.last_modal, what="the settings")
    assert modal["title"]["text"] == "Check-in settings"
    values = current_values(modal)
    choose(values, "fu_cadence", selected_option=option("weekly"))
    choose(values, "fu_weekday", selected_option=option("3"))
    ack = submit(user, modal, values)

    assert ack.status == 200 and ack.body == ""
    said = user.next_message()["text"]
    assert said.startswith("I'll check in every week, on Thursday around 10:00 your time")
    prefs = preferences(followup, nurse)
    assert (prefs.cadence, prefs.weekday) == (Cadence.WEEKLY, 3)
    (first,) = pending(followup, nurse)
    assert first.due_at.astimezone(prefs.zone).weekday() == 3


def test_a_window_that_ends_before_it_starts_is_refused_under_the_input(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)
    modal = _settings(user, slack)
    values = current_values(modal)
    choose(values, "fu_window_start", selected_time="17:00")
    choose(values, "fu_window_end", selected_time="09:00")

    ack = submit(user, modal, values)

    assert ack.json()["response_action"] == "errors"
    assert ack.json()["errors"] == {"fu_window_end": "Choose a time later than 'Never before'."}
    assert preferences(followup, nurse).window_start == time(9, 0), "nothing changed"


def test_what_the_coaching_rules_refuse_is_shown_under_the_input_it_concerns(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)
    modal = _settings(user, slack)
    values = current_values(modal)
    choose(values, "fu_time", selected_time="08:00")  # before the window opens at 09:00

    errors = submit(user, modal, values).json()["errors"]

    assert list(errors) == ["fu_time"] and "inside the time window" in errors["fu_time"]
    assert preferences(followup, nurse).preferred_time == time(10, 0)


def test_pausing_for_leave_and_then_stopping_from_the_modal(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    followup: FollowUpService,
    clock: FakeClock,
    nurse: Person,
) -> None:
    confirmed(bot, nurse)
    modal = _settings(user, slack)
    values = current_values(modal)
    choose(values, "fu_pause", selected_date="2027-01-04")
    assert submit(user, modal, values).body == ""
    assert "paused until Monday 4 January" in user.next_message()["text"]
    assert preferences(followup, nurse).paused_until == date(2027, 1, 4)
    assert all(n.due_at.date() >= date(2027, 1, 4) for n in pending(followup, nurse))

    modal = _settings(user, slack, after=modal)
    values = current_values(modal)
    assert values["fu_pause"]["pause"]["selected_date"] == "2027-01-04", "shown as it is"
    choose(values, "fu_stop", selected_options=[option("stopped")])
    assert submit(user, modal, values).body == ""

    assert "Check-ins are stopped" in user.next_message()["text"]
    assert preferences(followup, nurse).stopped and pending(followup, nurse) == []


def _settings(
    user: SlackUser, slack: FakeSlack, after: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Open the settings from `/lif-reflect settings`; the modal (a new one, after `after`)."""
    user.command("settings")
    user.click(user.next_message(), "lif.fu.settings")
    earlier = (after or {}).get("id")
    return slack.wait_for(
        lambda: (modal := slack.last_modal()) and modal["id"] != earlier and modal,
        what="the settings",
    )
