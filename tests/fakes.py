"""Fakes of the coaching ports, for domain tests that read as conversations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.coaching.errors import ConcurrentUpdate
from bot.coaching.framework import Attribute, Framework
from bot.coaching.models import Mode, Person, Reflection, Status
from bot.coaching.ports import Passage


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class InMemoryReflectionRepository:
    """Keeps copies, as a database would, and refuses stale saves."""

    def __init__(self) -> None:
        self.rows: dict[str, Reflection] = {}
        self.saves = 0

    def add(self, reflection: Reflection) -> None:
        self.rows[reflection.id] = reflection.model_copy(deep=True)

    def save(self, reflection: Reflection) -> Reflection:
        stored = self.rows[reflection.id]
        if stored.version != reflection.version:
            raise ConcurrentUpdate("Someone else changed this reflection; try again.")
        saved = reflection.model_copy(deep=True, update={"version": reflection.version + 1})
        self.rows[reflection.id] = saved
        self.saves += 1
        return saved.model_copy(deep=True)

    def get(self, reflection_id: str) -> Reflection | None:
        found = self.rows.get(reflection_id)
        return found.model_copy(deep=True) if found else None

    def _mine(self, person: Person, *statuses: Status) -> list[Reflection]:
        rows = [r for r in self.rows.values() if r.person == person and r.status in statuses]
        return sorted(rows, key=lambda r: r.started_at, reverse=True)

    def active_for(self, person: Person) -> Reflection | None:
        rows = self._mine(person, Status.IN_PROGRESS, Status.REVIEWING)
        return rows[0].model_copy(deep=True) if rows else None

    def latest_completed_for(self, person: Person) -> Reflection | None:
        rows = self._mine(person, Status.COMPLETED)
        return rows[0].model_copy(deep=True) if rows else None

    def history_for(self, person: Person) -> list[Reflection]:
        return [r.model_copy(deep=True) for r in self._mine(person, *Status)]

    def set_aside_for(self, person: Person) -> list[Reflection]:
        return [r.model_copy(deep=True) for r in self._mine(person, Status.ABANDONED)]

    def mode_for(self, person: Person) -> Mode | None:
        rows = self._mine(person, *Status)
        return rows[0].mode if rows else None


class KeywordRetriever:
    """Finds attributes whose statement shares words with the query; enough for domain tests."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        words = {w.strip(".,").lower() for w in query.split() if len(w) > 4}
        scored = []
        for attribute in self.framework.attributes():
            text = attribute.statement.lower() + " " + " ".join(attribute.enrichment.keywords)
            score = sum(1 for w in words if w in text)
            if score:
                scored.append((score, attribute))
        scored.sort(key=lambda item: -item[0])
        return [
            Passage(text=a.statement, score=s, attribute_id=a.id, domain_id=a.domain_id)
            for s, a in scored[:k]
        ]

    def context_for(self, attribute: Attribute) -> Passage | None:
        return Passage(
            text=attribute.enrichment.why_it_matters,
            score=1.0,
            attribute_id=attribute.id,
            domain_id=attribute.domain_id,
            kind="why",
        )
