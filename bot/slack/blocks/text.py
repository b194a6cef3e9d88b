"""Safe text for Slack: escaping echoed words and cutting to Block Kit's limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CUT_MARKER = "… (cut)"

# Block Kit limits (https://docs.slack.dev/reference/block-kit); Slack counts UTF-16 units, so
# text is measured that way here, which is never less than Python's count of characters.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 3_000  # Slack allows 40,000, but truncates what it shows after 4,000
SECTION_TEXT = 3_000
CONTEXT_TEXT = 2_000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2_000
ACCESSIBILITY_LABEL = 75
OPTION_TEXT = 75
OPTION_VALUE = 150
MODAL_TITLE = 24
PRIVATE_METADATA = 3_000
TEXT_INPUT = 3_000
ERROR_TEXT = 300
# Slack refuses messages whose blocks hold much more than ~13,000 characters in all.
BLOCKS_BUDGET = 11_000

_ENTITY_TAIL = re.compile(r"&(?:a(?:mp?)?|l(?:t)?|g(?:t)?)?$")


def escape(text: str) -> str:
    """Slack's control characters as entities, so echoed text can't mention anyone or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """What the person typed, from the text of a Slack message event."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """The text, or as much as fits with a visible marker; never splits an entity or emoji."""
    if slack_length(text) <= limit:
        return text
    budget = limit - slack_length(CUT_MARKER)
    head = text.encode("utf-16-le")[: budget * 2].decode("utf-16-le", errors="ignore")
    return _ENTITY_TAIL.sub("", head).rstrip() + CUT_MARKER


def mrkdwn(text: str, limit: int) -> str:
    """The person's (or the framework's) words, escaped and cut to fit a mrkdwn field."""
    return cut(escape(text), limit)


@dataclass(frozen=True)
class Message:
    """A Slack message: the top-level text screen readers and notifications use, and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Arguments for chat.postMessage / chat.update."""
        return {"text": self.text, "blocks": self.blocks}


def share(budget: int, parts: int, *, floor: int, ceiling: int) -> int:
    """An even share of a character budget, kept between a floor and a ceiling."""
    return max(floor, min(ceiling, budget // max(parts, 1)))
