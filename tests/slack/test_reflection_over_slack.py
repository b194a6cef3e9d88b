"""A whole reflection over Slack: the real app under uvicorn, signed requests, a fake Web API."""

from __future__ import annotations

from collections.abc import Callable

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

LEADERSHIP_RATINGS = [4, 4, 2, 5, 1, 4, 3, 4, 5]  # L5 lowest, then L3, then L7
L5_REPLY = "I struggle to delegate: I worry the rota will be done badly if I let go of it."


def test_a_whole_domain_runs_from_the_command_to_confirmed_priorities_with_a_goal(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    ack = user.command("leadership")
    assert ack.status == 200 and "Starting Leadership" in ack.body

    step = user.next_message()
    for number, rating in enumerate(LEADERSHIP_RATINGS, start=1):
        assert header(step) == f"Leadership {number} of 9"
        assert [f"lif.rate.{n}" for n in range(1, 6)] == action_ids(step)[:5]
        if number == 5:
            assert user.say(L5_REPLY).status == 200
            assert "Saved your reflection on *L5" in all_text(user.next_message())
        user.click(step, f"lif.rate.{rating}")
        following = user.next_message()
        answered = user.current(step)
        assert f"You rated this *{rating}*" in all_text(answered)
        assert action_ids(answered) == [], "an answered step keeps no buttons"
        step = following

    summary = step
    assert header(summary) == "Your priority areas"
    text = all_text(summary)
    assert text.index("L5") < text.index("L3") < text.index("L7")
    assert "I worry the rota will be done badly if I let go of it." in text  # their own words

    user.click(summary, "lif.goal.L5")
    modal = slack.wait_for(slack.last_modal, what="the goal form")
    assert modal["title"]["text"] == "Your goal" and "L5 Developing others" in all_text(modal)
    ack = user.submit(modal, "Hand the March rota to Sam, with a check-in")
    assert ack.status == 200 and ack.body == ""
    slack.wait_for(lambda: "Hand the March rota to Sam" in all_text(user.current(summary)))

    user.click(user.current(summary), "lif.confirm")
    slack.wait_for(lambda: header(user.current(summary)) == "Your confirmed priority areas")
    assert action_ids(user.current(summary)) == ["lif.goal.L5", "lif.goal.L3", "lif.goal.L7"]

    user.open_home()
    home = slack.wait_for(lambda: slack.homes.get(user.user_id), what="the Home tab")
    assert "Hand the March rota to Sam" in all_text(home)

    saved = bot.coach.service.last_summary(nurse)
    assert saved is not None and saved.confirmed
    assert [p.attribute.id for p in saved.priorities] == ["L5", "L3", "L7"]
    assert saved.priorities[0].goal == "Hand the March rota to Sam, with a check-in"
    assert slack.calls_to("auth.test"), "the token was checked once, against the fake"


def test_after_a_restart_the_person_resumes_where_they_left_off(
    start_bot: Callable[[], RunningBot], slack: FakeSlack
) -> None:
    first = start_bot()
    user = SlackUser(first.events_url, slack)
    user.command("improvement")
    step = user.next_message()
    for rating in (3, 4):
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message()
    assert header(step) == "Improvement 3 of 10"
    first.stop()

    second = start_bot()
    user.events_url = second.events_url
    assert "Picking up" in user.command("resume").body
    resumed = user.next_message()
    assert header(resumed) == "Improvement 3 of 10"
    user.click(resumed, "lif.rate.2")
    assert header(user.next_message()) == "Improvement 4 of 10"
