"""Buttons and menus: rating, skipping, going back, pausing, and shaping the priority areas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import StaleAction
from bot.coaching.views import StepView
from bot.slack import flows, ids
from bot.slack.blocks import (
    build_goal_modal,
    build_note,
    build_paused_message,
    build_step_outcome_message,
    build_summary_message,
    build_write_modal,
    wording,
)
from bot.slack.blocks.step import rated
from bot.slack.blocks.text import Message
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import (
    action_value,
    clicked_in_dm,
    clicked_ts,
    conversation_for_action,
)

Body = dict[str, Any]
H = TypeVar("H", bound="ActionHandlers")  # ActionHandlers, or a feature's subclass of it
AfterConfirm = Callable[[Conversation], None]  # e.g. plan the follow-up check-ins


def acked_first(work: Callable[[H, Conversation, Body], None]) -> Callable[..., None]:
    """A Bolt listener that acks, then does `work` in the clicker's DM, replying on failure.

    The listener's own parameters are the ones Bolt injects by name (ack, body, client, context).
    """

    def listener(self: H, ack: Ack, body: Body, client: WebClient, context: BoltContext) -> None:
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            work(self, conversation, body)

    listener.__name__, listener.__doc__ = work.__name__, work.__doc__
    return listener


class ActionHandlers:
    """Each handler: parse the value, one service call, render, one or two Slack calls."""

    def __init__(
        self, service: ReflectionService, after_confirm: AfterConfirm | None = None
    ) -> None:
        self.service = service
        self.after_confirm = after_confirm

    # -- a step ---------------------------------------------------------------------------

    @acked_first
    def handle_rate(self, conversation: Conversation, body: Body) -> None:
        """Save the rating, show it on the step's message, and post the next step."""
        reflection_id, attribute_id, value = ids.unpack(action_value(body), 3)
        rating = ids.number_of(value)
        flows.think(self.service, conversation)
        outcome = self.service.rate(conversation.person, reflection_id, attribute_id, rating)
        label = self.service.questions.label(rating)
        self._close_step(conversation, body, attribute_id, rated(rating, label))
        flows.post_outcome(self.service, conversation, outcome, continuing=attribute_id)

    @acked_first
    def handle_skip(self, conversation: Conversation, body: Body) -> None:
        """Move on without a rating."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        flows.think(self.service, conversation)
        outcome = self.service.skip(conversation.person, reflection_id, attribute_id)
        self._close_step(conversation, body, attribute_id, wording.SKIPPED)
        flows.post_outcome(self.service, conversation, outcome)

    @acked_first
    def handle_back(self, conversation: Conversation, body: Body) -> None:
        """Go back one step (from a step, or from the summary to the last step)."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        if attribute_id != ids.FROM_SUMMARY:  # refuse an unknown step before going back
            flows.attribute_and_domain(self.service, attribute_id)
        flows.think(self.service, conversation)
        step = self.service.back(conversation.person, reflection_id)
        if attribute_id == ids.FROM_SUMMARY:  # the summary no longer applies
            _redraw(conversation, body, build_note(wording.WENT_BACK))
        else:
            self._close_step(conversation, body, attribute_id, wording.WENT_BACK)
        flows.post_outcome(self.service, conversation, step)

    @acked_first
    def handle_pause(self, conversation: Conversation, body: Body) -> None:
        """Confirm that everything is saved, leaving only a Resume button."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        info = self.service.pause(conversation.person, reflection_id)
        attribute, domain = flows.attribute_and_domain(self.service, attribute_id)
        _show(conversation, body, build_paused_message(attribute, domain, info))

    @acked_first
    def handle_write(self, conversation: Conversation, body: Body) -> None:
        """Open a form for a longer written reflection on the current step."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        modal = ids.ModalContext(reflection_id, attribute_id, clicked_ts(body))
        with flows.modal_for(self.service, conversation, body["trigger_id"]) as show:
            step = self.service.current(conversation.person, reflection_id)
            if not isinstance(step, StepView) or step.attribute.id != attribute_id:
                raise StaleAction(
                    f"That button belongs to an earlier step ({attribute_id}). Reply in this "
                    "chat to add to the current step, or use Back to return to it."
                )
            show(build_write_modal(step, modal))

    def _close_step(
        self, conversation: Conversation, body: Body, attribute_id: str, outcome: str
    ) -> None:
        attribute, domain = flows.attribute_and_domain(self.service, attribute_id)
        message = build_step_outcome_message(attribute, domain, outcome)
        _redraw(conversation, body, message)

    # -- starting ---------------------------------------------------------------------------

    @acked_first
    def handle_start(self, conversation: Conversation, body: Body) -> None:
        """Start all three domains or one (from the introduction or Home)."""
        flows.start(self.service, conversation, action_value(body) or "")

    @acked_first
    def handle_resume(self, conversation: Conversation, body: Body) -> None:
        """Carry on where the person left off."""
        flows.resume(self.service, conversation)

    @acked_first
    def handle_show_summary(self, conversation: Conversation, body: Body) -> None:
        """Post a reflection's priority areas in the DM."""
        flows.show_summary(self.service, conversation, action_value(body) or flows.LATEST)

    # -- the summary ------------------------------------------------------------------------

    @acked_first
    def handle_confirm(self, conversation: Conversation, body: Body) -> None:
        """Confirm the priority areas; the summary loses its editing controls."""
        (reflection_id,) = ids.unpack(action_value(body), 1)
        summary = self.service.confirm(conversation.person, reflection_id)
        _redraw(conversation, body, build_summary_message(summary))
        if self.after_confirm is not None:
            self.after_confirm(conversation)

    @acked_first
    def handle_drop(self, conversation: Conversation, body: Body) -> None:
        """Drop a priority area."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        summary = self.service.drop(conversation.person, reflection_id, attribute_id)
        _show(conversation, body, build_summary_message(summary))

    @acked_first
    def handle_swap(self, conversation: Conversation, body: Body) -> None:
        """Swap a priority area for the attribute chosen in its menu."""
        reflection_id, attribute_id, replacement = ids.unpack(action_value(body), 3)
        person = conversation.person
        summary = self.service.swap(person, reflection_id, attribute_id, replacement)
        _show(conversation, body, build_summary_message(summary))

    @acked_first
    def handle_add(self, conversation: Conversation, body: Body) -> None:
        """Add the attribute chosen in the menu as a further priority area."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        summary = self.service.add_priority(conversation.person, reflection_id, attribute_id)
        _show(conversation, body, build_summary_message(summary))

    @acked_first
    def handle_return(self, conversation: Conversation, body: Body) -> None:
        """From the summary, go back to an attribute left without a rating."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        attribute, _ = flows.attribute_and_domain(self.service, attribute_id)
        flows.think(self.service, conversation)
        step = self.service.go_to(conversation.person, reflection_id, attribute_id)
        went = wording.WENT_BACK_TO.format(
            attribute_id=attribute.id, short_name=attribute.short_name
        )
        _redraw(conversation, body, build_note(went))
        flows.post_outcome(self.service, conversation, step)

    @acked_first
    def handle_goal(self, conversation: Conversation, body: Body) -> None:
        """Open the goal form of a priority area."""
        reflection_id, attribute_id = ids.unpack(action_value(body), 2)
        summary = self.service.summary(conversation.person, reflection_id)
        priority = next((p for p in summary.priorities if p.attribute.id == attribute_id), None)
        if priority is None:
            raise StaleAction(f"{attribute_id} is no longer one of your priority areas.")
        modal = ids.ModalContext(reflection_id, attribute_id, clicked_ts(body))
        conversation.open_modal(body["trigger_id"], build_goal_modal(priority, modal))


def _redraw(conversation: Conversation, body: Body, message: Message) -> None:
    """Redraw the clicked message, when it is one in the person's DM (never one elsewhere)."""
    conversation.replace(clicked_in_dm(body, conversation), message)


