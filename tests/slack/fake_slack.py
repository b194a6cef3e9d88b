"""A local stand-in for Slack's Web API: a real HTTP server that records every call.

It keeps the messages the bot posts (applying chat.update), the modals it opens and the Home
views it publishes, checks every payload against Block Kit's limits, and can answer the next
N calls of a method with 429 (Retry-After) or 500.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlparse

from tests.slack.limits import message_problems, view_problems

TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
T = TypeVar("T")


@dataclass
class Call:
    """One request the bot made: Web API method (or 'response_url') and its parameters."""

    method: str
    params: dict[str, Any]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # the bearer token it came with (see "OAuth installs")


@dataclass
class _Failure:
    status: int
    retry_after: int | None


class FakeSlack:
    """Start with start(), point WebClient(base_url=...) at .url, stop with stop()."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.messages: dict[str, dict[str, Any]] = {}  # ts -> message
        self.views: dict[str, dict[str, Any]] = {}  # view id -> modal
        self.homes: dict[str, dict[str, Any]] = {}  # user id -> Home view
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> file (see "file uploads")
        self.people: dict[str, dict[str, Any]] = {}  # user id -> users.info overrides (follow-ups)
        self._scripted: dict[str, list[str]] = {}  # method -> errors to answer (follow-ups)
        self._lost: dict[str, int] = {}  # method -> answers to lose after acting (follow-ups)
        self.ts_clock: Callable[[], float] | None = None  # message ts from a test's clock
        self.latency = 0.0  # seconds before each answer, as a remote Slack takes (benchmarks)
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._token: str | None = None  # of the call being answered (see "OAuth installs")
        self.installed: dict[str, str] = {}  # bot token -> team id (see "OAuth installs")
        self._codes: dict[str, str] = {}  # OAuth code -> team id (see "OAuth installs")

    # -- running ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                fake._serve(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The base URL of the Web API, like https://slack.com/api/."""
        return f"{self.root}/api/"

    # -- arranging -------------------------------------------------------------------------

    def fail_next(
        self, method: str, *, times: int = 1, status: int = 500, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` with `status` (429 gets Retry-After)."""
        with self._lock:
            self._failures.setdefault(method, []).extend(
                _Failure(status, retry_after) for _ in range(times)
            )

    # -- reading ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages as they are now (updates applied), oldest first."""
        with self._lock:
            found = [dict(m) for m in self.messages.values() if m["channel"] == channel]
        return sorted(found, key=lambda m: float(m["ts"]))

    def wait_for(
        self, check: Callable[[], T | None], *, timeout: float = 10.0, what: str = ""
    ) -> T:
        """Poll until check() returns something truthy; fail with `what` at the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what or check}; calls: {self.summary()}")

    def wait_for_calls(self, method: str, count: int, *, timeout: float = 10.0) -> list[Call]:
        """Wait until `method` has been called at least `count` times."""
        return self.wait_for(
            lambda: (calls := self.calls_to(method)) and len(calls) >= count and calls,
            timeout=timeout,
            what=f"{count} calls of {method}",
        )

    def last_modal(self) -> dict[str, Any] | None:
        """The modal opened most recently (with the id Slack gave it), or None."""
        with self._lock:
            return list(self.views.values())[-1] if self.views else None

    def summary(self) -> list[str]:
        with self._lock:
            return [f"{c.method}:{c.status}" for c in self.calls]

    # -- serving ---------------------------------------------------------------------------

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        if self.latency:
            time.sleep(self.latency)  # one thread per request: others are not held up
        path = urlparse(request.path)
        if path.path.startswith(UPLOAD_PATH):
            self._receive_upload(request, path.path.removeprefix(UPLOAD_PATH))
            return
        params = _params(request, path.query)
        if path.path.startswith("/response/"):
            method, authorized = "response_url", True
            params["path"] = path.path
        else:
            method = path.path.removeprefix("/api/")
            authorized = self._authorized(method, request.headers.get("Authorization"))
        token = _bearer(request.headers.get("Authorization"))
        if method == "auth.test":  # it answers for the token's team (see "OAuth installs")
            params["_token"] = token
        status, body, headers = self._answer(method, params, authorized, token)
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

    def _answer(
        self, method: str, params: dict[str, Any], authorized: bool, token: str | None = None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            queue = self._failures.get(method)
            if queue:
                failure = queue.pop(0)
                headers = (
                    {"Retry-After": str(failure.retry_after)}
                    if failure.retry_after is not None
                    else {}
                )
                error = "ratelimited" if failure.status == 429 else "internal_error"
                self.calls.append(Call(method, params, failure.status, token=token))
                return failure.status, {"ok": False, "error": error}, headers
            if not authorized:
                body = {"ok": False, "error": "not_authed"}
            else:
                self._token = token  # handlers run one at a time, under the lock
                body = self._respond(method, params)
            if self._lose(method):  # it took effect, but the caller sees a 500
                self.calls.append(Call(method, params, 500, body, token))
                return 500, {"ok": False, "error": "internal_error"}, {}
            self.calls.append(Call(method, params, 200, body, token))
            return 200, body, {}

    def _respond(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if scripted := self._scripted_error(method, params):
            return {"ok": False, "error": scripted}
        problems = self._check(method, params)
        if problems:
            self.problems += [f"{method}: {p}" for p in problems]
            return {"ok": False, "error": "invalid_blocks", "problems": problems}
        return handler(params)

    def _check(self, method: str, params: dict[str, Any]) -> list[str]:
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            problems = message_problems(params.get("text"), params.get("blocks"))
            return problems + self._image_problems(params.get("blocks"))
        if method in ("views.open", "views.publish"):
            view = params["view"]
            return view_problems(view) + self._image_problems(view.get("blocks"))
        return []

    def _next_ts(self) -> str:
        if self.ts_clock is not None:  # follow-ups look messages up by time (`oldest`)
            return f"{self.ts_clock() + next(self._ids) / 1_000_000:.6f}"
        return f"{1_700_000_000 + next(self._ids)}.000100"

    # -- the methods -------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        if installed := self._installed_auth_test(params):
            return installed
        return {
            "ok": True,
            "url": "https://trust.slack.com/",
            "team": "Trust",
            "user": "lif-coach",
            "team_id": "T-TRUST",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if error := self.people.get(params["users"], {}).get("error"):
            return {"ok": False, "error": error}
        return {"ok": True, "channel": {"id": self._dm(params["users"])}}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        ts = self._next_ts()
        message = {
            "channel": params["channel"],
            "ts": ts,
            "text": params.get("text"),
            "blocks": params.get("blocks") or [],
            "user": BOT_USER,
            "metadata": params.get("metadata"),
        }
        self.messages[ts] = message
        return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get(params["ts"])
        if message is None or message["channel"] != params["channel"]:
            return {"ok": False, "error": "message_not_found"}
        message.update(text=params.get("text"), blocks=params.get("blocks") or [])
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        channel = params["channel"]
        if channel.startswith("D") and channel != self._dm(params["user"]):
            return {"ok": False, "error": "user_not_in_channel"}  # someone else's DM
        return {"ok": True, "message_ts": self._next_ts()}

    def _response_url(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = dict(params["view"], id=f"V{next(self._ids)}")
        self.views[view["id"]] = view
        return {"ok": True, "view": view}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        self.homes[params["user_id"]] = params["view"]
        return {"ok": True, "view": params["view"]}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        overrides = self.people.get(params["user"], {})
        if "error" in overrides:
            return {"ok": False, "error": overrides["error"]}
        user = {"id": params["user"], "tz": "Europe/London", "tz_label": "GMT", "tz_offset": 0}
        return {"ok": True, "user": user | overrides}

    # -- file uploads (files_upload_v2: get a URL, POST the bytes there, complete) ---------------

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = {
            "id": file_id,
            "filename": params["filename"],
            "length": int(params["length"]),
            "content": None,
            "channel": None,
            "title": None,
        }
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.root}{UPLOAD_PATH}{file_id}"}

    def _receive_upload(self, request: BaseHTTPRequestHandler, file_id: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        content = request.rfile.read(length)
        with self._lock:
            found = self.uploads.get(file_id)
            if found is not None:
                found["content"] = content
            self.calls.append(Call("upload", {"file_id": file_id, "length": len(content)}))
        status = 200 if found is not None and len(content) == found["length"] else 400
        request.send_response(status)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"OK")

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        files = params["files"]
        files = json.loads(files) if isinstance(files, str) else files
        shared = []
        for item in files:
            upload = self.uploads.get(item["id"])
            if upload is None or upload["content"] is None:
                return {"ok": False, "error": "file_not_found"}
            upload |= {"title": item.get("title"), "channel": params.get("channel_id")}
            shared.append(
                {"id": upload["id"], "name": upload["filename"], "title": upload["title"]}
            )
        return {"ok": True, "files": shared}

    def files_in(self, channel: str) -> list[dict[str, Any]]:
        """Files shared in a channel, in upload order: filename, title, content (bytes)."""
        with self._lock:
            return [dict(f) for f in self.uploads.values() if f["channel"] == channel]

    # -- follow-ups: people, DM history with metadata, scripted errors, lost answers -----------

    def set_person(self, user_id: str, **fields: Any) -> None:
        """What users.info says of a person (tz=..., deleted=True), or error=... for both
        users.info and conversations.open (e.g. user_not_found)."""
        with self._lock:
            self.people[user_id] = fields

    def answer_next(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with ok=false and this error (HTTP 200)."""
        with self._lock:
            self._scripted.setdefault(method, []).extend([error] * times)

    def lose_next_answer(self, method: str, *, times: int = 1) -> None:
        """Carry out the next `times` calls of `method`, but answer them with a 500."""
        with self._lock:
            self._lost[method] = self._lost.get(method, 0) + times

    def _scripted_error(self, method: str, params: dict[str, Any]) -> str | None:
        queue = self._scripted.get(method)
        return queue.pop(0) if queue else None

    def _lose(self, method: str) -> bool:
        if self._lost.get(method, 0) <= 0:
            return False
        self._lost[method] -= 1
        return True

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, from `oldest`; metadata only with include_all_metadata, as Slack does."""
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        found = sorted(
            (
                m
                for m in self.messages.values()
                if m["channel"] == params["channel"] and float(m["ts"]) >= oldest
            ),
            key=lambda m: -float(m["ts"]),
        )
        messages = [
            {"type": "message", "ts": m["ts"], "text": m["text"], "user": m["user"]}
            | ({"metadata": m["metadata"]} if with_metadata and m.get("metadata") else {})
            for m in found
        ]
        return {"ok": True, "messages": messages, "has_more": False}

    def _image_problems(self, blocks: list[dict[str, Any]] | None) -> list[str]:
        """An image block must show a file that was uploaded (Slack: 'invalid slack file')."""
        problems = []
        for block in (b for b in blocks or [] if b["type"] == "image"):
            file_id = (block.get("slack_file") or {}).get("id")
            upload = self.uploads.get(file_id or "")
            if upload is None or upload.get("content") is None:
                problems.append(f"invalid slack file {file_id!r}")
        return problems

    # -- OAuth installs: oauth.v2.access hands out a bot token per team -----------------------

    CLIENT_ID = "111.222"
    CLIENT_SECRET = "test-client-secret"

    def authorize_code(self, team_id: str) -> str:
        """The code Slack would send back to the redirect URL after `team_id` approved."""
        code = f"code-{team_id}-{next(self._ids)}"
        with self._lock:
            self._codes[code] = team_id
        return code

    def token_of(self, team_id: str) -> str:
        """The bot token oauth.v2.access gives `team_id`."""
        return f"xoxb-{team_id}-token"

    def dm_of(self, user_id: str, team_id: str | None = None) -> str:
        """The DM channel of a person with the bot: teams that installed get their own."""
        return f"D{team_id}{user_id}" if team_id else f"D{user_id}"

    def _dm(self, user_id: str) -> str:
        return self.dm_of(user_id, self.installed.get(self._token or ""))

    def _authorized(self, method: str, authorization: str | None) -> bool:
        if method == "oauth.v2.access":  # client id and secret, as HTTP Basic
            expected = base64.b64encode(f"{self.CLIENT_ID}:{self.CLIENT_SECRET}".encode())
            return authorization == f"Basic {expected.decode()}"
        token = _bearer(authorization)
        return token == TOKEN or token in self.installed

    def _oauth_v2_access(self, params: dict[str, Any]) -> dict[str, Any]:
        team_id = self._codes.pop(params.get("code", ""), None)
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        token = self.token_of(team_id)
        self.installed[token] = team_id
        return {
            "ok": True,
            "app_id": "A-LIF",
            "authed_user": {"id": "U-INSTALLER"},
            "scope": params.get("scope", "chat:write,commands"),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER,
            "team": {"id": team_id, "name": f"Team {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _installed_auth_test(self, params: dict[str, Any]) -> dict[str, Any] | None:
        team_id = self.installed.get(params.get("_token") or "")
        if team_id is None:
            return None
        return {
            "ok": True,
            "url": f"https://{team_id.lower()}.slack.com/",
            "team": f"Team {team_id}",
            "user": "lif-coach",
            "team_id": team_id,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }


def _bearer(authorization: str | None) -> str | None:
    prefix = "Bearer "
    return (
        authorization[len(prefix) :] if authorization and authorization.startswith(prefix) else None
    )


UPLOAD_PATH = "/upload/"


def _params(request: BaseHTTPRequestHandler, query: str) -> dict[str, Any]:
    length = int(request.headers.get("Content-Length") or 0)
    raw = request.rfile.read(length).decode() if length else ""
    if "json" in (request.headers.get("Content-Type") or ""):
        params = json.loads(raw or "{}")
    else:
        params = dict(parse_qsl(raw)) | dict(parse_qsl(query))
    for key in ("blocks", "view"):  # form-encoded calls send these as JSON strings
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
