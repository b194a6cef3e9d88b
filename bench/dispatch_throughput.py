"""Nudge dispatch throughput: the dispatcher vs a bare loop posting the same messages.

Both post to the same kind of local Slack-like HTTP server (tests/nudges/fake_inbox.py) through
the same keep-alive HTTP sender; the dispatcher also claims, marks sent and plans each person's
next check-in and reminder in the database. Run from the repository root:

    .venv/bin/python -m bench.dispatch_throughput [--count 2000|10000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.models import DueNudge
from bot.container import SystemClock
from bot.content import load_followup_texts, load_framework
from bot.nudges.dispatcher import Dispatcher
from bot.storage.database import make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from tests.nudges.fake_inbox import FakeInbox
from tests.nudges.http_sender import HttpNudgeSender
from tests.nudges.seed import seed_due_nudges

RENDER = nudge_renderer(framework=load_framework(), texts=load_followup_texts())


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


def dispatcher_rate(url: str, count: int) -> tuple[float, int]:
    """Messages per second through the dispatcher, and how many people got exactly one."""
    engine = make_engine(url)
    upgrade(engine)
    store = SqlNudgeRepository(engine)
    seed_due_nudges(store, count, due_at=datetime.now(UTC) - timedelta(minutes=1))
    inbox = FakeInbox().start()
    try:
        dispatcher = Dispatcher(
            queue=store,
            repository=store,
            sender=HttpNudgeSender(inbox.url),
            render=RENDER,
            clock=SystemClock(),
        )
        started = time.perf_counter()
        sent = dispatcher.send_due()
        elapsed = time.perf_counter() - started
        assert sent == count, f"sent {sent} of {count}"
        once = sum(1 for n in inbox.per_channel().values() if n == 1)
    finally:
        inbox.stop()
        engine.dispose()
    return count / elapsed, once


def bare_rate(count: int) -> float:
    """Messages per second posting the same rendered messages in a plain loop."""
    messages = [RENDER(due.record, None) for due in _fake_due(count)]
    inbox = FakeInbox().start()
    try:
        sender = HttpNudgeSender(inbox.url)
        started = time.perf_counter()
        for message in messages:
            sender.send(message)
        return count / (time.perf_counter() - started)
    finally:
        inbox.stop()


def _fake_due(count: int) -> list[DueNudge]:
    with sqlite_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        store = SqlNudgeRepository(engine)
        seed_due_nudges(store, count, due_at=datetime.now(UTC))
        due = store.claim_due(
            now=datetime.now(UTC), limit=count, worker="bench", claimed_at=datetime.now(UTC)
        )
        engine.dispose()
        return due


def main() -> None:
    """Print a markdown table of dispatcher vs bare-loop throughput per backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2_000, help="due nudges (default 2000)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL to measure too")
    args = parser.parse_args()
    bare = bare_rate(args.count)
    rows = []
    backends = [("SQLite", sqlite_database())]
    if args.postgres:
        backends.append(("PostgreSQL", postgres_database(args.postgres)))
    for name, database in backends:
        with database as url:
            rate, once = dispatcher_rate(url, args.count)
        rows.append((name, rate, once))
    print("| backend | nudges | dispatcher msg/s | bare loop msg/s | ratio | exactly one each |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, rate, once in rows:
        print(
            f"| {name} | {args.count:,} | {rate:,.0f} | {bare:,.0f} | {rate / bare:.2f} "
            f"| {once:,} of {args.count:,} |"
        )


if __name__ == "__main__":
    main()
