"""Data rights in Slack: `/lif-reflect export`, `delete` and `team`.

Export uploads two files to the person's DM (files_upload_v2). Delete posts what is stored with
a button; the button opens a confirmation modal (a slash command's sub-command gets no
trigger_id to open one directly); submitting it erases everything, closing it changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coaching.errors import InvalidInput
from bot.container import Coach
from bot.privacy import wording
from bot.privacy.service import DEFAULT_TEAM_DAYS, PrivacyService
from bot.slack.blocks.privacy import (
    DELETE_ACTION,
    DELETE_MODAL,
    build_delete_done_message,
    build_delete_modal,
    build_delete_offer_message,
    build_team_insights_message,
)
from bot.slack.commands import Subcommand
from bot.slack.conversation import Conversation, replying_on_failure
from bot.slack.payloads import clicked_ts, conversation_for_action, conversation_of

logger = logging.getLogger(__name__)

NOTHING_TO_DELETE = "LIF Coach stores nothing about you, so there is nothing to delete."
JOIN_WORDS = {"join", "optin", "opt in", "count me", "in"}
LEAVE_WORDS = {"leave", "optout", "opt out", "out"}


class PrivacyHandlers:
    """The sub-commands, the delete button and the confirmation modal."""

    def __init__(self, privacy: PrivacyService) -> None:
        self.privacy = privacy

    # -- sub-commands ----------------------------------------------------------------------

    def export(self, conversation: Conversation, _: str) -> None:
        """Upload the person's CPD record and JSON to their DM."""
        files = self.privacy.export(conversation.person)
        if files is None:
            conversation.explain(wording.NOTHING_STORED)
            return
        conversation.client.files_upload_v2(
            channel=conversation.channel,
            initial_comment=wording.EXPORT_SENT,
            file_uploads=[
                _upload(files.markdown_name, files.markdown, "Your CPD record (markdown)"),
                _upload(files.json_name, files.json_text, "Your data (JSON)"),
            ],
        )

    def offer_delete(self, conversation: Conversation, _: str) -> None:
        """Say what is stored, with the button that opens the confirmation."""
        record = self.privacy.record(conversation.person)
        if record.is_empty:
            conversation.explain(NOTHING_TO_DELETE)
            return
        conversation.post(build_delete_offer_message(record))

    def team(self, conversation: Conversation, text: str) -> None:
        """Join or leave the count; a programme lead sees the insights."""
        person, choice = conversation.person, " ".join(text.strip(" -").lower().split())
        if choice in JOIN_WORDS | LEAVE_WORDS:
            self.privacy.set_counted(person, choice in JOIN_WORDS)
            joined = choice in JOIN_WORDS
            conversation.explain(wording.COUNTED if joined else wording.NOT_COUNTED)
            return
        insights = self.privacy.team_insights_for(person, _days(choice))
        text = wording.describe_insights(insights, self.privacy.framework)
        conversation.post(build_team_insights_message(text))

    # -- the delete button and modal --------------------------------------------------------

    def handle_delete_button(
        self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Open the confirmation modal, remembering the offer message to update."""
        ack()
        conversation = conversation_for_action(body, client, context)
        with replying_on_failure(conversation):
            record = self.privacy.record(conversation.person)
            metadata = clicked_ts(body) or ""  # the offer's ts, updated in the DM only
            conversation.open_modal(body["trigger_id"], build_delete_modal(record, metadata))

    def handle_delete_submission(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Erase everything, then say so where the offer was."""
        ack()
        conversation, offer_ts = _from_modal(view, client, context)
        with replying_on_failure(conversation):
            report = self.privacy.erase(conversation.person, actor="self")
            outcome = wording.describe_erasure(report)
            if not conversation.replace(offer_ts, build_delete_done_message(outcome)):
                conversation.explain(outcome)  # no offer in the DM to say it on

    def handle_delete_closed(
        self, ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """The person kept their data: nothing changes, and they are told so."""
        ack()
        conversation, _ = _from_modal(view, client, context)
        with replying_on_failure(conversation):
            conversation.explain(wording.DELETE_CANCELLED)


def _upload(filename: str, content: str, title: str) -> dict[str, Any]:
    return {"filename": filename, "content": content.encode("utf-8"), "title": title}


def _days(choice: str) -> int:
    if not choice:
        return DEFAULT_TEAM_DAYS
    if not (choice.isascii() and choice.isdigit() and len(choice) <= 5):
        raise InvalidInput(
            "Try `/lif-reflect team` (the last 90 days), `/lif-reflect team 30` for another "
            "period, or `/lif-reflect team join` / `team leave` to be counted or not."
        )
    return int(choice)


def _from_modal(
    view: dict[str, Any], client: WebClient, context: BoltContext
) -> tuple[Conversation, str | None]:
    ts = (view.get("private_metadata") or "").rpartition("|")[2]  # (once "channel|ts")
    return conversation_of(context, client), ts or None


def register(app: App, coach: Coach) -> dict[str, Subcommand]:
    """The privacy listeners, and the `export`, `delete` and `team` sub-commands."""
    assert coach.privacy is not None, "build_coach makes the privacy service"
    handlers = PrivacyHandlers(coach.privacy)
    app.action(DELETE_ACTION)(handlers.handle_delete_button)
    app.view_submission(DELETE_MODAL)(handlers.handle_delete_submission)
    app.view_closed(DELETE_MODAL)(handlers.handle_delete_closed)
    return {
        "export": Subcommand(
            acknowledgement="Gathering everything I store about you: the files will arrive in "
            "our DM.",
            help="`/lif-reflect export`: everything I store about you, as files in our DM "
            "(a CPD record in the NMC reflective account layout, and JSON)",
            run=handlers.export,
        ),
        "delete": Subcommand(
            acknowledgement="I'll show you what I store in our DM, and ask you to confirm.",
            help="`/lif-reflect delete`: delete everything I store about you (you confirm first)",
            run=handlers.offer_delete,
        ),
        "team": Subcommand(
            acknowledgement="One moment: I'll answer in our DM.",
            help="`/lif-reflect team join` or `team leave`: be counted, anonymously, in team "
            "insights (or not); programme leads: `/lif-reflect team [days]` shows them",
            run=handlers.team,
        ),
    }
