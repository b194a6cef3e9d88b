"""The real Bolt app driven in-process: signed requests in, and a wait for its listeners."""

from __future__ import annotations

import json
import time
from concurrent.futures import Future, wait
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from tests.slack.driver import SIGNING_SECRET


class InProcessBot:
    """Dispatches signed requests to `app`, and waits for the listeners they started."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._futures: list[Future[Any]] = []
        executor = app._listener_runner.listener_executor
        submit = executor.submit

        def recording_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            future = submit(fn, *args, **kwargs)
            self._futures.append(future)
            return future

        executor.submit = recording_submit  # type: ignore[method-assign]

    def send(
        self, raw: str, content_type: str, headers: dict[str, str] | None = None
    ) -> BoltResponse:
        """One request, signed with the test secret, as Slack sends it."""
        stamp = str(int(time.time()))
        signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=raw)
        request = BoltRequest(
            body=raw,
            headers={
                "content-type": content_type,
                "x-slack-request-timestamp": stamp,
                "x-slack-signature": signature,
                **(headers or {}),
            },
        )
        return self.app.dispatch(request)

    def send_json(self, body: dict[str, Any], **headers: str) -> BoltResponse:
        return self.send(json.dumps(body), "application/json", headers)

    def send_form(self, form: dict[str, str]) -> BoltResponse:
        return self.send(urlencode(form), "application/x-www-form-urlencoded")

    def send_payload(self, payload: dict[str, Any]) -> BoltResponse:
        return self.send_form({"payload": json.dumps(payload)})

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every listener started so far has finished."""
        while self._futures:
            pending = list(self._futures)
            self._futures.clear()
            _, not_done = wait(pending, timeout=timeout)
            assert not not_done, "a listener did not finish"
