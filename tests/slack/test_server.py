"""Starting the bot: Socket Mode or HTTP, and clear errors for missing or wrong settings."""

from __future__ import annotations

import gc
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from starlette.applications import Starlette

from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings, SettingsError
from bot.slack.app import make_slack_app
from bot.slack.server import make_asgi_app, serve
from tests.fakes import KeywordRetriever
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.test_failures import Outage

APP_TOKEN = "xapp-1-A0LIF-1234-abcdef"


class Recorder:
    """Stands in for SocketModeHandler (or uvicorn): records what it was given, never blocks."""

    def __init__(self, wrap: Callable[[App, str], Any] | None = None) -> None:
        self.wrap = wrap
        self.given: list[tuple[Any, Any]] = []
        self.started = 0
        self.handler: Any = None

    def __call__(self, first: Any, second: Any) -> Recorder:
        self.given.append((first, second))
        self.handler = self.wrap(first, second) if self.wrap else None
        return self

    def start(self) -> None:
        self.started += 1


@pytest.fixture
def coach_with(settings: Settings) -> Iterator[Callable[..., Coach]]:
    built: list[Coach] = []

    def build(**changes: Any) -> Coach:
        secret = {"slack_bot_token", "slack_app_token", "slack_signing_secret"}
        changes = {k: SecretStr(v) if k in secret and v else v for k, v in changes.items()}
        changed = settings.model_copy(update=changes)
        built.append(build_coach(changed, retriever=KeywordRetriever(load_framework())))
        return built[-1]

    yield build
    for coach in built:
        coach.engine.dispose()


def test_building_the_app_makes_no_slack_call(coach_with: Callable[..., Coach], slack: FakeSlack):
    make_slack_app(coach_with())
    assert slack.calls == []


class ProbeRecorder(Recorder):
    """Stands in for the Socket Mode probe server: records what it was given and its stop."""

    stopped = 0

    def stop(self) -> None:
        self.stopped += 1


def test_serve_uses_socket_mode_when_an_app_token_is_set(
    coach_with: Callable[..., Coach], slack: FakeSlack
) -> None:
    socket_mode = Recorder(wrap=SocketModeHandler)
    http, probes = Recorder(), ProbeRecorder()

    serve(
        coach_with(slack_app_token=APP_TOKEN, port=8124),
        socket_mode=socket_mode,
        run_http=http,
        start_probes=probes,
    )

    ((app, token),) = socket_mode.given
    assert isinstance(app, App) and token == APP_TOKEN and socket_mode.started == 1
    assert socket_mode.handler.client.app_token == APP_TOKEN
    assert socket_mode.handler.client.web_client is app.client
    assert app.client.base_url == slack.url
    assert [c.method for c in slack.calls] == ["auth.test"], "the bot token is checked first"
    assert http.given == []
    ((probe_app, port),) = probes.given  # the probes are served on PORT in Socket Mode too
    assert [route.path for route in probe_app.routes] == ["/healthz", "/readyz", "/metrics"]
    assert port == 8124 and probes.stopped == 1  # and stopped when Socket Mode returns


def test_serve_runs_http_on_the_port_when_there_is_no_app_token(
    coach_with: Callable[..., Coach],
) -> None:
    socket_mode, http = Recorder(), Recorder()

    serve(coach_with(port=8123), socket_mode=socket_mode, run_http=http)

    ((asgi, port),) = http.given
    assert isinstance(asgi, Starlette) and port == 8123
    assert [route.path for route in asgi.routes] == [
        "/slack/events",
        "/healthz",
        "/readyz",
        "/metrics",
    ]
    assert socket_mode.given == []


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"slack_app_token": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN should start with 'xapp-'"),
        ({"slack_bot_token": None}, "SLACK_BOT_TOKEN is not set"),
        ({"slack_bot_token": "xapp-swapped"}, "SLACK_BOT_TOKEN should start with 'xoxb-'"),
        ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET is not set"),
        ({"slack_bot_token": "xoxb-revoked"}, "Slack did not accept SLACK_BOT_TOKEN"),
    ],
)
def test_a_missing_or_wrong_setting_is_a_clear_error_naming_the_variable(
    coach_with: Callable[..., Coach], changes: dict[str, str | None], variable: str
) -> None:
    socket_mode, http = Recorder(), Recorder()

    with pytest.raises(SettingsError, match=re.escape(variable)):
        serve(coach_with(**changes), socket_mode=socket_mode, run_http=http)
    assert socket_mode.started == 0 and http.given == []


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_says_the_process_is_up_and_readyz_whether_the_database_is_usable(
    bot: RunningBot,
) -> None:
    assert _get(f"{bot.url}/healthz") == (200, {"ok": True})
    assert _get(f"{bot.url}/readyz") == (200, {"ok": True, "checks": {"database": "ok"}})
    outage = Outage(bot.coach.engine)
    outage.begin()
    try:
        assert _get(f"{bot.url}/healthz") == (200, {"ok": True})  # a restart would not help
        status, body = _get(f"{bot.url}/readyz")
        assert status == 503 and body["ok"] is False and body["failed"] == ["database"]
        assert "Cannot use the database" in body["checks"]["database"]
    finally:
        outage.end()
    assert _get(f"{bot.url}/readyz")[0] == 200


def test_the_http_app_refuses_to_exist_without_a_signing_secret(
    coach_with: Callable[..., Coach],
) -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        make_asgi_app(coach_with(slack_signing_secret=None))


def test_serve_leaves_what_start_up_built_out_of_the_collectors_full_passes(
    coach_with: Callable[..., Coach],
) -> None:
    frozen_when_serving: list[int] = []

    def http(asgi: Starlette, port: int) -> None:
        frozen_when_serving.append(gc.get_freeze_count())

    gc.unfreeze()
    try:
        serve(coach_with(port=8125), socket_mode=Recorder(), run_http=http)
    finally:
        gc.unfreeze()  # give this test process's objects back to the collector

    assert frozen_when_serving and frozen_when_serving[0] > 10_000  # the app, modules, clients
