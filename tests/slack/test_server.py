"""Starting the bot: Socket Mode or HTTP, and clear errors for missing or wrong settings."""

from __future__ import annotations

import gc
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy
from pydantic import SecretStr
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.util.utils import get_name_for_callable
from starlette.applications import Starlette

from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings, SettingsError
from bot.slack.app import make_slack_app
from bot.slack.privacy import DELETE_ACTION
from bot.slack.server import make_asgi_app, serve
from tests.fakes import KeywordRetriever
from tests.slack.driver import SlackUser
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
    socket_mode, http, probes = Recorder(), Recorder(), ProbeRecorder()

    serve(coach_with(port=8123), socket_mode=socket_mode, run_http=http, start_probes=probes)

    assert probes.given == [], "without LIF_METRICS_PORT the probes stay on PORT"
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


@pytest.mark.parametrize("work_processes", [True, False])
def test_with_work_processes_commands_and_events_are_acked_on_the_event_loop(
    coach_with: Callable[..., Coach], slack: FakeSlack, work_processes: bool
) -> None:
    """Handed to a work process, a request waits on nothing here: no hop to a worker thread.
    Without work processes its work follows the ack, so it runs on a worker thread."""
    coach = coach_with()
    handed: list[BoltRequest] = []
    app = make_slack_app(
        coach, verify_token=True, handoff=handed.append if work_processes else None
    )
    threads: list[threading.Thread] = []
    dispatch = app.dispatch

    def recording(request: BoltRequest) -> BoltResponse:
        threads.append(threading.current_thread())
        return dispatch(request)

    app.dispatch = recording  # type: ignore[method-assign]
    bot = RunningBot(coach, app).start()
    try:
        user = SlackUser(bot.events_url, slack)
        reply = user.command("leadership")
        assert reply.status == 200 and "Leadership" in reply.body
        assert user.say("An answer").status == 200
    finally:
        bot.stop()
    on_the_loop = [thread is bot.thread for thread in threads]
    assert on_the_loop == [work_processes, work_processes]
    assert len(handed) == (2 if work_processes else 0)


COMMAND_TEXTS = ["", "all", "leadership", "resume", "summary", "help", "nonsense"]
COMMAND_TEXTS += ["export", "delete", "team", "settings", "checkin", "again", "ask"]
ACTION_IDS = [  # one for each action listener (bot/slack/actions.py and the feature modules)
    "lif.rate.3", "lif.skip", "lif.back", "lif.pause", "lif.write", "lif.resume",
    "lif.summary", "lif.start.leadership", "lif.confirm", "lif.goal.L1", "lif.drop.L1",
    "lif.swap.L1", "lif.add", "lif.return.L1", "lif.pd.redact", "lif.role", "lif.role_skip",
    "lif.fu.answer.better", "lif.fu.note", "lif.fu.snooze.7", "lif.fu.stop", "lif.fu.resume",
    "lif.fu.settings", "lif.fu.checkin", "lif.fu.again.all", DELETE_ACTION,
    "lif.skip_question", "lif.mode.deep", "lif.start_new", "lif.reopen",
]  # fmt: skip


FORM_LISTENERS = {  # they ack after saving, so they are never handed off
    "handle_write_submission", "handle_goal_submission", "handle_role_submission",
    "handle_note_submission", "handle_settings_submission", "handle_delete_submission",
    "handle_delete_closed",
}  # fmt: skip


def click(user: SlackUser, action_id: str) -> dict[str, Any]:
    """A button click on a message in the person's DM, as Slack sends it."""
    button = {"type": "button", "action_id": action_id, "value": "r1|L1"}
    button["text"] = {"type": "plain_text", "text": "Go"}
    blocks = [{"type": "actions", "block_id": "b", "elements": [button]}]
    message = {"blocks": blocks, "ts": "1.0", "text": "Go", "channel": user.dm}
    return user.click_payload(message, action_id)


def test_before_its_ack_no_handed_off_listener_waits_on_the_database_or_slack(
    coach_with: Callable[..., Coach], slack: FakeSlack
) -> None:
    """With work processes, commands, clicks and events are acked on the server's event loop:
    the part of each listener before its ack() must not touch the database or the Web API."""
    coach = coach_with()
    handed: list[BoltRequest] = []
    app = make_slack_app(coach, verify_token=True, handoff=handed.append)
    statements: list[str] = []
    sqlalchemy.event.listen(
        coach.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    calls_before = len(slack.calls)
    bot = RunningBot(coach, app).start()
    try:
        user = SlackUser(bot.events_url, slack)
        replies = [user.command(text) for text in COMMAND_TEXTS]
        replies += [user.send_payload(click(user, action)) for action in ACTION_IDS]
        replies += [user.send_event({"type": "app_home_opened", "user": user.user_id})]
        replies += [user.say("An answer")]
        replies += [user.send_event({"type": "tokens_revoked", "tokens": {"bot": ["B1"]}})]
        replies += [user.send_event({"type": "app_uninstalled"})]
    finally:
        bot.stop()
    assert [reply.status for reply in replies] == [200] * len(replies)
    assert len(handed) == len(replies), "every one acked here, its work handed on"
    assert statements == [] and len(slack.calls) == calls_before
    # Every listener but the forms' was exercised: a new one must be added to the lists above.
    untried = {
        get_name_for_callable(listener.ack_function)
        for listener in app._listeners  # Bolt's registered listeners, in order
        if not any(
            listener.matches(req=request, resp=BoltResponse(status=200)) for request in handed
        )
    }
    assert untried == FORM_LISTENERS
