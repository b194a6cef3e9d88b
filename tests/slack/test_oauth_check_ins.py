"""Follow-up check-ins in OAuth install mode: each workspace's people are sent their check-ins
with that workspace's own bot token, into that workspace's DM, and a workspace that is not (or
no longer) installed, or whose token Slack refuses, never holds up the others."""

# ruff: noqa: F811 (pytest fixtures are imported from followup_support, then named as parameters)
from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.coaching.models import Person
from bot.container import build_coach, build_dispatcher
from bot.content import load_framework
from bot.nudges.dispatcher import Dispatcher
from bot.settings import Settings
from bot.slack import oauth
from bot.slack.nudge_sender import NOT_INSTALLED, make_check_in_sender
from bot.slack.server import serve
from tests.fakes import FakeClock, KeywordRetriever
from tests.slack.driver import SIGNING_SECRET, SlackUser
from tests.slack.fake_slack import FakeSlack
from tests.slack.followup_support import (  # noqa: F401 (fixtures)
    check_ins_in,
    clock,
    confirmed,
    pending,
    preferences,
    reflect_and_confirm,
)
from tests.slack.harness import RunningBot
from tests.slack.oauth_support import install

LONDON, NEW_YORK = "Europe/London", "America/New_York"  # 10:00 in New York is 15:00 in London


