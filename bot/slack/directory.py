"""What Slack knows about a person (users.info): their time zone, and whether they are active.

Cached for a while per user, so a check-in, a Home opening or a dispatch run costs at most one
users.info call per person per `ttl` (users.info is Tier 4, and people rarely move zones).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

DEFAULT_TTL_S = 6 * 60 * 60


@dataclass(frozen=True)
class SlackProfile:
    """The parts of a Slack user the follow-ups need."""

    timezone: str | None  # an IANA name such as Europe/London, when Slack has one
    deactivated: bool


class SlackDirectory:
    """users.info with a per-user cache; thread-safe."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, SlackProfile]] = {}  # (token, user)
        self._lock = threading.Lock()

    def profile(self, user_id: str, client: WebClient | None = None) -> SlackProfile:
        """The person's profile, from the cache when fresh; raises SlackApiError and OSError.

        `client` is the one of the person's workspace (in OAuth install mode, a request's
        client carries that workspace's token); by default this directory's own.
        """
        client = client or self.client
        key = (client.token or "", user_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self._clock() - cached[0] < self.ttl_s:
            return cached[1]
        user = client.users_info(user=user_id)["user"]
        found = SlackProfile(timezone=_zone(user.get("tz")), deactivated=bool(user.get("deleted")))
        with self._lock:
            self._cache[key] = (self._clock(), found)
        return found

    def timezone(self, user_id: str, default: str, client: WebClient | None = None) -> str:
        """The person's IANA time zone, or `default` when Slack can't say (never raises)."""
        try:
            return self.profile(user_id, client).timezone or default
        except (SlackApiError, OSError):
            logger.warning("users.info failed; using the default time zone %s", default)
            return default


def _zone(name: object) -> str | None:
    """The name when it is an IANA zone this machine knows."""
    if not isinstance(name, str) or not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
