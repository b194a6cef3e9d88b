"""Events: a person's reply in the DM, and opening the App Home tab."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError
from bot.coaching.models import Person
from bot.slack import flows
from bot.slack.blocks import build_home_unavailable_view, build_home_view
from bot.slack.blocks.text import unescape
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import is_persons_dm_message, pending_of, person_of

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
        """A DM reply: part of the written reflection on the current step, or a question."""
        if not is_persons_dm_message(event):
            return  # edits, files, bots and other channels: nothing to save
        conversation = Conversation(client, person_of(context), channel=event["channel"])
        with replying_on_failure(conversation):
            text = unescape(event["text"])
            flows.handle_dm_text(self.service, conversation, text, pending_of(context))

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
