"""Requests not signed by Slack, or signed long ago, are refused (401) and logged."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request

import pytest
from slack_bolt import BoltRequest

from bot.slack.security import SignatureCheck
from tests.slack.driver import SlackUser, post
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

REPLY = "my private reflection text"


def _event_body() -> bytes:
    event = {
        "type": "message",
        "channel": "DU-NURSE",
        "user": "U-NURSE",
        "text": REPLY,
        "ts": "1.0",
        "channel_type": "im",
    }
    return json.dumps(
        {"type": "event_callback", "team_id": "T-TRUST", "event_id": "Ev9", "event": event}
    ).encode()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"signature": "v0=" + "0" * 64}, "signature does not match"),
        ({"secret": "someone-elses-secret"}, "signature does not match"),
        ({"seconds_from_now": -6 * 60}, "away from now"),  # timed when the test runs,
        ({"seconds_from_now": 6 * 60}, "away from now"),  # not when it is collected
    ],
    ids=["forged", "wrong-secret", "replayed", "from-the-future"],
)
def test_a_forged_or_stale_request_is_refused_logged_and_ignored(
    bot: RunningBot,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    options: dict,
    reason: str,
) -> None:
    caplog.set_level(logging.INFO)
    options = dict(options)
    if "seconds_from_now" in options:
        options["timestamp"] = int(time.time()) + options.pop("seconds_from_now")
    reply = post(bot.events_url, _event_body(), "application/json", **options)

    assert reply.status == 401
    assert reason in caplog.text
    assert REPLY not in caplog.text, "reflection text never reaches the log"
    assert slack.calls == []


def test_a_request_without_signature_headers_is_refused(bot: RunningBot) -> None:
    request = urllib.request.Request(bot.events_url, data=_event_body(), method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401


def test_a_correctly_signed_request_is_accepted(user: SlackUser) -> None:
    assert user.command("help").status == 200


def test_without_a_signing_secret_every_http_request_is_refused() -> None:
    request = BoltRequest(body="{}", headers={"x-slack-signature": "v0=abc"})
    assert "SLACK_SIGNING_SECRET is not set" in (SignatureCheck(None).problem(request) or "")
