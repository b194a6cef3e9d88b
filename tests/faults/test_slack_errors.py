"""The Slack Web API failing at random (429 with Retry-After, 500, slow answers) all through a
reflection: it still completes, and no message is posted twice."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from typing import Any

from bot.coaching.models import Person
from tests.slack.driver import SlackUser, header
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.test_reflection_over_slack import LEADERSHIP_RATINGS

FAILING = ("chat.postMessage", "chat.update", "conversations.open", "chat.postEphemeral")
ERROR_RATE = 0.25  # of the first attempts of these methods
SLOW_RATE = 0.2  # answers delayed 0.1-0.4 s (the client's timeout is 10 s)


class RandomFaults:
    """Wraps the fake's answers: a seeded share fail once (429 or 500) before going through.

    A failed attempt is never followed by another, so the bot's retry handlers (3 for 429, 2
    for 500) always get through: what is measured is duplicates, not giving up.
    """

    def __init__(self, slack: FakeSlack, seed: int) -> None:
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.attempts = 0
        self.just_failed: set[str] = set()
        answer = slack._answer

        def faulty(method: str, *rest: Any) -> Any:
            with self.lock:
                delay = self.random.uniform(0.1, 0.4) if self.random.random() < SLOW_RATE else 0
                fail = self._fail(method)
            time.sleep(delay)
            if fail is not None:
                status, headers = fail
                self.injected[str(status)] += 1
                return status, {"ok": False, "error": "injected"}, headers
            return answer(method, *rest)

        slack._answer = faulty  # type: ignore[method-assign]

    def _fail(self, method: str) -> tuple[int, dict[str, str]] | None:
        if method not in FAILING:
            return None
        self.attempts += 1
        if method in self.just_failed:
            self.just_failed.discard(method)
            return None
        if self.random.random() >= ERROR_RATE:
            return None
        self.just_failed.add(method)
        if self.random.random() < 0.5:
            return 429, {"Retry-After": str(self.random.randint(0, 1))}
        return 500, {}


def test_a_whole_domain_completes_through_random_slack_errors_without_a_duplicate(
    user: SlackUser, slack: FakeSlack, bot: RunningBot, nurse: Person
) -> None:
    seed = int(os.environ.get("LIF_FAULT_SEED") or random.randrange(1_000_000))
    print(f"\nslack error injection seed: {seed} (rerun with LIF_FAULT_SEED={seed})")
    faults = RandomFaults(slack, seed)
    started = time.monotonic()

    assert user.command("leadership").status == 200
    step = user.next_message(timeout=30)
    for rating in LEADERSHIP_RATINGS:
        user.click(step, f"lif.rate.{rating}")
        step = user.next_message(timeout=30)
    assert header(step) == "Your priority areas"
    user.click(step, "lif.confirm")
    slack.wait_for(
        lambda: header(user.current(step)) == "Your confirmed priority areas", timeout=30
    )

    posted = Counter(
        header(c.params)
        if c.params.get("blocks") and any(b["type"] == "header" for b in c.params["blocks"])
        else c.params.get("text")
        for c in slack.calls_to("chat.postMessage")
        if c.status == 200
    )
    twice = {text: n for text, n in posted.items() if n > 1}
    print(
        f"attempts {faults.attempts}, injected {dict(faults.injected)}, "
        f"messages {sum(posted.values())}, duplicates {len(twice)}, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert twice == {}, f"posted more than once (seed {seed}): {twice}"
    assert sum(faults.injected.values()) > 0, f"seed {seed} injected nothing: try another"
    saved = bot.coach.service.last_summary(nurse)
    assert saved is not None and saved.confirmed
    assert [p.attribute.id for p in saved.priorities] == ["L5", "L3", "L7"]
