"""Slack controls of the reflective cycle: skip a question, go quick or deep, start anew, reopen.

Each handler acks, makes one service call and posts in the clicker's own DM, as the step
buttons in bot/slack/actions.py do.
"""

from __future__ import annotations

from slack_bolt import App

from bot.container import Coach
from bot.slack import flows, ids
from bot.slack.actions import ActionHandlers, Body, acked_first
from bot.slack.blocks import build_note
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation
from bot.slack.payloads import action_value, message_origin


class CycleHandlers(ActionHandlers):
    """The buttons of a deep step, of 'Resume it, or start a new one?' and of the list to reopen."""

    @acked_first
    def handle_skip_question(self, conversation: Conversation, body: Body) -> None:
        """Leave the question shown unanswered; ask the next one, or move on."""
        reflection_id, attribute_id, stage = ids.unpack(action_value(body), 3)
        flows.think(self.service, conversation)
        outcome = self.service.skip_question(
            conversation.person, reflection_id, attribute_id, stage=stage
        )
        self._close_step(
            conversation, body, attribute_id, self.service.texts["slack_skipped_question"]
        )
        flows.post_outcome(self.service, conversation, outcome, continuing=attribute_id)

    @acked_first
    def handle_mode(self, conversation: Conversation, body: Body) -> None:
        """Go on quick or deep from this step; the next reflection starts the same way."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        mode = ids.mode_of(body["actions"][0]["action_id"])
        flows.think(self.service, conversation)
        outcome = self.service.set_mode(conversation.person, reflection_id, mode)
        chosen = self.service.texts["mode_chosen"].format(mode=mode)
        self._close_step(conversation, body, attribute_id, chosen)
        flows.post_outcome(self.service, conversation, outcome)

    @acked_first
    def handle_start_new(self, conversation: Conversation, body: Body) -> None:
        """Start anew after all: the unfinished reflection is set aside, to reopen later."""
        scope = action_value(body) or ""
        info = self.service.resume_info(conversation.person)
        flows.start(self.service, conversation, scope, set_aside=True)
        if info is not None:
            aside = self.service.texts["set_aside"].format(
                scope=self.service.scope_name(info.scope), answered=info.answered, total=info.total
            )
            conversation.replace(message_origin(body)[1], build_note(aside))

    @acked_first
    def handle_reopen(self, conversation: Conversation, body: Body) -> None:
        """Carry on with a reflection set aside."""
        flows.reopen(self.service, conversation, action_value(body) or "")


def register(app: App, coach: Coach) -> dict[str, Subcommand]:
    """Listen for the cycle's buttons; it adds no sub-command."""
    handlers = CycleHandlers(coach.service)
    app.action(ids.SKIP_QUESTION)(handlers.handle_skip_question)
    app.action(ids.MODE)(handlers.handle_mode)
    app.action(ids.START_NEW)(handlers.handle_start_new)
    app.action(ids.REOPEN)(handlers.handle_reopen)
    return {}
