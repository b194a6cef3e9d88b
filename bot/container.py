"""The composition root: builds every adapter and service from Settings, and nothing else does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.coaching.engine import ReflectionService
from bot.coaching.ports import Retriever
from bot.content import load_coach_texts, load_framework, load_question_bank
from bot.settings import Settings
from bot.storage.database import make_engine, upgrade
from bot.storage.repository import SqlReflectionRepository


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        return datetime.now(UTC)


@dataclass
class Coach:
    """Everything a channel (terminal, Slack) needs, built once per process."""

    settings: Settings
    engine: Engine
    service: ReflectionService
    retriever: Retriever


def make_retriever(settings: Settings) -> Retriever:
    """The Chroma-backed retriever configured by settings."""
    from bot.retrieval import make_retriever as make_chroma_retriever

    return make_chroma_retriever(settings)


def build_coach(settings: Settings, *, retriever: Retriever | None = None) -> Coach:
    """Migrate the database, load the knowledge and wire the reflection service."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    framework = load_framework(settings.knowledge_dir)
    retriever = retriever or make_retriever(settings)
    service = ReflectionService(
        framework=framework,
        questions=load_question_bank(settings.prompts_dir),
        texts=load_coach_texts(settings.prompts_dir),
        repository=SqlReflectionRepository(engine),
        retriever=retriever,
        clock=SystemClock(),
    )
    return Coach(settings=settings, engine=engine, service=service, retriever=retriever)
