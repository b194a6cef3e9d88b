"""Nudge dispatch throughput: the dispatcher vs a bare loop posting the same messages.

Both post to the same kind of local Slack-like HTTP server (tests/nudges/fake_inbox.py) through
the same client: slack_sdk's WebClient (`chat_postMessage`, as the Slack sender posts; a new
connection per call) or a keep-alive http.client sender (`--sender http`, the harder baseline).
The dispatcher also claims, marks sent and plans each person's next check-in and reminder in
the database, with 1 send thread and with a pool of 4. Run from the repository root:

    .venv/bin/python -m bench.dispatch_throughput [--count 10000] [--sender slack_sdk|http]
        [--threads 1 4] [--postgres postgresql://postgres@127.0.0.1:5432/test] [--no-sqlite]
        [--repeat 3]

Each row runs the dispatcher `--repeat` times, each run between two bare-loop runs,
and reports the median of the ratios (and their range): this machine's speed drifts by a factor
of two within minutes, so a ratio compares only runs made next to each other. The "stolen"
column is the share of CPU the hypervisor took during a ratio's three runs (bench/steal.py),
lowest and highest: above a few per cent, the neighbours are being measured too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import create_engine, text

from bench.steal import timed_steal
from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.models import DueNudge
from bot.coaching.followup.ports import Delivered, NudgeSender, SendResult, TransientFailure
from bot.coaching.followup.views import NudgeMessage
from bot.container import SystemClock, freeze_start_up_objects
from bot.content import load_followup_texts, load_framework
from bot.nudges.dispatcher import Dispatcher
from bot.storage.database import make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from tests.keys import make_test_cipher
from tests.nudges.fake_inbox import FakeInbox
from tests.nudges.http_sender import HttpNudgeSender
from tests.nudges.seed import seed_due_nudges

RENDER = nudge_renderer(framework=load_framework(), texts=load_followup_texts())


class WebClientSender:
    """chat.postMessage through slack_sdk, with the dedupe key as metadata (what the Slack
    sender does once it knows the DM; the fake inbox has no users.info or conversations.open)."""

    def __init__(self, url: str) -> None:
        self.client = WebClient(token="xoxb-bench", base_url=url, retry_handlers=[])

    def send(self, message: NudgeMessage) -> SendResult:
        try:
            posted = self.client.chat_postMessage(**_post_args(message))
        except SlackApiError as error:
            return TransientFailure(str(error.response.get("error")))
        return Delivered(ref=str(posted["ts"]))

    def find_delivered(self, message: NudgeMessage, *, since: datetime) -> SendResult | None:
        return None  # nothing crashes in the benchmark


def _post_args(message: NudgeMessage) -> dict[str, object]:
    metadata = {"event_type": "lif_nudge", "event_payload": {"key": message.dedupe_key}}
    return {"channel": message.person.user_id, "text": message.text, "metadata": metadata}


def _serve_inbox(connection: Connection) -> None:
    """In a process of its own: a FakeInbox until told to stop; then its counts per channel."""
    inbox = FakeInbox().start()
    connection.send(inbox.url)
    connection.recv()  # the stop
    connection.send(dict(inbox.per_channel()))
    inbox.stop()


class RemoteInbox:
    """A FakeInbox in another process, as Slack is: the server's own work then does not share
    this process's interpreter (the GIL) with the dispatcher or the bare loop it measures."""

    def __enter__(self) -> RemoteInbox:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve_inbox, args=(child,), daemon=True)
        self._process.start()
        self.url: str = self._connection.recv()
        self.counts: dict[str, int] = {}
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.send("stop")
        self.counts = self._connection.recv()
        self._process.join(timeout=10)

    def per_channel(self) -> dict[str, int]:
        """Messages per channel (after the block has ended)."""
        return self.counts


def make_sender(kind: str, url: str) -> NudgeSender:
    """The sender both the dispatcher and the bare loop use."""
    return WebClientSender(url) if kind == "slack_sdk" else HttpNudgeSender(url)


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A fresh SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL database at `url`, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def dispatcher_rate(url: str, count: int, sender: str, threads: int) -> tuple[float, int]:
    """Messages per second through the dispatcher, and how many people got exactly one."""
    engine = make_engine(url, cipher=make_test_cipher())
    upgrade(engine)
    store = SqlNudgeRepository(engine)
    seed_due_nudges(store, count, due_at=datetime.now(UTC) - timedelta(minutes=1))
    with RemoteInbox() as inbox:
        dispatcher = Dispatcher(
            queue=store,
            repository=store,
            sender=make_sender(sender, inbox.url),
            render=RENDER,
            clock=SystemClock(),
            send_threads=threads,
        )
        freeze_start_up_objects()  # as `lif-coach nudges send-due` and `serve` do
        started = time.perf_counter()
        sent = dispatcher.send_due()
        elapsed = time.perf_counter() - started
    engine.dispose()
    assert sent == count, f"sent {sent} of {count}"
    once = sum(1 for n in inbox.per_channel().values() if n == 1)
    return count / elapsed, once


