"""Memory of `lif-coach serve`: resident size idle, and after 1,000 reflections over Slack.

One real `lif-coach serve` process (HTTP mode, SQLite or PostgreSQL, embedded Chroma with the
real embedding model) and a local fake Slack. Each simulated reflection is one person's
`/lif-reflect leadership`, a written answer, and a rating of each of the domain's 9 steps up to
the summary of priority areas, 10 people at a time; then 20 of them confirm their priority
areas and open Home, which draws their ratings chart. Target: under 400 MB resident.
With --work-processes N, the server runs N work processes (LIF_WORK_PROCESSES), and the
table adds the total of all its processes: resident (shared pages counted once per process)
and proportional (shared pages split between them: the fair total).

Run from the repository root (about 2 minutes):
  .venv/bin/python -m bench.serve_memory [--reflections 1000] [--database-url postgresql://...]
      [--charts 20] [--work-processes 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from bench.dispatch_throughput import postgres_database
from bot.storage.crypto import KEY_VARIABLE
from tests.keys import TEST_KEY
from tests.ops.processes import ServeProcess, work_processes
from tests.slack.driver import SIGNING_SECRET, SlackUser
from tests.slack.fake_slack import TOKEN, FakeSlack

STEPS = 9  # the Leadership domain


def resident_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def proportional_mb(pid: int) -> float:
    """Proportional set size (shared pages split among the processes sharing them), in MB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass(frozen=True)
class Reading:
    """The server's own resident MB, and the totals over it and its work processes."""

    server: float
    resident: float
    proportional: float

    @classmethod
    def of(cls, serve: ServeProcess) -> Reading:
        pids = [serve.pid, *work_processes(serve)]
        return cls(
            server=resident_mb(serve.pid)[0],
            resident=sum(resident_mb(pid)[0] for pid in pids),
            proportional=sum(proportional_mb(pid) for pid in pids),
        )

    def row(self, what: str, *, with_work: bool) -> str:
        totals = f" | {self.resident:.0f} | {self.proportional:.0f}" if with_work else ""
        return f"| {what} | {self.server:.0f}{totals} |"


def reflect(user: SlackUser) -> dict[str, object]:
    """One person's whole Leadership reflection, up to the summary (returned)."""
    user.command("leadership")
    step = user.next_message(timeout=60)
    user.say("We agreed the ward's purpose at handover and wrote it on the board.")
    user.next_message(timeout=60)
    for number in range(STEPS):
        user.click(step, f"lif.rate.{number % 5 + 1}")
        step = user.next_message(timeout=60)
    return step


def confirm_and_open_home(user: SlackUser, summary: dict[str, object], slack: FakeSlack) -> None:
    """Confirm the priority areas, then open Home, which draws and uploads the ratings chart."""
    user.click(summary, "lif.confirm")
    user.next_message(timeout=60)  # the follow-up plan
    uploads = len(slack.calls_to("files.completeUploadExternal"))
    user.open_home()
    slack.wait_for(
        lambda: len(slack.calls_to("files.completeUploadExternal")) > uploads,
        timeout=60,
        what="a chart uploaded for Home",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reflections", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--charts", type=int, default=20, help="people who then open Home")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--work-processes", type=int, default=0)
    args = parser.parse_args()
    slack = FakeSlack().start()
    schema = postgres_database(args.database_url) if args.database_url else nullcontext(None)
    with tempfile.TemporaryDirectory() as folder, schema as database_url:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "LIF_DATA_DIR": str(Path(folder) / "data"),
            "LIF_LOG_LEVEL": "WARNING",
            KEY_VARIABLE: TEST_KEY,
            "LIF_WORK_PROCESSES": str(args.work_processes),
        }
        if database_url:
            env["LIF_DATABASE_URL"] = database_url
        serve = ServeProcess(env, Path(folder) / "serve.log").start()
        try:
            serve.wait_until_ready(timeout=60)
            time.sleep(2)
            idle = Reading.of(serve)
            users = [
                SlackUser(serve.events_url, slack, user_id=f"U-MEM-{n}")
                for n in range(args.reflections)
            ]
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                summaries = list(pool.map(reflect, users))
            elapsed = time.perf_counter() - started
            after = Reading.of(serve)
            for user, summary in list(zip(users, summaries, strict=True))[: args.charts]:
                confirm_and_open_home(user, summary, slack)
            charted, (_, peak) = Reading.of(serve), resident_mb(serve.pid)
        finally:
            serve.stop()
            slack.stop()
    requests = args.reflections * (STEPS + 2)
    with_work = args.work_processes > 0
    extra = " | all processes, resident MB | all processes, proportional MB" if with_work else ""
    print(f"| `lif-coach serve` | serving process, resident MB{extra} |")
    print("| --- | ---: |" + (" ---: | ---: |" if with_work else ""))
    print(idle.row("idle, after start-up", with_work=with_work))
    what = f"after {args.reflections:,} reflections ({requests:,} Slack requests)"
    print(after.row(what, with_work=with_work))
    what = f"then {args.charts} people confirm and open Home (a chart each)"
    print(charted.row(what, with_work=with_work))
    print(f"| peak of the serving process | {peak:.0f} |")
    print(f"\n{requests / elapsed:.0f} Slack requests per second over {elapsed:.0f} s")


if __name__ == "__main__":
    main()
