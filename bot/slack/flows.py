"""What the bot does for a person, shared by slash commands, buttons and events."""

from __future__ import annotations

from bot.coaching.engine import ReflectionService
from bot.coaching.framework import Attribute, Domain
from bot.coaching.views import Outcome, StepView, SummaryView
from bot.slack.blocks import (
    build_intro_message,
    build_saved_note,
    build_step_message,
    build_summary_message,
    wording,
)
from bot.slack.conversation import Conversation

LATEST = "latest"


def post_outcome(conversation: Conversation, outcome: Outcome) -> str:
    """Post the next step, or the summary once every step has been seen."""
    if isinstance(outcome, StepView):
        return conversation.post(build_step_message(outcome))
    return conversation.post(build_summary_message(outcome))


def show_intro(service: ReflectionService, conversation: Conversation, _: str = "") -> None:
    """The introduction with buttons to start or resume."""
    conversation.post(build_intro_message(service.introduction(conversation.person)))


def start(service: ReflectionService, conversation: Conversation, scope: str) -> None:
    """Begin a reflection on all three domains or one, and post its first step."""
    post_outcome(conversation, service.start(conversation.person, scope))


def resume(service: ReflectionService, conversation: Conversation, _: str = "") -> None:
    """Post the step (or summary) where the person left off."""
    post_outcome(conversation, service.resume(conversation.person))


def show_summary(
    service: ReflectionService, conversation: Conversation, reflection_id: str = LATEST
) -> None:
    """A reflection's priority areas: the one named, the one under review, or the last one."""
    person = conversation.person
    if reflection_id and reflection_id != LATEST:
        conversation.post(build_summary_message(service.summary(person, reflection_id)))
        return
    info = service.resume_info(person)
    if info is not None:
        outcome = service.resume(person)
        if isinstance(outcome, SummaryView):
            conversation.post(build_summary_message(outcome))
            return
    last = service.last_summary(person)
    if last is not None:
        conversation.post(build_summary_message(last))
    elif info is not None:
        conversation.explain(wording.STILL_IN_PROGRESS.format(message=info.message))
    else:
        conversation.explain(wording.NO_SUMMARY)


def save_reply(service: ReflectionService, conversation: Conversation, text: str) -> None:
    """Add a DM reply to the written reflection of the current step, and acknowledge it."""
    person = conversation.person
    outcome = service.resume(person)
    if isinstance(outcome, SummaryView):
        conversation.explain(wording.AT_SUMMARY)
        return
    earlier = outcome.answer.text if outcome.answer else ""
    combined = f"{earlier}\n\n{text}" if earlier.strip() else text
    links = service.write(person, outcome.reflection_id, outcome.attribute.id, combined)
    conversation.post(build_saved_note(outcome.attribute, links, added=bool(earlier.strip())))


def attribute_and_domain(service: ReflectionService, attribute_id: str) -> tuple[Attribute, Domain]:
    """The framework's attribute and its domain, to redraw an answered step."""
    attribute = service.framework.attribute(attribute_id)
    return attribute, service.framework.domain(attribute.domain_id)