def bare_rate(count: int, sender: str) -> float:
    """Messages per second posting the same rendered messages in a plain loop."""
    messages = [RENDER(due.record, None) for due in _fake_due(count)]
    with RemoteInbox() as inbox:
        if sender == "slack_sdk":  # the bare slack_sdk loop: chat_postMessage, nothing else
            client = WebClient(token="xoxb-bench", base_url=inbox.url, retry_handlers=[])
            started = time.perf_counter()
            for message in messages:
                client.chat_postMessage(**_post_args(message))
        else:
            http = HttpNudgeSender(inbox.url)
            started = time.perf_counter()
            for message in messages:
                http.send(message)
        return count / (time.perf_counter() - started)


def _fake_due(count: int) -> list[DueNudge]:
    with sqlite_database() as url:
        engine = make_engine(url, cipher=make_test_cipher())
        upgrade(engine)
        store = SqlNudgeRepository(engine)
        seed_due_nudges(store, count, due_at=datetime.now(UTC))
        due = store.claim_due(
            now=datetime.now(UTC), limit=count, worker="bench", claimed_at=datetime.now(UTC)
        )
        engine.dispose()
        return due


@dataclass
class Bracketed:
    """Ratios of measurements to the mean of the baseline runs on either side of each."""

    ratios: list[float] = field(default_factory=list)
    bases: list[float] = field(default_factory=list)  # every baseline rate
    steals: list[float] = field(default_factory=list)  # the most stolen of each ratio's 3 runs


def bracketed(
    measure: Callable[[], float], baseline: Callable[[], float], repeat: int
) -> Bracketed:
    """`repeat` measurements, each run between two baseline runs. On a machine whose speed
    drifts, a ratio then compares runs made within seconds of each other; how much CPU the
    hypervisor took during each (bench/steal.py) is kept to show how noisy the machine was."""
    found = Bracketed()
    base, base_steal = timed_steal(baseline)
    found.bases.append(base)
    for _ in range(repeat):
        rate, steal = timed_steal(measure)
        after, after_steal = timed_steal(baseline)
        found.bases.append(after)
        found.ratios.append(rate / statistics.mean([base, after]))
        found.steals.append(max(base_steal, steal, after_steal))
        base, base_steal = after, after_steal
    return found


def main() -> None:
    """Print a markdown table of dispatcher vs bare-loop throughput per backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="due nudges (default 10000)")
    parser.add_argument("--sender", choices=["slack_sdk", "http"], default="slack_sdk")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4], help="send threads")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL to measure too")
    parser.add_argument(
        "--sqlite", action=argparse.BooleanOptionalAction, default=True, help="measure SQLite"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="dispatcher runs per row, each between two bare"
    )
    args = parser.parse_args()
    backends = [("SQLite", sqlite_database)] if args.sqlite else []
    if args.postgres:
        backends.append(("PostgreSQL", lambda: postgres_database(args.postgres)))
    print(f"sender: {args.sender}; each ratio against the bare runs just before and after it")
    print(
        "| backend | nudges | send threads | dispatcher msg/s (median) | bare loop msg/s "
        "| ratio, median (range) | CPU stolen | exactly one each |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, database in backends:
        for threads in args.threads:
            print(f"| {name} | {args.count:,} | {threads} | {_row(database, threads, args)} |")


def _row(database: Callable[[], Any], threads: int, args: argparse.Namespace) -> str:
    """The measured cells of one row of the table."""
    rates: list[float] = []
    singles: list[int] = []

    def measure() -> float:
        with database() as url:
            rate, once = dispatcher_rate(url, args.count, args.sender, threads)
        rates.append(rate)
        singles.append(once)
        return rate

    found = bracketed(measure, lambda: bare_rate(args.count, args.sender), args.repeat)
    bases, ratios, steals = found.bases, found.ratios, found.steals
    return (
        f"{statistics.median(rates):,.0f} | {min(bases):,.0f}-{max(bases):,.0f} "
        f"| **{statistics.median(ratios):.2f}** ({min(ratios):.2f}-{max(ratios):.2f}) "
        f"| {100 * min(steals):.0f}-{100 * max(steals):.0f}% "
        f"| {min(singles):,} of {args.count:,}"
    )


if __name__ == "__main__":
    main()
