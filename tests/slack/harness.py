"""The real ASGI app under uvicorn in a background thread, for tests and benchmarks."""

from __future__ import annotations

from slack_bolt import App

from bot.container import Coach
from bot.slack.app import make_slack_app
from bot.slack.probes import BackgroundServer
from bot.slack.server import make_asgi_app


class RunningBot:
    """The real ASGI app under uvicorn on a free port, in a background thread."""

    def __init__(self, coach: Coach, bolt: App | None = None) -> None:
        """Serve `bolt` (by default the app `make_slack_app` builds for the coach)."""
        self.coach = coach
        app = make_asgi_app(coach, app=bolt or make_slack_app(coach))
        self.server = BackgroundServer(app, 0, host="127.0.0.1")
        self.thread = self.server.thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def start(self) -> RunningBot:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.coach.engine.dispose()
