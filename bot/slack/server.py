"""Running the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP under uvicorn.

Both modes serve the probes and the metrics (bot/slack/probes.py): in HTTP mode beside
POST /slack/events on PORT, or on LIF_METRICS_PORT when it is set; in Socket Mode from a small
uvicorn server in a thread, on LIF_METRICS_PORT or else PORT.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

import uvicorn
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.error import BoltError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.container import Coach, freeze_start_up_objects
from bot.observability import skip_answered_access_lines
from bot.settings import SettingsError
from bot.slack import oauth
from bot.slack.acking import AckFirstApp, Handoff
from bot.slack.app import LISTENER_THREADS, make_slack_app
from bot.slack.nudge_sender import make_check_in_loop
from bot.slack.probes import (
    HTTP_HOST,
    Check,
    make_probe_app,
    make_probe_routes,
    readiness_checks,
    start_probe_server,
)

logger = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_SECONDS = 10  # for the requests in flight when serve is told to stop

EVENTS_PATH = "/slack/events"


class _Startable(Protocol):
    def start(self) -> None: ...


class _Stoppable(Protocol):
    def stop(self) -> None: ...


SocketModeFactory = Callable[[App, str], _Startable]
HttpRunner = Callable[[Starlette, int], None]
ProbeStarter = Callable[[Starlette, int], _Stoppable]


def make_asgi_app(
    coach: Coach,
    *,
    app: App | None = None,
    checks: Mapping[str, Check] | None = None,
    probes: bool = True,
) -> Starlette:
    """Starlette with Bolt at POST /slack/events, beside the probes and the metrics unless
    `probes` is false (they are served on a port of their own)."""
    if coach.settings.slack_signing_secret is None:
        raise SettingsError("SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack")
    bolt = app or make_slack_app(coach)

    async def slack_events(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        if isinstance(bolt, AckFirstApp) and bolt.acks_at_once(bolt_request):
            # Checked, acked and handed to a work process, waiting on nothing: right here.
            bolt_response = bolt.dispatch(bolt_request)
        else:
            # Bolt's dispatch is synchronous (it returns once the listener has acked): on a
            # worker thread, so a slow ack never holds up the event loop and other requests.
            bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    routes = [Route(EVENTS_PATH, slack_events, methods=["POST"])]
    # -- OAuth install mode: Bolt's OAuth flow answers these two (bot/slack/oauth.py) --------
    flow = bolt.oauth_flow
    if flow is not None:  # browsers, not Slack, call them: no signature, as in Bolt's adapters

        async def install(request: Request) -> Response:
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, bolt_request)
            )

        async def oauth_redirect(request: Request) -> Response:
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_callback, bolt_request)
            )

        routes += [
            Route(flow.install_path, install, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"]),
        ]
    # -- end of OAuth install mode ------------------------------------------------------------
    return Starlette(routes=routes + (make_probe_routes(coach, checks) if probes else []))


def serve(
    coach: Coach,
    *,
    socket_mode: SocketModeFactory = SocketModeHandler,
    run_http: HttpRunner | None = None,
    start_probes: ProbeStarter = start_probe_server,
) -> None:
    """Run the bot until stopped: Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT."""
    settings = coach.settings
    _check_metrics_port(settings.metrics_port, settings.port)
    if oauth.is_oauth_mode(settings):
        _serve_installs(coach, run_http or run_uvicorn, start_probes)
        return
    _require(settings.slack_bot_token, "SLACK_BOT_TOKEN", "xoxb-")
    if settings.slack_app_token is not None:
        app_token = _require(settings.slack_app_token, "SLACK_APP_TOKEN", "xapp-")
        if settings.work_processes:
            logger.warning("LIF_WORK_PROCESSES applies to HTTP mode: in Socket Mode, unused")
        app = _verified_app(coach)
        port = settings.metrics_port or settings.port
        probes = start_probes(make_probe_app(coach), port)
        logger.info("LIF Coach is connecting to Slack in Socket Mode (probes on port %s)", port)
        try:
            freeze_start_up_objects()
            with make_check_in_loop(coach):  # follow-up check-ins go out from this process
                socket_mode(app, app_token).start()
        finally:
            probes.stop()
        return
    _require(settings.slack_signing_secret, "SLACK_SIGNING_SECRET", "")
    _one_line_per_slack_request()
    with work_processes(coach) as (handoff, checks):
        bolt = _verified_app(coach, handoff)
        logger.info("LIF Coach is listening on port %s at %s", settings.port, EVENTS_PATH)
        _serve_http(coach, bolt, checks, run_http or run_uvicorn, start_probes)


def _serve_http(
    coach: Coach,
    bolt: App,
    checks: Mapping[str, Check],
    run_http: HttpRunner,
    start_probes: ProbeStarter,
) -> None:
    """Slack's endpoints on PORT until stopped, with the probes and the metrics beside them,
    or on LIF_METRICS_PORT when it is set."""
    settings = coach.settings
    own_port = settings.metrics_port
    asgi = make_asgi_app(coach, app=bolt, checks=checks, probes=own_port is None)
    probes = start_probes(make_probe_app(coach, checks), own_port) if own_port else None
    if own_port:
        logger.info("Probes and metrics on port %s", own_port)
    try:
        freeze_start_up_objects()
        with make_check_in_loop(coach):  # follow-up check-ins go out from this process
            run_http(asgi, settings.port)
    finally:
        if probes is not None:
            probes.stop()


def _check_metrics_port(metrics_port: int | None, port: int) -> None:
    if metrics_port == port:
        raise SettingsError(
            f"LIF_METRICS_PORT is PORT ({port}): give the probes and metrics a port of their "
            "own, or unset LIF_METRICS_PORT to serve them on PORT"
        )


@contextmanager
def work_processes(coach: Coach) -> Iterator[tuple[Handoff | None, dict[str, Check]]]:
    """LIF_WORK_PROCESSES work processes while the server runs (none: work stays here), with
    the readiness checks that include them; their metrics join this process's /metrics."""
    count = coach.settings.work_processes
    checks = readiness_checks(coach)
    if count == 0:
        yield None, checks
        return
    from bot.slack.work_processes import WorkProcesses

    with WorkProcesses(coach.settings, count, slots=LISTENER_THREADS) as processes:
        coach.metrics.add_source(processes.collect)
        logger.info("Work after each acknowledgement goes to %s work processes", count)
        yield processes.submit, checks | {"work_processes": processes.check}


