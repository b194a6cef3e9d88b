"""Fixtures for follow-up tests: the real SQL store on the backend under test, a fake clock and
a recording sender. Imported by the conftest of each follow-up test folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.coaching.engine import ReflectionService
from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.planning import FollowUpPolicy
from bot.coaching.followup.ports import NudgeSender
from bot.coaching.followup.service import FollowUpService
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.content import load_coach_texts, load_followup_texts, load_question_bank
from bot.nudges.dispatcher import Dispatcher
from bot.storage.database import make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.repository import SqlReflectionRepository
from tests.fakes import FakeClock, KeywordRetriever
from tests.keys import make_test_cipher
from tests.nudges.fakes import FakeNudgeSender

TUESDAY_AFTERNOON = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 14:00 in London (GMT)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_AFTERNOON)


@pytest.fixture
def store(engine: Engine) -> SqlNudgeRepository:
    return SqlNudgeRepository(engine)


@pytest.fixture
def coach(framework: Framework, clock: FakeClock, engine: Engine) -> ReflectionService:
    return ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=SqlReflectionRepository(engine),
        retriever=KeywordRetriever(framework),
        clock=clock,
    )


@pytest.fixture
def followup(
    framework: Framework, clock: FakeClock, coach: ReflectionService, store: SqlNudgeRepository
) -> FollowUpService:
    return FollowUpService(
        framework=framework,
        texts=load_followup_texts(),
        nudges=store,
        reflections=coach.repository,
        retriever=KeywordRetriever(framework),
        clock=clock,
        default_timezone="Europe/London",
        policy=FollowUpPolicy(reminder_after_days=3, re_reflection_weeks=12),
    )


@pytest.fixture
def sender() -> FakeNudgeSender:
    return FakeNudgeSender()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_dispatcher(
    store: SqlNudgeRepository,
    sender: NudgeSender,
    clock: FakeClock,
    framework: Framework,
    sleeps: list[float],
    *,
    worker_id: str = "test-dispatcher",
    **options: Any,
) -> Dispatcher:
    """A dispatcher on the test's store, clock and sender; `options` as Dispatcher takes them."""
    return Dispatcher(
        queue=store,
        repository=store,
        sender=sender,
        render=nudge_renderer(framework=framework, texts=load_followup_texts()),
        clock=clock,
        policy=FollowUpPolicy(reminder_after_days=3, re_reflection_weeks=12),
        worker_id=worker_id,
        **({"sleep": sleeps.append} | options),  # a test may bring its own sleep
    )


@pytest.fixture
def dispatcher(
    store: SqlNudgeRepository,
    sender: FakeNudgeSender,
    clock: FakeClock,
    framework: Framework,
    sleeps: list[float],
) -> Dispatcher:
    return make_dispatcher(store, sender, clock, framework, sleeps)


def confirm_leadership(
    coach: ReflectionService,
    person: Person,
    ratings: list[int] | None = None,
    goal: str | None = "Agree our ward's purpose with the team by March",
) -> str:
    """Rate the nine Leadership attributes, set a goal on priority 1 and confirm."""
    step = coach.start(person, "leadership")
    outcome = step
    for attribute_id, rating in zip(
        step_ids(step), ratings or [1, 2, 3, 4, 5, 4, 3, 2, 2], strict=True
    ):
        outcome = coach.rate(person, step.reflection_id, attribute_id, rating)
    summary = outcome
    if goal:
        first = summary.priorities[0].attribute.id
        coach.set_goal(person, step.reflection_id, first, goal)
    coach.confirm(person, step.reflection_id)
    return step.reflection_id


def step_ids(step) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"L{n}" for n in range(1, step.domain_size + 1)]
