"""Home shows progress (the next check-in, a timeline, the chart uploaded once); reflecting again
ends with a before/after comparison."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from typing import Any

from bot.coaching.followup.models import CheckInResponse, NudgeKind
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.nudges.dispatcher import Dispatcher
from tests.fakes import FakeClock
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    bot,
    clock,
    confirmed,
    current_values,
    dispatcher,
    followup,
    pending,
    sleeps,
    submit,
)
from tests.slack.harness import RunningBot


def _home(user: SlackUser, slack: FakeSlack, *, count: int = 1) -> dict[str, Any]:
    """Open Home (again); the view published in answer."""
    before = len(slack.calls_to("views.publish"))
    user.open_home()
    slack.wait_for_calls("views.publish", before + count)
    return slack.homes[user.user_id]


def _uploads(slack: FakeSlack) -> int:
    return len(slack.calls_to("files.completeUploadExternal"))


def test_home_shows_the_next_check_in_the_timeline_and_the_chart_uploaded_once(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    confirmed(bot, nurse)
    followup.record_check_in(nurse, CheckInResponse.STUCK, note="The rota & the huddle clash")

    home = _home(user, slack)

    text = all_text(home)
    assert "*Check-ins*\nI'll check in every two weeks, on Tuesday around 10:00" in text
    assert "The first check-in is on Tuesday 15 December around 10:00" in text
    assert "*Tuesday 1 December* · L1 Vision and shared purpose: *Stuck*" in text
    assert "The rota &amp; the huddle clash" in text, "the note, escaped, for its author"
    (image,) = [b for b in home["blocks"] if b["type"] == "image"]
    assert image["alt_text"].startswith("Self-ratings, latest 1 Dec 2026: Leadership: L1 1, L2 2")
    assert image["slack_file"]["id"] in slack.uploads
    assert {"lif.fu.checkin", "lif.fu.settings", "lif.fu.again.priorities"} <= set(action_ids(home))

    again = _home(user, slack)
    assert _uploads(slack) == 1, "the same reflections: the chart is not uploaded again"
    assert [b for b in again["blocks"] if b["type"] == "image"] == [image]


def test_settings_changed_from_home_show_on_home(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)
    home = _home(user, slack)

    user.click_home(home, "lif.fu.settings")
    modal = slack.wait_for(slack.last_modal, what="the settings")
    values = current_values(modal)
    values["fu_time"]["time"]["selected_time"] = "11:30"
    assert submit(user, modal, values).body == ""

    slack.wait_for_calls("views.publish", 2)
    assert "on Tuesday around 11:30 your time" in all_text(slack.homes[user.user_id])


def test_home_checks_in_now_and_starts_stopped_check_ins_again(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, followup: FollowUpService, nurse: Person
) -> None:
    confirmed(bot, nurse)
    followup.stop(nurse)
    home = _home(user, slack)
    assert "Check-ins are stopped" in all_text(home)
    assert "lif.fu.resume" in action_ids(home) and "lif.fu.settings" not in action_ids(home)

    user.click_home(home, "lif.fu.checkin")
    assert header(user.next_message()) == "Check-in on your priority areas"
    user.click_home(home, "lif.fu.resume")

    assert user.next_message()["text"].startswith("I'll check in every two weeks")
    slack.wait_for(
        lambda: "lif.fu.settings" in action_ids(slack.homes[user.user_id]), what="Home redrawn"
    )
    assert not followup.nudges.preferences(nurse).stopped


def test_reflecting_again_ends_with_how_the_ratings_moved(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    followup: FollowUpService,
    clock: FakeClock,
    nurse: Person,
) -> None:
    confirmed(bot, nurse)  # rated 1, 2, 3, 4, 5, 4, 3, 2, 2
    clock.advance(weeks=12)

    assert "fresh reflection" in user.command("again leadership").body
    note = user.next_message()
    assert "Reflecting again on Leadership" in note["text"]
    assert "since Tuesday 1 December" in note["text"]
    step = user.next_message()
    assert header(step) == "Leadership 1 of 9"
    for _ in range(9):
        user.click(step, "lif.rate.4")
        step = user.next_message()
    user.click(step, "lif.confirm")

    assert user.next_message()["text"].startswith("I'll check in every two weeks")
    moved = user.next_message()
    assert header(moved) == "How your self-ratings moved"
    text = all_text(moved)
    assert "Your ratings on Tuesday 23 February, compared with Tuesday 1 December:" in text
    assert "*Rated higher:* L1 Vision and shared purpose (1 → 4)" in text
    assert "*Rated lower:* L5 Developing others (5 → 4)" in text
    assert "2 unchanged." in text  # L4 and L6 were rated 4 both times
    (image,) = [b for b in moved["blocks"] if b["type"] == "image"]
    assert "latest 23 Feb 2027 (earlier 1 Dec 2026)" in image["alt_text"]
    assert "L1 4 (was 1)" in image["alt_text"]
    assert len(followup.completed_reflections(nurse)) == 2


def test_the_invitation_to_reflect_again_starts_one_on_the_priority_areas(
    bot: RunningBot,
    user: SlackUser,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    confirmed(bot, nurse)
    followup.nudges.cancel_pending(nurse, (NudgeKind.NUDGE,))  # only the invitation is due
    (invitation,) = pending(followup, nurse, NudgeKind.RE_REFLECTION)

    assert dispatcher.send_due(invitation.due_at) == 1
    message = user.next_message()

    assert header(message) == "Time to reflect again?"
    assert "12 weeks since you chose your priority areas" in message["text"]
    user.click(message, "lif.fu.again.priorities")
    user.next_message()  # "Reflecting again on Leadership..."
    assert header(user.next_message()) == "Leadership 1 of 9"


def test_reflecting_again_with_no_scope_walks_only_the_priority_areas(
    bot: RunningBot, user: SlackUser, clock: FakeClock, nurse: Person
) -> None:
    confirmed(bot, nurse)  # priorities L1, L2, L8 (rated 1, 2, 2)
    clock.advance(weeks=12)
    user.command("again")
    assert "Reflecting again on your priority areas" in user.next_message()["text"]
    headers = []
    step = user.next_message()
    for _ in range(3):
        headers.append(header(step))
        user.click(step, "lif.rate.4")
        step = user.next_message()
    assert headers == ["Leadership 1 of 9", "Leadership 2 of 9", "Leadership 8 of 9"]
    assert "priority areas" in all_text(step).lower()
