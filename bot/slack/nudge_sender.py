"""SlackNudgeSender: delivers follow-up check-ins as DMs, and finds them again after a crash.

The Web API client here has no retry handlers that sleep: the dispatcher does the pacing and
backoff, so a 429 comes back at once as RateLimited(Retry-After), a 5xx or a network error as
TransientFailure (the dispatcher checks the DM before trying again, since Slack may have posted
before failing), and a person who can't be reached (deactivated, unknown, no DM possible) as
PermanentFailure, which stops that person's check-ins with the reason recorded.

Each message carries its dedupe key in the message metadata, so `find_delivered` can look for
it with conversations.history (include_all_metadata).
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.coaching.followup.ports import (
    Delivered,
    PermanentFailure,
    RateLimited,
    SendResult,
    TransientFailure,
)
from bot.coaching.followup.views import NudgeMessage
from bot.coaching.models import Person
from bot.container import Coach, build_dispatcher, daily_housekeeping, make_nudge_sender
from bot.nudges.dispatcher import DispatcherLoop
from bot.settings import Settings
from bot.slack.blocks.followup import build_check_in_message
from bot.slack.directory import SlackDirectory

logger = logging.getLogger(__name__)
T = TypeVar("T")

METADATA_EVENT = "lif_nudge"
TERMINAL_WORKSPACE = "terminal"  # people of `lif-coach chat`, who have no Slack account
NOT_SLACK = "not a Slack user"
DEACTIVATED = "account_inactive: the Slack account is deactivated"
# Errors that say this person cannot be reached, whatever we do.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "user_disabled",
        "user_not_visible",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
    }
)
DEFAULT_RETRY_AFTER_S = 1.0
HISTORY_PAGES = 5
WEB_API_TIMEOUT_S = 10


def make_nudge_client(settings: Settings) -> WebClient:
    """A WebClient for the dispatcher: no sleeping retries, the dispatcher paces itself."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url.rstrip("/") + "/",
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=[],
    )


def nudge_metadata(message: NudgeMessage) -> dict[str, Any]:
    """The message metadata that names a follow-up message."""
    return {"event_type": METADATA_EVENT, "event_payload": {"key": message.dedupe_key}}


def dedupe_key_of(found: dict[str, Any]) -> str | None:
    """The dedupe key a message in conversations.history carries, if it is one of ours."""
    metadata = found.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return str(key) if key else None


def is_slack_person(person: Person) -> bool:
    """Whether this person has a Slack account (terminal people do not)."""
    return person.workspace_id != TERMINAL_WORKSPACE


class SlackNudgeSender:
    """A NudgeSender over the Web API; used by one dispatcher thread at a time."""

    def __init__(
        self,
        client: WebClient,
        *,
        directory: SlackDirectory | None = None,
        history_pages: int = HISTORY_PAGES,
    ) -> None:
        self.client = client
        self.directory = directory or SlackDirectory(client)
        self.history_pages = history_pages
        self._channels: dict[str, str] = {}  # user id -> DM channel id

    def send(self, message: NudgeMessage) -> SendResult:
        """Post the check-in to the person's DM, with its dedupe key as metadata."""
        return _typed(lambda: self._post(message))

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        """Delivered if the DM holds a message with this dedupe key posted since `since`."""
        if not is_slack_person(message.person):
            return None
        return _typed(lambda: self._find(message, since))

    def _post(self, message: NudgeMessage) -> SendResult:
        person = message.person
        if not is_slack_person(person):
            return PermanentFailure(NOT_SLACK)
        if self.directory.profile(person.user_id).deactivated:
            return PermanentFailure(DEACTIVATED)
        posted = self.client.chat_postMessage(
            channel=self._channel(person.user_id),
            metadata=nudge_metadata(message),
            unfurl_links=False,
            **build_check_in_message(message).as_kwargs(),
        )
        return Delivered(ref=str(posted["ts"]))

    def _find(self, message: NudgeMessage, since: datetime) -> SendResult | None:
        channel = self._channel(message.person.user_id)
        cursor: str | None = None
        for _ in range(self.history_pages):
            page = self.client.conversations_history(
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for found in page.get("messages") or []:
                if dedupe_key_of(found) == message.dedupe_key:
                    return Delivered(ref=str(found.get("ts", "")))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return None
        logger.warning(
            "gave up looking for a check-in after %s pages of history", self.history_pages
        )
        return None

    def _channel(self, user_id: str) -> str:
        """The DM with the person (conversations.open once per person)."""
        if user_id not in self._channels:
            opened = self.client.conversations_open(users=[user_id])
            self._channels[user_id] = str(opened["channel"]["id"])
        return self._channels[user_id]


def classify(error: SlackApiError) -> SendResult:
    """A Web API error as the dispatcher understands it."""
    response = error.response
    status = getattr(response, "status_code", 200)
    if status == 429:
        return RateLimited(_retry_after(response.headers or {}))
    code = str(response.get("error") or f"http {status}")
    if status >= 500:
        return TransientFailure(f"http {status}: {code}")
    if code in PERMANENT_ERRORS:
        return PermanentFailure(code)
    return TransientFailure(code)


def _typed(call: Callable[[], T]) -> T | SendResult:
    """Run a Web API call, returning its failures typed instead of raising them."""
    try:
        return call()
    except SlackApiError as error:
        return classify(error)
    except (OSError, urllib.error.URLError, SlackClientError) as error:
        return TransientFailure(f"network: {type(error).__name__}")


def _retry_after(headers: Any) -> float:
    for name, value in dict(headers).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_S


def make_check_in_loop(coach: Coach) -> DispatcherLoop:
    """The background loop that sends due check-ins (and runs the daily housekeeping)."""
    settings = coach.settings
    return DispatcherLoop(
        build_dispatcher(coach, make_nudge_sender(settings)),
        settings.dispatcher_interval_s,
        daily=daily_housekeeping(coach),
    )
