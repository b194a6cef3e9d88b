"""A follow-up message as the person was shown it, rebuilt from stored state to redraw it after a
click or a form.

Never from the request: a click's `message.blocks` and a form's `blocks` are whatever the
request says, and posting them back would let a request write any words into the bot's message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.coaching.followup.sent import sent_message
from bot.coaching.followup.service import FollowUpService
from bot.coaching.models import Person
from bot.slack import followup_ids as fids
from bot.slack.blocks.followup import build_ask_now_message, build_check_in_message
from bot.slack.blocks.text import Message


@dataclass(frozen=True)
class Shown:
    """A follow-up message: its ts in the person's DM (None when there is none to redraw), and
    the message as it was sent, rebuilt (no blocks when it is not one the bot can rebuild)."""

    ts: str | None = None
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def redrawable(self) -> bool:
        """Whether there is a message to update in place."""
        return self.ts is not None and bool(self.blocks)


def shown(
    followup: FollowUpService, person: Person, ts: str | None, period: str | None = None
) -> Shown:
    """The check-in, reminder or invitation sent as `ts` (or the check-in of `period`), or the
    check-in the person asked for (period NOW), as it was sent to this person."""
    message = _rebuilt(followup, person, ts, period)
    if message is None:
        return Shown(ts)
    return Shown(ts, message.text, message.blocks)


def _rebuilt(
    followup: FollowUpService, person: Person, ts: str | None, period: str | None
) -> Message | None:
    if period == fids.NOW:  # asked for, not sent by the bot: it shows the priorities as now
        responses = tuple(followup.texts.responses.items())
        return build_ask_now_message(followup.progress(person), responses)
    sent = sent_message(followup, person, ref=ts, period=period)
    return build_check_in_message(sent) if sent is not None else None
