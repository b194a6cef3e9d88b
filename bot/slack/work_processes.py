"""Work after the ack in processes of its own (LIF_WORK_PROCESSES), so acks never wait for it.

In one process, the work that follows an acknowledgement (a reflection started, a question
asked, Home drawn) and the acknowledgements of newer requests take turns on one interpreter:
under a burst, acks wait behind that work. With work processes, the serving process runs each
command's, click's and event's listener only up to its `ack()` (bot/slack/acking.py) and puts
the request, as Slack sent it, on a queue; a work process, at a lower CPU priority, replays it
through an app of its own (same listeners, same middleware, the duplicate-delivery check) and
does the work. Forms, which ack after saving, stay in the serving process.

Each work process sends its metrics to the serving process once a second; /metrics shows their
sum with the serving process's own. Requests go to the work processes in turn, each through
a queue of its own. A work process that dies is started again (after a growing wait if it
died young, so one that cannot start does not loop); what it was doing or had queued is lost,
as in a crash of a single serving process, and new requests go to the others meanwhile. A
serving process that dies without stopping them (killed) takes them with it: each finishes
what it has queued and exits.

Work processes share the database (PostgreSQL is the better fit: SQLite lets one process write
at a time) and the knowledge index. An embedded Chroma is built or checked by the serving
process before they start, and they only read it (nothing writes the index at run time).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from typing import Any

from prometheus_client import Metric
from slack_bolt import BoltRequest

from bot.observability import (
    Metrics,
    configure_logging,
    current_request_id,
    merged,
    request_context,
)
from bot.settings import Settings

logger = logging.getLogger(__name__)

REPORT_SECONDS = 1.0  # how often a work process sends its metrics
STOP_SECONDS = 20.0  # for the work already queued when the server stops
NICENESS = 10  # where SCHED_IDLE is not available: see _yield_the_cpu
HEALTHY_SECONDS = 30.0  # a process that dies younger is restarted after a growing wait
MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class Job:
    """One acknowledged request, as Slack sent it, and the id its log lines carry."""

    body: str
    headers: dict[str, Sequence[str]]
    request_id: str | None


class WorkProcessesDown(RuntimeError):
    """A work process is not running (for /readyz)."""


class WorkProcesses:
    """`count` spawned work processes, each with its queue; `submit` is the app's handoff."""

    def __init__(self, settings: Settings, count: int, *, slots: int) -> None:
        self.settings = settings
        self.count = count
        self.slots = slots
        self._context = multiprocessing.get_context("spawn")  # no inherited threads or locks
        # A queue per process: a process killed while reading a shared queue would leave its
        # lock held, and every other process waiting for it.
        self._queues: list[Any] = [None] * count
        self._turn = itertools.count()
        self._reports: Any = self._context.Queue()
        self._processes: list[SpawnProcess | None] = [None] * count
        self._ready: set[int] = set()
        self._metrics: dict[int, list[Metric]] = {}
        self._retired: list[Metric] = []  # what processes that died had counted
        self._started_at = [0.0] * count
        self._restart_at: dict[int, float] = {}  # dead ones waiting out their back-off
        self._backoff = [0.0] * count
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name="lif-work-watch", daemon=True)

    def start(self) -> WorkProcesses:
        for index in range(self.count):
            self._spawn(index)
        self._monitor.start()
        return self

    def submit(self, request: BoltRequest) -> None:
        """Queue an acknowledged request for the next running work process, in turn."""
        job = Job(request.raw_body, dict(request.headers), current_request_id())
        turn = next(self._turn)
        for offset in range(self.count):  # skip a dead one: its queue dies with it
            index = (turn + offset) % self.count
            process = self._processes[index]
            if process is not None and process.is_alive():
                break
        else:
            index = turn % self.count  # none running: it waits for the restarted one
        self._queues[index].put(job)

    def check(self) -> None:
        """Raise unless every work process is up and ready (a readiness check)."""
        with self._lock:
            down = [
                index
                for index, process in enumerate(self._processes)
                if process is None or not process.is_alive() or index not in self._ready
            ]
        if down:
            raise WorkProcessesDown(f"work processes not ready: {down}")

    def collect(self) -> list[Metric]:
        """The work processes' metrics, summed (with those of processes that died)."""
        with self._lock:
            return merged(self._retired, *self._metrics.values())

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Let the queued work finish, then stop the processes (those still busy are ended)."""
        self._stopping.set()  # no more restarts
        for jobs in self._queues:
            jobs.put(None)  # after the queued requests: they are done first
        deadline = time.monotonic() + timeout
        for process in self._processes:
            if process is None:
                continue
            while process.is_alive() and time.monotonic() < deadline:
                process.join(0.2)
                self._drain_reports()  # a process exits only once its reports are read
            if process.is_alive():
                logger.warning("a work process did not finish its work in time: ended")
                process.terminate()
                process.join(5)
        self._monitor.join(REPORT_SECONDS * 3)
        self._drain_reports()

    def __enter__(self) -> WorkProcesses:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _spawn(self, index: int) -> None:
        """Start process `index` with a new queue (what a dead one had queued is lost)."""
        jobs = self._context.Queue()
        process = self._context.Process(
            target=run_work_process,
            args=(index, self.settings, jobs, self._reports, self.slots),
            name=f"lif-work-{index}",
            daemon=True,
        )
        process.start()
        self._started_at[index] = time.monotonic()
        with self._lock:
            self._processes[index] = process
            self._queues[index] = jobs
            self._ready.discard(index)

    def _watch(self) -> None:
        """Take the processes' reports; start again any that died."""
        while not self._stopping.is_set():
            self._drain_reports(wait=REPORT_SECONDS)
            for index, process in enumerate(list(self._processes)):
                if self._stopping.is_set() or process is None or process.is_alive():
                    continue
                if index not in self._restart_at:
                    self._died(index, process)
                if time.monotonic() >= self._restart_at[index]:
                    del self._restart_at[index]
                    self._spawn(index)

    def _died(self, index: int, process: SpawnProcess) -> None:
        """Keep its counts; restart it at once, or after a growing wait if it died young
        (it cannot start: say the database is unreachable), so a crash loop costs little."""
        now = time.monotonic()
        if now - self._started_at[index] < HEALTHY_SECONDS:
            self._backoff[index] = min(max(1.0, self._backoff[index] * 2), MAX_BACKOFF_SECONDS)
        else:
            self._backoff[index] = 0.0
        self._restart_at[index] = now + self._backoff[index]
        logger.error(
            "work process %s stopped (exit code %s), losing the work it had queued: "
            "starting it again in %.0f s",
            index,
            process.exitcode,
            self._backoff[index],
        )
        with self._lock:
            self._retired = merged(self._retired, self._metrics.pop(index, []))

    def _drain_reports(self, wait: float = 0.0) -> None:
        while True:
            try:
                kind, index, families = (
                    self._reports.get(timeout=wait) if wait else (self._reports.get_nowait())
                )
            except queue.Empty:
                return
            wait = 0.0
            with self._lock:
                if kind == "ready":
                    self._ready.add(index)
                self._metrics[index] = families


