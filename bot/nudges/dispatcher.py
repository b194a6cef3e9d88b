"""The dispatcher: claims due follow-up messages, sends them once, and plans what follows.

Delivery guarantee: each message is delivered at least once and, through a dedupe check,
effectively exactly once. A message is claimed ('sending', with `claimed_by`/`claimed_at`)
before it is posted and marked 'sent' after the platform accepts it. If a dispatcher dies
between the two, the row stays 'sending' until its lease expires; the reaper then returns it
to 'pending' *marked uncertain*. Before posting an uncertain message, the next dispatcher asks
the sender whether a message carrying its dedupe key already reached the person
(`NudgeSender.find_delivered`; in Slack, the message metadata in the DM's history) and, if so,
only marks it sent. A transient failure (a timeout may hide a successful post) is treated the
same way. The unique key (person, period, kind) means there is never a second message for a
period, whatever happens to the rows.

Deliveries are marked sent in groups (one transaction per `flush_every` messages, and before
any wait), which widens the window a crash leaves uncertain but not the guarantee: every
uncertain message is checked before it is posted again.

Posting never waits on the database: every statement of a run goes, in the order the run asks
for it, to one database thread. That thread claims each batch and renders its messages, plans
what follows each delivery and records the deliveries (one group in flight at most, so no more
than `2 * flush_every` posted messages are unrecorded), and claims the next batch near the
current one's end; the posting thread only decides and posts. A prefetched batch that is not
posted (a stop, a rate limit, an error) is handed back to the queue as it was; the rows of a
group whose recording failed stay claimed, so the reaper returns them uncertain, as after a
crash.

A dispatcher never starts a post on a claim older than half its lease, and the lease (5
minutes) is far longer than one post, so a reaped row is not still being posted by its first
owner. Every update to a claimed row is fenced by `claimed_by`.

With `send_threads` above 1 (the sender must then be thread-safe), the posts of one batch
overlap on a small thread pool, one person's messages in order on one thread, while the main
thread records what came back; a rate limit on any thread stops the batch, whose unsent rest
goes back to the queue until the wait is over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TypeVar

from bot.coaching.followup.models import (
    DueNudge,
    NudgeRecord,
    NudgeStatus,
    PlannedNudge,
    PlanResult,
    SentMark,
)
from bot.coaching.followup.planning import (
    Cancel,
    FollowUpPolicy,
    Reschedule,
    decide,
    plan_after_sent,
)
from bot.coaching.followup.ports import (
    Delivered,
    NudgeQueue,
    NudgeRepository,
    NudgeSender,
    PermanentFailure,
    RateLimited,
    SendResult,
    TransientFailure,
)
from bot.coaching.followup.views import NudgeMessage
from bot.coaching.ports import Clock
from bot.observability import Metrics

logger = logging.getLogger(__name__)

Render = Callable[[PlannedNudge, str | None], NudgeMessage]  # (nudge, goal) -> message
DEFAULT_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_BACKOFF_S = 3600.0


def backoff(attempts: int) -> timedelta:
    """How long to wait before retrying after `attempts` transient failures: 1 min, doubling."""
    return timedelta(seconds=min(60.0 * 2**attempts, MAX_BACKOFF_S))


def make_worker_id() -> str:
    """A name unique to this dispatcher: host, process and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class DispatchReport:
    """What one run did."""

    due: int = 0  # claimed by this run
    sent: int = 0  # posted by this run
    recovered: int = 0  # found already delivered after a crash: marked sent, not posted again
    rescheduled: int = 0  # held for the person's next working slot
    cancelled: int = 0
    retried: int = 0  # transient failures, back to pending with a backoff
    failed: int = 0
    lost: int = 0  # claims reaped from under this dispatcher (should stay 0)
    rate_limited_s: float = 0.0  # time spent waiting on the platform's Retry-After


