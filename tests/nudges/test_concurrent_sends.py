"""Posting on a thread pool (send_threads > 1) ends as sending one by one does, only sooner."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bot.coaching.followup.ports import RateLimited, SendResult
from bot.coaching.followup.views import NudgeMessage
from bot.nudges.dispatcher import Dispatcher
from bot.observability import Metrics
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.tables import nudges
from tests.nudges.fakes import FakeNudgeSender
from tests.nudges.fixtures import make_dispatcher
from tests.nudges.seed import seed_due_nudges

PEOPLE = 60


class ThreadSafeSender(FakeNudgeSender):
    """The recording fake, safe to call from several threads."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.threads: set[str] = set()

    def send(self, message: NudgeMessage) -> SendResult:
        with self.lock:
            self.threads.add(threading.current_thread().name)
            return super().send(message)


def _dispatcher(store, sender, clock, framework, sleeps, **options) -> Dispatcher:
    return make_dispatcher(
        store, sender, clock, framework, sleeps, worker_id="pool-dispatcher", **options
    )


def _rows(store: SqlNudgeRepository) -> list[tuple]:
    with store.engine.connect() as connection:
        found = connection.execute(
            select(nudges.c.user_id, nudges.c.kind, nudges.c.period_key, nudges.c.status)
        ).all()
    return sorted(tuple(row) for row in found)


def test_a_pool_sends_each_once_and_plans_the_same_follow_ups_as_one_thread(
    store, engine, clock, framework, dispatcher, sender, sleeps
) -> None:
    seed_due_nudges(store, PEOPLE, due_at=clock.now() - timedelta(minutes=1))
    assert dispatcher.send_due() == PEOPLE  # one thread, the reference
    one_by_one = _rows(store)
    with engine.begin() as connection:  # the same due messages again, for the pool
        connection.execute(nudges.delete())
        connection.execute(nudges.metadata.tables["nudge_preferences"].delete())
    seed_due_nudges(store, PEOPLE, due_at=clock.now() - timedelta(minutes=1))
    pooled_sender, metrics = ThreadSafeSender(), Metrics()
    pooled = _dispatcher(
        store,
        pooled_sender,
        clock,
        framework,
        sleeps,
        send_threads=4,
        batch_size=25,
        metrics=metrics,
    )

    report = pooled.run_once()

    assert report.sent == report.due == PEOPLE
    assert set(pooled_sender.per_person().values()) == {1}
    assert len(pooled_sender.per_person()) == PEOPLE
    assert len(pooled_sender.threads) > 1 and "MainThread" not in pooled_sender.threads
    assert _rows(store) == one_by_one
    value = metrics.registry.get_sample_value
    assert value("lif_nudges_total", {"outcome": "due"}) == PEOPLE
    assert value("lif_nudges_total", {"outcome": "sent"}) == PEOPLE


def test_a_rate_limit_on_one_thread_stops_the_batch_and_nothing_is_sent_twice(
    store, clock, framework, sleeps
) -> None:
    seed_due_nudges(store, PEOPLE, due_at=clock.now() - timedelta(minutes=1))
    sender = ThreadSafeSender()
    sender.script = [RateLimited(2.0)] * 3
    pooled = _dispatcher(store, sender, clock, framework, sleeps, send_threads=4, batch_size=20)

    sent = pooled.send_due()
    sent += pooled.send_due(clock.now() + timedelta(minutes=1))  # the ones held back, due again

    assert sent == PEOPLE and sleeps and set(sleeps) == {2.0}
    assert set(sender.per_person().values()) == {1} and len(sender.per_person()) == PEOPLE
    assert store.status_counts().get("sending", 0) == 0
