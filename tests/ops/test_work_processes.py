"""`lif-coach serve` with LIF_WORK_PROCESSES: acks come from the serving process, the work from
work processes of its own; a person's reflection goes on exactly as with one process.

Real processes: the server, its spawned work processes and the fake Slack; the database is the
test run's (SQLite or PostgreSQL); the knowledge index is the default embedded Chroma, which
the work processes read from the folder the server indexed (two-replica tests cover a Chroma
server).
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.processes import (
    ServeProcess,
    alive,
    get,
    get_json,
    start_time,
    wait_for,
    work_processes,
)
from tests.ops.test_serve_process import serve_env
from tests.slack.driver import SlackUser, all_text, header
from tests.slack.fake_slack import FakeSlack

ANSWER = "We keep the ward's purpose on the handover sheet."


@pytest.fixture
def served(
    slack: FakeSlack,
    database_url: str,
    tmp_path: Path,
    model_dir: Path,
) -> Iterator[ServeProcess]:
    env = serve_env(
        slack=slack,
        database_url=database_url,
        chroma_url=None,  # embedded Chroma, read by the work processes
        data_dir=tmp_path / "data",
        model_dir=model_dir,
    )
    process = ServeProcess(env | {"LIF_WORK_PROCESSES": "2"}, tmp_path / "serve.log").start()
    yield process
    process.stop()


def counter(metrics: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", metrics, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def posted(server: ServeProcess) -> float:
    _, metrics = get(f"{server.url}/metrics")
    return counter(metrics, 'lif_slack_messages_posted_total{method="chat.postMessage"}')


def test_work_processes_do_the_work_while_the_server_acks(
    served: ServeProcess, slack: FakeSlack
) -> None:
    served.wait_until_ready(timeout=60)
    status, ready = get_json(f"{served.url}/readyz")
    assert status == 200 and ready["checks"]["work_processes"] == "ok"
    workers = work_processes(served)
    assert len(workers) == 2
    # They run only on CPU the server leaves idle: a burst of work never delays an ack.
    assert [os.sched_getscheduler(pid) for pid in workers] == [os.SCHED_IDLE] * 2
    assert os.sched_getscheduler(served.pid) == os.SCHED_OTHER

    user = SlackUser(served.events_url, slack, user_id="U-WORK")
    reply = user.command("leadership")
    assert reply.status == 200 and "Leadership" in reply.body  # the ack, from the server
    step = user.next_message(timeout=20)
    assert header(step) == "Leadership 1 of 9"
    assert user.say(ANSWER).status == 200  # an event: saved by a work process
    assert "Saved your reflection on *L1" in all_text(user.next_message(timeout=15))
    assert user.click(step, "lif.rate.4").status == 200
    step = user.next_message(timeout=15)
    assert header(step) == "Leadership 2 of 9"

    # With the work processes paused, Slack still gets its answer at once; the work waits.
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert user.click(step, "lif.rate.2").status == 200
        assert time.monotonic() - started < 2.0
        with pytest.raises(AssertionError):
            user.next_message(timeout=1.0)
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)
    assert header(user.next_message(timeout=15)) == "Leadership 3 of 9"

    # /metrics adds the work processes' counts (sent each second) to the server's own.
    dm_posts = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user.dm]
    assert len(dm_posts) >= 4
    wait_for(lambda: posted(served) == len(dm_posts), timeout=5, what="the work processes' counts")
    _, metrics = get(f"{served.url}/metrics")
    assert counter(metrics, 'lif_slack_ack_seconds_count{request_type="block_actions"}') == 2
    # The process series are the serving process's own: one each, never a sum over processes.
    started = re.findall(r"^process_start_time_seconds (\S+)$", metrics, re.MULTILINE)
    assert [float(value) for value in started] == [pytest.approx(start_time(served.pid), abs=0.02)]
    assert len(re.findall(r"^lif_build_info\{", metrics, re.MULTILINE)) == 1

    # A work process that dies is started again, and what it had counted is kept.
    os.kill(workers[0], signal.SIGKILL)
    wait_for(
        lambda: len(work_processes(served)) == 2 and workers[0] not in work_processes(served),
        timeout=10,
        what="a new work process",
    )
    served.wait_until_ready(timeout=60)
    assert posted(served) == len(dm_posts)
    assert user.command("resume").status == 200
    assert header(user.next_message(timeout=20)) == "Leadership 3 of 9"

    # SIGTERM: the server stops its work processes (they finish what is queued), then exits.
    workers = work_processes(served)
    assert served.stop() == 0, served.log()
    assert not any(alive(pid) for pid in workers)
    assert "serving process is gone" not in served.log()
    assert ANSWER not in served.log()


def test_work_processes_stop_when_the_serving_process_is_killed(
    served: ServeProcess, slack: FakeSlack
) -> None:
    """A killed server cannot stop them; they must not live on as orphans holding memory."""
    served.wait_until_ready(timeout=60)
    workers = work_processes(served)
    assert len(workers) == 2
    user = SlackUser(served.events_url, slack, user_id="U-ORPHAN")
    assert user.command("leadership").status == 200
    assert header(user.next_message(timeout=20)) == "Leadership 1 of 9"

    os.kill(served.pid, signal.SIGKILL)
    wait_for(
        lambda: not any(alive(pid) for pid in workers),
        timeout=15,
        what="the work processes to exit after their server was killed",
    )
