"""/lif-reflect: acknowledged at once; the reflection itself happens in a DM."""

from __future__ import annotations

from typing import Any, cast

import pytest
from slack_sdk import WebClient

from bot.content import load_framework
from bot.slack.commands import CommandRequest, parse_command
from bot.slack.conversation import DirectMessages
from tests.slack.driver import SlackUser, action_ids, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", CommandRequest("intro")),
        ("  ", CommandRequest("intro")),
        ("help", CommandRequest("help")),
        ("Leadership", CommandRequest("start", "leadership")),
        ("improvement", CommandRequest("start", "improvement")),
        ("care", CommandRequest("start", "care_delivery")),
        ("care delivery", CommandRequest("start", "care_delivery")),
        ("care-delivery systems", CommandRequest("start", "care_delivery")),
        ("all", CommandRequest("start", "all")),
        ("resume", CommandRequest("resume")),
        ("SUMMARY", CommandRequest("summary")),
        ("resume now please", CommandRequest("help")),
        ("banana", CommandRequest("help")),
        ("<!channel>", CommandRequest("help")),
    ],
)
def test_the_command_text_is_read_and_anything_unknown_asks_for_help(
    text: str, expected: CommandRequest
) -> None:
    assert parse_command(text) == expected


def test_the_bare_command_acks_in_the_channel_and_opens_a_dm_with_the_introduction(
    user: SlackUser, slack: FakeSlack
) -> None:
    ack = user.command("")
    assert ack.status == 200 and "I've sent you a direct message" in ack.body

    intro = user.next_message()
    assert slack.calls_to("conversations.open")[0].params["users"] == user.user_id
    assert header(intro) == load_framework().name
    assert "lif.start.all" in action_ids(intro) and "lif.start.leadership" in action_ids(intro)


@pytest.mark.parametrize("text", ["help", "what is this?"])
def test_help_and_unknown_text_get_the_help_and_nothing_else(
    user: SlackUser, slack: FakeSlack, text: str
) -> None:
    ack = user.command(text)
    assert ack.status == 200 and "/lif-reflect resume" in ack.body
    assert [c.method for c in slack.calls if c.method != "auth.test"] == []


def test_care_starts_care_delivery_systems_in_the_dm(user: SlackUser) -> None:
    assert "Starting Care delivery systems" in user.command("care").body
    assert header(user.next_message()) == "Care delivery systems 1 of 10"


def test_resume_and_summary_with_nothing_to_show_say_so_privately(user: SlackUser) -> None:
    user.command("resume")
    assert "no unfinished reflection" in user.next_ephemeral(1)
    user.command("summary")
    assert "no priority areas yet" in user.next_ephemeral(2)


def test_the_introduction_buttons_start_a_domain(user: SlackUser) -> None:
    user.command("")
    intro = user.next_message()
    user.click(intro, "lif.start.improvement")
    assert header(user.next_message()) == "Improvement 1 of 10"


def test_a_features_sub_command_gets_the_rest_of_the_text_as_typed() -> None:
    request = parse_command("Ask  What does I3 mean? ", extra={"ask"})
    assert request == CommandRequest("ask", "What does I3 mean?")
    assert parse_command("ask what", extra=()) == CommandRequest("help")


def test_a_persons_dm_is_opened_once_and_remembered_for_their_next_commands(
    bot: RunningBot, user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    user.next_message()
    user.command("resume")
    assert header(user.next_message()) == "Leadership 1 of 9"
    colleague = SlackUser(bot.events_url, slack, user_id="U-COLLEAGUE")
    colleague.command("care")
    colleague.next_message()

    opened = [call.params["users"] for call in slack.calls_to("conversations.open")]
    assert opened == [user.user_id, colleague.user_id]


def test_a_dm_slack_no_longer_knows_is_forgotten_and_opened_again(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    user.next_message()
    slack.answer_next("chat.postMessage", "channel_not_found")

    user.command("resume")
    assert "didn't let me post" in user.next_ephemeral(1)
    user.command("resume")

    assert header(user.next_message()) == "Leadership 1 of 9"
    assert len(slack.calls_to("conversations.open")) == 2


class _CountingClient:
    """Just enough of a WebClient: a token, and conversations.open answered and counted."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.opened: list[str] = []

    def conversations_open(self, users: list[str]) -> dict[str, Any]:
        self.opened.append(users[0])
        return {"channel": {"id": f"D-{self.token}-{users[0]}"}}


def test_remembered_dms_are_kept_apart_per_bot_token_and_the_oldest_used_go_first() -> None:
    direct_messages = DirectMessages(size=2)
    trust, other = _CountingClient("xoxb-trust"), _CountingClient("xoxb-other")
    client = cast(WebClient, trust)

    assert direct_messages.channel(client, "U1") == "D-xoxb-trust-U1"
    assert direct_messages.channel(cast(WebClient, other), "U1") == "D-xoxb-other-U1"
    assert direct_messages.channel(client, "U1") == "D-xoxb-trust-U1"  # remembered, now newest
    direct_messages.channel(client, "U2")  # a third entry: the other workspace's U1 goes
    direct_messages.channel(cast(WebClient, other), "U1")

    assert trust.opened == ["U1", "U2"]
    assert other.opened == ["U1", "U1"]
