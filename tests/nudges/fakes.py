"""A recording NudgeSender whose answers a test can script."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.coaching.followup.ports import Delivered, SendResult
from bot.coaching.followup.views import NudgeMessage


class FakeNudgeSender:
    """Keeps every message it accepted; answers the next calls from `script` when set."""

    def __init__(self) -> None:
        self.delivered: list[NudgeMessage] = []
        self.script: list[SendResult] = []  # answers for the next send() calls, in order
        self.calls = 0
        self.lookups = 0

    def send(self, message: NudgeMessage) -> SendResult:
        self.calls += 1
        if self.script:
            result = self.script.pop(0)
            if not isinstance(result, Delivered):
                return result
        self.delivered.append(message)
        return Delivered(ref=f"{len(self.delivered)}.0001")

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        self.lookups += 1
        found = [m for m in self.delivered if m.dedupe_key == message.dedupe_key]
        return Delivered(ref="found") if found else None

    def per_person(self) -> Counter[str]:
        return Counter(m.person.user_id for m in self.delivered)

    def texts(self) -> list[str]:
        return [m.text for m in self.delivered]