class _Backoff(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


T = TypeVar("T")


class _DatabaseThread:
    """One thread running a dispatcher's database work in the order it is handed over."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="nudge-db")
        self._errands: list[Future[object]] = []  # updates whose answer nobody waits for

    def submit(self, work: Callable[[], T]) -> Future[T]:
        """Run `work` after everything handed over before it."""
        return self._thread.submit(work)

    def call(self, work: Callable[[], T]) -> T:
        """Run `work` after everything handed over before it, and wait for its answer."""
        return self.submit(work).result()

    def send_off(self, work: Callable[[], object]) -> None:
        """Run `work` in turn without waiting; a failure is raised by a later call here."""
        self._check_errands()
        self._errands.append(self.submit(work))

    def settle(self) -> None:
        """Wait for everything handed over so far; raise the first failure of an errand."""
        self.call(lambda: None)
        self._check_errands()

    def _check_errands(self) -> None:
        done = [errand for errand in self._errands if errand.done()]
        self._errands = [errand for errand in self._errands if not errand.done()]
        for errand in done:
            errand.result()  # raises what it raised


_Recorded = list[tuple[NudgeRecord, bool, PlanResult | None]]  # (sent, posted, outcome)


@dataclass(frozen=True, slots=True)
class _Delivery:
    """A message the platform accepted (or that was found delivered), not yet marked sent."""

    due: DueNudge
    sent_at: datetime
    ref: str
    posted: bool  # False: found already delivered after a crash


class Dispatcher:
    """Sends due follow-up messages through a NudgeSender; many may run against PostgreSQL."""

    def __init__(
        self,
        *,
        queue: NudgeQueue,
        repository: NudgeRepository,
        sender: NudgeSender,
        render: Render,
        clock: Clock,
        policy: FollowUpPolicy | None = None,
        worker_id: str | None = None,
        batch_size: int = 100,
        flush_every: int = 50,
        lease: timedelta = DEFAULT_LEASE,
        sleep: Callable[[float], object] | None = None,
        send_threads: int = 1,
        metrics: Metrics | None = None,
    ) -> None:
        self.queue = queue
        self.repository = repository
        self.sender = sender
        self.render = render
        self.clock = clock
        self.policy = policy or FollowUpPolicy()
        self.worker_id = worker_id or make_worker_id()
        self.batch_size = batch_size
        self.flush_every = flush_every
        self.lease = lease
        self._stopping = threading.Event()
        self._sleep = sleep or self._stopping.wait
        self._simulated: datetime | None = None
        self._marks: list[_Delivery] = []  # delivered, not yet marked sent
        self._recording: Future[_Recorded] | None = None  # the group being marked sent
        self._next: Future[list[DueNudge]] | None = None  # the next batch, claimed meanwhile
        self._rendered: dict[int, NudgeMessage | None] = {}  # by id, rendered when claimed
        self._db = _DatabaseThread()
        self._pool = (
            ThreadPoolExecutor(send_threads, thread_name_prefix="nudge-send")
            if send_threads > 1
            else None
        )
        self.metrics = metrics

    def send_due(self, now: datetime | None = None) -> int:
        """Send everything due by `now` (default: the clock); returns how many were posted."""
        return self.run_once(now).sent

    def run_once(self, now: datetime | None = None) -> DispatchReport:
        """Reap expired claims, then claim and send batches until nothing is due."""
        self._simulated = now.astimezone(UTC) if now else None
        report = DispatchReport()
        self.queue.reap(claimed_before=self.clock.now() - self.lease)
        try:
            batch = self._db.call(self._claim)
            while batch and not self._stopping.is_set():
                report.due += len(batch)
                try:
                    if self._pool is None:
                        self._send_batch(batch, report)
                    else:
                        self._send_concurrently(batch, report)
                except _Backoff as pause:
                    self._hand_back_next()
                    report.rate_limited_s += pause.retry_after
                    self._sleep(pause.retry_after)
                batch = self._next_batch()
            self._release(batch)  # stopped with a batch in hand
        finally:
            self._finish(report)
        self._export(report)
        return report

    def _export(self, report: DispatchReport) -> None:
        """Count the run's outcomes into lif_nudges{outcome}."""
        if self.metrics is None:
            return
        for outcome, count in asdict(report).items():
            if outcome != "rate_limited_s" and count:
                self.metrics.nudges.labels(outcome).inc(count)

    def request_stop(self) -> None:
        """Finish the message in hand, hand back the rest of the batch, and return."""
        self._stopping.set()

    def _now(self) -> datetime:
        return self._simulated or self.clock.now()

    # -- claiming, on the database thread ---------------------------------------------------

    def _claim(self) -> list[DueNudge]:
        """Claim a batch and render its messages (off the posting thread's path)."""
        batch = self.queue.claim_due(
            now=self._now(),
            limit=self.batch_size,
            worker=self.worker_id,
            claimed_at=self.clock.now(),
        )
        self._rendered.update((due.record.id, self._render(due)) for due in batch)
        return batch

    def _render(self, due: DueNudge) -> NudgeMessage | None:
        """The message, or None when it cannot be built (a priority the framework no longer
        has, say): that one is cancelled rather than stopping every message after it."""
        try:
            return self.render(due.record, due.goal)
        except Exception:
            logger.exception("cannot build follow-up message %s; cancelling it", due.record.id)
            return None

    def _prefetch(self, batch: Sequence[DueNudge], left: int) -> None:
        """Near the end of a full batch, have the next one claimed while this one is posted
        (not sooner: a claim too old by the time its turn came would only be handed back)."""
        if self._next is None and len(batch) >= self.batch_size and left <= self._ahead:
            self._next = self._db.submit(self._claim)

    @property
    def _ahead(self) -> int:
        return max(1, self.batch_size // 4)

    def _next_batch(self) -> list[DueNudge]:
        if self._stopping.is_set():
            return []
        upcoming, self._next = self._next, None
        return upcoming.result() if upcoming is not None else self._db.call(self._claim)

    def _hand_back_next(self) -> None:
        """A prefetched batch not to be posted now goes back to the queue as it was."""
        upcoming, self._next = self._next, None
        if upcoming is not None:
            self._release(upcoming.result())

    def _finish(self, report: DispatchReport) -> None:
        """Hand back a prefetched batch, record what went out, and wait for the database."""
        steps: list[Callable[[], object]] = [
            self._hand_back_next,
            lambda: self._flush(report),
            lambda: self._collect(report),
            self._db.settle,
            self._rendered.clear,
        ]
        failure: BaseException | None = None
        for step in steps:  # each, even after one failed
            try:
                step()
            except Exception as error:
                failure = failure or error
        if failure is not None:
            raise failure

    # -- posting ----------------------------------------------------------------------------

    def _send_batch(self, batch: Sequence[DueNudge], report: DispatchReport) -> None:
        try:
            for index, due in enumerate(batch):
                if self._stopping.is_set() or self._claim_too_old(due):
                    self._release(batch[index:])
                    return
                self._prefetch(batch, len(batch) - index)
                try:
                    self._dispatch(due, report)
                except _Backoff:
                    self._release(batch[index + 1 :])
                    raise
        finally:
            self._flush(report)

    def _claim_too_old(self, due: DueNudge) -> bool:
        return self.clock.now() - due.claimed_at > self.lease / 2

    def _release(self, rest: Sequence[DueNudge]) -> None:
        if not rest:
            return
        ids = [(due.record.id, due.record.due_at) for due in rest]

        def release() -> None:
            for nudge_id, due_at in ids:
                self.queue.release(nudge_id, worker=self.worker_id, due_at=due_at)

        self._db.send_off(release)

    def _dispatch(self, due: DueNudge, report: DispatchReport) -> None:
        message = self._decided(due, report)
        if message is None:
            return
        earlier = self._earlier_delivery(due, message)
        if isinstance(earlier, Delivered):
            self._delivered(due, earlier, report, posted=False)
            return
        result = earlier or self._send(message, report)
        self._record(due, result, report)

    def _decided(self, due: DueNudge, report: DispatchReport) -> NudgeMessage | None:
        """The message to post now, or None when it was cancelled or rescheduled."""
        decision = decide(due.record, due.preferences, self._now())
        nudge_id, worker = due.record.id, self.worker_id
        if isinstance(decision, Cancel):
            reason = decision.reason
            self._db.send_off(lambda: self.queue.cancel(nudge_id, worker=worker, reason=reason))
            report.cancelled += 1
            return None
        if isinstance(decision, Reschedule):
            later = decision.due_at
            self._db.send_off(lambda: self.queue.release(nudge_id, worker=worker, due_at=later))
            report.rescheduled += 1
            return None
        rendered = due.record.id in self._rendered
        message = self._rendered.pop(due.record.id) if rendered else self._render(due)
        if message is None:
            self._db.send_off(
                lambda: self.queue.cancel(nudge_id, worker=worker, reason="cannot be built")
            )
            report.cancelled += 1
        return message

    def _send_concurrently(self, batch: Sequence[DueNudge], report: DispatchReport) -> None:
        """Post the batch on the pool, one person per task; record results as they come."""
        assert self._pool is not None
        halt = threading.Event()  # a rate limit: start no further post in this batch
        people: dict[object, list[tuple[DueNudge, NudgeMessage]]] = {}
        for due in batch:
            message = self._decided(due, report)
            if message is not None:
                people.setdefault(due.record.person, []).append((due, message))
        tasks = [self._pool.submit(self._post_in_turn, group, halt) for group in people.values()]
        pause = 0.0
        try:
            for index, task in enumerate(tasks):
                self._prefetch(batch, (len(tasks) - index) * len(batch) // len(tasks))
                for due, result, posted in task.result():
                    pause = max(pause, self._take(due, result, posted, report))
        finally:
            self._flush(report)
        if pause:
            raise _Backoff(pause)

    def _post_in_turn(
        self, group: list[tuple[DueNudge, NudgeMessage]], halt: threading.Event
    ) -> list[tuple[DueNudge, SendResult | None, bool]]:
        """One person's messages, in order, on a pool thread; None for those not posted."""
        results: list[tuple[DueNudge, SendResult | None, bool]] = []
        for due, message in group:
            if halt.is_set() or self._stopping.is_set() or self._claim_too_old(due):
                results.append((due, None, False))
                continue
            earlier = self._earlier_delivery(due, message)
            if isinstance(earlier, Delivered):
                results.append((due, earlier, False))
                continue
            result = earlier or self.sender.send(message)
            if isinstance(result, RateLimited):
                halt.set()
            results.append((due, result, True))
        return results

    def _take(
        self, due: DueNudge, result: SendResult | None, posted: bool, report: DispatchReport
    ) -> float:
        """Record one result of the pool; the rate limit's wait, or 0."""
        if result is None:  # not posted: back to the queue as it was
            self._release([due])
        elif isinstance(result, RateLimited):
            self._hold_back(due.record, result)
            return result.retry_after
        elif isinstance(result, Delivered):
            self._delivered(due, result, report, posted=posted)
        else:
            self._record(due, result, report)
        return 0.0

    def _earlier_delivery(self, due: DueNudge, message: NudgeMessage) -> SendResult | None:
        """For a message a dead dispatcher may have posted: Delivered if it did, else None."""
        if not due.uncertain or due.earlier_claim_at is None:
            return None
        since = due.earlier_claim_at - timedelta(minutes=1)  # clocks of two hosts may differ
        return self.sender.find_delivered(message, since=since)

    def _send(self, message: NudgeMessage, report: DispatchReport) -> SendResult:
        """Post, waiting out short rate limits; a long one ends the batch."""
        while True:
            result = self.sender.send(message)
            if not isinstance(result, RateLimited):
                return result
            if result.retry_after > self.lease.total_seconds() / 4:
                return result
            report.rate_limited_s += result.retry_after
            self._flush(report)  # record what went out before waiting
            self._sleep(result.retry_after)
            if self._stopping.is_set():
                return result

    # -- recording what became of each message ----------------------------------------------

    def _record(self, due: DueNudge, result: SendResult, report: DispatchReport) -> None:
        record, worker = due.record, self.worker_id
        if isinstance(result, Delivered):
            self._delivered(due, result, report, posted=True)
        elif isinstance(result, RateLimited):
            self._hold_back(record, result)
            raise _Backoff(result.retry_after)
        elif isinstance(result, PermanentFailure):
            logger.warning(
                "stopping follow-ups for %s/%s: %s",
                record.person.workspace_id,
                record.person.user_id,
                result.error,
            )
            error = result.error
            self._db.send_off(
                lambda: self.queue.fail(record.id, worker=worker, error=error, stop_person=True)
            )
            report.failed += 1
        else:
            self._retry(due, result, report)

    def _hold_back(self, record: NudgeRecord, result: RateLimited) -> None:
        """Rate limited: back to the queue until the wait is over."""
        later, worker = self._now() + timedelta(seconds=result.retry_after), self.worker_id
        self._db.send_off(
            lambda: self.queue.release(record.id, worker=worker, due_at=later, error="rate limited")
        )

    def _retry(self, due: DueNudge, result: TransientFailure, report: DispatchReport) -> None:
        record, worker, error = due.record, self.worker_id, result.error
        if record.attempts + 1 >= MAX_ATTEMPTS:
            self._db.send_off(
                lambda: self.queue.fail(record.id, worker=worker, error=error, stop_person=False)
            )
            report.failed += 1
            return
        later = self._now() + backoff(record.attempts)
        self._db.send_off(
            lambda: self.queue.release(
                record.id,
                worker=worker,
                due_at=later,
                error=error,
                attempt=True,
                maybe_delivered=True,  # a timeout can hide a post that went through
            )
        )
        report.retried += 1

    def _delivered(
        self, due: DueNudge, result: Delivered, report: DispatchReport, *, posted: bool
    ) -> None:
        """Queue the delivery to be recorded; recorded in groups to spare the database."""
        self._marks.append(_Delivery(due, self._now(), result.ref, posted))
        if len(self._marks) >= self.flush_every:
            self._flush(report)

    def _flush(self, report: DispatchReport) -> None:
        """Hand the queued deliveries to the database thread, to be marked sent in one
        transaction once the group before them is recorded (one group in flight at most)."""
        if not self._marks:
            return
        marks, self._marks = self._marks, []
        self._collect(report)
        self._recording = self._db.submit(lambda: self._mark_sent(marks))

    def _mark_sent(self, deliveries: list[_Delivery]) -> _Recorded:
        """On the database thread: plan what follows each delivery (off the posting thread's
        path), then mark the group sent and record those plans."""
        marks = [self._sent_mark(delivery) for delivery in deliveries]
        outcomes = self.queue.mark_sent([mark for mark, _ in marks], worker=self.worker_id)
        recorded = [
            (sent, delivery.posted, outcome)
            for (_, sent), delivery, outcome in zip(marks, deliveries, outcomes, strict=True)
        ]
        for sent, _, outcome in recorded:
            if outcome is None:
                logger.warning("claim on nudge %s was lost before it was marked sent", sent.id)
            elif outcome is PlanResult.STALE:
                self._plan_fresh(sent)
        return recorded

    def _sent_mark(self, delivery: _Delivery) -> tuple[SentMark, NudgeRecord]:
        """The mark of one delivery, with the follow-ups it plans, and the record as sent."""
        due, sent_at = delivery.due, delivery.sent_at
        sent = due.record.model_copy(update={"status": NudgeStatus.SENT, "sent_at": sent_at})
        prefs = due.preferences
        mark = SentMark(
            nudge_id=sent.id,
            sent_at=sent_at,
            ref=delivery.ref,
            followups=tuple(plan_after_sent(prefs, sent, self.policy)) if prefs else (),
            prefs_version=prefs.version if prefs else None,
        )
        return mark, sent

    def _collect(self, report: DispatchReport) -> None:
        """Wait for the group being recorded, and count it."""
        recording, self._recording = self._recording, None
        if recording is None:
            return
        for _, posted, outcome in recording.result():
            if outcome is None:
                report.lost += 1
            elif posted:
                report.sent += 1
            else:
                report.recovered += 1

    def _plan_fresh(self, sent: NudgeRecord) -> None:
        """The person changed their settings while this message went out: plan from those."""
        for _ in range(3):
            prefs = self.repository.preferences(sent.person)
            if prefs is None:
                return
            results = [
                self.repository.plan(followup, prefs_version=prefs.version)
                for followup in plan_after_sent(prefs, sent, self.policy)
            ]
            if PlanResult.STALE not in results:
                return


DAY_SECONDS = 24 * 60 * 60


class DispatcherLoop:
    """Runs a dispatcher every `interval_s` seconds in a background thread; stops cleanly."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        interval_s: float,
        *,
        daily: Callable[[], object] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.interval_s = interval_s
        self.daily = daily  # housekeeping (the retention purge): at start, then once a day
        self._daily_due = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> DispatcherLoop:
        """Start the background thread."""
        self._thread = threading.Thread(target=self.run, name="nudge-dispatcher", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        """Dispatch until stopped; one failed run is logged and the next tick tries again."""
        while not self._stop.is_set():
            try:
                self.dispatcher.run_once()
            except Exception:
                logger.exception("nudge dispatch failed; trying again next tick")
            self._run_daily()
            self._stop.wait(self.interval_s)

    def _run_daily(self) -> None:
        """The daily chore when a day has passed since the last; a failure waits a day too."""
        if self.daily is None or time.monotonic() < self._daily_due:
            return
        self._daily_due = time.monotonic() + DAY_SECONDS
        try:
            self.daily()
        except Exception:
            logger.exception("daily housekeeping failed; trying again tomorrow")

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to stop after the message in hand, and wait for it."""
        self._stop.set()
        self.dispatcher.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> DispatcherLoop:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
