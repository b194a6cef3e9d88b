"""Requests that are not what they claim: forged, replayed, for another workspace, or repeated."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from bot.coaching.models import Person
from tests.slack.driver import TEAM, SlackUser, post
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

STORM = 3  # deliveries of one event: the original and Slack's retries, all at once


def command_body(team: str = TEAM, user: str = "U-NURSE") -> bytes:
    return urlencode(
        {
            "team_id": team,
            "channel_id": "C-WARD",
            "user_id": user,
            "command": "/lif-reflect",
            "text": "leadership",
            "api_app_id": "A-LIF",
            "trigger_id": f"{time.time_ns()}.t",
        }
    ).encode()


@pytest.mark.parametrize(
    ("why", "options"),
    [
        ("forged", {"secret": "not-the-signing-secret"}),
        ("replayed", {"seconds_from_now": -6 * 60}),
        ("from the future", {"seconds_from_now": 6 * 60}),
        ("tampered", {"signature": "v0=" + "0" * 64}),
    ],
)
def test_a_request_not_signed_now_by_slack_is_refused_and_changes_nothing(
    bot: RunningBot, slack: FakeSlack, why: str, options: dict
) -> None:
    if "seconds_from_now" in options:  # from the time the test runs, not when it was collected
        options = {"timestamp": int(time.time()) + options["seconds_from_now"]}
    reply = post(bot.events_url, command_body(), "application/x-www-form-urlencoded", **options)
    assert reply.status == 401, why
    time.sleep(0.2)
    assert slack.calls_to("chat.postMessage") == []
    assert (
        bot.coach.service.repository.active_for(Person(workspace_id=TEAM, user_id="U-NURSE"))
        is None
    )


def test_a_signed_request_for_another_workspace_is_refused(
    bot: RunningBot, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    reply = post(
        bot.events_url, command_body(team="T-ELSEWHERE"), "application/x-www-form-urlencoded"
    )
    assert reply.status == 401
    assert "Refused a request for workspace T-ELSEWHERE: this app serves T-TRUST" in caplog.text
    time.sleep(0.2)
    assert slack.calls_to("chat.postMessage") == []
    stranger = Person(workspace_id="T-ELSEWHERE", user_id="U-NURSE")
    assert bot.coach.service.repository.active_for(stranger) is None

    ours = post(bot.events_url, command_body(), "application/x-www-form-urlencoded")
    assert ours.status == 200, "the install's own workspace is still served"


def test_a_retry_storm_of_one_event_has_one_effect(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    user.command("leadership")
    user.next_message()
    retries = [{}] + [
        {"X_Slack_Retry_Num": str(n), "X_Slack_Retry_Reason": "http_timeout"}
        for n in range(1, STORM)
    ]
    with ThreadPoolExecutor(STORM) as pool:
        replies = list(
            pool.map(
                lambda headers: user.say(
                    "The huddle agreed the plan.", event_id="Ev-STORM", **headers
                ),
                retries,
            )
        )
    assert [r.status for r in replies] == [200] * STORM
    user.next_message()
    time.sleep(0.5)  # room for any second effect to show
    saved = [m for m in slack.messages_in(user.dm) if "Saved your reflection" in json.dumps(m)]
    assert len(saved) == 1, f"{STORM} deliveries, {len(saved)} effects"
    answer = bot.coach.service.resume(nurse).answer
    assert answer is not None and answer.text == "The huddle agreed the plan."
    print(f"\nretry storm: {STORM} deliveries sent, {len(saved)} effect")
