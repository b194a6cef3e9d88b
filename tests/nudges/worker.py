"""One dispatcher process for the multi-process tests: `python -m tests.nudges.worker ...`.

Runs the real Dispatcher and DispatcherLoop against the database, sending through
HttpNudgeSender to a FakeInbox; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import os
import signal
from datetime import timedelta

from bot.coaching.followup.messages import nudge_renderer
from bot.container import SystemClock
from bot.content import load_followup_texts, load_framework
from bot.nudges.dispatcher import Dispatcher, DispatcherLoop
from bot.storage.database import make_engine
from bot.storage.nudges import SqlNudgeRepository
from tests.keys import make_test_cipher
from tests.nudges.http_sender import HttpNudgeSender


def main() -> None:
    """Dispatch until SIGTERM."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--inbox-url", required=True)
    parser.add_argument("--lease-s", type=float, default=2.0)
    parser.add_argument("--interval-s", type=float, default=0.2)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    store = SqlNudgeRepository(make_engine(args.database_url, cipher=make_test_cipher()))
    dispatcher = Dispatcher(
        queue=store,
        repository=store,
        sender=HttpNudgeSender(args.inbox_url, worker=str(os.getpid())),
        render=nudge_renderer(framework=load_framework(), texts=load_followup_texts()),
        clock=SystemClock(),
        batch_size=args.batch,
        lease=timedelta(seconds=args.lease_s),
    )
    loop = DispatcherLoop(dispatcher, args.interval_s)
    signal.signal(signal.SIGTERM, lambda *_: loop.stop(timeout=0))
    print("ready", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
