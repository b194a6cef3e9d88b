"""Slack's side of the metrics: ack latency per request type, messages posted, API errors.

Bolt's global middleware cannot time an ack (its `next()` returns before any listener runs), so
`ObservedApp` times `App.dispatch` itself, which HTTP (the Starlette route) and Socket Mode
(`SocketModeHandler`) both call and which returns once the listener has acked. It also gives
each Slack request a request id for the logs. Bolt hands each listener a new WebClient per
request (not `app.client`), so a global middleware swaps that for a `MeteredWebClient`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.observability import Metrics, request_context
from bot.slack.acking import AckFirstApp

logger = logging.getLogger(__name__)

# Web API methods that put a message (or a view) in front of a person.
POSTING_METHODS = frozenset(
    {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.publish"}
)
_PAYLOAD_TYPES = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
        "url_verification",
    }
)


def request_type(body: dict[str, Any]) -> str:
    """The kind of Slack request: command, block_actions, view_submission, event, ..., other."""
    if body.get("command"):
        return "command"
    kind = str(body.get("type") or "")
    if kind == "event_callback":
        return "event"
    return kind if kind in _PAYLOAD_TYPES else "other"


class ObservedApp(AckFirstApp):
    """A Bolt App that times each acknowledgement and tags its log lines with a request id."""

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self.use(MeterListenerClients(metrics))

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Bolt's dispatch, timed into lif_slack_ack_seconds{request_type}."""
        if self.ack_first.replaying:  # acked and timed by the acking process, in its request id
            return super().dispatch(req)
        with request_context():
            started = time.perf_counter()
            response = super().dispatch(req)
            elapsed = time.perf_counter() - started
            kind = request_type(req.body if isinstance(req.body, dict) else {})
            self.metrics.ack_seconds.labels(kind).observe(elapsed)
            logger.info(
                "slack %s acked %s in %.0f ms",
                kind,
                response.status,
                elapsed * 1000,
                extra={"request_type": kind, "status": response.status},
            )
            return response


class MeteredWebClient(WebClient):
    """A WebClient that counts what it posts and the Web API's errors, by error code."""

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        """Call the Web API; count a posted message, or the error that came back."""
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            self.metrics.slack_api_errors.labels(code).inc()
            raise
        except OSError as error:  # the connection failed after the retries
            self.metrics.slack_api_errors.labels(type(error).__name__).inc()
            raise
        if api_method in POSTING_METHODS:
            self.metrics.messages_posted.labels(api_method).inc()
        return response

    @classmethod
    def like(cls, client: WebClient, metrics: Metrics) -> MeteredWebClient:
        """A metered client with the same token, URL, timeout and retries as `client`."""
        return cls(
            metrics=metrics,
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=client.headers,
            team_id=client.default_params.get("team_id"),
            logger=client.logger,
            retry_handlers=list(client.retry_handlers),
        )


class MeterListenerClients(Middleware):
    """Gives the listeners a MeteredWebClient in place of Bolt's plain per-request client."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Swap the context's client, then go on."""
        if req.context.client is not None:
            req.context["client"] = MeteredWebClient.like(req.context.client, self.metrics)
        return next()
