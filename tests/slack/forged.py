"""Payloads that name another person's channel, message, blocks or modal metadata, and what the
bot then wrote to Slack (every call that posts, updates or shows something)."""

from __future__ import annotations

import json
from typing import Any

from tests.slack.driver import SlackUser
from tests.slack.fake_slack import Call, FakeSlack

# Web API methods that put something in front of someone, and the parameter naming where.
WRITES = {
    "chat.postMessage": "channel",
    "chat.update": "channel",
    "chat.postEphemeral": "channel",
    "chat.delete": "channel",
    "files.completeUploadExternal": "channel_id",
}
INJECTED = "INJECTED by the payload: click here"
INJECTED_BLOCK = {"type": "section", "text": {"type": "mrkdwn", "text": INJECTED}}


def naming(payload: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """A click's payload, changed to say that the clicked message is `message` (someone else's,
    in their DM): its channel and ts, and its blocks."""
    payload["container"] |= {"channel_id": message["channel"], "message_ts": message["ts"]}
    payload["channel"] = {"id": message["channel"], "name": "directmessage"}
    payload["message"] |= {"ts": message["ts"], "blocks": message["blocks"]}
    return payload


def with_injected_blocks(payload: dict[str, Any]) -> dict[str, Any]:
    """A click's payload whose message blocks and text carry words the bot never wrote."""
    message = payload["message"]
    message["blocks"] = [INJECTED_BLOCK, *message["blocks"], INJECTED_BLOCK]
    message["text"] = INJECTED
    return payload


def metadata_naming(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A modal whose private_metadata (ours: JSON) has these keys changed."""
    metadata = json.loads(view["private_metadata"])
    return dict(view, private_metadata=json.dumps(metadata | changes))


def writes_since(slack: FakeSlack, since: int) -> list[Call]:
    """The calls after the first `since` that posted, updated or shared something."""
    return [c for c in list(slack.calls)[since:] if c.method in WRITES]


def channels_written(slack: FakeSlack, since: int) -> set[str]:
    """Every channel the bot wrote to after the first `since` calls."""
    named = (c.params.get(WRITES[c.method]) for c in writes_since(slack, since))
    return {channel for channel in named if channel is not None}  # an unshared upload: none


def anything_injected(slack: FakeSlack, since: int) -> bool:
    """Whether any call after the first `since` carried the injected words (modals too)."""
    return any("INJECTED" in json.dumps(c.params) for c in list(slack.calls)[since:])


def form_opened_by(user: SlackUser, message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Click `action_id` on `message`; the modal that opens."""
    opened = len(user.slack.views)
    user.click(message, action_id)
    return user.slack.wait_for(lambda: len(user.slack.views) > opened and user.slack.last_modal())
