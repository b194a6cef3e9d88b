"""Structured JSON logs with a request id, and Prometheus metrics on a registry of our own."""

from __future__ import annotations

import contextvars
import importlib.metadata
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    Metric,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.samples import Sample

if TYPE_CHECKING:
    from bot.coaching.framework import Attribute
    from bot.coaching.ports import Passage, Retriever
    from bot.llm.metrics import LlmCall

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# uvicorn adds `color_message` (ANSI colour codes) to its own lines: never a JSON field.
_STANDARD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
ACCESS_LOGGER = "uvicorn.access"
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
P = ParamSpec("P")
T = TypeVar("T")


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
        entry |= _access_fields(record)
        entry |= {k: v for k, v in record.__dict__.items() if k not in _STANDARD_FIELDS}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _access_fields(record: logging.LogRecord) -> dict[str, Any]:
    """uvicorn's access line as fields: its args are (client, method, path, version, status)."""
    if record.name != ACCESS_LOGGER or not isinstance(record.args, tuple) or len(record.args) != 5:
        return {}
    client, method, path, _, status = record.args
    return {"client": client, "method": method, "path": path, "status": status}


class SkipAccessLines(logging.Filter):
    """Drops uvicorn's access lines for /healthz, /readyz and /metrics (every few seconds), and
    those answered 200 on paths whose requests log a line of their own
    (`skip_answered_access_lines`)."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: frozenset[str] = frozenset()

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a probe's access line, or an answered one on a path of `answered`."""
        fields = _access_fields(record)
        if not fields:
            return True
        path = str(fields["path"]).split("?", 1)[0]
        return path not in PROBE_PATHS and not (path in self.answered and fields["status"] == 200)


def skip_answered_access_lines(path: str) -> None:
    """Leave out uvicorn's access line for requests to `path` answered 200 (they log their
    own line); a failure there keeps its access line."""
    access = _access_filter()
    access.answered = access.answered | {path}


def _access_filter() -> SkipAccessLines:
    """The filter on uvicorn's access logger (added on first use)."""
    access = logging.getLogger(ACCESS_LOGGER)
    found = next((f for f in access.filters if isinstance(f, SkipAccessLines)), None)
    if found is None:
        found = SkipAccessLines()
        access.addFilter(found)
    return found


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
    _access_filter()


class ContextThreadPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context, so they keep its request id."""

    def submit(  # type: ignore[override]
        self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Future[T]:
        """Run `fn` on a worker thread inside a copy of the caller's context."""
        context = contextvars.copy_context()
        return super().submit(lambda: context.run(fn, *args, **kwargs))


class Metrics:
    """Every metric LIF Coach exports, registered on one registry per process.

    `registry` holds the counters and histograms, which work processes send to the serving
    process to be added up (bot/slack/work_processes.py). `runtime` holds what describes one
    process (process_*, python_*, lif_build_info, the readiness checks): it is never sent, so
    the serving process's /metrics shows its own, not a sum that would mean nothing (a start
    time added up) nor one series per process under the same name.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.runtime = runtime_registry()
        self.readiness_check_ok = Gauge(
            "lif_readiness_check_ok",
            "1 if the readiness check passed at the last GET /readyz, else 0",
            ["check"],
            registry=self.runtime,
        )
        self._sources: list[Callable[[], Iterable[Metric]]] = []
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

    def add_source(self, source: Callable[[], Iterable[Metric]]) -> None:
        """Add another process's metrics (bot/slack/work_processes.py) to what /metrics shows."""
        self._sources.append(source)

    def exposed(self) -> CollectorRegistry:
        """What /metrics shows: this process's metrics with any added sources summed in, and
        this process's runtime series."""
        return _Exposed(self.registry, self.runtime, tuple(self._sources))

    def observe_llm_call(self, call: LlmCall) -> None:
        """Count one model call: its outcome, latency and tokens."""
        self.llm_calls.labels(call.purpose, call.outcome).inc()
        self.llm_seconds.labels(call.purpose).observe(call.latency_s)
        self.llm_tokens.labels("input").inc(call.input_tokens)
        self.llm_tokens.labels("output").inc(call.output_tokens)


class MetricsRecorder:
    """An LlmCallRecorder that feeds the Prometheus metrics."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def record(self, call: LlmCall) -> None:
        """Count the call."""
        self.metrics.observe_llm_call(call)


class TimedRetriever:
    """A Retriever that times every search into lif_retrieval_seconds{operation}."""

    def __init__(self, retriever: Retriever, metrics: Metrics) -> None:
        self.retriever = retriever
        self._seconds = metrics.retrieval_seconds

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        """The wrapped retriever's search, timed."""
        started = time.perf_counter()
        try:
            return self.retriever.search(query, k=k)
        finally:
            self._seconds.labels("search").observe(time.perf_counter() - started)

    def context_for(self, attribute: Attribute) -> Passage | None:
        """The wrapped retriever's context passage, timed."""
        started = time.perf_counter()
        try:
            return self.retriever.context_for(attribute)
        finally:
            self._seconds.labels("context").observe(time.perf_counter() - started)


def runtime_registry() -> CollectorRegistry:
    """prometheus-client's process_* (CPU, memory, open files, start time) and python_* (gc,
    version) series, and lif_build_info{version}, for this process alone."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    build = Info("lif_build", "The LIF Coach release this process runs", registry=registry)
    build.info({"version": build_version()})
    return registry


def build_version() -> str:
    """The installed package's version."""
    try:
        return importlib.metadata.version("lif-coach")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout never installed
        return "unknown"


class _Exposed(CollectorRegistry):
    """A registry that shows this process's metrics summed with other processes', then this
    process's runtime series."""

    def __init__(
        self,
        own: CollectorRegistry,
        runtime: CollectorRegistry,
        sources: tuple[Callable[[], Iterable[Metric]], ...],
    ) -> None:
        super().__init__(auto_describe=False)
        self.own = own
        self.runtime = runtime
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        if self.sources:
            yield from merged(self.own.collect(), *(source() for source in self.sources))
        else:
            yield from self.own.collect()
        yield from self.runtime.collect()


def merged(*sources: Iterable[Metric]) -> list[Metric]:
    """Metric families of several processes as one: counts and sums added, `_created` the
    earliest (every metric here is a counter or a histogram, so adding is right)."""
    families: dict[str, Metric] = {}
    samples: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], Sample]] = {}
    for source in sources:
        for family in source:
            if family.name not in families:
                families[family.name] = Metric(
                    family.name, family.documentation, family.type, family.unit
                )
                samples[family.name] = {}
            kept = samples[family.name]
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                before = kept.get(key)
                if before is None:
                    kept[key] = sample
                elif sample.name.endswith("_created"):
                    kept[key] = before._replace(value=min(before.value, sample.value))
                else:
                    kept[key] = before._replace(value=before.value + sample.value)
    for name, family in families.items():
        family.samples = list(samples[name].values())
    return list(families.values())
