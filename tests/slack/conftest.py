"""The bot over HTTP under uvicorn, a fake Slack Web API, and a person who talks to both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings
from tests.fakes import KeywordRetriever
from tests.slack.driver import SIGNING_SECRET, SlackUser
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.slack.harness import RunningBot


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Web API; after each test, nothing the bot sent broke Slack's rules."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    assert fake.problems == []


@pytest.fixture
def settings(tmp_path: Path, database_url: str, slack: FakeSlack) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
    )


@pytest.fixture
def make_coach(settings: Settings) -> Callable[[], Coach]:
    """Build a Coach the way the CLI does, with the fast keyword retriever."""
    framework = load_framework()
    return lambda: build_coach(settings, retriever=KeywordRetriever(framework))


@pytest.fixture
def start_bot(make_coach: Callable[[], Coach]) -> Iterator[Callable[[], RunningBot]]:
    """Start a bot (again, to simulate a restart); every one started is stopped at the end."""
    started: list[RunningBot] = []

    def start() -> RunningBot:
        started.append(RunningBot(make_coach()).start())
        return started[-1]

    yield start
    for bot in started:
        if bot.thread.is_alive():
            bot.stop()


@pytest.fixture
def bot(start_bot: Callable[[], RunningBot]) -> RunningBot:
    return start_bot()


@pytest.fixture
def user(bot: RunningBot, slack: FakeSlack) -> SlackUser:
    """A nurse in the Trust's workspace."""
    return SlackUser(bot.events_url, slack)


@pytest.fixture
def colleague_user(user: SlackUser, slack: FakeSlack) -> SlackUser:
    """A colleague of the nurse in the same workspace, with a DM of their own with the bot."""
    return SlackUser(user.events_url, slack, user_id="U-COLLEAGUE")


@pytest.fixture
def their_step(colleague_user: SlackUser) -> dict[str, Any]:
    """The first step of the colleague's reflection, in the colleague's DM."""
    colleague_user.command("leadership")
    return colleague_user.next_message()


# -- OAuth install mode: no bot token, client id and secret, installs kept in the database ------


@pytest.fixture
def oauth_bot(tmp_path: Path, database_url: str, slack: FakeSlack) -> Iterator[RunningBot]:
    """The bot in OAuth install mode, against the fake; no workspace has installed it yet."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        SLACK_CLIENT_ID=FakeSlack.CLIENT_ID,
        SLACK_CLIENT_SECRET=FakeSlack.CLIENT_SECRET,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
    )
    running = RunningBot(build_coach(settings, retriever=KeywordRetriever(load_framework())))
    yield running.start()
    running.stop()
