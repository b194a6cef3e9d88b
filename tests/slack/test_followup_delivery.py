"""Delivering check-ins through Slack's Web API: rate limits paced, 5xx retried without a second
post, unreachable people stopped with the reason kept, and `lif-coach nudges send-due`."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.nudges.dispatcher import Dispatcher
from bot.settings import Settings
from bot.slack.nudge_sender import NOT_SLACK, SlackNudgeSender
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    bot,
    check_ins_in,
    clock,
    confirmed,
    dispatcher,
    followup,
    pending,
    preferences,
    sleeps,
)
from tests.slack.harness import RunningBot

TEAM = "T-TRUST"


def _team(bot: RunningBot, count: int) -> tuple[list[Person], datetime]:
    """`count` people with confirmed priorities; when all their first check-ins are due."""
    people = [Person(workspace_id=TEAM, user_id=f"U-NURSE{n}") for n in range(count)]
    return people, max(confirmed(bot, person) for person in people)


def _delivered(slack: FakeSlack, people: list[Person]) -> Counter[str]:
    """Check-ins in each person's DM, counted at the fake Slack."""
    return Counter(
        person.user_id
        for person in people
        for message in slack.messages_in(f"D{person.user_id}")
        if (message.get("metadata") or {}).get("event_type") == "lif_nudge"
    )


def test_rate_limited_for_a_while_every_check_in_still_goes_out_exactly_once(
    bot: RunningBot, slack: FakeSlack, dispatcher: Dispatcher, sleeps: list[float]
) -> None:
    people, due = _team(bot, 6)
    slack.fail_next("chat.postMessage", times=3, status=429, retry_after=2)

    report = dispatcher.run_once(due)

    assert report.sent == 6 and sleeps == [2, 2, 2], "waited out each Retry-After in place"
    assert _delivered(slack, people) == {p.user_id: 1 for p in people}
    assert dispatcher.run_once(due + timedelta(minutes=10)).sent == 0


def test_a_long_retry_after_holds_that_check_in_back_and_a_later_run_sends_it_once(
    bot: RunningBot, slack: FakeSlack, dispatcher: Dispatcher, sleeps: list[float]
) -> None:
    people, due = _team(bot, 3)
    slack.fail_next("chat.postMessage", times=1, status=429, retry_after=600)

    first = dispatcher.run_once(due)
    second = dispatcher.run_once(due + timedelta(minutes=11))

    assert sleeps == [600] and first.rate_limited_s == 600, "the batch paused, not retried"
    assert first.sent == 2 and second.sent == 1, "the limited one waited for its Retry-After"
    assert _delivered(slack, people) == {p.user_id: 1 for p in people}


def test_a_500_after_slack_posted_is_found_in_the_dm_and_not_posted_again(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, dispatcher: Dispatcher, nurse: Person
) -> None:
    due = confirmed(bot, nurse)
    slack.lose_next_answer("chat.postMessage")  # Slack posted, but answered 500

    assert dispatcher.run_once(due).retried == 1
    later = dispatcher.run_once(due + timedelta(minutes=2))

    assert later.recovered == 1 and later.sent == 0
    assert len(check_ins_in(slack, user)) == 1
    (history,) = slack.calls_to("conversations.history")
    assert history.params["channel"] == user.dm and history.params["include_all_metadata"]


def test_a_500_before_slack_posted_is_retried_with_backoff_and_sent_once(
    bot: RunningBot, user: SlackUser, slack: FakeSlack, dispatcher: Dispatcher, nurse: Person
) -> None:
    due = confirmed(bot, nurse)
    slack.fail_next("chat.postMessage", status=503)

    assert dispatcher.run_once(due).retried == 1
    assert dispatcher.run_once(due + timedelta(seconds=30)).sent == 0, "backing off"
    assert dispatcher.run_once(due + timedelta(minutes=2)).sent == 1

    assert len(check_ins_in(slack, user)) == 1


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (lambda slack: slack.set_person("U-NURSE", deleted=True), "account_inactive"),
        (lambda slack: slack.set_person("U-NURSE", error="user_not_found"), "user_not_found"),
        (
            lambda slack: slack.answer_next("chat.postMessage", "account_inactive"),
            "account_inactive",
        ),
        (lambda slack: slack.answer_next("conversations.open", "cannot_dm_bot"), "cannot_dm_bot"),
    ],
    ids=["deactivated", "user_not_found", "account_inactive", "cannot_dm_bot"],
)
def test_someone_slack_cannot_reach_has_their_check_ins_stopped_with_the_reason(
    arrange,
    reason: str,
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    dispatcher: Dispatcher,
    followup: FollowUpService,
    nurse: Person,
) -> None:
    due = confirmed(bot, nurse)
    arrange(slack)

    report = dispatcher.run_once(due)

    assert report.failed == 1 and report.sent == 0
    prefs = preferences(followup, nurse)
    assert prefs.stopped and prefs.stop_reason is not None and reason in prefs.stop_reason
    assert pending(followup, nurse) == []
    assert check_ins_in(slack, user) == []


def test_people_of_the_terminal_are_not_sent_to_slack(slack: FakeSlack, settings: Settings) -> None:
    from bot.coaching.followup.models import NudgeKind
    from bot.coaching.followup.views import NudgeMessage
    from bot.slack.nudge_sender import make_nudge_client

    sam = Person(workspace_id="terminal", user_id="sam")
    message = NudgeMessage(
        person=sam, kind=NudgeKind.NUDGE, period_key="p", dedupe_key="k", text="Check-in"
    )
    sender = SlackNudgeSender(make_nudge_client(settings))

    assert sender.send(message).error == NOT_SLACK  # type: ignore[union-attr]
    assert sender.find_delivered(message, since=datetime.now(UTC)) is None
    assert slack.calls == []


def test_send_due_on_the_command_line_posts_the_check_in_to_the_dm(
    bot: RunningBot,
    user: SlackUser,
    slack: FakeSlack,
    settings: Settings,
    nurse: Person,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    due = confirmed(bot, nurse)
    _environment(monkeypatch, settings)

    assert main(["nudges", "send-due", "--now", due.isoformat()]) == 0

    assert capsys.readouterr().out.strip() == "Sent 1 check-in message."
    (message,) = check_ins_in(slack, user)
    assert message["text"].startswith("Time for a check-in on L1 Vision and shared purpose")


def _environment(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    assert settings.slack_bot_token is not None
    values = {
        "LIF_DATA_DIR": str(Path(settings.data_dir)),
        "LIF_DATABASE_URL": settings.effective_database_url,
        "SLACK_BOT_TOKEN": settings.slack_bot_token.get_secret_value(),
        "SLACK_API_URL": settings.slack_api_url,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
