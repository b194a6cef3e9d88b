"""Slack benchmark: how fast the bot acknowledges /lif-reflect, and how soon the DM follows.

The real app under uvicorn, a local fake Slack Web API, signed slash commands from distinct
people sent at a given concurrency. Slack needs the ack within 3 s.

Run from the repository root:
  .venv/bin/python -m bench.slack_ack_latency [--concurrency 1 10 50] [--requests 150]
  (add --database-url postgresql://... to measure on PostgreSQL instead of a SQLite file)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.container import build_coach
from bot.content import load_framework
from bot.settings import Settings
from tests.fakes import KeywordRetriever
from tests.slack.driver import SIGNING_SECRET, SlackUser
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.slack.harness import RunningBot

ACK_DEADLINE_MS = 3_000


@dataclass(frozen=True)
class Result:
    """Ack and first-step latencies at one concurrency."""

    concurrency: int
    requests: int
    errors: int
    ack_p50_ms: float
    ack_p95_ms: float
    ack_max_ms: float
    late_acks: int
    step_p50_ms: float
    step_p95_ms: float


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _one(user: SlackUser) -> tuple[int, float, float]:
    """Send `/lif-reflect leadership`; (HTTP status, ack ms, ms until the first step is posted)."""
    started = time.perf_counter()
    reply = user.command("leadership")
    acked = time.perf_counter()
    user.next_message(timeout=60)
    posted = time.perf_counter()
    return reply.status, (acked - started) * 1000, (posted - started) * 1000


def run(bot: RunningBot, slack: FakeSlack, concurrency: int, requests: int) -> Result:
    """Fire `requests` commands from distinct people, `concurrency` at a time."""
    users = [
        SlackUser(bot.events_url, slack, user_id=f"U-BENCH-{concurrency}-{n}")
        for n in range(requests)
    ]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(_one, users))
    acks = [ack for _, ack, _ in outcomes]
    steps = [step for _, _, step in outcomes]
    return Result(
        concurrency=concurrency,
        requests=requests,
        errors=sum(1 for status, _, _ in outcomes if status != 200),
        ack_p50_ms=round(statistics.median(acks), 1),
        ack_p95_ms=round(_percentile(acks, 0.95), 1),
        ack_max_ms=round(max(acks), 1),
        late_acks=sum(1 for ack in acks if ack > ACK_DEADLINE_MS),
        step_p50_ms=round(statistics.median(steps), 1),
        step_p95_ms=round(_percentile(steps, 0.95), 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    slack = FakeSlack().start()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            data_dir=Path(data_dir),
            database_url=args.database_url,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.url,
        )
        coach = build_coach(settings, retriever=KeywordRetriever(load_framework()))
        bot = RunningBot(coach).start()
        try:
            for concurrency in args.concurrency:
                print(json.dumps(asdict(run(bot, slack, concurrency, args.requests))))
        finally:
            bot.stop()
            slack.stop()


if __name__ == "__main__":
    main()
