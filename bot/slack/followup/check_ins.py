"""Answering a check-in (a button, or the form with a note), snoozing, stopping and resuming,
asking for a check-in now, and reflecting again."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.coaching.engine import ReflectionService
from bot.coaching.errors import CoachingError, InvalidInput, NotFound, StaleAction
from bot.coaching.followup.models import CheckInResponse
from bot.coaching.followup.service import FollowUpService
from bot.coaching.followup.views import CheckInOutcome, ScheduleView
from bot.coaching.models import Person
from bot.slack import flows, ids
from bot.slack import followup_ids as fids
from bot.slack.blocks import build_note
from bot.slack.blocks import followup_wording as say
from bot.slack.blocks.followup import (
    answered,
    build_ask_now_message,
    build_outcome_message,
    build_schedule_message,
    day_name,
    snoozed,
    stopped,
)
from bot.slack.blocks.followup_modals import FormErrors, build_note_modal, parse_note
from bot.slack.blocks.text import Message
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.followup.listening import (
    Body,
    PublishHome,
    ack_after,
    acked_first,
    content,
    values_of,
)
from bot.slack.followup.shown import Shown, shown
from bot.slack.payloads import (
    action_value,
    clicked_in_dm,
    clicked_ts,
    conversation_of,
    from_home,
    person_of,
)

AGAIN_SCOPES = {
    "": fids.PRIORITIES,
    "priorities": fids.PRIORITIES,
    "all": "all",
    "leadership": "leadership",
    "improvement": "improvement",
    "care": "care_delivery",
    "care_delivery": "care_delivery",
    "care_delivery_systems": "care_delivery",
}


class CheckInHandlers:
    """Each handler: read the click, one follow-up call, then redraw, post or open a modal."""

    def __init__(
        self, followup: FollowUpService, service: ReflectionService, publish_home: PublishHome
    ) -> None:
        self.followup = followup
        self.service = service
        self.publish_home = publish_home

    def subcommands(self) -> dict[str, Subcommand]:
        """`/lif-reflect checkin` and `again`."""
        return {
            "checkin": Subcommand(say.ACK_CHECK_IN, say.HELP_CHECK_IN, self.check_in_now),
            "again": Subcommand(say.ACK_AGAIN, say.HELP_AGAIN, self.reflect_again),
        }

    # -- answering ----------------------------------------------------------------------------

    @acked_first
    def handle_answer(self, conversation: Conversation, body: Body) -> None:
        """Record the answer; the check-in shows it, and the coach replies (more when stuck)."""
        period, response = fids.unpack(action_value(body))
        self._require_unanswered(conversation.person, period)
        asked = self._clicked(conversation, body, period)  # before the answer changes it
        outcome = self.followup.record_check_in(
            conversation.person, response, period_key=_period_key(period)
        )
        self._answered(conversation, asked, response, outcome, with_note=False)

    @acked_first
    def handle_note(self, conversation: Conversation, body: Body) -> None:
        """Open the form for an answer with a note, showing what was asked."""
        period = fids.period_of(action_value(body))
        self._require_unanswered(conversation.person, period)
        ts = clicked_ts(body)  # only a lookup key, and redrawn in the DM only
        asked = content(shown(self.followup, conversation.person, ts, period).blocks)
        responses = tuple(self.followup.texts.responses.items())
        modal = build_note_modal(asked, responses, fids.Origin(ts, period))
        conversation.open_modal(body["trigger_id"], modal)

    def handle_note_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Save the answer and its note, or show what is wrong under the input."""
        person, origin = person_of(context), fids.Origin.loads(view.get("private_metadata"))

        def save() -> tuple[Shown, CheckInResponse, CheckInOutcome]:
            response, note = parse_note(values_of(view))
            self._require_unanswered(person, origin.period, form=True)
            asked = shown(self.followup, person, origin.message_ts, origin.period)
            key = _period_key(origin.period)
            outcome = self.followup.record_check_in(person, response, note=note, period_key=key)
            return asked, response, outcome

        saved = ack_after(ack, fids.NOTE_INPUT[0], save)
        if saved is None:
            return
        conversation = conversation_of(context, client)
        with replying_on_failure(conversation):
            self._answered(conversation, *saved, with_note=True)

    def _answered(
        self,
        conversation: Conversation,
        asked: Shown,
        response: CheckInResponse,
        outcome: CheckInOutcome,
        *,
        with_note: bool,
    ) -> None:
        """The check-in shows the answer instead of its buttons; the coach replies."""
        if asked.redrawable:
            label = self.followup.texts.responses[response]
            blocks = answered(asked.blocks, label, with_note=with_note)
            conversation.replace(asked.ts, Message(text=asked.text or label, blocks=blocks))
        conversation.post(build_outcome_message(outcome))

    def _require_unanswered(self, person: Person, period: str, *, form: bool = False) -> None:
        """A check-in the bot sent this person, not answered yet (one asked for can be answered
        again). A period that is none of the person's check-ins is refused: nothing is kept."""
        key = _period_key(period)
        if key is None:
            return
        if not any(n.period_key == key for n in self.followup.nudges.nudges_for(person)):
            problem: CoachingError = StaleAction(fids.NOT_OURS)
        elif any(c.period_key == key for c in self.followup.nudges.check_ins_for(person)):
            problem = InvalidInput(say.ALREADY_ANSWERED)
        else:
            return
        if form:
            raise FormErrors({fids.RESPONSE_INPUT[0]: problem.message})
        raise problem

    def _clicked(self, conversation: Conversation, body: Body, period: str | None = None) -> Shown:
        """The clicked follow-up message, rebuilt, when the click was on one in the DM."""
        ts = clicked_in_dm(body, conversation)
        return shown(self.followup, conversation.person, ts, period)

    # -- snooze, stop, resume -----------------------------------------------------------------

    @acked_first
    def handle_snooze(self, conversation: Conversation, body: Body) -> None:
        """Ask again in a day or a week; the check-in loses its snooze buttons and says when."""
        text = self.followup.snooze(conversation.person, ids.number_of(action_value(body)))
        check_in = self._clicked(conversation, body)
        if check_in.redrawable:
            blocks = snoozed(check_in.blocks, text)
            conversation.replace(check_in.ts, Message(text=check_in.text or text, blocks=blocks))
        else:
            conversation.post(build_note(say.SNOOZED.format(text=text)))

    @acked_first
    def handle_stop(self, conversation: Conversation, body: Body) -> None:
        """Stop every check-in; the message (or Home) says so and offers to start again."""
        view = self.followup.stop(conversation.person, "asked")
        was = self._clicked(conversation, body)
        if was.redrawable:
            blocks = stopped(was.blocks, view)
            conversation.replace(was.ts, Message(text=was.text or view.message, blocks=blocks))
        self._after_change(conversation, body, view, post=not was.redrawable)

    @acked_first
    def handle_resume(self, conversation: Conversation, body: Body) -> None:
        """Start check-ins again from the next slot; the stopped message loses its button."""
        view = self.followup.resume(conversation.person)
        was = self._clicked(conversation, body)
        if was.redrawable:
            kept = Message(text=was.text or view.message, blocks=content(was.blocks))
            conversation.replace(was.ts, kept)
        self._after_change(conversation, body, view, post=True)

    def _after_change(
        self, conversation: Conversation, body: Body, view: ScheduleView, *, post: bool
    ) -> None:
        if post:
            conversation.post(build_schedule_message(view))
        if from_home(body):  # clicked on Home: show the change there
            self.publish_home(conversation.client, conversation.person)

    # -- asking now, and reflecting again -----------------------------------------------------

    @acked_first
    def handle_check_in_now(self, conversation: Conversation, body: Body) -> None:
        """Post a check-in on the priority areas now (from Home)."""
        self.check_in_now(conversation, "")

    def check_in_now(self, conversation: Conversation, _: str) -> None:
        """A check-in the person asked for, on all their priority areas and goals."""
        progress = self.followup.progress(conversation.person)
        if not progress.priorities:
            raise NotFound(say.NO_CHECK_INS)
        responses = tuple(self.followup.texts.responses.items())
        conversation.post(build_ask_now_message(progress, responses))

    @acked_first
    def handle_again(self, conversation: Conversation, body: Body) -> None:
        """Reflect again (from the invitation or Home)."""
        self.reflect_again(conversation, action_value(body) or "")

    def reflect_again(self, conversation: Conversation, text: str) -> None:
        """A fresh reflection on the priority areas (or a scope named), to compare."""
        last = self.service.last_summary(conversation.person)
        if last is None or last.summary.confirmed_at is None:
            raise NotFound(say.NO_CHECK_INS)
        scope = AGAIN_SCOPES.get("_".join(text.lower().replace("-", " ").split()))
        if scope is None:
            raise InvalidInput(say.HELP_AGAIN)
        since = day_name(last.summary.confirmed_at.date())
        note = say.REFLECTING_AGAIN.format(scope=self.service.scope_name(scope), since=since)
        conversation.post(build_note(note))
        flows.start(self.service, conversation, scope)


def _period_key(period: str) -> str | None:
    return None if period == fids.NOW else period
