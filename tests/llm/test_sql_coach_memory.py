"""The AI coach's budget and memory in SQL (SQLite, or PostgreSQL via LIF_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from bot.coaching.models import Person, Reflection
from bot.storage.coach_memory import SqlCallBudget, SqlCoachMemory
from bot.storage.database import make_engine, upgrade
from bot.storage.repository import SqlReflectionRepository
from tests.keys import make_test_cipher

ALICE = Person(workspace_id="T1", user_id="U1")
BOB = Person(workspace_id="T1", user_id="U2")
TODAY = date(2026, 11, 27)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, cipher=make_test_cipher())
    upgrade(engine)
    yield engine
    engine.dispose()


def test_calls_are_counted_per_person_per_day_up_to_the_limit(engine: Engine) -> None:
    budget = SqlCallBudget(engine, daily_limit=2)
    assert [budget.take(ALICE, TODAY) for _ in range(3)] == [True, True, False]
    assert budget.used(ALICE, TODAY) == 2
    assert budget.take(BOB, TODAY) and budget.take(ALICE, date(2026, 11, 28))
    assert not SqlCallBudget(engine, daily_limit=0).take(BOB, TODAY)


def test_a_budget_shared_by_two_processes_counts_once(engine: Engine, database_url: str) -> None:
    other = make_engine(
        database_url, cipher=make_test_cipher()
    )  # a second process's engine on the same database
    first, second = SqlCallBudget(engine, 3), SqlCallBudget(other, 3)
    taken = [first.take(ALICE, TODAY), second.take(ALICE, TODAY), first.take(ALICE, TODAY)]
    assert taken == [True, True, True] and not second.take(ALICE, TODAY)
    other.dispose()


def test_the_role_is_remembered_declined_or_never_asked(engine: Engine) -> None:
    memory = SqlCoachMemory(engine)
    assert memory.role_of(ALICE) is None
    memory.set_role(ALICE, "ward manager")
    memory.set_role(BOB, "")
    memory.set_role(ALICE, "matron")
    assert memory.role_of(ALICE) == "matron" and memory.role_of(BOB) == ""


def test_what_the_coach_said_first_at_a_step_is_kept(engine: Engine) -> None:
    now = datetime(2026, 11, 27, 9, tzinfo=UTC)
    reflection = Reflection(
        id="r-1",
        person=ALICE,
        scope="leadership",
        framework_version="2026.1",
        attribute_ids=["L1"],
        started_at=now,
        updated_at=now,
    )
    SqlReflectionRepository(engine).add(reflection)
    memory = SqlCoachMemory(engine)
    assert memory.recall("r-1", "L1", "follow_up") is None
    memory.remember("r-1", "L1", "follow_up", "What happened next?")
    memory.remember("r-1", "L1", "follow_up", "A second follow-up")
    assert memory.recall("r-1", "L1", "follow_up") == "What happened next?"
    assert memory.recall("r-1", "L1", "question") is None
