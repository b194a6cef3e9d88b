"""Small constructors over slack_sdk's block classes that always stay within the limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.slack.blocks.text import (
    ACCESSIBILITY_LABEL,
    BUTTON_TEXT,
    BUTTON_VALUE,
    CONTEXT_TEXT,
    HEADER_TEXT,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    cut,
)


def header(text: str, *, block_id: str | None = None) -> HeaderBlock:
    """A header (plain text: Slack shows it as it is, so nothing needs escaping)."""
    return HeaderBlock(text=PlainTextObject(text=cut(text, HEADER_TEXT)), block_id=block_id)


def section(text: str, *, block_id: str | None = None, limit: int = SECTION_TEXT) -> SectionBlock:
    """A mrkdwn section; `text` must already be escaped where it echoes anyone's words."""
    return SectionBlock(
        text=MarkdownTextObject(text=cut(text, min(limit, SECTION_TEXT))), block_id=block_id
    )


def context(text: str, *, block_id: str | None = None) -> ContextBlock:
    """A line of small print; `text` must already be escaped."""
    return ContextBlock(
        elements=[MarkdownTextObject(text=cut(text, CONTEXT_TEXT))], block_id=block_id
    )


def divider() -> DividerBlock:
    """A horizontal rule."""
    return DividerBlock()


def button(
    text: str, action_id: str, value: str, label: str, *, style: str | None = None
) -> ButtonElement:
    """A button with an accessibility label a screen reader reads instead of its text."""
    if len(value) > BUTTON_VALUE:
        raise ValueError("a button value is an id, never free text")
    return ButtonElement(
        text=PlainTextObject(text=cut(text, BUTTON_TEXT), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
        accessibility_label=cut(label, ACCESSIBILITY_LABEL),
    )


def select(placeholder: str, action_id: str, options: list[tuple[str, str]]) -> StaticSelectElement:
    """A menu of (label, value) options; Slack allows 100."""
    return StaticSelectElement(
        placeholder=PlainTextObject(text=cut(placeholder, OPTION_TEXT)),
        action_id=action_id,
        options=[
            Option(text=PlainTextObject(text=cut(label, OPTION_TEXT)), value=value)
            for label, value in options[:100]
            if len(value) <= OPTION_VALUE
        ],
    )


def actions(elements: list[Any], *, block_id: str | None = None) -> ActionsBlock:
    """A row of buttons and menus."""
    return ActionsBlock(elements=elements[:25], block_id=block_id)


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """Block dicts for the Web API; slack_sdk validates each block's limits here."""
    return [block.to_dict() for block in blocks]
