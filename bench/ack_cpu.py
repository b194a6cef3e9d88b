"""Slack benchmark: CPU time per command in each process, the real app against the bare one.

Latency at 50 at once on a 2-core machine says how busy the whole machine was; this says where
the CPU went. The same two apps as bench/slack_ack_latency.py (`lif-coach serve` with its work
processes, and the bare Bolt app that only acks), the same fake Slack and client. At one
concurrency, `--requests` signed `/lif-reflect leadership` commands go to the bare app, then to
the real one, and the CPU time each process used meanwhile is read from /proc (Linux only):
the bare app's, the real serving process's (the acknowledging), and its work processes' (the
reflection started and its first step posted, measured until every person has it). The ratio
is the serving process's CPU per command against the bare app's.

Run from the repository root (about a minute):
  .venv/bin/python -m bench.ack_cpu [--concurrency 50] [--requests 600]
      [--database-url postgresql://...] [--work-processes 1] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.bare_bolt_app import BARE_ACK
from bench.slack_ack_latency import REAL_ACK, Bench, ack_run, bench_apps, wait_until_quiet
from tests.ops.processes import ROOT, ServeProcess

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def work_processes_of(pid: int) -> list[int]:
    """The serving process's work processes: its spawned children, not the resource tracker."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(int(child))
    return found


@dataclass(frozen=True)
class Round:
    """Milliseconds of CPU per command."""

    bare: float
    serving: float
    work: float


def measure(bench: Bench, tag: str, concurrency: int, requests: int) -> Round:
    """One round: the bare app's commands, then the real app's, and its work until done."""
    real, bare = bench.real, bench.bare
    assert real.process is not None and bare.process is not None
    serving = real.process.pid
    workers = work_processes_of(serving)

    def send(process: ServeProcess, expected: str, run_tag: str) -> None:
        bench.clients.submit(
            ack_run, process.events_url, bench.slack.root, run_tag, concurrency, requests, expected
        ).result()

    before = {pid: cpu_seconds(pid) for pid in [bare.process.pid, serving, *workers]}
    send(bare, BARE_ACK, f"B{tag}")
    bare_used = cpu_seconds(bare.process.pid) - before[bare.process.pid]
    send(real, REAL_ACK, tag)
    acked = cpu_seconds(serving)  # before its work processes' work is done, not after
    wait_until_quiet(bench.slack, tag, concurrency, requests)
    work = sum(cpu_seconds(pid) - before[pid] for pid in workers)
    ms_per_command = 1000 / requests
    return Round(
        bare=bare_used * ms_per_command,
        serving=(acked - before[serving]) * ms_per_command,
        work=work * ms_per_command,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--work-processes", type=int, default=1)
    args = parser.parse_args()

    with bench_apps(args.database_url, args.work_processes) as bench:
        rounds = [
            measure(bench, f"CPU{n}", args.concurrency, args.requests) for n in range(args.rounds)
        ]
    print(
        f"{args.requests} commands at {args.concurrency} at once, "
        f"{args.work_processes} work process(es), "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    print("| round | bare app ms CPU / command | serving process | ratio | work processes |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for number, one in enumerate(rounds, 1):
        print(
            f"| {number} | {one.bare:.2f} | {one.serving:.2f} "
            f"| {one.serving / one.bare:.2f} | {one.work:.2f} |"
        )
    ratio = statistics.median(r.serving / r.bare for r in rounds)
    print(f"median serving / bare: {ratio:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
