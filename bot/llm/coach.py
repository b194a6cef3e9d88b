"""The CoachModel port on a LangChain chat model: prompts in, checked text or pydantic out.

Each call is bounded by the timeout (the HTTP client's, and a hard deadline on top), never
retried, and recorded (purpose, outcome, latency, tokens; never text). Every failure becomes
ModelUnavailable with a reason that is safe to log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel, ValidationError

from bot.coaching.ports import (
    AskRequest,
    DraftAnswer,
    DraftSummary,
    FollowUpRequest,
    ModelUnavailable,
    QuestionRequest,
    SoWhatRequest,
    SummaryRequest,
)
from bot.llm.metrics import LlmCall, LlmCallRecorder, LoggingRecorder
from bot.llm.prompts import (
    CoachPrompts,
    answers_text,
    passages_text,
    person_text,
    role_text,
)

T = TypeVar("T")
S = TypeVar("S", bound=BaseModel)
DEADLINE_MARGIN_S = 0.5  # on top of the client's own timeout, for a reply that trickles in


class LangChainCoachModel:
    """Implements CoachModel with any LangChain chat model (init_chat_model's choice)."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        prompts: CoachPrompts,
        *,
        timeout_s: float,
        model_name: str,
        recorder: LlmCallRecorder | None = None,
    ) -> None:
        self.chat_model = chat_model
        self.prompts = prompts
        self.timeout_s = timeout_s
        self.model_name = model_name
        self.recorder = recorder or LoggingRecorder()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")
        self._bound: dict[type[BaseModel], Runnable] = {}  # schema -> model with it bound

    def question(self, request: QuestionRequest) -> str:
        """One short, open question about the attribute."""
        return self._text(
            "question",
            attribute_id=request.attribute_id,
            statement=request.statement,
            context=request.context or "nothing more",
            role=role_text(request.role),
            earlier=answers_text(request.earlier),
            bank_question=request.bank_question,
        )

    def follow_up(self, request: FollowUpRequest) -> str:
        """One follow-up question inviting a fuller answer."""
        return self._text(
            "follow_up",
            attribute_id=request.attribute_id,
            statement=request.statement,
            question=request.question,
            role=role_text(request.role),
            answer=person_text(request.answer),
        )

    def so_what(self, request: SoWhatRequest) -> str:
        """One So-what question built on what the person described."""
        return self._text(
            "so_what",
            attribute_id=request.attribute_id,
            statement=request.statement,
            role=role_text(request.role),
            what=person_text(request.what),
            bank_question=request.bank_question,
        )

    def summary(self, request: SummaryRequest) -> DraftSummary:
        """Proposed priority areas, as structured output."""
        return self._structured(
            "summary",
            DraftSummary,
            count=request.count,
            role=role_text(request.role),
            answers=answers_text(request.answers),
            suggested=", ".join(request.suggested),
        )

    def answer(self, request: AskRequest) -> DraftAnswer:
        """A grounded answer about the framework, as structured output."""
        return self._structured(
            "ask",
            DraftAnswer,
            passages=passages_text(request.passages),
            question=person_text(request.question),
        )

    def close(self) -> None:
        """Stop the worker threads (calls in flight finish by their own timeout)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- internals ----------------------------------------------------------------------------

    def _text(self, purpose: str, **variables: Any) -> str:
        messages = self.prompts[purpose].format_messages(**variables)
        reply = self._call(purpose, lambda config: self.chat_model.invoke(messages, config))
        if not isinstance(reply.content, str):
            raise ModelUnavailable("malformed")
        return reply.content

    def _structured(self, purpose: str, schema: type[S], **variables: Any) -> S:
        messages = self.prompts[purpose].format_messages(**variables)
        if schema not in self._bound:  # converting the schema costs milliseconds: do it once
            self._bound[schema] = self.chat_model.with_structured_output(schema)
        runnable = self._bound[schema]
        result = self._call(purpose, lambda config: runnable.invoke(messages, config))
        if not isinstance(result, schema):
            raise ModelUnavailable("malformed")
        return result

    def _call(self, purpose: str, invoke: Callable[[RunnableConfig], T]) -> T:
        usage = UsageMetadataCallbackHandler()
        config = RunnableConfig(callbacks=[usage], run_name=f"lif-{purpose}")
        started = time.perf_counter()
        outcome = "ok"
        try:
            future = self._pool.submit(invoke, config)
            return future.result(timeout=self.timeout_s + DEADLINE_MARGIN_S)
        except FutureTimeout:
            future.cancel()
            outcome = "timeout"
            raise ModelUnavailable(outcome) from None
        except Exception as error:
            outcome = failure_reason(error)
            raise ModelUnavailable(outcome) from None  # the error may quote text: not chained
        finally:
            self._record(purpose, outcome, time.perf_counter() - started, usage)

    def _record(
        self, purpose: str, outcome: str, seconds: float, usage: UsageMetadataCallbackHandler
    ) -> None:
        totals = list(usage.usage_metadata.values())
        self.recorder.record(
            LlmCall(
                purpose=purpose,
                model=self.model_name,
                outcome=outcome,
                latency_s=seconds,
                input_tokens=sum(u.get("input_tokens", 0) for u in totals),
                output_tokens=sum(u.get("output_tokens", 0) for u in totals),
            )
        )


def failure_reason(error: BaseException) -> str:
    """A short, text-free name for why a call failed (provider-agnostic)."""
    status = getattr(error, "status_code", None) or getattr(
        getattr(error, "response", None), "status_code", None
    )
    name = type(error).__name__
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return "timeout"
    if status == 429 or "RateLimit" in name:
        return "rate_limited"
    if isinstance(status, int) and status >= 500:
        return "server_error"
    if isinstance(error, ValidationError | json.JSONDecodeError | OutputParserException):
        return "malformed"
    if "Connection" in name:
        return "unreachable"
    if isinstance(status, int):
        return f"http_{status}"
    return "error"
