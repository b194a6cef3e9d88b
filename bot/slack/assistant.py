"""The AI coach's own Slack surface: `/lif-reflect ask`, and the optional role question.

Questions in the DM (starting with ?, or with no reflection going on) reach the same flow
through the message event (bot/slack/events.py).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.container import Coach
from bot.slack import flows, ids
from bot.slack.blocks import build_note, wording
from bot.slack.blocks.modals import build_role_modal
from bot.slack.blocks.text import ERROR_TEXT, cut
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import (
    clicked_in_dm,
    clicked_ts,
    conversation_for_action,
    conversation_of,
    input_value,
    person_of,
)

logger = logging.getLogger(__name__)

Body = dict[str, Any]


class AssistantHandlers:
    """Asking about the framework, and telling the coach one's role (or not)."""

    def __init__(self, service: ReflectionService) -> None:
        self.service = service

    def run_ask(self, conversation: Conversation, question: str) -> None:
        """`/lif-reflect ask <question>`, after the ack: the answer in the DM."""
        flows.answer_question(self.service, conversation, question)

    def handle_role(self, ack: Ack, body: Body, client: WebClient, context: BoltContext) -> None:
        """Open the role form (no model call: a trigger lasts 3 seconds)."""
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            origin = ids.MessageRef(clicked_ts(body))
            conversation.open_modal(body["trigger_id"], build_role_modal(origin))

    def handle_role_skip(
        self, ack: Ack, body: Body, client: WebClient, context: BoltContext
    ) -> None:
        """Decline the role question for good; the question becomes a short note."""
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            self.service.set_role(conversation.person, "")
            skipped = build_note(wording.ROLE_SKIPPED)
            conversation.replace(clicked_in_dm(body, conversation), skipped)

    def handle_role_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Remember the role (patient data in it is redacted), then thank the person."""
        person = person_of(context)
        try:
            self.service.set_role(person, input_value(view, ids.ROLE_BLOCK, ids.ROLE_INPUT))
        except Exception:
            logger.exception("could not save a role")
            ack(
                response_action="errors",
                errors={ids.ROLE_BLOCK: cut(wording.UNEXPECTED, ERROR_TEXT)},
            )
            return
        ack()
        origin = ids.MessageRef.loads(view.get("private_metadata"))
        conversation = conversation_of(context, client)
        with replying_on_failure(conversation):
            conversation.replace(origin.message_ts, build_note(wording.ROLE_SAVED))


def register(app: App, coach: Coach) -> dict[str, Subcommand]:
    """Listen for the role question's controls; contribute `/lif-reflect ask`."""
    handlers = AssistantHandlers(coach.service)
    app.action(ids.ROLE)(handlers.handle_role)
    app.action(ids.ROLE_SKIP)(handlers.handle_role_skip)
    app.view(ids.ROLE_MODAL)(handlers.handle_role_submission)
    return {"ask": Subcommand(wording.ACK_ASK, wording.ASK_HELP, handlers.run_ask)}
