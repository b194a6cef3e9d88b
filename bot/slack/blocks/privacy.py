"""Block Kit for data rights: the offer to delete, its confirmation modal, and the outcome."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import PlainTextObject
from slack_sdk.models.views import View

from bot.privacy.models import PersonalRecord
from bot.slack.blocks.kit import actions, button, context, header, section, to_dicts
from bot.slack.blocks.text import PRIVATE_METADATA, Message, cut

DELETE_ACTION = "lif.privacy.delete"
DELETE_MODAL = "lif.privacy.delete_modal"
INSIGHTS_NOTE = (
    "Only people who chose to be counted are included, and any figure drawn from too few "
    "people to stay anonymous is left out."
)


def describe_record(record: PersonalRecord) -> str:
    """'2 reflections, 3 check-ins, your follow-up settings' for what is stored."""
    parts = [
        _count(len(record.reflections), "reflection"),
        _count(len(record.check_ins), "check-in"),
        _count(len(record.nudges), "follow-up message"),
        "your follow-up settings" if record.preferences else "",
        "your role, as told to the AI coach" if record.role is not None else "",
        _count(len(record.coach_turns), "AI coach question"),
        "your AI coach usage counts" if record.llm_usage else "",
        "your team insights opt-in" if record.team_opted_in_at else "",
    ]
    return ", ".join(part for part in parts if part)


def _count(number: int, noun: str) -> str:
    return "" if number == 0 else f"{number} {noun}{'' if number == 1 else 's'}"


def build_delete_offer_message(record: PersonalRecord) -> Message:
    """What is stored, and a button that opens the confirmation."""
    stored = describe_record(record)
    text = (
        f"LIF Coach stores: {stored}. Deleting removes all of it for good; a record that you "
        "asked, with counts and no content, is kept."
    )
    blocks = [
        header("Delete everything LIF Coach stores about you"),
        section(text),
        context("Want a copy first? `/lif-reflect export` sends it to you here."),
        actions(
            [
                button(
                    "Review and delete…",
                    DELETE_ACTION,
                    "delete",
                    "Review what will be deleted, then confirm",
                    style="danger",
                )
            ]
        ),
    ]
    return Message(text=text, blocks=to_dicts(blocks))


def build_delete_done_message(outcome: str) -> Message:
    """The offer, replaced once the person has decided (no button left to press)."""
    return Message(text=outcome, blocks=to_dicts([section(outcome)]))


def build_team_insights_message(text: str) -> Message:
    """Anonymous team figures (they name framework areas, never people or their words)."""
    blocks = [header("Team insights"), section(text), context(INSIGHTS_NOTE)]
    return Message(text=text, blocks=to_dicts(blocks))


def build_delete_modal(record: PersonalRecord, metadata: str) -> dict[str, Any]:
    """The confirmation: what goes, that it cannot be undone, Delete or Keep."""
    blocks = [
        section(f"*This deletes, for good:* {describe_record(record) or 'nothing is stored'}."),
        section(
            "Your reflections, ratings, words, goals and check-ins cannot be brought back "
            "afterwards. Follow-up messages stop."
        ),
        context("Press *Keep my data* to change nothing."),
    ]
    return View(
        type="modal",
        callback_id=DELETE_MODAL,
        title=PlainTextObject(text="Delete your data"),
        submit=PlainTextObject(text="Delete everything"),
        close=PlainTextObject(text="Keep my data"),
        notify_on_close=True,
        private_metadata=cut(metadata, PRIVATE_METADATA),
        blocks=blocks,
    ).to_dict()
