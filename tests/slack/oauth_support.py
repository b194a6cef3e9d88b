"""Installing the app into a team the way a browser would: /slack/install, Slack, the redirect."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse

from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot

STATE_COOKIE = "slack-app-oauth-state"


@dataclass
class Answer:
    status: int
    location: str
    cookie: str
    body: str


def get(bot: RunningBot, path: str, *, cookie: str = "") -> Answer:
    """GET without following redirects (urllib would follow them to slack.com)."""
    connection = http.client.HTTPConnection(urlparse(bot.url).netloc, timeout=10)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    answer = Answer(
        response.status,
        response.getheader("Location") or "",
        (response.getheader("Set-Cookie") or "").split(";")[0],
        response.read().decode(),
    )
    connection.close()
    return answer


def start_install(bot: RunningBot) -> tuple[Answer, str]:
    """Open /slack/install; the answer and the state Slack is asked to send back."""
    answer = get(bot, "/slack/install")
    (state,) = parse_qs(urlparse(answer.location).query)["state"]
    return answer, state


def finish_install(bot: RunningBot, slack: FakeSlack, team: str, state: str, cookie: str) -> Answer:
    """Come back from Slack's consent page with a code for `team`."""
    query = urlencode({"code": slack.authorize_code(team), "state": state})
    return get(bot, f"/slack/oauth_redirect?{query}", cookie=cookie)


def install(bot: RunningBot, slack: FakeSlack, team: str) -> None:
    """Install the app into `team`, as an admin of that team would."""
    answer, state = start_install(bot)
    done = finish_install(bot, slack, team, state, answer.cookie)
    assert done.status == 200, done.body
