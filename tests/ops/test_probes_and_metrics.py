"""The probes and the metrics of one bot: /healthz, /readyz (database, Chroma, migrations) and
/metrics after a few Slack requests; and the log lines' shape."""

from __future__ import annotations

import importlib.metadata
import json
import logging
from collections.abc import Callable

from prometheus_client import generate_latest
from sqlalchemy import text
from starlette.testclient import TestClient

from bot.container import Coach
from bot.llm.metrics import LlmCall
from bot.observability import JsonFormatter, Metrics, MetricsRecorder, SkipAccessLines
from bot.slack.probes import BackgroundServer, make_probe_app, readiness_checks
from bot.slack.server import make_asgi_app
from bot.slack.work_processes import _families
from bot.storage.database import check_ready, head_revision, upgrade
from tests.ops.processes import get
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot
from tests.slack.test_failures import Outage

METRIC_NAMES = [
    "lif_slack_ack_seconds",
    "lif_slack_messages_posted",
    "lif_slack_api_errors",
    "lif_nudges",
    "lif_llm_calls",
    "lif_llm_seconds",
    "lif_llm_tokens",
    "lif_retrieval_seconds",
]


class ChromaDown:
    """A retriever whose Chroma client no longer answers."""

    def __init__(self, retriever: object) -> None:
        self.retriever = retriever

    def heartbeat(self) -> int:
        raise ConnectionError("Could not connect to a Chroma server")

    def __getattr__(self, name: str) -> object:
        return getattr(self.retriever, name)


def _set_revision(coach: Coach, revision: str) -> None:
    with coach.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_a_chroma_that_does_not_answer_leaves_the_bot_ready_and_says_it_is_degraded(
    make_coach: Callable[[], Coach],
) -> None:
    # One Chroma pod restarting must not take every bot pod out of the Service: retrieval is
    # an aid, and every step works without it.
    coach = make_coach()
    assert list(readiness_checks(coach)) == ["database"]  # the fake retriever uses no Chroma
    coach.retriever = ChromaDown(coach.retriever)  # type: ignore[assignment]
    with TestClient(make_asgi_app(coach)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "ok": True,
            "degraded": ["chroma"],
            "checks": {
                "database": "ok",
                "chroma": "degraded: ConnectionError: Could not connect to a Chroma server",
            },
        }
        assert client.get("/healthz").status_code == 200
        passed = coach.metrics.runtime.get_sample_value
        assert passed("lif_readiness_check_ok", {"check": "chroma"}) == 0
        assert passed("lif_readiness_check_ok", {"check": "database"}) == 1

        outage = Outage(coach.engine)  # the database down too: not ready, for the database
        outage.begin()
        try:
            down = client.get("/readyz")
        finally:
            outage.end()
        assert down.status_code == 503 and down.json()["failed"] == ["database"]
        assert down.json()["checks"]["chroma"].startswith("degraded: ConnectionError")
    coach.engine.dispose()


def test_readyz_accepts_a_newer_migration_but_not_an_older_one(
    make_coach: Callable[[], Coach],
) -> None:
    coach = make_coach()
    with TestClient(make_asgi_app(coach)) as client:
        assert client.get("/readyz").status_code == 200
        _set_revision(coach, "9999_a_later_release")  # the new release migrated mid-rollout
        assert client.get("/readyz").status_code == 200
        assert upgrade(coach.engine) == "9999_a_later_release", "an old pod leaves it alone"
        _set_revision(coach, "0001")
        behind = client.get("/readyz")
        assert behind.status_code == 503 and behind.json()["failed"] == ["database"]
        assert f"not {head_revision()}" in behind.json()["checks"]["database"]
        assert "lif-coach db upgrade" in behind.json()["checks"]["database"]
    _set_revision(coach, head_revision())
    check_ready(coach.engine)
    coach.engine.dispose()


