"""Follow-up check-ins in Slack: answering, a note, snooze, stop, the settings modal, Home, and
`/lif-reflect checkin`, `settings` and `again`.

One SlackFollowUp per app, built in bot/slack/app.py: the confirm button (actions.py) and the
Home tab (events.py) call into it, so they share its caches (time zones, uploaded charts).
Check-ins are sent by bot/slack/nudge_sender.py, from the dispatcher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.coaching.errors import CoachingError
from bot.coaching.models import Person
from bot.container import Coach
from bot.slack import followup_ids as fids
from bot.slack.blocks.followup import build_schedule_message
from bot.slack.chart_uploads import ChartUploads
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation
from bot.slack.directory import SlackDirectory
from bot.slack.followup.check_ins import CheckInHandlers
from bot.slack.followup.settings import SettingsHandlers
from bot.slack.progress import ProgressPublisher

logger = logging.getLogger(__name__)


class SlackFollowUp:
    """The follow-up check-ins' Slack side; shared by its listeners, Home and the confirm hook."""

    def __init__(self, coach: Coach, client: WebClient) -> None:
        assert coach.followup is not None, "build_coach wires the follow-ups"
        self.coach = coach
        self.followup = coach.followup
        self.directory = SlackDirectory(client)
        labels = {level.value: level.label for level in coach.service.questions.rating_scale}
        self.charts = ChartUploads(coach.service.framework, labels)
        self.progress = ProgressPublisher(coach.service, self.followup, self.charts)

    def after_confirm(self, conversation: Conversation) -> None:
        """Plan check-ins in the person's Slack time zone, say when, and show their ratings."""
        person = conversation.person
        zone = self.directory.timezone(
            person.user_id, self.coach.settings.default_timezone, conversation.client
        )
        view = self.followup.start_after_confirm(person, timezone=zone)
        conversation.post(build_schedule_message(view))
        self.progress.post_ratings(conversation)

    def publish_home(self, client: WebClient, person: Person) -> None:
        """Home with priorities, goals, check-ins and the chart; refreshes the time zone."""
        self.refresh_timezone(client, person)
        self.progress.publish_home(client, person)

    def refresh_timezone(self, client: WebClient, person: Person) -> None:
        """Follow the person's Slack time zone when it changed (users.info, cached for hours)."""
        try:
            status = self.followup.status(person)
            if status is None:
                return
            current = status.preferences.timezone
            zone = self.directory.timezone(person.user_id, current, client)
            if zone != current:
                self.followup.change(person, timezone=zone)
        except CoachingError:
            logger.exception("could not update a person's time zone")

    def register(self, app: App, coach: Coach) -> dict[str, Subcommand]:
        """Listen for the check-in buttons and modals; return the /lif-reflect sub-commands."""
        check_ins = CheckInHandlers(self.followup, coach.service, self.publish_home)
        settings = SettingsHandlers(self.followup, self.publish_home)
        listeners: dict[Any, Callable[..., None]] = {
            fids.ANSWER: check_ins.handle_answer,
            fids.NOTE: check_ins.handle_note,
            fids.SNOOZE: check_ins.handle_snooze,
            fids.STOP: check_ins.handle_stop,
            fids.RESUME: check_ins.handle_resume,
            fids.CHECK_IN_NOW: check_ins.handle_check_in_now,
            fids.AGAIN: check_ins.handle_again,
            fids.SETTINGS: settings.handle_settings,
        }
        for action_id, listener in listeners.items():
            app.action(action_id)(listener)
        app.view(fids.NOTE_MODAL)(check_ins.handle_note_submission)
        app.view(fids.SETTINGS_MODAL)(settings.handle_settings_submission)
        return check_ins.subcommands() | settings.subcommands()


__all__ = ["SlackFollowUp"]
