"""A reflection service wired to fakes, so domain tests read as conversations."""

from __future__ import annotations

import pytest

from bot.coaching.engine import ReflectionService
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.content import load_coach_texts, load_framework, load_question_bank
from tests.fakes import FakeClock, InMemoryReflectionRepository, KeywordRetriever


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_framework()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repository() -> InMemoryReflectionRepository:
    return InMemoryReflectionRepository()


@pytest.fixture
def coach(
    framework: Framework, clock: FakeClock, repository: InMemoryReflectionRepository
) -> ReflectionService:
    return ReflectionService(
        framework=framework,
        questions=load_question_bank(),
        texts=load_coach_texts(),
        repository=repository,
        retriever=KeywordRetriever(framework),
        clock=clock,
    )


@pytest.fixture
def nurse() -> Person:
    return Person(workspace_id="T-TRUST", user_id="U-NURSE")


@pytest.fixture
def colleague() -> Person:
    return Person(workspace_id="T-TRUST", user_id="U-COLLEAGUE")
