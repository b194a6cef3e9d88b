"""The check-in settings: `/lif-reflect settings`, the modal, and applying what was chosen."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.coaching.errors import InvalidInput, NotFound
from bot.coaching.followup.service import FollowUpService
from bot.coaching.followup.views import ScheduleView
from bot.coaching.models import Person
from bot.slack import followup_ids as fids
from bot.slack.blocks import followup_wording as say
from bot.slack.blocks.followup import build_schedule_message
from bot.slack.blocks.followup_modals import (
    FormErrors,
    SettingsForm,
    build_settings_modal,
    error_block,
    parse_settings,
)
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.followup.listening import Body, PublishHome, ack_after, acked_first, values_of
from bot.slack.payloads import clicked_ts, conversation_of, from_home, person_of


class SettingsHandlers:
    """Open the settings modal, apply its submission, and say when the next check-in is."""

    def __init__(self, followup: FollowUpService, publish_home: PublishHome) -> None:
        self.followup = followup
        self.publish_home = publish_home

    def subcommands(self) -> dict[str, Subcommand]:
        """`/lif-reflect settings`."""
        return {"settings": Subcommand(say.ACK_SETTINGS, say.HELP_SETTINGS, self.show_settings)}

    def show_settings(self, conversation: Conversation, _: str) -> None:
        """When the check-ins are, with the button that opens the settings (a sub-command has
        no trigger_id to open a modal with)."""
        conversation.post(build_schedule_message(self._status(conversation.person)))

    @acked_first
    def handle_settings(self, conversation: Conversation, body: Body) -> None:
        """Open the settings modal, filled in with the current settings."""
        status = self._status(conversation.person)
        origin = fids.Origin(clicked_ts(body), home=from_home(body))
        cadences = self.followup.texts.cadence_phrases
        modal = build_settings_modal(status.preferences, cadences, origin)
        conversation.open_modal(body["trigger_id"], modal)

    def handle_settings_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Apply the settings, or show what is wrong under the input it concerns."""
        person, origin = person_of(context), fids.Origin.loads(view.get("private_metadata"))
        saved = ack_after(
            ack, fids.CADENCE_INPUT[0], lambda: self.apply(person, parse_settings(values_of(view)))
        )
        if saved is None:
            return
        conversation = conversation_of(context, client)
        with replying_on_failure(conversation):
            conversation.post(build_schedule_message(saved))
            if origin.home:
                self.publish_home(client, person)

    def apply(self, person: Person, form: SettingsForm) -> ScheduleView:
        """Change what differs; then pause, resume or stop. A refusal names its input."""
        status = self._status(person)
        prefs = status.preferences
        try:
            changes = changed_settings(status, form)
            if changes:
                self.followup.change(person, **changes)
            if form.stopped:
                return self.followup.stop(person, "asked") if not prefs.stopped else status
            if prefs.stopped or (prefs.paused_until and form.paused_until is None):
                self.followup.resume(person)
            if form.paused_until and form.paused_until != prefs.paused_until:
                return self.followup.pause_until(person, form.paused_until)
        except InvalidInput as error:
            raise FormErrors({error_block(error.message): error.message}) from error
        return self._status(person)

    def _status(self, person: Person) -> ScheduleView:
        status = self.followup.status(person)
        if status is None:
            raise NotFound(say.NO_CHECK_INS)
        return status


def changed_settings(status: ScheduleView, form: SettingsForm) -> dict[str, Any]:
    """Only what the form changes: an unchanged cadence or day must not restart the periods."""
    prefs = status.preferences
    current = {
        "cadence": prefs.cadence,
        "weekday": prefs.weekday,
        "preferred_time": prefs.preferred_time,
        "window": (prefs.window_start, prefs.window_end),
        "working_days": prefs.working_days,
    }
    wanted = {
        "cadence": form.cadence,
        "weekday": form.weekday,
        "preferred_time": form.preferred_time,
        "window": form.window,
        "working_days": form.working_days,
    }
    return {name: value for name, value in wanted.items() if value != current[name]}