def run_work_process(index: int, settings: Settings, jobs: Any, reports: Any, slots: int) -> None:
    """A work process: build the app once, then replay queued requests on `slots` threads."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the serving process says when to stop
    _yield_the_cpu()
    configure_logging(settings.log_level, json_logs=settings.log_format == "json")
    from bot.container import build_coach, freeze_start_up_objects
    from bot.slack.app import make_slack_app

    try:
        coach = build_coach(settings)
        app = make_slack_app(coach, replaying=True)
    except Exception as error:  # logged as one line of the configured format, then exit
        # As /readyz reports a failed check: start-up errors hold no one's words.
        reason = f"{type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"
        logger.error("work process %s could not start: %s", index, reason)
        raise SystemExit(1) from None
    freeze_start_up_objects()
    threading.Thread(
        target=_stop_with_parent, args=(index, jobs, reports), name="parent-watch", daemon=True
    ).start()
    reports.put(("ready", index, _families(coach.metrics)))
    stopped = threading.Event()
    reporter = threading.Thread(
        target=_report, args=(index, coach.metrics, reports, stopped), daemon=True
    )
    reporter.start()
    free = threading.BoundedSemaphore(slots)
    with ThreadPoolExecutor(slots, thread_name_prefix="lif-work") as pool:
        while True:
            free.acquire()  # take a request only when there is a thread free for it
            job = jobs.get()
            if job is None:
                break
            pool.submit(_replay, app, job, free)
    stopped.set()
    reporter.join()
    reports.put(("metrics", index, _families(coach.metrics)))


def _stop_with_parent(index: int, jobs: Any, reports: Any) -> None:
    """When the serving process dies without stopping this one (killed, out of memory), finish
    what is queued (Slack has had its answer) and exit, instead of waiting on the queue forever
    as an orphan holding its memory: the queue never ends by itself, as this process holds its
    write end too."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    multiprocessing.connection.wait([parent.sentinel])
    logger.warning("work process %s: the serving process is gone; stopping", index)
    reports.cancel_join_thread()  # nobody reads the reports any more: do not wait on them
    jobs.put(None)  # after what is queued
    time.sleep(STOP_SECONDS)
    os._exit(1)  # still busy: as stop() ends a work process that does not finish in time


def _yield_the_cpu() -> None:
    """Run only on CPU the serving process leaves idle (Linux's SCHED_IDLE), so a burst of
    work never delays an acknowledgement; at nice 10, a work process still took a tenth of a
    shared core and delayed acks on wake-up (bench/slack_ack_latency.py: p95 at 10 at once
    2.2-2.5x the bare app's, 1.2x with SCHED_IDLE). Its work waits while acks keep the CPU
    busy, which is brief: an ack costs about 1 ms of CPU. Lowering one's own priority needs no
    privilege; without SCHED_IDLE it runs at nice 10, and where even that is refused, at the
    serving process's priority."""
    with contextlib.suppress(AttributeError, OSError):  # SCHED_IDLE is Linux's
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


def _replay(app: Any, job: Job, free: threading.BoundedSemaphore) -> None:
    try:
        with request_context(job.request_id):
            response = app.dispatch(BoltRequest(body=job.body, headers=dict(job.headers)))
            if response.status >= 400:
                logger.warning("replaying an acknowledged request gave %s", response.status)
    except Exception:
        logger.exception("replaying an acknowledged request failed")
    finally:
        free.release()


def _report(index: int, metrics: Metrics, reports: Any, stopped: threading.Event) -> None:
    while not stopped.wait(REPORT_SECONDS):
        reports.put(("metrics", index, _families(metrics)))


def _families(metrics: Metrics) -> list[Metric]:
    return list(metrics.registry.collect())
