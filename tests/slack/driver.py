"""A person using Slack: sends correctly signed slash commands, clicks, replies and submissions."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import BOT_USER, FakeSlack

SIGNING_SECRET = "test-signing-secret"
TEAM = "T-TRUST"
_ids = itertools.count(1)


@dataclass
class Reply:
    """What the bot answered over HTTP (the acknowledgement)."""

    status: int
    body: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


def post(
    url: str,
    body: bytes,
    content_type: str,
    *,
    timestamp: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
    secret: str = SIGNING_SECRET,
) -> Reply:
    """POST a body signed as Slack signs it (or with the timestamp/signature given)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    verifier = SignatureVerifier(secret)
    signed = signature or verifier.generate_signature(timestamp=stamp, body=body.decode())
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    request.add_header("X-Slack-Request-Timestamp", stamp)
    request.add_header("X-Slack-Signature", signed or "")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read().decode())


class SlackUser:
    """One person in the workspace, talking to the bot at `events_url` as Slack would."""

    def __init__(
        self, events_url: str, slack: FakeSlack, user_id: str = "U-NURSE", *, team: str = TEAM
    ) -> None:
        self.events_url = events_url
        self.slack = slack
        self.user_id = user_id
        self.team = team  # another team is one that installed the app (tests/slack/test_oauth.py)
        self.seen = 0  # how many of the DM's messages this person has read
        self.response_paths: set[str] = set()  # the response_urls of this person's requests
        self.last_said = ""  # the ts of the last message this person sent

    @property
    def dm(self) -> str:
        """The DM channel id the fake gives this person's conversation with the bot."""
        return self.slack.dm_of(self.user_id, None if self.team == TEAM else self.team)

    # -- what the person reads ---------------------------------------------------------------

    def next_message(self, *, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the bot's next new message in the DM (updates don't count)."""
        messages = self.slack.wait_for(
            lambda: len(found := self.slack.messages_in(self.dm)) > self.seen and found,
            timeout=timeout,
            what=f"message {self.seen + 1} in {self.dm}",
        )
        self.seen += 1
        return messages[self.seen - 1]

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as it is now (after any chat.update)."""
        return next(m for m in self.slack.messages_in(self.dm) if m["ts"] == message["ts"])

    def ephemerals(self) -> list[str]:
        """Texts of the notes only this person saw (chat.postEphemeral or a response_url)."""
        return [
            c.params["text"]
            for c in self.slack.calls
            if c.status == 200
            and c.response.get("ok")
            and (
                (c.method == "chat.postEphemeral" and c.params["user"] == self.user_id)
                or (c.method == "response_url" and c.params["path"] in self.response_paths)
            )
        ]

    def next_ephemeral(self, count: int = 1) -> str:
        """Wait until this person has seen `count` ephemeral notes; the last one."""
        found = self.slack.wait_for(
            lambda: len(notes := self.ephemerals()) >= count and notes, what="an ephemeral note"
        )
        return found[count - 1]

    # -- what the person does ---------------------------------------------------------------

    def command(self, text: str = "", *, trigger_id: str | None = None) -> Reply:
        """Type `/lif-reflect <text>` in a channel."""
        form = {
            "token": "legacy",
            "team_id": self.team,
            "team_domain": "trust",
            "channel_id": "C-WARD",
            "channel_name": "ward-7",
            "user_id": self.user_id,
            "user_name": "nurse",
            "command": "/lif-reflect",
            "text": text,
            "api_app_id": "A-LIF",
            "is_enterprise_install": "false",
            "response_url": self._response_url(),
            "trigger_id": trigger_id or _trigger(),
        }
        return self.send_form(urlencode(form).encode())

    def click(self, message: dict[str, Any], action_id: str, *, option: str | None = None) -> Reply:
        """Click a button (or choose a menu option) on a message as it was when shown."""
        return self.send_payload(self.click_payload(message, action_id, option=option))

    def click_payload(
        self, message: dict[str, Any], action_id: str, *, option: str | None = None
    ) -> dict[str, Any]:
        """The block_actions payload Slack would send for that click."""
        block, element = find_element(message["blocks"], action_id)
        action = {
            "action_id": action_id,
            "block_id": block.get("block_id", "b"),
            "type": element["type"],
            "action_ts": f"{time.time():.6f}",
        }
        if element["type"] == "static_select":
            chosen = next(o for o in element["options"] if option in (None, o["value"]))
            action["selected_option"] = chosen
        else:
            action |= {"value": element.get("value"), "text": element["text"]}
        return {
            "type": "block_actions",
            "user": self._user(),
            "api_app_id": "A-LIF",
            "token": "legacy",
            "trigger_id": _trigger(),
            "team": {"id": self.team, "domain": "trust"},
            "is_enterprise_install": False,
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": False,
            },
            "channel": {"id": message["channel"], "name": "directmessage"},
            "message": {
                "type": "message",
                "user": BOT_USER,
                "ts": message["ts"],
                "text": message["text"],
                "blocks": message["blocks"],
            },
            "response_url": self._response_url(),
            "state": {"values": {}},
            "actions": [action],
        }

    def click_home(self, view: dict[str, Any], action_id: str) -> Reply:
        """Click a button on the App Home tab."""
        block, element = find_element(view["blocks"], action_id)
        payload = {
            "type": "block_actions",
            "user": self._user(),
            "api_app_id": "A-LIF",
            "token": "legacy",
            "trigger_id": _trigger(),
            "team": {"id": self.team, "domain": "trust"},
            "container": {"type": "view", "view_id": "VHOME"},
            "view": dict(view, id="VHOME"),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block.get("block_id", "b"),
                    "type": "button",
                    "value": element.get("value"),
                    "text": element["text"],
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return self.send_payload(payload)

    def submit(self, view: dict[str, Any], text: str) -> Reply:
        """Type `text` into the modal's one input and press its submit button."""
        return self.send_payload(self.submission_payload(view, text))

    def submission_payload(self, view: dict[str, Any], text: str) -> dict[str, Any]:
        """The view_submission payload Slack would send."""
        block = next(b for b in view["blocks"] if b["type"] == "input")
        state = {
            block["block_id"]: {
                block["element"]["action_id"]: {"type": "plain_text_input", "value": text or None}
            }
        }
        return {
            "type": "view_submission",
            "team": {"id": self.team, "domain": "trust"},
            "user": self._user(),
            "api_app_id": "A-LIF",
            "token": "legacy",
            "trigger_id": _trigger(),
            "is_enterprise_install": False,
            "view": dict(view, state={"values": state}, type="modal", team_id=self.team),
        }

    def say(self, text: str, *, event_id: str | None = None, **headers: str) -> Reply:
        """Send a message in the DM with the bot (a message.im event)."""
        now = f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel": self.dm,
            "user": self.user_id,
            "text": text,
            "ts": now,
            "event_ts": now,
            "channel_type": "im",
        }
        self.last_said = now  # the ts of the message, to edit or delete it later
        return self.send_event(event, event_id=event_id, headers=headers)

    def edit(self, ts: str, text: str) -> Reply:
        """Edit a message this person sent in the DM (a message_changed event)."""
        now = f"{time.time():.6f}"
        message = {"type": "message", "user": self.user_id, "text": text, "ts": ts}
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": self.dm,
            "channel_type": "im",
            "ts": now,
            "event_ts": now,
            "message": message | {"edited": {"user": self.user_id, "ts": now}},
            "previous_message": {"type": "message", "user": self.user_id, "ts": ts},
        }
        return self.send_event(event)

    def delete(self, ts: str) -> Reply:
        """Delete a message this person sent in the DM (a message_deleted event)."""
        now = f"{time.time():.6f}"
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": self.dm,
            "channel_type": "im",
            "ts": now,
            "event_ts": now,
            "deleted_ts": ts,
            "previous_message": {"type": "message", "user": self.user_id, "ts": ts},
        }
        return self.send_event(event)

    def open_home(self) -> Reply:
        """Open the app's Home tab (an app_home_opened event)."""
        event = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": self.dm,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        return self.send_event(event)

    # -- sending ----------------------------------------------------------------------------

    def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        body = {
            "token": "legacy",
            "team_id": self.team,
            "api_app_id": "A-LIF",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "is_ext_shared_channel": False,
            "authorizations": [
                {
                    "team_id": self.team,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
        return post(
            self.events_url,
            json.dumps(body).encode(),
            "application/json",
            headers={k.replace("_", "-"): v for k, v in (headers or {}).items()},
        )

    def send_payload(self, payload: dict[str, Any]) -> Reply:
        return self.send_form(urlencode({"payload": json.dumps(payload)}).encode())

    def send_form(self, body: bytes) -> Reply:
        return post(self.events_url, body, "application/x-www-form-urlencoded")

    def _response_url(self) -> str:
        path = f"/response/{next(_ids)}"
        self.response_paths.add(path)
        return self.slack.root + path

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "username": "nurse", "name": "nurse", "team_id": self.team}


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict, dict]:
    """The actions block and element with this action id; AssertionError if absent."""
    for block in blocks:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("action_id") == action_id:
                return block, element
    raise AssertionError(f"no {action_id} control in these blocks")


def _trigger() -> str:
    return f"{next(_ids)}.{int(time.time())}.trigger{next(_ids)}"


def header(message: dict[str, Any]) -> str:
    """The text of a message's (or view's) header block."""
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")


def all_text(message: dict[str, Any]) -> str:
    """Every piece of text in a message's or view's blocks, one per line."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                if not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message["blocks"])
    return "\n".join(found)


def action_ids(message: dict[str, Any]) -> list[str]:
    """The action ids of every control on a message or view."""
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def summary_reached(user: SlackUser, scope: str = "leadership") -> dict[str, Any]:
    """Start a reflection and rate every step 2; the priority areas message."""
    user.command(scope)
    step = user.next_message()
    while header(step) != "Your priority areas":
        user.click(step, "lif.rate.2")
        step = user.next_message()
    return step
