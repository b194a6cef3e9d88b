"""Builds the Bolt app: its Web API client, the checks every request passes, and listeners."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from bot.container import Coach
from bot.observability import ContextThreadPool, Metrics
from bot.settings import Settings, SettingsError
from bot.slack import (
    actions,
    assistant,
    commands,
    cycle,
    events,
    oauth,
    patient_data,
    payloads,
    privacy,
    views,
)
from bot.slack.acking import Handoff
from bot.slack.conversation import DirectMessages
from bot.slack.followup import SlackFollowUp
from bot.slack.idempotency import DeliveryLog, SkipRepeatedDeliveries
from bot.slack.metrics import MeteredWebClient, ObservedApp
from bot.slack.security import SameWorkspace, SignatureCheck

logger = logging.getLogger(__name__)

WEB_API_TIMEOUT_SECONDS = 10
# Listeners wait on the database and the Web API (retries sleep), so more than Bolt's 5; kept
# within the database pool (5 + 10 overflow) so threads don't queue for connections.
LISTENER_THREADS = 12
# Threads for listeners up to their ack (bot/slack/acking.py): more than LISTENER_THREADS, so
# a new request is acknowledged while every work slot is busy with earlier ones.
ACK_THREADS = 256


def make_web_client(settings: Settings, metrics: Metrics | None = None) -> WebClient:
    """A WebClient for SLACK_API_URL that waits out rate limits and retries server errors.

    The retries sleep, so this client is only ever used after the request was acknowledged.
    With `metrics`, it counts the messages it posts and the errors Slack answers.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return MeteredWebClient(
        metrics=metrics or Metrics(),
        token=token,
        base_url=settings.slack_api_url.rstrip("/") + "/",
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_slack_app(
    coach: Coach,
    *,
    client: WebClient | None = None,
    deliveries: DeliveryLog | None = None,
    verify_token: bool = False,
    handoff: Handoff | None = None,
    replaying: bool = False,
) -> App:
    """The Bolt app with every listener; with verify_token, auth.test is called right away.

    With `handoff`, the work after a command's, click's or event's ack goes to work processes
    (bot/slack/work_processes.py); `replaying` builds a work process's app, which runs
    requests that the serving process verified and acknowledged.
    """
    settings = coach.settings
    secret = settings.slack_signing_secret
    client = client or make_web_client(settings, coach.metrics)
    # A work process replays what the serving process verified: its signature may be old.
    check = None if replaying else SignatureCheck(secret.get_secret_value() if secret else None)
    app = ObservedApp(
        **_authorization(coach, client),
        metrics=coach.metrics,  # ack latency per request type, and a request id per request
        name="lif-coach",
        client=client,
        signing_secret="",  # not read from the environment: SignatureCheck does the checking
        request_verification_enabled=False,
        before_authorize=check,
        token_verification_enabled=verify_token,
        # Listeners run on this pool (bot/slack/acking.py) in the request's context, so their
        # log lines keep its request id; Slack gets its answer as soon as they ack.
        listener_executor=ContextThreadPool(ACK_THREADS, thread_name_prefix="lif-slack"),
        work_slots=LISTENER_THREADS,
        handoff=handoff,
        replaying=replaying,
    )
    app.use(SameWorkspace())  # before the delivery log: a refused request records nothing
    app.use(SkipRepeatedDeliveries(deliveries or _delivery_log(coach)))
    # Each person's DM with the bot, opened once and remembered: every listener posts and
    # updates there, never in a channel a request names.
    app.use(payloads.remember_direct_messages(DirectMessages()))
    # Follow-up check-ins: one SlackFollowUp, shared by the confirm button, Home and its own
    # listeners (it caches time zones and uploaded charts).
    follow_ups = SlackFollowUp(coach, client)
    actions.register(app, coach.service, after_confirm=follow_ups.after_confirm)
    events.register(app, coach.service, home=follow_ups.publish_home)
    events.register_uninstalls(app)
    views.register(app, coach.service)
    subcommands: dict[str, commands.Subcommand] = follow_ups.register(app, coach)
    for feature in FEATURES:  # each adds its own listeners and `/lif-reflect` sub-commands
        subcommands |= feature.register(app, coach)
    commands.register(app, coach.service, subcommands)
    return app


class Feature(Protocol):
    """A Slack module of one feature (follow-ups, the LLM coach, privacy...)."""

    def register(self, app: App, coach: Coach) -> dict[str, commands.Subcommand]:
        """Add the feature's listeners; return its sub-commands by name."""
        ...


# Feature modules, each `register(app, coach) -> {name: Subcommand}`; add new ones here.
FEATURES: tuple[Feature, ...] = (privacy, assistant, patient_data, cycle)


def _authorization(coach: Coach, client: WebClient) -> dict[str, Any]:
    """App arguments for the one-workspace token, or for OAuth installs (bot/slack/oauth.py).

    In OAuth mode `client` has no token: Bolt copies its base_url (SLACK_API_URL) into a client
    per request and gives it the token of the workspace the request came from.
    """
    settings = coach.settings
    if settings.slack_bot_token is not None and settings.slack_client_id:
        # Bolt itself would switch to OAuth (with file stores) on SLACK_CLIENT_ID/SECRET and
        # drop the token: refuse the ambiguity rather than guess which mode was meant.
        raise SettingsError(
            "Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET (OAuth installs into several workspaces), not both"
        )
    if oauth.is_oauth_mode(settings):
        return {"oauth_settings": oauth.make_oauth_settings(settings, coach.engine)}
    if not client.token:
        raise SettingsError("SLACK_BOT_TOKEN is not set: the Slack bot needs it to run")
    return {}


def _delivery_log(coach: Coach) -> DeliveryLog:
    from bot.storage.deliveries import SqlDeliveryLog

    return SqlDeliveryLog(coach.engine)
