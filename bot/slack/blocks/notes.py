"""Short messages: a reflection saved (with related attributes), and plain notes."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.coaching.framework import Attribute
from bot.coaching.views import RelatedLink
from bot.slack.blocks import wording
from bot.slack.blocks.kit import context, section, to_dicts
from bot.slack.blocks.text import MESSAGE_TEXT, Message, escape, mrkdwn


def build_saved_note(attribute: Attribute, links: list[RelatedLink], *, added: bool) -> Message:
    """A brief acknowledgement of a written reflection, with any 'this also sounds like' links."""
    template = wording.SAVED_MORE if added else wording.SAVED
    said = template.format(attribute_id=attribute.id, short_name=escape(attribute.short_name))
    blocks: list[Block] = [section(said)]
    blocks.extend(context(escape(link.message)) for link in links[:5])
    text = wording.SAVED_TEXT.format(attribute_id=attribute.id)
    if links:
        text += " " + " ".join(link.message for link in links[:5])
    return Message(text=mrkdwn(text, MESSAGE_TEXT), blocks=to_dicts(blocks))


def build_note(text: str) -> Message:
    """A plain note; `text` is mrkdwn of our own, so only its control characters are escaped."""
    safe = mrkdwn(text, MESSAGE_TEXT)
    return Message(text=safe, blocks=to_dicts([section(safe)]))
