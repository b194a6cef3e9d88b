"""Structured JSON logs with a request id, and Prometheus metrics on a registry of our own."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Tag every log line inside the block with a request id (new one if none is given)."""
    token = _request_id.set(request_id or uuid.uuid4().hex[:16])
    try:
        yield _request_id.get() or ""
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    """The request id of the code running now, if any."""
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields passed with `extra=` are kept."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := _request_id.get():
            entry["request_id"] = request_id
        entry |= {k: v for k, v in record.__dict__.items() if k not in _STANDARD_FIELDS}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, *, json_logs: bool) -> None:
    """Set up the root logger once, for a program's entry point (never for a library)."""
    handler = logging.StreamHandler()
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("chromadb", "httpx", "alembic", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Metrics:
    """Every metric LIF Coach exports, registered on one registry per process."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.ack_seconds = Histogram(
            "lif_slack_ack_seconds",
            "Time to acknowledge a Slack request",
            ["request_type"],
            registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5),
        )
        self.messages_posted = Counter(
            "lif_slack_messages_posted",
            "Messages posted or updated in Slack",
            ["method"],
            registry=r,
        )
        self.slack_api_errors = Counter(
            "lif_slack_api_errors", "Slack Web API errors by error code", ["code"], registry=r
        )
        self.nudges = Counter(
            "lif_nudges", "Follow-up nudges by outcome (due, sent, failed)", ["outcome"], registry=r
        )
        self.llm_calls = Counter(
            "lif_llm_calls", "LLM calls by purpose and outcome", ["purpose", "outcome"], registry=r
        )
        self.llm_seconds = Histogram(
            "lif_llm_seconds",
            "LLM call latency",
            ["purpose"],
            registry=r,
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60),
        )
        self.llm_tokens = Counter("lif_llm_tokens", "LLM tokens used", ["kind"], registry=r)
        self.retrieval_seconds = Histogram(
            "lif_retrieval_seconds",
            "Knowledge retrieval latency",
            ["operation"],
            registry=r,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
        )
