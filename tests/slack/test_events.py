"""Events: replies in the DM become written reflections; Home shows where the person is."""

from __future__ import annotations

import logging

import pytest

from bot.coaching.models import Person
from bot.slack.payloads import is_persons_dm_message
from tests.ops.processes import wait_for
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import BOT_USER, FakeSlack
from tests.slack.harness import RunningBot


def test_dm_replies_are_saved_to_the_current_step_and_acknowledged_with_links(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()

    user.say("I want to get better at building relationships and shared purpose across teams")
    first = user.next_message()
    user.say("Especially with the night shift.")
    second = user.next_message()

    assert "Saved your reflection on *L1" in all_text(first)
    assert "This also sounds like L3" in all_text(first)
    assert "Added to what you wrote on *L1" in all_text(second)
    answer = bot.coach.service.resume(nurse).answer
    assert answer is not None and answer.text == (
        "I want to get better at building relationships and shared purpose across teams"
        "\n\nEspecially with the night shift."
    )


def test_slack_markup_in_a_reply_is_kept_as_typed_and_never_echoed_live(
    user: SlackUser, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    first = user.next_message()
    user.say(
        "&lt;!channel&gt; <!channel> told <@U123> about <https://evil.example|this> &amp; more"
    )
    user.next_message()
    user.click(first, "lif.rate.2")
    user.click(user.next_message(), "lif.back")

    again = user.next_message()  # fake Slack refuses any live markup it's sent (see limits.py)

    assert "&lt;!channel&gt; told &lt;@U123&gt;" in all_text(again)
    answer = bot.coach.service.resume(nurse).answer
    assert answer is not None and answer.text.startswith("<!channel> <!channel> told <@U123>")


def test_a_message_with_no_reflection_in_progress_is_answered_and_says_how_to_start(
    user: SlackUser,
) -> None:
    user.say("hello?")
    answer = all_text(user.next_message())
    assert "I can only answer questions about the Leading Improvement Framework" in answer
    assert "To start a reflection, type `/lif-reflect`." in answer


def test_a_reply_at_the_summary_explains_there_is_no_step_to_add_it_to(user: SlackUser) -> None:
    user.command("leadership")
    step = user.next_message()
    while header(step) != "Your priority areas":
        user.click(step, "lif.skip")
        step = user.next_message()
    user.say("one more thought")
    assert "reached its priority areas" in user.next_ephemeral()


def test_edits_files_bots_and_other_channels_are_not_reflections() -> None:
    person = {"type": "message", "channel_type": "im", "user": "U1", "text": "hi"}
    assert is_persons_dm_message(person)
    assert not is_persons_dm_message(person | {"subtype": "message_changed"})
    assert not is_persons_dm_message(person | {"subtype": "file_share"})
    assert not is_persons_dm_message(person | {"bot_id": "B1"})
    assert not is_persons_dm_message(person | {"channel_type": "channel"})
    assert not is_persons_dm_message(person | {"text": "  "})


def test_the_bots_own_messages_are_ignored(user: SlackUser, slack: FakeSlack) -> None:
    event = {
        "type": "message",
        "channel": user.dm,
        "user": BOT_USER,
        "text": "Leadership 1 of 9",
        "ts": "1.0",
        "channel_type": "im",
        "bot_id": "BBOT",
    }
    assert user.send_event(event).status == 200
    user.say("a person's message, sent after")
    user.next_message()  # answered (no reflection yet): so the bot's own was seen and skipped
    assert len(slack.messages_in(user.dm)) == 1


def test_home_shows_start_buttons_then_the_reflection_in_progress(
    user: SlackUser, slack: FakeSlack
) -> None:
    user.open_home()
    home = slack.wait_for(lambda: slack.homes.get(user.user_id), what="Home")
    assert "lif.start.all" in action_ids(home) and "lif.resume" not in action_ids(home)

    user.click_home(home, "lif.start.improvement")
    assert header(user.next_message()) == "Improvement 1 of 10"
    user.open_home()
    home = slack.wait_for(
        lambda: "lif.resume" in action_ids(h := slack.homes[user.user_id]) and h, what="Resume"
    )
    assert "unfinished reflection (Improvement)" in all_text(home)

    user.click_home(home, "lif.resume")
    assert header(user.next_message()) == "Improvement 1 of 10"


def test_with_one_bot_token_an_uninstall_is_logged_for_the_operator(
    user: SlackUser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.slack.events"):
        assert user.send_event({"type": "app_uninstalled"}).status == 200
        assert user.send_event({"type": "tokens_revoked", "tokens": {"bot": ["B1"]}}).status == 200

        def lines() -> list[str]:
            return [r.getMessage() for r in caplog.records if r.name == "bot.slack.events"]

        wait_for(lambda: len(lines()) >= 2, timeout=10, what="two log lines")

    assert sorted(lines()) == [
        "LIF Coach was uninstalled from workspace T-TRUST: SLACK_BOT_TOKEN no longer works there",
        "Slack revoked the bot token of workspace T-TRUST: SLACK_BOT_TOKEN no longer works there",
    ]
