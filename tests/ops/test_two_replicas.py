"""Two replicas of `lif-coach serve` behind one Slack app: any replica can take the next step.

Two real processes start together on an empty PostgreSQL schema (so their start-up migrations
race, under the advisory lock) and share a `chroma run` server. One person's consecutive
steps go alternately to the two, as a load balancer would send them; the conversation goes on
as if there were one bot.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.processes import ChromaServer, ServeProcess, get
from tests.ops.test_serve_process import serve_env
from tests.slack.driver import SlackUser, action_ids, all_text, header
from tests.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.skipif(
    not os.environ.get("LIF_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="replicas share one database, which needs PostgreSQL (SQLite is one process's file): "
    "set LIF_TEST_DATABASE_URL=postgresql://...",
)

RATINGS = [4, 2, 5, 3, 1, 4]


@pytest.fixture
def replicas(
    slack: FakeSlack,
    database_url: str,
    chroma_server: ChromaServer,
    tmp_path: Path,
    model_dir: Path,
) -> Iterator[list[ServeProcess]]:
    started = []
    for name in ("a", "b"):
        env = serve_env(
            slack=slack,
            database_url=database_url,
            chroma_url=chroma_server.url,
            data_dir=tmp_path / f"data-{name}",  # each pod has its own emptyDir
            model_dir=model_dir,
        )
        started.append(ServeProcess(env, tmp_path / f"serve-{name}.log").start())
    yield started
    for process in started:
        process.stop()


def test_one_persons_steps_alternate_between_two_replicas(
    replicas: list[ServeProcess], slack: FakeSlack
) -> None:
    for replica in replicas:  # both migrated (one waited for the other) and indexed, or found it
        replica.wait_until_ready(timeout=40)
    user = SlackUser(replicas[0].events_url, slack, user_id="U-TWO")

    assert user.command("leadership").status == 200  # replica a
    step = user.next_message(timeout=15)
    for number, rating in enumerate(RATINGS, start=1):
        user.events_url = replicas[number % 2].events_url  # b, a, b, ...
        assert header(step) == f"Leadership {number} of 9"
        if number == 3:
            assert user.say("We keep the ward's purpose on the handover sheet.").status == 200
            assert "Saved your reflection on *L3" in all_text(user.next_message(timeout=15))
        assert user.click(step, f"lif.rate.{rating}").status == 200
        following = user.next_message(timeout=15)
        assert f"You rated this *{rating}*" in all_text(user.current(step))
        assert action_ids(user.current(step)) == []
        step = following
    assert header(step) == f"Leadership {len(RATINGS) + 1} of 9"

    user.events_url = replicas[1].events_url
    assert "Picking up" in user.command("resume").body  # the other replica knows where it is
    assert header(user.next_message(timeout=15)) == f"Leadership {len(RATINGS) + 1} of 9"
    posted = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user.dm]
    assert len(posted) == user.seen, "no step was posted twice"
    for replica in replicas:
        clicks = _count(get(f"{replica.url}/metrics")[1], "block_actions")
        assert clicks == len(RATINGS) // 2, "each replica handled half of the clicks"


def _count(metrics: str, request_type: str) -> float:
    pattern = rf'lif_slack_ack_seconds_count\{{request_type="{request_type}"\}} (\S+)'
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0
