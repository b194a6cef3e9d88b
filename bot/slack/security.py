"""Signature checks on HTTP requests: forged or replayed requests are refused and logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 5 * 60


class SignatureCheck(Middleware):
    """Bolt's check, but logging why a request was refused and never its body (answers)."""

    def __init__(self, signing_secret: str | None, *, clock: Callable[[], float] = time.time):
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._clock = clock

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Continue with a correctly signed, fresh request; answer 401 to anything else."""
        if req.mode == "socket_mode":  # Socket Mode requests come over the app's own socket
            return next()
        problem = self.problem(req)
        if problem is None:
            return next()
        logger.warning("Refused a request to the Slack endpoint: %s", problem)
        return BoltResponse(status=401, body={"error": "invalid request"})

    def problem(self, req: BoltRequest) -> str | None:
        """Why the request is not from Slack, or None when it is."""
        if self._verifier is None:
            return "SLACK_SIGNING_SECRET is not set, so no request can be verified"
        timestamp = _header(req, "x-slack-request-timestamp")
        signature = _header(req, "x-slack-signature")
        if not timestamp or not signature:
            return "it has no Slack signature headers"
        try:
            age = abs(self._clock() - int(timestamp))
        except ValueError:
            return "its timestamp is not a number"
        if age > MAX_AGE_SECONDS:
            return f"its timestamp is {int(age)} s away from now (a replay, or a wrong clock)"
        if not self._verifier.is_valid(req.raw_body, timestamp, signature):
            return "its signature does not match SLACK_SIGNING_SECRET"
        return None


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name) or []
    return values[0] if values else None


class SameWorkspace(Middleware):
    """Refuses a request for a workspace other than the one its token was authorized for.

    With a single bot token, Bolt authorizes every request with auth.test's answer whatever team
    the request names; without this check, a correctly signed request naming another team would
    be handled as that team's person. With OAuth, authorize finds the request's own team's
    installation, so the two always agree and this check is a no-op.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Continue when the request's team is the authorized one (or either is unknown)."""
        authorized = req.context.authorize_result
        served = authorized.team_id if authorized is not None else None
        asked = req.context.team_id
        if served and asked and asked != served and not req.context.is_enterprise_install:
            logger.warning("Refused a request for workspace %s: this app serves %s", asked, served)
            return BoltResponse(status=401, body={"error": "invalid request"})
        return next()
