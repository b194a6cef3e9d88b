"""The probes and the metrics: GET /healthz (the process is up), GET /readyz (the database
answers and is migrated; Chroma answers, or retrieval is reported degraded) and GET /metrics
(Prometheus text).

They are served beside POST /slack/events on PORT, or, with LIF_METRICS_PORT (and always in
Socket Mode, where nothing else listens), by a small uvicorn server in a thread of their own.

Readiness and Chroma: retrieval is an aid (every step, check-in and summary works without it,
bot/coaching/engine.py), so a Chroma that does not answer leaves a pod ready and says
"degraded" in /readyz's body. Otherwise one Chroma pod restarting would take every bot pod
out of the Service at once, and Slack's requests would get no answer at all.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.container import Coach

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
HTTP_HOST = "0.0.0.0"  # all interfaces: the usual need inside a container
READY_TIMEOUT_S = 3.0  # under the chart's readiness probe timeout
# Checks whose failure degrades the bot without making it unready (see the module docstring).
DEGRADABLE = frozenset({"chroma"})

Check = Callable[[], object]  # raises when what it checks cannot be used


@runtime_checkable
class HasHeartbeat(Protocol):
    """A retriever backed by a Chroma client that can be asked whether it answers."""

    def heartbeat(self) -> int: ...


def readiness_checks(coach: Coach) -> dict[str, Check]:
    """What /readyz checks: the database (reachable, migrated), and Chroma when it is used."""
    from bot.storage.database import check_ready

    checks: dict[str, Check] = {"database": lambda: check_ready(coach.engine)}
    if isinstance(coach.retriever, HasHeartbeat):
        checks["chroma"] = coach.retriever.heartbeat
    return checks


def make_probe_routes(coach: Coach, checks: Mapping[str, Check] | None = None) -> list[Route]:
    """GET /healthz, /readyz and /metrics."""
    checks = readiness_checks(coach) if checks is None else checks
    passed = coach.metrics.readiness_check_ok

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})  # answering at all is the proof of life

    async def readyz(_: Request) -> Response:
        results = dict(
            zip(checks, await asyncio.gather(*map(_run_check, checks.values())), strict=True)
        )
        for name, result in results.items():
            passed.labels(name).set(result == "ok")
        return _readiness(results)

    async def metrics(_: Request) -> Response:
        # On a worker thread: reading /proc for the process series takes a few ms, which
        # would otherwise hold up the acknowledgements on the event loop.
        body = await run_in_threadpool(generate_latest, coach.metrics.exposed())
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [
        Route(HEALTH_PATH, healthz, methods=["GET"]),
        Route(READY_PATH, readyz, methods=["GET"]),
        Route(METRICS_PATH, metrics, methods=["GET"]),
    ]


def _readiness(results: dict[str, str]) -> Response:
    """200 unless a check other than a degradable one failed; a degraded one is named."""
    failing = [name for name, result in results.items() if result != "ok"]
    degraded = [name for name in failing if name in DEGRADABLE]
    failed = [name for name in failing if name not in DEGRADABLE]
    shown = results | {name: f"degraded: {results[name]}" for name in degraded}
    reasons = "; ".join(f"{name}: {shown[name]}" for name in failed + degraded)
    if failed:
        logger.warning("not ready: %s", reasons)
        return JSONResponse({"ok": False, "failed": failed, "checks": shown}, status_code=503)
    if degraded:
        logger.warning("ready, but %s", reasons)
        return JSONResponse({"ok": True, "degraded": degraded, "checks": shown})
    return JSONResponse({"ok": True, "checks": shown})


async def _run_check(check: Check) -> str:
    """Why the check failed (its message: no secrets or personal data in these), or "ok"."""
    try:
        await asyncio.wait_for(run_in_threadpool(check), READY_TIMEOUT_S)
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT_S:.0f} s"
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:300]}"
    return "ok"


def make_probe_app(coach: Coach, checks: Mapping[str, Check] | None = None) -> Starlette:
    """The probes and the metrics alone, for a port of their own."""
    return Starlette(routes=make_probe_routes(coach, checks))


class BackgroundServer:
    """uvicorn serving an ASGI app from a daemon thread (the probes on a port of their own)."""

    def __init__(self, asgi: Starlette, port: int, host: str = HTTP_HOST) -> None:
        config = uvicorn.Config(
            asgi, host=host, port=port, log_config=None, lifespan="off", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.socket = socket.create_server((host, port), reuse_port=False)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port it listens on (useful when started on port 0)."""
        return int(self.socket.getsockname()[1])

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start serving; returns once uvicorn is up."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


def start_probe_server(asgi: Starlette, port: int) -> BackgroundServer:
    """Serve the probes on `port` from a background thread; a port in use is one clear line."""
    try:
        server = BackgroundServer(asgi, port)
    except OSError as error:
        raise SettingsError(
            f"Cannot serve the probes and metrics on port {port} (PORT, or LIF_METRICS_PORT "
            f"when set): {error.strerror or error}"
        ) from error
    return server.start()