def test_metrics_after_a_reflection_step_over_slack(
    bot: RunningBot, user: SlackUser, slack: FakeSlack
) -> None:
    user.command("leadership")
    step = user.next_message()
    user.say("We agreed the ward's purpose together at handover.")
    user.next_message()
    slack.fail_next("chat.update", times=3, status=500)  # the retries too: an API error
    user.click(step, "lif.rate.4")
    user.next_message()
    slack.wait_for(lambda: len(slack.calls_to("chat.update")) >= 3, what="the failed update")
    # The fake sees a call before the bot has counted its reply: wait for the counters too.
    slack.wait_for(lambda: _counted(bot), what="the counters to catch up")

    status, body = get(f"{bot.url}/metrics")

    assert status == 200
    types = {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE ")}
    assert {name.removesuffix("_total") for name in types} >= set(METRIC_NAMES)
    samples = _samples(body)
    for kind in ("command", "event", "block_actions"):
        assert samples[f'lif_slack_ack_seconds_count{{request_type="{kind}"}}'] >= 1, kind
    assert samples['lif_slack_messages_posted_total{method="chat.postMessage"}'] >= 3
    assert samples['lif_slack_api_errors_total{code="internal_error"}'] == 1
    assert samples['lif_retrieval_seconds_count{operation="search"}'] >= 1


def _counted(bot: RunningBot) -> bool:
    samples = _samples(get(f"{bot.url}/metrics")[1])
    return (
        samples.get('lif_slack_messages_posted_total{method="chat.postMessage"}', 0) >= 3
        and samples.get('lif_slack_api_errors_total{code="internal_error"}', 0) >= 1
    )


def _samples(exposition: str) -> dict[str, float]:
    lines = (line.rsplit(" ", 1) for line in exposition.splitlines() if line[:1] not in "#")
    return {name: float(value) for name, value in lines}


def test_model_calls_are_counted_with_their_latency_and_tokens() -> None:
    metrics = Metrics()
    recorder = MetricsRecorder(metrics)
    recorder.record(LlmCall("question", "m", "ok", 0.4, input_tokens=120, output_tokens=30))
    recorder.record(LlmCall("question", "m", "timeout", 20.0))
    value = metrics.registry.get_sample_value
    assert value("lif_llm_calls_total", {"purpose": "question", "outcome": "ok"}) == 1
    assert value("lif_llm_calls_total", {"purpose": "question", "outcome": "timeout"}) == 1
    assert value("lif_llm_seconds_count", {"purpose": "question"}) == 2
    assert value("lif_llm_tokens_total", {"kind": "input"}) == 120
    assert value("lif_llm_tokens_total", {"kind": "output"}) == 30


def _access_record(path: str, status: int = 200) -> logging.LogRecord:
    args = ("10.0.0.7:51234", "GET", path, "1.1", status)
    return logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access", logging.INFO, "h11_impl.py", 1, '%s - "%s %s HTTP/%s" %d', args, None
    )


def test_access_lines_are_json_fields_and_probes_are_left_out() -> None:
    line = json.loads(JsonFormatter().format(_access_record("/slack/events")))
    assert line["logger"] == "uvicorn.access" and line["path"] == "/slack/events"
    assert line["method"] == "GET"
    assert line["status"] == 200 and "\x1b[" not in json.dumps(line)
    keep = SkipAccessLines().filter
    assert keep(_access_record("/slack/events"))
    assert not any(keep(_access_record(path)) for path in ("/healthz", "/readyz", "/metrics"))
    assert keep(_access_record("/slack/events?x=1")) and not keep(_access_record("/readyz?x=1"))


def test_answered_slack_requests_leave_their_access_line_to_the_ack_line() -> None:
    skipping = SkipAccessLines()
    skipping.answered = frozenset({"/slack/events"})
    assert not skipping.filter(_access_record("/slack/events")), "its ack line says it all"
    assert skipping.filter(_access_record("/slack/events", 405)), "refused before Bolt: kept"
    assert skipping.filter(_access_record("/slack/events", 401)), "a failure keeps both lines"
    assert skipping.filter(_access_record("/slack/oauth_redirect"))
    assert not skipping.filter(_access_record("/metrics"))


