"""When the model fails, misbehaves or runs out of budget, the offline coach carries on."""

from __future__ import annotations

import logging
import time

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.models import Person
from bot.llm.metrics import LlmMetrics
from bot.llm.usage import InMemoryCallBudget
from tests.llm.conftest import TIMEOUT_S
from tests.llm.fake_openai import FakeOpenAI, Reply

SECRET_ANSWER = "Sister Okafor cried in the sluice after the audit"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply.slow(TIMEOUT_S * 4), "timeout"),
        (Reply.error(429), "rate_limited"),
        (Reply.error(500), "server_error"),
        (Reply.error(503), "server_error"),
        (Reply.garbage(), "malformed"),
    ],
)
def test_a_failed_call_falls_back_to_the_bank_question_and_says_nothing_was_lost(
    llm_coach: ReflectionService,
    nurse: Person,
    openai_server: FakeOpenAI,
    metrics: LlmMetrics,
    caplog: pytest.LogCaptureFixture,
    reply: Reply,
    reason: str,
) -> None:
    step = llm_coach.start(nurse, "leadership")
    llm_coach.write(nurse, step.reflection_id, "L1", SECRET_ANSWER + ", and it stayed with me.")
    openai_server.queue(reply)
    started = time.perf_counter()
    with caplog.at_level(logging.DEBUG):
        step = llm_coach.rate(nurse, step.reflection_id, "L1", 2)

    assert time.perf_counter() - started < TIMEOUT_S * 3  # bounded by the timeout
    assert step.attribute.id == "L2" and step.question.stage != "personalised"
    assert step.question in llm_coach.questions.for_attribute("L2")
    assert step.fallback_notice and "Nothing you entered was lost" in step.fallback_notice
    assert metrics.snapshot()["calls"][("question", reason)] == 1
    assert f"fell back to the offline coach: {reason}" in caplog.text
    assert SECRET_ANSWER not in caplog.text  # the log never holds the person's text


def test_a_question_that_is_not_one_short_question_is_not_shown(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    openai_server.queue(Reply.text("Sure! Here are three questions:\n1. Why?\n2. How?\n3. When?"))
    step = llm_coach.start(nurse, "leadership")
    assert step.question.stage != "personalised" and step.fallback_notice


def test_broken_json_for_the_summary_gives_the_offline_summary(
    llm_coach: ReflectionService, nurse: Person, openai_server: FakeOpenAI
) -> None:
    step = llm_coach.start(nurse, "care_delivery")
    openai_server.queue(*[Reply.text("What happened?")] * 9, Reply.broken_json())
    outcome = step
    for rating in [3, 2, 4, 4, 1, 5, 3, 3, 4, 2]:
        outcome = llm_coach.rate(nurse, outcome.reflection_id, outcome.attribute.id, rating)
    assert outcome.fallback_notice and "Nothing you entered was lost" in outcome.fallback_notice
    assert [p.attribute.id for p in outcome.priorities] == ["C5", "C2", "C10"]


def test_the_daily_limit_stops_calls_and_the_coach_carries_on_offline(
    llm_coach: ReflectionService,
    nurse: Person,
    colleague: Person,
    openai_server: FakeOpenAI,
    budget: InMemoryCallBudget,
) -> None:
    budget.daily_limit = 2
    step = llm_coach.start(nurse, "improvement")
    step = llm_coach.rate(nurse, step.reflection_id, "I1", 3)
    assert step.question.stage == "personalised"
    step = llm_coach.rate(nurse, step.reflection_id, "I2", 3)

    assert len(openai_server.requests) == 2  # the third call was never made
    assert step.question.stage != "personalised"
    assert "today's limit" in step.fallback_notice
    assert budget.used(nurse, llm_coach.clock.now().date()) == 2
    assert llm_coach.start(colleague, "improvement").question.stage == "personalised"


def test_the_limit_resets_on_the_next_utc_day(
    llm_coach: ReflectionService, nurse: Person, budget: InMemoryCallBudget, clock
) -> None:
    budget.daily_limit = 1
    step = llm_coach.start(nurse, "improvement")
    step = llm_coach.rate(nurse, step.reflection_id, "I1", 3)
    assert step.question.stage != "personalised"
    clock.advance(days=1)
    step = llm_coach.rate(nurse, step.reflection_id, "I2", 3)
    assert step.question.stage == "personalised"
