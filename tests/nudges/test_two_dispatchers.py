"""Two dispatcher processes against PostgreSQL and one Slack-like server: one message each.

Real OS processes share the due-nudges table through SELECT ... FOR UPDATE SKIP LOCKED; one is
killed with SIGKILL after Slack accepted a message but before it was marked sent, and the
survivor's reaper recovers its claims: still exactly one message per person.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.storage.database import make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from tests.keys import make_test_cipher
from tests.nudges.fake_inbox import FakeInbox
from tests.nudges.seed import seed_due_nudges

pytestmark = pytest.mark.skipif(
    not os.environ.get("LIF_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several dispatcher processes need PostgreSQL (SKIP LOCKED): "
    "set LIF_TEST_DATABASE_URL=postgresql://...",
)

PEOPLE = 1_000
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def inbox() -> Iterator[FakeInbox]:
    inbox = FakeInbox(delay_s=0.002).start()
    yield inbox
    inbox.stop()


@pytest.fixture
def start_worker(database_url: str, inbox: FakeInbox) -> Iterator[Callable[[], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        command = [sys.executable, "-m", "tests.nudges.worker", "--database-url", database_url]
        command += ["--inbox-url", inbox.url, "--lease-s", "2", "--interval-s", "0.2"]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _wait(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _all_sent(store: SqlNudgeRepository) -> bool:
    counts = store.status_counts()
    return counts.get("sent", 0) == PEOPLE and not counts.get("sending")


def test_two_processes_send_each_person_exactly_one_message(engine, inbox, start_worker) -> None:
    store = SqlNudgeRepository(engine)
    seed_due_nudges(store, PEOPLE, due_at=datetime.now(UTC) - timedelta(minutes=1))
    workers = [start_worker(), start_worker()]
    _wait(lambda: _all_sent(store), 25, "every nudge to be sent")
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    assert [worker.wait(10) for worker in workers] == [0, 0]  # both stopped cleanly
    per_person = inbox.per_channel()
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}
    assert len(inbox.per_worker()) == 2  # both processes took part


def test_a_dispatcher_killed_after_slack_accepted_still_leaves_one_message_each(
    engine, inbox, start_worker
) -> None:
    store = SqlNudgeRepository(engine)
    seed_due_nudges(store, PEOPLE, due_at=datetime.now(UTC) - timedelta(minutes=1))
    inbox.stall_channels = {"U00400"}  # accepted, then no answer: the sender is left waiting
    workers = {w.pid: w for w in (start_worker(), start_worker())}
    _wait(lambda: inbox.sent_by("U00400"), 20, "the stalled message to be accepted")
    victim = workers.pop(int(inbox.sent_by("U00400") or 0))
    victim.send_signal(signal.SIGKILL)  # between Slack's accept and "mark sent"
    victim.wait(10)
    (survivor,) = workers.values()
    _wait(lambda: _all_sent(store), 25, "the survivor to recover the killed one's claims")
    survivor.send_signal(signal.SIGTERM)
    assert survivor.wait(10) == 0
    per_person = inbox.per_channel()
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}
    assert inbox.lookups >= 1  # the recovered claims were checked before posting
