"""Messages of the reflective cycle: asking before starting anew, and the reflections to reopen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import Block

from bot.coaching.views import ResumeInfo
from bot.slack import ids
from bot.slack.blocks.kit import actions, button, section, to_dicts
from bot.slack.blocks.text import MESSAGE_TEXT, Message, escape, mrkdwn

MAX_LISTED = 10  # reflections listed to reopen; each takes two blocks of Slack's 50


def build_unfinished_message(
    question: str, *, reflection_id: str, scope: str, scope_name: str, texts: Mapping[str, str]
) -> Message:
    """'You have an unfinished reflection on X (n of m). Resume it, or start a new one?'"""
    choices = [
        button(
            texts["slack_resume_it"],
            ids.RESUME,
            reflection_id,
            texts["slack_resume_label"],
            style="primary",
        ),
        button(
            texts["slack_start_new"],
            ids.START_NEW,
            scope,
            texts["slack_start_new_label"].format(scope=scope_name),
        ),
    ]
    blocks = [section(escape(question)), actions(choices, block_id="unfinished.choices")]
    return Message(text=mrkdwn(question, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_reflections_message(
    active: ResumeInfo | None,
    set_aside: Sequence[ResumeInfo],
    *,
    names: Mapping[str, str],
    texts: Mapping[str, str],
) -> Message:
    """The reflection in progress and those set aside, newest first, each with its button.

    `names` maps each scope to its person-facing name, for the buttons' labels.
    """
    blocks: list[Block] = [section(texts["slack_set_aside_title"])]
    listed = ([active] if active else []) + list(set_aside)
    for info in listed[:MAX_LISTED]:
        if info.set_aside:
            control = button(
                texts["slack_reopen"],
                ids.REOPEN,
                info.reflection_id,
                texts["slack_reopen_label"].format(scope=names[info.scope]),
            )
        else:
            control = button(
                texts["slack_resume_it"],
                ids.RESUME,
                info.reflection_id,
                texts["slack_resume_label"],
                style="primary",
            )
        blocks.append(section(escape(info.line)))
        blocks.append(actions([control]))
    return Message(text=texts["slack_set_aside_text"], blocks=to_dicts(blocks))
