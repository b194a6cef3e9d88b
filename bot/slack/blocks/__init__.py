"""Block Kit, built by small pure functions from the coaching views."""

from bot.slack.blocks.home import build_home_unavailable_view, build_home_view
from bot.slack.blocks.intro import build_help_text, build_intro_message
from bot.slack.blocks.modals import build_goal_modal, build_write_modal
from bot.slack.blocks.notes import build_note, build_saved_note
from bot.slack.blocks.step import (
    build_paused_message,
    build_step_message,
    build_step_outcome_message,
)
from bot.slack.blocks.summary import build_summary_message
from bot.slack.blocks.text import Message

__all__ = [
    "Message",
    "build_goal_modal",
    "build_help_text",
    "build_home_unavailable_view",
    "build_home_view",
    "build_intro_message",
    "build_note",
    "build_paused_message",
    "build_saved_note",
    "build_step_message",
    "build_step_outcome_message",
    "build_summary_message",
    "build_write_modal",
]
