"""What the bot does for a person, shared by slash commands, buttons and events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import (
    CoachingError,
    PatientDataWarning,
    StaleAction,
    UnfinishedReflection,
)
from bot.coaching.framework import Attribute, Domain
from bot.coaching.models import Mode, Person
from bot.coaching.views import Outcome, Reply, StepView, SummaryView
from bot.slack.blocks import (
    build_intro_message,
    build_saved_note,
    build_step_message,
    build_summary_message,
    wording,
)
from bot.slack.blocks.assistant import build_answer_message
from bot.slack.blocks.cycle import build_reflections_message, build_unfinished_message
from bot.slack.blocks.intro import build_role_message
from bot.slack.blocks.modals import build_loading_modal, build_notice_modal
from bot.slack.blocks.notes import (
    build_follow_up_message,
    build_patient_data_message,
    build_signpost_message,
    build_thinking_message,
)
from bot.slack.blocks.step import build_stage_message
from bot.slack.conversation import Conversation
from bot.slack.ids import STALE_BUTTON

logger = logging.getLogger(__name__)

LATEST = "latest"
QUESTION_MARK = "?"

View = dict[str, Any]


class PendingTexts(Protocol):
    """Texts held back by the patient-data warning until the person chooses (by id)."""

    def add(
        self, person: Person, *, reflection_id: str, attribute_id: str, purpose: str, text: str
    ) -> str:
        """Hold a text back; returns the id the warning's buttons carry."""
        ...


def model_on(service: ReflectionService) -> bool:
    """Whether the AI coach is switched on (so steps, summaries and answers take a moment)."""
    return service.assist is not None


def think(
    service: ReflectionService,
    conversation: Conversation,
    text: str = wording.THINKING,
    plain: str = wording.THINKING_TEXT,
) -> None:
    """With the AI coach on, show a placeholder at once; the next post replaces it in place."""
    if model_on(service):
        conversation.thinking(build_thinking_message(text, plain))


def post_outcome(
    service: ReflectionService,
    conversation: Conversation,
    outcome: Outcome,
    *,
    continuing: str | None = None,
) -> str:
    """Post the next step, or the summary once every step has been seen.

    When the reflection is still at the attribute `continuing` names (its next question, or
    the rating it waits for), a short message asks it, without the statement again.
    """
    if isinstance(outcome, StepView):
        if outcome.attribute.id == continuing:
            return conversation.post(build_stage_message(outcome, service.texts))
        return conversation.post(build_step_message(outcome, service.texts))
    return conversation.post(build_summary_message(outcome))


def show_intro(service: ReflectionService, conversation: Conversation, _: str = "") -> None:
    """The introduction with buttons to start or resume, then the AI coach's role question."""
    intro = service.introduction(conversation.person)
    conversation.post(build_intro_message(intro))
    if intro.role_question:
        conversation.post(build_role_message())


def start(
    service: ReflectionService, conversation: Conversation, scope: str, *, set_aside: bool = False
) -> None:
    """Begin a reflection on all three domains or one, and post its first step.

    With one unfinished, asks first: resume it, or start a new one (setting it aside).
    """
    think(service, conversation)
    try:
        step = service.start(conversation.person, scope, set_aside=set_aside)
    except UnfinishedReflection as unfinished:
        message = build_unfinished_message(
            unfinished.message,
            reflection_id=unfinished.reflection_id,
            scope=scope,
            scope_name=service.scope_name(scope),
            texts=service.texts,
        )
        conversation.post(message)
        return
    post_outcome(service, conversation, step)


def resume(service: ReflectionService, conversation: Conversation, _: str = "") -> None:
    """Post the step (or summary) where the person left off; with reflections set aside, the
    list of them all, newest first, to resume or reopen one."""
    person = conversation.person
    set_aside = service.set_aside(person)
    if set_aside:
        names = {info.scope: service.scope_name(info.scope) for info in set_aside}
        active = service.resume_info(person)
        conversation.post(
            build_reflections_message(active, set_aside, names=names, texts=service.texts)
        )
        return
    think(service, conversation)
    post_outcome(service, conversation, service.resume(person))


def reopen(service: ReflectionService, conversation: Conversation, reflection_id: str) -> None:
    """Carry on with a reflection set aside (one unfinished meanwhile is set aside instead)."""
    think(service, conversation)
    post_outcome(service, conversation, service.reopen(conversation.person, reflection_id))


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


def show_summary_at(
    conversation: Conversation, message_ts: str | None, summary: SummaryView
) -> None:
    """Redraw the summary message a form came from in the DM, or post it when there is none
    there (the form came from Home, or its metadata names a message the DM doesn't hold)."""
    conversation.replace_or_post(message_ts, build_summary_message(summary))


