"""Per-call records of model use (purpose, outcome, latency, tokens), never any text.

`LlmCallRecorder` is the hook: `LoggingRecorder` writes one log line per call, and `LlmMetrics`
keeps in-process totals that an exporter (e.g. Prometheus) can read with `snapshot()`.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LlmCall:
    """One model call: what for, how it ended, how long it took and the tokens it used."""

    purpose: str  # question|follow_up|summary|ask
    model: str
    outcome: str  # ok, or a ModelUnavailable reason: timeout|rate_limited|server_error|...
    latency_s: float
    input_tokens: int = 0
    output_tokens: int = 0


class LlmCallRecorder(Protocol):
    """Receives a record of every model call."""

    def record(self, call: LlmCall) -> None:
        """Take note of one call."""
        ...


class LoggingRecorder:
    """One INFO line per call, with no text of any prompt or reply."""

    def record(self, call: LlmCall) -> None:
        """Log the call's purpose, model, outcome, latency and tokens."""
        logger.info(
            "llm call purpose=%s model=%s outcome=%s latency_ms=%.0f tokens_in=%d tokens_out=%d",
            call.purpose,
            call.model,
            call.outcome,
            call.latency_s * 1000,
            call.input_tokens,
            call.output_tokens,
        )


class LlmMetrics:
    """Thread-safe in-process totals per (purpose, outcome), for an exporter to read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.seconds: dict[tuple[str, str], float] = {}
        self.tokens: Counter[tuple[str, str]] = Counter()  # (purpose, "input"|"output")

    def record(self, call: LlmCall) -> None:
        """Add one call to the totals."""
        with self._lock:
            key = (call.purpose, call.outcome)
            self.calls[key] += 1
            self.seconds[key] = self.seconds.get(key, 0.0) + call.latency_s
            self.tokens[(call.purpose, "input")] += call.input_tokens
            self.tokens[(call.purpose, "output")] += call.output_tokens

    def snapshot(self) -> dict[str, dict[tuple[str, str], float]]:
        """A copy of the totals: calls, seconds and tokens."""
        with self._lock:
            return {
                "calls": dict(self.calls),
                "seconds": dict(self.seconds),
                "tokens": dict(self.tokens),
            }


class Recorders:
    """Several recorders as one."""

    def __init__(self, *recorders: LlmCallRecorder) -> None:
        self.recorders = recorders

    def record(self, call: LlmCall) -> None:
        """Pass the call to every recorder."""
        for recorder in self.recorders:
            recorder.record(call)
