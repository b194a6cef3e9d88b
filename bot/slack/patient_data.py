"""The patient-data warning's three choices: save redacted, keep as written, or edit.

A text the guard stopped waits in the pending-texts store; the warning's buttons carry only its
id. Taking it is atomic, so a second click on the same warning does nothing a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import StaleAction
from bot.coaching.views import Reply, StepView
from bot.container import Coach
from bot.slack import flows, ids
from bot.slack.blocks import build_note, build_saved_note, wording
from bot.slack.blocks.modals import build_goal_modal, build_notice_modal, build_write_modal
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import PENDING_KEY, action_value, clicked_in_dm, conversation_for_action
from bot.storage.pending import PendingText, SqlPendingTextStore

logger = logging.getLogger(__name__)

Body = dict[str, Any]
SAVED_HOW = {"redact": wording.SAVED_REDACTED, "keep": wording.SAVED_AS_WRITTEN}


class PatientDataHandlers:
    """The warning's buttons, in a DM reply's warning message or in a form turned warning."""

    def __init__(self, service: ReflectionService, pending: SqlPendingTextStore) -> None:
        self.service = service
        self.pending = pending

    def handle_choice(self, ack: Ack, body: Body, client: WebClient, context: BoltContext) -> None:
        """Save the held-back text redacted or as written, or hand it back for editing."""
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            choice = ids.choice_of(body["actions"][0]["action_id"])
            held = self.pending.take(action_value(body) or "", conversation.person)
            if held is None:
                raise StaleAction(wording.PENDING_GONE)
            resolve: dict[str, Resolver] = {
                "reply": self._reply,
                "answer": self._answer,
                "goal": self._goal,
            }
            view_id = (body.get("view") or {}).get("id")  # a form turned warning, or None
            in_modal = flows.problems_shown_in(conversation, view_id) if view_id else nullcontext()
            with in_modal:
                resolve[held.purpose](conversation, body, held, choice)

    @contextmanager
    def _kept_on_failure(self, held: PendingText) -> Iterator[None]:
        """If saving (or handing back) the text fails, it waits again for another click."""
        try:
            yield
        except Exception:
            try:
                self.pending.put_back(held)
            except Exception:
                logger.exception("could not hold a text back again")
            raise

    def _reply(
        self, conversation: Conversation, body: Body, held: PendingText, choice: str
    ) -> None:
        """A DM reply: added to the step's text as it is now, if the step is still current."""
        warning_ts = clicked_in_dm(body, conversation)
        if choice == "edit":
            conversation.replace_or_post(warning_ts, build_note(wording.EDIT_REPLY))
            return
        with self._kept_on_failure(held):
            step = self.service.current(conversation.person, held.reflection_id)
            if not isinstance(step, StepView) or step.attribute.id != held.attribute_id:
                moved = wording.MOVED_ON.format(attribute_id=held.attribute_id)
                conversation.replace_or_post(warning_ts, build_note(moved))
                return
            reply = self._write(conversation, held, choice)
        how = SAVED_HOW[choice]
        saved = build_saved_note(step.attribute, reply.links, added=reply.added, how=how)
        conversation.replace_or_post(warning_ts, saved)
        flows.signpost(conversation, reply)
        flows.ask_next(self.service, conversation, step, reply)

    def _answer(
        self, conversation: Conversation, body: Body, held: PendingText, choice: str
    ) -> None:
        """A form's reflection: added to the step's words, or the form back to edit."""
        view_id, modal = _modal_of(body)
        with self._kept_on_failure(held):
            if choice == "edit":
                step = self.service.current(conversation.person, held.reflection_id)
                if not isinstance(step, StepView) or step.attribute.id != held.attribute_id:
                    raise StaleAction(wording.MOVED_ON.format(attribute_id=held.attribute_id))
                form = build_write_modal(step, modal, initial=held.text)
                conversation.update_modal(view_id, form)
                return
            step = self.service.current(conversation.person, held.reflection_id)
            reply = self._write(conversation, held, choice)
        _saved_in(conversation, view_id, choice)
        attribute = self.service.framework.attribute(held.attribute_id)
        note = build_saved_note(attribute, reply.links, added=reply.added, how=SAVED_HOW[choice])
        conversation.post(note)
        flows.signpost(conversation, reply)
        if isinstance(step, StepView) and step.attribute.id == held.attribute_id:
            flows.ask_next(self.service, conversation, step, reply)

    def _goal(self, conversation: Conversation, body: Body, held: PendingText, choice: str) -> None:
        """A goal: saved and shown on the summary, or the goal form back to edit."""
        view_id, modal = _modal_of(body)
        person, rid, attribute_id = conversation.person, held.reflection_id, held.attribute_id
        with self._kept_on_failure(held):
            if choice == "edit":
                self._goal_form_again(conversation, view_id, modal, held)
                return
            summary = self.service.set_goal(
                person, rid, attribute_id, held.text, patient_data=choice
            )
        _saved_in(conversation, view_id, choice)
        flows.show_summary_at(conversation, modal.message_ts, summary)

    def _goal_form_again(
        self, conversation: Conversation, view_id: str, modal: ids.ModalContext, held: PendingText
    ) -> None:
        summary = self.service.summary(conversation.person, held.reflection_id)
        attribute_id = held.attribute_id
        priority = next((p for p in summary.priorities if p.attribute.id == attribute_id), None)
        if priority is None:
            raise StaleAction(f"{attribute_id} is no longer one of your priority areas.")
        conversation.update_modal(view_id, build_goal_modal(priority, modal, initial=held.text))

    def _write(self, conversation: Conversation, held: PendingText, choice: str) -> Reply:
        return self.service.reply(
            conversation.person,
            held.reflection_id,
            held.attribute_id,
            held.text,
            patient_data=choice,
        )


Resolver = Callable[[Conversation, Body, PendingText, str], None]


def _modal_of(body: Body) -> tuple[str, ids.ModalContext]:
    view = body.get("view") or {}
    return str(view.get("id", "")), ids.ModalContext.loads(view.get("private_metadata"))


def _saved_in(conversation: Conversation, view_id: str, choice: str) -> None:
    """Say in the form that it was saved; cosmetic, as the DM shows it too."""
    try:
        conversation.update_modal(
            view_id, build_notice_modal(wording.SAVED_TITLE, SAVED_HOW[choice])
        )
    except SlackApiError:
        logger.exception("views.update failed; the text is saved regardless")


def register(app: App, coach: Coach) -> dict[str, Subcommand]:
    """Make the pending-texts store available to every listener, and listen for the choices."""
    store = SqlPendingTextStore(coach.engine)

    def provide_pending_texts(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
        context[PENDING_KEY] = store
        next()

    app.use(provide_pending_texts)
    app.action(ids.PATIENT_DATA)(PatientDataHandlers(coach.service, store).handle_choice)
    return {}
