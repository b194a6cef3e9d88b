"""Running the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP under uvicorn."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.error import BoltError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.container import Coach
from bot.settings import SettingsError
from bot.slack.app import make_slack_app

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_HOST = "0.0.0.0"  # all interfaces: the usual need inside a container


class _Startable(Protocol):
    def start(self) -> None: ...


SocketModeFactory = Callable[[App, str], _Startable]
HttpRunner = Callable[[Starlette, int], None]


def make_asgi_app(
    coach: Coach, *, app: App | None = None, ready: Callable[[], None] | None = None
) -> Starlette:
    """Starlette with Bolt at POST /slack/events and a readiness check at GET /healthz."""
    if coach.settings.slack_signing_secret is None:
        raise SettingsError("SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack")
    bolt = app or make_slack_app(coach)
    check = ready or _database_check(coach)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # Bolt's dispatch is synchronous (it returns once the listener has acked): run it on
        # a worker thread so a slow ack never holds up the event loop and other requests.
        bolt_response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        try:
            await run_in_threadpool(check)
        except Exception as error:
            logger.warning("health check failed: %s", type(error).__name__)
            return JSONResponse({"ok": False, "error": "database unavailable"}, status_code=503)
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ]
    )


def serve(
    coach: Coach,
    *,
    socket_mode: SocketModeFactory = SocketModeHandler,
    run_http: HttpRunner | None = None,
) -> None:
    """Run the bot until stopped: Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT."""
    settings = coach.settings
    _require(settings.slack_bot_token, "SLACK_BOT_TOKEN", "xoxb-")
    if settings.slack_app_token is not None:
        app_token = _require(settings.slack_app_token, "SLACK_APP_TOKEN", "xapp-")
        app = _verified_app(coach)
        logger.info("LIF Coach is connecting to Slack in Socket Mode")
        socket_mode(app, app_token).start()
        return
    _require(settings.slack_signing_secret, "SLACK_SIGNING_SECRET", "")
    asgi = make_asgi_app(coach, app=_verified_app(coach))
    logger.info("LIF Coach is listening on port %s at %s", settings.port, EVENTS_PATH)
    (run_http or run_uvicorn)(asgi, settings.port)


def run_uvicorn(asgi: Starlette, port: int) -> None:
    """Serve the ASGI app with uvicorn; logging stays as the CLI configured it."""
    import uvicorn

    uvicorn.run(asgi, host=HTTP_HOST, port=port, log_config=None, timeout_graceful_shutdown=10)


def _verified_app(coach: Coach) -> App:
    """The app, with the bot token checked by Slack (auth.test) before any request arrives."""
    try:
        return make_slack_app(coach, verify_token=True)
    except (BoltError, OSError) as error:  # refused, or Slack unreachable
        raise SettingsError(
            f"Slack did not accept SLACK_BOT_TOKEN (auth.test at {coach.settings.slack_api_url}): "
            f"{error}"
        ) from error


def _require(secret: SecretStr | None, variable: str, prefix: str) -> str:
    value = secret.get_secret_value().strip() if secret is not None else ""
    if not value:
        raise SettingsError(f"{variable} is not set: the Slack bot needs it to run")
    if not value.startswith(prefix):
        raise SettingsError(
            f"{variable} should start with '{prefix}': check that you copied the right token"
        )
    return value


def _database_check(coach: Coach) -> Callable[[], Any]:
    from bot.storage.database import check_ready

    return lambda: check_ready(coach.engine)
