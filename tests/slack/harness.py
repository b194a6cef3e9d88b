"""The real ASGI app under uvicorn in a background thread, for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from slack_bolt import App

from bot.container import Coach
from bot.slack.app import make_slack_app
from bot.slack.server import make_asgi_app


class RunningBot:
    """The real ASGI app under uvicorn on a free port, in a background thread."""

    def __init__(self, coach: Coach, bolt: App | None = None) -> None:
        """Serve `bolt` (by default the app `make_slack_app` builds for the coach)."""
        self.coach = coach
        app = make_asgi_app(coach, app=bolt or make_slack_app(coach))
        config = uvicorn.Config(app, log_config=None, lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def start(self) -> RunningBot:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        self.coach.engine.dispose()
