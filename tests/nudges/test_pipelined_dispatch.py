"""The dispatcher posts while its database thread records what went out and claims what is next.

Each test names one promise of that pipeline and fails when it breaks: what went out is
recorded whatever stops a batch, what was not posted goes back to the queue as it was, and a
delivery whose recording failed is found in the DM rather than posted twice.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.coaching.errors import StorageUnavailable
from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.models import NudgeStatus
from bot.coaching.followup.ports import Delivered, RateLimited, SendResult
from bot.coaching.followup.views import NudgeMessage
from bot.content import load_followup_texts
from bot.nudges.dispatcher import Dispatcher
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.tables import nudges
from tests.nudges.fakes import FakeNudgeSender
from tests.nudges.fixtures import make_dispatcher
from tests.nudges.seed import seed_due_nudges

PEOPLE = 30


class PeekingSender(FakeNudgeSender):
    """The recording fake that runs `before_each(number)` before each post (1, 2...)."""

    def __init__(self, before_each) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.before_each = before_each

    def send(self, message: NudgeMessage) -> SendResult:
        self.before_each(self.calls + 1)
        return super().send(message)


class BrokenSender(FakeNudgeSender):
    """Posts `works` messages, then raises as an unexpected bug in a sender would."""

    def __init__(self, works: int) -> None:
        super().__init__()
        self.works = works

    def send(self, message: NudgeMessage) -> SendResult:
        if self.calls >= self.works:
            self.calls += 1
            raise RuntimeError("sender bug")
        return super().send(message)


def _dispatcher(store, sender, clock, framework, sleeps, **options) -> Dispatcher:
    return make_dispatcher(
        store, sender, clock, framework, sleeps, worker_id="pipelined", **options
    )


def _seed(store: SqlNudgeRepository, clock) -> None:
    seed_due_nudges(store, PEOPLE, due_at=clock.now() - timedelta(minutes=1))


def _check_ins(store: SqlNudgeRepository, seeded_ids: set[int]) -> dict[str, int]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(nudges.c.id, nudges.c.status)).all()
    statuses: dict[str, int] = {}
    for nudge_id, status in rows:
        if nudge_id in seeded_ids:
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


def _seeded_ids(store: SqlNudgeRepository) -> set[int]:
    with store.engine.connect() as connection:
        return set(connection.execute(select(nudges.c.id)).scalars())


def _wait_for(check, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False


def test_the_next_batch_is_claimed_while_the_last_post_of_this_one_is_in_hand(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seen_claimed: list[bool] = []

    def before_each(number: int) -> None:
        if number == 10:  # the last post of the first batch of 10
            # this batch, not yet marked (one group is 50), and the next one
            seen_claimed.append(_wait_for(lambda: store.status_counts().get("sending") == 20))

    sender = PeekingSender(before_each)
    dispatcher = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10)

    assert dispatcher.send_due() == PEOPLE
    assert seen_claimed == [True]
    assert set(sender.per_person().values()) == {1} and len(sender.per_person()) == PEOPLE


def test_no_more_than_two_groups_of_posts_are_ever_unrecorded(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seeded = _seeded_ids(store)
    gaps: list[int] = []

    def before_each(number: int) -> None:
        recorded = _check_ins(store, seeded).get("sent", 0)
        gaps.append(number - 1 - recorded)  # posted before this one, not yet marked sent

    sender = PeekingSender(before_each)
    dispatcher = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10, flush_every=4)

    assert dispatcher.send_due() == PEOPLE
    assert max(gaps) < 2 * 4
    assert _check_ins(store, seeded) == {"sent": PEOPLE}


def test_a_long_rate_limit_midway_records_what_went_out_and_hands_back_the_rest(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seeded = _seeded_ids(store)
    sender = FakeNudgeSender()
    sender.script = [Delivered()] * 9 + [RateLimited(600.0)]  # the 10th: wait 10 minutes

    def stop_on_sleep(seconds: float) -> None:  # the run ends in its wait, as on shutdown
        sleeps.append(seconds)
        dispatcher.request_stop()

    dispatcher = _dispatcher(
        store, sender, clock, framework, sleeps, batch_size=10, sleep=stop_on_sleep
    )

    report = dispatcher.run_once()

    assert report.sent == 9 and sleeps == [600.0]
    # 9 sent; the rate-limited one due after the wait; the next batch (claimed ahead) and
    # the rest pending as they were: nothing left claimed, nothing made uncertain.
    assert _check_ins(store, seeded) == {"sent": 9, "pending": PEOPLE - 9}
    with store.engine.connect() as connection:
        held = connection.execute(
            select(nudges.c.due_at, nudges.c.uncertain_since, nudges.c.last_error).where(
                nudges.c.id.in_(seeded), nudges.c.status == NudgeStatus.PENDING.value
            )
        ).all()
    assert all(row.uncertain_since is None for row in held)
    assert sum(row.last_error == "rate limited" for row in held) == 1

    later = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10)
    assert later.send_due(clock.now() + timedelta(minutes=11)) == PEOPLE - 9
    assert set(sender.per_person().values()) == {1} and len(sender.per_person()) == PEOPLE
    assert sender.lookups == 0  # nothing was uncertain


def test_a_sender_failing_midway_leaves_the_posted_recorded_and_the_rest_sent_once_later(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seeded = _seeded_ids(store)
    broken = BrokenSender(works=19)  # the last post of the second batch raises
    dispatcher = _dispatcher(store, broken, clock, framework, sleeps, batch_size=10)

    with pytest.raises(RuntimeError, match="sender bug"):
        dispatcher.run_once()

    # Every post that went out is recorded; the one whose post raised may have gone out, so
    # it stays claimed for the reaper; the third batch, claimed ahead, is handed back.
    assert _check_ins(store, seeded) == {"sent": 19, "sending": 1, "pending": PEOPLE - 20}

    clock.advance(minutes=6)  # the lease is over: the reaper frees the claimed one, uncertain
    recovery = FakeNudgeSender()
    recovery.delivered = list(broken.delivered)
    after = _dispatcher(store, recovery, clock, framework, sleeps, batch_size=10)
    report = after.run_once()
    assert report.sent == PEOPLE - 19 and report.recovered == 0
    assert recovery.lookups == 1  # looked for in the DM before it was posted
    assert set(recovery.per_person().values()) == {1} and len(recovery.per_person()) == PEOPLE


def test_a_group_whose_recording_failed_is_found_delivered_and_not_posted_again(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seeded = _seeded_ids(store)
    failing = SqlNudgeRepository(store.engine)
    real_mark_sent = failing.mark_sent
    calls = []

    def mark_sent_failing_once(marks, *, worker):  # type: ignore[no-untyped-def]
        calls.append(len(marks))
        if len(calls) == 2:
            raise StorageUnavailable("the database went away")
        return real_mark_sent(marks, worker=worker)

    failing.mark_sent = mark_sent_failing_once  # type: ignore[method-assign]
    sender = FakeNudgeSender()
    dispatcher = Dispatcher(
        queue=failing,
        repository=failing,
        sender=sender,
        render=nudge_renderer(framework=framework, texts=load_followup_texts()),
        clock=clock,
        worker_id="pipelined",
        sleep=sleeps.append,
        batch_size=10,
        flush_every=5,
    )

    with pytest.raises(StorageUnavailable):
        dispatcher.run_once()

    statuses = _check_ins(store, seeded)
    assert statuses["sent"] == 5  # the first group
    posted = len(sender.delivered)
    assert statuses["sending"] >= 5  # the second group: posted, recorded nowhere
    assert posted - statuses["sent"] <= 10  # no more than two groups

    clock.advance(minutes=6)
    after = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10)
    report = after.run_once()
    assert report.recovered == posted - 5  # found in the DM: marked sent, not posted again
    assert set(sender.per_person().values()) == {1} and len(sender.per_person()) == PEOPLE
    assert _check_ins(store, seeded) == {"sent": PEOPLE}


def test_stopping_hands_back_the_batch_claimed_ahead_as_it_was(
    store, clock, framework, sleeps
) -> None:
    _seed(store, clock)
    seeded = _seeded_ids(store)
    dispatcher: Dispatcher

    def before_each(number: int) -> None:
        if number == 10:  # the next batch is being claimed by now
            assert _wait_for(lambda: store.status_counts().get("sending") == 20)
            dispatcher.request_stop()  # this post is finished, nothing after it

    sender = PeekingSender(before_each)
    dispatcher = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10)

    assert dispatcher.run_once().sent == 10
    assert _check_ins(store, seeded) == {"sent": 10, "pending": PEOPLE - 10}
    with store.engine.connect() as connection:
        uncertain = connection.execute(
            select(nudges.c.id).where(nudges.c.uncertain_since.is_not(None))
        ).all()
    assert uncertain == []


def test_a_message_that_cannot_be_built_is_cancelled_and_the_rest_still_go(
    store, clock, framework, sleeps, caplog
) -> None:
    """A stored priority the framework no longer has (say) must not stop every message after
    it: that one is cancelled with its reason, logged by id, and the others are posted."""
    _seed(store, clock)
    with store.engine.begin() as connection:
        broken = connection.execute(select(nudges.c.id).order_by(nudges.c.id).limit(1)).scalar()
        connection.execute(nudges.update().where(nudges.c.id == broken).values(attribute_id="Z99"))
    sender = FakeNudgeSender()
    dispatcher = _dispatcher(store, sender, clock, framework, sleeps, batch_size=10)

    report = dispatcher.run_once()

    assert (report.sent, report.cancelled) == (PEOPLE - 1, 1)
    assert sender.calls == PEOPLE - 1
    with store.engine.connect() as connection:
        row = connection.execute(
            select(nudges.c.status, nudges.c.last_error).where(nudges.c.id == broken)
        ).one()
    assert tuple(row) == (NudgeStatus.CANCELLED.value, "cannot be built")
    assert f"cannot build follow-up message {broken}" in caplog.text
