"""A local OpenAI-compatible server for tests: `POST /v1/chat/completions` on a free loopback port.

It records every request (so a test can assert what was sent) and answers from a queue of
scripted replies, falling back to a responder function: canned text, structured output (JSON in
`content`, as OpenAI's json_schema mode returns it), delays beyond a client's timeout, HTTP 429
and 500, and broken JSON. Reusable by any test that points `ChatOpenAI(base_url=...)` here:

    with FakeOpenAI() as server:
        server.queue(Reply.text("What did you notice?"))
        model = ChatOpenAI(base_url=server.base_url, api_key="test", max_retries=0)
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "test-key"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: an HTTP status, a body (dict as JSON, or raw text) and a delay."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def text(cls, content: str, *, prompt_tokens: int = 50, completion_tokens: int = 12) -> Reply:
        """A chat completion whose message content is `content`."""
        return cls(body=completion(content, prompt_tokens, completion_tokens))

    @classmethod
    def json(cls, payload: Any, **tokens: int) -> Reply:
        """Structured output: the JSON text of `payload` as the message content."""
        return cls.text(json.dumps(payload), **tokens)

    @classmethod
    def broken_json(cls) -> Reply:
        """A completion whose content is not valid JSON, as a confused model might send."""
        return cls.text('{"priorities": [{"attribute_id": "L1", "rationale": ')

    @classmethod
    def slow(cls, seconds: float, content: str = "Too late?") -> Reply:
        """A valid completion that arrives only after `seconds`."""
        return cls(body=completion(content, 5, 5), delay_s=seconds)

    @classmethod
    def error(cls, status: int) -> Reply:
        """An API error, e.g. 429 (rate limited) or 500."""
        message = {"message": f"scripted {status}", "type": "server_error", "code": str(status)}
        return cls(status=status, body={"error": message})

    @classmethod
    def garbage(cls) -> Reply:
        """A 200 response whose body is not JSON at all."""
        return cls(body="<html>Bad gateway</html>")


def completion(content: str, prompt_tokens: int = 50, completion_tokens: int = 12) -> dict:
    """A minimal chat.completion body that ChatOpenAI accepts."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def default_responder(request: dict[str, Any]) -> Reply:
    """Structured requests get an empty JSON object; others a short question."""
    if "response_format" in request:
        return Reply.json({})
    return Reply.text("What happened, and what did you notice about your part in it?")


class FakeOpenAI:
    """The server; use as a context manager, or call start() and stop()."""

    def __init__(self, responder: Callable[[dict[str, Any]], Reply] = default_responder) -> None:
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # lower-cased names
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The OpenAI base URL to give a client, e.g. http://127.0.0.1:PORT/v1."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order, before the responder."""
        with self._lock:
            self._replies.extend(replies)

    def sent_text(self) -> str:
        """Every message content of every request, joined: what left the process."""
        return "\n".join(
            str(message.get("content", ""))
            for request in self.requests
            for message in request.get("messages", [])
        )

    def start(self) -> FakeOpenAI:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._replies:
                return self._replies.popleft()
        return self.responder(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(Reply.error(404))
                self._send(fake._next_reply(request))

            def _send(self, reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output quiet

        return Handler
