"""The baseline of bench/slack_ack_latency.py: a Bolt app that only acknowledges.

Served the way `lif-coach serve` serves the real app (Bolt's Starlette request conversion, the
dispatch on a worker thread, uvicorn, the same logging set-up), in a process of its own. Not
Bolt's own `SlackRequestHandler`: it dispatches on the event loop, so concurrent requests
queue behind each other's acks, which would flatter the real app.

    PORT=3001 SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... SLACK_API_URL=... \
        [BARE_ACK_INLINE=1] .venv/bin/python -m bench.bare_bolt_app

By default a default Bolt app, whose thread listener runner polls for the `ack()` every 10 ms.
With BARE_ACK_INLINE=1 it runs Bolt with `process_before_response=True`, so each listener (an
`ack()` and nothing else) runs inline and the reply goes back at once: the fastest a Bolt app
acknowledges, a stricter baseline.
"""

from __future__ import annotations

import os
import re

from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.observability import configure_logging
from bot.slack.server import run_uvicorn

BARE_ACK = "acknowledged"  # the bench checks that every reply is this acknowledgement


def make_bare_app() -> Starlette:
    """POST /slack/events acks every command, click and event; GET /healthz answers."""
    # The same bot token as the real app: with one Slack refuses, Bolt answers every request
    # with a "reinstall the app" note before any listener runs, and the baseline acks nothing.
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    bolt = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=os.environ.get("BARE_ACK_INLINE") == "1",
    )

    def just_ack(ack: Ack) -> None:
        ack(text=BARE_ACK)

    bolt.command(re.compile(".*"))(just_ack)
    bolt.action(re.compile(".*"))(just_ack)
    bolt.view(re.compile(".*"))(just_ack)
    bolt.event("message")(just_ack)

    async def events(request: Request) -> Response:  # as bot/slack/server.py's slack_events
        body = await request.body()
        response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


if __name__ == "__main__":
    configure_logging(os.environ.get("LIF_LOG_LEVEL", "INFO"), json_logs=True)
    run_uvicorn(make_bare_app(), int(os.environ["PORT"]))
