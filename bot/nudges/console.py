"""ConsoleNudgeSender: prints follow-up messages instead of sending them (trying it out, tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.coaching.followup.ports import Delivered, SendResult
from bot.coaching.followup.views import NudgeMessage


class ConsoleNudgeSender:
    """Writes each message as a short block of text; remembers what it wrote this run."""

    def __init__(self, write: Callable[[str], object] = print) -> None:
        self.write = write
        self.sent: list[NudgeMessage] = []

    def send(self, message: NudgeMessage) -> SendResult:
        """Write the message; always delivered."""
        person = message.person
        self.write(f"-- to {person.user_id} ({person.workspace_id}), {message.kind.value}:")
        self.write(message.text)
        if message.responses:
            self.write("   " + " | ".join(label for _, label in message.responses))
        self.sent.append(message)
        return Delivered(ref=str(len(self.sent)))

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        """Delivered if this sender already wrote a message with the same dedupe key."""
        keys = [m.dedupe_key for m in self.sent]
        if message.dedupe_key in keys:
            return Delivered(ref=str(keys.index(message.dedupe_key) + 1))
        return None
