"""The small ports the coaching domain depends on; adapters implement them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.coaching.framework import Attribute
from bot.coaching.models import Person, Reflection


class Passage(BaseModel):
    """A piece of knowledge found by retrieval, best-first in a result list."""

    model_config = ConfigDict(frozen=True)

    text: str
    score: float
    attribute_id: str | None = None
    domain_id: str | None = None
    kind: str = "statement"  # statement|description|why|example|section|document
    source: str = "framework"


class Retriever(Protocol):
    """Finds framework knowledge relevant to a piece of text."""

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        """Best passages first, at most one per attribute."""
        ...

    def context_for(self, attribute: Attribute) -> Passage | None:
        """A short passage that puts this attribute in context (not its statement)."""
        ...


class ReflectionRepository(Protocol):
    """Durable storage of reflections; every save is committed before it returns."""

    def add(self, reflection: Reflection) -> None:
        """Store a new reflection."""
        ...

    def save(self, reflection: Reflection) -> Reflection:
        """Store changes; raises ConcurrentUpdate if someone saved it meanwhile."""
        ...

    def get(self, reflection_id: str) -> Reflection | None:
        """The reflection with this id, or None."""
        ...

    def active_for(self, person: Person) -> Reflection | None:
        """The person's unfinished reflection, newest first, or None."""
        ...

    def latest_completed_for(self, person: Person) -> Reflection | None:
        """The person's most recently completed reflection, or None."""
        ...

    def history_for(self, person: Person) -> list[Reflection]:
        """All of the person's reflections, newest first."""
        ...


class Clock(Protocol):
    """The current time, in UTC; a port so tests can travel in time."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        ...
