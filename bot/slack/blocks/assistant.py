"""The answer to a question about the framework, citing the attributes it draws on."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.coaching.views import AskView
from bot.slack.blocks import wording
from bot.slack.blocks.kit import context, header, section, to_dicts
from bot.slack.blocks.step import notice_blocks
from bot.slack.blocks.text import MESSAGE_TEXT, Message, escape, mrkdwn

MAX_CITED = 5


def build_answer_message(view: AskView, *, how_to_start: bool = False) -> Message:
    """The answer (or the polite refusal), the cited attribute ids, and any fallback notice."""
    blocks: list[Block] = [header(wording.ASK_TITLE), section(mrkdwn(view.answer, 2_800))]
    cited = citations_text(view)
    if cited:
        blocks.append(context(escape(cited)))
    blocks.extend(notice_blocks(view))
    if how_to_start:
        blocks.append(context(wording.ASK_HOW_TO_START))
    text = f"{view.answer} {cited}".strip()
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def citations_text(view: AskView) -> str:
    """'From the framework: I5 Measuring for improvement; L1 ...', or '' with none."""
    if view.declined or not view.citations:
        return ""
    named = [f"{c.attribute.id} {c.attribute.short_name}" for c in view.citations[:MAX_CITED]]
    return wording.ASK_CITED.format(citations="; ".join(named))
