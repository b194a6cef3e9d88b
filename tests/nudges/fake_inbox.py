"""A minimal Slack-like Web API for follow-up messages: a real HTTP server that counts DMs.

It answers `chat.postMessage` (recording channel, text and the metadata dedupe key) and
`conversations.history` (returning those messages with their metadata), the two calls a nudge
sender needs. It can be slowed down, made to answer 429 for a while, or made to accept a
person's message and then hang (to kill the dispatcher waiting on it). Child processes reach it
over TCP, so it counts what several dispatcher processes sent.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Post:
    """One accepted chat.postMessage."""

    channel: str
    text: str
    key: str | None
    ts: str
    worker: str


class FakeInbox:
    """start() it, point a sender at .url, read .posts; stop() at the end."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.posts: list[Post] = []
        self.lookups = 0
        self.stall_channels: set[str] = set()  # accept, then hang until stop()
        self.gone_channels: set[str] = set()  # answer user_not_found
        self.rate_limited_posts = 0  # answer the next N posts with 429
        self.retry_after_s = 1
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeInbox:
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Slack's API does
            disable_nagle_algorithm = True  # headers and body go in two writes

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                inbox._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def per_channel(self) -> Counter[str]:
        with self._lock:
            return Counter(post.channel for post in self.posts)

    def per_worker(self) -> Counter[str]:
        with self._lock:
            return Counter(post.worker for post in self.posts)

    def sent_by(self, channel: str) -> str | None:
        with self._lock:
            return next((p.worker for p in self.posts if p.channel == channel), None)

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        params = json.loads(request.rfile.read(length) or b"{}")
        method = request.path.rsplit("/", 1)[-1]
        worker = request.headers.get("X-Worker", "")
        if method == "chat.postMessage":
            status, body, headers = self._post(params, worker)
        elif method == "conversations.history":
            status, body, headers = 200, self._history(params), {}
        else:
            status, body, headers = 200, {"ok": False, "error": "unknown_method"}, {}
        if params.get("channel") in self.stall_channels and method == "chat.postMessage":
            self._released.wait()  # the message is recorded; the answer never comes
        _reply(request, status, body, headers)

    def _post(self, params: dict[str, Any], worker: str) -> tuple[int, dict, dict]:
        if self.delay_s:
            time.sleep(self.delay_s)
        channel = params["channel"]
        with self._lock:
            if self.rate_limited_posts > 0:
                self.rate_limited_posts -= 1
                headers = {"Retry-After": str(self.retry_after_s)}
                return 429, {"ok": False, "error": "ratelimited"}, headers
            if channel in self.gone_channels:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            key = ((params.get("metadata") or {}).get("event_payload") or {}).get("key")
            ts = f"{1_800_000_000 + next(self._ids)}.000100"
            self.posts.append(Post(channel, params.get("text", ""), key, ts, worker))
        return 200, {"ok": True, "channel": channel, "ts": ts}, {}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        with self._lock:
            self.lookups += 1
            found = [
                {
                    "ts": p.ts,
                    "text": p.text,
                    "metadata": {"event_type": "lif_nudge", "event_payload": {"key": p.key}},
                }
                for p in self.posts
                if p.channel == params["channel"]
            ]
        # Real ts values are Unix times; these fakes are not, so `oldest` is only checked >= 0.
        assert oldest >= 0
        return {"ok": True, "messages": found[::-1], "has_more": False}


def _reply(request: BaseHTTPRequestHandler, status: int, body: dict, headers: dict) -> None:
    payload = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json; charset=utf-8")
    request.send_header("Content-Length", str(len(payload)))
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(payload)