class ReinstallingSlack(FakeSlack):
    """The fake Web API where, as in Slack, each install hands out a new bot token and a revoked
    token is answered `token_revoked`."""

    def __init__(self) -> None:
        super().__init__()
        self.installs: dict[str, int] = {}  # team id -> how many times it installed
        self.revoked: set[str] = set()

    def token_of(self, team_id: str) -> str:
        """The bot token of the team's latest install."""
        return f"xoxb-{team_id}-install-{self.installs.get(team_id, 0)}"

    def revoke(self, team_id: str) -> str:
        """Revoke the team's current token (an uninstall, or an admin revoking it)."""
        token = self.token_of(team_id)
        with self._lock:
            self.installed.pop(token, None)
            self.revoked.add(token)
        return token

    def _oauth_v2_access(self, params: dict[str, Any]) -> dict[str, Any]:
        team_id = self._codes.get(params.get("code", ""))
        if team_id is not None:
            self.installs[team_id] = self.installs.get(team_id, 0) + 1
        return super()._oauth_v2_access(params)

    def _authorized(self, method: str, authorization: str | None) -> bool:
        token = (authorization or "").removeprefix("Bearer ")
        return token in self.revoked or super()._authorized(method, authorization)

    def _respond(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if self._token in self.revoked:
            return {"ok": False, "error": "token_revoked"}
        return super()._respond(method, params)


@pytest.fixture
def slack() -> Iterator[ReinstallingSlack]:
    """The fake Web API; after each test, nothing the bot sent broke Slack's rules."""
    fake = ReinstallingSlack()
    fake.start()
    yield fake
    fake.stop()
    assert fake.problems == []


@pytest.fixture
def oauth_bot(
    tmp_path: Path, database_url: str, slack: ReinstallingSlack, clock: FakeClock
) -> Iterator[RunningBot]:
    """The bot in OAuth install mode on the test's clock; no workspace has installed it yet."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        SLACK_CLIENT_ID=FakeSlack.CLIENT_ID,
        SLACK_CLIENT_SECRET=FakeSlack.CLIENT_SECRET,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
    )
    coach = build_coach(settings, retriever=KeywordRetriever(load_framework()))
    assert coach.followup is not None
    coach.service.clock = coach.followup.clock = clock
    slack.ts_clock = lambda: clock.now().timestamp()
    running = RunningBot(coach).start()
    yield running
    running.stop()


@pytest.fixture
def dispatcher(oauth_bot: RunningBot) -> Dispatcher:
    """The dispatcher `lif-coach serve` runs in this mode, with the sender it builds."""
    return build_dispatcher(oauth_bot.coach, make_check_in_sender(oauth_bot.coach))


def _person(
    bot: RunningBot, team: str, user_id: str, zone: str = LONDON
) -> tuple[Person, datetime]:
    """Someone of `team` with confirmed priorities; when their first check-in is due."""
    person = Person(workspace_id=team, user_id=user_id)
    return person, confirmed(bot, person, timezone=zone)


def _user(bot: RunningBot, slack: FakeSlack, person: Person) -> SlackUser:
    return SlackUser(bot.events_url, slack, person.user_id, team=person.workspace_id)


def _calls(slack: FakeSlack, method: str, param: str) -> set[tuple[str, str | None]]:
    """(parameter, token) of every successful call of `method`."""
    return {
        (c.params[param], c.token)
        for c in slack.calls_to(method)
        if c.status == 200 and c.response.get("ok")
    }


def test_each_workspaces_check_ins_go_out_with_its_own_token_into_its_own_dm(
    oauth_bot: RunningBot, slack: ReinstallingSlack, dispatcher: Dispatcher
) -> None:
    install(oauth_bot, slack, "T-ONE")
    install(oauth_bot, slack, "T-TWO")
    one, two = slack.token_of("T-ONE"), slack.token_of("T-TWO")
    # The same user id in two workspaces is two people, with two DMs and two tokens.
    ann, due = _person(oauth_bot, "T-ONE", "U1")
    ann_two, _ = _person(oauth_bot, "T-TWO", "U1")
    bob, _ = _person(oauth_bot, "T-TWO", "U2")

    assert dispatcher.run_once(due).sent == 3

    for person in (ann, ann_two, bob):
        (message,) = check_ins_in(slack, _user(oauth_bot, slack, person))
        key = message["metadata"]["event_payload"]["key"]
        assert key.startswith(f"lif:{person.workspace_id}:{person.user_id}:")
    assert _calls(slack, "chat.postMessage", "channel") == {
        (slack.dm_of("U1", "T-ONE"), one),
        (slack.dm_of("U1", "T-TWO"), two),
        (slack.dm_of("U2", "T-TWO"), two),
    }
    # DM channels and profiles are looked up per workspace, never shared across them.
    assert _calls(slack, "conversations.open", "users") == {("U1", one), ("U1", two), ("U2", two)}
    assert _calls(slack, "users.info", "user") == {("U1", one), ("U1", two), ("U2", two)}
    assert dispatcher.run_once(due + timedelta(minutes=5)).sent == 0


def test_a_workspace_without_an_installation_fails_its_check_ins_and_the_others_go_out(
    oauth_bot: RunningBot,
    slack: ReinstallingSlack,
    dispatcher: Dispatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    install(oauth_bot, slack, "T-ONE")
    install(oauth_bot, slack, "T-GONE")
    ann, london = _person(oauth_bot, "T-ONE", "U-ANN")
    bob, new_york = _person(oauth_bot, "T-ONE", "U-BOB", NEW_YORK)
    cat, _ = _person(oauth_bot, "T-GONE", "U-CAT")
    dan, _ = _person(oauth_bot, "T-GONE", "U-DAN", NEW_YORK)
    eve, _ = _person(oauth_bot, "T-NEVER", "U-EVE")  # her workspace never installed the app
    assert london < new_york
    caplog.set_level(logging.WARNING)

    first = dispatcher.run_once(london)
    gone = slack.revoke("T-GONE")  # uninstalled: Slack revokes the token, the store forgets it
    oauth.make_installation_store(oauth_bot.coach.settings, oauth_bot.coach.engine).delete_all(
        enterprise_id=None, team_id="T-GONE"
    )
    second = dispatcher.run_once(new_york)

    assert (first.sent, first.failed) == (2, 1), "Ann and Cat sent, Eve failed"
    assert (second.sent, second.failed) == (1, 1), "Bob sent, Dan failed"
    for person in (ann, bob, cat):
        assert len(check_ins_in(slack, _user(oauth_bot, slack, person))) == 1
    assert oauth_bot.coach.followup is not None
    for person in (dan, eve):
        prefs = preferences(oauth_bot.coach.followup, person)
        assert prefs.stopped and NOT_INSTALLED in (prefs.stop_reason or "")
        assert pending(oauth_bot.coach.followup, person) == []
        assert check_ins_in(slack, _user(oauth_bot, slack, person)) == []
    assert [c for c in slack.calls if "U-EVE" in str(c.params)] == [], "nothing asked for Eve"
    assert [c.response.get("error") for c in slack.calls if c.token == gone][-1] == "token_revoked"
    logged = caplog.text
    assert "no installation of the app for workspace T-NEVER" in logged
    assert "no installation of the app for workspace T-GONE" in logged
    assert "xoxb-" not in logged, "no token in the logs"


def test_a_revoked_token_is_read_again_from_the_store_once_the_workspace_reinstalls(
    oauth_bot: RunningBot, slack: ReinstallingSlack, dispatcher: Dispatcher
) -> None:
    install(oauth_bot, slack, "T-ONE")
    ann, london = _person(oauth_bot, "T-ONE", "U-ANN")
    bob, new_york = _person(oauth_bot, "T-ONE", "U-BOB", NEW_YORK)
    assert dispatcher.run_once(london).sent == 1  # Ann's, with the first token, now kept
    revoked = slack.revoke("T-ONE")

    refused = dispatcher.run_once(new_york)
    install(oauth_bot, slack, "T-ONE")  # an admin installs the app again: a new token
    later = dispatcher.run_once(new_york + timedelta(minutes=2))  # after the retry's backoff

    assert (refused.sent, refused.retried, refused.failed) == (0, 1, 0), "tried again later"
    assert later.sent == 1
    (message,) = check_ins_in(slack, _user(oauth_bot, slack, bob))
    (posted,) = [c for c in slack.calls_to("chat.postMessage") if c.response.get("ok")][1:]
    assert posted.params["channel"] == slack.dm_of("U-BOB", "T-ONE")
    assert posted.token == slack.token_of("T-ONE") != revoked
    assert oauth_bot.coach.followup is not None
    assert not preferences(oauth_bot.coach.followup, bob).stopped
    assert len(check_ins_in(slack, _user(oauth_bot, slack, ann))) == 1


def test_a_token_replaced_by_a_reinstall_is_used_at_once_when_slack_refuses_the_old_one(
    oauth_bot: RunningBot, slack: ReinstallingSlack, dispatcher: Dispatcher
) -> None:
    install(oauth_bot, slack, "T-ONE")
    _, london = _person(oauth_bot, "T-ONE", "U-ANN")
    bob, new_york = _person(oauth_bot, "T-ONE", "U-BOB", NEW_YORK)
    assert dispatcher.run_once(london).sent == 1  # the first token is now kept
    revoked = slack.revoke("T-ONE")
    install(oauth_bot, slack, "T-ONE")
    before = len(slack.calls)

    report = dispatcher.run_once(new_york)

    assert (report.sent, report.retried) == (1, 0)
    assert len(check_ins_in(slack, _user(oauth_bot, slack, bob))) == 1
    calls = slack.calls[before:]
    assert [c.response.get("error") for c in calls if c.token == revoked] == ["token_revoked"]
    (posted,) = [c for c in calls if c.method == "chat.postMessage"]
    assert posted.token == slack.token_of("T-ONE") != revoked and posted.response["ok"]


def test_serve_in_oauth_mode_runs_the_check_in_loop_with_the_installed_tokens(
    oauth_bot: RunningBot,
    slack: ReinstallingSlack,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    install(oauth_bot, slack, "T-ONE")
    ann, due = _person(oauth_bot, "T-ONE", "U-ANN")
    clock.current = due
    user = _user(oauth_bot, slack, ann)
    served: list[int] = []

    def run_http(_: object, port: int) -> None:  # stands in for uvicorn while the loop runs
        served.append(port)
        slack.wait_for(lambda: check_ins_in(slack, user), what="the check-in")

    caplog.set_level(logging.INFO)
    serve(oauth_bot.coach, run_http=run_http)

    assert served == [oauth_bot.coach.settings.port]
    (message,) = check_ins_in(slack, user)
    (posted,) = slack.calls_to("chat.postMessage")
    assert posted.token == slack.token_of("T-ONE")
    assert "NOT sent" not in caplog.text


def test_confirming_in_slack_plans_check_ins_in_the_zone_the_persons_workspace_gives(
    oauth_bot: RunningBot, slack: ReinstallingSlack
) -> None:
    install(oauth_bot, slack, "T-ONE")
    person = Person(workspace_id="T-ONE", user_id="U1")
    slack.set_person("U1", tz=NEW_YORK)
    user = _user(oauth_bot, slack, person)

    reflect_and_confirm(user)
    schedule = user.next_message()

    assert "around 10:00 your time" in schedule["text"]
    assert oauth_bot.coach.followup is not None
    assert preferences(oauth_bot.coach.followup, person).timezone == NEW_YORK
    (asked,) = slack.calls_to("users.info")
    assert asked.token == slack.token_of("T-ONE")
