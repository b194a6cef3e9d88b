"""Events: a person's reply in the DM, opening the App Home tab, and the app's uninstalling."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError
from bot.coaching.models import Person
from bot.slack import flows
from bot.slack.blocks import build_home_unavailable_view, build_home_view, build_note
from bot.slack.blocks.text import unescape
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import (
    conversation_of,
    deleted_dm,
    edited_dm,
    is_persons_dm_message,
    pending_of,
    person_of,
)

logger = logging.getLogger(__name__)
PublishHome = Callable[[WebClient, Person], None]  # the follow-ups' Home (bot/slack/followup/)


class EventHandlers:
    """message.im and app_home_opened."""

    def __init__(self, service: ReflectionService, home: PublishHome | None = None) -> None:
        self.service = service
        self.home = home

    def handle_message(
        self, event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """A DM reply: words on the current step, or a question; or an edit or deletion of one."""
        edited, deleted = edited_dm(event), deleted_dm(event)
        if edited is not None or deleted is not None:
            self.handle_changed_message(edited, deleted, client, context)
            return
        if not is_persons_dm_message(event):
            return  # files, bots and other channels: nothing to save
        conversation = conversation_of(context, client)  # the event's channel is not trusted
        with replying_on_failure(conversation):
            text = unescape(event["text"])
            flows.handle_dm_text(
                self.service, conversation, text, pending_of(context), source=event.get("ts")
            )

    def handle_changed_message(
        self,
        edited: tuple[str, str] | None,
        deleted: str | None,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """An edited DM replaces the words it gave a step; a deleted one takes them away."""
        conversation = conversation_of(context, client)  # the event's channel is not trusted
        with replying_on_failure(conversation):
            revisions, person = self.service.revisions, conversation.person
            if edited is not None:
                ts, text = edited
                revision = revisions.revise(person, source=ts, text=unescape(text))
            else:
                revision = revisions.retract(person, source=deleted or "")
            if revision is not None:  # a question, or words never saved: nothing to change
                conversation.post(build_note(revision.message))

    def handle_app_home_opened(
        self, event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Publish Home: the reflection in progress, priority areas, goals, progress, start."""
        if event.get("tab", "home") != "home":
            return
        person = person_of(context)
        if self.home is not None:
            self.home(client, person)
            return
        try:
            view = build_home_view(
                self.service.introduction(person), self.service.last_summary(person)
            )
        except CoachingError as error:
            view = build_home_unavailable_view(error.message)
        try:
            Conversation(client, person).publish_home(view)
        except SlackApiError:
            logger.exception("views.publish failed")


def register(app: App, service: ReflectionService, *, home: PublishHome | None = None) -> None:
    """Listen for messages (every subtype, so none is left unanswered) and Home openings."""
    handlers = EventHandlers(service, home)
    app.event("message")(handlers.handle_message)
    app.event("app_home_opened")(handlers.handle_app_home_opened)


def register_uninstalls(app: App) -> None:
    """app_uninstalled and tokens_revoked: with OAuth installs the workspace's stored tokens are
    deleted, so none outlives its install; with one bot token nothing is stored, and the event
    is logged, since every later Web API call with that token fails until the app is
    installed again."""
    store = app.installation_store
    handlers = Uninstalls(store)
    app.event("app_uninstalled")(handlers.handle_app_uninstalled)
    app.event("tokens_revoked")(handlers.handle_tokens_revoked)


class Uninstalls:
    """What an uninstall or a revoked bot token does to the stored installations.

    Not Bolt's own listeners (`enable_token_revocation_listeners`): on a revoked bot token they
    delete the bot row alone, and Bolt's authorize goes on finding the token in the
    installation row. This app asks for bot scopes only, so a workspace whose bot token is
    revoked has nothing left worth keeping: all its rows go, as on an uninstall.
    """

    def __init__(self, store: InstallationStore | None) -> None:
        self.store = store

    def handle_app_uninstalled(self, context: BoltContext) -> None:
        self._forget(context, "LIF Coach was uninstalled from workspace %s")

    def handle_tokens_revoked(self, event: dict[str, Any], context: BoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            self._forget(context, "Slack revoked the bot token of workspace %s")

    def _forget(self, context: BoltContext, what: str) -> None:
        if self.store is None:
            logger.warning(what + ": SLACK_BOT_TOKEN no longer works there", context.team_id)
            return
        self.store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
        logger.warning(what + ": its stored tokens are deleted", context.team_id)
