"""LIF_METRICS_PORT: the probes and the metrics on a port of their own, apart from Slack's.

`serve` runs for real here, with real sockets: in HTTP mode the Slack endpoints are served on
PORT (by a uvicorn in a thread standing in for the blocking one) while the probe server
answers on LIF_METRICS_PORT; in Socket Mode only the probe server listens.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import App
from starlette.applications import Starlette

from bot.container import Coach, build_coach
from bot.content import load_framework
from bot.settings import Settings, SettingsError
from bot.slack.probes import (
    HEALTH_PATH,
    METRICS_PATH,
    READY_PATH,
    BackgroundServer,
    make_probe_app,
)
from bot.slack.server import serve
from tests.deploy.dockerfile import parse
from tests.deploy.support import DEPLOY
from tests.fakes import KeywordRetriever
from tests.ops.processes import free_port, get
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import FakeSlack

PROBES = (HEALTH_PATH, READY_PATH, METRICS_PATH)
DOCKERFILE = DEPLOY / "Dockerfile"
APP_TOKEN = "xapp-1-A0LIF-1234-abcdef"


@pytest.fixture
def coach_on(settings: Settings) -> Iterator[Callable[..., Coach]]:
    built: list[Coach] = []

    def build(**changes: Any) -> Coach:
        coach = build_coach(
            settings.model_copy(update=changes), retriever=KeywordRetriever(load_framework())
        )
        built.append(coach)
        return coach

    yield build
    for coach in built:
        coach.engine.dispose()


def _statuses(port: int) -> list[int]:
    return [get(f"http://127.0.0.1:{port}{path}")[0] for path in PROBES]


def _refused(port: int) -> bool:
    try:
        get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=1)
    except OSError:
        return True
    return False


def test_http_mode_serves_slack_on_port_and_the_probes_on_the_metrics_port(
    coach_on: Callable[..., Coach], slack: FakeSlack
) -> None:
    port, metrics_port = free_port(), free_port()
    seen: dict[str, Any] = {}

    def run_http(asgi: Starlette, given: int) -> None:
        server = BackgroundServer(asgi, given, host="127.0.0.1").start()
        try:
            seen["probes on the metrics port"] = _statuses(metrics_port)
            seen["probes on PORT"] = _statuses(port)
            slack_user = SlackUser(f"http://127.0.0.1:{port}/slack/events", slack)
            seen["a command on PORT"] = slack_user.command("help").status
            probe_user = SlackUser(f"http://127.0.0.1:{metrics_port}/slack/events", slack)
            seen["a command on the metrics port"] = probe_user.command("help").status
            metrics = get(f"http://127.0.0.1:{metrics_port}{METRICS_PATH}")[1]
            seen["commands counted"] = re.findall(
                r'^lif_slack_ack_seconds_count\{request_type="command"\} (\S+)$',
                metrics,
                re.MULTILINE,
            )
        finally:
            server.stop()

    serve(coach_on(port=port, metrics_port=metrics_port), run_http=run_http)

    assert seen == {
        "probes on the metrics port": [200, 200, 200],
        "probes on PORT": [404, 404, 404],
        "a command on PORT": 200,
        "a command on the metrics port": 404,
        "commands counted": ["1.0"],  # the metrics port shows what PORT served
    }
    assert _refused(metrics_port), "the probe server stops when serve returns"


class _SocketModeProbe:
    """Stands in for SocketModeHandler: while 'connected', reads the probes on both ports."""

    def __init__(self, ports: tuple[int, int]) -> None:
        self.ports = ports
        self.seen: dict[str, Any] = {}

    def __call__(self, app: App, token: str) -> _SocketModeProbe:
        return self

    def start(self) -> None:
        port, metrics_port = self.ports
        self.seen = {"metrics port": _statuses(metrics_port), "PORT refused": _refused(port)}


def test_socket_mode_serves_the_probes_on_the_metrics_port(
    coach_on: Callable[..., Coach],
) -> None:
    port, metrics_port = free_port(), free_port()
    socket_mode = _SocketModeProbe((port, metrics_port))
    coach = coach_on(port=port, metrics_port=metrics_port, slack_app_token=SecretStr(APP_TOKEN))

    serve(coach, socket_mode=socket_mode)

    assert socket_mode.seen == {"metrics port": [200, 200, 200], "PORT refused": True}
    assert _refused(metrics_port)


def test_a_metrics_port_that_is_port_is_refused_with_a_clear_line(
    coach_on: Callable[..., Coach],
) -> None:
    with pytest.raises(SettingsError, match=r"LIF_METRICS_PORT is PORT \(3000\)"):
        serve(coach_on(port=3000, metrics_port=3000), run_http=lambda asgi, port: None)


@pytest.mark.parametrize("own_port", [True, False], ids=["LIF_METRICS_PORT", "PORT"])
def test_the_images_health_check_asks_the_port_the_probes_are_on(
    coach_on: Callable[..., Coach], own_port: bool
) -> None:
    (check,) = [i for i in parse(DOCKERFILE.read_text()) if i.keyword == "HEALTHCHECK"]
    command = check.exec_form()
    probes = BackgroundServer(make_probe_app(coach_on()), 0, host="127.0.0.1").start()
    env = {"PATH": os.environ["PATH"], "PORT": str(probes.port)}
    if own_port:  # and nothing listens on PORT
        env |= {"LIF_METRICS_PORT": str(probes.port), "PORT": str(free_port())}
    try:
        done = subprocess.run([sys.executable, *command[1:]], env=env, timeout=30, check=False)
    finally:
        probes.stop()
    assert command[0] == "python" and done.returncode == 0
