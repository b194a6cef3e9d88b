"""HttpNudgeSender: a NudgeSender over a Slack-like Web API with plain http.client.

It does what the Slack adapter's sender must do: post to the person's DM with the dedupe key in
the message metadata, look the key up in the DM's history, and turn HTTP and API errors into
typed results. Used by the multi-process tests and the benchmark against FakeInbox.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.coaching.followup.ports import (
    Delivered,
    PermanentFailure,
    RateLimited,
    SendResult,
    TransientFailure,
)
from bot.coaching.followup.views import NudgeMessage

PERMANENT = {"user_not_found", "account_inactive", "cannot_dm_bot", "channel_not_found"}


class HttpNudgeSender:
    """One keep-alive connection per thread, so a dispatcher's send threads may share it."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, worker: str = "") -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.worker = worker or str(os.getpid())
        self._local = threading.local()

    def send(self, message: NudgeMessage) -> SendResult:
        """chat.postMessage to the person, with the dedupe key as metadata."""
        metadata = {"event_type": "lif_nudge", "event_payload": {"key": message.dedupe_key}}
        params = {"channel": message.person.user_id, "text": message.text, "metadata": metadata}
        failure, body = self._call("chat.postMessage", params)
        return failure or Delivered(ref=str(body.get("ts", "")))

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        """conversations.history of the DM since `since`, looking for the dedupe key."""
        params = {
            "channel": message.person.user_id,
            "oldest": f"{since.timestamp():.6f}",
            "include_all_metadata": True,
        }
        failure, body = self._call("conversations.history", params)
        if failure is not None:
            return failure
        for found in body.get("messages", []):
            payload = (found.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == message.dedupe_key:
                return Delivered(ref=str(found.get("ts", "")))
        return None

    def _call(self, method: str, params: dict[str, Any]) -> tuple[SendResult | None, Any]:
        """(None, body) when the API answered ok, else (the failure, {})."""
        try:
            status, headers, body = self._request(method, params)
        except (OSError, http.client.HTTPException) as error:
            self._close()
            return TransientFailure(f"network: {type(error).__name__}"), {}
        if status == 429:
            return RateLimited(float(headers.get("Retry-After") or 1)), {}
        if status >= 500:
            return TransientFailure(f"http {status}"), {}
        if not body.get("ok"):
            error = str(body.get("error"))
            failure = PermanentFailure(error) if error in PERMANENT else TransientFailure(error)
            return failure, {}
        return None, body

    def _request(self, method: str, params: dict[str, Any]) -> tuple[int, Any, dict[str, Any]]:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
        payload = json.dumps(params).encode()
        headers = {"Content-Type": "application/json", "X-Worker": self.worker}
        connection.request("POST", f"{self.prefix}/{method}", payload, headers)
        response = connection.getresponse()
        return response.status, response.headers, json.loads(response.read() or b"{}")

    def _close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