def _serve_installs(coach: Coach, run_http: HttpRunner, start_probes: ProbeStarter) -> None:
    """OAuth install mode: HTTP only, since Slack sends installers back to /slack/oauth_redirect."""
    settings = coach.settings
    if settings.slack_app_token is not None:
        raise SettingsError(
            "OAuth install mode (SLACK_CLIENT_ID) runs over HTTP: unset SLACK_APP_TOKEN"
        )
    _require(settings.slack_signing_secret, "SLACK_SIGNING_SECRET", "")
    _one_line_per_slack_request()
    with work_processes(coach) as (handoff, checks):
        bolt = make_slack_app(coach, handoff=handoff)
        logger.info(
            "LIF Coach is listening on port %s at %s (installs at %s)",
            settings.port,
            EVENTS_PATH,
            oauth.INSTALL_PATH,
        )
        # check-ins go out with each workspace's installed token
        _serve_http(coach, bolt, checks, run_http, start_probes)


def _one_line_per_slack_request() -> None:
    """Each Slack request answered logs its ack line (bot/slack/metrics.py: type, status, ms,
    request id), not also uvicorn's access line, which would say less at the same cost (a
    line's formatting and writing were a tenth of the serving process's CPU per request);
    requests refused before Bolt saw them keep their access line."""
    skip_answered_access_lines(EVENTS_PATH)


def run_uvicorn(asgi: Starlette, port: int) -> None:
    """Serve the ASGI app with uvicorn until SIGTERM or SIGINT; logging stays as the CLI
    configured it.

    Once it has shut down, uvicorn raises the signal that stopped it again, for the handler
    that was there before it; with Python's default that ended the process at once, before
    serve's own shutdown ran (the check-in loop's, and the work processes', whose queued work
    was lost and who lived on as orphans). Here that second signal is only noted, and serve
    returns normally once everything has stopped.
    """
    on_main = threading.current_thread() is threading.main_thread()  # signals: main only
    stops = (signal.SIGINT, signal.SIGTERM) if on_main else ()
    previous = {sig: signal.signal(sig, _noted) for sig in stops}
    try:
        uvicorn.run(
            asgi,
            host=HTTP_HOST,
            port=port,
            log_config=None,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _noted(sig: int, _frame: object) -> None:
    logger.info("Stopping on %s", signal.Signals(sig).name)


def _verified_app(coach: Coach, handoff: Handoff | None = None) -> App:
    """The app, with the bot token checked by Slack (auth.test) before any request arrives."""
    try:
        return make_slack_app(coach, verify_token=True, handoff=handoff)
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
