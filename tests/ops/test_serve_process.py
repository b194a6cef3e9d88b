"""`lif-coach serve` as the container runs it: JSON logs, probes on PORT, a Chroma server.

A real process (the CLI's own logging setup, uvicorn's access log), a person's first steps over
signed requests, then Chroma stops: /readyz names it, /healthz still answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.crypto import KEY_VARIABLE
from tests.keys import TEST_KEY
from tests.ops.processes import ChromaServer, ServeProcess, get, get_json
from tests.slack.driver import SIGNING_SECRET, SlackUser, header, post
from tests.slack.fake_slack import TOKEN, FakeSlack

ANSWER = "Zebra-crossing handover: Priya covered my bay while I phoned the family."


def serve_env(
    *,
    slack: FakeSlack,
    database_url: str,
    chroma_url: str | None,
    data_dir: Path,
    model_dir: Path,
) -> dict[str, str]:
    """The environment of one bot process, as the chart gives a pod (no Chroma URL: embedded)."""
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "LIF_DATABASE_URL": database_url,
        "LIF_CHROMA_URL": chroma_url,
        "LIF_CHROMA_COLLECTION": "lif_ops_test",
        "LIF_DATA_DIR": str(data_dir),
        "LIF_EMBEDDING_MODEL_DIR": str(model_dir),
        "LIF_LOG_FORMAT": "json",
        KEY_VARIABLE: TEST_KEY,  # replicas share one key, or they cannot read each other's rows
    }
    return {key: value for key, value in env.items() if value is not None}


@pytest.fixture
def served(
    slack: FakeSlack,
    database_url: str,
    chroma_server: ChromaServer,
    tmp_path: Path,
    model_dir: Path,
) -> Iterator[ServeProcess]:
    env = serve_env(
        slack=slack,
        database_url=database_url,
        chroma_url=chroma_server.url,
        data_dir=tmp_path / "data",
        model_dir=model_dir,
    )
    process = ServeProcess(env, tmp_path / "serve.log").start()
    yield process
    process.stop()


def test_serve_answers_probes_logs_json_with_request_ids_and_never_the_answers(
    served: ServeProcess, slack: FakeSlack, chroma_server: ChromaServer
) -> None:
    served.wait_until_ready()
    assert get_json(f"{served.url}/readyz") == (
        200,
        {"ok": True, "checks": {"database": "ok", "chroma": "ok"}},
    )
    user = SlackUser(served.events_url, slack, user_id="U-OPS")
    assert user.command("leadership").status == 200
    step = user.next_message(timeout=15)
    assert user.say(ANSWER).status == 200
    user.next_message(timeout=15)
    assert user.click(step, "lif.rate.4").status == 200
    second = user.next_message(timeout=15)
    status, metrics = get(f"{served.url}/metrics")
    assert status == 200 and 'lif_slack_ack_seconds_count{request_type="command"} 1.0' in metrics
    forged = post(
        served.events_url,
        b"command=/lif-reflect",
        "application/x-www-form-urlencoded",
        signature="v0=forged",
    )
    assert forged.status == 401

    # The Chroma server restarts (its pod moved, say): the bot stays ready, says retrieval is
    # degraded, and a person's steps go on without it; then Chroma is back.
    chroma_server.stop()
    status, body = get_json(f"{served.url}/readyz")
    assert status == 200 and body["degraded"] == ["chroma"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["chroma"].startswith("degraded: ")
    assert get(f"{served.url}/healthz")[0] == 200
    assert user.click(second, "lif.rate.3").status == 200
    assert header(user.next_message(timeout=15)) == "Leadership 3 of 9"
    chroma_server.start()
    assert get_json(f"{served.url}/readyz")[1]["checks"]["chroma"] == "ok"
    # SIGTERM: uvicorn shuts down gracefully, then serve's own shutdown runs (the check-in
    # loop stops) and it exits 0, not killed by the signal uvicorn raises again afterwards.
    assert served.stop() == 0, served.log()
    assert "Finished server process" in served.log()
    assert "Stopping on SIGTERM" in served.log()

    lines = [json.loads(line) for line in served.log_lines()]  # every line is one JSON object
    assert "\x1b[" not in served.log(), "no ANSI colour codes"
    assert ANSWER not in served.log() and "Zebra-crossing" not in served.log()
    acks = [line for line in lines if line["logger"] == "bot.slack.metrics"]
    assert [(a["request_type"], a["status"]) for a in acks] == [
        ("command", 200),
        ("event", 200),
        ("block_actions", 200),
        ("command", 401),
        ("block_actions", 200),  # while Chroma was down
    ]
    assert all(len(a.get("request_id", "")) == 16 for a in acks)
    assert len({a["request_id"] for a in acks}) == 5, "one request id per Slack request"
    # One line per answered Slack request (its ack line); a refused one keeps its access
    # line too; probes stay out of the access log.
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert [(a["method"], a["path"], a["status"]) for a in access] == [
        ("POST", "/slack/events", 401)
    ]
