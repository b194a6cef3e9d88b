"""Modal submissions: a goal for a priority area, a written reflection on a step.

The service is called before the ack, so that a problem can be shown under the input
(response_action "errors") with the person's text still in the form, and text that looks like
patient data turns the form into the warning (response_action "update"). Anything that may call
the AI coach (the follow-up question) happens after the ack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError, PatientDataWarning
from bot.coaching.models import Person
from bot.coaching.views import Reply, StepView
from bot.slack import flows, ids
from bot.slack.blocks import build_saved_note, wording
from bot.slack.blocks.modals import build_patient_data_modal
from bot.slack.blocks.text import ERROR_TEXT, cut
from bot.slack.conversation import replying_on_failure
from bot.slack.payloads import conversation_of, input_value, pending_of, person_of

logger = logging.getLogger(__name__)
T = TypeVar("T")
Warn = Callable[[PatientDataWarning], dict[str, Any]]


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

        warn = _warning_form(context, person, view, "goal", goal)
        saved = _ack_after(ack, ids.GOAL_BLOCK, save, warn)
        if saved is None:
            return
        modal, summary = saved
        conversation = conversation_of(context, client)
        with replying_on_failure(conversation):
            flows.show_summary_at(conversation, modal.message_ts, summary)

    def handle_write_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Save the written reflection, then acknowledge it in the DM (and maybe follow up)."""
        person = person_of(context)
        text = input_value(view, ids.WRITE_BLOCK, ids.WRITE_INPUT)

        def save() -> tuple[ids.ModalContext, Any, Reply]:
            modal = ids.ModalContext.loads(view.get("private_metadata"))
            step = self.service.current(person, modal.reflection_id)
            reply = self.service.reply(person, modal.reflection_id, modal.attribute_id, text)
            return modal, step, reply

        warn = _warning_form(context, person, view, "answer", text)
        saved = _ack_after(ack, ids.WRITE_BLOCK, save, warn)
        if saved is None:
            return
        modal, step, reply = saved
        conversation = conversation_of(context, client)
        with replying_on_failure(conversation):
            if isinstance(step, StepView) and step.attribute.id == modal.attribute_id:
                flows.acknowledge_reply(self.service, conversation, step, reply)
                return
            attribute = self.service.framework.attribute(modal.attribute_id)  # an earlier step
            conversation.post(build_saved_note(attribute, reply.links, added=reply.added))
            flows.signpost(conversation, reply)


def _warning_form(
    context: BoltContext, person: Person, view: dict[str, Any], purpose: str, text: str
) -> Warn:
    """What the form turns into on a patient-data warning; the text waits for the choice."""

    def warn(warning: PatientDataWarning) -> dict[str, Any]:
        modal = ids.ModalContext.loads(view.get("private_metadata"))
        held = pending_of(context).add(
            person,
            reflection_id=modal.reflection_id,
            attribute_id=modal.attribute_id,
            purpose=purpose,
            text=text,
        )
        return build_patient_data_modal(warning, held, modal)

    return warn


def _ack_after(ack: Ack, block_id: str, save: Callable[[], T], warn: Warn) -> T | None:
    """Run `save`, then ack: empty (closing the modal), the warning, or the error under input."""
    try:
        result = save()
    except PatientDataWarning as warning:
        _ack_warning(ack, block_id, warn, warning)
        return None
    except CoachingError as error:
        ack(response_action="errors", errors={block_id: cut(error.message, ERROR_TEXT)})
        return None
    except Exception:
        logger.exception("unexpected failure saving a modal")
        ack(response_action="errors", errors={block_id: cut(wording.UNEXPECTED, ERROR_TEXT)})
        return None
    ack()
    return result


def _ack_warning(ack: Ack, block_id: str, warn: Warn, warning: PatientDataWarning) -> None:
    try:
        view = warn(warning)
    except CoachingError as error:
        ack(response_action="errors", errors={block_id: cut(error.message, ERROR_TEXT)})
        return
    except Exception:
        logger.exception("unexpected failure holding back a text")
        ack(response_action="errors", errors={block_id: cut(wording.UNEXPECTED, ERROR_TEXT)})
        return
    ack(response_action="update", view=view)


def register(app: App, service: ReflectionService) -> None:
    """Listen for the submissions of the bot's modals."""
    handlers = ViewHandlers(service)
    app.view(ids.GOAL_MODAL)(handlers.handle_goal_submission)
    app.view(ids.WRITE_MODAL)(handlers.handle_write_submission)
