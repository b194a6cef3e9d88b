"""The same delivery twice (a Slack retry, a repeated payload) is handled once."""

from __future__ import annotations

from bot.coaching.models import Person
from bot.slack.idempotency import delivery_key
from tests.slack.driver import SlackUser, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


def test_delivery_keys_come_from_the_event_id_or_the_trigger() -> None:
    assert delivery_key({"type": "event_callback", "event_id": "Ev1"}) == "event:Ev1"
    assert delivery_key({"command": "/lif-reflect", "trigger_id": "t1"}) == "command:t1"
    click = {"type": "block_actions", "trigger_id": "t2", "actions": [{"action_ts": "17.1"}]}
    assert delivery_key(click) == "block_actions:t2:17.1"
    assert delivery_key({"type": "view_submission", "trigger_id": "t3"}) == "view_submission:t3:"
    assert delivery_key({"type": "url_verification", "challenge": "x"}) is None


def test_a_retried_event_saves_the_reply_once_and_acknowledges_it_once(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()

    first = user.say("We agreed the plan at huddle.", event_id="Ev-REPLY")
    retry = user.say(
        "We agreed the plan at huddle.",
        event_id="Ev-REPLY",
        X_Slack_Retry_Num="1",
        X_Slack_Retry_Reason="http_timeout",
    )
    user.next_message()
    user.say("And then?")  # a later, different delivery is handled as usual
    user.next_message()

    assert first.status == retry.status == 200
    answer = bot.coach.service.resume(nurse).answer
    assert answer is not None and answer.text == "We agreed the plan at huddle.\n\nAnd then?"
    assert len(slack.messages_in(user.dm)) == 3


def test_the_same_click_delivered_twice_posts_one_next_step(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    first = user.next_message()
    payload = user.click_payload(first, "lif.rate.3")

    assert user.send_payload(payload).status == 200
    assert user.send_payload(payload).status == 200
    assert header(user.next_message()) == "Leadership 2 of 9"
    user.command("resume")  # a later delivery, to know the repeat has been dealt with
    user.next_message()

    assert len(slack.calls_to("chat.update")) == 1
    assert user.ephemerals() == []  # the repeat was not even treated as an old button
    assert len(slack.messages_in(user.dm)) == 3


def test_the_same_slash_command_delivered_twice_opens_one_reflection(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("improvement", trigger_id="trigger-once")
    user.command("improvement", trigger_id="trigger-once")
    user.next_message()
    user.command("summary")
    user.next_ephemeral()
    assert len(slack.messages_in(user.dm)) == 1
