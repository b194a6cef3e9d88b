"""Each Slack delivery handled once: retries and repeated payloads are acknowledged and skipped.

The check writes to the database, so it is kept off the acknowledgement where it can be: for
commands, clicks and events, whose listeners ack before doing anything, it runs on the
listener's thread right after the ack (bot/slack/acking.py's AFTER_ACK). Form submissions are
acked only after they are saved, so for them it runs first, before the listener.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.slack.acking import AFTER_ACK

logger = logging.getLogger(__name__)

CHECKED_AFTER_ACK = (
    "command:",
    "block_actions:",
    "event:",
)  # delivery keys whose listeners ack first


class DeliveryLog(Protocol):
    """A durable record of the deliveries already handled."""

    def first_time(self, key: str) -> bool:
        """Record the key; True if it is new, False if it was recorded before."""
        ...


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery: the event id, or the trigger of a command or click."""
    if body.get("type") == "event_callback":
        return f"event:{body['event_id']}" if body.get("event_id") else None
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    if body.get("command"):
        return f"command:{trigger}"
    kind = body.get("type")
    if kind in ("block_actions", "view_submission"):
        action_ts = (body.get("actions") or [{}])[0].get("action_ts", "")
        return f"{kind}:{trigger}:{action_ts}"[:255]
    return None


class SkipRepeatedDeliveries(Middleware):
    """Acknowledges a delivery seen before without running any listener for it again."""

    def __init__(self, log: DeliveryLog) -> None:
        self.log = log

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Continue the first time a key is seen; answer 200 with nothing done afterwards."""
        key = delivery_key(req.body)
        if key is None:
            return next()
        retry = (req.headers.get("x-slack-retry-num") or ["-"])[0]
        if key.startswith(CHECKED_AFTER_ACK):
            # Bolt runs the listener after the middleware returns; the variable lives as long
            # as this request's dispatch (AckFirstApp.dispatch runs it in a context of its own).
            AFTER_ACK.set(lambda: self.first_time(key, retry))
            return next()
        if self.first_time(key, retry):
            return next()
        return BoltResponse(status=200, body="")

    def first_time(self, key: str, retry: str) -> bool:
        """Whether to handle the delivery: yes the first time, and if the log cannot say."""
        try:
            first = self.log.first_time(key)
        except Exception:  # better to risk a repeat than to drop a person's answer
            logger.warning("delivery log unavailable; handling %s without the check", key)
            return True
        if not first:
            logger.info("Skipped a repeated Slack delivery %s (retry %s)", key, retry)
        return first
