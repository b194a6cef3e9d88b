"""The dispatcher loop runs the retention purge once a day, beside the follow-up sends."""

from __future__ import annotations

import threading
import time
from typing import Any

from bot.container import Coach, daily_housekeeping
from bot.nudges.dispatcher import DispatcherLoop


class IdleDispatcher:
    """Sends nothing; counts the ticks."""

    def __init__(self) -> None:
        self.ticks = 0

    def run_once(self) -> Any:
        self.ticks += 1

    def request_stop(self) -> None:
        pass


def _wait_for_ticks(dispatcher: IdleDispatcher, count: int) -> None:
    deadline = time.monotonic() + 5
    while dispatcher.ticks < count:
        assert time.monotonic() < deadline, "the loop stopped ticking"
        time.sleep(0.005)


def test_the_daily_chore_runs_at_start_then_not_again_within_the_day() -> None:
    ran = threading.Event()
    calls: list[int] = []

    def chore() -> None:
        calls.append(1)
        ran.set()

    dispatcher = IdleDispatcher()
    with DispatcherLoop(dispatcher, 0.01, daily=chore):  # type: ignore[arg-type]
        assert ran.wait(5)
        _wait_for_ticks(dispatcher, 5)
    assert calls == [1]


def test_a_failing_chore_does_not_stop_the_sends() -> None:
    def broken() -> None:
        raise RuntimeError("database away")

    dispatcher = IdleDispatcher()
    with DispatcherLoop(dispatcher, 0.01, daily=broken):  # type: ignore[arg-type]
        _wait_for_ticks(dispatcher, 3)


def test_housekeeping_is_the_retention_purge_only_when_retention_is_on(
    make_coach: Any,
) -> None:
    off: Coach = make_coach()
    assert daily_housekeeping(off) is None
    on: Coach = make_coach(retention_days=30)
    chore = daily_housekeeping(on)
    assert chore is not None and chore() is not None  # a RemovalReport