def handle_dm_text(
    service: ReflectionService,
    conversation: Conversation,
    text: str,
    pending: PendingTexts,
    *,
    source: str | None = None,
) -> None:
    """A DM message: a question (starting with ?, or with no reflection going on) or a reply.

    `source` is the message's ts: an edit or deletion of it later changes the saved reply.
    """
    if text.lstrip().startswith(QUESTION_MARK):
        answer_question(service, conversation, text.lstrip().lstrip(QUESTION_MARK))
    elif service.resume_info(conversation.person) is None:
        answer_question(service, conversation, text, how_to_start=True)
    else:
        save_reply(service, conversation, text, pending, source=source)


def answer_question(
    service: ReflectionService,
    conversation: Conversation,
    question: str,
    *,
    how_to_start: bool = False,
) -> None:
    """Answer a question about the framework, citing attribute ids (or decline politely)."""
    think(service, conversation, wording.LOOKING_UP, wording.LOOKING_UP_TEXT)
    view = service.ask(conversation.person, question)
    conversation.post(build_answer_message(view, how_to_start=how_to_start))


def save_reply(
    service: ReflectionService,
    conversation: Conversation,
    text: str,
    pending: PendingTexts,
    *,
    source: str | None = None,
) -> None:
    """Add a DM reply to the question asked at the current step, and acknowledge it.

    Text that looks like patient data is held back, and the person chooses what to do.
    """
    person = conversation.person
    outcome = service.resume(person)
    if isinstance(outcome, SummaryView):
        conversation.explain(wording.AT_SUMMARY)
        return
    rid, attribute = outcome.reflection_id, outcome.attribute
    try:
        reply = service.reply(person, rid, attribute.id, text, source=source)
    except PatientDataWarning as warning:
        held = pending.add(
            person, reflection_id=rid, attribute_id=attribute.id, purpose="reply", text=text
        )
        conversation.post(build_patient_data_message(warning, held))
        return
    acknowledge_reply(service, conversation, outcome, reply)


def acknowledge_reply(
    service: ReflectionService,
    conversation: Conversation,
    step: StepView,
    reply: Reply,
) -> None:
    """Say the words were saved (or added to earlier ones), then ask what comes next."""
    conversation.post(build_saved_note(step.attribute, reply.links, added=reply.added))
    signpost(conversation, reply)
    ask_next(service, conversation, step, reply)


def ask_next(
    service: ReflectionService, conversation: Conversation, step: StepView, reply: Reply
) -> None:
    """After words on a step: a deep step's next question, or the next step if these words
    finished it (a quick step's rating buttons are on its own message), or a follow-up."""
    following = reply.outcome
    if not isinstance(following, StepView) or following.attribute.id != step.attribute.id:
        post_outcome(service, conversation, following)
        return
    if following.mode == Mode.DEEP and following.stage != step.stage:
        post_outcome(service, conversation, following, continuing=step.attribute.id)
    follow_up(service, conversation, step.reflection_id, step.attribute)


def signpost(conversation: Conversation, saved: Reply) -> None:
    """After saving words of distress, the note pointing to support (once per reflection)."""
    if saved.signpost is not None:
        conversation.post(build_signpost_message(saved.signpost))


def follow_up(
    service: ReflectionService, conversation: Conversation, reflection_id: str, attribute: Attribute
) -> None:
    """After saving, the AI coach's one follow-up question, if it has one (an aid: never fails)."""
    try:
        question = service.follow_up(conversation.person, reflection_id, attribute.id)
        if question:
            conversation.post(build_follow_up_message(attribute, question))
    except Exception:  # the answer is saved and acknowledged; a missing follow-up costs nothing
        logger.exception("no follow-up question after a saved answer")


@contextmanager
def modal_for(
    service: ReflectionService, conversation: Conversation, trigger_id: str
) -> Iterator[Callable[[View], None]]:
    """Yields `show(view)`, which opens the modal (or fills in a loading one, see below)."""

    def open_now(view: View) -> None:
        conversation.open_modal(trigger_id, view)

    if not model_on(service):
        yield open_now
        return
    # The AI coach may take longer than a trigger's 3 seconds: open a loading modal at once.
    view_id = conversation.open_modal(trigger_id, build_loading_modal())
    with problems_shown_in(conversation, view_id):
        yield lambda view: conversation.update_modal(view_id, view)


@contextmanager
def problems_shown_in(conversation: Conversation, view_id: str) -> Iterator[None]:
    """A problem the person can act on is shown in the open modal, not in a separate note."""
    try:
        yield
    except CoachingError as error:
        try:
            conversation.update_modal(
                view_id, build_notice_modal(wording.PROBLEM_TITLE, error.message)
            )
        except SlackApiError:
            logger.exception("could not show a problem in the modal")
            raise error from None


def attribute_and_domain(service: ReflectionService, attribute_id: str) -> tuple[Attribute, Domain]:
    """The framework's attribute and its domain, to redraw an answered step.

    StaleAction for an id the framework doesn't know (a button of another version, or forged).
    """
    try:
        attribute = service.framework.attribute(attribute_id)
    except KeyError:
        raise StaleAction(STALE_BUTTON) from None
    return attribute, service.framework.domain(attribute.domain_id)
