"""SlackNudgeSender: delivers follow-up check-ins as DMs, and finds them again after a crash.

The Web API client here has no retry handlers that sleep: the dispatcher does the pacing and
backoff, so a 429 comes back at once as RateLimited(Retry-After), a 5xx or a network error as
TransientFailure (the dispatcher checks the DM before trying again, since Slack may have posted
before failing), and a person who can't be reached (deactivated, unknown, no DM possible) as
PermanentFailure, which stops that person's check-ins with the reason recorded.

Each message carries its dedupe key in the message metadata, so `find_delivered` can look for
it with conversations.history (include_all_metadata).

Which bot token: with SLACK_BOT_TOKEN, that one for everybody. In OAuth install mode
(bot/slack/oauth.py), the token of the person's own workspace, read from the installation store
the first time that workspace is needed and kept, with that workspace's DM channels and users.info
cache, until Slack refuses it (invalid_auth, token_revoked, token_expired, account_inactive): then
the store is read again at once (a reinstall has saved a new token) and on every later attempt
until it holds a token Slack accepts. A workspace with no installation (uninstalled, or never
installed) is a PermanentFailure for its people, like a person Slack cannot reach.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.coaching.followup.ports import (
    Delivered,
    NudgeSender,
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
from bot.slack import oauth
from bot.slack.blocks.followup import build_check_in_message
from bot.slack.directory import SlackDirectory

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store import InstallationStore

logger = logging.getLogger(__name__)
R = TypeVar("R")
# The Web API client for a workspace (a Slack team id, or an org's enterprise id for an
# org-wide install); None when the app is not installed there.
ClientFor = Callable[[str], WebClient | None]

METADATA_EVENT = "lif_nudge"
TERMINAL_WORKSPACE = "terminal"  # people of `lif-coach chat`, who have no Slack account
NOT_SLACK = "not a Slack user"
DEACTIVATED = "account_inactive: the Slack account is deactivated"
NOT_INSTALLED = "not_installed: the app is not installed in this Slack workspace"
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
# Errors that say Slack refused the bot token itself: it may have been revoked and reinstalled.
REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "token_revoked", "token_expired", "account_inactive"}
)
DEFAULT_RETRY_AFTER_S = 1.0
HISTORY_PAGES = 5
WEB_API_TIMEOUT_S = 10


def make_nudge_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A WebClient for the dispatcher: no sleeping retries, the dispatcher paces itself.

    With `token` (a workspace's token from the installation store), that one; else
    SLACK_BOT_TOKEN.
    """
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
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