def _show(conversation: Conversation, body: Body, message: Message) -> None:
    """Redraw the clicked message in the DM, or post it there when the click named no message
    of the DM: it is the only reply the click gets."""
    conversation.replace_or_post(clicked_in_dm(body, conversation), message)


def register(
    app: App, service: ReflectionService, *, after_confirm: AfterConfirm | None = None
) -> None:
    """Listen for every button and menu the bot's messages and Home carry."""
    handlers = ActionHandlers(service, after_confirm)
    listeners: dict[str | re.Pattern[str], Callable[..., None]] = {
        ids.RATE: handlers.handle_rate,
        ids.SKIP: handlers.handle_skip,
        ids.BACK: handlers.handle_back,
        ids.PAUSE: handlers.handle_pause,
        ids.WRITE: handlers.handle_write,
        ids.START: handlers.handle_start,
        ids.RESUME: handlers.handle_resume,
        ids.SUMMARY: handlers.handle_show_summary,
        ids.CONFIRM: handlers.handle_confirm,
        ids.DROP: handlers.handle_drop,
        ids.SWAP: handlers.handle_swap,
        ids.ADD: handlers.handle_add,
        ids.RETURN: handlers.handle_return,
        ids.GOAL: handlers.handle_goal,
    }
    for action_id, listener in listeners.items():
        app.action(action_id)(listener)