def test_uvicorn_colour_codes_never_reach_a_json_line() -> None:
    record = logging.getLogger("uvicorn.error").makeRecord(
        "uvicorn.error", logging.INFO, "server.py", 1, "Uvicorn running on %s", ("x",), None
    )
    record.color_message = "Uvicorn running on \x1b[1m%s\x1b[0m"
    assert "color_message" not in json.loads(JsonFormatter().format(record))


def test_socket_mode_serves_the_probes_from_a_background_server(
    make_coach: Callable[[], Coach],
) -> None:
    coach = make_coach()
    probes = BackgroundServer(make_probe_app(coach), 0, host="127.0.0.1").start()
    try:
        url = f"http://127.0.0.1:{probes.port}"
        assert get(f"{url}/healthz") == (200, '{"ok":true}')
        assert get(f"{url}/readyz")[0] == 200
        assert "lif_slack_ack_seconds" in get(f"{url}/metrics")[1]
        assert get(f"{url}/slack/events")[0] == 404  # Slack comes over the socket, not here
    finally:
        probes.stop()
        coach.engine.dispose()
    assert not probes.thread.is_alive()


def test_metrics_from_other_processes_are_summed_into_one_exposition() -> None:
    here, work_a, work_b = Metrics(), Metrics(), Metrics()
    here.messages_posted.labels("views.open").inc()
    work_a.messages_posted.labels("chat.postMessage").inc(3)
    work_b.messages_posted.labels("chat.postMessage").inc(2)
    work_b.retrieval_seconds.labels("search").observe(0.004)
    work_a.retrieval_seconds.labels("search").observe(0.3)
    here.add_source(lambda: list(work_a.registry.collect()))
    here.add_source(lambda: list(work_b.registry.collect()))

    text_format = generate_latest(here.exposed()).decode()

    assert 'lif_slack_messages_posted_total{method="chat.postMessage"} 5.0' in text_format
    assert 'lif_slack_messages_posted_total{method="views.open"} 1.0' in text_format
    assert 'lif_retrieval_seconds_bucket{le="0.005",operation="search"} 1.0' in text_format
    assert 'lif_retrieval_seconds_count{operation="search"} 2.0' in text_format
    assert text_format.count("# TYPE lif_slack_messages_posted_total counter") == 1  # one family
    created = [
        line
        for line in text_format.splitlines()
        if line.startswith('lif_slack_messages_posted_created{method="chat.postMessage"}')
    ]
    assert len(created) == 1  # the earliest of the two processes' start times


def _sample_lines(exposition: str, name: str) -> list[str]:
    return [line for line in exposition.splitlines() if line.split("{")[0].split(" ")[0] == name]


def test_metrics_describe_the_process_and_the_release_it_runs(bot: RunningBot) -> None:
    status, body = get(f"{bot.url}/metrics")

    assert status == 200
    samples = _samples(body)
    for name in (
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "process_open_fds",
        "process_start_time_seconds",
    ):
        assert samples[name] > 0, name
    assert samples['python_gc_collections_total{generation="0"}'] >= 0
    assert any(name.startswith("python_info{") for name in samples)
    version = importlib.metadata.version("lif-coach")
    assert samples[f'lif_build_info{{version="{version}"}}'] == 1


def test_work_processes_add_their_counts_but_never_their_process_series() -> None:
    here, work_a, work_b = Metrics(), Metrics(), Metrics()
    work_a.messages_posted.labels("chat.postMessage").inc(3)
    work_b.messages_posted.labels("chat.postMessage").inc(2)
    here.add_source(lambda: _families(work_a))  # what each work process sends, each second
    here.add_source(lambda: _families(work_b))

    text_format = generate_latest(here.exposed()).decode()

    assert 'lif_slack_messages_posted_total{method="chat.postMessage"} 5.0' in text_format
    for name in ("process_start_time_seconds", "process_virtual_memory_bytes", "lif_build_info"):
        (line,) = _sample_lines(text_format, name)  # one series: the serving process's
        assert text_format.count(f"# TYPE {name.removesuffix('_info')}") == 1, name
    start = float(_sample_lines(text_format, "process_start_time_seconds")[0].split()[-1])
    assert start == here.runtime.get_sample_value("process_start_time_seconds")