class _Workspace:
    """What the sender keeps for one workspace: its client, DM channels and users.info cache."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.directory = SlackDirectory(client)
        self.channels: dict[str, str] = {}  # user id -> DM channel id


class SlackNudgeSender:
    """A NudgeSender over the Web API, with each person's workspace's own client.

    `clients` is one WebClient (SLACK_BOT_TOKEN: every workspace is served with it) or a
    function giving a workspace's client, None when the app is not installed there (OAuth
    installs: `installed_clients`). Safe to call from several dispatcher threads.
    """

    def __init__(
        self, clients: WebClient | ClientFor, *, history_pages: int = HISTORY_PAGES
    ) -> None:
        if isinstance(clients, WebClient):
            one = clients
            self.client_for: ClientFor = lambda _workspace: one
        else:
            self.client_for = clients
        self.history_pages = history_pages
        self._workspaces: dict[str, _Workspace] = {}  # workspace id -> its client and caches
        self._lock = threading.Lock()

    def send(self, message: NudgeMessage) -> SendResult:
        """Post the check-in to the person's DM, with its dedupe key as metadata."""
        if not is_slack_person(message.person):
            return PermanentFailure(NOT_SLACK)
        return self._in_workspace(message.person, lambda ws: self._post(ws, message))

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        """Delivered if the DM holds a message with this dedupe key posted since `since`."""
        if not is_slack_person(message.person):
            return None
        return self._in_workspace(message.person, lambda ws: self._find(ws, message, since))

    def _in_workspace(self, person: Person, call: Callable[[_Workspace], R]) -> R | SendResult:
        """Run `call` with the person's workspace; failures typed, a refused token read again."""
        workspace_id, refused = person.workspace_id, None
        while True:
            try:
                workspace = self._workspace(workspace_id)
            except SQLAlchemyError as error:  # the installation store could not be read
                return TransientFailure(f"installation store: {type(error).__name__}")
            if workspace is None:
                logger.warning(
                    "no installation of the app for workspace %s: its check-ins are not sent",
                    workspace_id,
                )
                return PermanentFailure(NOT_INSTALLED)
            if refused is not None and workspace.client.token == refused.client.token:
                return classify(refused.error)  # the store holds the refused token: try later
            try:
                return call(workspace)
            except SlackApiError as error:
                if refused is not None or _error_code(error) not in REFUSED_TOKEN_ERRORS:
                    return classify(error)
                logger.warning(
                    "Slack refused the bot token of workspace %s (%s): looking the token up again",
                    workspace_id,
                    _error_code(error),
                )
                self._forget(workspace_id, workspace)
                refused = _Refused(workspace.client, error)
            except (OSError, urllib.error.URLError, SlackClientError) as error:
                return TransientFailure(f"network: {type(error).__name__}")

    def _workspace(self, workspace_id: str) -> _Workspace | None:
        """The workspace's client and caches; its client is made (the store read) when new."""
        with self._lock:
            known = self._workspaces.get(workspace_id)
        if known is not None:
            return known
        client = self.client_for(workspace_id)
        if client is None:
            return None
        with self._lock:
            return self._workspaces.setdefault(workspace_id, _Workspace(client))

    def _forget(self, workspace_id: str, workspace: _Workspace) -> None:
        """Drop the workspace's client and caches (unless another thread already replaced it)."""
        with self._lock:
            if self._workspaces.get(workspace_id) is workspace:
                del self._workspaces[workspace_id]

    def _post(self, workspace: _Workspace, message: NudgeMessage) -> SendResult:
        user_id = message.person.user_id
        if workspace.directory.profile(user_id).deactivated:
            return PermanentFailure(DEACTIVATED)
        posted = workspace.client.chat_postMessage(
            channel=self._channel(workspace, user_id),
            metadata=nudge_metadata(message),
            unfurl_links=False,
            **build_check_in_message(message).as_kwargs(),
        )
        return Delivered(ref=str(posted["ts"]))

    def _find(
        self, workspace: _Workspace, message: NudgeMessage, since: datetime
    ) -> SendResult | None:
        channel = self._channel(workspace, message.person.user_id)
        cursor: str | None = None
        for _ in range(self.history_pages):
            page = workspace.client.conversations_history(
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

    def _channel(self, workspace: _Workspace, user_id: str) -> str:
        """The DM with the person (conversations.open once per person and workspace)."""
        channel = workspace.channels.get(user_id)
        if channel is None:
            opened = workspace.client.conversations_open(users=[user_id])
            channel = workspace.channels[user_id] = str(opened["channel"]["id"])
        return channel


class _Refused:
    """A client whose token Slack refused, and the error it answered."""

    def __init__(self, client: WebClient, error: SlackApiError) -> None:
        self.client = client
        self.error = error


def installed_clients(store: InstallationStore, settings: Settings) -> ClientFor:
    """OAuth installs: a workspace's client with the bot token the installation store holds.

    A workspace id is a team id, or an org's enterprise id for an org-wide install (as
    bot/slack/payloads.py `person_of` keys people).
    """

    def client_for(workspace_id: str) -> WebClient | None:
        bot = store.find_bot(enterprise_id=None, team_id=workspace_id) or store.find_bot(
            enterprise_id=workspace_id, team_id=None, is_enterprise_install=True
        )
        if bot is None or not bot.bot_token:
            return None
        return make_nudge_client(settings, token=bot.bot_token)

    return client_for


def classify(error: SlackApiError) -> SendResult:
    """A Web API error as the dispatcher understands it."""
    response = error.response
    status = getattr(response, "status_code", 200)
    if status == 429:
        return RateLimited(_retry_after(response.headers or {}))
    code = _error_code(error)
    if status >= 500:
        return TransientFailure(f"http {status}: {code}")
    if code in PERMANENT_ERRORS:
        return PermanentFailure(code)
    return TransientFailure(code)


def _error_code(error: SlackApiError) -> str:
    """Slack's error code (`invalid_auth`...), or `http <status>` when the answer has none."""
    response = error.response
    return str(response.get("error") or f"http {getattr(response, 'status_code', 200)}")


def _retry_after(headers: Any) -> float:
    for name, value in dict(headers).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_S


def make_check_in_sender(coach: Coach) -> NudgeSender:
    """The sender for this mode: each workspace's installed token (OAuth), or SLACK_BOT_TOKEN."""
    settings = coach.settings
    if oauth.is_oauth_mode(settings):
        store = oauth.make_installation_store(settings, coach.engine)
        return SlackNudgeSender(installed_clients(store, settings))
    return make_nudge_sender(settings)


def make_check_in_loop(coach: Coach) -> DispatcherLoop:
    """The background loop that sends due check-ins (and runs the daily housekeeping)."""
    return DispatcherLoop(
        build_dispatcher(coach, make_check_in_sender(coach)),
        coach.settings.dispatcher_interval_s,
        daily=daily_housekeeping(coach),
    )
