"""Modal submissions: a goal for a priority area, a written reflection on a step.

The service is called before the ack, so that a problem can be shown under the input
(response_action "errors") with the person's text still in the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError
from bot.slack import ids
from bot.slack.blocks import build_saved_note, build_summary_message, wording
from bot.slack.blocks.text import ERROR_TEXT, cut
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import input_value, person_of

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ViewHandlers:
    """view_submission of the goal and reflection modals."""

    def __init__(self, service: ReflectionService) -> None:
        self.service = service

    def handle_goal_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Save the goal, then redraw the summary message it came from."""
        person = person_of(context)
        goal = input_value(view, ids.GOAL_BLOCK, ids.GOAL_INPUT)

        def save() -> tuple[ids.ModalContext, Any]:
            modal = ids.ModalContext.loads(view.get("private_metadata"))
            summary = self.service.set_goal(person, modal.reflection_id, modal.attribute_id, goal)
            return modal, summary

        saved = _ack_after(ack, ids.GOAL_BLOCK, save)
        if saved is None:
            return
        modal, summary = saved
        conversation = Conversation(client, person, channel=modal.channel)
        with replying_on_failure(conversation):
            if modal.message_ts:
                conversation.replace(modal.message_ts, build_summary_message(summary))
            else:
                conversation.post(build_summary_message(summary))

    def handle_write_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Save the written reflection, then acknowledge it in the DM."""
        person = person_of(context)
        text = input_value(view, ids.WRITE_BLOCK, ids.WRITE_INPUT)

        def save() -> tuple[ids.ModalContext, Any]:
            modal = ids.ModalContext.loads(view.get("private_metadata"))
            links = self.service.write(person, modal.reflection_id, modal.attribute_id, text)
            return modal, links

        saved = _ack_after(ack, ids.WRITE_BLOCK, save)
        if saved is None:
            return
        modal, links = saved
        conversation = Conversation(client, person, channel=modal.channel)
        with replying_on_failure(conversation):
            attribute = self.service.framework.attribute(modal.attribute_id)
            conversation.post(build_saved_note(attribute, links, added=False))


def _ack_after(ack: Ack, block_id: str, save: Callable[[], T]) -> T | None:
    """Run `save`, then ack: empty (closing the modal) or with the error under the input."""
    try:
        result = save()
    except CoachingError as error:
        ack(response_action="errors", errors={block_id: cut(error.message, ERROR_TEXT)})
        return None
    except Exception:
        logger.exception("unexpected failure saving a modal")
        ack(response_action="errors", errors={block_id: cut(wording.UNEXPECTED, ERROR_TEXT)})
        return None
    ack()
    return result


def register(app: App, service: ReflectionService) -> None:
    """Listen for the submissions of the bot's modals."""
    handlers = ViewHandlers(service)
    app.view(ids.GOAL_MODAL)(handlers.handle_goal_submission)
    app.view(ids.WRITE_MODAL)(handlers.handle_write_submission)
